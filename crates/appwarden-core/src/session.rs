//! An app ready to talk to GitHub: its client, its JWT signer and its token cache.
//! The CLI and the desktop shell both work through this.

use crate::activity::{Activity, ActivityAction, ActivityLog, RecordedError};
use crate::api_url::ApiUrl;
use crate::clock::Clock;
use crate::error::Error;
use crate::github::RequestId;
use crate::github::{
    ClientOptions, DeliveryDetails, DeliveryFilter, DeliveryList, GitHubClient, InstallationToken,
    ListError, Listing, PageEvent, TokenRequest, WebhookConfig, WebhookConfigUpdate,
};
use crate::jwt::JwtSigner;
use crate::jwt::SigningKey;
use crate::listing_cache::{CachedListing, ListingCache};
use crate::redelivery::{
    self, RedeliveryOptions, RedeliveryPlan, RedeliveryProgress, RedeliveryReport,
};
use crate::store::ConfigError;
use crate::token_cache::{TokenCache, TokenKey, TokenSource};
use chrono::{DateTime, Utc};
use std::sync::Arc;

#[derive(Debug)]
pub struct AppSession {
    pub client: GitHubClient,
    pub signer: JwtSigner,
    pub app_id: u64,
    tokens: TokenCache,
    /// Where the changes made through this session are recorded, and the app's name there.
    activity: Option<(Arc<ActivityLog>, String)>,
}

impl AppSession {
    pub fn new(
        api_url: ApiUrl,
        app_id: u64,
        client_id: Option<&str>,
        key: impl Into<SigningKey>,
        clock: Arc<dyn Clock>,
        options: ClientOptions,
    ) -> Result<Self, Error> {
        // Every Enterprise Server accepts the app ID as issuer, but only 3.18 and later the
        // client ID: there the app ID is used, and nothing is refused first.
        let enterprise_server = api_url.is_enterprise_server();
        let client = GitHubClient::new(api_url, clock, options)?;
        let signer = JwtSigner::new(key, app_id, client_id);
        if enterprise_server {
            signer.use_app_id();
        }
        // A token's remaining life is judged on GitHub's clock, which issued its expiry.
        let tokens = TokenCache::new(client.github_clock());
        Ok(Self {
            client,
            signer,
            app_id,
            tokens,
            activity: None,
        })
    }

    /// The same session, recording every change it makes in `log` under the app's `name`.
    pub fn with_activity(mut self, log: Arc<ActivityLog>, name: impl Into<String>) -> Self {
        self.activity = Some((log, name.into()));
        self
    }

    /// Records `action` on `target` as it went: a success's request ID, or the failure.
    pub(crate) fn record<E: RecordedError>(
        &self,
        action: ActivityAction,
        target: String,
        detail: Option<String>,
        outcome: Result<Option<&str>, &E>,
    ) {
        let Some((log, name)) = &self.activity else {
            return;
        };
        let mut activity = Activity::new(self.client.api_url().host(), action)
            .app(name.clone())
            .target(target);
        if let Some(detail) = detail {
            activity = activity.detail(detail);
        }
        log.record(activity.outcome(outcome));
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
            .await
            .map_err(Error::from);
        // A token from the cache changed nothing; a mint (or a refused one) is recorded.
        let detail = match &minted {
            Ok((_, TokenSource::Cached)) => return minted,
            Ok((token, TokenSource::Minted)) => format!(
                "{}; expires {}",
                describe_scope(request),
                token.expires_at.format("%Y-%m-%dT%H:%M:%SZ")
            ),
            Err(_) => describe_scope(request),
        };
        self.record(
            ActivityAction::TokenMinted,
            format!("installation {installation_id}"),
            Some(detail),
            minted
                .as_ref()
                .map(|(token, _)| token.request_id.as_deref()),
        );
        minted
    }

    /// This app's cached listing of installations, if there is one.
    pub fn cached_listing(&self, cache: &ListingCache) -> Option<CachedListing> {
        cache.load(&self.client.api_url().to_string(), self.app_id)
    }

    /// Every installation, asked for with the cached listing's ETags when there is one (so an
    /// unchanged list costs no rate limit), expecting `installations_count` installations
    /// when it is known (`GET /app`): the first pages are then asked for at once. The cache
    /// is only read here; [`Self::save_listing`] writes the result, so that a caller can do
    /// it beside what it does next (at 100,000 installations writing takes about 0.4 s).
    pub async fn list_installations_expecting(
        &self,
        cache: Option<&ListingCache>,
        installations_count: Option<u64>,
        on_page: impl FnMut(PageEvent<'_>) + Send,
    ) -> Result<Listing, ListError> {
        let previous = cache.and_then(|cache| self.cached_listing(cache));
        self.client
            .refresh_installations_expecting(
                &self.signer,
                previous.map(|cached| cached.snapshot),
                installations_count,
                on_page,
            )
            .await
    }

    /// Replaces this app's cached listing with `listing`, fetched now by GitHub's clock.
    /// Blocking (it writes the file). The cache only saves time: a caller may ignore a
    /// failure.
    pub fn save_listing(&self, cache: &ListingCache, listing: &Listing) -> Result<(), ConfigError> {
        cache.save(
            &self.client.api_url().to_string(),
            self.app_id,
            self.client.github_now(),
            &listing.snapshot,
        )
    }

    /// Suspends an installation (its tokens stop working) and forgets its cached tokens.
    pub async fn suspend(&self, installation_id: u64) -> Result<(), Error> {
        let done = self
            .client
            .suspend_installation(&self.signer, installation_id)
            .await
            .map_err(Error::from);
        self.record(
            ActivityAction::InstallationSuspended,
            format!("installation {installation_id}"),
            None,
            done.as_ref().map(|id| id.as_deref()),
        );
        done?;
        self.tokens.forget_installation(installation_id);
        Ok(())
    }

    /// Records a change made in organization `org` (its reason, if any, as the detail).
    pub(crate) fn record_org(
        &self,
        action: ActivityAction,
        org: &str,
        target: String,
        reason: Option<&str>,
        done: &Result<RequestId, crate::github::GitHubError>,
    ) {
        let detail = match reason {
            Some(reason) => format!("organization {org}; reason: {reason}"),
            None => format!("organization {org}"),
        };
        self.record(
            action,
            target,
            Some(detail),
            done.as_ref().map(|id| id.as_deref()),
        );
    }

    /// Lifts an installation's suspension.
    pub async fn unsuspend(&self, installation_id: u64) -> Result<(), Error> {
        let done = self
            .client
            .unsuspend_installation(&self.signer, installation_id)
            .await
            .map_err(Error::from);
        self.record(
            ActivityAction::InstallationUnsuspended,
            format!("installation {installation_id}"),
            None,
            done.as_ref().map(|id| id.as_deref()),
        );
        done.map(drop)
    }

    /// Uninstalls the app from the installation's account and forgets its cached tokens.
    pub async fn uninstall(&self, installation_id: u64) -> Result<(), Error> {
        let done = self
            .client
            .delete_installation(&self.signer, installation_id)
            .await
            .map_err(Error::from);
        self.record(
            ActivityAction::InstallationUninstalled,
            format!("installation {installation_id}"),
            None,
            done.as_ref().map(|id| id.as_deref()),
        );
        done?;
        self.tokens.forget_installation(installation_id);
        Ok(())
    }

    /// Revokes a token and drops it from the cache.
    pub async fn revoke(&self, token: &crate::secret::AccessToken) -> Result<(), Error> {
        let done = self
            .client
            .revoke_installation_token(token)
            .await
            .map_err(Error::from);
        // The token itself is never recorded: only that one was revoked.
        self.record(
            ActivityAction::TokenRevoked,
            "an installation token".to_owned(),
            None,
            done.as_ref().map(|id| id.as_deref()),
        );
        done?;
        self.tokens.forget_token(token);
        Ok(())
    }

    /// The webhook's configuration (`secret_set`, never the secret).
    pub async fn webhook_config(&self) -> Result<WebhookConfig, Error> {
        Ok(self.client.webhook_config(&self.signer).await?)
    }

    /// Changes the webhook's configuration after checking what GitHub would refuse.
    pub async fn update_webhook_config(
        &self,
        update: &WebhookConfigUpdate,
    ) -> Result<WebhookConfig, Error> {
        if update.is_empty() {
            return Err(Error::InvalidInput(
                "nothing to change: give a URL, content type, SSL verification or secret".into(),
            ));
        }
        update.validate().map_err(Error::InvalidInput)?;
        let done = self
            .client
            .update_webhook_config(&self.signer, update)
            .await
            .map_err(Error::from);
        self.record(
            ActivityAction::WebhookConfigChanged,
            "the app's webhook".to_owned(),
            Some(update.describe()),
            done.as_ref().map(|(_, id)| id.as_deref()),
        );
        done.map(|(config, _)| config)
    }

    /// The webhook's deliveries matching `filter`, newest first.
    pub async fn deliveries(&self, filter: &DeliveryFilter) -> Result<DeliveryList, Error> {
        Ok(self.client.webhook_deliveries(&self.signer, filter).await?)
    }

    /// One delivery with its request and response.
    pub async fn delivery(&self, id: u64) -> Result<DeliveryDetails, Error> {
        Ok(self.client.webhook_delivery(&self.signer, id).await?)
    }

    /// Asks GitHub to deliver one delivery again.
    pub async fn redeliver(&self, id: u64) -> Result<(), Error> {
        let done = self
            .client
            .redeliver(&self.signer, id)
            .await
            .map_err(Error::from);
        self.record_redelivery(id, &done);
        done.map(drop)
    }

    fn record_redelivery<E: RecordedError>(&self, id: u64, done: &Result<RequestId, E>) {
        self.record(
            ActivityAction::DeliveryRedelivered,
            format!("delivery {id}"),
            None,
            done.as_ref().map(|id| id.as_deref()),
        );
    }

    /// What redelivering the failures between `since` and `until` would do: every delivery
    /// from `since` to now is read (so later successful redeliveries are seen).
    pub async fn plan_redelivery(
        &self,
        since: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
    ) -> Result<RedeliveryPlan, Error> {
        let all = self
            .client
            .webhook_deliveries(
                &self.signer,
                &DeliveryFilter {
                    since: Some(since),
                    ..DeliveryFilter::default()
                },
            )
            .await?;
        Ok(redelivery::plan(&all.deliveries, since, until))
    }

    /// Redelivers the deliveries `ids` one at a time, pausing between requests, reporting each.
    /// A refusal of one delivery is recorded and the run goes on; a long rate limit or
    /// refused credentials stop it, and the rest are reported as not attempted.
    pub async fn redeliver_each(
        &self,
        ids: &[u64],
        options: &RedeliveryOptions,
        mut on_progress: impl FnMut(RedeliveryProgress) + Send,
    ) -> RedeliveryReport {
        let mut report = RedeliveryReport::default();
        let total = ids.len();
        for (index, &id) in ids.iter().enumerate() {
            if index > 0 && !options.pause.is_zero() {
                tokio::time::sleep(options.pause).await;
            }
            let step = |error| RedeliveryProgress {
                done: index + 1,
                total,
                delivery_id: id,
                error,
            };
            let done = self.client.redeliver(&self.signer, id).await;
            self.record_redelivery(id, &done);
            match done {
                Ok(_) => {
                    on_progress(step(None));
                    report.redelivered.push(id);
                }
                Err(err) => {
                    let message = err.to_string();
                    on_progress(step(Some(message.clone())));
                    report.failed.push((id, message));
                    if redelivery::stops_the_run(&err) {
                        report.stopped = Some(format!("{err} {}", err.hint()));
                        report.not_attempted = ids[index + 1..].to_vec();
                        break;
                    }
                }
            }
        }
        report
    }
}

/// A token request's scope in words, for the activity record (names and levels only).
fn describe_scope(request: &TokenRequest) -> String {
    let mut parts = Vec::new();
    let mut repositories: Vec<String> = request.repositories.clone();
    repositories.extend(request.repository_ids.iter().map(|id| format!("#{id}")));
    parts.push(if repositories.is_empty() {
        "all repositories".to_owned()
    } else {
        format!("repositories {}", repositories.join(", "))
    });
    parts.push(if request.permissions.is_empty() {
        "all permissions".to_owned()
    } else {
        let permissions: Vec<String> = request
            .permissions
            .iter()
            .map(|(name, level)| format!("{name}={level}"))
            .collect();
        format!("permissions {}", permissions.join(", "))
    });
    parts.join("; ")
}
