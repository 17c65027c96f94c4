//! Appwarden's own activity record: every change it makes on GitHub or in the keyring (a
//! token minted or revoked, an installation suspended, unsuspended or uninstalled, the
//! webhook's configuration changed, a delivery redelivered, a key or app added or removed,
//! fine-grained token requests approved or denied, tokens' access revoked, exposed
//! credentials revoked),
//! one JSON line each, appended to `activity.jsonl` in the OS data directory (or
//! `$APPWARDEN_DATA_DIR`): when, which host and app, what was acted on, what was done, how it
//! went, and GitHub's request ID. Never a secret: tokens, keys, PINs and webhook secrets have
//! no field here (scopes, expiry times and fingerprints do).
//!
//! Each line carries `prev`, the SHA-256 of the line before it (64 zeros for the first), so
//! that a removed or edited line breaks the chain where it was: [`ActivityLog::verify`] names
//! the first line that does not follow. The chain shows accidents and casual edits; anyone
//! who can write the file can also rewrite the whole chain, and an edit of the newest line has
//! no later line to show it.
//!
//! Writing the record never decides an action's outcome: a failure to write is reported to
//! the log's observer (the CLI prints a warning, the window shows one), and the action's
//! result stands.

use crate::clock::Clock;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Overrides the data directory (where `activity.jsonl` is kept).
pub const DATA_DIR_ENV: &str = "APPWARDEN_DATA_DIR";
/// `prev` of the first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const FILE_NAME: &str = "activity.jsonl";

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum ActivityAction {
    #[serde(rename = "token.minted")]
    TokenMinted,
    #[serde(rename = "token.revoked")]
    TokenRevoked,
    #[serde(rename = "installation.suspended")]
    InstallationSuspended,
    #[serde(rename = "installation.unsuspended")]
    InstallationUnsuspended,
    #[serde(rename = "installation.uninstalled")]
    InstallationUninstalled,
    #[serde(rename = "webhook.config_changed")]
    WebhookConfigChanged,
    #[serde(rename = "webhook.redelivered")]
    DeliveryRedelivered,
    #[serde(rename = "key.added")]
    KeyAdded,
    #[serde(rename = "key.removed")]
    KeyRemoved,
    #[serde(rename = "app.added")]
    AppAdded,
    #[serde(rename = "app.removed")]
    AppRemoved,
    #[serde(rename = "pat_request.approved")]
    PatRequestApproved,
    #[serde(rename = "pat_request.denied")]
    PatRequestDenied,
    /// A fine-grained personal access token's access to an organization revoked.
    #[serde(rename = "pat.access_revoked")]
    PatAccessRevoked,
    /// A credential's SAML single sign-on authorization removed.
    #[serde(rename = "saml_authorization.removed")]
    SamlAuthorizationRemoved,
    /// Exposed credentials sent to `POST /credentials/revoke` (their count and prefixes only).
    #[serde(rename = "credentials.revoked")]
    CredentialsRevoked,
}

impl ActivityAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityAction::TokenMinted => "token.minted",
            ActivityAction::TokenRevoked => "token.revoked",
            ActivityAction::InstallationSuspended => "installation.suspended",
            ActivityAction::InstallationUnsuspended => "installation.unsuspended",
            ActivityAction::InstallationUninstalled => "installation.uninstalled",
            ActivityAction::WebhookConfigChanged => "webhook.config_changed",
            ActivityAction::DeliveryRedelivered => "webhook.redelivered",
            ActivityAction::KeyAdded => "key.added",
            ActivityAction::KeyRemoved => "key.removed",
            ActivityAction::AppAdded => "app.added",
            ActivityAction::AppRemoved => "app.removed",
            ActivityAction::CredentialsRevoked => "credentials.revoked",
            ActivityAction::PatRequestApproved => "pat_request.approved",
            ActivityAction::PatRequestDenied => "pat_request.denied",
            ActivityAction::PatAccessRevoked => "pat.access_revoked",
            ActivityAction::SamlAuthorizationRemoved => "saml_authorization.removed",
        }
    }
}

/// How it went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum ActivityOutcome {
    Succeeded,
    Failed,
}

/// One line of the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEntry {
    pub at: DateTime<Utc>,
    /// The API host (`api.github.com`, `ghes.example.com`), or `keyring` for a local change.
    pub host: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// What was acted on (`installation 123 (octo-org)`, `delivery 9001`, a key's fingerprint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub action: ActivityAction,
    pub outcome: ActivityOutcome,
    /// What else matters: a token's scope and expiry, what changed, why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// SHA-256 (hex) of the previous line.
    pub prev: String,
}

/// What to record (the log adds the time and the chain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub host: String,
    pub app: Option<String>,
    pub target: Option<String>,
    pub action: ActivityAction,
    pub outcome: ActivityOutcome,
    pub detail: Option<String>,
    pub request_id: Option<String>,
}

impl Activity {
    pub fn new(host: impl Into<String>, action: ActivityAction) -> Self {
        Self {
            host: host.into(),
            app: None,
            target: None,
            action,
            outcome: ActivityOutcome::Succeeded,
            detail: None,
            request_id: None,
        }
    }

    pub fn app(mut self, app: impl Into<String>) -> Self {
        self.app = Some(app.into());
        self
    }

    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into()).filter(|d: &String| !d.is_empty());
        self
    }

    pub fn request_id(mut self, id: Option<&str>) -> Self {
        self.request_id = id.map(str::to_owned);
        self
    }

    /// How it went: a success with GitHub's request ID (when there is one), or a failure
    /// with the error's words (which never carry a secret) and its request ID.
    pub fn outcome<E: RecordedError + ?Sized>(self, result: Result<Option<&str>, &E>) -> Self {
        match result {
            Ok(request_id) => self.request_id(request_id),
            Err(err) => self.failed_because(&err.to_string(), err.request_id()),
        }
    }

    /// Marks it failed: why, and GitHub's request ID when there is one.
    fn failed_because(mut self, why: &str, request_id: Option<&str>) -> Self {
        self.outcome = ActivityOutcome::Failed;
        if let Some(id) = request_id {
            self.request_id = Some(id.to_owned());
        }
        self.detail = Some(match self.detail.take() {
            Some(detail) => format!("{detail}; {why}"),
            None => why.to_owned(),
        });
        self
    }
}

/// An error as the record keeps it: its words and GitHub's request ID, if GitHub answered.
pub trait RecordedError: std::fmt::Display {
    fn request_id(&self) -> Option<&str> {
        None
    }
}

impl RecordedError for crate::Error {
    fn request_id(&self) -> Option<&str> {
        self.github().and_then(|g| g.request_id())
    }
}

impl RecordedError for crate::github::GitHubError {
    fn request_id(&self) -> Option<&str> {
        crate::github::GitHubError::request_id(self)
    }
}

impl RecordedError for crate::store::StoreError {}

#[derive(Debug, thiserror::Error)]
pub enum ActivityError {
    #[error("the activity record {path} could not be {doing}: {source}")]
    Io {
        path: PathBuf,
        doing: &'static str,
        source: std::io::Error,
    },
    #[error("line {line} of the activity record {path} is not an entry: {detail}")]
    Unreadable {
        path: PathBuf,
        line: usize,
        detail: String,
    },
}

/// What [`ActivityLog::verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Every line follows the one before.
    Intact { lines: usize },
    /// `line` (1-based) does not follow: the line before it was removed or edited, or it is
    /// not an entry.
    Broken { line: usize, reason: String },
}

type FailureObserver = Arc<dyn Fn(&ActivityError) + Send + Sync>;

/// The record's file and clock.
#[derive(Clone)]
pub struct ActivityLog {
    path: PathBuf,
    clock: Arc<dyn Clock>,
    on_failure: Option<FailureObserver>,
}

impl std::fmt::Debug for ActivityLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActivityLog")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// The directory Appwarden keeps its data in (`$APPWARDEN_DATA_DIR`, else the OS's).
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    dirs::data_dir().map(|dir| dir.join("appwarden"))
}

fn digest(line: &[u8]) -> String {
    Sha256::digest(line)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl ActivityLog {
    pub fn at(path: impl Into<PathBuf>, clock: Arc<dyn Clock>) -> Self {
        Self {
            path: path.into(),
            clock,
            on_failure: None,
        }
    }

    /// `activity.jsonl` in the data directory; `None` when the OS has none.
    pub fn default_location(clock: Arc<dyn Clock>) -> Option<Self> {
        data_dir().map(|dir| Self::at(dir.join(FILE_NAME), clock))
    }

    /// Told when an entry could not be written.
    pub fn on_failure(mut self, observe: impl Fn(&ActivityError) + Send + Sync + 'static) -> Self {
        self.on_failure = Some(Arc::new(observe));
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `activity`; a failure is told to the observer (and the log), never returned:
    /// the action it records has happened either way.
    pub fn record(&self, activity: Activity) {
        if let Err(err) = self.append(activity) {
            tracing::warn!("{err}");
            if let Some(observe) = &self.on_failure {
                observe(&err);
            }
        }
    }

    /// Appends `activity` after the last line, under an exclusive lock on the file (the CLI
    /// and the window may write at once).
    pub fn append(&self, activity: Activity) -> Result<ActivityEntry, ActivityError> {
        let io = |doing: &'static str| {
            let path = self.path.clone();
            move |source| ActivityError::Io {
                path,
                doing,
                source,
            }
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(io("created"))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&self.path)
            .map_err(io("opened"))?;
        file.lock().map_err(io("locked"))?;
        let prev = match last_line(&mut file).map_err(io("read"))? {
            Some(line) => digest(&line),
            None => GENESIS.to_owned(),
        };
        let entry = ActivityEntry {
            at: self.clock.now(),
            host: activity.host,
            app: activity.app,
            target: activity.target,
            action: activity.action,
            outcome: activity.outcome,
            detail: activity.detail,
            request_id: activity.request_id,
            prev,
        };
        let mut line = serde_json::to_vec(&entry).map_err(|e| ActivityError::Io {
            path: self.path.clone(),
            doing: "written",
            source: std::io::Error::other(e),
        })?;
        line.push(b'\n');
        file.write_all(&line).map_err(io("written"))?;
        file.sync_data().map_err(io("written"))?;
        Ok(entry)
    }

    /// Every entry, oldest first (none when there is no record yet).
    pub fn entries(&self) -> Result<Vec<ActivityEntry>, ActivityError> {
        Ok(self.read()?.0)
    }

    /// Checks the chain: each line's `prev` is the SHA-256 of the line before it.
    pub fn verify(&self) -> Result<Verification, ActivityError> {
        let text = self.text()?;
        Ok(chain(&text))
    }

    /// Every entry, oldest first, and whether the chain holds: the file read once.
    pub fn read(&self) -> Result<(Vec<ActivityEntry>, Verification), ActivityError> {
        let text = self.text()?;
        let entries = text
            .split(|b| *b == b'\n')
            .enumerate()
            .filter(|(_, line)| !line.is_empty())
            .map(|(index, line)| {
                serde_json::from_slice(line).map_err(|err| ActivityError::Unreadable {
                    path: self.path.clone(),
                    line: index + 1,
                    detail: err.to_string(),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok((entries, chain(&text)))
    }

    /// The file's bytes (none before the first entry).
    fn text(&self) -> Result<Vec<u8>, ActivityError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => Ok(bytes),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(source) => Err(ActivityError::Io {
                path: self.path.clone(),
                doing: "read",
                source,
            }),
        }
    }
}

/// Whether each line of `text` follows the one before it.
fn chain(text: &[u8]) -> Verification {
    let mut expected = GENESIS.to_owned();
    let mut lines = 0;
    for (index, line) in text.split(|b| *b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let number = index + 1;
        let entry: ActivityEntry = match serde_json::from_slice(line) {
            Ok(entry) => entry,
            Err(err) => {
                return Verification::Broken {
                    line: number,
                    reason: format!("it is not an entry ({err})"),
                };
            }
        };
        if entry.prev != expected {
            return Verification::Broken {
                line: number,
                reason: if number == 1 {
                    "it is the first line but does not start the chain: lines before it were removed".to_owned()
                } else {
                    "it does not follow the line before it: that line was edited, or lines between them were removed".to_owned()
                },
            };
        }
        expected = digest(line);
        lines += 1;
    }
    Verification::Intact { lines }
}

/// The file's last non-empty line (read from its end), without its newline.
fn last_line(file: &mut std::fs::File) -> std::io::Result<Option<Vec<u8>>> {
    let length = file.seek(SeekFrom::End(0))?;
    let mut start = length;
    let mut tail: Vec<u8> = Vec::new();
    const CHUNK: u64 = 8 * 1024;
    loop {
        let from = start.saturating_sub(CHUNK);
        let mut chunk = vec![0; (start - from) as usize];
        file.seek(SeekFrom::Start(from))?;
        file.read_exact(&mut chunk)?;
        chunk.extend_from_slice(&tail);
        tail = chunk;
        start = from;
        let trimmed = tail.strip_suffix(b"\n").unwrap_or(&tail);
        if let Some(newline) = trimmed.iter().rposition(|b| *b == b'\n') {
            return Ok(Some(trimmed[newline + 1..].to_vec()));
        }
        if start == 0 {
            return Ok((!trimmed.is_empty()).then(|| trimmed.to_vec()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(dir: &Path) -> ActivityLog {
        ActivityLog::at(dir.join("activity.jsonl"), crate::clock::system())
    }

    fn minted(n: u64) -> Activity {
        Activity::new("api.github.com", ActivityAction::TokenMinted)
            .app("deploy-bot")
            .target(format!("installation {n}"))
            .detail("all repositories and permissions; expires 2026-12-01T18:00:00Z")
            .request_id(Some("ABCD:1"))
    }

    #[test]
    fn entries_chain_each_to_the_one_before() {
        let dir = tempfile::tempdir().unwrap();
        let log = log(dir.path());
        assert_eq!(log.verify().unwrap(), Verification::Intact { lines: 0 });
        let first = log.append(minted(1)).unwrap();
        assert_eq!(first.prev, GENESIS);
        let second = log.append(minted(2)).unwrap();
        let text = std::fs::read_to_string(log.path()).unwrap();
        let first_line = text.lines().next().unwrap();
        assert_eq!(second.prev, digest(first_line.as_bytes()));
        assert_eq!(log.entries().unwrap(), vec![first, second]);
        assert_eq!(log.verify().unwrap(), Verification::Intact { lines: 2 });
    }

    #[test]
    fn a_removed_or_edited_line_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let log = log(dir.path());
        for n in 1..=4 {
            log.append(minted(n)).unwrap();
        }
        let text = std::fs::read_to_string(log.path()).unwrap();
        let lines: Vec<&str> = text.lines().collect();

        let removed = [lines[0], lines[2], lines[3]].join("\n") + "\n";
        std::fs::write(log.path(), removed).unwrap();
        assert!(matches!(
            log.verify().unwrap(),
            Verification::Broken { line: 2, .. }
        ));

        let edited = [
            lines[0],
            &lines[1].replace("installation 2", "installation 9"),
            lines[2],
            lines[3],
        ]
        .join("\n")
            + "\n";
        std::fs::write(log.path(), edited).unwrap();
        assert!(matches!(
            log.verify().unwrap(),
            Verification::Broken { line: 3, .. }
        ));

        let first_gone = [lines[1], lines[2], lines[3]].join("\n") + "\n";
        std::fs::write(log.path(), first_gone).unwrap();
        assert!(matches!(
            log.verify().unwrap(),
            Verification::Broken { line: 1, .. }
        ));
    }

    #[test]
    fn a_long_record_is_continued_from_its_last_line() {
        let dir = tempfile::tempdir().unwrap();
        let log = log(dir.path());
        for n in 0..300 {
            log.append(minted(n).detail("x".repeat(100))).unwrap();
        }
        assert_eq!(log.verify().unwrap(), Verification::Intact { lines: 300 });
    }

    #[test]
    fn a_record_that_cannot_be_written_is_told_not_returned() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the file should be: nothing can be appended.
        std::fs::create_dir(dir.path().join("activity.jsonl")).unwrap();
        let told = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = told.clone();
        let log = log(dir.path()).on_failure(move |_| {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        });
        log.record(minted(1));
        assert_eq!(told.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
