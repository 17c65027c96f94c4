//! Installations across IPC: the rows of the table, the listing streamed page by page, the
//! export, an installation's repositories and what can be done to it.
//!
//! A list (a listing's pages, the cached listing) is sent in a compact layout: each
//! installation without its permissions and events, which name a [`Grant`] instead (each
//! distinct grant sent once, with what it has not accepted of the app's current
//! permissions), with its times as numbers, and without the links that follow the list's
//! [`LinkPatterns`]. An app's installations hold a handful of distinct grants, and GitHub
//! makes their links from IDs and logins, so at 100,000 installations this leaves most of
//! the bytes out of the page's memory: the page keeps one object per grant and makes a
//! row's links and dates when they are shown.

use appwarden_core::acceptance::{self, AcceptanceGap};
use appwarden_core::github::{App, Installation, Permissions, Repository};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use ts_rs::TS;

/// One installation, as the table and details panel show it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct InstallationRow {
    #[ts(type = "number")]
    pub id: u64,
    pub account: String,
    pub account_type: String,
    pub avatar_url: Option<String>,
    pub account_url: Option<String>,
    /// `all` or `selected`.
    pub repository_selection: String,
    pub suspended_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// The installation's settings page on GitHub.
    pub html_url: Option<String>,
    pub permissions: BTreeMap<String, String>,
    pub events: Vec<String>,
    /// What the installation has not accepted of what the app asks now (null: nothing, or
    /// the app's permissions are not known yet).
    pub awaiting: Option<AwaitingAcceptance>,
}

/// The difference between what the app asks (`GET /app`) and what an installation accepted.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AwaitingAcceptance {
    pub permissions: Vec<PermissionGap>,
    /// Events the app subscribes to that the installation does not send.
    pub events: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PermissionGap {
    pub permission: String,
    pub asked: String,
    /// `null`: not granted at all.
    pub granted: Option<String>,
}

impl From<AcceptanceGap> for AwaitingAcceptance {
    fn from(gap: AcceptanceGap) -> Self {
        Self {
            permissions: gap
                .permissions
                .into_iter()
                .map(|(permission, asked)| PermissionGap {
                    permission,
                    asked: asked.asked,
                    granted: asked.granted,
                })
                .collect(),
            events: gap.events,
        }
    }
}

impl InstallationRow {
    /// The row, with what it has not accepted of `app`'s current permissions when known.
    pub fn compared_with(inst: Installation, app: Option<&App>) -> Self {
        let awaiting = app
            .and_then(|app| appwarden_core::acceptance::gap(app, &inst))
            .map(AwaitingAcceptance::from);
        Self {
            awaiting,
            ..Self::from(inst)
        }
    }
}

impl From<Installation> for InstallationRow {
    fn from(inst: Installation) -> Self {
        let account = inst.account.as_ref();
        Self {
            id: inst.id,
            account: inst.account_login().to_owned(),
            account_type: inst
                .target_type
                .clone()
                .or_else(|| account.and_then(|a| a.account_type.clone()))
                .unwrap_or_default(),
            avatar_url: account.and_then(|a| a.avatar_url.clone()),
            account_url: account.and_then(|a| a.html_url.clone()),
            repository_selection: inst.repository_selection,
            suspended_at: inst.suspended_at.map(|t| t.to_rfc3339()),
            created_at: inst.created_at.to_rfc3339(),
            updated_at: inst.updated_at.to_rfc3339(),
            html_url: inst.html_url,
            permissions: (*inst.permissions).clone(),
            events: inst.events.to_vec(),
            awaiting: None,
        }
    }
}

/// What to export: the rows shown, in the order shown.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct ExportRequest {
    #[ts(type = "number[]")]
    pub ids: Vec<u64>,
    /// `csv` or `json`.
    pub format: String,
    /// Add what each installation has not accepted yet.
    pub with_awaiting: bool,
}

/// Where the export went.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportOutcome {
    pub path: String,
    #[ts(type = "number")]
    pub rows: usize,
}

/// Progress of a listing, streamed to the UI as pages arrive.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[ts(export)]
pub enum ListEvent {
    Page {
        page: u32,
        total_pages: u32,
        pages_done: u32,
        installations: Vec<ListedInstallation>,
        /// The grants this page's installations hold that no earlier page of this listing did.
        grants: Vec<Grant>,
        /// The listing's link patterns, on the page they were learnt from.
        links: Option<LinkPatterns>,
    },
}

/// The list of installations kept from the last time, shown while it refreshes.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CachedInstallations {
    /// When that listing completed (RFC 3339).
    pub fetched_at: String,
    pub installations: Vec<ListedInstallation>,
    pub grants: Vec<Grant>,
    pub links: Option<LinkPatterns>,
}

/// How a completed listing went.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ListOutcome {
    pub total: u32,
    /// Every page was confirmed unchanged (304 Not Modified): no rate limit was used.
    pub unchanged: bool,
    pub requests: u32,
    pub not_modified: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RepositoryRow {
    #[ts(type = "number")]
    pub id: u64,
    pub name: String,
    pub full_name: String,
    pub private: bool,
    pub html_url: Option<String>,
}

impl From<Repository> for RepositoryRow {
    fn from(repo: Repository) -> Self {
        Self {
            id: repo.id,
            name: repo.name,
            full_name: repo.full_name,
            private: repo.private,
            html_url: repo.html_url,
        }
    }
}

/// A pending request to install the app on an account.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct InstallationRequestRow {
    #[ts(type = "number")]
    pub id: u64,
    pub account: String,
    pub account_type: String,
    pub avatar_url: Option<String>,
    pub requester: String,
    /// RFC 3339.
    pub created_at: String,
}

impl From<appwarden_core::github::InstallationRequest> for InstallationRequestRow {
    fn from(request: appwarden_core::github::InstallationRequest) -> Self {
        Self {
            id: request.id,
            account: request.account.display_name().to_owned(),
            account_type: request.account.account_type.clone().unwrap_or_default(),
            avatar_url: request.account.avatar_url.clone(),
            requester: request.requester.display_name().to_owned(),
            created_at: request.created_at.to_rfc3339(),
        }
    }
}

/// What to do to an installation.
#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum InstallationAction {
    Suspend,
    Unsuspend,
    Uninstall,
}

/// One installation in a list: as [`InstallationRow`], with its grant named by index, its
/// times as numbers, and its links left out when the list's [`LinkPatterns`] make them.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ListedInstallation {
    #[ts(type = "number")]
    pub id: u64,
    #[ts(type = "number")]
    pub account_id: u64,
    pub account: String,
    pub account_type: String,
    /// `all` or `selected`.
    pub repository_selection: String,
    /// Seconds since the Unix epoch (GitHub's times have whole seconds).
    #[ts(type = "number")]
    pub created: i64,
    #[ts(type = "number")]
    pub updated: i64,
    #[ts(type = "number | null")]
    pub suspended: Option<i64>,
    /// The [`Grant`] with this index, in this list.
    pub grant: u32,
    /// The links GitHub gave, when they are not what the list's patterns make (null: they
    /// are).
    pub links: Option<Links>,
}

/// An installation's links, as GitHub gave them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Links {
    pub avatar_url: Option<String>,
    pub account_url: Option<String>,
    pub html_url: Option<String>,
}

/// How a list's links are made, learnt from its first installation: an account's page is
/// `{web}/{login}`, an installation's settings page `{web}/organizations/{login}/settings/installations/{id}`
/// (organizations) or `{web}/settings/installations/{id}` (users), as GitHub links them, and
/// an avatar `{avatar_prefix}{account_id}{avatar_suffix}`. Every installation's links are
/// compared with what these make; one that differs carries its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LinkPatterns {
    pub web: String,
    pub avatar_prefix: String,
    pub avatar_suffix: String,
}

impl LinkPatterns {
    /// The patterns an installation's links follow, if they can be told from it.
    fn learn(inst: &Installation) -> Option<Self> {
        let account = inst.account.as_ref()?;
        let login = account.login.as_deref()?;
        let web = account
            .html_url
            .as_deref()?
            .strip_suffix(login)?
            .strip_suffix('/')?;
        let avatar = account.avatar_url.as_deref()?;
        let id = account.id.to_string();
        let at = avatar.find(&id)?;
        let patterns = Self {
            web: web.to_owned(),
            avatar_prefix: avatar[..at].to_owned(),
            avatar_suffix: avatar[at + id.len()..].to_owned(),
        };
        (patterns.links_of(inst) == Links::of(inst)).then_some(patterns)
    }

    /// The links these patterns make for an installation.
    fn links_of(&self, inst: &Installation) -> Links {
        let Some(account) = inst.account.as_ref() else {
            return Links {
                avatar_url: None,
                account_url: None,
                html_url: None,
            };
        };
        let login = account.display_name();
        let web = &self.web;
        // As the window tells them apart (its `account_type`).
        let organization = account_type(inst) == "Organization";
        Links {
            avatar_url: Some(format!(
                "{}{}{}",
                self.avatar_prefix, account.id, self.avatar_suffix
            )),
            account_url: Some(format!("{web}/{login}")),
            html_url: Some(if organization {
                format!(
                    "{web}/organizations/{login}/settings/installations/{}",
                    inst.id
                )
            } else {
                format!("{web}/settings/installations/{}", inst.id)
            }),
        }
    }
}

impl Links {
    fn of(inst: &Installation) -> Self {
        let account = inst.account.as_ref();
        Self {
            avatar_url: account.and_then(|a| a.avatar_url.clone()),
            account_url: account.and_then(|a| a.html_url.clone()),
            html_url: inst.html_url.clone(),
        }
    }
}

/// `Organization`, `User` or `Enterprise`: the installation's target type, else its account's.
fn account_type(inst: &Installation) -> String {
    inst.target_type
        .clone()
        .or_else(|| inst.account.as_ref().and_then(|a| a.account_type.clone()))
        .unwrap_or_default()
}

/// Permissions and events granted to some of a list's installations.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Grant {
    pub index: u32,
    pub permissions: BTreeMap<String, String>,
    pub events: Vec<String>,
    /// What this grant lacks of what the app asks now (null: nothing, or not known).
    pub awaiting: Option<AwaitingAcceptance>,
}

/// What one batch of a list carries besides its installations: the grants and the link
/// patterns not sent before.
#[derive(Debug, Default)]
pub struct ListedBatch {
    pub installations: Vec<ListedInstallation>,
    pub grants: Vec<Grant>,
    pub links: Option<LinkPatterns>,
}

/// Lays out one list as its installations go by: numbers its distinct grants (each compared
/// once with what the app asks) and learns its link patterns.
pub struct ListLayout<'a> {
    app: Option<&'a App>,
    grants: HashMap<(Arc<Permissions>, Arc<[String]>), u32>,
    /// `Some(None)`: tried on the first installation, and it told nothing.
    links: Option<Option<LinkPatterns>>,
}

impl<'a> ListLayout<'a> {
    /// `app`: what the app asks now (`GET /app`), when known.
    pub fn new(app: Option<&'a App>) -> Self {
        Self {
            app,
            grants: HashMap::new(),
            links: None,
        }
    }

    /// The installations in the list's layout, with what they need that was not sent before.
    pub fn list<'i>(
        &mut self,
        installations: impl IntoIterator<Item = &'i Installation>,
    ) -> ListedBatch {
        let mut batch = ListedBatch::default();
        for inst in installations {
            if self.links.is_none() {
                let learnt = LinkPatterns::learn(inst);
                batch.links = learnt.clone();
                self.links = Some(learnt);
            }
            let patterns = self.links.as_ref().and_then(Option::as_ref);
            let links = Links::of(inst);
            let links =
                (patterns.map(|p| p.links_of(inst)).as_ref() != Some(&links)).then_some(links);
            let key = (inst.permissions.clone(), inst.events.clone());
            let next = self.grants.len() as u32;
            let app = self.app;
            let grant = *self.grants.entry(key).or_insert_with(|| {
                batch.grants.push(Grant {
                    index: next,
                    permissions: (*inst.permissions).clone(),
                    events: inst.events.to_vec(),
                    awaiting: app
                        .and_then(|app| {
                            acceptance::gap_of_grant(app, &inst.permissions, &inst.events)
                        })
                        .map(AwaitingAcceptance::from),
                });
                next
            });
            batch.installations.push(ListedInstallation {
                id: inst.id,
                account_id: inst.account.as_ref().map(|a| a.id).unwrap_or_default(),
                account: inst.account_login().to_owned(),
                account_type: account_type(inst),
                repository_selection: inst.repository_selection.clone(),
                created: inst.created_at.timestamp(),
                updated: inst.updated_at.timestamp(),
                suspended: inst.suspended_at.map(|t| t.timestamp()),
                grant,
                links,
            });
        }
        batch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn installation(id: u64, login: &str, kind: &str, web: &str) -> Installation {
        serde_json::from_value(serde_json::json!({
            "id": id,
            "account": {
                "id": id + 1000,
                "login": login,
                "type": kind,
                "avatar_url": format!("https://avatars.example/u/{}?v=4", id + 1000),
                "html_url": format!("{web}/{login}"),
            },
            "repository_selection": "all",
            "html_url": if kind == "Organization" {
                format!("{web}/organizations/{login}/settings/installations/{id}")
            } else {
                format!("{web}/settings/installations/{id}")
            },
            "app_id": 1,
            "target_type": kind,
            "permissions": {"contents": "read"},
            "events": ["push"],
            "created_at": "2025-01-01T00:00:00Z",
            "updated_at": "2025-01-02T00:00:00Z",
        }))
        .unwrap()
    }

    #[test]
    fn links_that_follow_the_patterns_are_left_out_and_others_kept() {
        let web = "https://github.com";
        let mut odd = installation(3, "carol", "User", web);
        odd.html_url = Some("https://elsewhere.example/3".to_owned());
        let all = [
            installation(1, "acme", "Organization", web),
            installation(2, "bob", "User", web),
            odd,
        ];
        let mut layout = ListLayout::new(None);
        let batch = layout.list(&all);
        let patterns = batch.links.expect("patterns learnt from the first");
        assert_eq!(patterns.web, web);
        assert_eq!(patterns.avatar_prefix, "https://avatars.example/u/");
        assert_eq!(patterns.avatar_suffix, "?v=4");
        assert_eq!(batch.installations[0].links, None);
        assert_eq!(batch.installations[1].links, None);
        assert_eq!(
            batch.installations[2]
                .links
                .as_ref()
                .and_then(|l| l.html_url.as_deref()),
            Some("https://elsewhere.example/3")
        );
        // One grant for all three, sent once.
        assert_eq!(batch.grants.len(), 1);
        assert!(batch.installations.iter().all(|i| i.grant == 0));
        let again = layout.list(&all[..1]);
        assert!(again.grants.is_empty() && again.links.is_none());
        assert_eq!(batch.installations[0].created, 1_735_689_600);
    }

    #[test]
    fn without_patterns_every_installation_carries_its_links() {
        let mut first = installation(1, "acme", "Organization", "https://github.com");
        if let Some(account) = first.account.as_mut() {
            account.avatar_url = Some("https://avatars.example/acme.png".to_owned());
        }
        let all = [first, installation(2, "bob", "User", "https://github.com")];
        let batch = ListLayout::new(None).list(&all);
        assert!(batch.links.is_none());
        assert!(batch.installations.iter().all(|i| i.links.is_some()));
    }
}
