//! The Organization view: an organization governed through the app's installation on it.
//! Its installed apps, and its audit log streamed page by page, searched and exported as
//! JSON Lines (Rust writes the file; the window names the events it shows).

use crate::ipc::{
    AuditEventRow, AuditOutcome, AuditProgress, AuditSearch, ExportOutcome, IpcError, IpcResult,
    OrgAppRow, OrgAppsView,
};
use crate::state::DesktopState;
use appwarden_core::github::audit_log::phrase_with;
use appwarden_core::github::{AuditOrder, AuditQuery};
use std::ops::ControlFlow;
use tauri::State;
use tauri::ipc::Channel;

#[tauri::command]
pub async fn org_installed_apps(
    state: State<'_, DesktopState>,
    name: String,
    org: String,
) -> IpcResult<OrgAppsView> {
    let session = state.session(&name).await?;
    let listed = session.installed_apps(&org).await?;
    let mut apps: Vec<OrgAppRow> = listed
        .installations
        .iter()
        .map(|inst| OrgAppRow::new(inst, session.app_id))
        .collect();
    apps.sort_by(|a, b| a.app_slug.cmp(&b.app_slug));
    let mut permissions: Vec<String> = apps
        .iter()
        .flat_map(|app| app.permissions.keys().cloned())
        .collect();
    permissions.sort();
    permissions.dedup();
    Ok(OrgAppsView {
        org: appwarden_core::organization::org_login(&org)?,
        apps,
        permissions,
        fetched_at: state.clock.now().to_rfc3339(),
    })
}

/// Reads the audit log, sending each page to `on_page` as it arrives; the events are kept
/// for [`export_audit_log`].
#[tauri::command]
pub async fn org_audit_log(
    state: State<'_, DesktopState>,
    name: String,
    org: String,
    search: AuditSearch,
    on_page: Channel<AuditProgress>,
) -> IpcResult<AuditOutcome> {
    if search.limit == 0 {
        return Err(IpcError::invalid("Ask for at least one event."));
    }
    let session = state.session(&name).await?;
    let phrase = phrase_with(&search.phrase, search.programmatic_access);
    let since = search
        .since_days
        .map(|days| session.client.github_now() - chrono::Duration::days(i64::from(days)));
    let query = AuditQuery {
        phrase,
        include: search.include,
        order: AuditOrder::Desc,
        per_page: 100,
        since,
    };
    let mut kept = Vec::new();
    let mut page = 0u32;
    let read = session
        .audit_log(&org, &query, Some(search.limit as usize), |events| {
            page += 1;
            let rows: Vec<AuditEventRow> = events
                .iter()
                .enumerate()
                .map(|(i, event)| AuditEventRow::new((kept.len() + i) as u32, event))
                .collect();
            kept.extend_from_slice(events);
            let _ = on_page.send(AuditProgress::Page { page, events: rows });
            ControlFlow::Continue(())
        })
        .await?;
    state.remember_audit_events(&name, &org, kept);
    Ok(AuditOutcome {
        events: read.events as u32,
        pages: read.pages as u32,
        stopped_early: read.stopped_early,
        default_window: query.searches_default_window(),
        phrase: query.sent_phrase(),
    })
}

/// Saves the audit events shown (by their `index` in the last read, in the order given) as
/// JSON Lines, each event as GitHub sent it, to a file chosen in a save dialog; `None` when
/// cancelled.
#[tauri::command]
pub async fn export_audit_log(
    app_handle: tauri::AppHandle,
    state: State<'_, DesktopState>,
    name: String,
    org: String,
    indexes: Vec<u32>,
) -> IpcResult<Option<ExportOutcome>> {
    let events = state.audit_events(&name, &org).ok_or_else(|| {
        IpcError::invalid("The audit log has not been read yet: search it, then export.")
    })?;
    let mut lines = Vec::new();
    for index in &indexes {
        let event = events.get(*index as usize).ok_or_else(|| {
            IpcError::invalid(
                "The events shown are not those last read: search again, then export.",
            )
        })?;
        serde_json::to_writer(&mut lines, event)
            .map_err(|e| IpcError::invalid(format!("Internal error: {e}")))?;
        lines.push(b'\n');
    }
    let suggested = format!(
        "{}-audit-log.jsonl",
        appwarden_core::organization::org_login(&org)?
    );
    let Some(path) = super::save::choose_path(
        app_handle,
        "Export the audit events shown",
        suggested,
        "jsonl",
    )
    .await?
    else {
        return Ok(None);
    };
    super::save::write(&path, &lines)?;
    Ok(Some(ExportOutcome {
        path: path.to_string_lossy().into_owned(),
        rows: indexes.len(),
    }))
}
