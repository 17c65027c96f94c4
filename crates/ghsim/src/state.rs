//! The simulator's mutable state and what it counts: apps, installations, tokens, the webhook, rate-limit
//! buckets, fault rules, and request statistics for tests and benchmarks.

use crate::faults::{FaultKind, FaultRule};
use crate::hooks::SimHook;
use crate::model::{SimApp, SimInstallation, SimToken};
use crate::orgs::SimOrg;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// GitHub's hourly budget per app and per installation (the base figure).
pub const RATE_LIMIT: u64 = 5000;
/// The audit log's own limit, per organization here (one user and address in a test).
pub const AUDIT_LOG_PER_HOUR: usize = 1_750;

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Stats {
    /// Every request that reached a handler (faults included).
    pub requests: u64,
    /// Requests per `METHOD /path` with IDs generalised (`/app/installations/:id`).
    pub by_endpoint: HashMap<String, u64>,
    pub in_flight: u64,
    pub max_in_flight: u64,
    /// Rate-limit points spent (304 answers to conditional requests cost none).
    pub rate_limit_points: u64,
    pub not_modified: u64,
}

#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    pub used: u64,
    pub reset: i64,
}

#[derive(Debug)]
pub struct SimState {
    pub apps: Vec<SimApp>,
    /// Read freely; changed only through [`SimState::add_installations`] and
    /// [`SimState::remove_installation`], which keep `by_app` true.
    pub installations: Vec<SimInstallation>,
    /// Where each app's installations are in `installations`, made when first needed after a
    /// change, so that a page at 100,000 installations is found without scanning them all
    /// under the lock (which held every other request up: GitHub answers pages in parallel).
    by_app: Option<HashMap<u64, Vec<usize>>>,
    pub tokens: HashMap<String, SimToken>,
    /// The first app's webhook: its configuration and deliveries.
    pub hook: SimHook,
    pub buckets: HashMap<String, Bucket>,
    pub faults: Vec<FaultRule>,
    pub stats: Stats,
    pub clock_offset: chrono::Duration,
    /// How long a new token is refused ("Bad credentials") while it replicates.
    pub token_replication: std::time::Duration,
    /// Whether a client ID is accepted as a JWT's issuer: github.com, GHE.com and Enterprise
    /// Server from 3.18 (GitHub's docs feature `client-id-for-app`).
    pub client_id_issuer: bool,
    /// Installation tokens' hourly budget with its `x-ratelimit-*` headers. Off for
    /// Enterprise Server, where "rate limits are disabled by default" (GitHub's docs).
    pub rate_limits: bool,
    /// Serving as an Enterprise Server (no plans: every organization has its audit log).
    pub enterprise_server: bool,
    /// Organizations' worlds (other apps, plan, audit log), made when first asked for.
    pub orgs: HashMap<u64, SimOrg>,
    /// "1,750 queries per hour per user and IP address" (the endpoint's description).
    pub audit_log_per_hour: usize,
    /// Every credential `POST /credentials/revoke` accepted, in order.
    pub revoked_credentials: Vec<String>,
    next_request_id: u64,
}

impl SimState {
    pub fn new(
        apps: Vec<SimApp>,
        installations: Vec<SimInstallation>,
        hook: SimHook,
        clock_offset: chrono::Duration,
    ) -> Self {
        Self {
            apps,
            installations,
            by_app: None,
            tokens: HashMap::new(),
            hook,
            buckets: HashMap::new(),
            faults: Vec::new(),
            stats: Stats::default(),
            clock_offset,
            token_replication: std::time::Duration::ZERO,
            client_id_issuer: true,
            rate_limits: true,
            enterprise_server: false,
            orgs: HashMap::new(),
            audit_log_per_hour: AUDIT_LOG_PER_HOUR,
            revoked_credentials: Vec::new(),
            next_request_id: 0,
        }
    }

    /// The simulated GitHub's clock.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.clock_offset
    }

    pub fn request_id(&mut self) -> String {
        self.next_request_id += 1;
        format!(
            "SIM0:{:04X}:{:06X}",
            std::process::id() & 0xFFFF,
            self.next_request_id
        )
    }

    pub fn take_fault(&mut self, method: &str, path: &str) -> Option<FaultKind> {
        let now = self.now().timestamp();
        self.faults
            .iter_mut()
            .find_map(|rule| rule.fire(method, path, now))
    }

    /// Spends one point from a bucket and returns it as headers would show it.
    pub fn spend(&mut self, bucket: &str, cost: u64) -> (Bucket, u64) {
        let entry = self.bucket(bucket);
        entry.used = (entry.used + cost).min(RATE_LIMIT);
        let spent = *entry;
        self.stats.rate_limit_points += cost;
        (spent, RATE_LIMIT - spent.used)
    }

    /// A bucket's current hour, started afresh once its reset time has passed.
    fn bucket(&mut self, name: &str) -> &mut Bucket {
        let now = self.now().timestamp();
        let entry = self.buckets.entry(name.to_owned()).or_insert(Bucket {
            used: 0,
            reset: now + 3600,
        });
        if entry.reset <= now {
            *entry = Bucket {
                used: 0,
                reset: now + 3600,
            };
        }
        entry
    }

    /// The organization an installation is on, its world made the first time it is asked for.
    /// `None` for an account that is not an organization with an installation here.
    pub fn org(&mut self, login: &str) -> Option<&SimOrg> {
        let inst = self.installations.iter().find(|i| {
            i.account_type == "Organization" && i.account_login.eq_ignore_ascii_case(login)
        })?;
        let (id, login) = (inst.account_id, inst.account_login.clone());
        let now = self.now();
        // Enterprise Server has no plans: every organization there has its audit log.
        let cloud = self.enterprise_server || crate::orgs::on_enterprise_cloud(id);
        Some(
            self.orgs
                .entry(id)
                .or_insert_with(|| crate::orgs::generate(id, &login, cloud, now)),
        )
    }

    /// The organization with this account ID (the `/organizations/{id}/...` links).
    pub fn org_login(&self, id: u64) -> Option<String> {
        self.installations
            .iter()
            .find(|i| i.account_type == "Organization" && i.account_id == id)
            .map(|i| i.account_login.clone())
    }

    /// Counts `cost` against a bucket of `limit` an hour; returns it and what remains. Unlike
    /// [`SimState::spend`], `used` may pass the limit (the caller refuses what does).
    pub fn spend_limited(&mut self, bucket: &str, cost: u64, limit: u64) -> (Bucket, u64) {
        let entry = self.bucket(bucket);
        entry.used += cost;
        (*entry, limit.saturating_sub(entry.used))
    }

    pub fn app(&self, app_id: u64) -> Option<&SimApp> {
        self.apps.iter().find(|app| app.id == app_id)
    }

    /// How many installations an app has.
    pub fn installation_count(&mut self, app_id: u64) -> usize {
        self.index_installations();
        self.positions(app_id).len()
    }

    /// An app's installations `skip..skip + take`, copied, and how many it has in all.
    pub fn installation_page(
        &mut self,
        app_id: u64,
        skip: usize,
        take: usize,
    ) -> (usize, Vec<SimInstallation>) {
        self.index_installations();
        let positions = self.positions(app_id);
        let chosen = positions
            .iter()
            .skip(skip)
            .take(take)
            .map(|&at| self.installations[at].clone())
            .collect();
        (positions.len(), chosen)
    }

    /// Makes `by_app` again if a change let it go.
    fn index_installations(&mut self) {
        if self.by_app.is_none() {
            let mut by_app: HashMap<u64, Vec<usize>> = HashMap::new();
            for (at, installation) in self.installations.iter().enumerate() {
                by_app.entry(installation.app_id).or_default().push(at);
            }
            self.by_app = Some(by_app);
        }
    }

    /// Where an app's installations are, as of the last [`Self::index_installations`].
    fn positions(&self, app_id: u64) -> &[usize] {
        self.by_app
            .as_ref()
            .and_then(|by_app| by_app.get(&app_id))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn add_installations(&mut self, added: impl IntoIterator<Item = SimInstallation>) {
        self.installations.extend(added);
        self.by_app = None;
    }

    pub fn remove_installation(&mut self, id: u64) {
        self.installations.retain(|i| i.id != id);
        self.by_app = None;
    }

    pub fn installation(&self, id: u64) -> Option<&SimInstallation> {
        self.installations.iter().find(|inst| inst.id == id)
    }
}
