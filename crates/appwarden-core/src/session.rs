//! An app ready to talk to GitHub: its client, its JWT signer and its token cache.
//! The CLI and the desktop shell both work through this.

use crate::api_url::ApiUrl;
use crate::clock::Clock;
use crate::error::Error;
use crate::github::{ClientOptions, GitHubClient, InstallationToken, TokenRequest};
use crate::jwt::{Issuer, JwtSigner};
use crate::key::PrivateKey;
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

    /// Revokes a token and drops it from the cache.
    pub async fn revoke(&self, token: &crate::secret::AccessToken) -> Result<(), Error> {
        self.client.revoke_installation_token(token).await?;
        self.tokens.forget_token(token);
        Ok(())
    }
}
