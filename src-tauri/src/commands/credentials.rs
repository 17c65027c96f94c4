//! The "Revoke leaked tokens" dialog: credentials found in pasted text are staged here (the
//! window sees them masked), then sent to `POST /credentials/revoke` without credentials.

use crate::ipc::{ExposedFound, ExposedRow, IpcError, IpcResult, RevocationOutcome};
use crate::state::DesktopState;
use appwarden_core::leaked_credentials;
use tauri::State;

#[tauri::command]
pub async fn find_exposed_credentials(
    state: State<'_, DesktopState>,
    text: String,
) -> IpcResult<ExposedFound> {
    let text = zeroize::Zeroizing::new(text);
    let found = leaked_credentials::find(&text);
    if found.is_empty() {
        return Err(IpcError::invalid(
            "No credential was found in the text: GitHub revokes tokens that start with ghp_, github_pat_, gho_, ghu_ or ghr_.",
        ));
    }
    let rows: Vec<ExposedRow> = found
        .iter()
        .map(|f| ExposedRow {
            masked: f.masked(),
            kind: f.kind,
            described: f.kind.describe().to_owned(),
            revocable: f.kind.revocable_by_value(),
        })
        .collect();
    let revocable = rows.len();
    let batch = state.stage_exposed(found);
    Ok(ExposedFound {
        batch,
        found: rows,
        revocable,
    })
}

/// Sends the staged batch's credentials to the host of app `name` (github.com when none):
/// installation tokens are revoked with their own token, the rest by value; then forgets them.
#[tauri::command]
pub async fn revoke_exposed_credentials(
    state: State<'_, DesktopState>,
    batch: u64,
    name: Option<String>,
) -> IpcResult<RevocationOutcome> {
    let app = match &name {
        Some(name) => Some(state.app(name).await?),
        None => None,
    };
    let client = state.anonymous_client(app.as_ref())?;
    leaked_credentials::check_host(client.api_url())?;
    let found = state.take_exposed(batch).ok_or_else(|| {
        IpcError::invalid("Those credentials are no longer loaded: paste them and find them again.")
    })?;
    let report = leaked_credentials::revoke(&client, &found, state.activity.as_deref()).await;
    Ok(RevocationOutcome {
        accepted: report.accepted,
        installation_tokens_revoked: report.installation_tokens_revoked,
        installation_tokens_invalid: report.installation_tokens_invalid,
        refused: report
            .refused
            .into_iter()
            .map(|(count, why)| format!("{count} not accepted: {why}"))
            .collect(),
        host: client.api_url().host(),
    })
}
