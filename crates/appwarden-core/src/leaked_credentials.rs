//! Credentials found exposed, by value: picked out of pasted or piped text (a log, a commit,
//! a chat message), shown masked, and sent to `POST /credentials/revoke`, which revokes them
//! and notifies their owners (and cannot be undone). That endpoint takes personal access
//! tokens (classic `ghp_`, fine-grained `github_pat_`), OAuth tokens (`gho_`), GitHub Apps'
//! user-to-server (`ghu_`) and refresh tokens (`ghr_`), up to 1,000 a request, without
//! authentication. Installation tokens (`ghs_`) are not among them: whoever holds one can
//! revoke it with the token itself (`DELETE /installation/token`), which is done instead.

use crate::activity::{Activity, ActivityAction, ActivityLog};
use crate::github::{Auth, GitHubClient, GitHubError, RequestId};
use crate::secret::ExposedCredential;

/// At most this many credentials a request ("a max of 1000 tokens per API request").
pub const PER_REQUEST: usize = 1_000;

/// What kind of credential a prefix names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum CredentialKind {
    /// `ghp_`
    ClassicPat,
    /// `github_pat_`
    FineGrainedPat,
    /// `gho_`
    OAuth,
    /// `ghu_`
    UserToServer,
    /// `ghr_`
    Refresh,
    /// `ghs_`: not accepted by `POST /credentials/revoke`.
    Installation,
}

impl CredentialKind {
    pub fn prefix(self) -> &'static str {
        match self {
            CredentialKind::ClassicPat => "ghp_",
            CredentialKind::FineGrainedPat => "github_pat_",
            CredentialKind::OAuth => "gho_",
            CredentialKind::UserToServer => "ghu_",
            CredentialKind::Refresh => "ghr_",
            CredentialKind::Installation => "ghs_",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            CredentialKind::ClassicPat => "personal access token (classic)",
            CredentialKind::FineGrainedPat => "fine-grained personal access token",
            CredentialKind::OAuth => "OAuth app token",
            CredentialKind::UserToServer => "GitHub App user-to-server token",
            CredentialKind::Refresh => "GitHub App refresh token",
            CredentialKind::Installation => "installation token",
        }
    }

    /// Whether `POST /credentials/revoke` accepts it.
    pub fn revocable_by_value(self) -> bool {
        self != CredentialKind::Installation
    }

    const ALL: [CredentialKind; 6] = [
        CredentialKind::FineGrainedPat,
        CredentialKind::ClassicPat,
        CredentialKind::OAuth,
        CredentialKind::UserToServer,
        CredentialKind::Refresh,
        CredentialKind::Installation,
    ];

    /// The fewest characters after the prefix for the text to be taken as one: GitHub's
    /// tokens are 36 (`ghp_`, `gho_`, `ghu_`, `ghs_`), 76 (`ghr_`) and 22 + 1 + 59
    /// (`github_pat_`); a little less is allowed, as GitHub may change lengths.
    fn min_body(self) -> usize {
        match self {
            CredentialKind::FineGrainedPat => 60,
            _ => 30,
        }
    }
}

/// One credential found in the text.
#[derive(Debug, Clone)]
pub struct FoundCredential {
    pub kind: CredentialKind,
    pub value: ExposedCredential,
}

impl FoundCredential {
    /// Its prefix, its next four characters and its last four: `ghp_Ab12…xY9z`.
    pub fn masked(&self) -> String {
        mask(self.value.expose_secret(), self.kind)
    }
}

fn mask(value: &str, kind: CredentialKind) -> String {
    let prefix = kind.prefix();
    let body = &value[prefix.len()..];
    let head: String = body.chars().take(4).collect();
    let tail: String = body
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{prefix}{head}…{tail}")
}

/// Every credential in `text`, each once, in the order first seen.
pub fn find(text: &str) -> Vec<FoundCredential> {
    let bytes = text.as_bytes();
    let token_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut found: Vec<FoundCredential> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !token_char(bytes[i - 1]);
        let kind = starts_word
            .then(|| {
                CredentialKind::ALL
                    .into_iter()
                    .find(|kind| bytes[i..].starts_with(kind.prefix().as_bytes()))
            })
            .flatten();
        let Some(kind) = kind else {
            i += 1;
            continue;
        };
        let body_start = i + kind.prefix().len();
        let mut end = body_start;
        let allowed = |b: u8| match kind {
            CredentialKind::FineGrainedPat => token_char(b),
            _ => b.is_ascii_alphanumeric(),
        };
        while end < bytes.len() && allowed(bytes[end]) {
            end += 1;
        }
        if end - body_start >= kind.min_body() {
            let value = &text[i..end];
            if !found.iter().any(|f| f.value.expose_secret() == value) {
                found.push(FoundCredential {
                    kind,
                    value: ExposedCredential::new(value),
                });
            }
            i = end;
        } else {
            i = body_start;
        }
    }
    found
}

impl GitHubClient {
    /// `POST /credentials/revoke` with up to 1,000 credentials, without authentication (an
    /// authenticated request is refused).
    pub async fn revoke_credentials(
        &self,
        credentials: &[ExposedCredential],
    ) -> Result<RequestId, GitHubError> {
        let values: Vec<&str> = credentials.iter().map(|c| c.expose_secret()).collect();
        let mut body = serde_json::json!({ "credentials": values });
        let answer = self
            .send(
                reqwest::Method::POST,
                "/credentials/revoke",
                Auth::Anonymous,
                Some(&body),
            )
            .await;
        if let Some(list) = body["credentials"].as_array_mut() {
            for value in list {
                if let serde_json::Value::String(text) = value {
                    zeroize::Zeroize::zeroize(text);
                }
            }
        }
        Ok(answer?.request_id())
    }
}

/// Refuses, before anything is sent, a host without `POST /credentials/revoke`.
pub fn check_host(api_url: &crate::ApiUrl) -> Result<(), crate::Error> {
    if api_url.is_enterprise_server() {
        return Err(crate::Error::InvalidInput(
            "Enterprise Server has no POST /credentials/revoke: revoke the tokens in the site admin dashboard, or ask their owners to. Nothing was sent.".into(),
        ));
    }
    Ok(())
}

/// How a revocation went, request by request.
#[derive(Debug, Default)]
pub struct RevocationReport {
    /// Sent and accepted (202).
    pub accepted: usize,
    /// Refused with the request they were in: (how many, why).
    pub refused: Vec<(usize, String)>,
    /// Installation tokens revoked with their own token.
    pub installation_tokens_revoked: usize,
    /// Installation tokens GitHub no longer took (401: expired or revoked already).
    pub installation_tokens_invalid: usize,
}

/// Sends the revocable credentials in `found`, 1,000 a request, recording each request (count
/// and prefixes only, never a value) in `activity`. Installation tokens are left out.
pub async fn revoke(
    client: &GitHubClient,
    found: &[FoundCredential],
    activity: Option<&ActivityLog>,
) -> RevocationReport {
    let revocable: Vec<&FoundCredential> = found
        .iter()
        .filter(|f| f.kind.revocable_by_value())
        .collect();
    let mut report = RevocationReport::default();
    for batch in revocable.chunks(PER_REQUEST) {
        let values: Vec<ExposedCredential> = batch.iter().map(|f| f.value.clone()).collect();
        let done = client.revoke_credentials(&values).await;
        if let Some(log) = activity {
            let mut prefixes: Vec<&str> = batch.iter().map(|f| f.kind.prefix()).collect();
            prefixes.sort();
            prefixes.dedup();
            let entry = Activity::new(client.api_url().host(), ActivityAction::CredentialsRevoked)
                .target(format!("{} exposed credential(s)", batch.len()))
                .detail(format!("prefixes {}", prefixes.join(", ")));
            log.record(entry.outcome(done.as_ref().map(|id| id.as_deref())));
        }
        match done {
            Ok(_) => report.accepted += batch.len(),
            Err(err) => report.refused.push((batch.len(), err.to_string())),
        }
    }
    for found in found
        .iter()
        .filter(|f| f.kind == CredentialKind::Installation)
    {
        let token = crate::secret::AccessToken::new(found.value.expose_secret());
        let done = client.revoke_installation_token(&token).await;
        let already_invalid = matches!(&done, Err(err) if err.status() == Some(401));
        if let Some(log) = activity {
            let entry = Activity::new(client.api_url().host(), ActivityAction::TokenRevoked)
                .target("an exposed installation token")
                .detail("with its own token");
            log.record(entry.outcome(done.as_ref().map(|id| id.as_deref())));
        }
        match done {
            Ok(_) => report.installation_tokens_revoked += 1,
            Err(_) if already_invalid => report.installation_tokens_invalid += 1,
            Err(err) => report.refused.push((1, err.to_string())),
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLASSIC: &str = "ghp_1234567890abcdefABCDEF1234567890abcd";
    const FINE: &str = "github_pat_0A1B2C3D4E5F6G7H8I9J0K_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456";
    const INSTALLATION: &str = "ghs_abcdefghijklmnopqrstuvwxyz0123456789";

    #[test]
    fn credentials_are_found_in_text_once_each() {
        let text = format!(
            "deploy failed: token={CLASSIC}\nAuthorization: Bearer {FINE}\n{CLASSIC} again, and {INSTALLATION}; not xghp_{} nor ghp_short",
            "a".repeat(36)
        );
        let found = find(&text);
        let kinds: Vec<CredentialKind> = found.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            [
                CredentialKind::ClassicPat,
                CredentialKind::FineGrainedPat,
                CredentialKind::Installation
            ]
        );
        assert_eq!(found[0].value.expose_secret(), CLASSIC);
        assert_eq!(found[1].value.expose_secret(), FINE);
        assert_eq!(found[0].masked(), "ghp_1234…abcd");
        assert!(!found[2].kind.revocable_by_value());
    }

    #[test]
    fn every_prefix_github_documents_is_found() {
        for prefix in ["ghp_", "gho_", "ghu_", "ghr_"] {
            let value = format!("{prefix}{}", "Z9".repeat(20));
            let found = find(&format!("x {value} y"));
            assert_eq!(found.len(), 1, "{prefix}");
            assert_eq!(found[0].kind.prefix(), prefix);
        }
        assert!(find("nothing here: ghp_ gho_abc").is_empty());
        // Any text, whatever its characters: no panic.
        let value = format!("ghu_{}", "é".repeat(3) + &"k".repeat(36));
        assert!(find(&format!("…{value}… ✓ ghp_é {}", "ghr_".repeat(3))).is_empty());
        let found = find(&format!("« ghu_{} »", "k".repeat(36)));
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn a_found_credential_never_shows_itself() {
        let found = find(CLASSIC);
        assert!(!format!("{:?}", found[0]).contains("567890"));
    }
}
