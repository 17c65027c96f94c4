//! The app store: apps in the config file, their private keys in the OS keyring or on a
//! PKCS#11 token (the config then says where; removing such a key from Appwarden leaves it
//! on the token, which a team may share). PINs are never in the config: they come from a
//! [`PinSource`], or from the OS keyring when the user asked to remember one.
//!
//! Write order makes a crash harmless. Adding writes the keyring entry first and the config
//! second: a crash in between leaves an unreferenced keyring entry (with a deterministic
//! name, so adding the same key again simply overwrites it) and a config that still works.
//! Removing writes the config first and deletes the keyring entry second: a crash in between
//! again leaves only an unreferenced entry. The config never names an entry that was not
//! written. Every keyring change is first recorded in a [`journal`], so such an entry is
//! found afterwards ([`AppStore::orphans`]) and can be deleted ([`AppStore::clean_orphans`]).

pub mod config;
pub mod journal;
pub mod keyring;
mod pins;

pub use config::{AppConfig, Config, ConfigError, ConfigFile, HostConfig, KeyConfig};
pub use journal::PendingChange;
pub use keyring::{KeyringError, MemorySecretStore, OsKeyring, SecretStore};

use journal::JournalFile;

use crate::activity::{Activity, ActivityAction, ActivityLog};
use crate::api_url::ApiUrl;
use crate::fingerprint::Fingerprint;
use crate::hardware::token::NoPins;
use crate::hardware::{
    self, HardwareError, HardwareKey, ImportedKey, PinSource, TokenDescription, TokenSelector,
};
use crate::jwt::SigningKey;
use crate::key::PrivateKey;
use crate::secret::Pin;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// The keyring service name all of Appwarden's entries are stored under.
pub const KEYRING_SERVICE: &str = "appwarden";
/// GitHub allows at most this many private keys per app.
pub const MAX_KEYS_PER_APP: usize = 25;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    #[error(transparent)]
    Hardware(#[from] HardwareError),
    #[error(
        "The {where_} for \"{app}\" is not the key {fingerprint} the config names. Remove the key from Appwarden and add it again."
    )]
    TokenKeyMismatch {
        app: String,
        where_: String,
        fingerprint: Fingerprint,
    },
    #[error(
        "An app named \"{0}\" already exists. Choose another name, or remove the old one first (appwarden app remove)."
    )]
    AppExists(String),
    #[error("No app named \"{name}\" is configured.{known} Add it with `appwarden app add`.")]
    AppNotFound { name: String, known: String },
    #[error("App names must be 1 to 100 printable characters; \"{0}\" is not.")]
    InvalidName(String),
    #[error("The key {fingerprint} is already stored for \"{app}\".")]
    KeyExists {
        app: String,
        fingerprint: Fingerprint,
    },
    #[error("\"{app}\" has no key {fingerprint}. `appwarden app list` shows its keys.")]
    KeyNotFound {
        app: String,
        fingerprint: Fingerprint,
    },
    #[error(
        "\"{app}\" already has {MAX_KEYS_PER_APP} keys, GitHub's limit. Remove an old key first."
    )]
    TooManyKeys { app: String },
    #[error(
        "{fingerprint} is the only key of \"{app}\"; add its replacement first, or remove the whole app."
    )]
    LastKey {
        app: String,
        fingerprint: Fingerprint,
    },
    #[error(
        "The key stored in the keyring for \"{app}\" ({entry}) is damaged or was replaced: it no longer matches {fingerprint}. Remove the key and add it again."
    )]
    StoredKeyMismatch {
        app: String,
        entry: String,
        fingerprint: Fingerprint,
    },
    #[error("\"{app}\" has no keys stored. Add one with `appwarden app key add`.")]
    NoKeys { app: String },
    #[error(
        "That is not a CA certificate in PEM form (-----BEGIN CERTIFICATE-----). Export the Enterprise Server's CA certificate as PEM and give it again."
    )]
    NotACertificate,
}

/// What identifies a new app.
#[derive(Debug, Clone)]
pub struct NewApp {
    pub name: String,
    pub api_url: ApiUrl,
    pub app_id: u64,
    pub client_id: Option<String>,
}

/// A key to add: one read from a PEM (it goes into the OS keyring) or one on a token.
#[derive(Debug, Clone, Copy)]
pub enum NewKey<'a> {
    Keyring(&'a PrivateKey),
    /// `created`: this process just imported it, so a failed add deletes it again.
    Token {
        key: &'a HardwareKey,
        created: bool,
    },
}

impl<'a> From<&'a PrivateKey> for NewKey<'a> {
    fn from(key: &'a PrivateKey) -> Self {
        NewKey::Keyring(key)
    }
}

impl<'a> From<&'a HardwareKey> for NewKey<'a> {
    fn from(key: &'a HardwareKey) -> Self {
        NewKey::Token {
            key,
            created: false,
        }
    }
}

impl<'a> From<&'a ImportedKey> for NewKey<'a> {
    fn from(imported: &'a ImportedKey) -> Self {
        NewKey::Token {
            key: &imported.key,
            created: imported.created,
        }
    }
}

impl NewKey<'_> {
    fn fingerprint(&self) -> Fingerprint {
        match self {
            NewKey::Keyring(key) => key.fingerprint(),
            NewKey::Token { key, .. } => key.fingerprint(),
        }
    }

    /// Takes back an import this process made, after the add failed.
    fn undo_import(&self) {
        if let NewKey::Token { key, created: true } = self {
            let _ = key.destroy();
        }
    }
}

/// Apps and their keys.
#[derive(Clone)]
pub struct AppStore {
    config: ConfigFile,
    secrets: Arc<dyn SecretStore>,
    pins: Arc<dyn PinSource>,
    /// Where keys and apps added and removed are recorded.
    activity: Option<Arc<ActivityLog>>,
}

impl std::fmt::Debug for AppStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppStore")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AppStore {
    pub fn new(config: ConfigFile, secrets: Arc<dyn SecretStore>) -> Self {
        Self {
            config,
            secrets,
            pins: Arc::new(NoPins),
            activity: None,
        }
    }

    /// The same store, recording each key and app added or removed in `log`.
    pub fn with_activity(mut self, log: Arc<ActivityLog>) -> Self {
        self.activity = Some(log);
        self
    }

    /// Records a change to an app or its keys (host: the app's API host).
    fn record(
        &self,
        action: ActivityAction,
        app: &str,
        api_url: Option<&str>,
        target: String,
        detail: Option<String>,
        outcome: Result<(), &StoreError>,
    ) {
        let Some(log) = &self.activity else {
            return;
        };
        let host = api_url
            .and_then(|url| ApiUrl::parse(url).ok())
            .map(|url| url.host())
            .unwrap_or_else(|| "local".to_owned());
        let mut activity = Activity::new(host, action).app(app).target(target);
        if let Some(detail) = detail {
            activity = activity.detail(detail);
        }
        log.record(activity.outcome(outcome.map(|()| None)));
    }

    /// Records a change to one of `app`'s keys (its host read from the config only then).
    fn record_key(
        &self,
        action: ActivityAction,
        app: &str,
        target: String,
        detail: Option<String>,
        outcome: Result<(), &StoreError>,
    ) {
        if self.activity.is_none() {
            return;
        }
        let api_url = self.app(app).ok().map(|a| a.api_url);
        self.record(action, app, api_url.as_deref(), target, detail, outcome);
    }

    /// The same store, asking `pins` when a token needs its PIN (after a PIN remembered in
    /// the OS keyring, if there is one).
    pub fn with_pins(mut self, pins: Arc<dyn PinSource>) -> Self {
        self.pins = pins;
        self
    }

    /// Opens (or reuses) the session to a token, asking for its PIN as needed.
    pub fn open_token(
        &self,
        module: &std::path::Path,
        token: &TokenSelector,
    ) -> Result<Arc<hardware::TokenSession>, StoreError> {
        let pins = pins::RememberedPins::new(self.secrets.as_ref(), self.pins.as_ref());
        Ok(hardware::token::open(module, token, &pins)?)
    }

    /// Keeps a token's PIN in the OS keyring, for later runs.
    pub fn remember_pin(&self, token: &TokenDescription, pin: &Pin) -> Result<(), StoreError> {
        Ok(self
            .secrets
            .put(&pins::entry_name(token), pin.expose_secret().as_bytes())?)
    }

    /// Forgets a remembered PIN (absent is fine).
    pub fn forget_pin(&self, token: &TokenDescription) -> Result<(), StoreError> {
        match self.secrets.delete(&pins::entry_name(token)) {
            Ok(()) | Err(KeyringError::Missing { .. }) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    /// The config in its usual place and the OS keyring.
    pub fn open_default() -> Result<Self, StoreError> {
        Ok(Self::new(
            ConfigFile::default_location()?,
            Arc::new(OsKeyring::new(KEYRING_SERVICE)),
        ))
    }

    pub fn config_file(&self) -> &ConfigFile {
        &self.config
    }

    pub fn apps(&self) -> Result<Vec<AppConfig>, StoreError> {
        Ok(self.config.load()?.apps)
    }

    /// An app by name (case-insensitive) or, failing that, by app ID.
    pub fn app(&self, name_or_id: &str) -> Result<AppConfig, StoreError> {
        let config = self.config.load()?;
        find(&config, name_or_id).map(|index| config.apps[index].clone())
    }

    /// Stores the key in the keyring, then the app in the config.
    pub fn add_app<'a>(
        &self,
        new: NewApp,
        key: impl Into<NewKey<'a>>,
        now: DateTime<Utc>,
    ) -> Result<AppConfig, StoreError> {
        let key = key.into();
        let (name, api_url) = (new.name.clone(), new.api_url.to_string());
        let added = self.add_app_inner(new, key, now);
        if added.is_err() {
            key.undo_import();
        }
        let (target, detail) = match &added {
            Ok(app) => (
                format!("app {}", app.app_id),
                app.keys
                    .first()
                    .map(|k| format!("key {} in {}", k.fingerprint, k.source_description())),
            ),
            Err(_) => ("an app".to_owned(), None),
        };
        self.record(
            ActivityAction::AppAdded,
            added
                .as_ref()
                .map_or(name.as_str(), |app| app.name.as_str()),
            Some(&api_url),
            target,
            detail,
            added.as_ref().map(drop),
        );
        added
    }

    fn add_app_inner(
        &self,
        new: NewApp,
        key: NewKey<'_>,
        now: DateTime<Utc>,
    ) -> Result<AppConfig, StoreError> {
        let name = validate_name(&new.name)?;
        let mut config = self.config.load()?;
        if config
            .apps
            .iter()
            .any(|app| app.name.eq_ignore_ascii_case(&name))
        {
            return Err(StoreError::AppExists(name));
        }
        let api_url = new.api_url.to_string();
        let key_config = self.put_key(&api_url, new.app_id, key, now)?;
        let app = AppConfig {
            name,
            api_url,
            app_id: new.app_id,
            client_id: new.client_id.filter(|id| !id.trim().is_empty()),
            keys: vec![key_config.clone()],
        };
        config.apps.push(app.clone());
        self.save_or_undo(&config, &key_config)?;
        self.journal().forget(&[&key_config.keyring_entry]);
        Ok(app)
    }

    /// Adds another key to an app (rotation).
    pub fn add_key<'a>(
        &self,
        app_name: &str,
        key: impl Into<NewKey<'a>>,
        now: DateTime<Utc>,
    ) -> Result<KeyConfig, StoreError> {
        let key = key.into();
        let added = self.add_key_inner(app_name, key, now);
        if added.is_err() {
            key.undo_import();
        }
        let (target, detail) = match &added {
            Ok(key) => (
                format!("key {}", key.fingerprint),
                Some(key.source_description()),
            ),
            Err(_) => ("a key".to_owned(), None),
        };
        self.record_key(
            ActivityAction::KeyAdded,
            app_name,
            target,
            detail,
            added.as_ref().map(drop),
        );
        added
    }

    fn add_key_inner(
        &self,
        app_name: &str,
        key: NewKey<'_>,
        now: DateTime<Utc>,
    ) -> Result<KeyConfig, StoreError> {
        let mut config = self.config.load()?;
        let index = find(&config, app_name)?;
        let app = &config.apps[index];
        let fingerprint = key.fingerprint();
        if app.keys.iter().any(|k| k.fingerprint == fingerprint) {
            return Err(StoreError::KeyExists {
                app: app.name.clone(),
                fingerprint,
            });
        }
        if app.keys.len() >= MAX_KEYS_PER_APP {
            return Err(StoreError::TooManyKeys {
                app: app.name.clone(),
            });
        }
        let key_config = self.put_key(&app.api_url, app.app_id, key, now)?;
        config.apps[index].keys.push(key_config.clone());
        self.save_or_undo(&config, &key_config)?;
        self.journal().forget(&[&key_config.keyring_entry]);
        Ok(key_config)
    }

    /// Removes one key: from the config first, then from the keyring.
    pub fn remove_key(
        &self,
        app_name: &str,
        fingerprint: &Fingerprint,
    ) -> Result<KeyConfig, StoreError> {
        let removed = self.remove_key_inner(app_name, fingerprint);
        self.record_key(
            ActivityAction::KeyRemoved,
            app_name,
            format!("key {fingerprint}"),
            None,
            removed.as_ref().map(drop),
        );
        removed
    }

    fn remove_key_inner(
        &self,
        app_name: &str,
        fingerprint: &Fingerprint,
    ) -> Result<KeyConfig, StoreError> {
        let mut config = self.config.load()?;
        let index = find(&config, app_name)?;
        let app = &mut config.apps[index];
        let Some(position) = app.keys.iter().position(|k| &k.fingerprint == fingerprint) else {
            return Err(StoreError::KeyNotFound {
                app: app.name.clone(),
                fingerprint: *fingerprint,
            });
        };
        if app.keys.len() == 1 {
            return Err(StoreError::LastKey {
                app: app.name.clone(),
                fingerprint: *fingerprint,
            });
        }
        let removed = app.keys.remove(position);
        self.remove_entries(&config, &[&removed.keyring_entry])?;
        Ok(removed)
    }

    /// Removes an app and all its keys.
    pub fn remove_app(&self, app_name: &str) -> Result<AppConfig, StoreError> {
        let removed = self.remove_app_inner(app_name);
        match &removed {
            Ok(app) => self.record(
                ActivityAction::AppRemoved,
                &app.name,
                Some(&app.api_url),
                format!("app {}", app.app_id),
                Some(format!("{} key(s) removed with it", app.keys.len())),
                Ok(()),
            ),
            Err(err) => self.record(
                ActivityAction::AppRemoved,
                app_name,
                None,
                "an app".to_owned(),
                None,
                Err(err),
            ),
        }
        removed
    }

    fn remove_app_inner(&self, app_name: &str) -> Result<AppConfig, StoreError> {
        let mut config = self.config.load()?;
        let index = find(&config, app_name)?;
        let removed = config.apps.remove(index);
        let entries: Vec<&str> = removed
            .keys
            .iter()
            .map(|key| key.keyring_entry.as_str())
            .collect();
        self.remove_entries(&config, &entries)?;
        Ok(removed)
    }

    /// The key the config names, ready to sign: read back from the keyring, or found on its
    /// token (asking for the PIN if needed). Either way it is checked to be that very key.
    pub fn load_key(&self, app: &AppConfig, key: &KeyConfig) -> Result<SigningKey, StoreError> {
        let Some(token_key) = &key.pkcs11 else {
            return self.load_keyring_key(app, key).map(SigningKey::from);
        };
        let selector = TokenSelector {
            label: Some(token_key.token_label.clone()),
            serial: Some(token_key.token_serial.clone()).filter(|s| !s.is_empty()),
        };
        let session = self.open_token(&token_key.module, &selector)?;
        let found = session.key(&token_key.key_label, Some(&token_key.key_id))?;
        if found.fingerprint() != key.fingerprint {
            return Err(StoreError::TokenKeyMismatch {
                app: app.name.clone(),
                where_: token_key.describe(),
                fingerprint: key.fingerprint,
            });
        }
        Ok(found.into())
    }

    fn load_keyring_key(&self, app: &AppConfig, key: &KeyConfig) -> Result<PrivateKey, StoreError> {
        let mismatch = || StoreError::StoredKeyMismatch {
            app: app.name.clone(),
            entry: key.keyring_entry.clone(),
            fingerprint: key.fingerprint,
        };
        let der = self.secrets.get(&key.keyring_entry)?;
        let private = PrivateKey::from_pkcs1_der(der.expose_bytes()).map_err(|_| mismatch())?;
        if private.fingerprint() != key.fingerprint {
            return Err(mismatch());
        }
        Ok(private)
    }

    /// The key to sign with: the most recently added one.
    pub fn signing_key(&self, app: &AppConfig) -> Result<SigningKey, StoreError> {
        let newest = app
            .keys
            .iter()
            .max_by_key(|key| key.added_at)
            .ok_or_else(|| StoreError::NoKeys {
                app: app.name.clone(),
            })?;
        self.load_key(app, newest)
    }

    /// Per-host settings.
    pub fn hosts(&self) -> Result<Vec<HostConfig>, StoreError> {
        Ok(self.config.load()?.hosts)
    }

    /// The extra CA certificate to trust for an API URL, if one is set.
    pub fn host_ca(&self, api_url: &ApiUrl) -> Result<Option<String>, StoreError> {
        Ok(self
            .config
            .load()?
            .hosts
            .into_iter()
            .find(|host| host.api_url == api_url.as_str())
            .and_then(|host| host.ca_certificate))
    }

    /// Sets (or, with `None`, removes) the CA certificate trusted for an API URL.
    pub fn set_host_ca(&self, api_url: &ApiUrl, pem: Option<&str>) -> Result<(), StoreError> {
        let pem = pem.map(certificate_pem).transpose()?;
        let mut config = self.config.load()?;
        config.hosts.retain(|host| host.api_url != api_url.as_str());
        if pem.is_some() {
            config.hosts.push(HostConfig {
                api_url: api_url.to_string(),
                ca_certificate: pem,
            });
        }
        self.config.save(&config)?;
        Ok(())
    }

    /// Client options for an API URL: `base` plus the host's CA certificate, if any.
    pub fn client_options(
        &self,
        api_url: &ApiUrl,
        base: crate::github::ClientOptions,
    ) -> Result<crate::github::ClientOptions, StoreError> {
        let mut options = base;
        options
            .extra_root_certificates
            .extend(self.host_ca(api_url)?);
        Ok(options)
    }

    fn put_key(
        &self,
        api_url: &str,
        app_id: u64,
        key: NewKey<'_>,
        now: DateTime<Utc>,
    ) -> Result<KeyConfig, StoreError> {
        let key = match key {
            NewKey::Keyring(key) => key,
            NewKey::Token { key, .. } => {
                tracing::info!(key = %key.reference().describe(), fingerprint = %key.fingerprint(), "key on a PKCS#11 token");
                return Ok(KeyConfig {
                    fingerprint: key.fingerprint(),
                    keyring_entry: String::new(),
                    added_at: now,
                    bits: key.public_key().bits(),
                    pkcs11: Some(key.reference().clone()),
                });
            }
        };
        let fingerprint = key.fingerprint();
        let host = ApiUrl::parse(api_url)
            .map(|url| url.host())
            .unwrap_or_else(|_| api_url.to_owned());
        let keyring_entry = format!("{host}/app-{app_id}/{}", fingerprint.base64());
        self.journal()
            .record(&[PendingChange::new(&keyring_entry, "add", now)])?;
        if let Err(err) = self.secrets.put(&keyring_entry, key.expose_pkcs1_der()) {
            self.journal().forget(&[&keyring_entry]);
            return Err(err.into());
        }
        tracing::info!(entry = %keyring_entry, %fingerprint, "key stored in the keyring");
        pause_for_crash_test();
        Ok(KeyConfig {
            fingerprint,
            keyring_entry,
            added_at: now,
            bits: key.public_key().bits(),
            pkcs11: None,
        })
    }

    /// Saves the config; if that fails, takes the just-written keyring entry back out so that
    /// a failed command changes nothing.
    fn save_or_undo(&self, config: &Config, written: &KeyConfig) -> Result<(), StoreError> {
        if let Err(err) = self.config.save(config) {
            if written.keyring_entry.is_empty() {
                return Err(err.into());
            }
            if self.secrets.delete(&written.keyring_entry).is_ok() {
                self.journal().forget(&[&written.keyring_entry]);
            }
            return Err(err.into());
        }
        Ok(())
    }

    fn journal(&self) -> JournalFile {
        JournalFile::in_dir(self.config.dir())
    }

    /// Saves a config that no longer names `entries`, then deletes them from the keyring.
    fn remove_entries(&self, config: &Config, entries: &[&str]) -> Result<(), StoreError> {
        // Keys on a token have no entry: they stay on the token.
        let entries: Vec<&str> = entries.iter().copied().filter(|e| !e.is_empty()).collect();
        let entries = entries.as_slice();
        let now = Utc::now();
        let changes: Vec<PendingChange> = entries
            .iter()
            .map(|entry| PendingChange::new(entry, "remove", now))
            .collect();
        self.journal().record(&changes)?;
        if let Err(err) = self.config.save(config) {
            self.journal().forget(entries);
            return Err(err.into());
        }
        // The config no longer names the entries; a failure here leaves orphans that
        // `orphans` finds later.
        let deleted: Vec<&str> = entries
            .iter()
            .copied()
            .filter(|entry| {
                matches!(
                    self.secrets.delete(entry),
                    Ok(()) | Err(KeyringError::Missing { .. })
                )
            })
            .collect();
        tracing::info!(entries = ?deleted, "keys deleted from the keyring");
        self.journal().forget(&deleted);
        Ok(())
    }

    /// Keyring entries left by an interrupted change (a crash, a killed process) that no app
    /// in the config uses. Records of completed or never-started changes are pruned.
    pub fn orphans(&self, now: DateTime<Utc>) -> Result<Vec<PendingChange>, StoreError> {
        let config = self.config.load()?;
        let named = |entry: &str| {
            config
                .apps
                .iter()
                .flat_map(|app| &app.keys)
                .any(|key| key.keyring_entry == entry)
        };
        let mut orphans = Vec::new();
        let mut settled = Vec::new();
        for change in self.journal().load() {
            if !change.abandoned(now) {
                continue;
            }
            if named(&change.keyring_entry) {
                settled.push(change.keyring_entry);
                continue;
            }
            match self.secrets.get(&change.keyring_entry) {
                Ok(_) => orphans.push(change),
                Err(KeyringError::Missing { .. }) => settled.push(change.keyring_entry),
                Err(err) => return Err(err.into()),
            }
        }
        let settled: Vec<&str> = settled.iter().map(String::as_str).collect();
        self.journal().forget(&settled);
        Ok(orphans)
    }

    /// Deletes the orphans [`Self::orphans`] finds; returns their entry names.
    pub fn clean_orphans(&self, now: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
        let mut cleaned = Vec::new();
        for orphan in self.orphans(now)? {
            match self.secrets.delete(&orphan.keyring_entry) {
                Ok(()) | Err(KeyringError::Missing { .. }) => cleaned.push(orphan.keyring_entry),
                Err(err) => return Err(err.into()),
            }
        }
        let entries: Vec<&str> = cleaned.iter().map(String::as_str).collect();
        self.journal().forget(&entries);
        Ok(cleaned)
    }
}

/// For the crash test (tests/keyring.rs): with `APPWARDEN_PAUSE_AFTER_KEYRING_WRITE` set to a
/// file path, touch that file and wait, so the test can kill the process between writing the
/// keyring and writing the config. Unset, it does nothing.
fn pause_for_crash_test() {
    if let Some(marker) = std::env::var_os("APPWARDEN_PAUSE_AFTER_KEYRING_WRITE") {
        let _ = std::fs::write(marker, b"paused");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}

/// Keeps only the certificate blocks of a PEM text, refusing text with none (or with a
/// private key in it: a CA certificate is public, its key must stay elsewhere).
pub fn certificate_pem(text: &str) -> Result<String, StoreError> {
    let blocks = crate::pem::scan(text).map_err(|_| StoreError::NotACertificate)?;
    if blocks
        .iter()
        .any(|block| block.label.contains("PRIVATE KEY"))
        || !blocks.iter().any(|block| block.label == "CERTIFICATE")
    {
        return Err(StoreError::NotACertificate);
    }
    Ok(text
        .split("-----BEGIN CERTIFICATE-----")
        .skip(1)
        .filter_map(|rest| rest.split_once("-----END CERTIFICATE-----"))
        .map(|(body, _)| format!("-----BEGIN CERTIFICATE-----{body}-----END CERTIFICATE-----\n"))
        .collect())
}

fn find(config: &Config, name_or_id: &str) -> Result<usize, StoreError> {
    let wanted = name_or_id.trim();
    if let Some(index) = config
        .apps
        .iter()
        .position(|app| app.name.eq_ignore_ascii_case(wanted))
    {
        return Ok(index);
    }
    if let Ok(app_id) = wanted.parse::<u64>() {
        let matches: Vec<usize> = config
            .apps
            .iter()
            .enumerate()
            .filter(|(_, app)| app.app_id == app_id)
            .map(|(i, _)| i)
            .collect();
        if let [index] = matches.as_slice() {
            return Ok(*index);
        }
    }
    let names: Vec<&str> = config.apps.iter().map(|app| app.name.as_str()).collect();
    let known = if names.is_empty() {
        " No apps are configured yet.".to_owned()
    } else {
        format!(" Configured: {}.", names.join(", "))
    };
    Err(StoreError::AppNotFound {
        name: wanted.to_owned(),
        known,
    })
}

fn validate_name(name: &str) -> Result<String, StoreError> {
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 100 || trimmed.chars().any(char::is_control)
    {
        return Err(StoreError::InvalidName(name.to_owned()));
    }
    Ok(trimmed.to_owned())
}
