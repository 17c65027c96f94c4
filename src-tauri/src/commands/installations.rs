//! Installations: the streamed listing and one installation's repositories.

use crate::ipc::{InstallationRow, IpcResult, ListEvent, RepositoryRow};
use crate::state::DesktopState;
use appwarden_core::Error;
use appwarden_core::github::TokenRequest;
use tauri::State;
use tauri::ipc::Channel;

/// Lists every installation, sending each page to `on_event` as it arrives. Resolves with the
/// total once complete; fails (saying how far it got) if any page fails.
#[tauri::command]
pub async fn list_installations(
    state: State<'_, DesktopState>,
    name: String,
    on_event: Channel<ListEvent>,
) -> IpcResult<usize> {
    let session = state.session(&name).await?;
    let all = session
        .client
        .list_installations(&session.signer, |page| {
            let _ = on_event.send(ListEvent::Page {
                page: page.page,
                total_pages: page.total_pages,
                pages_done: page.pages_done,
                installations: page
                    .installations
                    .into_iter()
                    .map(InstallationRow::from)
                    .collect(),
            });
        })
        .await
        .map_err(Error::from)?;
    Ok(all.len())
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
