//! Installation tokens: mint (one click, or scoped), revoke, and copy with clipboard clearing.

use crate::ipc::{IpcError, IpcResult, MintedToken, TokenScope};
use crate::state::DesktopState;
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
    Ok(MintedToken {
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

#[tauri::command]
pub async fn revoke_token(
    state: State<'_, DesktopState>,
    name: String,
    token: String,
) -> IpcResult<()> {
    let session = state.session(&name).await?;
    session.revoke(&AccessToken::new(token)).await?;
    Ok(())
}

/// Copies text to the clipboard; a secret is cleared again after `clear_after_secs` unless
/// something else was copied in the meantime.
#[tauri::command]
pub async fn copy_text(
    app: tauri::AppHandle,
    text: String,
    clear_after_secs: Option<u64>,
) -> IpcResult<()> {
    app.clipboard()
        .write_text(text.clone())
        .map_err(|e| IpcError::invalid(format!("Could not copy to the clipboard: {e}")))?;
    if let Some(secs) = clear_after_secs.filter(|s| *s > 0) {
        let secret = AccessToken::new(text);
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(Duration::from_secs(secs)).await;
            if app
                .clipboard()
                .read_text()
                .is_ok_and(|current| current == secret.expose_secret())
            {
                let _ = app.clipboard().clear();
            }
        });
    }
    Ok(())
}
