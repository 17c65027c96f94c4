//! Appwarden's activity record for the window: every session and the store write to it, and
//! a failure to write is told to the window (an `activity-record-failed` event with the
//! message), which says so while the action's own result stands.

use appwarden_core::activity::ActivityLog;
use appwarden_core::clock::Clock;
use std::sync::{Arc, OnceLock};
use tauri::{AppHandle, Emitter};

/// The event's name, as the window listens for it.
pub const EVENT: &str = "activity-record-failed";

/// The record in the data directory, telling the window (once `handle` is set) when a line
/// could not be written; `None` when the system has no data directory.
pub fn log(clock: Arc<dyn Clock>, handle: Arc<OnceLock<AppHandle>>) -> Option<Arc<ActivityLog>> {
    let log = ActivityLog::default_location(clock)?;
    Some(Arc::new(log.on_failure(move |err| {
        if let Some(app) = handle.get()
            && let Err(emit) = app.emit(EVENT, err.to_string())
        {
            tracing::warn!(%emit, "could not tell the window the activity record failed");
        }
    })))
}
