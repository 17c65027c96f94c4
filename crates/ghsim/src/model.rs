//! The simulated world: one or more apps, their installations on accounts, the
//! repositories those installations reach, and the tokens minted for them. Generated
//! deterministically from counts, so runs are repeatable.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A registered GitHub App.
#[derive(Debug, Clone)]
pub struct SimApp {
    pub id: u64,
    pub client_id: String,
    pub slug: String,
    pub name: String,
    pub owner_login: String,
    /// Registered public keys, PKCS#1 DER.
    pub public_keys: Vec<Vec<u8>>,
    pub permissions: BTreeMap<String, String>,
    pub events: Vec<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct SimRepo {
    pub id: u64,
    pub name: String,
    pub private: bool,
}

#[derive(Debug, Clone)]
pub struct SimInstallation {
    pub id: u64,
    pub app_id: u64,
    pub account_id: u64,
    pub account_login: String,
    /// `Organization` or `User`.
    pub account_type: String,
    /// `all` or `selected`.
    pub repository_selection: String,
    pub repositories: Vec<SimRepo>,
    pub permissions: BTreeMap<String, String>,
    pub events: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub suspended_at: Option<DateTime<Utc>>,
}

/// A minted installation token.
#[derive(Debug, Clone)]
pub struct SimToken {
    pub installation_id: u64,
    pub expires_at: DateTime<Utc>,
    pub permissions: BTreeMap<String, String>,
    /// `None`: every repository of the installation.
    pub repository_ids: Option<Vec<u64>>,
    pub revoked: bool,
    /// When it was minted (real time): GitHub refuses a new token for a moment while it
    /// replicates (`--token-replication-ms`).
    pub minted: std::time::Instant,
}

const ADJECTIVES: &[&str] = &[
    "acme", "blue", "bright", "calm", "clever", "cosmic", "crisp", "daring", "eager", "fancy",
    "gentle", "golden", "happy", "jolly", "kind", "lively", "lucky", "mighty", "nimble", "noble",
    "proud", "quick", "rapid", "silver", "steady", "sunny", "swift", "tidy", "vivid", "witty",
];
const NOUNS: &[&str] = &[
    "labs", "works", "systems", "cloud", "devs", "forge", "data", "ops", "studio", "tools", "apps",
    "code", "net", "soft", "hub", "logic", "stack", "bits", "craft", "ware",
];
const REPO_NAMES: &[&str] = &[
    "api",
    "web",
    "docs",
    "infra",
    "mobile",
    "cli",
    "website",
    "backend",
    "frontend",
    "terraform",
    "charts",
    "sdk",
    "design-system",
    "platform",
    "monorepo",
    ".github",
];

pub fn default_app_permissions() -> BTreeMap<String, String> {
    [
        ("metadata", "read"),
        ("contents", "read"),
        ("issues", "write"),
        ("pull_requests", "write"),
        ("checks", "write"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

pub fn default_events() -> Vec<String> {
    ["push", "pull_request", "issues", "check_run"]
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// The deterministic installation number `index` (0-based) of an app.
pub fn generate_installation(app: &SimApp, index: usize, epoch: DateTime<Utc>) -> SimInstallation {
    let id = 10_000_000 + app.id * 1_000_000 + index as u64 + 1;
    let is_user = index % 4 == 3;
    let adjective = ADJECTIVES[index % ADJECTIVES.len()];
    let noun = NOUNS[(index / ADJECTIVES.len()) % NOUNS.len()];
    let round = index / (ADJECTIVES.len() * NOUNS.len());
    let mut login = if is_user {
        format!("{adjective}-{noun}-dev")
    } else {
        format!("{adjective}-{noun}")
    };
    if round > 0 {
        login.push_str(&format!("-{round}"));
    }
    let repo_count = 1 + (index * 7) % 6;
    let repositories = (0..repo_count)
        .map(|k| SimRepo {
            id: id * 100 + k as u64,
            name: REPO_NAMES[(index + k) % REPO_NAMES.len()].to_owned(),
            private: (index + k) % 3 != 0,
        })
        .collect();
    // An installation keeps what its owner accepted: when the app asks for more, it keeps the
    // old grant until the owner approves. Some have not accepted `issues` yet, some not the
    // `check_run` event.
    let mut permissions = app.permissions.clone();
    if index % 5 == 1 {
        permissions.remove("issues");
    }
    let mut events = app.events.clone();
    if index % 7 == 3 {
        events.retain(|event| event != "check_run");
    }
    let created_at = epoch - Duration::days(900) + Duration::hours(index as i64 * 5);
    SimInstallation {
        id,
        app_id: app.id,
        account_id: 5_000_000 + index as u64,
        account_login: login,
        account_type: if is_user { "User" } else { "Organization" }.to_owned(),
        repository_selection: if index % 3 == 0 { "all" } else { "selected" }.to_owned(),
        repositories,
        permissions,
        events,
        created_at,
        updated_at: created_at + Duration::days((index % 40) as i64),
        suspended_at: (index % 17 == 16).then(|| created_at + Duration::days(30)),
    }
}

/// Renders GitHub's JSON for the objects above. `api` is the API base URL as clients see
/// it, `web` the web base.
pub struct Render<'a> {
    pub api: &'a str,
    pub web: &'a str,
}

impl Render<'_> {
    /// A `simple-user` (users and organizations alike, as GitHub renders accounts).
    pub fn account(&self, id: u64, login: &str, account_type: &str) -> Value {
        let api = self.api;
        let kind = if account_type == "Organization" {
            "orgs"
        } else {
            "users"
        };
        json!({
            "login": login,
            "id": id,
            "node_id": format!("MDQ6VXNlcj{id}"),
            "avatar_url": format!("https://avatars.githubusercontent.com/u/{id}?v=4"),
            "gravatar_id": "",
            "url": format!("{api}/{kind}/{login}"),
            "html_url": format!("{}/{login}", self.web),
            "followers_url": format!("{api}/users/{login}/followers"),
            "following_url": format!("{api}/users/{login}/following{{/other_user}}"),
            "gists_url": format!("{api}/users/{login}/gists{{/gist_id}}"),
            "starred_url": format!("{api}/users/{login}/starred{{/owner}}{{/repo}}"),
            "subscriptions_url": format!("{api}/users/{login}/subscriptions"),
            "organizations_url": format!("{api}/users/{login}/orgs"),
            "repos_url": format!("{api}/{kind}/{login}/repos"),
            "events_url": format!("{api}/{kind}/{login}/events{{/privacy}}"),
            "received_events_url": format!("{api}/users/{login}/received_events"),
            "type": account_type,
            "user_view_type": "public",
            "site_admin": false,
        })
    }

    pub fn app(&self, app: &SimApp, installations_count: usize) -> Value {
        json!({
            "id": app.id,
            "slug": app.slug,
            "client_id": app.client_id,
            "node_id": format!("MDExOkludGVncmF0aW9u{}", app.id),
            "owner": self.account(9_000 + app.id, &app.owner_login, "Organization"),
            "name": app.name,
            "description": "A GitHub App served by ghsim, Appwarden's GitHub simulator.",
            "external_url": "https://example.com",
            "html_url": format!("{}/apps/{}", self.web, app.slug),
            "created_at": app.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "updated_at": app.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "permissions": app.permissions,
            "events": app.events,
            "installations_count": installations_count,
        })
    }

    pub fn installation(&self, inst: &SimInstallation, app: &SimApp) -> Value {
        let settings = if inst.account_type == "Organization" {
            format!(
                "{}/organizations/{}/settings/installations/{}",
                self.web, inst.account_login, inst.id
            )
        } else {
            format!("{}/settings/installations/{}", self.web, inst.id)
        };
        let time = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        json!({
            "id": inst.id,
            "client_id": app.client_id,
            "account": self.account(inst.account_id, &inst.account_login, &inst.account_type),
            "repository_selection": inst.repository_selection,
            "access_tokens_url": format!("{}/app/installations/{}/access_tokens", self.api, inst.id),
            "repositories_url": format!("{}/installation/repositories", self.api),
            "html_url": settings,
            "app_id": inst.app_id,
            "app_slug": app.slug,
            "target_id": inst.account_id,
            "target_type": inst.account_type,
            "permissions": inst.permissions,
            "events": inst.events,
            "created_at": time(inst.created_at),
            "updated_at": time(inst.updated_at),
            "single_file_name": null,
            "has_multiple_single_files": false,
            "single_file_paths": [],
            "suspended_by": inst.suspended_at.map(|_| self.account(9_999, "site-admin", "User")),
            "suspended_at": inst.suspended_at.map(time),
        })
    }

    /// A `repository`, with every field GitHub's schema requires.
    pub fn repository(&self, inst: &SimInstallation, repo: &SimRepo) -> Value {
        let full_name = format!("{}/{}", inst.account_login, repo.name);
        let url = format!("{}/repos/{full_name}", self.api);
        let host = self
            .web
            .trim_start_matches("http://")
            .trim_start_matches("https://");
        let time = inst
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut body = json!({
            "id": repo.id,
            "node_id": format!("MDEwOlJlcG9zaXRvcnk{}", repo.id),
            "name": repo.name,
            "full_name": full_name,
            "owner": self.account(inst.account_id, &inst.account_login, &inst.account_type),
            "private": repo.private,
            "visibility": if repo.private { "private" } else { "public" },
            "html_url": format!("{}/{full_name}", self.web),
            "description": null,
            "fork": false,
            "url": url,
            "clone_url": format!("{}/{full_name}.git", self.web),
            "git_url": format!("git://{host}/{full_name}.git"),
            "ssh_url": format!("git@{host}:{full_name}.git"),
            "svn_url": format!("{}/{full_name}", self.web),
            "mirror_url": null,
            "homepage": null,
            "language": null,
            "license": null,
            "default_branch": "main",
            "forks": 0, "forks_count": 0, "stargazers_count": 0, "watchers": 0, "watchers_count": 0,
            "open_issues": 0, "open_issues_count": 0, "size": 0,
            "has_issues": true, "has_projects": true, "has_wiki": false, "has_pages": false,
            "has_downloads": true, "archived": false, "disabled": false,
            "pushed_at": time, "created_at": time, "updated_at": time,
        });
        // The hypermedia URLs, as GitHub lists them (templates where GitHub has them).
        for (field, suffix) in [
            ("archive_url", "/{archive_format}{/ref}"),
            ("assignees_url", "/assignees{/user}"),
            ("blobs_url", "/git/blobs{/sha}"),
            ("branches_url", "/branches{/branch}"),
            ("collaborators_url", "/collaborators{/collaborator}"),
            ("comments_url", "/comments{/number}"),
            ("commits_url", "/commits{/sha}"),
            ("compare_url", "/compare/{base}...{head}"),
            ("contents_url", "/contents/{+path}"),
            ("contributors_url", "/contributors"),
            ("deployments_url", "/deployments"),
            ("downloads_url", "/downloads"),
            ("events_url", "/events"),
            ("forks_url", "/forks"),
            ("git_commits_url", "/git/commits{/sha}"),
            ("git_refs_url", "/git/refs{/sha}"),
            ("git_tags_url", "/git/tags{/sha}"),
            ("hooks_url", "/hooks"),
            ("issue_comment_url", "/issues/comments{/number}"),
            ("issue_events_url", "/issues/events{/number}"),
            ("issues_url", "/issues{/number}"),
            ("keys_url", "/keys{/key_id}"),
            ("labels_url", "/labels{/name}"),
            ("languages_url", "/languages"),
            ("merges_url", "/merges"),
            ("milestones_url", "/milestones{/number}"),
            (
                "notifications_url",
                "/notifications{?since,all,participating}",
            ),
            ("pulls_url", "/pulls{/number}"),
            ("releases_url", "/releases{/id}"),
            ("stargazers_url", "/stargazers"),
            ("statuses_url", "/statuses/{sha}"),
            ("subscribers_url", "/subscribers"),
            ("subscription_url", "/subscription"),
            ("tags_url", "/tags"),
            ("teams_url", "/teams"),
            ("trees_url", "/git/trees{/sha}"),
        ] {
            body[field] = Value::String(format!("{url}{suffix}"));
        }
        body
    }
}
