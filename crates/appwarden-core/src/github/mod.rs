//! The GitHub REST client: the endpoints Appwarden uses, over [`client::GitHubClient`].

pub mod audit_log;
pub mod client;
pub mod error;
pub mod hooks;
pub mod link;
pub mod listing;
pub mod meta;
pub mod models;
pub mod orgs;
pub mod pats;
pub mod saml;

pub use audit_log::{AuditEvent, AuditInclude, AuditOrder, AuditPage, AuditQuery};
pub use client::{Auth, ClientOptions, GitHubClient, RateLimitWait, WaitObserver};
pub use error::{ApiError, GitHubError, RateLimitKind};
pub use hooks::{
    Delivery, DeliveryDetails, DeliveryFilter, DeliveryList, SecretChange, WebhookConfig,
    WebhookConfigUpdate,
};
pub use listing::{ListError, Listing, ListingSnapshot, PageEvent, SnapshotPage};
pub use meta::Meta;
pub use models::*;
pub use orgs::OrgInstallations;

use crate::jwt::JwtSigner;
use crate::secret::AccessToken;
use chrono::{DateTime, Utc};
use reqwest::Method;

/// A freshly minted installation access token with what it grants.
#[derive(Debug, Clone)]
pub struct InstallationToken {
    pub token: AccessToken,
    pub expires_at: DateTime<Utc>,
    pub permissions: Permissions,
    /// `all` or `selected`.
    pub repository_selection: Option<String>,
    /// The repositories granted, when the token is limited to some.
    pub repositories: Option<Vec<Repository>>,
    /// GitHub's `X-GitHub-Request-Id` of the mint.
    pub request_id: Option<String>,
}

/// GitHub's `X-GitHub-Request-Id` of a successful change, for the activity record.
pub type RequestId = Option<String>;

#[derive(serde::Deserialize)]
struct RawToken {
    token: String,
    expires_at: DateTime<Utc>,
    #[serde(default)]
    permissions: Permissions,
    #[serde(default)]
    repository_selection: Option<String>,
    #[serde(default)]
    repositories: Option<Vec<Repository>>,
}

impl GitHubClient {
    /// `GET /app`: the app the JWT belongs to.
    pub async fn app(&self, signer: &JwtSigner) -> Result<App, GitHubError> {
        self.get_json("/app", Auth::App(signer)).await
    }

    /// `GET /app/installations/{id}`.
    pub async fn installation(
        &self,
        signer: &JwtSigner,
        id: u64,
    ) -> Result<Installation, GitHubError> {
        self.get_json(&format!("/app/installations/{id}"), Auth::App(signer))
            .await
    }

    /// `GET /orgs/{org}/installation`.
    pub async fn org_installation(
        &self,
        signer: &JwtSigner,
        org: &str,
    ) -> Result<Installation, GitHubError> {
        self.get_json(
            &format!("/orgs/{}/installation", segment(org)),
            Auth::App(signer),
        )
        .await
    }

    /// `GET /users/{username}/installation`.
    pub async fn user_installation(
        &self,
        signer: &JwtSigner,
        user: &str,
    ) -> Result<Installation, GitHubError> {
        self.get_json(
            &format!("/users/{}/installation", segment(user)),
            Auth::App(signer),
        )
        .await
    }

    /// `GET /repos/{owner}/{repo}/installation`.
    pub async fn repo_installation(
        &self,
        signer: &JwtSigner,
        owner: &str,
        repo: &str,
    ) -> Result<Installation, GitHubError> {
        let path = format!("/repos/{}/{}/installation", segment(owner), segment(repo));
        self.get_json(&path, Auth::App(signer)).await
    }

    /// The installation on an account (`octo-org`) or a repository (`octo-org/repo`).
    /// Organizations are asked first, then users, as GitHub keeps them apart.
    pub async fn find_installation(
        &self,
        signer: &JwtSigner,
        target: &str,
    ) -> Result<Installation, GitHubError> {
        let target = target.trim().trim_start_matches('@');
        if let Some((owner, repo)) = target.split_once('/') {
            return self.repo_installation(signer, owner, repo).await;
        }
        match self.org_installation(signer, target).await {
            Err(err) if err.status() == Some(404) => self.user_installation(signer, target).await,
            other => other,
        }
    }

    /// `PUT /app/installations/{id}/suspended`: the installation's tokens stop working until
    /// it is unsuspended.
    pub async fn suspend_installation(
        &self,
        signer: &JwtSigner,
        installation_id: u64,
    ) -> Result<RequestId, GitHubError> {
        let path = format!("/app/installations/{installation_id}/suspended");
        self.send(Method::PUT, &path, Auth::App(signer), None)
            .await
            .map(|answer| answer.request_id())
    }

    /// `DELETE /app/installations/{id}/suspended`.
    pub async fn unsuspend_installation(
        &self,
        signer: &JwtSigner,
        installation_id: u64,
    ) -> Result<RequestId, GitHubError> {
        let path = format!("/app/installations/{installation_id}/suspended");
        self.send(Method::DELETE, &path, Auth::App(signer), None)
            .await
            .map(|answer| answer.request_id())
    }

    /// `DELETE /app/installations/{id}`: uninstalls the app from the account.
    pub async fn delete_installation(
        &self,
        signer: &JwtSigner,
        installation_id: u64,
    ) -> Result<RequestId, GitHubError> {
        let path = format!("/app/installations/{installation_id}");
        self.send(Method::DELETE, &path, Auth::App(signer), None)
            .await
            .map(|answer| answer.request_id())
    }

    /// `GET /app/installation-requests`: pending requests to install the app, every page.
    pub async fn installation_requests(
        &self,
        signer: &JwtSigner,
    ) -> Result<Vec<InstallationRequest>, GitHubError> {
        self.every_page(
            "/app/installation-requests?per_page=100",
            Auth::App(signer),
            |page: Vec<InstallationRequest>| page,
        )
        .await
    }

    /// `POST /app/installations/{id}/access_tokens`.
    pub async fn create_installation_token(
        &self,
        signer: &JwtSigner,
        installation_id: u64,
        request: &TokenRequest,
    ) -> Result<InstallationToken, GitHubError> {
        let body = serde_json::to_value(request).unwrap_or_default();
        let path = format!("/app/installations/{installation_id}/access_tokens");
        // Minting twice is harmless (a token nobody uses expires), so a 5xx or a dropped
        // connection is retried as a GET would be.
        let answer = self
            .send_retrying(Method::POST, &path, Auth::App(signer), Some(&body))
            .await?;
        let raw: RawToken = answer.json()?;
        Ok(InstallationToken {
            token: AccessToken::minted_now(raw.token),
            expires_at: raw.expires_at,
            permissions: raw.permissions,
            repository_selection: raw.repository_selection,
            repositories: raw.repositories,
            request_id: answer.request_id(),
        })
    }

    /// `DELETE /installation/token`: revokes the token used to call it.
    pub async fn revoke_installation_token(
        &self,
        token: &AccessToken,
    ) -> Result<RequestId, GitHubError> {
        let answer = self
            .send(
                Method::DELETE,
                "/installation/token",
                Auth::Token(token),
                None,
            )
            .await?;
        Ok(answer.request_id())
    }

    /// `GET /installation/repositories`, every page.
    pub async fn installation_repositories(
        &self,
        token: &AccessToken,
    ) -> Result<Vec<Repository>, GitHubError> {
        let mut repositories = Vec::new();
        let mut page = 1;
        loop {
            let path = format!("/installation/repositories?per_page=100&page={page}");
            let answer = self
                .send(Method::GET, &path, Auth::Token(token), None)
                .await?;
            let batch: InstallationRepositories = answer.json()?;
            repositories.extend(batch.repositories);
            let has_next = answer
                .header("link")
                .map(link::parse)
                .is_some_and(|l| l.contains_key("next"));
            if !has_next {
                return Ok(repositories);
            }
            page += 1;
        }
    }

    /// `GET /rate_limit` (free of charge).
    pub async fn rate_limit(&self, auth: Auth<'_>) -> Result<RateLimitOverview, GitHubError> {
        self.get_json("/rate_limit", auth).await
    }
}

/// Escapes one path segment (logins and repository names are already URL-safe on GitHub,
/// but user input may not be).
fn segment(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}
