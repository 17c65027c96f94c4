//! Installations: the streamed listing and one installation's repositories.

use crate::ipc::{
    CachedInstallations, InstallationAction, InstallationRequestRow, InstallationRow, IpcError,
    IpcResult, ListEvent, ListOutcome, RepositoryRow,
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
    Ok(cached.map(|cached| CachedInstallations {
        fetched_at: cached.fetched_at.to_rfc3339(),
        installations: cached
            .snapshot
            .installations()
            .into_iter()
            .map(InstallationRow::from)
            .collect(),
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
    let listing = session
        .list_installations(state.listing_cache.as_ref(), |page| {
            let _ = on_event.send(ListEvent::Page {
                page: page.page,
                total_pages: page.total_pages,
                pages_done: page.pages_done,
                installations: page
                    .installations
                    .into_iter()
                    .cloned()
                    .map(InstallationRow::from)
                    .collect(),
            });
        })
        .await
        .map_err(Error::from)?;
    let outcome = ListOutcome {
        total: listing.snapshot.count() as u32,
        unchanged: listing.unchanged(),
        requests: listing.requests,
        not_modified: listing.not_modified,
    };
    // The pages (every installation in full) are sent, saved and done with; their memory
    // is handed back off the async runtime, without holding up the answer.
    drop(listing);
    tokio::task::spawn_blocking(crate::memory::release_free_heap);
    Ok(outcome)
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
    Ok(Some(InstallationRow::from(now)))
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
