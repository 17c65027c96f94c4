//! Redelivering the webhook's failed deliveries in a time window.
//!
//! GitHub keeps every attempt as its own delivery, sharing the event's GUID. So an event
//! needs redelivering when it has a failed delivery in the window and no successful
//! delivery at all (an earlier redelivery that succeeded counts, even after the window).
//! Each such event is redelivered once, from its newest failed delivery, oldest events
//! first so receivers see them in order. Writes go one at a time with a pause between them
//! (GitHub asks for at least a second between mutating requests); rate limits that reset
//! soon are waited out by the client, longer ones stop the run and say what was left.

use crate::github::{Delivery, DeliveryFilter, GitHubError};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::time::Duration;

/// What a run would do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RedeliveryPlan {
    /// The deliveries to redeliver, one per event, oldest first.
    pub to_redeliver: Vec<Delivery>,
    /// Events that failed in the window but were since delivered successfully.
    pub already_redelivered: usize,
    /// Failed deliveries in the window (attempts, not events).
    pub failed_in_window: usize,
}

/// Plans from `deliveries` (everything from `since` until now, any outcome).
pub fn plan(
    deliveries: &[Delivery],
    since: DateTime<Utc>,
    until: Option<DateTime<Utc>>,
) -> RedeliveryPlan {
    let failed_in_window = DeliveryFilter {
        failed_only: true,
        since: Some(since),
        until,
        ..DeliveryFilter::default()
    };
    let mut by_event: HashMap<&str, Vec<&Delivery>> = HashMap::new();
    for delivery in deliveries {
        by_event.entry(&delivery.guid).or_default().push(delivery);
    }
    let mut plan = RedeliveryPlan::default();
    for attempts in by_event.values() {
        let failed = attempts
            .iter()
            .filter(|d| failed_in_window.matches(d))
            .count();
        if failed == 0 {
            continue;
        }
        plan.failed_in_window += failed;
        if attempts.iter().any(|d| d.succeeded()) {
            plan.already_redelivered += 1;
        } else if let Some(newest_failed) = attempts.iter().max_by_key(|d| (d.delivered_at, d.id)) {
            // No attempt succeeded, so the newest attempt is a failure.
            plan.to_redeliver.push((*newest_failed).clone());
        }
    }
    plan.to_redeliver.sort_by_key(|d| (d.delivered_at, d.id));
    plan
}

/// How a run behaves.
#[derive(Debug, Clone)]
pub struct RedeliveryOptions {
    /// The pause between two redelivery requests.
    pub pause: Duration,
}

impl RedeliveryPlan {
    /// The IDs to hand to [`crate::AppSession::redeliver_each`].
    pub fn ids(&self) -> Vec<u64> {
        self.to_redeliver.iter().map(|d| d.id).collect()
    }
}

impl Default for RedeliveryOptions {
    fn default() -> Self {
        Self {
            pause: Duration::from_secs(1),
        }
    }
}

/// One step of a run, for a progress display.
#[derive(Debug, Clone)]
pub struct RedeliveryProgress {
    /// Deliveries handled so far, this one included.
    pub done: usize,
    pub total: usize,
    pub delivery_id: u64,
    /// `None` when GitHub accepted the redelivery, else why not.
    pub error: Option<String>,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct RedeliveryReport {
    /// Accepted by GitHub (it delivers again in the background).
    pub redelivered: Vec<u64>,
    /// Refused, with GitHub's words.
    pub failed: Vec<(u64, String)>,
    /// Not tried because the run stopped early.
    pub not_attempted: Vec<u64>,
    /// Why the run stopped early (a long rate limit, credentials refused).
    pub stopped: Option<String>,
}

/// Whether an error means the next request would fail the same way.
pub(crate) fn stops_the_run(error: &GitHubError) -> bool {
    matches!(error, GitHubError::RateLimited { .. })
        || matches!(error.status(), Some(401))
        || matches!(
            error,
            GitHubError::Network { .. } | GitHubError::UntrustedCertificate { .. }
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, hour, 0, 0).unwrap()
    }

    fn delivery(id: u64, guid: &str, hour: u32, code: u16, redelivery: bool) -> Delivery {
        Delivery {
            id,
            guid: guid.into(),
            delivered_at: at(hour),
            redelivery,
            duration: 0.1,
            status: if code == 200 {
                "OK".into()
            } else {
                format!("Invalid HTTP Response: {code}")
            },
            status_code: code,
            event: "push".into(),
            action: None,
            installation_id: Some(1),
            repository_id: None,
        }
    }

    #[test]
    fn redelivers_each_failed_event_once_skipping_those_since_delivered() {
        let deliveries = vec![
            delivery(1, "a", 1, 200, false),
            delivery(2, "b", 2, 502, false),
            delivery(3, "c", 3, 500, false),
            delivery(4, "c", 4, 200, true), // c redelivered successfully
            delivery(5, "d", 5, 502, false),
            delivery(6, "d", 6, 503, true), // d's redelivery failed too
            delivery(7, "e", 0, 502, false), // before the window
            delivery(8, "f", 9, 0, false),  // never connected
            delivery(9, "g", 23, 502, false), // after the window's end
        ];
        let plan = plan(&deliveries, at(1), Some(at(12)));
        let ids: Vec<u64> = plan.to_redeliver.iter().map(|d| d.id).collect();
        assert_eq!(ids, vec![2, 6, 8]);
        assert_eq!(plan.already_redelivered, 1);
        assert_eq!(plan.failed_in_window, 5);
    }

    #[test]
    fn nothing_to_do_when_everything_succeeded() {
        let deliveries = vec![delivery(1, "a", 1, 200, false)];
        assert_eq!(plan(&deliveries, at(0), None), RedeliveryPlan::default());
    }
}
