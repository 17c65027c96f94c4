//! Installation tokens: mint (one click, or scoped), revoke, and copy with clipboard clearing.
//! The window gets the token once, in the mint answer, to show; copying and revoking refer
//! to it by handle.

use crate::ipc::{IpcError, IpcResult, MintedToken, TokenScope};
use crate::state::{DesktopState, HeldToken};
use appwarden_core::AccessToken;
use appwarden_core::github::TokenRequest;
use appwarden_core::token_cache::TokenSource;
use std::time::Duration;
use tauri::State;
use tauri_plugin_clipboard_manager::ClipboardExt;

#[tauri::command]
pub async fn mint_token(
    state: State<'_, DesktopState>,
    name: String,
    installation_id: u64,
    scope: Option<TokenScope>,
) -> IpcResult<MintedToken> {
    let session = state.session(&name).await?;
    let scope = scope.unwrap_or_default();
    let request = TokenRequest {
        repositories: scope
            .repositories
            .iter()
            .map(|r| r.rsplit('/').next().unwrap_or(r).to_owned())
            .collect(),
        repository_ids: Vec::new(),
        permissions: scope.permissions,
    };
    let (minted, source) = session.token(installation_id, &request).await?;
    let git_host = session.client.api_url().web_host();
    let handle = state.hold_token(HeldToken {
        app: name,
        token: minted.token.clone(),
        git_host: git_host.clone(),
    });
    Ok(MintedToken {
        handle,
        token: minted.token.expose_secret().to_owned(),
        expires_at: minted.expires_at.to_rfc3339(),
        installation_id,
        permissions: minted.permissions,
        repository_selection: minted.repository_selection,
        repositories: minted
            .repositories
            .map(|repos| repos.into_iter().map(|r| r.full_name).collect()),
        git_host,
        cached: source == TokenSource::Cached,
    })
}

/// Revokes a token the window shows.
#[tauri::command]
pub async fn revoke_token(state: State<'_, DesktopState>, handle: u64) -> IpcResult<()> {
    let held = state.held_token(handle)?;
    let session = state.session(&held.app).await?;
    session.revoke(&held.token).await?;
    Ok(())
}

/// The window closed a token's panel: forget the token.
#[tauri::command]
pub fn forget_token(state: State<'_, DesktopState>, handle: u64) {
    state.release_token(handle);
}

/// Copies a token the window shows (or, with `clone_target` as `owner/repo`, a ready `git
/// clone` line with it) to the clipboard, and clears the clipboard again after
/// `clear_after_secs` unless something else was copied in the meantime.
#[tauri::command]
pub async fn copy_token(
    app: tauri::AppHandle,
    state: State<'_, DesktopState>,
    handle: u64,
    clone_target: Option<String>,
    clear_after_secs: Option<u64>,
) -> IpcResult<()> {
    let held = state.held_token(handle)?;
    let text = match clone_target {
        Some(target) => AccessToken::new(format!(
            "git clone https://x-access-token:{}@{}/{target}.git",
            held.token.expose_secret(),
            held.git_host
        )),
        None => held.token.clone(),
    };
    app.clipboard()
        .write_text(text.expose_secret().to_owned())
        .map_err(|e| IpcError::invalid(format!("Could not copy to the clipboard: {e}")))?;
    if let Some(secs) = clear_after_secs.filter(|s| *s > 0) {
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(Duration::from_secs(secs)).await;
            if app
                .clipboard()
                .read_text()
                .is_ok_and(|current| current == text.expose_secret())
            {
                let _ = app.clipboard().clear();
                tracing::info!("clipboard cleared");
            }
        });
    }
    Ok(())
}
