//! The config file: which apps exist, where their API is, and which keys they have. It
//! lists each key's fingerprint and keyring entry, never key material.
//!
//! It lives in the OS config directory (`~/.config/appwarden/config.toml` on Linux), or in
//! `$APPWARDEN_CONFIG_DIR`. Writes are atomic: a temporary file in the same directory is
//! written, flushed to disk and renamed over the old one, so a crash leaves either the old
//! or the new file, never half of one.

use crate::fingerprint::Fingerprint;
use crate::hardware::Pkcs11KeyRef;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const CONFIG_DIR_ENV: &str = "APPWARDEN_CONFIG_DIR";
pub const FILE_NAME: &str = "config.toml";
const CURRENT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Config {
    pub version: u32,
    #[serde(default, rename = "app")]
    pub apps: Vec<AppConfig>,
    /// Per-host settings (an Enterprise Server's own CA certificate).
    #[serde(default, rename = "host", skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<HostConfig>,
}

/// Settings for one API URL, shared by every app on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostConfig {
    pub api_url: String,
    /// An extra certificate authority to trust for this host (PEM; public, not secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_certificate: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            version: CURRENT_VERSION,
            apps: Vec::new(),
            hosts: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppConfig {
    /// The name the user gave; unique, case-insensitively.
    pub name: String,
    pub api_url: String,
    pub app_id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(default, rename = "key")]
    pub keys: Vec<KeyConfig>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyConfig {
    pub fingerprint: Fingerprint,
    /// The keyring entry's user name (the service is [`super::KEYRING_SERVICE`]); empty for
    /// a key on a PKCS#11 token.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub keyring_entry: String,
    pub added_at: DateTime<Utc>,
    pub bits: usize,
    /// Where the key is when it lives on a PKCS#11 token (module, token, key object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pkcs11: Option<Pkcs11KeyRef>,
}

impl KeyConfig {
    /// Where the key lives, in words: "OS keyring" or the token and key object.
    pub fn source_description(&self) -> String {
        match &self.pkcs11 {
            Some(token_key) => format!("PKCS#11 {}", token_key.describe()),
            None => "OS keyring".to_owned(),
        }
    }

    /// "keyring" or "pkcs11", for machine-readable output.
    pub fn source_kind(&self) -> &'static str {
        if self.pkcs11.is_some() {
            "pkcs11"
        } else {
            "keyring"
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "No config directory could be determined. Set {CONFIG_DIR_ENV} to a writable directory."
    )]
    NoDirectory,
    #[error("Could not read the config file {path}: {source}. Check its permissions.")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "The config file {path} is damaged ({detail}). Fix it by hand, or move it aside to start afresh (the keys stay in the keyring)."
    )]
    Parse { path: PathBuf, detail: String },
    #[error(
        "Could not save the config file in {dir}: {source}. Check that the directory is writable and the disk is not full; nothing was changed."
    )]
    Write {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "The config file {path} was written by a newer Appwarden (format {found}); update Appwarden."
    )]
    TooNew { path: PathBuf, found: u32 },
}

/// The directory the config lives in.
pub fn config_dir() -> Result<PathBuf, ConfigError> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::config_dir()
        .map(|dir| dir.join("appwarden"))
        .ok_or(ConfigError::NoDirectory)
}

/// Reads and writes the config file in one directory.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    dir: PathBuf,
}

impl ConfigFile {
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The config in the usual place.
    pub fn default_location() -> Result<Self, ConfigError> {
        config_dir().map(Self::in_dir)
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The config; an absent file is an empty config.
    pub fn load(&self) -> Result<Config, ConfigError> {
        let path = self.path();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        let config: Config = toml::from_str(&text).map_err(|err| ConfigError::Parse {
            path: path.clone(),
            detail: err.message().to_owned(),
        })?;
        if config.version > CURRENT_VERSION {
            return Err(ConfigError::TooNew {
                path,
                found: config.version,
            });
        }
        Ok(config)
    }

    /// Replaces the config atomically.
    pub fn save(&self, config: &Config) -> Result<(), ConfigError> {
        let text = toml::to_string_pretty(config).map_err(|err| ConfigError::Write {
            dir: self.dir.clone(),
            source: std::io::Error::other(err.to_string()),
        })?;
        write_atomically(&self.dir, FILE_NAME, text.as_bytes())
    }
}

/// Writes `dir/file_name` atomically: a temporary file in the same directory, flushed to
/// disk, renamed over the old one (private to the user on Unix).
pub fn write_atomically(dir: &Path, file_name: &str, contents: &[u8]) -> Result<(), ConfigError> {
    write_atomically_with(dir, file_name, Durability::Synced, |file| {
        file.write_all(contents)
    })
}

/// Whether a replaced file must survive a crash of the machine right after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Flushed to disk before it replaces the old one (configuration, exports).
    Synced,
    /// Left to the OS to flush: for a cache, which is checked when read and only saves
    /// time, so a file a crash left damaged is ignored (at 100,000 installations the flush
    /// took 70 ms).
    Cache,
}

/// Like [`write_atomically`], with the contents written by `write` through a buffer, so
/// that large files need not be assembled in memory first. The buffer is of a known type
/// (not `dyn Write`), so a serializer's many small writes into it are inlined (measured: a
/// fifth of the time to save 100,000 installations).
pub fn write_atomically_with(
    dir: &Path,
    file_name: &str,
    durability: Durability,
    write: impl FnOnce(&mut std::io::BufWriter<&mut std::fs::File>) -> std::io::Result<()>,
) -> Result<(), ConfigError> {
    let write_err = |source| ConfigError::Write {
        dir: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(write_err)?;
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{file_name}."))
        .tempfile_in(dir)
        .map_err(write_err)?;
    {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, temp.as_file_mut());
        write(&mut buffered).map_err(write_err)?;
        buffered.flush().map_err(write_err)?;
    }
    if durability == Durability::Synced {
        temp.as_file().sync_all().map_err(write_err)?;
    }
    temp.persist(dir.join(file_name))
        .map_err(|err| write_err(err.error))?;
    #[cfg(unix)]
    if durability == Durability::Synced
        && let Ok(dir) = std::fs::File::open(dir)
    {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_treats_absent_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let file = ConfigFile::in_dir(dir.path().join("nested"));
        assert_eq!(file.load().unwrap(), Config::default());
        let config = Config {
            version: 1,
            apps: vec![AppConfig {
                name: "Deploy bot".into(),
                api_url: "https://api.github.com".into(),
                app_id: 42,
                client_id: Some("Iv23abc".into()),
                keys: vec![KeyConfig {
                    fingerprint: Fingerprint::of_spki_der(b"x"),
                    keyring_entry: "entry".into(),
                    added_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
                    bits: 2048,
                    pkcs11: None,
                }],
            }],
            hosts: Vec::new(),
        };
        file.save(&config).unwrap();
        assert_eq!(file.load().unwrap(), config);
        let names: Vec<_> = std::fs::read_dir(file.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            names,
            vec![std::ffi::OsString::from(FILE_NAME)],
            "no temporary files left"
        );
    }

    #[test]
    fn damaged_or_newer_files_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = ConfigFile::in_dir(dir.path());
        std::fs::write(file.path(), "version = [").unwrap();
        assert!(matches!(file.load(), Err(ConfigError::Parse { .. })));
        std::fs::write(file.path(), "version = 99").unwrap();
        assert!(matches!(
            file.load(),
            Err(ConfigError::TooNew { found: 99, .. })
        ));
    }
}
