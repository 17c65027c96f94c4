//! What crosses IPC for the Organization view's token tabs: fine-grained personal access
//! token requests and the tokens with access (with the marks an administrator looks for),
//! and how bulk actions went per item.

use appwarden_core::github::pats::{PatGrant, PatMark, PatPermissions, PatRequest, marks};
use appwarden_core::organization::BulkReport;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// A token request or a token with access, as the tables show them.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PatRow {
    #[ts(type = "number")]
    pub id: u64,
    pub owner: String,
    pub owner_avatar_url: Option<String>,
    pub token_name: String,
    #[ts(type = "number")]
    pub token_id: u64,
    /// A request's reason.
    pub reason: Option<String>,
    /// `all`, `subset` or `none`.
    pub repository_selection: String,
    pub organization_permissions: BTreeMap<String, String>,
    pub repository_permissions: BTreeMap<String, String>,
    /// When requested, or when access was granted (RFC 3339).
    pub since: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub marks: Vec<PatMark>,
}

fn rfc(at: Option<DateTime<Utc>>) -> Option<String> {
    at.map(|at| at.to_rfc3339())
}

#[allow(clippy::too_many_arguments)]
fn row(
    id: u64,
    owner: &appwarden_core::github::Account,
    token_name: &str,
    token_id: u64,
    reason: Option<String>,
    repository_selection: &str,
    permissions: &PatPermissions,
    since: DateTime<Utc>,
    expired: bool,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> PatRow {
    PatRow {
        id,
        owner: owner.display_name().to_owned(),
        owner_avatar_url: owner.avatar_url.clone(),
        token_name: token_name.to_owned(),
        token_id,
        reason,
        repository_selection: repository_selection.to_owned(),
        organization_permissions: permissions.organization.clone(),
        repository_permissions: permissions.repository.clone(),
        since: since.to_rfc3339(),
        expires_at: rfc(expires_at),
        last_used_at: rfc(last_used_at),
        marks: marks(
            expired,
            expires_at,
            last_used_at,
            repository_selection,
            permissions,
            now,
        ),
    }
}

impl PatRow {
    pub fn request(r: &PatRequest, now: DateTime<Utc>) -> Self {
        row(
            r.id,
            &r.owner,
            &r.token_name,
            r.token_id,
            r.reason.clone(),
            &r.repository_selection,
            &r.permissions,
            r.created_at,
            r.token_expired,
            r.token_expires_at,
            r.token_last_used_at,
            now,
        )
    }

    pub fn grant(g: &PatGrant, now: DateTime<Utc>) -> Self {
        row(
            g.id,
            &g.owner,
            &g.token_name,
            g.token_id,
            None,
            &g.repository_selection,
            &g.permissions,
            g.access_granted_at,
            g.token_expired,
            g.token_expires_at,
            g.token_last_used_at,
            now,
        )
    }
}

/// The server-side filters (GitHub's).
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct PatQuery {
    pub owner: Option<String>,
    pub repository: Option<String>,
    /// `issues_read`.
    pub permission: Option<String>,
}

/// How a bulk action went, item by item.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BulkOutcome {
    #[ts(type = "number[]")]
    pub done: Vec<u64>,
    /// (ID, why).
    #[ts(type = "Array<[number, string]>")]
    pub refused: Vec<(u64, String)>,
    /// GitHub took a bulk request as a whole (202): it says nothing about each item.
    pub accepted_as_a_whole: bool,
}

impl BulkOutcome {
    pub fn new(report: BulkReport, items: usize) -> Self {
        Self {
            done: report.done,
            refused: report.refused,
            accepted_as_a_whole: items > 1,
        }
    }
}
