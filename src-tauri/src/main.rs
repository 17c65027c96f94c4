// No console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // SAFETY: first thing in main, before any thread exists.
    unsafe { appwarden_desktop::prepare_environment() };
    appwarden_desktop::run();
}
