//! What crosses IPC for the Activity view: Appwarden's own record, newest first, with whether
//! its chain is intact.

use appwarden_core::activity::{ActivityAction, ActivityEntry, ActivityOutcome, Verification};
use serde::Serialize;
use ts_rs::TS;

/// One entry of the record.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ActivityRow {
    /// Its line in the file (1-based), for the export of what is shown.
    pub line: u32,
    /// RFC 3339.
    pub at: String,
    pub host: String,
    pub app: Option<String>,
    pub target: Option<String>,
    pub action: ActivityAction,
    pub outcome: ActivityOutcome,
    pub detail: Option<String>,
    pub request_id: Option<String>,
}

impl ActivityRow {
    pub fn new(line: u32, entry: &ActivityEntry) -> Self {
        Self {
            line,
            at: entry.at.to_rfc3339(),
            host: entry.host.clone(),
            app: entry.app.clone(),
            target: entry.target.clone(),
            action: entry.action,
            outcome: entry.outcome,
            detail: entry.detail.clone(),
            request_id: entry.request_id.clone(),
        }
    }
}

/// Whether the chain is intact, or where it breaks.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ChainView {
    pub intact: bool,
    /// The first line that does not follow the one before it.
    pub broken_line: Option<u32>,
    pub reason: Option<String>,
}

impl From<Verification> for ChainView {
    fn from(verification: Verification) -> Self {
        match verification {
            Verification::Intact { .. } => Self {
                intact: true,
                broken_line: None,
                reason: None,
            },
            Verification::Broken { line, reason } => Self {
                intact: false,
                broken_line: Some(line as u32),
                reason: Some(reason),
            },
        }
    }
}

/// The record, newest first.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ActivityView {
    pub path: String,
    pub entries: Vec<ActivityRow>,
    pub chain: ChainView,
}
