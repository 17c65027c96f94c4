//! git's credential-helper protocol, for `appwarden git-credential`: parsing what git sends
//! (`key=value` lines), deciding whether a stored app serves the request, and writing the
//! answer. git sends `protocol`, `host` and, with `credential.useHttpPath`, `path`
//! (`owner/repo.git`); the answer is `username=x-access-token` and `password=<token>`.
//! Requests for hosts no app serves get no answer, so other helpers keep working.

use crate::api_url::ApiUrl;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// What git asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialRequest {
    pub protocol: String,
    pub host: String,
    pub path: Option<String>,
    pub username: Option<String>,
    /// Present on `erase` (and `store`): the credential git used.
    pub password: Option<String>,
    /// Present on `erase` from git 2.41 on: the expiry this helper gave with the token.
    pub password_expiry_utc: Option<DateTime<Utc>>,
}

impl CredentialRequest {
    /// Parses git's `key=value` lines, up to a blank line or the end. Unknown keys are
    /// ignored, as the protocol asks.
    pub fn parse(text: &str) -> Self {
        let mut fields = BTreeMap::new();
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            if line.is_empty() {
                break;
            }
            if let Some((key, value)) = line.split_once('=') {
                fields.insert(key.to_owned(), value.to_owned());
            }
        }
        let mut take = |key: &str| fields.remove(key).filter(|v| !v.is_empty());
        Self {
            protocol: take("protocol").unwrap_or_default(),
            host: take("host").unwrap_or_default(),
            path: take("path"),
            username: take("username"),
            password: take("password"),
            password_expiry_utc: take("password_expiry_utc")
                .and_then(|v| v.trim().parse::<i64>().ok())
                .and_then(|secs| DateTime::from_timestamp(secs, 0)),
        }
    }

    /// `owner` and `repo` from the path (`owner/repo`, `owner/repo.git`, with or without
    /// slashes around); `None` when git sent no path (`credential.useHttpPath` is off).
    pub fn repository(&self) -> Option<(String, String)> {
        let path = self.path.as_deref()?.trim_matches('/');
        let (owner, repo) = path.split_once('/')?;
        let repo = repo.trim_end_matches('/');
        let repo = repo.strip_suffix(".git").unwrap_or(repo);
        if owner.is_empty() || repo.is_empty() || repo.contains('/') {
            return None;
        }
        Some((owner.to_owned(), repo.to_owned()))
    }

    /// Whether an app on `api_url` serves this request: the same web host, over the scheme
    /// the app's web address uses (https; plain http only for an app configured with an
    /// http:// API URL, such as the simulator).
    pub fn served_by(&self, api_url: &ApiUrl) -> bool {
        let base = api_url.web_base();
        let Some((scheme, _)) = base.split_once("://") else {
            return false;
        };
        scheme.eq_ignore_ascii_case(&self.protocol)
            && api_url.web_host().eq_ignore_ascii_case(self.host.trim())
    }
}

/// How long installation tokens live (GitHub: "expire after 1 hour").
pub const TOKEN_LIFETIME: chrono::Duration = chrono::Duration::hours(1);

/// A token younger than this is not revoked when git rejects it: GitHub may refuse a new
/// token for a few seconds while it replicates (octokit/auth-app.js waits up to 5 s), and
/// revoking it then would turn a passing refusal into a lasting one.
pub const KEEP_YOUNGER_THAN: chrono::Duration = chrono::Duration::seconds(30);

/// Whether git's `erase` should revoke the token it names: only a token whose age is known
/// from the expiry this helper gave (git 2.41 and later send it back) and is past
/// [`KEEP_YOUNGER_THAN`]. Without an expiry the age is unknown and the token is left to
/// expire by itself within the hour.
pub fn should_revoke_on_erase(request: &CredentialRequest, local_now: DateTime<Utc>) -> bool {
    request
        .password_expiry_utc
        .is_some_and(|expiry| local_now - (expiry - TOKEN_LIFETIME) >= KEEP_YOUNGER_THAN)
}

/// The answer to `get`: the token as the password of `x-access-token`, with its expiry so
/// that git (2.41 and later) and credential caches drop it in time. `expires_local` must be
/// on this computer's clock (git compares it with the local time), not GitHub's.
pub fn answer(token: &str, expires_local: DateTime<Utc>) -> String {
    format!(
        "username=x-access-token\npassword={token}\npassword_expiry_utc={}\n",
        expires_local.timestamp()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_gits_lines_and_the_repository() {
        let request = CredentialRequest::parse(
            "protocol=https\nhost=github.com\npath=octo-org/api.git\nwwwauth[]=Basic\n\nignored=1\n",
        );
        assert_eq!(request.protocol, "https");
        assert_eq!(request.host, "github.com");
        assert_eq!(
            request.repository(),
            Some(("octo-org".to_owned(), "api".to_owned()))
        );
        for (path, expected) in [
            ("octo-org/api", Some(("octo-org", "api"))),
            ("/octo-org/api/", Some(("octo-org", "api"))),
            ("octo-org", None),
            ("octo-org/api/extra", None),
            ("/api.git", None),
        ] {
            let request = CredentialRequest {
                path: Some(path.to_owned()),
                ..Default::default()
            };
            assert_eq!(
                request.repository(),
                expected.map(|(o, r)| (o.to_owned(), r.to_owned())),
                "{path}"
            );
        }
        assert_eq!(CredentialRequest::parse("host=x\n").repository(), None);
    }

    #[test]
    fn serves_only_its_own_host_and_scheme() {
        let request = |protocol: &str, host: &str| CredentialRequest {
            protocol: protocol.to_owned(),
            host: host.to_owned(),
            ..Default::default()
        };
        let dotcom = ApiUrl::github_com();
        assert!(request("https", "github.com").served_by(&dotcom));
        assert!(request("https", "GitHub.com").served_by(&dotcom));
        assert!(
            !request("http", "github.com").served_by(&dotcom),
            "never over http"
        );
        assert!(!request("https", "gitlab.com").served_by(&dotcom));
        let ghes = ApiUrl::parse("ghes.example.com").unwrap();
        assert!(request("https", "ghes.example.com").served_by(&ghes));
        assert!(!request("https", "github.com").served_by(&ghes));
        let sim = ApiUrl::parse("http://127.0.0.1:8080").unwrap();
        assert!(request("http", "127.0.0.1:8080").served_by(&sim));
        assert!(!request("https", "127.0.0.1:8080").served_by(&sim));
    }

    #[test]
    fn erase_revokes_only_tokens_known_to_be_older_than_the_replication_grace() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let erase = |expiry: Option<i64>| {
            let mut text = "protocol=https\nhost=github.com\npassword=ghs_x\n".to_owned();
            if let Some(expiry) = expiry {
                text.push_str(&format!("password_expiry_utc={expiry}\n"));
            }
            CredentialRequest::parse(&text)
        };
        let minted_ago = |secs: i64| Some(now.timestamp() + 3600 - secs);
        assert!(!should_revoke_on_erase(&erase(minted_ago(3)), now));
        assert!(!should_revoke_on_erase(&erase(minted_ago(29)), now));
        assert!(should_revoke_on_erase(&erase(minted_ago(30)), now));
        assert!(should_revoke_on_erase(&erase(minted_ago(1200)), now));
        assert!(!should_revoke_on_erase(&erase(None), now), "age unknown");
    }

    #[test]
    fn answers_with_the_token_and_its_expiry() {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(
            answer("ghs_x", at),
            "username=x-access-token\npassword=ghs_x\npassword_expiry_utc=1800000000\n"
        );
    }
}
