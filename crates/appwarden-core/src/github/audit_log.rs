//! An organization's audit log: `GET /orgs/{org}/audit-log` (GitHub Enterprise Cloud, or an
//! Enterprise Server), read page by page with the `after` cursor of each answer's
//! `Link: rel="next"`, with GitHub's `phrase`, `include` and `order`. Events are kept as
//! GitHub sent them (for export to a SIEM), with accessors for the fields Appwarden shows.

use super::client::{Auth, GitHubClient};
use super::error::GitHubError;
use super::link;
use crate::secret::AccessToken;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// The audit-log categories about programmatic access: apps and their installations,
/// installation requests, personal access tokens, OAuth authorizations and SAML credential
/// authorizations.
pub const PROGRAMMATIC_ACCESS: [&str; 6] = [
    "integration",
    "integration_installation",
    "integration_installation_request",
    "personal_access_token",
    "oauth_authorization",
    "org_credential_authorization",
];

/// `phrase` and, with `programmatic_access`, the qualifiers for those categories.
pub fn phrase_with(phrase: &str, programmatic_access: bool) -> String {
    if programmatic_access {
        format!("{} {}", phrase.trim(), programmatic_access_phrase())
            .trim()
            .to_owned()
    } else {
        phrase.trim().to_owned()
    }
}

/// `action:` qualifiers for those categories: several values of one qualifier match any of
/// them (GitHub's docs show it for `repo:`).
pub fn programmatic_access_phrase() -> String {
    PROGRAMMATIC_ACCESS
        .iter()
        .map(|category| format!("action:{category}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which events: web (the default), Git, or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum AuditInclude {
    #[default]
    Web,
    Git,
    All,
}

impl AuditInclude {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditInclude::Web => "web",
            AuditInclude::Git => "git",
            AuditInclude::All => "all",
        }
    }
}

/// Newest first (GitHub's default) or oldest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuditOrder {
    #[default]
    Desc,
    Asc,
}

/// What to ask the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// GitHub's search phrase (`action:integration_installation created:>=2026-11-01`).
    pub phrase: String,
    pub include: AuditInclude,
    pub order: AuditOrder,
    /// Events per request, at most 100.
    pub per_page: usize,
    /// Only events since then: sent as `created:>=DATE` (GitHub's qualifier takes days; the
    /// events of that day from before `since` are left out here).
    pub since: Option<DateTime<Utc>>,
}

impl AuditQuery {
    /// The phrase as it is sent: the query's, with `created:>=DATE` for `since`.
    pub fn sent_phrase(&self) -> String {
        let phrase = self.phrase.trim();
        match self.since {
            Some(since) => format!("{phrase} created:>={}", since.format("%Y-%m-%d"))
                .trim()
                .to_owned(),
            None => phrase.to_owned(),
        }
    }

    /// Whether GitHub searches only its default three months (no `created:` sent).
    pub fn searches_default_window(&self) -> bool {
        !self.sent_phrase().contains("created:")
    }

    fn path(&self, org: &str, after: Option<&str>) -> String {
        let mut path = format!(
            "/orgs/{}/audit-log?per_page={}",
            super::segment(org),
            self.per_page.clamp(1, 100)
        );
        let phrase = self.sent_phrase();
        if !phrase.is_empty() {
            path.push_str(&format!("&phrase={}", super::segment(&phrase)));
        }
        if self.include != AuditInclude::Web {
            path.push_str(&format!("&include={}", self.include.as_str()));
        }
        if self.order != AuditOrder::Desc {
            path.push_str("&order=asc");
        }
        if let Some(after) = after {
            path.push_str(&format!("&after={}", super::segment(after)));
        }
        path
    }
}

/// One audit-log event, as GitHub sent it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct AuditEvent(pub Map<String, Value>);

impl AuditEvent {
    fn text(&self, field: &str) -> Option<&str> {
        self.0.get(field).and_then(Value::as_str)
    }

    pub fn action(&self) -> &str {
        self.text("action").unwrap_or("")
    }

    pub fn actor(&self) -> Option<&str> {
        self.text("actor")
    }

    pub fn document_id(&self) -> Option<&str> {
        self.text("_document_id")
    }

    /// When it happened: `@timestamp` (milliseconds), else `created_at`.
    pub fn at(&self) -> Option<DateTime<Utc>> {
        ["@timestamp", "created_at"]
            .iter()
            .find_map(|field| self.0.get(*field).and_then(Value::as_i64))
            .and_then(DateTime::from_timestamp_millis)
    }

    /// Whom or what it was about: the affected user, the repository, or the app.
    pub fn subject(&self) -> Option<&str> {
        ["user", "repo", "repository", "integration", "name", "team"]
            .iter()
            .find_map(|field| self.text(field))
    }

    pub fn country(&self) -> Option<&str> {
        self.0
            .get("actor_location")
            .and_then(|l| l.get("country_code"))
            .and_then(Value::as_str)
    }
}

/// One page of the log and the cursor of the next, if there is one.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    pub after: Option<String>,
}

impl GitHubClient {
    /// One page of `GET /orgs/{org}/audit-log`, after the cursor when one is given.
    pub async fn audit_log_page(
        &self,
        token: &AccessToken,
        org: &str,
        query: &AuditQuery,
        after: Option<&str>,
    ) -> Result<AuditPage, GitHubError> {
        let answer = self
            .send(
                reqwest::Method::GET,
                &query.path(org, after),
                Auth::Token(token),
                None,
            )
            .await?;
        // The next page is named by its `after` cursor; the link's own address (GitHub's
        // point at `/organizations/{id}/audit-log`) is not followed, so that the query sent
        // is always this one.
        let after = answer
            .header("link")
            .and_then(|header| link::parse(header).remove("next"))
            .and_then(|url| link::query_param(&url, "after"))
            .filter(|cursor| !cursor.is_empty());
        let events: Vec<AuditEvent> = answer.json()?;
        Ok(AuditPage {
            after: if events.is_empty() { None } else { after },
            events,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_is_sent_as_github_names_it() {
        let query = AuditQuery {
            phrase: "action:integration_installation created:>=2026-11-01".into(),
            include: AuditInclude::All,
            order: AuditOrder::Asc,
            per_page: 500,
            since: None,
        };
        assert_eq!(
            query.path("octo org", Some("MTY=|x")),
            "/orgs/octo+org/audit-log?per_page=100&phrase=action%3Aintegration_installation+created%3A%3E%3D2026-11-01&include=all&order=asc&after=MTY%3D%7Cx"
        );
        let plain = AuditQuery {
            per_page: 30,
            ..AuditQuery::default()
        };
        assert_eq!(plain.path("acme", None), "/orgs/acme/audit-log?per_page=30");
        let since = AuditQuery {
            since: DateTime::from_timestamp(1_795_000_000, 0),
            ..plain
        };
        assert_eq!(
            since.path("acme", None),
            "/orgs/acme/audit-log?per_page=30&phrase=created%3A%3E%3D2026-11-18"
        );
    }

    #[test]
    fn an_event_reads_its_fields() {
        let event: AuditEvent = serde_json::from_value(serde_json::json!({
            "@timestamp": 1_635_940_599_755_i64, "action": "pull_request.merge",
            "actor": "mona-admin", "repo": "octo-org/octo-repo", "_document_id": "abc",
            "actor_location": { "country_code": "GB" }
        }))
        .unwrap();
        assert_eq!(event.action(), "pull_request.merge");
        assert_eq!(event.actor(), Some("mona-admin"));
        assert_eq!(event.subject(), Some("octo-org/octo-repo"));
        assert_eq!(event.country(), Some("GB"));
        assert_eq!(event.at().unwrap().timestamp(), 1_635_940_599);
        assert_eq!(
            programmatic_access_phrase(),
            "action:integration action:integration_installation action:integration_installation_request action:personal_access_token action:oauth_authorization action:org_credential_authorization"
        );
    }
}
