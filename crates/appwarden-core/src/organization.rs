//! Working on an organization through the app's installation there: find the installation
//! (`GET /orgs/{org}/installation`), say which permission it lacks before asking GitHub,
//! mint a token scoped to just the permission the call needs, and make the calls: the
//! organization's installed apps and its audit log. GitHub's "Resource not accessible by
//! integration" becomes the same missing-permission error, never a key problem.

use crate::activity::ActivityAction;
use crate::error::{Error, ErrorCode};
use crate::github::pats::{PatFilter, PatGrant, PatRequest, Review, check_reason};
use crate::github::saml::CredentialAuthorization;
use crate::github::{
    AuditEvent, AuditOrder, AuditQuery, GitHubError, Installation, OrgInstallations, Permissions,
    TokenRequest,
};
use crate::secret::AccessToken;
use crate::session::AppSession;
use std::ops::ControlFlow;

/// A permission an organization endpoint needs, at a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Needs {
    /// GitHub's name (`organization_administration`).
    pub permission: &'static str,
    /// `read` or `write`.
    pub level: &'static str,
}

/// The organization's Administration permission, read: its installed apps and audit log.
pub const ADMINISTRATION_READ: Needs = Needs {
    permission: "organization_administration",
    level: "read",
};

/// The organization's Administration permission, write: removing SAML authorizations.
pub const ADMINISTRATION_WRITE: Needs = Needs {
    permission: "organization_administration",
    level: "write",
};

/// Reading the requests for fine-grained tokens.
pub const PAT_REQUESTS_READ: Needs = Needs {
    permission: "organization_personal_access_token_requests",
    level: "read",
};
/// Approving and denying them.
pub const PAT_REQUESTS_WRITE: Needs = Needs {
    permission: "organization_personal_access_token_requests",
    level: "write",
};
/// Reading the fine-grained tokens with access.
pub const PATS_READ: Needs = Needs {
    permission: "organization_personal_access_tokens",
    level: "read",
};
/// Revoking their access.
pub const PATS_WRITE: Needs = Needs {
    permission: "organization_personal_access_tokens",
    level: "write",
};

/// How a bulk action went: what GitHub took, and what it refused (with why).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkReport {
    pub done: Vec<u64>,
    pub refused: Vec<(u64, String)>,
}

impl Needs {
    /// The permission as GitHub's settings page names it.
    pub fn label(&self) -> String {
        let label = match self.permission {
            "organization_administration" => "Administration",
            "organization_personal_access_tokens" => "Personal access tokens",
            "organization_personal_access_token_requests" => "Personal access token requests",
            other => other,
        };
        format!("organization permission \"{label}\" ({})", self.level)
    }

    fn met_by(&self, granted: Option<&str>) -> bool {
        granted
            .is_some_and(|g| crate::github::level_rank(g) >= crate::github::level_rank(self.level))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    #[error(
        "The app's installation on {org} does not have the {needs_label}{granted}, needed for {what}.",
        needs_label = needs.label(),
        granted = granted.as_deref().map(|g| format!(": it has {g}")).unwrap_or_default()
    )]
    MissingPermission {
        org: String,
        needs: Needs,
        granted: Option<String>,
        /// What was being done ("listing the installed apps").
        what: &'static str,
    },
    #[error(
        "{org}'s {feature}: not offered through GitHub's API for this organization (GitHub answered 404 although the app is installed there): {needs}."
    )]
    NotAvailable {
        org: String,
        feature: &'static str,
        /// What it takes.
        needs: &'static str,
        source: GitHubError,
    },
    /// A review of a request that is no longer pending (GitHub's 422).
    #[error(
        "Request {id} is not pending any more (approved, denied or withdrawn already): GitHub refused to review it again."
    )]
    NotPending { id: u64, source: GitHubError },
    /// GitHub refused the audit log's search phrase (422).
    #[error("GitHub refused the audit-log search phrase: {}", source.api().map(|a| a.message.as_str()).unwrap_or(""))]
    PhraseRefused { source: GitHubError },
}

impl OrgError {
    pub fn code(&self) -> ErrorCode {
        match self {
            OrgError::MissingPermission { .. } => ErrorCode::MissingPermission,
            OrgError::NotAvailable { .. } => ErrorCode::NotAvailable,
            OrgError::PhraseRefused { .. } => ErrorCode::InvalidInput,
            OrgError::NotPending { .. } => ErrorCode::Conflict,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            OrgError::MissingPermission { org, needs, .. } => Some(format!(
                "Give the app the {} in its settings (Permissions & events), then have an owner of {org} accept the new permissions on the installation's page.",
                needs.label()
            )),
            OrgError::NotAvailable { feature, .. } => Some(format!(
                "The organization's owners see its {feature} in its settings where its plan offers them; GitHub's REST API offers them for organizations on GitHub Enterprise Cloud."
            )),
            OrgError::PhraseRefused { .. } => Some(
                "The audit log searches qualifiers, not text: action:CATEGORY or action:CATEGORY.ACTION, actor:LOGIN, user:LOGIN, repo:ORG/REPO, operation:create, created:>=YYYY-MM-DD, each negated with a leading -."
                    .to_owned(),
            ),
            OrgError::NotPending { .. } => {
                Some("List the requests again: only pending ones can be approved or denied.".to_owned())
            }
        }
    }

    /// The GitHub answer behind it, if one was received.
    pub fn github(&self) -> Option<&GitHubError> {
        match self {
            OrgError::NotAvailable { source, .. }
            | OrgError::PhraseRefused { source }
            | OrgError::NotPending { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// What a 404 from an organization endpoint means once the organization was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// Not found, as any 404.
    Any,
    /// The organization's plan has no audit-log API (and a 422 is a refused phrase).
    AuditLog,
    /// The organization does not use SAML single sign-on.
    SamlSso,
}

/// The app's installation on an organization and a token scoped to one permission.
#[derive(Debug)]
pub struct OrgAccess {
    pub org: String,
    pub installation: Installation,
    pub token: AccessToken,
    pub needs: Needs,
}

/// What an audit-log read did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditRead {
    pub events: usize,
    pub pages: usize,
    /// Whether it stopped at the limit (or when told to) with more left.
    pub stopped_early: bool,
}

/// An organization login as the user typed it: `@acme`, ` acme ` → `acme`.
pub fn org_login(text: &str) -> Result<String, Error> {
    let login = text.trim().trim_start_matches('@');
    let valid = !login.is_empty()
        && login.len() <= 39
        && login.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !login.starts_with('-');
    if valid {
        Ok(login.to_owned())
    } else {
        Err(Error::InvalidInput(format!(
            "'{}' is not an organization login: give the name in its github.com address (github.com/LOGIN).",
            text.trim()
        )))
    }
}

impl AppSession {
    /// The app's installation on `org`, with a token scoped to `needs` alone. Refused before
    /// minting when the installation's grant lacks it.
    pub async fn org_access(
        &self,
        org: &str,
        needs: Needs,
        what: &'static str,
    ) -> Result<OrgAccess, Error> {
        let org = org_login(org)?;
        let installation = self.client.org_installation(&self.signer, &org).await?;
        let granted = installation.permissions.get(needs.permission).cloned();
        if !needs.met_by(granted.as_deref()) {
            return Err(OrgError::MissingPermission {
                org,
                needs,
                granted,
                what,
            }
            .into());
        }
        let request = TokenRequest {
            permissions: Permissions::from([(needs.permission.to_owned(), needs.level.to_owned())]),
            ..TokenRequest::default()
        };
        let (token, _) = self.token(installation.id, &request).await?;
        Ok(OrgAccess {
            org,
            installation,
            token: token.token,
            needs,
        })
    }

    /// Every GitHub App installed on the organization (ours among them).
    pub async fn installed_apps(&self, org: &str) -> Result<OrgInstallations, Error> {
        const WHAT: &str = "listing the installed apps";
        let access = self.org_access(org, ADMINISTRATION_READ, WHAT).await?;
        self.client
            .org_installations(&access.token, &access.org)
            .await
            .map_err(|err| access.refused(err, WHAT, Plan::Any))
    }

    /// Reads the organization's audit log page by page, handing each page to `on_page`
    /// (which may stop it), until the log ends or `limit` events were handed over.
    pub async fn audit_log(
        &self,
        org: &str,
        query: &AuditQuery,
        limit: Option<usize>,
        mut on_page: impl FnMut(&[AuditEvent]) -> ControlFlow<()> + Send,
    ) -> Result<AuditRead, Error> {
        const WHAT: &str = "reading the audit log";
        let access = self.org_access(org, ADMINISTRATION_READ, WHAT).await?;
        let mut query = query.clone();
        let limit = limit.unwrap_or(usize::MAX);
        if query.per_page == 0 {
            query.per_page = 100;
        }
        query.per_page = query.per_page.min(limit).clamp(1, 100);
        let mut read = AuditRead::default();
        let mut after: Option<String> = None;
        loop {
            let page = self
                .client
                .audit_log_page(&access.token, &access.org, &query, after.as_deref())
                .await
                .map_err(|err| access.refused(err, WHAT, Plan::AuditLog))?;
            read.pages += 1;
            let room = limit - read.events;
            // `created:>=` is a day; what came before `since` on that day is left out, and
            // newest first, the first such event ends the read.
            let before_since = |e: &AuditEvent| {
                query
                    .since
                    .is_some_and(|since| e.at().is_some_and(|at| at < since))
            };
            let reached_since =
                query.order == AuditOrder::Desc && page.events.iter().any(before_since);
            let kept: Vec<AuditEvent> = page
                .events
                .into_iter()
                .filter(|e| !before_since(e))
                .take(room)
                .collect();
            read.events += kept.len();
            let stop = on_page(&kept).is_break();
            let more = page.after.is_some() && !reached_since;
            if !more {
                break;
            }
            if stop || read.events >= limit {
                read.stopped_early = true;
                break;
            }
            after = page.after;
        }
        Ok(read)
    }
}

impl AppSession {
    /// The pending requests for fine-grained tokens to access `org`.
    pub async fn pat_requests(
        &self,
        org: &str,
        filter: &PatFilter,
    ) -> Result<Vec<PatRequest>, Error> {
        const WHAT: &str = "listing the requests for personal access tokens";
        filter.validate().map_err(Error::InvalidInput)?;
        let access = self.org_access(org, PAT_REQUESTS_READ, WHAT).await?;
        self.client
            .pat_requests(&access.token, &access.org, filter)
            .await
            .map_err(|err| access.refused(err, WHAT, Plan::Any))
    }

    /// The fine-grained tokens with access to `org`.
    pub async fn pat_grants(&self, org: &str, filter: &PatFilter) -> Result<Vec<PatGrant>, Error> {
        const WHAT: &str = "listing the personal access tokens";
        filter.validate().map_err(Error::InvalidInput)?;
        let access = self.org_access(org, PATS_READ, WHAT).await?;
        self.client
            .pat_grants(&access.token, &access.org, filter)
            .await
            .map_err(|err| access.refused(err, WHAT, Plan::Any))
    }

    /// The repositories a request asks for (`grant: false`) or a token reaches.
    pub async fn pat_repositories(
        &self,
        org: &str,
        id: u64,
        grant: bool,
    ) -> Result<Vec<crate::github::Repository>, Error> {
        const WHAT: &str = "listing a personal access token's repositories";
        let needs = if grant { PATS_READ } else { PAT_REQUESTS_READ };
        let access = self.org_access(org, needs, WHAT).await?;
        self.client
            .pat_repositories(&access.token, &access.org, id, grant)
            .await
            .map_err(|err| access.refused(err, WHAT, Plan::Any))
    }

    /// Approves or denies requests: one alone with `POST …/{id}` (204), more 100 a request
    /// (202). The reason (at most 1,024 characters) is checked before anything is sent.
    pub async fn review_pat_requests(
        &self,
        org: &str,
        ids: &[u64],
        review: Review,
        reason: Option<&str>,
    ) -> Result<BulkReport, Error> {
        const WHAT: &str = "reviewing requests for personal access tokens";
        check_reason(reason).map_err(Error::InvalidInput)?;
        if ids.is_empty() {
            return Err(Error::InvalidInput(
                "Give the ID of at least one request.".into(),
            ));
        }
        let access = self.org_access(org, PAT_REQUESTS_WRITE, WHAT).await?;
        let action = match review {
            Review::Approve => ActivityAction::PatRequestApproved,
            Review::Deny => ActivityAction::PatRequestDenied,
        };
        self.in_batches(&access, ids, WHAT, action, Change::Review(review, reason))
            .await
            // One request alone is answered 422 when it is no longer pending.
            .map_err(|err| match err.status() {
                Some(422) => OrgError::NotPending {
                    id: ids[0],
                    source: err,
                }
                .into(),
                _ => access.refused(err, WHAT, Plan::Any),
            })
    }

    /// Revokes tokens' access: one alone (204), more 100 a request (202).
    pub async fn revoke_pat_grants(&self, org: &str, ids: &[u64]) -> Result<BulkReport, Error> {
        const WHAT: &str = "revoking personal access tokens' access";
        if ids.is_empty() {
            return Err(Error::InvalidInput(
                "Give the ID of at least one token.".into(),
            ));
        }
        let access = self.org_access(org, PATS_WRITE, WHAT).await?;
        self.in_batches(
            &access,
            ids,
            WHAT,
            ActivityAction::PatAccessRevoked,
            Change::Revoke,
        )
        .await
        .map_err(|err| access.refused(err, WHAT, Plan::Any))
    }

    /// Sends `ids` 100 at a time, recording each request. One ID alone fails with GitHub's
    /// answer, for the caller to put in words; in bulk, a refused request's IDs are reported
    /// with why.
    async fn in_batches(
        &self,
        access: &OrgAccess,
        ids: &[u64],
        what: &'static str,
        action: ActivityAction,
        change: Change<'_>,
    ) -> Result<BulkReport, GitHubError> {
        let mut report = BulkReport::default();
        for batch in ids.chunks(crate::github::pats::BULK_LIMIT) {
            let (token, org) = (&access.token, access.org.as_str());
            let (done, noun, reason) = match change {
                Change::Review(review, reason) => (
                    self.client
                        .review_pat_requests(token, org, batch, review, reason)
                        .await,
                    "request(s)",
                    reason,
                ),
                Change::Revoke => (
                    self.client.revoke_pat_grants(token, org, batch).await,
                    "token grant(s)",
                    None,
                ),
            };
            let target = format!("{noun} {}", join_ids(batch));
            self.record_org(action, org, target, reason, &done);
            match done {
                Ok(_) => report.done.extend_from_slice(batch),
                Err(err) if ids.len() == 1 => return Err(err),
                Err(err) => {
                    let why = access.refused(err, what, Plan::Any).to_string();
                    report
                        .refused
                        .extend(batch.iter().map(|id| (*id, why.clone())));
                }
            }
        }
        Ok(report)
    }
}

impl AppSession {
    /// The organization's SAML SSO credential authorizations, only `login`'s when given.
    pub async fn saml_authorizations(
        &self,
        org: &str,
        login: Option<&str>,
    ) -> Result<Vec<CredentialAuthorization>, Error> {
        const WHAT: &str = "listing the SAML credential authorizations";
        let access = self.org_access(org, ADMINISTRATION_READ, WHAT).await?;
        self.client
            .credential_authorizations(&access.token, &access.org, login)
            .await
            .map_err(|err| access.refused(err, WHAT, Plan::SamlSso))
    }

    /// Removes one credential's SAML SSO authorization (its owner must authorize it again).
    pub async fn remove_saml_authorization(
        &self,
        org: &str,
        credential_id: u64,
    ) -> Result<(), Error> {
        const WHAT: &str = "removing a SAML credential authorization";
        let access = self.org_access(org, ADMINISTRATION_WRITE, WHAT).await?;
        let done = self
            .client
            .remove_credential_authorization(&access.token, &access.org, credential_id)
            .await;
        self.record_org(
            ActivityAction::SamlAuthorizationRemoved,
            &access.org,
            format!("credential authorization {credential_id}"),
            None,
            &done,
        );
        done.map(drop)
            .map_err(|err| access.refused(err, WHAT, Plan::Any))
    }
}

/// A change made to fine-grained tokens, in batches.
#[derive(Clone, Copy)]
enum Change<'a> {
    Review(Review, Option<&'a str>),
    Revoke,
}

fn join_ids(ids: &[u64]) -> String {
    ids.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl OrgAccess {
    /// GitHub's refusal of a call made with this access, in plain words where it can be.
    /// `plan`: what a 404 means when the organization and the app's installation on it were
    /// just found (the organization's plan does not offer the feature).
    fn refused(&self, err: GitHubError, what: &'static str, plan: Plan) -> Error {
        match err.api() {
            Some(api)
                if api.status == 403 && api.message.contains("not accessible by integration") =>
            {
                OrgError::MissingPermission {
                    org: self.org.clone(),
                    needs: self.needs,
                    granted: self
                        .installation
                        .permissions
                        .get(self.needs.permission)
                        .cloned(),
                    what,
                }
                .into()
            }
            Some(api) if api.status == 404 && plan != Plan::Any => {
                let (feature, needs) = match plan {
                    Plan::SamlSso => (
                        "SAML credential authorizations",
                        "credential authorizations exist only for an organization that uses SAML single sign-on, which needs GitHub Enterprise Cloud",
                    ),
                    _ => (
                        "audit log",
                        "the audit log's REST API needs GitHub Enterprise Cloud (or an Enterprise Server)",
                    ),
                };
                OrgError::NotAvailable {
                    org: self.org.clone(),
                    feature,
                    needs,
                    source: err,
                }
                .into()
            }
            Some(api) if api.status == 422 && plan == Plan::AuditLog => {
                OrgError::PhraseRefused { source: err }.into()
            }
            _ => err.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_logins_are_checked_before_anything_is_asked() {
        assert_eq!(org_login(" @acme-labs ").unwrap(), "acme-labs");
        for bad in ["", "acme/labs", "-acme", "a b", &"x".repeat(40)] {
            let err = org_login(bad).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidInput, "{bad}");
        }
    }

    #[test]
    fn a_permission_is_met_by_its_level_or_a_higher_one() {
        assert!(ADMINISTRATION_READ.met_by(Some("read")));
        assert!(ADMINISTRATION_READ.met_by(Some("write")));
        assert!(!ADMINISTRATION_READ.met_by(None));
        let write = Needs {
            permission: "organization_personal_access_tokens",
            level: "write",
        };
        assert!(!write.met_by(Some("read")));
    }

    fn access(granted: Option<&str>) -> OrgAccess {
        let mut installation: Installation = serde_json::from_value(serde_json::json!({
            "id": 7, "repository_selection": "all", "app_id": 1,
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"
        }))
        .unwrap();
        if let Some(level) = granted {
            installation.permissions = std::sync::Arc::new(Permissions::from([(
                "organization_administration".to_owned(),
                level.to_owned(),
            )]));
        }
        OrgAccess {
            org: "acme".into(),
            installation,
            token: AccessToken::new("ghs_x"),
            needs: ADMINISTRATION_READ,
        }
    }

    fn answered(status: u16, message: &str) -> GitHubError {
        GitHubError::Api(crate::github::ApiError {
            endpoint: "GET /orgs/acme/audit-log".into(),
            status,
            message: message.into(),
            documentation_url: None,
            request_id: Some("R1".into()),
            rate_limit_reset: None,
        })
    }

    #[test]
    fn github_refusals_become_what_they_mean() {
        let access = access(Some("read"));
        let err = access.refused(
            answered(403, "Resource not accessible by integration"),
            "reading the audit log",
            Plan::AuditLog,
        );
        assert_eq!(err.code(), ErrorCode::MissingPermission);
        assert!(err.to_string().contains("it has read"), "{err}");
        let err = access.refused(
            answered(404, "Not Found"),
            "reading the audit log",
            Plan::AuditLog,
        );
        assert_eq!(err.code(), ErrorCode::NotAvailable);
        assert_eq!(err.github().and_then(|g| g.request_id()), Some("R1"));
        let err = access.refused(
            answered(404, "Not Found"),
            "listing the installed apps",
            Plan::Any,
        );
        assert_eq!(err.code(), ErrorCode::NotFound);
        let err = access.refused(
            answered(422, "Validation Failed"),
            "reading the audit log",
            Plan::AuditLog,
        );
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(err.hint().unwrap().contains("qualifiers"));
        // A rate limit stays a rate limit, never a permissions problem.
        let limited = GitHubError::RateLimited {
            endpoint: "GET /orgs/acme/audit-log".into(),
            kind: crate::github::RateLimitKind::Secondary,
            reset_at: None,
            message: "You have exceeded a secondary rate limit.".into(),
            request_id: None,
        };
        let err = access.refused(limited, "reading the audit log", Plan::AuditLog);
        assert_eq!(err.code(), ErrorCode::RateLimited);
    }

    #[test]
    fn a_missing_permission_names_it_and_what_to_do() {
        let err: Error = OrgError::MissingPermission {
            org: "acme".into(),
            needs: ADMINISTRATION_READ,
            granted: None,
            what: "reading the audit log",
        }
        .into();
        assert_eq!(err.code(), ErrorCode::MissingPermission);
        assert_eq!(
            err.to_string(),
            "The app's installation on acme does not have the organization permission \"Administration\" (read), needed for reading the audit log."
        );
        assert!(err.hint().unwrap().contains("accept the new permissions"));
    }
}
