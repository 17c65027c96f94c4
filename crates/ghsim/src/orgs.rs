//! What an organization holds beyond our app's installation: the other GitHub Apps installed
//! on it, its plan (the audit log's REST API needs GitHub Enterprise Cloud) and its audit
//! log. Generated deterministically from the organization's account ID the first time it is
//! asked for, then kept (so that what a test reads stays put).

use crate::model::{SimApp, SimInstallation, SimRepo};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

/// Audit events of the last three months each organization is seeded with.
pub const RECENT_AUDIT_EVENTS: usize = 3_000;
/// Older events (three to five months back), found only with a `created:` qualifier.
pub const OLDER_AUDIT_EVENTS: usize = 200;
/// What GitHub shows by default: "the response includes up to 30 events from the past three
/// months" (the endpoint's description). Taken as 90 days.
pub const DEFAULT_AUDIT_WINDOW_DAYS: i64 = 90;

/// One organization's world.
#[derive(Debug, Clone)]
pub struct SimOrg {
    pub id: u64,
    pub login: String,
    /// On GitHub Enterprise Cloud (where the audit-log API is offered).
    pub enterprise_cloud: bool,
    /// The other apps installed here (our own app's installation lives in the state's list).
    pub other_apps: Vec<(SimApp, SimInstallation)>,
    /// Newest first.
    pub audit: Vec<AuditEvent>,
    /// Members' requests for access with fine-grained personal access tokens.
    pub pat_requests: Vec<crate::pats::SimPatRequest>,
    /// Fine-grained personal access tokens with access.
    pub pat_grants: Vec<crate::pats::SimPatGrant>,
    /// Credentials members authorized for SAML single sign-on (Enterprise Cloud).
    pub credentials: Vec<SimCredential>,
}

/// A credential authorized for the organization's SAML single sign-on.
#[derive(Debug, Clone)]
pub struct SimCredential {
    pub credential_id: u64,
    pub login: String,
    /// `personal access token`, `SSH key`, `OAuth app token` or `GitHub app token`.
    pub credential_type: &'static str,
    /// A token's last eight characters.
    pub last_eight: String,
    /// An SSH key's fingerprint.
    pub fingerprint: String,
    pub scopes: Vec<&'static str>,
    pub authorized_at: DateTime<Utc>,
    pub accessed_at: Option<DateTime<Utc>>,
    pub authorized_credential_id: u64,
    /// An SSH key's title or a token's note.
    pub title: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub removed: bool,
}

/// Credentials each organization on Enterprise Cloud is seeded with.
pub const SAML_CREDENTIALS: usize = 64;

fn credentials(account_id: u64, seq: &mut Seq, now: DateTime<Utc>) -> Vec<SimCredential> {
    const TYPES: [&str; 4] = [
        "personal access token",
        "SSH key",
        "OAuth app token",
        "GitHub app token",
    ];
    (0..SAML_CREDENTIALS)
        .map(|i| {
            let credential_type = TYPES[seq.below(4) as usize];
            let member = MEMBERS[seq.below(MEMBERS.len() as u64) as usize];
            let token = credential_type != "SSH key";
            SimCredential {
                credential_id: (account_id % 1_000_000) * 1_000 + 101 + i as u64,
                login: member.to_owned(),
                credential_type,
                last_eight: format!("{:08x}", seq.next() as u32),
                fingerprint: format!("SHA256:{}", document_id(account_id, 90_000 + i as u64)),
                scopes: if credential_type == "personal access token" {
                    vec!["repo", "read:org"]
                } else if token {
                    vec!["repo"]
                } else {
                    Vec::new()
                },
                authorized_at: now - Duration::days(1 + seq.below(400) as i64),
                accessed_at: (seq.below(5) != 0)
                    .then(|| now - Duration::hours(1 + seq.below(2_000) as i64)),
                authorized_credential_id: 40_000_000 + account_id % 1_000_000 * 100 + i as u64,
                title: if token {
                    format!(
                        "{member}'s {} token",
                        ["ci", "laptop", "deploy", "backup"][seq.below(4) as usize]
                    )
                } else {
                    format!("{member}@workstation")
                },
                expires_at: (token && seq.below(3) != 0)
                    .then(|| now + Duration::days(seq.below(200) as i64 - 20)),
                removed: false,
            }
        })
        .collect()
}

/// One audit-log event, with the fields Appwarden reads and a few GitHub always sends.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub document_id: String,
    /// Milliseconds since the epoch, as GitHub gives `@timestamp` and `created_at`.
    pub at_ms: i64,
    pub action: &'static str,
    pub actor: String,
    pub actor_id: u64,
    pub user: Option<String>,
    pub repo: Option<String>,
    /// `integration` for the app events: the app's slug.
    pub integration: Option<String>,
    pub operation_type: &'static str,
    pub country: (&'static str, &'static str),
    /// Git events (`git.clone`, `git.push`) are left out unless `include` asks for them.
    pub git: bool,
}

const OTHER_APPS: &[(&str, &[(&str, &str)])] = &[
    (
        "ci-runner",
        &[
            ("contents", "read"),
            ("checks", "write"),
            ("statuses", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "deploy-bot",
        &[
            ("contents", "write"),
            ("deployments", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "codecov",
        &[
            ("contents", "read"),
            ("checks", "write"),
            ("pull_requests", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "renovate",
        &[
            ("contents", "write"),
            ("pull_requests", "write"),
            ("workflows", "write"),
            ("issues", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "slack",
        &[
            ("issues", "read"),
            ("pull_requests", "read"),
            ("metadata", "read"),
            ("members", "read"),
        ],
    ),
    (
        "jira-cloud",
        &[
            ("issues", "write"),
            ("pull_requests", "read"),
            ("contents", "read"),
            ("metadata", "read"),
        ],
    ),
    (
        "sentry-io",
        &[
            ("contents", "read"),
            ("issues", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "snyk-security",
        &[
            ("contents", "read"),
            ("security_events", "write"),
            ("pull_requests", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "netlify",
        &[
            ("contents", "read"),
            ("deployments", "write"),
            ("statuses", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "vercel",
        &[
            ("contents", "read"),
            ("deployments", "write"),
            ("administration", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "mergify",
        &[
            ("contents", "write"),
            ("pull_requests", "write"),
            ("checks", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "gitguardian",
        &[
            ("contents", "read"),
            ("secret_scanning_alerts", "read"),
            ("checks", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "sonarcloud",
        &[
            ("contents", "read"),
            ("checks", "write"),
            ("pull_requests", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "repo-settings",
        &[
            ("administration", "write"),
            ("contents", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "org-sync",
        &[
            ("members", "write"),
            ("organization_administration", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "datadog",
        &[
            ("actions", "read"),
            ("checks", "read"),
            ("metadata", "read"),
        ],
    ),
    ("pagerduty", &[("issues", "write"), ("metadata", "read")]),
    (
        "linear",
        &[
            ("issues", "write"),
            ("pull_requests", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "zenhub",
        &[
            ("issues", "write"),
            ("members", "read"),
            ("metadata", "read"),
        ],
    ),
    (
        "imgbot",
        &[
            ("contents", "write"),
            ("pull_requests", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "stale",
        &[
            ("issues", "write"),
            ("pull_requests", "write"),
            ("metadata", "read"),
        ],
    ),
    ("welcome", &[("issues", "write"), ("metadata", "read")]),
    (
        "backup-vault",
        &[
            ("contents", "read"),
            ("administration", "read"),
            ("organization_administration", "read"),
            ("metadata", "read"),
        ],
    ),
    (
        "secrets-sync",
        &[
            ("secrets", "write"),
            ("actions_variables", "write"),
            ("organization_secrets", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "policy-bot",
        &[
            ("administration", "read"),
            ("pull_requests", "read"),
            ("statuses", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "release-drafter",
        &[
            ("contents", "write"),
            ("pull_requests", "read"),
            ("metadata", "read"),
        ],
    ),
    (
        "dependency-review",
        &[
            ("contents", "read"),
            ("vulnerability_alerts", "read"),
            ("metadata", "read"),
        ],
    ),
    (
        "azure-boards",
        &[
            ("issues", "read"),
            ("pull_requests", "read"),
            ("metadata", "read"),
        ],
    ),
    ("figma", &[("pull_requests", "read"), ("metadata", "read")]),
    (
        "audit-exporter",
        &[
            ("organization_administration", "read"),
            ("members", "read"),
            ("metadata", "read"),
        ],
    ),
    (
        "runner-autoscaler",
        &[
            ("organization_self_hosted_runners", "write"),
            ("actions", "read"),
            ("metadata", "read"),
        ],
    ),
    ("label-sync", &[("issues", "write"), ("metadata", "read")]),
    (
        "license-check",
        &[
            ("contents", "read"),
            ("checks", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "pr-size",
        &[("pull_requests", "write"), ("metadata", "read")],
    ),
    (
        "terraform-cloud",
        &[
            ("contents", "read"),
            ("statuses", "write"),
            ("metadata", "read"),
        ],
    ),
    (
        "wiki-mirror",
        &[
            ("contents", "write"),
            ("pages", "write"),
            ("metadata", "read"),
        ],
    ),
];

/// Actions the audit log is seeded with, with how often each comes (out of the sum), its
/// operation type, and what it is about. The programmatic-access ones come first. Each other
/// app's `integration_installation.create` is added at the time it was installed (the
/// installation's `created_at`), by one of the members.
const ACTIONS: &[(&str, u32, &str, Subject)] = &[
    (
        "integration_installation.destroy",
        1,
        "remove",
        Subject::App,
    ),
    (
        "integration_installation.repositories_added",
        6,
        "modify",
        Subject::App,
    ),
    (
        "integration_installation.repositories_removed",
        3,
        "modify",
        Subject::App,
    ),
    (
        "integration_installation.suspend",
        1,
        "modify",
        Subject::App,
    ),
    (
        "integration_installation.unsuspend",
        1,
        "modify",
        Subject::App,
    ),
    (
        "integration_installation.version_updated",
        3,
        "modify",
        Subject::App,
    ),
    (
        "integration_installation_request.create",
        2,
        "create",
        Subject::App,
    ),
    (
        "integration_installation_request.close",
        1,
        "modify",
        Subject::App,
    ),
    ("integration.create", 1, "create", Subject::App),
    ("integration.transfer", 1, "transfer", Subject::App),
    (
        "personal_access_token.request_created",
        5,
        "create",
        Subject::User,
    ),
    (
        "personal_access_token.access_granted",
        4,
        "modify",
        Subject::User,
    ),
    (
        "personal_access_token.request_denied",
        1,
        "modify",
        Subject::User,
    ),
    (
        "personal_access_token.access_revoked",
        2,
        "remove",
        Subject::User,
    ),
    ("oauth_authorization.create", 3, "create", Subject::User),
    ("oauth_authorization.destroy", 1, "remove", Subject::User),
    (
        "org_credential_authorization.grant",
        4,
        "create",
        Subject::User,
    ),
    (
        "org_credential_authorization.deauthorize",
        1,
        "remove",
        Subject::User,
    ),
    (
        "org_credential_authorization.revoke",
        1,
        "remove",
        Subject::User,
    ),
    ("repo.create", 5, "create", Subject::Repo),
    ("repo.access", 2, "modify", Subject::Repo),
    ("repo.destroy", 1, "remove", Subject::Repo),
    ("team.add_member", 6, "modify", Subject::User),
    ("team.remove_member", 2, "modify", Subject::User),
    ("org.add_member", 4, "create", Subject::User),
    ("org.remove_member", 1, "remove", Subject::User),
    ("org.update_member", 2, "modify", Subject::User),
    ("protected_branch.update", 3, "modify", Subject::Repo),
    ("pull_request.merge", 10, "modify", Subject::Repo),
    (
        "workflows.completed_workflow_run",
        8,
        "modify",
        Subject::Repo,
    ),
    ("git.clone", 8, "access", Subject::Git),
    ("git.push", 6, "modify", Subject::Git),
];

#[derive(Debug, Clone, Copy)]
enum Subject {
    App,
    User,
    Repo,
    Git,
}

const MEMBERS: &[&str] = &[
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
];
const COUNTRIES: &[(&str, &str)] = &[
    ("US", "United States"),
    ("GB", "United Kingdom"),
    ("DE", "Germany"),
    ("IN", "India"),
    ("BR", "Brazil"),
    ("JP", "Japan"),
];
pub(crate) const REPOS: &[&str] = &["api", "web", "docs", "infra", "mobile", "sdk", "platform"];

/// A small deterministic generator (SplitMix64), so that an organization's world is the same
/// in every run.
pub(crate) struct Seq(pub(crate) u64);

impl Seq {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Whether ghsim's organization `account_id` is on GitHub Enterprise Cloud: all but one in
/// eight (those answer the audit log's 404, as a Free or Team organization does).
pub fn on_enterprise_cloud(account_id: u64) -> bool {
    account_id % 8 != 6
}

/// The organization `account_id` (`login`), as of `now`.
pub fn generate(
    account_id: u64,
    login: &str,
    enterprise_cloud: bool,
    now: DateTime<Utc>,
) -> SimOrg {
    let mut seq = Seq(account_id.wrapping_mul(0x2545_F491_4F6C_DD1D));
    let count = 24 + seq.below(13) as usize;
    let start = seq.below(OTHER_APPS.len() as u64) as usize;
    let other_apps: Vec<(SimApp, SimInstallation)> = (0..count.min(OTHER_APPS.len()))
        .map(|k| {
            let index = (start + k) % OTHER_APPS.len();
            let (slug, permissions) = OTHER_APPS[index];
            other_app(account_id, login, index, slug, permissions, &mut seq, now)
        })
        .collect();

    let total_weight: u32 = ACTIONS.iter().map(|a| a.1).sum();
    let window_ms = DEFAULT_AUDIT_WINDOW_DAYS * 86_400_000;
    let now_ms = now.timestamp_millis();
    let mut audit = Vec::with_capacity(RECENT_AUDIT_EVENTS + OLDER_AUDIT_EVENTS);
    for i in 0..RECENT_AUDIT_EVENTS + OLDER_AUDIT_EVENTS {
        let at_ms = if i < RECENT_AUDIT_EVENTS {
            // Spread over the last three months, newest first, a minute or more apart.
            now_ms - 60_000 - (i as i64 * (window_ms - 120_000)) / RECENT_AUDIT_EVENTS as i64
        } else {
            let j = (i - RECENT_AUDIT_EVENTS) as i64;
            now_ms - window_ms - 86_400_000 - j * (60 * 86_400_000) / OLDER_AUDIT_EVENTS as i64
        } - seq.below(50_000) as i64;
        let mut pick = seq.below(total_weight as u64) as u32;
        let &(action, _, operation_type, subject) = ACTIONS
            .iter()
            .find(|a| {
                if pick < a.1 {
                    true
                } else {
                    pick -= a.1;
                    false
                }
            })
            .unwrap_or(&ACTIONS[0]);
        let actor_index = seq.below(MEMBERS.len() as u64) as usize;
        let member = MEMBERS[seq.below(MEMBERS.len() as u64) as usize];
        let repo = REPOS[seq.below(REPOS.len() as u64) as usize];
        let app = &other_apps[seq.below(other_apps.len() as u64) as usize]
            .0
            .slug;
        let mut event = AuditEvent {
            document_id: document_id(account_id, i as u64),
            at_ms,
            action,
            actor: MEMBERS[actor_index].to_owned(),
            actor_id: 7_000_000 + actor_index as u64,
            user: None,
            repo: None,
            integration: None,
            operation_type,
            country: COUNTRIES[seq.below(COUNTRIES.len() as u64) as usize],
            git: false,
        };
        match subject {
            Subject::App => event.integration = Some(app.clone()),
            Subject::User => event.user = Some(member.to_owned()),
            Subject::Repo => event.repo = Some(format!("{login}/{repo}")),
            Subject::Git => {
                event.repo = Some(format!("{login}/{repo}"));
                event.git = true;
            }
        }
        audit.push(event);
    }
    // Each other app's installation, when it was made; older than the log keeps (about five
    // months here) it has aged out, as on GitHub.
    let oldest_kept = now_ms - window_ms - 61 * 86_400_000;
    for (index, (app, inst)) in other_apps.iter().enumerate() {
        let at_ms = inst.created_at.timestamp_millis();
        if at_ms < oldest_kept {
            continue;
        }
        let actor_index = seq.below(MEMBERS.len() as u64) as usize;
        audit.push(AuditEvent {
            document_id: document_id(
                account_id,
                (RECENT_AUDIT_EVENTS + OLDER_AUDIT_EVENTS + index) as u64,
            ),
            at_ms,
            action: "integration_installation.create",
            actor: MEMBERS[actor_index].to_owned(),
            actor_id: 7_000_000 + actor_index as u64,
            user: None,
            repo: None,
            integration: Some(app.slug.clone()),
            operation_type: "create",
            country: COUNTRIES[seq.below(COUNTRIES.len() as u64) as usize],
            git: false,
        });
    }
    audit.sort_by(|a, b| {
        b.at_ms
            .cmp(&a.at_ms)
            .then(b.document_id.cmp(&a.document_id))
    });

    let (pat_requests, pat_grants) = crate::pats::generate(account_id, now);
    let credentials = if enterprise_cloud {
        credentials(account_id, &mut seq, now)
    } else {
        Vec::new()
    };
    SimOrg {
        id: account_id,
        login: login.to_owned(),
        enterprise_cloud,
        other_apps,
        audit,
        pat_requests,
        pat_grants,
        credentials,
    }
}

fn other_app(
    account_id: u64,
    login: &str,
    index: usize,
    slug: &str,
    permissions: &[(&str, &str)],
    seq: &mut Seq,
    now: DateTime<Utc>,
) -> (SimApp, SimInstallation) {
    let app_id = 800_000 + index as u64;
    let name = slug
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    let app = SimApp {
        id: app_id,
        client_id: format!("Iv23li{app_id:014}"),
        slug: slug.to_owned(),
        name,
        owner_login: format!("{slug}-inc"),
        public_keys: Vec::new(),
        permissions: BTreeMap::new(),
        events: Vec::new(),
        created_at: now - Duration::days(2_000),
    };
    let permissions: BTreeMap<String, String> = permissions
        .iter()
        .map(|(name, level)| ((*name).to_owned(), (*level).to_owned()))
        .collect();
    let events = ["push", "pull_request", "issues", "check_run", "member"]
        .iter()
        .filter(|_| seq.below(2) == 0)
        .map(|e| (*e).to_owned())
        .collect();
    let created_at = now
        - Duration::days(5 + seq.below(400) as i64)
        - Duration::minutes(seq.below(1_440) as i64);
    let selected = seq.below(3) != 0;
    let repositories = if selected {
        (0..1 + seq.below(4))
            .map(|k| SimRepo {
                id: account_id * 1_000 + index as u64 * 10 + k,
                name: REPOS[(index + k as usize) % REPOS.len()].to_owned(),
                private: true,
            })
            .collect()
    } else {
        Vec::new()
    };
    let installation = SimInstallation {
        id: 90_000_000 + account_id % 1_000_000 * 100 + index as u64,
        app_id,
        account_id,
        account_login: login.to_owned(),
        account_type: "Organization".to_owned(),
        repository_selection: if selected { "selected" } else { "all" }.to_owned(),
        repositories,
        permissions,
        events,
        created_at,
        updated_at: created_at + Duration::days(seq.below(30) as i64),
        suspended_at: (seq.below(9) == 0).then(|| now - Duration::days(5)),
    };
    (app, installation)
}

/// An event's `_document_id`: 22 URL-safe characters, as GitHub's look.
fn document_id(account_id: u64, index: u64) -> String {
    use base64::Engine;
    let mut seq = Seq(account_id ^ index.wrapping_mul(0x9E37_79B9));
    let bytes: Vec<u8> = (0..16).map(|_| seq.next() as u8).collect();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
