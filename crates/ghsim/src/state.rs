//! The simulator's mutable state and what it counts: apps, installations, tokens, the webhook, rate-limit
//! buckets, fault rules, and request statistics for tests and benchmarks.

use crate::faults::{FaultKind, FaultRule};
use crate::hooks::SimHook;
use crate::model::{SimApp, SimInstallation, SimToken};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// GitHub's hourly budget per app and per installation (the base figure).
pub const RATE_LIMIT: u64 = 5000;

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
    pub installations: Vec<SimInstallation>,
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
            tokens: HashMap::new(),
            hook,
            buckets: HashMap::new(),
            faults: Vec::new(),
            stats: Stats::default(),
            clock_offset,
            token_replication: std::time::Duration::ZERO,
            client_id_issuer: true,
            rate_limits: true,
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
        let now = self.now().timestamp();
        let entry = self.buckets.entry(bucket.to_owned()).or_insert(Bucket {
            used: 0,
            reset: now + 3600,
        });
        if entry.reset <= now {
            *entry = Bucket {
                used: 0,
                reset: now + 3600,
            };
        }
        entry.used = (entry.used + cost).min(RATE_LIMIT);
        self.stats.rate_limit_points += cost;
        (*entry, RATE_LIMIT - entry.used)
    }

    pub fn app(&self, app_id: u64) -> Option<&SimApp> {
        self.apps.iter().find(|app| app.id == app_id)
    }

    pub fn installation(&self, id: u64) -> Option<&SimInstallation> {
        self.installations.iter().find(|inst| inst.id == id)
    }
}
