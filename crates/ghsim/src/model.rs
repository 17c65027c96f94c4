//! The simulated world: one or more apps, their installations on accounts, the
//! repositories those installations reach, and the tokens minted for them. Generated
//! deterministically from counts, so runs are repeatable.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt;

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
        // What the organization views need: its installed apps, its audit log and its SAML
        // authorizations (write removes them), its fine-grained personal access tokens and
        // the requests for them.
        ("organization_administration", "write"),
        ("organization_personal_access_token_requests", "write"),
        ("organization_personal_access_tokens", "write"),
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
            private: !(index + k).is_multiple_of(3),
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
        repository_selection: if index.is_multiple_of(3) {
            "all"
        } else {
            "selected"
        }
        .to_owned(),
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
        serde_json::to_value(self.account_view(id, login, account_type)).unwrap_or_default()
    }

    fn account_view<'v>(
        &'v self,
        id: u64,
        login: &'v str,
        account_type: &'v str,
    ) -> AccountView<'v> {
        AccountView {
            api: self.api,
            web: self.web,
            id,
            login,
            account_type,
        }
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
        serde_json::to_value(self.installation_view(inst, app)).unwrap_or_default()
    }

    /// An `installation`, serialized straight to JSON text (the listing renders 100 at a
    /// time: building `Value` trees for them cost more than the rest of a request).
    pub fn installation_view<'v>(
        &'v self,
        inst: &'v SimInstallation,
        app: &'v SimApp,
    ) -> InstallationView<'v> {
        InstallationView {
            render: self,
            inst,
            app,
        }
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

/// A string written into the JSON as it is formatted, without a `String` made for it.
struct Formatted<F>(F);

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> fmt::Display for Formatted<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> Serialize for Formatted<F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

macro_rules! formatted {
    ($($arg:tt)*) => {
        Formatted(move |f: &mut fmt::Formatter<'_>| write!(f, $($arg)*))
    };
}

fn github_time(t: DateTime<Utc>) -> impl Serialize {
    formatted!("{}", t.format("%Y-%m-%dT%H:%M:%SZ"))
}

/// GitHub's `simple-user` for an account.
pub struct AccountView<'v> {
    api: &'v str,
    web: &'v str,
    id: u64,
    login: &'v str,
    account_type: &'v str,
}

impl Serialize for AccountView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Self {
            api,
            web,
            id,
            login,
            account_type,
        } = *self;
        let kind = if account_type == "Organization" {
            "orgs"
        } else {
            "users"
        };
        let mut out = serializer.serialize_struct("simple-user", 21)?;
        out.serialize_field("login", login)?;
        out.serialize_field("id", &id)?;
        out.serialize_field("node_id", &formatted!("MDQ6VXNlcj{id}"))?;
        out.serialize_field(
            "avatar_url",
            &formatted!("https://avatars.githubusercontent.com/u/{id}?v=4"),
        )?;
        out.serialize_field("gravatar_id", "")?;
        out.serialize_field("url", &formatted!("{api}/{kind}/{login}"))?;
        out.serialize_field("html_url", &formatted!("{web}/{login}"))?;
        out.serialize_field(
            "followers_url",
            &formatted!("{api}/users/{login}/followers"),
        )?;
        out.serialize_field(
            "following_url",
            &formatted!("{api}/users/{login}/following{{/other_user}}"),
        )?;
        out.serialize_field(
            "gists_url",
            &formatted!("{api}/users/{login}/gists{{/gist_id}}"),
        )?;
        out.serialize_field(
            "starred_url",
            &formatted!("{api}/users/{login}/starred{{/owner}}{{/repo}}"),
        )?;
        out.serialize_field(
            "subscriptions_url",
            &formatted!("{api}/users/{login}/subscriptions"),
        )?;
        out.serialize_field("organizations_url", &formatted!("{api}/users/{login}/orgs"))?;
        out.serialize_field("repos_url", &formatted!("{api}/{kind}/{login}/repos"))?;
        out.serialize_field(
            "events_url",
            &formatted!("{api}/{kind}/{login}/events{{/privacy}}"),
        )?;
        out.serialize_field(
            "received_events_url",
            &formatted!("{api}/users/{login}/received_events"),
        )?;
        out.serialize_field("type", account_type)?;
        out.serialize_field("user_view_type", "public")?;
        out.serialize_field("site_admin", &false)?;
        out.end()
    }
}

/// GitHub's `installation` object.
pub struct InstallationView<'v> {
    render: &'v Render<'v>,
    inst: &'v SimInstallation,
    app: &'v SimApp,
}

impl Serialize for InstallationView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Self { render, inst, app } = *self;
        let (api, web, id) = (render.api, render.web, inst.id);
        let login = inst.account_login.as_str();
        let organization = inst.account_type == "Organization";
        let mut out = serializer.serialize_struct("installation", 22)?;
        out.serialize_field("id", &id)?;
        out.serialize_field("client_id", &app.client_id)?;
        out.serialize_field(
            "account",
            &render.account_view(inst.account_id, login, &inst.account_type),
        )?;
        out.serialize_field("repository_selection", &inst.repository_selection)?;
        out.serialize_field(
            "access_tokens_url",
            &formatted!("{api}/app/installations/{id}/access_tokens"),
        )?;
        out.serialize_field(
            "repositories_url",
            &formatted!("{api}/installation/repositories"),
        )?;
        if organization {
            out.serialize_field(
                "html_url",
                &formatted!("{web}/organizations/{login}/settings/installations/{id}"),
            )?;
        } else {
            out.serialize_field("html_url", &formatted!("{web}/settings/installations/{id}"))?;
        }
        out.serialize_field("app_id", &inst.app_id)?;
        out.serialize_field("app_slug", &app.slug)?;
        out.serialize_field("target_id", &inst.account_id)?;
        out.serialize_field("target_type", &inst.account_type)?;
        out.serialize_field("permissions", &inst.permissions)?;
        out.serialize_field("events", &inst.events)?;
        out.serialize_field("created_at", &github_time(inst.created_at))?;
        out.serialize_field("updated_at", &github_time(inst.updated_at))?;
        out.serialize_field("single_file_name", &None::<()>)?;
        out.serialize_field("has_multiple_single_files", &false)?;
        out.serialize_field("single_file_paths", &[] as &[&str])?;
        out.serialize_field(
            "suspended_by",
            &inst
                .suspended_at
                .map(|_| render.account_view(9_999, "site-admin", "User")),
        )?;
        out.serialize_field("suspended_at", &inst.suspended_at.map(github_time))?;
        out.end()
    }
}
