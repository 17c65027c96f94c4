//! The last complete list of each app's installations, kept in the user's cache directory.
//!
//! The desktop app shows it at once on start-up while it refreshes, and every refresh (CLI
//! or desktop) asks GitHub with the cached ETags, so an unchanged list costs no rate limit.
//! It holds what `GET /app/installations` returns (accounts, permissions, IDs) and never a
//! secret: no key, JWT or token. A damaged, foreign or outdated file is ignored, never an
//! error: the cache only ever saves time.
//!
//! Location: `$APPWARDEN_CACHE_DIR`, else the OS cache directory (`~/.cache/appwarden` on
//! Linux), in `installations/`, one file per app named by a hash of its API URL and app ID.

use crate::github::ListingSnapshot;
use crate::store::config::{ConfigError, Durability, write_atomically_with};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub const CACHE_DIR_ENV: &str = "APPWARDEN_CACHE_DIR";
const FORMAT_VERSION: u32 = 1;

/// A cached listing and whose it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedListing {
    pub version: u32,
    pub api_url: String,
    pub app_id: u64,
    /// When the listing completed.
    pub fetched_at: DateTime<Utc>,
    pub snapshot: ListingSnapshot,
}

/// The cache directory of installation listings.
#[derive(Debug, Clone)]
pub struct ListingCache {
    dir: PathBuf,
}

/// The directory Appwarden caches in.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CACHE_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    dirs::cache_dir().map(|dir| dir.join("appwarden"))
}

impl ListingCache {
    pub fn in_dir(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The cache in its usual place; `None` when the OS has no cache directory for us.
    pub fn default_location() -> Option<Self> {
        cache_dir().map(|dir| Self::in_dir(dir.join("installations")))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file_name(api_url: &str, app_id: u64) -> String {
        let digest = Sha256::digest(format!("{api_url}\n{app_id}").as_bytes());
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        format!("{hex}.json")
    }

    pub fn path(&self, api_url: &str, app_id: u64) -> PathBuf {
        self.dir.join(Self::file_name(api_url, app_id))
    }

    /// The cached listing of this app, if there is a usable one.
    pub fn load(&self, api_url: &str, app_id: u64) -> Option<CachedListing> {
        // Read as a stream: the file (tens of megabytes at 100,000 installations) is never
        // in memory beside what it holds.
        let file = std::fs::File::open(self.path(api_url, app_id)).ok()?;
        let cached: CachedListing =
            serde_json::from_reader(std::io::BufReader::with_capacity(1 << 16, file)).ok()?;
        (cached.version == FORMAT_VERSION && cached.api_url == api_url && cached.app_id == app_id)
            .then_some(cached)
    }

    /// Replaces the cached listing of this app (atomically).
    pub fn save(
        &self,
        api_url: &str,
        app_id: u64,
        fetched_at: DateTime<Utc>,
        snapshot: &ListingSnapshot,
    ) -> Result<(), ConfigError> {
        // Written straight from the snapshot: no copy of it, no JSON text in memory.
        #[derive(Serialize)]
        struct Borrowed<'a> {
            version: u32,
            api_url: &'a str,
            app_id: u64,
            fetched_at: DateTime<Utc>,
            snapshot: &'a ListingSnapshot,
        }
        let cached = Borrowed {
            version: FORMAT_VERSION,
            api_url,
            app_id,
            fetched_at,
            snapshot,
        };
        let name = Self::file_name(api_url, app_id);
        write_atomically_with(&self.dir, &name, Durability::Cache, |file| {
            serde_json::to_writer(file, &cached).map_err(std::io::Error::other)
        })
    }

    /// Forgets this app's listing (when the app is removed).
    pub fn remove(&self, api_url: &str, app_id: u64) {
        let _ = std::fs::remove_file(self.path(api_url, app_id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::SnapshotPage;

    fn snapshot() -> ListingSnapshot {
        ListingSnapshot {
            pages: vec![SnapshotPage {
                etag: Some("W/\"abc\"".into()),
                installations: Vec::new(),
            }],
        }
    }

    #[test]
    fn round_trips_per_app_and_ignores_damage() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ListingCache::in_dir(dir.path().join("installations"));
        let url = "https://api.github.com";
        assert!(cache.load(url, 1).is_none());
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        cache.save(url, 1, now, &snapshot()).unwrap();
        let loaded = cache.load(url, 1).unwrap();
        assert_eq!(loaded.snapshot, snapshot());
        assert_eq!(loaded.fetched_at, now);
        assert!(cache.load(url, 2).is_none(), "another app");
        assert!(cache.load("https://ghe.example/api/v3", 1).is_none());

        std::fs::write(cache.path(url, 1), b"{ not json").unwrap();
        assert!(cache.load(url, 1).is_none(), "damage is ignored");
        cache.save(url, 1, now, &snapshot()).unwrap();
        cache.remove(url, 1);
        assert!(cache.load(url, 1).is_none());
    }
}
