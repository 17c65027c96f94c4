//! Appwarden's desktop shell: a Tauri window whose web UI calls the commands in
//! [`commands`], each a thin call into appwarden-core. Types crossing IPC live in [`ipc`].

pub mod commands;
pub mod ipc;
pub mod state;

use appwarden_core::clock;
use appwarden_core::store::AppStore;

pub fn run() {
    let store = match AppStore::open_default() {
        Ok(store) => store,
        Err(err) => {
            eprintln!("appwarden-desktop: {err}");
            std::process::exit(2);
        }
    };
    let demo = std::env::var("APPWARDEN_DEMO").is_ok_and(|v| v == "1");
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .manage(state::DesktopState::new(store, clock::system(), demo))
        .invoke_handler(tauri::generate_handler![
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
            commands::installations::cached_installations,
            commands::installations::list_installations,
            commands::installations::installation_repositories,
            commands::tokens::mint_token,
            commands::tokens::revoke_token,
            commands::tokens::copy_text,
            commands::system::environment,
            commands::system::get_settings,
            commands::system::save_settings,
            commands::system::open_external,
            commands::system::list_hosts,
            commands::system::set_host_ca,
        ])
        .run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("appwarden-desktop: {err}");
        std::process::exit(1);
    }
}
