//! Appwarden's desktop shell: a Tauri window whose web UI calls the commands in
//! [`commands`], each a thin call into appwarden-core. Types crossing IPC live in [`ipc`].

mod activity_record;
pub mod commands;
pub mod ipc;
mod memory;
mod rate_limits;
pub mod state;
mod webkit;

pub use webkit::prepare_environment;

use appwarden_core::clock;
use appwarden_core::github::ClientOptions;
use appwarden_core::store::AppStore;
use std::sync::{Arc, OnceLock};
use tauri::Manager;

/// The desktop app's log file, `desktop.log` in Appwarden's cache directory.
pub(crate) fn log_file() -> Option<std::path::PathBuf> {
    appwarden_core::listing_cache::cache_dir().map(|dir| dir.join("desktop.log"))
}

/// Logs to `desktop.log` in Appwarden's cache directory (kept under 5 MB: started afresh
/// when larger), at the level `APPWARDEN_LOG` sets (default `info`). Requests are logged by
/// endpoint, status, time and request ID; never headers, bodies, keys or tokens.
fn start_logging() {
    let Some(path) = log_file() else {
        return;
    };
    if path
        .parent()
        .is_some_and(|dir| std::fs::create_dir_all(dir).is_err())
    {
        return;
    }
    let too_big = std::fs::metadata(&path).is_ok_and(|m| m.len() > 5 * 1024 * 1024);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(!too_big)
        .write(true)
        .truncate(too_big)
        .open(&path);
    let Ok(file) = file else {
        return;
    };
    let filter = std::env::var("APPWARDEN_LOG")
        .ok()
        .filter(|f| !f.is_empty())
        .unwrap_or_else(|| "info".to_owned());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .try_init();
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        "appwarden-desktop started"
    );
}

pub fn run() {
    start_logging();
    let store = match AppStore::open_default() {
        Ok(store) => store,
        Err(err) => {
            eprintln!("appwarden-desktop: {err}");
            std::process::exit(2);
        }
    };
    let demo = std::env::var("APPWARDEN_DEMO").is_ok_and(|v| v == "1");
    // Every session tells the window when it waits out a rate limit.
    let window_handle = Arc::new(OnceLock::new());
    // Every change the window makes is recorded; the record's failures are told to it.
    let activity = activity_record::log(clock::system(), window_handle.clone());
    let store = match &activity {
        Some(log) => store.with_activity(log.clone()),
        None => store,
    };
    let options = ClientOptions {
        on_rate_limit_wait: Some(rate_limits::observer(window_handle.clone())),
        ..ClientOptions::default()
    };
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(
            state::DesktopState::new(store, clock::system(), options, demo).with_activity(activity),
        )
        .setup(move |app| {
            let _ = window_handle.set(app.handle().clone());
            if let Some(window) = app.get_webview_window("main") {
                webkit::configure(&window);
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::about::about,
            commands::about::copy_text,
            commands::apps::list_apps,
            commands::apps::app_overview,
            commands::apps::stage_key,
            commands::apps::check_app,
            commands::apps::add_app,
            commands::apps::remove_app,
            commands::keys::add_key,
            commands::keys::remove_key,
            commands::keys::verify_keys,
            commands::keys::compare_fingerprints,
            commands::hardware::pkcs11_modules,
            commands::hardware::pkcs11_tokens,
            commands::hardware::pkcs11_keys,
            commands::hardware::unlock_token,
            commands::hardware::add_token_key,
            commands::installations::cached_installations,
            commands::installations::list_installations,
            commands::installations::installation_repositories,
            commands::installations::administer_installation,
            commands::installations::installation_requests,
            commands::installations::export_installations,
            commands::organization::org_installed_apps,
            commands::organization::org_audit_log,
            commands::organization::export_audit_log,
            commands::pats::org_pat_requests,
            commands::pats::org_pat_grants,
            commands::pats::org_pat_repositories,
            commands::pats::review_pat_requests,
            commands::pats::revoke_pat_grants,
            commands::saml::org_saml_authorizations,
            commands::saml::remove_saml_authorization,
            commands::credentials::find_exposed_credentials,
            commands::credentials::revoke_exposed_credentials,
            commands::activity::activity_entries,
            commands::activity::export_activity,
            commands::tokens::mint_token,
            commands::tokens::revoke_token,
            commands::tokens::copy_token,
            commands::tokens::forget_token,
            commands::webhooks::webhook_config,
            commands::webhooks::webhook_source_ranges,
            commands::webhooks::export_source_ranges,
            commands::webhooks::update_webhook_config,
            commands::webhooks::webhook_deliveries,
            commands::webhooks::webhook_delivery,
            commands::webhooks::redeliver,
            commands::webhooks::plan_redelivery,
            commands::webhooks::redeliver_many,
            commands::webhooks::check_signature,
            commands::system::environment,
            commands::system::get_settings,
            commands::system::save_settings,
            commands::system::open_external,
            commands::system::list_hosts,
            commands::system::set_host_ca,
            commands::system::orphaned_keys,
            commands::system::clean_orphaned_keys,
        ])
        .build(tauri::generate_context!());
    match result {
        // Log out of PKCS#11 tokens and finalise their modules as the app exits.
        Ok(app) => app.run(|_, event| {
            if let tauri::RunEvent::Exit = event {
                appwarden_core::hardware::close_all();
            }
        }),
        Err(err) => {
            eprintln!("appwarden-desktop: {err}");
            std::process::exit(1);
        }
    }
}
