//! An organization's SAML single sign-on credential authorizations (GitHub Enterprise
//! Cloud): `GET /orgs/{org}/credential-authorizations` (every page, the `login` filter) and
//! `DELETE /orgs/{org}/credential-authorizations/{credential_id}`, which makes the owner
//! authorize the credential again.

use super::RequestId;
use super::client::{Auth, GitHubClient};
use super::error::GitHubError;
use crate::secret::AccessToken;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One authorized credential: a personal access token, an SSH key, an OAuth app token or a
/// GitHub App's user-to-server token (never the credential itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialAuthorization {
    pub login: String,
    pub credential_id: u64,
    /// `personal access token`, `SSH key`, `OAuth app token` or `GitHub app token`.
    pub credential_type: String,
    #[serde(default)]
    pub token_last_eight: Option<String>,
    pub credential_authorized_at: DateTime<Utc>,
    #[serde(default)]
    pub scopes: Vec<String>,
    #[serde(default)]
    pub fingerprint: Option<String>,
    pub credential_accessed_at: Option<DateTime<Utc>>,
    pub authorized_credential_id: Option<u64>,
    #[serde(default)]
    pub authorized_credential_title: Option<String>,
    #[serde(default)]
    pub authorized_credential_note: Option<String>,
    #[serde(default)]
    pub authorized_credential_expires_at: Option<DateTime<Utc>>,
}

impl CredentialAuthorization {
    /// `…12345678` for a token, the fingerprint for an SSH key.
    pub fn identity(&self) -> String {
        match (&self.token_last_eight, &self.fingerprint) {
            (Some(last), _) => format!("…{last}"),
            (None, Some(fingerprint)) => fingerprint.clone(),
            _ => String::new(),
        }
    }
}

impl GitHubClient {
    /// Every credential authorization (100 a page), only `login`'s when given.
    pub async fn credential_authorizations(
        &self,
        token: &AccessToken,
        org: &str,
        login: Option<&str>,
    ) -> Result<Vec<CredentialAuthorization>, GitHubError> {
        let mut base = format!(
            "/orgs/{}/credential-authorizations?per_page=100",
            super::segment(org)
        );
        if let Some(login) = login {
            base.push_str(&format!("&login={}", super::segment(login.trim())));
        }
        self.every_page(
            &base,
            Auth::Token(token),
            |page: Vec<CredentialAuthorization>| page,
        )
        .await
    }

    /// `DELETE /orgs/{org}/credential-authorizations/{credential_id}`: 204.
    pub async fn remove_credential_authorization(
        &self,
        token: &AccessToken,
        org: &str,
        credential_id: u64,
    ) -> Result<RequestId, GitHubError> {
        let path = format!(
            "/orgs/{}/credential-authorizations/{credential_id}",
            super::segment(org)
        );
        let answer = self
            .send(reqwest::Method::DELETE, &path, Auth::Token(token), None)
            .await?;
        Ok(answer.request_id())
    }
}
