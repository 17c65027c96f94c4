//! Writing a file the user chose in a save dialog (exports). Rust writes it; the window only
//! asks. A test answers the dialog through `APPWARDEN_TEST_SAVE_PATH` (a native dialog
//! cannot be driven by WebDriver).

use crate::ipc::{IpcError, IpcResult};
use std::path::{Path, PathBuf};

/// A test may answer the save dialog with this path; unset, the dialog is shown.
const SAVE_PATH_FOR_TESTS: &str = "APPWARDEN_TEST_SAVE_PATH";

/// The path chosen in a save dialog titled `title`, suggesting `suggested`, filtered to
/// `extension`; `None` when the dialog was cancelled.
pub async fn choose_path(
    app_handle: tauri::AppHandle,
    title: &'static str,
    suggested: String,
    extension: &'static str,
) -> IpcResult<Option<PathBuf>> {
    use tauri_plugin_dialog::DialogExt;
    if let Some(path) = std::env::var_os(SAVE_PATH_FOR_TESTS) {
        return Ok(Some(PathBuf::from(path)));
    }
    tokio::task::spawn_blocking(move || {
        app_handle
            .dialog()
            .file()
            .set_title(title)
            .set_file_name(suggested)
            .add_filter(extension.to_uppercase(), &[extension])
            .blocking_save_file()
            .and_then(|path| path.into_path().ok())
    })
    .await
    .map_err(|e| IpcError::invalid(format!("Internal error: {e}")))
}

/// Writes `bytes` to `path` atomically; an error says what to do, and nothing is written.
pub fn write(path: &Path, bytes: &[u8]) -> IpcResult<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| IpcError::invalid("Choose a file name to export to."))?;
    appwarden_core::store::config::write_atomically(dir, &file_name, bytes).map_err(|err| {
        let detail = match err {
            appwarden_core::store::ConfigError::Write { source, .. } => source.to_string(),
            other => other.to_string(),
        };
        IpcError::invalid(format!(
            "Could not write {}: {detail}. Choose a folder you can write to; nothing was written.",
            path.display()
        ))
    })
}
