//! The About dialog's types: the version, where Appwarden keeps its files, and the licences
//! of what is built into the app.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct About {
    pub version: String,
    /// The config directory (apps, fingerprints, settings; no key material).
    pub config_dir: String,
    /// The cache directory (the last list of installations), when the OS has one.
    pub cache_dir: Option<String>,
    /// The desktop app's log file.
    pub log_file: Option<String>,
    /// Rust crates linked into the app, from Cargo.lock (scripts/licenses.py).
    pub crates: Vec<BundledComponent>,
    /// npm packages bundled into the web UI, from the UI build.
    pub ui_packages: Vec<BundledComponent>,
}

/// One third-party component and its licence, as its own manifest states it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BundledComponent {
    pub name: String,
    pub version: String,
    pub license: String,
    pub repository: Option<String>,
}
