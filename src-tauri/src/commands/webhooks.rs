//! The app's webhook: configuration, deliveries, one delivery, redelivery (one, or every
//! failure in a window with progress), the signature checker, and where deliveries come
//! from (`GET /meta`'s source ranges, with their export).

use crate::ipc::{
    DeliveryPage, DeliveryQuery, DeliveryRow, DeliveryView, ExportOutcome, IpcError, IpcResult,
    RedeliveryOutcome, RedeliveryPlanView, RedeliveryStep, SignatureVerdict, SourceRangesView,
    WebhookConfigChange, WebhookConfigView,
};
use crate::state::DesktopState;
use appwarden_core::github::{DeliveryFilter, SecretChange, WebhookConfigUpdate};
use appwarden_core::redelivery::RedeliveryOptions;
use appwarden_core::{WebhookSecret, webhook};
use chrono::{DateTime, Utc};
use tauri::State;
use tauri::ipc::Channel;

fn moment(value: Option<&str>, what: &str) -> IpcResult<Option<DateTime<Utc>>> {
    value
        .filter(|v| !v.trim().is_empty())
        .map(|v| {
            DateTime::parse_from_rfc3339(v.trim())
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    IpcError::invalid(format!("The {what} time \"{v}\" is not a date and time."))
                })
        })
        .transpose()
}

#[tauri::command]
pub async fn webhook_config(
    state: State<'_, DesktopState>,
    name: String,
) -> IpcResult<WebhookConfigView> {
    let session = state.session(&name).await?;
    Ok(session.webhook_config().await?.into())
}

/// Saves changes to the configuration; answers with the configuration as GitHub now has it.
#[tauri::command]
pub async fn update_webhook_config(
    state: State<'_, DesktopState>,
    name: String,
    change: WebhookConfigChange,
) -> IpcResult<WebhookConfigView> {
    let secret = match (change.new_secret, change.remove_secret) {
        (Some(secret), _) if !secret.is_empty() => {
            Some(SecretChange::Set(WebhookSecret::new(secret)))
        }
        (_, true) => Some(SecretChange::Remove),
        _ => None,
    };
    let update = WebhookConfigUpdate {
        url: change.url,
        content_type: change.content_type,
        verify_ssl: change.verify_ssl,
        secret,
    };
    let session = state.session(&name).await?;
    Ok(session.update_webhook_config(&update).await?.into())
}

#[tauri::command]
pub async fn webhook_deliveries(
    state: State<'_, DesktopState>,
    name: String,
    query: DeliveryQuery,
) -> IpcResult<DeliveryPage> {
    let filter = DeliveryFilter {
        failed_only: query.failed_only,
        event: query.event.filter(|e| !e.is_empty()),
        since: moment(query.since.as_deref(), "start")?,
        until: moment(query.until.as_deref(), "end")?,
        limit: query.limit,
    };
    let session = state.session(&name).await?;
    let list = session.deliveries(&filter).await?;
    Ok(DeliveryPage {
        deliveries: list.deliveries.into_iter().map(DeliveryRow::from).collect(),
        truncated: list.truncated,
    })
}

#[tauri::command]
pub async fn webhook_delivery(
    state: State<'_, DesktopState>,
    name: String,
    delivery_id: u64,
) -> IpcResult<DeliveryView> {
    let session = state.session(&name).await?;
    Ok(session.delivery(delivery_id).await?.into())
}

#[tauri::command]
pub async fn redeliver(
    state: State<'_, DesktopState>,
    name: String,
    delivery_id: u64,
) -> IpcResult<()> {
    let session = state.session(&name).await?;
    Ok(session.redeliver(delivery_id).await?)
}

/// What redelivering the failures in the window would do (nothing is sent).
#[tauri::command]
pub async fn plan_redelivery(
    state: State<'_, DesktopState>,
    name: String,
    since: String,
    until: Option<String>,
) -> IpcResult<RedeliveryPlanView> {
    let since = moment(Some(&since), "start")?
        .ok_or_else(|| IpcError::invalid("Choose when the window starts."))?;
    let until = moment(until.as_deref(), "end")?;
    let session = state.session(&name).await?;
    Ok(session.plan_redelivery(since, until).await?.into())
}

/// Redelivers the deliveries the window confirmed, one at a time, a second apart, sending
/// each step to `on_step`.
#[tauri::command]
pub async fn redeliver_many(
    state: State<'_, DesktopState>,
    name: String,
    delivery_ids: Vec<u64>,
    on_step: Channel<RedeliveryStep>,
) -> IpcResult<RedeliveryOutcome> {
    let session = state.session(&name).await?;
    let report = session
        .redeliver_each(&delivery_ids, &RedeliveryOptions::default(), |step| {
            let _ = on_step.send(step.into());
        })
        .await;
    Ok(report.into())
}

/// Whether `signature` is the payload's `X-Hub-Signature-256` with `secret`.
#[tauri::command]
pub fn check_signature(
    payload: String,
    secret: String,
    signature: String,
) -> IpcResult<SignatureVerdict> {
    let secret = WebhookSecret::new(secret);
    if secret.expose_secret().is_empty() {
        return Err(IpcError::invalid(
            "Give the webhook secret the payload was signed with.",
        ));
    }
    let key = secret.expose_secret().as_bytes();
    let valid = webhook::verify(payload.as_bytes(), key, &signature)
        .map_err(|e| IpcError::invalid(e.to_string()))?;
    Ok(SignatureVerdict {
        valid,
        expected: webhook::sign(payload.as_bytes(), key),
    })
}

/// Where the app's webhook deliveries come from: `GET /meta`'s `hooks` for the app's host,
/// asked without credentials (no key read, no PIN asked), kept for the export.
#[tauri::command]
pub async fn webhook_source_ranges(
    state: State<'_, DesktopState>,
    name: String,
) -> IpcResult<SourceRangesView> {
    let app = state.app(&name).await?;
    let client = state.anonymous_client(Some(&app))?;
    let ranges = appwarden_core::source_ranges::SourceRanges::fetch(&client, state.clock.now())
        .await
        .map_err(appwarden_core::Error::from)?;
    state.remember_source_ranges(&name, &ranges);
    Ok(SourceRangesView::from(&ranges))
}

/// Saves the source ranges shown (as fetched, with their time) as a CIDR list (`cidr`) or
/// nginx `allow` lines (`nginx`) to a file chosen in a save dialog; `None` when cancelled.
#[tauri::command]
pub async fn export_source_ranges(
    app_handle: tauri::AppHandle,
    state: State<'_, DesktopState>,
    name: String,
    format: String,
) -> IpcResult<Option<ExportOutcome>> {
    let ranges = state.source_ranges(&name).ok_or_else(|| {
        IpcError::invalid("The source ranges are not fetched yet: fetch them, then save.")
    })?;
    if let Some(why) = ranges.why_none() {
        return Err(IpcError::invalid(format!("Nothing to save: {why}")));
    }
    let (text, extension, title) = match format.as_str() {
        "cidr" => (ranges.cidr_list(), "txt", "Save the webhook source ranges"),
        "nginx" => (
            ranges.nginx(),
            "conf",
            "Save nginx allow lines for the webhook source ranges",
        ),
        other => {
            return Err(IpcError::invalid(format!(
                "\"{other}\" is not a format for source ranges: choose a CIDR list or nginx lines."
            )));
        }
    };
    let suggested = format!("github-hook-ranges.{extension}");
    let Some(path) = super::save::choose_path(app_handle, title, suggested, extension).await?
    else {
        return Ok(None);
    };
    let written = path.clone();
    tokio::task::spawn_blocking(move || super::save::write(&written, text.as_bytes()))
        .await
        .map_err(|e| IpcError::invalid(format!("Internal error: {e}")))??;
    Ok(Some(ExportOutcome {
        path: path.to_string_lossy().into_owned(),
        rows: ranges.all().count(),
    }))
}
