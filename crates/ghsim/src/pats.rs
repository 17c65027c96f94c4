//! An organization's fine-grained personal access tokens: members' requests for access
//! (pending until an owner, or an app with the permission, approves or denies them) and the
//! tokens that have access. Generated deterministically per organization, some hundreds of
//! each, of varied ages, expiries, last uses and permissions.

use crate::model::SimRepo;
use crate::orgs::{REPOS, Seq};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

/// Requests each organization is seeded with (most pending, some already reviewed).
pub const PAT_REQUESTS: usize = 180;
/// Tokens with access each organization is seeded with.
pub const PAT_GRANTS: usize = 260;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestState {
    Pending,
    Approved,
    Denied,
}

/// Permissions as GitHub groups them for a fine-grained token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatPermissions {
    pub organization: BTreeMap<String, String>,
    pub repository: BTreeMap<String, String>,
}

/// What a request and a grant share: the token and what it asks for.
#[derive(Debug, Clone)]
pub struct SimPat {
    pub owner_login: String,
    pub owner_id: u64,
    pub token_id: u64,
    pub token_name: String,
    /// `all`, `subset` or `none`.
    pub repository_selection: &'static str,
    pub repositories: Vec<SimRepo>,
    pub permissions: PatPermissions,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct SimPatRequest {
    pub id: u64,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub state: RequestState,
    pub pat: SimPat,
}

#[derive(Debug, Clone)]
pub struct SimPatGrant {
    pub id: u64,
    pub access_granted_at: DateTime<Utc>,
    pub revoked: bool,
    pub pat: SimPat,
}

const OWNERS: &[&str] = &[
    "mona",
    "hubot",
    "octocat",
    "alice-admin",
    "bob-dev",
    "carol-sre",
    "dave-sec",
    "erin-ops",
    "frank-qa",
    "grace-lead",
    "heidi-intern",
    "ivan-contractor",
    "judy-data",
    "mallory-ext",
];
const TOKEN_NAMES: &[&str] = &[
    "ci-deploy",
    "release-script",
    "laptop",
    "terraform",
    "backup",
    "docs-sync",
    "dependency-bot",
    "local-dev",
    "migration",
    "dashboards",
];
const REASONS: &[&str] = &[
    "Deploys from the release pipeline",
    "Local development against the monorepo",
    "Nightly backup of issues",
    "Sync docs to the website",
    "Infrastructure changes with Terraform",
];
const REPOSITORY_PERMISSIONS: &[(&str, &[&str])] = &[
    ("contents", &["read", "write"]),
    ("issues", &["read", "write"]),
    ("pull_requests", &["read", "write"]),
    ("metadata", &["read"]),
    ("actions", &["read", "write"]),
    ("administration", &["read", "write"]),
    ("secrets", &["read", "write"]),
    ("workflows", &["write"]),
];
const ORGANIZATION_PERMISSIONS: &[(&str, &[&str])] = &[
    ("members", &["read", "write"]),
    ("organization_administration", &["read", "write"]),
    ("organization_projects", &["read", "write", "admin"]),
];

fn pat(seq: &mut Seq, org_id: u64, token_id: u64, now: DateTime<Utc>) -> SimPat {
    let owner_index = seq.below(OWNERS.len() as u64) as usize;
    let selection = match seq.below(5) {
        0 => "all",
        1 => "none",
        _ => "subset",
    };
    let repositories = if selection == "subset" {
        (0..1 + seq.below(3))
            .map(|k| SimRepo {
                id: org_id * 1_000 + 500 + k,
                name: REPOS[(token_id as usize + k as usize) % REPOS.len()].to_owned(),
                private: true,
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut permissions = PatPermissions::default();
    permissions
        .repository
        .insert("metadata".to_owned(), "read".to_owned());
    for _ in 0..1 + seq.below(3) {
        let (name, levels) =
            REPOSITORY_PERMISSIONS[seq.below(REPOSITORY_PERMISSIONS.len() as u64) as usize];
        let level = levels[seq.below(levels.len() as u64) as usize];
        permissions
            .repository
            .insert(name.to_owned(), level.to_owned());
    }
    if seq.below(4) == 0 {
        let (name, levels) =
            ORGANIZATION_PERMISSIONS[seq.below(ORGANIZATION_PERMISSIONS.len() as u64) as usize];
        let level = levels[seq.below(levels.len() as u64) as usize];
        permissions
            .organization
            .insert(name.to_owned(), level.to_owned());
    }
    // Expiry from already past to a year ahead, some without any; last use from never to
    // minutes ago.
    let expires_at = match seq.below(10) {
        0 => None,
        1 => Some(now - Duration::days(1 + seq.below(30) as i64)),
        2 => Some(now + Duration::days(1 + seq.below(6) as i64)),
        _ => Some(now + Duration::days(8 + seq.below(360) as i64)),
    };
    let last_used_at = match seq.below(6) {
        0 => None,
        1 => Some(now - Duration::days(91 + seq.below(200) as i64)),
        _ => Some(now - Duration::minutes(5 + seq.below(60 * 24 * 60) as i64)),
    };
    SimPat {
        owner_login: OWNERS[owner_index].to_owned(),
        owner_id: 7_000_000 + owner_index as u64,
        token_id,
        token_name: format!(
            "{}-{}",
            TOKEN_NAMES[seq.below(TOKEN_NAMES.len() as u64) as usize],
            token_id % 1_000
        ),
        repository_selection: selection,
        repositories,
        permissions,
        expires_at,
        last_used_at,
    }
}

/// The organization `org_id`'s requests and grants, as of `now`.
pub fn generate(org_id: u64, now: DateTime<Utc>) -> (Vec<SimPatRequest>, Vec<SimPatGrant>) {
    let mut seq = Seq(org_id ^ 0x005e_ed0f_7a75);
    let base = (org_id % 1_000_000) * 10_000;
    let requests = (0..PAT_REQUESTS)
        .map(|i| {
            let state = match seq.below(10) {
                0 => RequestState::Approved,
                1 => RequestState::Denied,
                _ => RequestState::Pending,
            };
            SimPatRequest {
                id: base + 1 + i as u64,
                reason: (seq.below(4) != 0)
                    .then(|| REASONS[seq.below(REASONS.len() as u64) as usize].to_owned()),
                created_at: now - Duration::hours(1 + i as i64 * 7),
                state,
                pat: pat(&mut seq, org_id, base + 5_001 + i as u64, now),
            }
        })
        .collect();
    let grants = (0..PAT_GRANTS)
        .map(|i| SimPatGrant {
            id: base + 2_001 + i as u64,
            access_granted_at: now - Duration::hours(3 + i as i64 * 13),
            revoked: false,
            pat: pat(&mut seq, org_id, base + 7_001 + i as u64, now),
        })
        .collect();
    (requests, grants)
}
