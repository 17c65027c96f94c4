//! The Activity view: Appwarden's own record of the changes it made, with its chain checked,
//! and the export of the entries shown as JSON Lines (as they are kept).

use crate::ipc::{ActivityRow, ActivityView, ExportOutcome, IpcError, IpcResult};
use crate::state::DesktopState;
use tauri::State;

fn unreadable(err: appwarden_core::activity::ActivityError) -> IpcError {
    IpcError::invalid(err.to_string())
}

fn no_record() -> IpcError {
    IpcError::invalid(
        "This system has no data directory for the activity record: set APPWARDEN_DATA_DIR.",
    )
}

#[tauri::command]
pub async fn activity_entries(state: State<'_, DesktopState>) -> IpcResult<ActivityView> {
    let log = state.activity.clone().ok_or_else(no_record)?;
    tokio::task::spawn_blocking(move || {
        let (entries, chain) = log.read().map_err(unreadable)?;
        let chain = chain.into();
        let mut rows: Vec<ActivityRow> = entries
            .iter()
            .enumerate()
            .map(|(i, entry)| ActivityRow::new(i as u32 + 1, entry))
            .collect();
        rows.reverse();
        Ok(ActivityView {
            path: log.path().to_string_lossy().into_owned(),
            entries: rows,
            chain,
        })
    })
    .await
    .map_err(|e| IpcError::invalid(format!("Internal error: {e}")))?
}

/// Saves the entries shown (by line, in the order given) as JSON Lines to a file chosen in a
/// save dialog; `None` when cancelled.
#[tauri::command]
pub async fn export_activity(
    app_handle: tauri::AppHandle,
    state: State<'_, DesktopState>,
    lines: Vec<u32>,
) -> IpcResult<Option<ExportOutcome>> {
    let log = state.activity.clone().ok_or_else(no_record)?;
    let entries = log.entries().map_err(unreadable)?;
    let mut text = Vec::new();
    for line in &lines {
        let entry = entries
            .get((*line as usize).wrapping_sub(1))
            .ok_or_else(|| {
                IpcError::invalid(
                    "The record changed since it was shown: open it again, then export.",
                )
            })?;
        serde_json::to_writer(&mut text, entry)
            .map_err(|e| IpcError::invalid(format!("Internal error: {e}")))?;
        text.push(b'\n');
    }
    let Some(path) = super::save::choose_path(
        app_handle,
        "Export the activity shown",
        "appwarden-activity.jsonl".to_owned(),
        "jsonl",
    )
    .await?
    else {
        return Ok(None);
    };
    super::save::write(&path, &text)?;
    Ok(Some(ExportOutcome {
        path: path.to_string_lossy().into_owned(),
        rows: lines.len(),
    }))
}
