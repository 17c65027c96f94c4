//! An in-memory cache of installation access tokens (never written to disk).
//!
//! Keyed by API URL, app, installation, repositories and permissions. A token is reused
//! while it has more than [`MIN_REMAINING`] left. Concurrent requests for the same key
//! share one request: the first caller mints, the others wait for its answer.

use crate::api_url::ApiUrl;
use crate::clock::Clock;
use crate::github::{InstallationToken, Permissions, TokenRequest};
use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::sync::{Arc, Mutex};

/// A cached token must have at least this long left to be handed out again.
pub const MIN_REMAINING: chrono::Duration = chrono::Duration::minutes(5);

/// What makes two token requests interchangeable.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenKey {
    pub api_url: ApiUrl,
    pub app_id: u64,
    pub installation_id: u64,
    pub repositories: BTreeSet<String>,
    pub repository_ids: BTreeSet<u64>,
    pub permissions: Permissions,
}

impl TokenKey {
    pub fn new(
        api_url: &ApiUrl,
        app_id: u64,
        installation_id: u64,
        request: &TokenRequest,
    ) -> Self {
        Self {
            api_url: api_url.clone(),
            app_id,
            installation_id,
            repositories: request
                .repositories
                .iter()
                .map(|r| r.to_ascii_lowercase())
                .collect(),
            repository_ids: request.repository_ids.iter().copied().collect(),
            permissions: request.permissions.clone(),
        }
    }
}

type Slot = Arc<tokio::sync::Mutex<Option<InstallationToken>>>;

/// Where a token handed out came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    Minted,
    Cached,
}

#[derive(Debug)]
pub struct TokenCache {
    clock: Arc<dyn Clock>,
    slots: Mutex<HashMap<TokenKey, Slot>>,
}

impl TokenCache {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            clock,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// A fresh-enough cached token for `key`, or the one `mint` produces.
    pub async fn get_or_mint<E, F, Fut>(
        &self,
        key: TokenKey,
        mint: F,
    ) -> Result<(InstallationToken, TokenSource), E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<InstallationToken, E>>,
    {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            slots.entry(key).or_default().clone()
        };
        let mut cached = slot.lock().await;
        if let Some(token) = cached.as_ref()
            && token.expires_at - self.clock.now() > MIN_REMAINING
        {
            return Ok((token.clone(), TokenSource::Cached));
        }
        let token = mint().await?;
        *cached = Some(token.clone());
        Ok((token, TokenSource::Minted))
    }

    /// Drops every cached token of an installation (after it was suspended or uninstalled).
    pub fn forget_installation(&self, installation_id: u64) {
        self.slots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|key, _| key.installation_id != installation_id);
    }

    /// Drops a token (after it was revoked), wherever it is cached.
    pub fn forget_token(&self, token: &crate::secret::AccessToken) {
        let slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        for slot in slots.values() {
            if let Ok(mut cached) = slot.try_lock()
                && cached.as_ref().is_some_and(|t| &t.token == token)
            {
                *cached = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::secret::AccessToken;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn token(clock: &ManualClock, minutes: i64, n: usize) -> InstallationToken {
        InstallationToken {
            token: AccessToken::new(format!("ghs_{n}")),
            expires_at: clock.now() + chrono::Duration::minutes(minutes),
            permissions: Permissions::new(),
            repository_selection: None,
            repositories: None,
            request_id: None,
        }
    }

    fn key(installation_id: u64) -> TokenKey {
        TokenKey::new(
            &ApiUrl::github_com(),
            1,
            installation_id,
            &TokenRequest::default(),
        )
    }

    #[tokio::test]
    async fn reuses_until_five_minutes_are_left() {
        let clock = ManualClock::new(chrono::Utc::now());
        let cache = TokenCache::new(Arc::new(clock.clone()));
        let minted = AtomicUsize::new(0);
        let mint = || async {
            let n = minted.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(token(&clock, 60, n))
        };
        let (_, source) = cache.get_or_mint(key(1), mint).await.unwrap();
        assert_eq!(source, TokenSource::Minted);
        clock.advance(chrono::Duration::minutes(54));
        let (_, source) = cache.get_or_mint(key(1), mint).await.unwrap();
        assert_eq!(source, TokenSource::Cached);
        clock.advance(chrono::Duration::minutes(1) + chrono::Duration::seconds(1));
        let (_, source) = cache.get_or_mint(key(1), mint).await.unwrap();
        assert_eq!(source, TokenSource::Minted);
        let (_, source) = cache.get_or_mint(key(2), mint).await.unwrap();
        assert_eq!(source, TokenSource::Minted);
        assert_eq!(minted.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn concurrent_requests_share_one_mint() {
        let clock = ManualClock::new(chrono::Utc::now());
        let cache = TokenCache::new(Arc::new(clock.clone()));
        let minted = AtomicUsize::new(0);
        let mint = || async {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            let n = minted.fetch_add(1, Ordering::SeqCst);
            Ok::<_, ()>(token(&clock, 60, n))
        };
        let results =
            futures::future::join_all((0..8).map(|_| cache.get_or_mint(key(7), mint))).await;
        assert_eq!(minted.load(Ordering::SeqCst), 1);
        assert!(
            results
                .iter()
                .all(|r| r.as_ref().unwrap().0.token.expose_secret() == "ghs_0")
        );
    }

    #[tokio::test]
    async fn errors_are_not_cached_and_forget_drops_a_token() {
        let clock = ManualClock::new(chrono::Utc::now());
        let cache = TokenCache::new(Arc::new(clock.clone()));
        assert!(
            cache
                .get_or_mint(key(1), || async { Err::<InstallationToken, _>("boom") })
                .await
                .is_err()
        );
        let (first, _) = cache
            .get_or_mint(key(1), || async { Ok::<_, ()>(token(&clock, 60, 1)) })
            .await
            .unwrap();
        cache.forget_token(&first.token);
        let (_, source) = cache
            .get_or_mint(key(1), || async { Ok::<_, ()>(token(&clock, 60, 2)) })
            .await
            .unwrap();
        assert_eq!(source, TokenSource::Minted);
    }
}
