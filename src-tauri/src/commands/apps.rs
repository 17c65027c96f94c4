//! Apps: list, overview (`GET /app`), stage a key, live check, add, remove.

use crate::ipc::{
    AppDraft, AppOverview, AppSummary, CheckResult, IpcError, IpcResult, KeySource, KeySummary,
    StagedKey,
};
use crate::state::{DesktopState, blocking};
use appwarden_core::store::{AppConfig, NewApp};
use appwarden_core::{ApiUrl, Error, PrivateKey};
use tauri::State;
use tauri_plugin_dialog::DialogExt;

pub fn summary(app: &AppConfig) -> AppSummary {
    let api = ApiUrl::parse(&app.api_url).ok();
    let newest = app.keys.iter().map(|k| k.added_at).max();
    AppSummary {
        name: app.name.clone(),
        api_url: app.api_url.clone(),
        host: api.as_ref().map(|a| a.host()).unwrap_or_default(),
        web_url: api.as_ref().map(|a| a.web_base()).unwrap_or_default(),
        app_id: app.app_id,
        client_id: app.client_id.clone(),
        keys: app
            .keys
            .iter()
            .map(|k| KeySummary {
                fingerprint: k.fingerprint.to_string(),
                added_at: k.added_at.to_rfc3339(),
                bits: k.bits,
                signing: Some(k.added_at) == newest,
                source: k.source_description(),
                on_token: k.pkcs11.is_some(),
            })
            .collect(),
        simulated: is_simulated(&app.api_url),
    }
}

/// Plain http to a loopback address: the local simulator, never GitHub.
fn is_simulated(api_url: &str) -> bool {
    url::Url::parse(api_url).is_ok_and(|url| {
        url.scheme() == "http"
            && matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"))
    })
}

#[tauri::command]
pub async fn list_apps(state: State<'_, DesktopState>) -> IpcResult<Vec<AppSummary>> {
    let store = state.store.clone();
    let apps = blocking(move || Ok(store.apps()?)).await?;
    Ok(apps.iter().map(summary).collect())
}

#[tauri::command]
pub async fn app_overview(state: State<'_, DesktopState>, name: String) -> IpcResult<AppOverview> {
    let session = state.session(&name).await?;
    let app = session
        .client
        .app(&session.signer)
        .await
        .map_err(Error::from)?;
    state.remember_description(&name, &app);
    Ok(app.into())
}

/// Parses a key (pasted, dropped or picked) and keeps it in Rust; returns its fingerprint.
/// `None` when the user cancelled the file picker.
#[tauri::command]
pub async fn stage_key(
    app_handle: tauri::AppHandle,
    state: State<'_, DesktopState>,
    source: KeySource,
) -> IpcResult<Option<StagedKey>> {
    let bytes = match source {
        KeySource::Pem { text } => zeroize::Zeroizing::new(text.into_bytes()),
        KeySource::Path { path } => read_key_file(path).await?,
        KeySource::Picker => {
            let picked = tokio::task::spawn_blocking(move || {
                app_handle
                    .dialog()
                    .file()
                    .set_title("Choose the app's private key (.pem)")
                    .add_filter("PEM key", &["pem", "key"])
                    .blocking_pick_file()
            })
            .await
            .map_err(|e| IpcError::invalid(format!("Internal error: {e}")))?;
            let Some(path) = picked.and_then(|p| p.into_path().ok()) else {
                return Ok(None);
            };
            read_key_file(path.to_string_lossy().into_owned()).await?
        }
    };
    let key = PrivateKey::from_pem(&bytes).map_err(Error::from)?;
    Ok(Some(state.stage(key)))
}

async fn read_key_file(path: String) -> IpcResult<zeroize::Zeroizing<Vec<u8>>> {
    let metadata = tokio::fs::metadata(&path).await.map_err(|e| {
        IpcError::invalid(format!(
            "Could not open {path}: {e}. Choose the .pem file GitHub downloaded."
        ))
    })?;
    if metadata.len() > 64 * 1024 {
        return Err(IpcError::invalid(format!(
            "{path} is too large to be a private key ({} bytes).",
            metadata.len()
        )));
    }
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| IpcError::invalid(format!("Could not read {path}: {e}.")))?;
    Ok(zeroize::Zeroizing::new(bytes))
}

/// A draft as a config entry (not yet saved), with its staged key.
fn draft_app(state: &DesktopState, draft: &AppDraft) -> IpcResult<(AppConfig, PrivateKey)> {
    let app_id = match draft.app_id.trim().parse::<u64>() {
        Ok(id) if id > 0 => id,
        _ => {
            return Err(IpcError::invalid(format!(
                "\"{}\" is not an app ID. The app ID is a positive number shown as \"App ID\" on the app's settings page.",
                draft.app_id
            )));
        }
    };
    let api_url = if draft.api_url.trim().is_empty() {
        ApiUrl::github_com()
    } else {
        ApiUrl::parse(&draft.api_url).map_err(Error::from)?
    };
    let key = state.staged(draft.staged_key)?;
    let app = AppConfig {
        name: draft.name.trim().to_owned(),
        api_url: api_url.to_string(),
        app_id,
        client_id: draft.client_id.clone().filter(|c| !c.trim().is_empty()),
        keys: Vec::new(),
    };
    Ok((app, key))
}

/// The live check: does GitHub accept this key for this app?
#[tauri::command]
pub async fn check_app(state: State<'_, DesktopState>, draft: AppDraft) -> IpcResult<CheckResult> {
    let (app, key) = draft_app(&state, &draft)?;
    let extra_ca = draft
        .ca_certificate
        .as_deref()
        .filter(|pem| !pem.trim().is_empty())
        .map(appwarden_core::store::certificate_pem)
        .transpose()
        .map_err(Error::from)?;
    let session = state.new_session_with(&app, key, extra_ca)?;
    let github_app = session
        .client
        .app(&session.signer)
        .await
        .map_err(Error::from)?;
    if github_app.id != app.app_id {
        return Err(IpcError::invalid(format!(
            "GitHub says this key belongs to app {} (\"{}\"), not app {}. Check the app ID.",
            github_app.id, github_app.name, app.app_id
        )));
    }
    Ok(CheckResult {
        api_url: app.api_url,
        app: github_app.into(),
    })
}

/// Checks with GitHub, then stores the key in the keyring (or imports it into the chosen
/// PKCS#11 token; `pin_required` until that token is unlocked) and the app in the config.
#[tauri::command]
pub async fn add_app(state: State<'_, DesktopState>, draft: AppDraft) -> IpcResult<AppSummary> {
    let checked = check_app(state.clone(), draft.clone()).await?;
    let (app, key) = draft_app(&state, &draft)?;
    let new = NewApp {
        name: app.name,
        api_url: ApiUrl::parse(&app.api_url).map_err(Error::from)?,
        app_id: app.app_id,
        client_id: app.client_id.or(checked.app.client_id),
    };
    let store = state.store.clone();
    let now = state.clock.now();
    let ca = draft
        .ca_certificate
        .clone()
        .filter(|pem| !pem.trim().is_empty());
    let token = draft.token.clone();
    let stored = blocking(move || {
        if let Some(pem) = &ca {
            store.set_host_ca(&new.api_url, Some(pem))?;
        }
        let imported = match &token {
            Some(target) => {
                let session = store.open_token(
                    std::path::Path::new(&target.module),
                    &appwarden_core::hardware::TokenSelector::label(&target.token_label),
                )?;
                Some(session.import(&key, &format!("appwarden/{}", new.name))?)
            }
            None => None,
        };
        match &imported {
            Some(imported) => Ok(store.add_app(new, imported, now)?),
            None => Ok(store.add_app(new, &key, now)?),
        }
    })
    .await?;
    state.unstage(draft.staged_key);
    Ok(summary(&stored))
}

#[tauri::command]
pub async fn remove_app(state: State<'_, DesktopState>, name: String) -> IpcResult<()> {
    let store = state.store.clone();
    let target = name.clone();
    let removed = blocking(move || Ok(store.remove_app(&target)?)).await?;
    if let Some(cache) = &state.listing_cache {
        cache.remove(&removed.api_url, removed.app_id);
    }
    state.forget_session(&name).await;
    Ok(())
}
