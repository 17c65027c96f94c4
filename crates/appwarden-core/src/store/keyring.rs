//! Where private keys are kept: the OS keyring (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows), behind the small [`SecretStore`] trait so that the store
//! logic can be unit-tested with [`MemorySecretStore`].
//!
//! Keys are stored as PKCS#1 DER bytes: a 4096-bit key is about 2.4 KB, which fits Windows'
//! 2560-byte limit where a PEM would not.

use crate::secret::SecretBytes;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyringError {
    #[error(
        "The OS keyring cannot be reached: no D-Bus session is running ({detail}). Run Appwarden from \
         your desktop session; on a headless machine, start one with \
         `dbus-run-session -- sh -c 'gnome-keyring-daemon --unlock --components=secrets; exec appwarden …'`. \
         Nothing was changed."
    )]
    NoSession { detail: String },
    #[error(
        "No OS keyring is available ({detail}). On Linux, Appwarden needs a Secret Service provider: \
         install and start gnome-keyring (or KeePassXC with Secret Service enabled) in your desktop session, \
         then try again. Nothing was changed."
    )]
    Unavailable { detail: String },
    #[error(
        "The OS keyring is locked ({detail}). Unlock it (log in to your desktop session, or open your \
         keyring manager and unlock the login keyring), then try again. Nothing was changed."
    )]
    Locked { detail: String },
    #[error(
        "The key \"{entry}\" is missing from the OS keyring. Add the key again (appwarden app key add) or remove it from the app."
    )]
    Missing { entry: String },
    #[error("The OS keyring refused the operation: {detail}. Nothing was changed.")]
    Failed { detail: String },
}

/// A place to keep secret bytes under a name.
pub trait SecretStore: Send + Sync + std::fmt::Debug {
    fn put(&self, entry: &str, secret: &[u8]) -> Result<(), KeyringError>;
    fn get(&self, entry: &str) -> Result<SecretBytes, KeyringError>;
    /// Deleting an absent entry succeeds.
    fn delete(&self, entry: &str) -> Result<(), KeyringError>;
}

/// The OS keyring, through the keyring crate.
#[derive(Debug, Clone)]
pub struct OsKeyring {
    service: String,
}

impl OsKeyring {
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, KeyringError> {
        keyring::Entry::new(&self.service, name).map_err(classify)
    }
}

impl SecretStore for OsKeyring {
    fn put(&self, entry: &str, secret: &[u8]) -> Result<(), KeyringError> {
        self.entry(entry)?.set_secret(secret).map_err(classify)
    }

    fn get(&self, entry: &str) -> Result<SecretBytes, KeyringError> {
        match self.entry(entry)?.get_secret() {
            Ok(bytes) => Ok(SecretBytes::new(bytes)),
            Err(keyring::Error::NoEntry) => Err(KeyringError::Missing {
                entry: entry.to_owned(),
            }),
            Err(err) => Err(classify(err)),
        }
    }

    fn delete(&self, entry: &str) -> Result<(), KeyringError> {
        match self.entry(entry)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(err) => Err(classify(err)),
        }
    }
}

/// Turns the keyring crate's errors (whose texts come from D-Bus and are cryptic) into ones
/// that say what to do.
fn classify(err: keyring::Error) -> KeyringError {
    let detail = match &err {
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
            let mut text = inner.to_string();
            let mut source = inner.source();
            while let Some(next) = source {
                let more = next.to_string();
                if !text.contains(&more) {
                    text = format!("{text}: {more}");
                }
                source = next.source();
            }
            text
        }
        other => other.to_string(),
    };
    let lower = detail.to_ascii_lowercase();
    if lower.contains("autolaunch") || lower.contains("$display") {
        KeyringError::NoSession { detail }
    } else if lower.contains("locked")
        || lower.contains("prompt")
        || lower.contains("no result found")
    {
        KeyringError::Locked { detail }
    } else if matches!(err, keyring::Error::NoStorageAccess(_))
        || lower.contains("dbus")
        || lower.contains("d-bus")
        || lower.contains("org.freedesktop.secrets")
        || lower.contains("not provided by any")
        || lower.contains("no such file")
        || lower.contains("connection refused")
    {
        KeyringError::Unavailable { detail }
    } else {
        KeyringError::Failed { detail }
    }
}

/// An in-memory store for unit tests. It can be told to fail, to test failure paths.
#[derive(Debug, Default)]
pub struct MemorySecretStore {
    entries: Mutex<HashMap<String, Vec<u8>>>,
    failure: Mutex<Option<KeyringError>>,
}

impl MemorySecretStore {
    pub fn fail_with(&self, error: Option<KeyringError>) {
        *self.failure.lock().unwrap_or_else(|e| e.into_inner()) = error;
    }

    pub fn entry_names(&self) -> Vec<String> {
        let mut names: Vec<_> = self
            .entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .keys()
            .cloned()
            .collect();
        names.sort();
        names
    }

    fn check(&self) -> Result<(), KeyringError> {
        match self
            .failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
        {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }
}

impl SecretStore for MemorySecretStore {
    fn put(&self, entry: &str, secret: &[u8]) -> Result<(), KeyringError> {
        self.check()?;
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(entry.to_owned(), secret.to_vec());
        Ok(())
    }

    fn get(&self, entry: &str) -> Result<SecretBytes, KeyringError> {
        self.check()?;
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(entry)
            .map(|bytes| SecretBytes::new(bytes.clone()))
            .ok_or_else(|| KeyringError::Missing {
                entry: entry.to_owned(),
            })
    }

    fn delete(&self, entry: &str) -> Result<(), KeyringError> {
        self.check()?;
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(entry);
        Ok(())
    }
}
