//! The GitHub REST objects Appwarden reads, shaped after GitHub's OpenAPI description
//! (`integration`, `installation`, `installation-token`, `repository`, `rate-limit-overview`).
//! Unknown fields are ignored; fields GitHub may omit or null are `Option`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Permission name → level (`read`, `write`, `admin`).
pub type Permissions = BTreeMap<String, String>;

/// A permission level's rank: `read` < `write` < `admin`; 0 for anything else.
pub fn level_rank(level: &str) -> u8 {
    match level {
        "read" => 1,
        "write" => 2,
        "admin" => 3,
        _ => 0,
    }
}

/// A user, organization or enterprise account (`simple-user` / `enterprise`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: u64,
    /// Users and organizations have a login; enterprises have a slug and a name.
    #[serde(default)]
    pub login: Option<String>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, rename = "type")]
    pub account_type: Option<String>,
    #[serde(default)]
    pub avatar_url: Option<String>,
    #[serde(default)]
    pub html_url: Option<String>,
}

impl Account {
    /// What to call the account: its login, else its slug or name.
    pub fn display_name(&self) -> &str {
        self.login
            .as_deref()
            .or(self.slug.as_deref())
            .or(self.name.as_deref())
            .unwrap_or("(unknown)")
    }
}

/// `GET /app`: the authenticated app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct App {
    pub id: u64,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub owner: Option<Account>,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub external_url: Option<String>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub permissions: Permissions,
    #[serde(default)]
    pub events: Vec<String>,
    #[serde(default)]
    pub installations_count: Option<u64>,
}

/// An installation of the app on an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Installation {
    pub id: u64,
    pub account: Option<Account>,
    /// `all` or `selected`.
    pub repository_selection: String,
    #[serde(default)]
    pub html_url: Option<String>,
    pub app_id: u64,
    #[serde(default)]
    pub app_slug: Option<String>,
    #[serde(default)]
    pub target_id: Option<u64>,
    /// `Organization`, `User` or `Enterprise`.
    #[serde(default)]
    pub target_type: Option<String>,
    /// One copy for all installations with the same grant (see `shared_grants`).
    #[serde(default, deserialize_with = "shared_grants::permissions")]
    pub permissions: Arc<Permissions>,
    /// One copy for all installations with the same grant (see `shared_grants`).
    #[serde(default, deserialize_with = "shared_grants::events")]
    pub events: Arc<[String]>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub suspended_at: Option<DateTime<Utc>>,
    /// Boxed: most installations are not suspended, and an inline account would make each
    /// of them larger.
    #[serde(default)]
    pub suspended_by: Option<Box<Account>>,
}

/// Installations granted the same permissions and events hold one copy of them: an app's
/// installations hold a handful of distinct grants (one per version of the app's permissions
/// they accepted), so 100,000 listed keep a few copies instead of 100,000 (the permission
/// maps and event lists were most of an installation's memory). Shared as they are parsed,
/// so that no moment holds them all apart. The copies kept for sharing are bounded: past
/// `GRANTS_KEPT` distinct ones, they are let go and sharing starts again.
mod shared_grants {
    use super::Permissions;
    use serde::{Deserialize, Deserializer};
    use std::collections::HashSet;
    use std::sync::{Arc, LazyLock, Mutex};

    const GRANTS_KEPT: usize = 4096;

    static PERMISSIONS: LazyLock<Mutex<HashSet<Arc<Permissions>>>> =
        LazyLock::new(Default::default);
    static EVENTS: LazyLock<Mutex<HashSet<Arc<[String]>>>> = LazyLock::new(Default::default);

    fn share<T: ?Sized + Eq + std::hash::Hash>(
        kept: &Mutex<HashSet<Arc<T>>>,
        value: Arc<T>,
    ) -> Arc<T> {
        let mut kept = kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(shared) = kept.get(&*value) {
            return shared.clone();
        }
        if kept.len() >= GRANTS_KEPT {
            kept.clear();
        }
        kept.insert(value.clone());
        value
    }

    pub fn permissions<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<Permissions>, D::Error> {
        Ok(share(&PERMISSIONS, Arc::new(Permissions::deserialize(d)?)))
    }

    pub fn events<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<[String]>, D::Error> {
        Ok(share(&EVENTS, Vec::<String>::deserialize(d)?.into()))
    }
}

impl Installation {
    pub fn is_suspended(&self) -> bool {
        self.suspended_at.is_some()
    }

    pub fn account_login(&self) -> &str {
        self.account
            .as_ref()
            .map(Account::display_name)
            .unwrap_or("(unknown)")
    }
}

/// `GET /app/installation-requests`: a request to install the app on an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstallationRequest {
    pub id: u64,
    pub account: Account,
    pub requester: Account,
    pub created_at: DateTime<Utc>,
}

/// A repository, as installation tokens and `GET /installation/repositories` list them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repository {
    pub id: u64,
    pub name: String,
    pub full_name: String,
    #[serde(default)]
    pub private: bool,
    #[serde(default)]
    pub html_url: Option<String>,
    #[serde(default)]
    pub archived: Option<bool>,
}

/// `GET /installation/repositories`.
#[derive(Debug, Clone, Deserialize)]
pub struct InstallationRepositories {
    pub total_count: u64,
    pub repositories: Vec<Repository>,
}

/// The body of `POST /app/installations/{id}/access_tokens`: all fields optional; none
/// means every repository and permission of the installation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TokenRequest {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub repositories: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub repository_ids: Vec<u64>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub permissions: Permissions,
}

/// `GET /rate_limit`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RateLimitOverview {
    pub resources: BTreeMap<String, RateLimitBucket>,
    pub rate: RateLimitBucket,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct RateLimitBucket {
    pub limit: u64,
    pub remaining: u64,
    #[serde(default)]
    pub used: u64,
    /// Unix seconds.
    pub reset: i64,
}
