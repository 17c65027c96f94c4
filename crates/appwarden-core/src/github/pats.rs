//! Fine-grained personal access tokens in an organization, through the organization's
//! installation token ("Only GitHub Apps can use this endpoint"): the pending requests for
//! access (`GET /orgs/{org}/personal-access-token-requests`, reviewed one at a time with
//! `POST …/{id}` or up to 100 with `POST …`), the tokens with access
//! (`GET /orgs/{org}/personal-access-tokens`, revoked one at a time or up to 100), and each
//! one's repositories. Every page is read (100 a page, `Link: rel="next"`).

use super::RequestId;
use super::client::{Auth, GitHubClient};
use super::error::GitHubError;
use super::models::{Account, Repository};
use crate::secret::AccessToken;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// At most this many IDs in one bulk review or revocation.
pub const BULK_LIMIT: usize = 100;
/// A review's reason, at most this many characters.
pub const REASON_LIMIT: usize = 1_024;

/// Permissions grouped as GitHub groups a fine-grained token's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatPermissions {
    #[serde(default)]
    pub organization: BTreeMap<String, String>,
    #[serde(default)]
    pub repository: BTreeMap<String, String>,
    #[serde(default)]
    pub other: BTreeMap<String, String>,
}

/// A member's request for a fine-grained token to access the organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatRequest {
    pub id: u64,
    pub reason: Option<String>,
    pub owner: Account,
    /// `all`, `subset` or `none`.
    pub repository_selection: String,
    pub permissions: PatPermissions,
    pub created_at: DateTime<Utc>,
    pub token_id: u64,
    pub token_name: String,
    pub token_expired: bool,
    pub token_expires_at: Option<DateTime<Utc>>,
    pub token_last_used_at: Option<DateTime<Utc>>,
}

/// A fine-grained token with access to the organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatGrant {
    pub id: u64,
    pub owner: Account,
    pub repository_selection: String,
    pub permissions: PatPermissions,
    pub access_granted_at: DateTime<Utc>,
    pub token_id: u64,
    pub token_name: String,
    pub token_expired: bool,
    pub token_expires_at: Option<DateTime<Utc>>,
    pub token_last_used_at: Option<DateTime<Utc>>,
}

/// GitHub's list filters for both lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatFilter {
    /// Owners' logins, at most 10.
    pub owners: Vec<String>,
    pub repository: Option<String>,
    /// `issues_read`: a permission and its level.
    pub permission: Option<String>,
    pub last_used_before: Option<DateTime<Utc>>,
    pub last_used_after: Option<DateTime<Utc>>,
    /// Oldest first instead of GitHub's newest first.
    pub ascending: bool,
}

impl PatFilter {
    fn query(&self) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("per_page", "100");
        for owner in &self.owners {
            query.append_pair("owner[]", owner);
        }
        if let Some(repository) = &self.repository {
            query.append_pair("repository", repository);
        }
        if let Some(permission) = &self.permission {
            query.append_pair("permission", permission);
        }
        let at = |t: &DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        if let Some(before) = &self.last_used_before {
            query.append_pair("last_used_before", &at(before));
        }
        if let Some(after) = &self.last_used_after {
            query.append_pair("last_used_after", &at(after));
        }
        if self.ascending {
            query.append_pair("direction", "asc");
        }
        query.finish()
    }

    /// What GitHub would refuse, said before asking.
    pub fn validate(&self) -> Result<(), String> {
        if self.owners.len() > 10 {
            return Err(format!(
                "GitHub filters by at most 10 owners at once; {} were given.",
                self.owners.len()
            ));
        }
        Ok(())
    }
}

/// Approve or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Review {
    Approve,
    Deny,
}

impl Review {
    pub fn as_str(self) -> &'static str {
        match self {
            Review::Approve => "approve",
            Review::Deny => "deny",
        }
    }
}

/// A reason of at most 1,024 characters (GitHub's limit), checked before sending.
pub fn check_reason(reason: Option<&str>) -> Result<(), String> {
    match reason {
        Some(reason) if reason.chars().count() > REASON_LIMIT => Err(format!(
            "The reason is {} characters long; GitHub takes at most {REASON_LIMIT}.",
            reason.chars().count()
        )),
        _ => Ok(()),
    }
}

impl GitHubClient {
    /// `GET /orgs/{org}/personal-access-token-requests`, every page.
    pub async fn pat_requests(
        &self,
        token: &AccessToken,
        org: &str,
        filter: &PatFilter,
    ) -> Result<Vec<PatRequest>, GitHubError> {
        let base = format!(
            "/orgs/{}/personal-access-token-requests?{}",
            super::segment(org),
            filter.query()
        );
        self.every_page(&base, Auth::Token(token), |page: Vec<_>| page)
            .await
    }

    /// `GET /orgs/{org}/personal-access-tokens`, every page.
    pub async fn pat_grants(
        &self,
        token: &AccessToken,
        org: &str,
        filter: &PatFilter,
    ) -> Result<Vec<PatGrant>, GitHubError> {
        let base = format!(
            "/orgs/{}/personal-access-tokens?{}",
            super::segment(org),
            filter.query()
        );
        self.every_page(&base, Auth::Token(token), |page: Vec<_>| page)
            .await
    }

    /// The repositories a request asks for (`grant: false`) or a token reaches (`true`).
    pub async fn pat_repositories(
        &self,
        token: &AccessToken,
        org: &str,
        id: u64,
        grant: bool,
    ) -> Result<Vec<Repository>, GitHubError> {
        let kind = if grant {
            "personal-access-tokens"
        } else {
            "personal-access-token-requests"
        };
        let base = format!(
            "/orgs/{}/{kind}/{id}/repositories?per_page=100",
            super::segment(org)
        );
        self.every_page(&base, Auth::Token(token), |page: Vec<_>| page)
            .await
    }

    /// A change posted with the installation token; GitHub's request ID when it is taken.
    async fn post_change(
        &self,
        token: &AccessToken,
        path: String,
        body: serde_json::Value,
    ) -> Result<RequestId, GitHubError> {
        let answer = self
            .send(
                reqwest::Method::POST,
                &path,
                Auth::Token(token),
                Some(&body),
            )
            .await?;
        Ok(answer.request_id())
    }

    /// Approves or denies requests: one alone with `POST …/personal-access-token-requests/{id}`
    /// (204), more (at most 100) with `POST …/personal-access-token-requests` (202).
    pub async fn review_pat_requests(
        &self,
        token: &AccessToken,
        org: &str,
        ids: &[u64],
        review: Review,
        reason: Option<&str>,
    ) -> Result<RequestId, GitHubError> {
        let base = format!(
            "/orgs/{}/personal-access-token-requests",
            super::segment(org)
        );
        let mut body = serde_json::json!({ "action": review.as_str() });
        if let Some(reason) = reason {
            body["reason"] = serde_json::json!(reason);
        }
        let path = match ids {
            [id] => format!("{base}/{id}"),
            _ => {
                body["pat_request_ids"] = serde_json::json!(ids);
                base
            }
        };
        self.post_change(token, path, body).await
    }

    /// Revokes tokens' access: one alone with `POST …/personal-access-tokens/{id}` (204), more
    /// (at most 100) with `POST …/personal-access-tokens` (202).
    pub async fn revoke_pat_grants(
        &self,
        token: &AccessToken,
        org: &str,
        ids: &[u64],
    ) -> Result<RequestId, GitHubError> {
        let base = format!("/orgs/{}/personal-access-tokens", super::segment(org));
        let mut body = serde_json::json!({ "action": "revoke" });
        let path = match ids {
            [id] => format!("{base}/{id}"),
            _ => {
                body["pat_ids"] = serde_json::json!(ids);
                base
            }
        };
        self.post_change(token, path, body).await
    }
}

/// Marks an administrator looks for on a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum PatMark {
    Expired,
    ExpiresWithin7Days,
    NeverExpires,
    NeverUsed,
    NotUsedFor90Days,
    /// Write or admin on every repository.
    WritesEveryRepository,
}

/// The marks for a token, judged at `now` (GitHub's clock).
pub fn marks(
    expired: bool,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    repository_selection: &str,
    permissions: &PatPermissions,
    now: DateTime<Utc>,
) -> Vec<PatMark> {
    let mut marks = Vec::new();
    match expires_at {
        _ if expired => marks.push(PatMark::Expired),
        Some(at) if at <= now => marks.push(PatMark::Expired),
        Some(at) if at - now <= chrono::Duration::days(7) => {
            marks.push(PatMark::ExpiresWithin7Days)
        }
        None => marks.push(PatMark::NeverExpires),
        _ => {}
    }
    match last_used_at {
        None => marks.push(PatMark::NeverUsed),
        Some(at) if now - at > chrono::Duration::days(90) => marks.push(PatMark::NotUsedFor90Days),
        _ => {}
    }
    if repository_selection == "all"
        && permissions
            .repository
            .iter()
            .any(|(name, level)| name != "metadata" && (level == "write" || level == "admin"))
    {
        marks.push(PatMark::WritesEveryRepository);
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_sent_as_github_names_them() {
        let filter = PatFilter {
            owners: vec!["octocat".into(), "mona".into()],
            repository: Some("Hello-World".into()),
            permission: Some("issues_read".into()),
            last_used_before: DateTime::from_timestamp(1_795_000_000, 0),
            last_used_after: None,
            ascending: true,
        };
        assert_eq!(
            filter.query(),
            "per_page=100&owner%5B%5D=octocat&owner%5B%5D=mona&repository=Hello-World&permission=issues_read&last_used_before=2026-11-18T11%3A06%3A40Z&direction=asc"
        );
        let many = PatFilter {
            owners: (0..11).map(|i| format!("u{i}")).collect(),
            ..PatFilter::default()
        };
        assert!(many.validate().is_err());
    }

    #[test]
    fn a_reason_longer_than_github_takes_is_refused_before_sending() {
        assert!(check_reason(Some(&"é".repeat(1_024))).is_ok());
        assert!(check_reason(Some(&"x".repeat(1_025))).is_err());
        assert!(check_reason(None).is_ok());
    }

    #[test]
    fn tokens_are_marked_as_an_administrator_looks_at_them() {
        let now = DateTime::from_timestamp(1_795_000_000, 0).unwrap();
        let day = chrono::Duration::days(1);
        let writes = PatPermissions {
            repository: BTreeMap::from([("contents".into(), "write".into())]),
            ..PatPermissions::default()
        };
        assert_eq!(
            marks(false, Some(now + day * 3), None, "all", &writes, now),
            [
                PatMark::ExpiresWithin7Days,
                PatMark::NeverUsed,
                PatMark::WritesEveryRepository
            ]
        );
        assert_eq!(
            marks(false, None, Some(now - day * 100), "subset", &writes, now),
            [PatMark::NeverExpires, PatMark::NotUsedFor90Days]
        );
        assert_eq!(
            marks(
                true,
                Some(now + day),
                Some(now),
                "none",
                &PatPermissions::default(),
                now
            ),
            [PatMark::Expired]
        );
    }
}
