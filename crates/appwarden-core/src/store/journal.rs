//! A record of keyring changes in progress (`pending.toml` next to the config), so that a
//! crash between writing the keyring and writing the config leaves a trace.
//!
//! Before Appwarden writes or deletes a keyring entry it records the entry's name here; once
//! the config and the keyring agree, the record is removed. A record whose process is gone
//! and whose entry the config does not name points at an orphan: a key in the keyring that
//! no app uses. [`super::AppStore::orphans`] finds those and
//! [`super::AppStore::clean_orphans`] deletes them. The file holds entry names, never key
//! material.

use super::config::{ConfigError, write_atomically};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "pending.toml";

/// How long a record whose process cannot be checked is presumed to be in progress.
pub const GRACE: chrono::Duration = chrono::Duration::minutes(2);

/// One keyring change that had started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingChange {
    pub keyring_entry: String,
    /// `add` or `remove`.
    pub operation: String,
    pub started_at: DateTime<Utc>,
    /// The process that started it.
    pub pid: u32,
}

impl PendingChange {
    pub fn new(keyring_entry: &str, operation: &str, now: DateTime<Utc>) -> Self {
        Self {
            keyring_entry: keyring_entry.to_owned(),
            operation: operation.to_owned(),
            started_at: now,
            pid: std::process::id(),
        }
    }

    /// Whether the change can no longer complete: its process is gone (checked on Linux),
    /// or, where that cannot be checked, it started longer than [`GRACE`] ago.
    pub fn abandoned(&self, now: DateTime<Utc>) -> bool {
        if self.pid == std::process::id() {
            return false;
        }
        match process_alive(self.pid) {
            Some(alive) => !alive,
            None => now - self.started_at > GRACE,
        }
    }
}

#[cfg(target_os = "linux")]
fn process_alive(pid: u32) -> Option<bool> {
    Some(Path::new(&format!("/proc/{pid}")).exists())
}

#[cfg(not(target_os = "linux"))]
fn process_alive(_pid: u32) -> Option<bool> {
    None
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Journal {
    #[serde(default, rename = "change")]
    changes: Vec<PendingChange>,
}

/// The journal file in the config directory.
#[derive(Debug, Clone)]
pub struct JournalFile {
    dir: PathBuf,
}

impl JournalFile {
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
        }
    }

    /// The recorded changes; a missing or unreadable journal is an empty one (it only ever
    /// helps to clean up).
    pub fn load(&self) -> Vec<PendingChange> {
        std::fs::read_to_string(self.dir.join(FILE_NAME))
            .ok()
            .and_then(|text| toml::from_str::<Journal>(&text).ok())
            .map(|journal| journal.changes)
            .unwrap_or_default()
    }

    fn save(&self, changes: Vec<PendingChange>) -> Result<(), ConfigError> {
        if changes.is_empty() {
            return match std::fs::remove_file(self.dir.join(FILE_NAME)) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(ConfigError::Write {
                    dir: self.dir.clone(),
                    source: err,
                }),
                _ => Ok(()),
            };
        }
        let text = toml::to_string(&Journal { changes }).map_err(|err| ConfigError::Write {
            dir: self.dir.clone(),
            source: std::io::Error::other(err.to_string()),
        })?;
        write_atomically(&self.dir, FILE_NAME, text.as_bytes())
    }

    /// Records changes about to be made. Failing here stops the operation before anything
    /// else is touched.
    pub fn record(&self, new: &[PendingChange]) -> Result<(), ConfigError> {
        let mut changes = self.load();
        changes.retain(|c| !new.iter().any(|n| n.keyring_entry == c.keyring_entry));
        changes.extend_from_slice(new);
        self.save(changes)
    }

    /// Forgets changes that completed (or were cleaned up). Best effort: a leftover record
    /// of a completed change is harmless and pruned later.
    pub fn forget(&self, entries: &[&str]) {
        let mut changes = self.load();
        let before = changes.len();
        changes.retain(|c| !entries.contains(&c.keyring_entry.as_str()));
        if changes.len() != before {
            let _ = self.save(changes);
        }
    }
}
