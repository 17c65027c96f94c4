//! Keys of a stored app: rotation, removal, GitHub's verdict, and comparison with the
//! fingerprints shown on the app's settings page.

use crate::commands::apps::summary;
use crate::ipc::{
    AppSummary, FingerprintReport, GitHubKeyMatch, IpcError, IpcResult, KeyVerdict, LocalKeyMatch,
};
use crate::state::{DesktopState, blocking};
use appwarden_core::{Error, Fingerprint};
use tauri::State;

/// Adds a staged key to an app (after GitHub accepts it, unless `verify` is false).
#[tauri::command]
pub async fn add_key(
    state: State<'_, DesktopState>,
    name: String,
    staged_key: u64,
    verify: bool,
) -> IpcResult<AppSummary> {
    let app = state.app(&name).await?;
    let key = state.staged(staged_key)?;
    if verify {
        state.check_key_with_github(&app, key.clone()).await?;
    }
    let store = state.store.clone();
    let now = state.clock.now();
    let app_name = app.name.clone();
    let updated = blocking(move || {
        store.add_key(&app_name, &key, now)?;
        Ok(store.app(&app_name)?)
    })
    .await?;
    state.unstage(staged_key);
    state.forget_session(&name).await;
    Ok(summary(&updated))
}

#[tauri::command]
pub async fn remove_key(
    state: State<'_, DesktopState>,
    name: String,
    fingerprint: String,
) -> IpcResult<AppSummary> {
    let fingerprint = Fingerprint::parse(&fingerprint).map_err(Error::from)?;
    let store = state.store.clone();
    let app_name = name.clone();
    let updated = blocking(move || {
        store.remove_key(&app_name, &fingerprint)?;
        Ok(store.app(&app_name)?)
    })
    .await?;
    state.forget_session(&name).await;
    Ok(summary(&updated))
}

/// Asks GitHub about each stored key (`GET /app` signed with it).
#[tauri::command]
pub async fn verify_keys(
    state: State<'_, DesktopState>,
    name: String,
) -> IpcResult<Vec<KeyVerdict>> {
    let app = state.app(&name).await?;
    let mut verdicts = Vec::new();
    for key_config in &app.keys {
        let store = state.store.clone();
        let (app_for_key, key_for_load) = (app.clone(), key_config.clone());
        let outcome = match blocking(move || Ok(store.load_key(&app_for_key, &key_for_load)?)).await
        {
            Ok(key) => match state.new_session(&app, key) {
                Ok(session) => session
                    .client
                    .app(&session.signer)
                    .await
                    .map(|_| ())
                    .map_err(|e| IpcError::from(Error::from(e))),
                Err(err) => Err(err),
            },
            Err(err) => Err(err),
        };
        verdicts.push(KeyVerdict {
            fingerprint: key_config.fingerprint.to_string(),
            accepted: outcome.is_ok(),
            error: outcome.err(),
        });
    }
    Ok(verdicts)
}

/// Matches local keys against fingerprints pasted from GitHub (one or many, with any text
/// around them).
#[tauri::command]
pub async fn compare_fingerprints(
    state: State<'_, DesktopState>,
    name: String,
    pasted: String,
) -> IpcResult<FingerprintReport> {
    let app = state.app(&name).await?;
    let from_github = Fingerprint::find_all(&pasted);
    if from_github.is_empty() {
        return Err(IpcError::invalid(
            "No SHA256 fingerprints found in the pasted text. Copy them from the \"Private keys\" section of the app's settings page on GitHub.",
        ));
    }
    let local: Vec<Fingerprint> = app.keys.iter().map(|k| k.fingerprint).collect();
    Ok(FingerprintReport {
        local: local
            .iter()
            .map(|f| LocalKeyMatch {
                fingerprint: f.to_string(),
                on_github: from_github.contains(f),
            })
            .collect(),
        github: from_github
            .iter()
            .map(|f| GitHubKeyMatch {
                fingerprint: f.to_string(),
                held_locally: local.contains(f),
            })
            .collect(),
    })
}
