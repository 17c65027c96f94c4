//! What the desktop shell keeps between commands: the store, one session per app (with its
//! JWT and token caches), and keys staged between "parse" and "save" so that a key crosses
//! IPC once, inbound, and never comes back.

use crate::ipc::{IpcError, IpcResult, StagedKey};
use appwarden_core::activity::ActivityLog;
use appwarden_core::github::{App, AuditEvent, ClientOptions, GitHubClient};
use appwarden_core::jwt::SigningKey;
use appwarden_core::leaked_credentials::FoundCredential;
use appwarden_core::listing_cache::ListingCache;
use appwarden_core::source_ranges::SourceRanges;
use appwarden_core::store::{AppConfig, AppStore};
use appwarden_core::{AccessToken, ApiUrl, AppSession, PrivateKey, clock::Clock};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// An app's name and an organization's login (lower case).
type AppAndOrg = (String, String);

fn audit_key(name: &str, org: &str) -> AppAndOrg {
    (
        name.to_owned(),
        org.trim().trim_start_matches('@').to_ascii_lowercase(),
    )
}

pub struct DesktopState {
    pub store: AppStore,
    pub clock: Arc<dyn Clock>,
    pub options: ClientOptions,
    pub demo: bool,
    /// The last list of each app's installations; `None` when the OS has no cache directory.
    pub listing_cache: Option<ListingCache>,
    sessions: tokio::sync::Mutex<HashMap<String, Arc<AppSession>>>,
    staged: Mutex<HashMap<u64, PrivateKey>>,
    next_staged: AtomicU64,
    held_tokens: Mutex<HashMap<u64, HeldToken>>,
    /// Each app as `GET /app` last described it (its permissions and events), to tell which
    /// installations have not accepted them.
    described: Mutex<HashMap<String, App>>,
    /// Each app's webhook source ranges as last shown, for their export.
    source_ranges: Mutex<HashMap<String, SourceRanges>>,
    /// Exposed credentials found in pasted text (the latest find, by its ID), until revoked.
    exposed: Mutex<Option<(u64, Vec<FoundCredential>)>>,
    /// Appwarden's activity record, which every session writes to.
    pub activity: Option<Arc<ActivityLog>>,
    /// The audit events last read for each app and organization, for their export.
    audit_events: Mutex<HashMap<AppAndOrg, Arc<Vec<AuditEvent>>>>,
}

/// A minted token the window is showing. The window refers to it by handle to copy or revoke
/// it, so the token crosses IPC once: in the answer that shows it.
#[derive(Clone)]
pub struct HeldToken {
    pub app: String,
    pub token: AccessToken,
    pub git_host: String,
}

/// Runs blocking store work (the keyring speaks D-Bus synchronously) off the async runtime.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, appwarden_core::Error> + Send + 'static,
) -> IpcResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| IpcError::invalid(format!("Internal error: {e}")))?
        .map_err(IpcError::from)
}

impl DesktopState {
    pub fn new(store: AppStore, clock: Arc<dyn Clock>, options: ClientOptions, demo: bool) -> Self {
        Self {
            store,
            clock,
            options,
            demo,
            listing_cache: ListingCache::default_location(),
            sessions: tokio::sync::Mutex::new(HashMap::new()),
            staged: Mutex::new(HashMap::new()),
            next_staged: AtomicU64::new(1),
            held_tokens: Mutex::new(HashMap::new()),
            described: Mutex::new(HashMap::new()),
            source_ranges: Mutex::new(HashMap::new()),
            audit_events: Mutex::new(HashMap::new()),
            activity: None,
            exposed: Mutex::new(None),
        }
    }

    /// Keeps credentials found in pasted text until they are revoked; the window refers to
    /// them by the ID returned (they never cross IPC again).
    pub fn stage_exposed(&self, found: Vec<FoundCredential>) -> u64 {
        let id = self.next_staged.fetch_add(1, Ordering::Relaxed);
        // Only the latest find is kept.
        *self.exposed.lock().unwrap_or_else(|e| e.into_inner()) = Some((id, found));
        id
    }

    pub fn take_exposed(&self, id: u64) -> Option<Vec<FoundCredential>> {
        let mut staged = self.exposed.lock().unwrap_or_else(|e| e.into_inner());
        match staged.take() {
            Some((staged_id, found)) if staged_id == id => Some(found),
            other => {
                *staged = other;
                None
            }
        }
    }

    /// The same state, recording every session's changes in `log`.
    pub fn with_activity(mut self, log: Option<Arc<ActivityLog>>) -> Self {
        self.activity = log;
        self
    }

    pub async fn app(&self, name: &str) -> IpcResult<AppConfig> {
        let store = self.store.clone();
        let name = name.to_owned();
        blocking(move || Ok(store.app(&name)?)).await
    }

    /// The app's session, created on first use (reading its newest key from the keyring, or
    /// opening it on its token).
    pub async fn session(&self, name: &str) -> IpcResult<Arc<AppSession>> {
        let app = self.app(name).await?;
        let mut sessions = self.sessions.lock().await;
        if let Some(session) = sessions.get(&app.name) {
            // A key on a token that was removed (or logged out) is opened afresh, which asks
            // for the PIN again.
            let token_gone = session
                .signer
                .key()
                .hardware()
                .is_some_and(|key| !key.session_alive());
            if !token_gone {
                return Ok(session.clone());
            }
        }
        let store = self.store.clone();
        let app_for_key = app.clone();
        let key = blocking(move || Ok(store.signing_key(&app_for_key)?)).await?;
        let session = Arc::new(self.new_session(&app, key)?);
        sessions.insert(app.name.clone(), session.clone());
        Ok(session)
    }

    /// A session for a given key (not cached), trusting the host's CA certificate if one is
    /// set, plus `extra_ca` (a CA given while adding an app, not yet saved).
    pub fn new_session_with(
        &self,
        app: &AppConfig,
        key: impl Into<SigningKey>,
        extra_ca: Option<String>,
    ) -> IpcResult<AppSession> {
        let (api_url, mut options) = self.host_options(app)?;
        options.extra_root_certificates.extend(extra_ca);
        let session = AppSession::new(
            api_url,
            app.app_id,
            app.client_id.as_deref(),
            key,
            self.clock.clone(),
            options,
        )?;
        Ok(match &self.activity {
            Some(log) => session.with_activity(log.clone(), &app.name),
            None => session,
        })
    }

    /// A session for a given key (not cached), for live checks.
    pub fn new_session(
        &self,
        app: &AppConfig,
        key: impl Into<SigningKey>,
    ) -> IpcResult<AppSession> {
        self.new_session_with(app, key, None)
    }

    /// The app's API URL and the client options for its host (its CA certificate, if set).
    fn host_options(&self, app: &AppConfig) -> IpcResult<(ApiUrl, ClientOptions)> {
        let api_url = ApiUrl::parse(&app.api_url).map_err(appwarden_core::Error::from)?;
        let options = self
            .store
            .client_options(&api_url, self.options.clone())
            .map_err(appwarden_core::Error::from)?;
        Ok((api_url, options))
    }

    /// A client for the app's host with no credentials (for `GET /meta`), trusting the
    /// host's CA certificate if one is set: no key is read, no PIN asked.
    pub fn anonymous_client(&self, app: Option<&AppConfig>) -> IpcResult<GitHubClient> {
        let (api_url, options) = match app {
            Some(app) => self.host_options(app)?,
            None => (ApiUrl::github_com(), self.options.clone()),
        };
        Ok(GitHubClient::new(api_url, self.clock.clone(), options)
            .map_err(appwarden_core::Error::from)?)
    }

    /// Keeps the webhook source ranges shown for an app.
    pub fn remember_source_ranges(&self, name: &str, ranges: &SourceRanges) {
        if let Ok(mut kept) = self.source_ranges.lock() {
            kept.insert(name.to_owned(), ranges.clone());
        }
    }

    /// The webhook source ranges last shown for an app.
    pub fn source_ranges(&self, name: &str) -> Option<SourceRanges> {
        self.source_ranges
            .lock()
            .ok()
            .and_then(|kept| kept.get(name).cloned())
    }

    /// Keeps what `GET /app` said about an app.
    pub fn remember_audit_events(&self, name: &str, org: &str, events: Vec<AuditEvent>) {
        if let Ok(mut kept) = self.audit_events.lock() {
            kept.insert(audit_key(name, org), Arc::new(events));
        }
    }

    pub fn audit_events(&self, name: &str, org: &str) -> Option<Arc<Vec<AuditEvent>>> {
        self.audit_events
            .lock()
            .ok()?
            .get(&audit_key(name, org))
            .cloned()
    }

    pub fn remember_description(&self, name: &str, app: &App) {
        self.described
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_owned(), app.clone());
    }

    /// What `GET /app` said about an app, if it was asked.
    pub fn description(&self, name: &str) -> Option<App> {
        self.described
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .cloned()
    }

    /// Asks GitHub whether it accepts `key` for `app` (`GET /app` signed with it).
    pub async fn check_key_with_github(
        &self,
        app: &AppConfig,
        key: impl Into<SigningKey>,
    ) -> IpcResult<()> {
        let session = self.new_session(app, key)?;
        session
            .client
            .app(&session.signer)
            .await
            .map_err(appwarden_core::Error::from)?;
        Ok(())
    }

    /// Forgets every session (after host settings changed).
    pub async fn forget_all_sessions(&self) {
        self.sessions.lock().await.clear();
    }

    /// Forgets an app's session after its keys or settings changed.
    pub async fn forget_session(&self, name: &str) {
        self.sessions
            .lock()
            .await
            .retain(|cached, _| !cached.eq_ignore_ascii_case(name));
    }

    pub fn stage(&self, key: PrivateKey) -> StagedKey {
        let id = self.next_staged.fetch_add(1, Ordering::Relaxed);
        let staged = StagedKey {
            id,
            fingerprint: key.fingerprint().to_string(),
            bits: key.public_key().bits(),
            warnings: key
                .public_key()
                .warnings()
                .iter()
                .map(ToString::to_string)
                .collect(),
        };
        self.staged
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, key);
        staged
    }

    pub fn staged(&self, id: u64) -> IpcResult<PrivateKey> {
        self.staged
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .cloned()
            .ok_or_else(|| {
                IpcError::invalid("That key is no longer loaded; paste or choose it again.")
            })
    }

    /// Keeps a token the window shows; returns its handle.
    pub fn hold_token(&self, held: HeldToken) -> u64 {
        let handle = self.next_staged.fetch_add(1, Ordering::Relaxed);
        self.held_tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(handle, held);
        handle
    }

    pub fn held_token(&self, handle: u64) -> IpcResult<HeldToken> {
        self.held_tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&handle)
            .cloned()
            .ok_or_else(|| IpcError::invalid("That token is no longer held; mint a new one."))
    }

    pub fn release_token(&self, handle: u64) {
        self.held_tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&handle);
    }

    pub fn unstage(&self, id: u64) {
        self.staged
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }
}
