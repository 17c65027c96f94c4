//! Everything that crosses IPC, as Rust types. TypeScript types are generated from these
//! (ts-rs, into `ui/src/lib/bindings/`), and a test fails when the committed ones are stale.
//!
//! No private key appears in any of these types: keys enter Rust as pasted text or a file
//! path and leave only as fingerprints. Tokens leave only in [`MintedToken`], to be shown
//! or copied.

use appwarden_core::ErrorCode;
use appwarden_core::github::App;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

mod about;
mod activity;
mod credentials;
mod hardware;
mod installations;
mod organization;
mod pats;
mod saml;
mod webhook;
pub use about::*;
pub use activity::*;
pub use credentials::*;
pub use hardware::*;
pub use installations::*;
pub use organization::*;
pub use pats::*;
pub use saml::*;
pub use webhook::*;

/// A failed command, as the UI receives it. The UI switches on `code`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    /// What to do next, when the message alone does not say.
    pub hint: Option<String>,
    /// GitHub's HTTP status, when GitHub answered.
    pub status: Option<u16>,
    /// GitHub's `X-GitHub-Request-Id`, for support requests.
    pub request_id: Option<String>,
    /// When a rate limit resets (RFC 3339).
    pub retry_at: Option<String>,
    /// The token whose PIN is wanted (codes `pin_required` and `pin_incorrect`): the window
    /// asks for it, unlocks the token and retries.
    pub pin_prompt: Option<Box<appwarden_core::hardware::PinPrompt>>,
}

impl From<appwarden_core::Error> for IpcError {
    fn from(err: appwarden_core::Error) -> Self {
        let github = err.github();
        let retry_at = match github {
            Some(appwarden_core::github::GitHubError::RateLimited { reset_at, .. }) => {
                reset_at.map(|at| at.to_rfc3339())
            }
            _ => None,
        };
        Self {
            code: err.code(),
            status: github.and_then(|g| g.status()),
            request_id: github.and_then(|g| g.request_id()).map(str::to_owned),
            hint: err.hint(),
            message: err.to_string(),
            retry_at,
            pin_prompt: err.pin_prompt().cloned().map(Box::new),
        }
    }
}

impl IpcError {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::from(appwarden_core::Error::InvalidInput(message.into()))
    }
}

pub type IpcResult<T> = Result<T, IpcError>;

/// A request is waiting out one of GitHub's rate limits (the `rate-limit-wait` event).
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RateLimitNotice {
    /// `METHOD /path` of the waiting request.
    pub endpoint: String,
    /// GitHub's secondary rate limit (too many requests too quickly), not the hourly budget.
    pub secondary: bool,
    /// When the request is sent again (RFC 3339).
    pub until: String,
}

/// A stored app, from the config.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppSummary {
    pub name: String,
    pub api_url: String,
    /// The host, for display (`github.com`, `ghes.example.com`).
    pub host: String,
    /// The web base for links (`https://github.com`).
    pub web_url: String,
    #[ts(type = "number")]
    pub app_id: u64,
    pub client_id: Option<String>,
    pub keys: Vec<KeySummary>,
    /// The API is a local simulator (plain http on a loopback address).
    pub simulated: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct KeySummary {
    pub fingerprint: String,
    pub added_at: String,
    #[ts(type = "number")]
    pub bits: usize,
    /// The key that signs (the newest).
    pub signing: bool,
    /// Where it lives: "OS keyring", or the PKCS#11 token and key object.
    pub source: String,
    pub on_token: bool,
}

/// `GET /app`, trimmed to what the UI shows.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppOverview {
    #[ts(type = "number")]
    pub id: u64,
    pub name: String,
    pub slug: Option<String>,
    pub client_id: Option<String>,
    pub owner: Option<String>,
    pub owner_avatar_url: Option<String>,
    pub html_url: Option<String>,
    pub description: Option<String>,
    pub permissions: BTreeMap<String, String>,
    pub events: Vec<String>,
    #[ts(type = "number | null")]
    pub installations_count: Option<u64>,
}

impl From<App> for AppOverview {
    fn from(app: App) -> Self {
        Self {
            id: app.id,
            name: app.name,
            slug: app.slug,
            client_id: app.client_id,
            owner: app.owner.as_ref().map(|o| o.display_name().to_owned()),
            owner_avatar_url: app.owner.and_then(|o| o.avatar_url),
            html_url: app.html_url,
            description: app.description,
            permissions: app.permissions,
            events: app.events,
            installations_count: app.installations_count,
        }
    }
}

/// Where a private key comes from. Either way it goes straight into Rust.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum KeySource {
    /// Pasted PEM text.
    Pem { text: String },
    /// A file chosen by drag and drop.
    Path { path: String },
    /// Ask Rust to show the file picker.
    Picker,
}

/// A key parsed and held in Rust, waiting to be checked or stored. The UI sees only this.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StagedKey {
    #[ts(type = "number")]
    pub id: u64,
    pub fingerprint: String,
    #[ts(type = "number")]
    pub bits: usize,
    pub warnings: Vec<String>,
}

/// What the add-app form holds.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct AppDraft {
    pub name: String,
    /// `github.com`, an Enterprise Server host, or an API URL.
    pub api_url: String,
    pub app_id: String,
    pub client_id: Option<String>,
    #[ts(type = "number")]
    pub staged_key: u64,
    /// An Enterprise Server's own CA certificate (PEM), when it has one.
    pub ca_certificate: Option<String>,
    /// Import the key into this PKCS#11 token instead of the OS keyring.
    pub token: Option<TokenTarget>,
}

/// The answer of the live check ("GitHub accepts this key").
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CheckResult {
    pub api_url: String,
    pub app: AppOverview,
}

/// Local keys against the fingerprints pasted from GitHub's settings page.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct FingerprintReport {
    pub local: Vec<LocalKeyMatch>,
    pub github: Vec<GitHubKeyMatch>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LocalKeyMatch {
    pub fingerprint: String,
    /// The fingerprint is among those pasted from GitHub.
    pub on_github: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct GitHubKeyMatch {
    pub fingerprint: String,
    /// A key with this fingerprint is stored on this machine.
    pub held_locally: bool,
}

/// GitHub's verdict on one stored key.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct KeyVerdict {
    pub fingerprint: String,
    pub accepted: bool,
    pub error: Option<IpcError>,
}

/// Narrowing of a token: none of either means everything the installation has.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct TokenScope {
    pub repositories: Vec<String>,
    pub permissions: BTreeMap<String, String>,
}

/// A token to show or copy. Never persisted.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct MintedToken {
    /// How the window refers to this token to copy or revoke it.
    #[ts(type = "number")]
    pub handle: u64,
    pub token: String,
    pub expires_at: String,
    #[ts(type = "number")]
    pub installation_id: u64,
    pub permissions: BTreeMap<String, String>,
    pub repository_selection: Option<String>,
    pub repositories: Option<Vec<String>>,
    /// The git host for `git clone https://x-access-token:…@host/owner/repo.git`.
    pub git_host: String,
    /// Served from the cache rather than minted now.
    pub cached: bool,
}

/// A host (API URL) in use or configured, with its trust settings.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct HostSummary {
    pub api_url: String,
    pub host: String,
    /// An extra CA certificate is trusted for this host.
    pub has_ca: bool,
    /// The stored apps on this host.
    pub apps: Vec<String>,
}

/// User settings kept in the config directory.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Settings {
    /// `light`, `dark` or `system`.
    pub theme: String,
    /// Seconds after which a copied token is cleared from the clipboard.
    #[ts(type = "number")]
    pub clipboard_clear_secs: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            theme: "system".into(),
            clipboard_clear_secs: 60,
        }
    }
}

/// Facts about this run, for the window's chrome.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Environment {
    pub version: String,
    /// Started by the demo command: show the "simulated GitHub" label.
    pub demo: bool,
    pub config_dir: String,
}

/// A keyring entry left by an interrupted change that no app uses.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct OrphanKey {
    pub keyring_entry: String,
    /// `add` or `remove`.
    pub operation: String,
    /// RFC 3339.
    pub started_at: String,
}
