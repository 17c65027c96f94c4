//! Installations: the streamed listing and one installation's repositories.

use crate::ipc::{
    CachedInstallations, ExportOutcome, ExportRequest, InstallationAction, InstallationRequestRow,
    InstallationRow, IpcError, IpcResult, ListEvent, ListLayout, ListOutcome, RepositoryRow,
};
use crate::state::DesktopState;
use appwarden_core::Error;
use appwarden_core::github::TokenRequest;
use tauri::State;
use tauri::ipc::Channel;

/// The installations listed last time, from the local cache (no keyring, no network), so the
/// window can show them at once; `None` when there are none.
#[tauri::command]
pub async fn cached_installations(
    state: State<'_, DesktopState>,
    name: String,
) -> IpcResult<Option<CachedInstallations>> {
    let app = state.app(&name).await?;
    let Some(cache) = state.listing_cache.clone() else {
        return Ok(None);
    };
    let cached = tokio::task::spawn_blocking(move || cache.load(&app.api_url, app.app_id))
        .await
        .ok()
        .flatten();
    let described = state.description(&name);
    Ok(cached.map(|cached| {
        let batch = ListLayout::new(described.as_ref()).list(cached.snapshot.distinct());
        CachedInstallations {
            fetched_at: cached.fetched_at.to_rfc3339(),
            installations: batch.installations,
            grants: batch.grants,
            links: batch.links,
        }
    }))
}

/// Lists every installation, sending each page to `on_event` as it arrives; pages unchanged
/// since the cached listing are confirmed with free conditional requests. Resolves once
/// complete; fails (saying how far it got) if any page fails.
#[tauri::command]
pub async fn list_installations(
    state: State<'_, DesktopState>,
    name: String,
    on_event: Channel<ListEvent>,
) -> IpcResult<ListOutcome> {
    let session = state.session(&name).await?;
    // What the app asks now, to mark installations that have not accepted it (the overview
    // has usually asked already; a failure here only leaves the marks out).
    let described = match state.description(&name) {
        Some(app) => Some(app),
        None => match session.client.app(&session.signer).await {
            Ok(app) => {
                state.remember_description(&name, &app);
                Some(app)
            }
            Err(_) => None,
        },
    };
    // The count GET /app gave lets the first pages be asked for at once.
    let expected = described.as_ref().and_then(|app| app.installations_count);
    let mut layout = ListLayout::new(described.as_ref());
    let mut sender = PageSender::new(&on_event);
    let listed = session
        .list_installations_expecting(state.listing_cache.as_ref(), expected, |page| {
            let batch = layout.list(page.installations);
            sender.push(page.page, page.total_pages, page.pages_done, batch);
        })
        .await;
    // What arrived is shown, whether the listing completed or not.
    sender.flush();
    let listing = listed.map_err(Error::from)?;
    let outcome = ListOutcome {
        total: listing.snapshot.count() as u32,
        unchanged: listing.unchanged(),
        requests: listing.requests,
        not_modified: listing.not_modified,
    };
    // Saved before the answer (the export reads what was saved), off the async runtime;
    // then the pages (every installation in full) are done with, and their memory is handed
    // back without holding up the answer.
    let cache = state.listing_cache.clone();
    let _ = tokio::task::spawn_blocking(move || {
        if let Some(cache) = cache {
            let _ = session.save_listing(&cache, &listing);
        }
        drop(listing);
    })
    .await;
    tokio::task::spawn_blocking(crate::memory::release_free_heap);
    Ok(outcome)
}

/// Sends a listing's pages to the window: the first at once, then what arrived since, at most
/// every [`PageSender::EVERY`]. The window shows them no more often than that anyway, and
/// every message the web process receives leaves it a little larger: 1,000 pages reach it
/// as about 170 messages.
struct PageSender<'c> {
    channel: &'c Channel<ListEvent>,
    pending: Option<ListEvent>,
    sent_at: Option<std::time::Instant>,
}

impl<'c> PageSender<'c> {
    const EVERY: std::time::Duration = std::time::Duration::from_millis(150);

    fn new(channel: &'c Channel<ListEvent>) -> Self {
        Self {
            channel,
            pending: None,
            sent_at: None,
        }
    }

    fn push(&mut self, number: u32, total: u32, done: u32, batch: crate::ipc::ListedBatch) {
        match &mut self.pending {
            Some(ListEvent::Page {
                page,
                total_pages,
                pages_done,
                installations,
                grants,
                links,
            }) => {
                *page = number;
                *total_pages = total;
                *pages_done = done;
                installations.extend(batch.installations);
                grants.extend(batch.grants);
                if batch.links.is_some() {
                    *links = batch.links;
                }
            }
            None => {
                self.pending = Some(ListEvent::Page {
                    page: number,
                    total_pages: total,
                    pages_done: done,
                    installations: batch.installations,
                    grants: batch.grants,
                    links: batch.links,
                });
            }
        }
        if self.sent_at.is_none_or(|at| at.elapsed() >= Self::EVERY) {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if let Some(event) = self.pending.take() {
            let _ = self.channel.send(event);
            self.sent_at = Some(std::time::Instant::now());
        }
    }
}

/// The repositories an installation can reach, read with an installation token.
#[tauri::command]
pub async fn installation_repositories(
    state: State<'_, DesktopState>,
    name: String,
    installation_id: u64,
) -> IpcResult<Vec<RepositoryRow>> {
    let session = state.session(&name).await?;
    let (token, _) = session
        .token(installation_id, &TokenRequest::default())
        .await?;
    let repos = session
        .client
        .installation_repositories(&token.token)
        .await
        .map_err(Error::from)?;
    Ok(repos.into_iter().map(RepositoryRow::from).collect())
}

/// Suspends, unsuspends or uninstalls an installation. Suspending and uninstalling go ahead
/// only with `confirm_login` equal to the account's login (checked here, against GitHub's
/// answer, not only in the window). Returns the installation as it is now (`None` once
/// uninstalled).
#[tauri::command]
pub async fn administer_installation(
    state: State<'_, DesktopState>,
    name: String,
    installation_id: u64,
    action: InstallationAction,
    confirm_login: Option<String>,
) -> IpcResult<Option<InstallationRow>> {
    let session = state.session(&name).await?;
    let installation = session
        .client
        .installation(&session.signer, installation_id)
        .await
        .map_err(Error::from)?;
    let login = installation.account_login().to_owned();
    let destructive = !matches!(action, InstallationAction::Unsuspend);
    if destructive && confirm_login.as_deref().map(str::trim) != Some(login.as_str()) {
        return Err(IpcError::invalid(format!(
            "Type {login} exactly to confirm; nothing was changed."
        )));
    }
    match action {
        InstallationAction::Suspend => session.suspend(installation_id).await?,
        InstallationAction::Unsuspend => session.unsuspend(installation_id).await?,
        InstallationAction::Uninstall => {
            session.uninstall(installation_id).await?;
            return Ok(None);
        }
    }
    let now = session
        .client
        .installation(&session.signer, installation_id)
        .await
        .map_err(Error::from)?;
    Ok(Some(InstallationRow::compared_with(
        now,
        state.description(&name).as_ref(),
    )))
}

/// Writes the installations the window shows (its filters, search and sort applied: `ids`
/// in the order shown) as CSV or JSON to a file chosen in a save dialog. The rows come from
/// the last complete listing. `None` when the dialog was cancelled.
#[tauri::command]
pub async fn export_installations(
    app_handle: tauri::AppHandle,
    state: State<'_, DesktopState>,
    name: String,
    request: ExportRequest,
) -> IpcResult<Option<ExportOutcome>> {
    let app = state.app(&name).await?;
    let extension = match request.format.as_str() {
        "csv" => "csv",
        "json" => "json",
        other => {
            return Err(IpcError::invalid(format!(
                "\"{other}\" is not an export format: choose CSV or JSON."
            )));
        }
    };
    let Some(cache) = state.listing_cache.clone() else {
        return Err(IpcError::invalid(
            "There is no cache directory, so the listing was not kept to export from. Set APPWARDEN_CACHE_DIR to a writable directory.",
        ));
    };
    let suggested = format!(
        "{}-installations.{extension}",
        app.name.replace(['/', ' '], "-")
    );
    let path = super::save::choose_path(
        app_handle,
        "Export the installations shown",
        suggested,
        extension,
    )
    .await?;
    let Some(path) = path else {
        return Ok(None);
    };
    let described = state.description(&name);
    let shown_path = path.to_string_lossy().into_owned();
    let rows = tokio::task::spawn_blocking(move || -> IpcResult<usize> {
        let cached = cache.load(&app.api_url, app.app_id).ok_or_else(|| {
            IpcError::invalid("The listing is not complete yet: export once it has finished.")
        })?;
        let by_id: std::collections::HashMap<u64, &appwarden_core::github::Installation> = cached
            .snapshot
            .distinct()
            .map(|inst| (inst.id, inst))
            .collect();
        let chosen: Vec<&appwarden_core::github::Installation> = request
            .ids
            .iter()
            .filter_map(|id| by_id.get(id).copied())
            .collect();
        let gaps: Vec<Option<appwarden_core::acceptance::AcceptanceGap>> = chosen
            .iter()
            .map(|inst| {
                described
                    .as_ref()
                    .and_then(|app| appwarden_core::acceptance::gap(app, inst))
            })
            .collect();
        let rows: Vec<appwarden_core::export::ExportRow<'_>> = chosen
            .iter()
            .zip(&gaps)
            .map(|(inst, gap)| (*inst, gap.as_ref()))
            .collect();
        let text = match extension {
            "csv" => appwarden_core::export::csv(&rows, request.with_awaiting),
            _ => {
                let json = appwarden_core::export::json(&rows, request.with_awaiting);
                serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"
            }
        };
        super::save::write(&path, text.as_bytes())?;
        Ok(rows.len())
    })
    .await
    .map_err(|e| IpcError::invalid(format!("Internal error: {e}")))??;
    Ok(Some(ExportOutcome {
        path: shown_path,
        rows,
    }))
}

/// Pending requests to install the app.
#[tauri::command]
pub async fn installation_requests(
    state: State<'_, DesktopState>,
    name: String,
) -> IpcResult<Vec<InstallationRequestRow>> {
    let session = state.session(&name).await?;
    let requests = session
        .client
        .installation_requests(&session.signer)
        .await
        .map_err(Error::from)?;
    Ok(requests
        .into_iter()
        .map(InstallationRequestRow::from)
        .collect())
}
