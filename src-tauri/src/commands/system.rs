//! The window's surroundings: environment facts, settings, and opening links in the
//! system browser (never inside the app's window).

use crate::ipc::{Environment, IpcError, IpcResult, OrphanKey, Settings};
use crate::state::{DesktopState, blocking};
use tauri::State;
use tauri_plugin_opener::OpenerExt;

const SETTINGS_FILE: &str = "desktop.json";

#[tauri::command]
pub fn environment(state: State<'_, DesktopState>) -> Environment {
    Environment {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        demo: state.demo,
        config_dir: state.store.config_file().dir().display().to_string(),
    }
}

#[tauri::command]
pub fn get_settings(state: State<'_, DesktopState>) -> Settings {
    let path = state.store.config_file().dir().join(SETTINGS_FILE);
    std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

#[tauri::command]
pub fn save_settings(state: State<'_, DesktopState>, settings: Settings) -> IpcResult<Settings> {
    if !matches!(settings.theme.as_str(), "light" | "dark" | "system") {
        return Err(IpcError::invalid(
            "The theme must be light, dark or system.",
        ));
    }
    if settings.clipboard_clear_secs > 3600 {
        return Err(IpcError::invalid(
            "Clear the clipboard after at most an hour (3600 seconds).",
        ));
    }
    let bytes =
        serde_json::to_vec_pretty(&settings).map_err(|e| IpcError::invalid(e.to_string()))?;
    appwarden_core::store::config::write_atomically(
        state.store.config_file().dir(),
        SETTINGS_FILE,
        &bytes,
    )
    .map_err(|e| {
        IpcError::from(appwarden_core::Error::from(
            appwarden_core::store::StoreError::from(e),
        ))
    })?;
    Ok(settings)
}

/// Opens a GitHub page in the system browser. Only web links are allowed.
#[tauri::command]
pub fn open_external(app: tauri::AppHandle, url: String) -> IpcResult<()> {
    let parsed =
        url::Url::parse(&url).map_err(|_| IpcError::invalid(format!("Not a link: {url}")))?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(IpcError::invalid(format!(
            "Only web links can be opened, not {url}"
        )));
    }
    app.opener()
        .open_url(parsed.as_str(), None::<&str>)
        .map_err(|e| IpcError::invalid(format!("Could not open the browser: {e}")))
}

/// Every host in use or configured, with whether it trusts an extra CA.
#[tauri::command]
pub async fn list_hosts(state: State<'_, DesktopState>) -> IpcResult<Vec<crate::ipc::HostSummary>> {
    let store = state.store.clone();
    crate::state::blocking(move || {
        let apps = store.apps()?;
        let hosts = store.hosts()?;
        let mut urls: Vec<String> = apps
            .iter()
            .map(|a| a.api_url.clone())
            .chain(hosts.iter().map(|h| h.api_url.clone()))
            .collect();
        urls.sort();
        urls.dedup();
        Ok(urls
            .into_iter()
            .map(|api_url| crate::ipc::HostSummary {
                host: appwarden_core::ApiUrl::parse(&api_url)
                    .map(|u| u.host())
                    .unwrap_or_else(|_| api_url.clone()),
                has_ca: hosts
                    .iter()
                    .any(|h| h.api_url == api_url && h.ca_certificate.is_some()),
                apps: apps
                    .iter()
                    .filter(|a| a.api_url == api_url)
                    .map(|a| a.name.clone())
                    .collect(),
                api_url,
            })
            .collect())
    })
    .await
}

/// Trusts a CA certificate (PEM) for a host, or with `pem: null` stops trusting it.
#[tauri::command]
pub async fn set_host_ca(
    state: State<'_, DesktopState>,
    api_url: String,
    pem: Option<String>,
) -> IpcResult<()> {
    let api_url = appwarden_core::ApiUrl::parse(&api_url).map_err(appwarden_core::Error::from)?;
    let store = state.store.clone();
    crate::state::blocking(move || Ok(store.set_host_ca(&api_url, pem.as_deref())?)).await?;
    state.forget_all_sessions().await;
    Ok(())
}

/// Keys in the keyring that no app uses, left by an interrupted change (a crash between
/// writing the keyring and the config).
#[tauri::command]
pub async fn orphaned_keys(state: State<'_, DesktopState>) -> IpcResult<Vec<OrphanKey>> {
    let store = state.store.clone();
    let now = state.clock.now();
    let orphans = blocking(move || Ok(store.orphans(now)?)).await?;
    Ok(orphans
        .into_iter()
        .map(|orphan| OrphanKey {
            keyring_entry: orphan.keyring_entry,
            operation: orphan.operation,
            started_at: orphan.started_at.to_rfc3339(),
        })
        .collect())
}

/// Deletes those keys from the keyring; returns how many.
#[tauri::command]
pub async fn clean_orphaned_keys(state: State<'_, DesktopState>) -> IpcResult<u32> {
    let store = state.store.clone();
    let now = state.clock.now();
    let cleaned = blocking(move || Ok(store.clean_orphans(now)?)).await?;
    Ok(cleaned.len() as u32)
}
