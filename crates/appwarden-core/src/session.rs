//! An app ready to talk to GitHub: its client, its JWT signer and its token cache.
//! The CLI and the desktop shell both work through this.

use crate::api_url::ApiUrl;
use crate::clock::Clock;
use crate::error::Error;
use crate::github::{
    ClientOptions, GitHubClient, InstallationToken, ListError, Listing, PageEvent, TokenRequest,
};
use crate::jwt::{Issuer, JwtSigner};
use crate::key::PrivateKey;
use crate::listing_cache::{CachedListing, ListingCache};
use crate::token_cache::{TokenCache, TokenKey, TokenSource};
use std::sync::Arc;

#[derive(Debug)]
pub struct AppSession {
    pub client: GitHubClient,
    pub signer: JwtSigner,
    pub app_id: u64,
    tokens: TokenCache,
}

impl AppSession {
    pub fn new(
        api_url: ApiUrl,
        app_id: u64,
        client_id: Option<&str>,
        key: PrivateKey,
        clock: Arc<dyn Clock>,
        options: ClientOptions,
    ) -> Result<Self, Error> {
        let client = GitHubClient::new(api_url, clock.clone(), options)?;
        let signer = JwtSigner::new(key, Issuer::new(app_id, client_id));
        Ok(Self {
            client,
            signer,
            app_id,
            tokens: TokenCache::new(clock),
        })
    }

    /// A token for the installation and scope, from the cache when one has over five
    /// minutes left, else freshly minted.
    pub async fn token(
        &self,
        installation_id: u64,
        request: &TokenRequest,
    ) -> Result<(InstallationToken, TokenSource), Error> {
        let key = TokenKey::new(self.client.api_url(), self.app_id, installation_id, request);
        let minted = self
            .tokens
            .get_or_mint(key, || {
                self.client
                    .create_installation_token(&self.signer, installation_id, request)
            })
            .await?;
        Ok(minted)
    }

    /// This app's cached listing of installations, if there is one.
    pub fn cached_listing(&self, cache: &ListingCache) -> Option<CachedListing> {
        cache.load(&self.client.api_url().to_string(), self.app_id)
    }

    /// Every installation, asked for with the cached listing's ETags when there is one (so an
    /// unchanged list costs no rate limit); the result replaces the cached listing. The
    /// cache only saves time: failing to write it is not an error.
    pub async fn list_installations(
        &self,
        cache: Option<&ListingCache>,
        on_page: impl FnMut(PageEvent<'_>) + Send,
    ) -> Result<Listing, ListError> {
        let previous = cache.and_then(|cache| self.cached_listing(cache));
        let listing = self
            .client
            .refresh_installations(
                &self.signer,
                previous.as_ref().map(|cached| &cached.snapshot),
                on_page,
            )
            .await?;
        if let Some(cache) = cache {
            let _ = cache.save(
                &self.client.api_url().to_string(),
                self.app_id,
                self.client.github_now(),
                &listing.snapshot,
            );
        }
        Ok(listing)
    }

    /// Suspends an installation (its tokens stop working) and forgets its cached tokens.
    pub async fn suspend(&self, installation_id: u64) -> Result<(), Error> {
        self.client
            .suspend_installation(&self.signer, installation_id)
            .await?;
        self.tokens.forget_installation(installation_id);
        Ok(())
    }

    /// Lifts an installation's suspension.
    pub async fn unsuspend(&self, installation_id: u64) -> Result<(), Error> {
        self.client
            .unsuspend_installation(&self.signer, installation_id)
            .await?;
        Ok(())
    }

    /// Uninstalls the app from the installation's account and forgets its cached tokens.
    pub async fn uninstall(&self, installation_id: u64) -> Result<(), Error> {
        self.client
            .delete_installation(&self.signer, installation_id)
            .await?;
        self.tokens.forget_installation(installation_id);
        Ok(())
    }

    /// Revokes a token and drops it from the cache.
    pub async fn revoke(&self, token: &crate::secret::AccessToken) -> Result<(), Error> {
        self.client.revoke_installation_token(token).await?;
        self.tokens.forget_token(token);
        Ok(())
    }
}
