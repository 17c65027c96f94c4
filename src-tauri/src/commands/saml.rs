//! The Organization view's SAML authorizations tab: the credentials members authorized for
//! the organization's SAML single sign-on, and removing one's authorization once its owner's
//! login is typed (Rust checks it too).

use crate::ipc::{IpcError, IpcResult, SamlRow};
use crate::state::DesktopState;
use tauri::State;

#[tauri::command]
pub async fn org_saml_authorizations(
    state: State<'_, DesktopState>,
    name: String,
    org: String,
    login: Option<String>,
) -> IpcResult<Vec<SamlRow>> {
    let session = state.session(&name).await?;
    let login = login.filter(|l| !l.trim().is_empty());
    let list = session.saml_authorizations(&org, login.as_deref()).await?;
    Ok(list.iter().map(SamlRow::from).collect())
}

/// Removes a SAML authorization once its owner's login is typed.
#[tauri::command]
pub async fn remove_saml_authorization(
    state: State<'_, DesktopState>,
    name: String,
    org: String,
    credential_id: u64,
    owner: String,
    confirm_login: String,
) -> IpcResult<()> {
    if confirm_login.trim() != owner {
        return Err(IpcError::invalid(format!(
            "Type {owner} to remove the authorization. Nothing was changed."
        )));
    }
    let session = state.session(&name).await?;
    Ok(session
        .remove_saml_authorization(&org, credential_id)
        .await?)
}
