//! The webhook's types crossing IPC: its configuration (never the secret: a new secret
//! goes from the window to Rust, nothing comes back but "set"), deliveries, one delivery's
//! request and response ready to show, redelivery plans and progress, and the signature
//! checker's verdict.

use appwarden_core::github::{Delivery, DeliveryDetails, WebhookConfig};
use appwarden_core::redelivery::{RedeliveryPlan, RedeliveryProgress, RedeliveryReport};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct WebhookConfigView {
    pub url: Option<String>,
    pub content_type: Option<String>,
    pub verify_ssl: bool,
    pub secret_set: bool,
}

impl From<WebhookConfig> for WebhookConfigView {
    fn from(config: WebhookConfig) -> Self {
        Self {
            url: config.url,
            content_type: config.content_type,
            verify_ssl: config.verify_ssl,
            secret_set: config.secret_set,
        }
    }
}

/// What the configuration form changes; absent fields stay as they are.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct WebhookConfigChange {
    pub url: Option<String>,
    pub content_type: Option<String>,
    pub verify_ssl: Option<bool>,
    /// A new secret (typed or generated in the window); wrapped as a secret on arrival.
    pub new_secret: Option<String>,
    pub remove_secret: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DeliveryRow {
    #[ts(type = "number")]
    pub id: u64,
    pub guid: String,
    /// RFC 3339.
    pub delivered_at: String,
    pub redelivery: bool,
    /// Seconds.
    pub duration: f64,
    pub status: String,
    pub status_code: u16,
    pub event: String,
    pub action: Option<String>,
    #[ts(type = "number | null")]
    pub installation_id: Option<u64>,
    #[ts(type = "number | null")]
    pub repository_id: Option<u64>,
    pub succeeded: bool,
}

impl From<Delivery> for DeliveryRow {
    fn from(d: Delivery) -> Self {
        Self {
            succeeded: d.succeeded(),
            id: d.id,
            guid: d.guid,
            delivered_at: d.delivered_at.to_rfc3339(),
            redelivery: d.redelivery,
            duration: d.duration,
            status: d.status,
            status_code: d.status_code,
            event: d.event,
            action: d.action,
            installation_id: d.installation_id,
            repository_id: d.repository_id,
        }
    }
}

/// Which deliveries to list.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct DeliveryQuery {
    pub failed_only: bool,
    /// `push` or `pull_request.opened`.
    pub event: Option<String>,
    /// RFC 3339.
    pub since: Option<String>,
    pub until: Option<String>,
    #[ts(type = "number | null")]
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DeliveryPage {
    pub deliveries: Vec<DeliveryRow>,
    /// More matched than `limit`.
    pub truncated: bool,
}

/// One delivery, its headers as name/value pairs and bodies pretty-printed.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct DeliveryView {
    pub delivery: DeliveryRow,
    pub url: Option<String>,
    pub request_headers: Vec<(String, String)>,
    pub request_payload: String,
    pub response_headers: Vec<(String, String)>,
    pub response_body: String,
}

fn header_pairs(
    headers: Option<serde_json::Map<String, serde_json::Value>>,
) -> Vec<(String, String)> {
    headers
        .into_iter()
        .flatten()
        .map(|(name, value)| {
            let value = match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (name, value)
        })
        .collect()
}

/// JSON pretty-printed; anything else as it came.
fn pretty(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_owned())
}

impl From<DeliveryDetails> for DeliveryView {
    fn from(details: DeliveryDetails) -> Self {
        Self {
            delivery: details.delivery.into(),
            url: details.url,
            request_headers: header_pairs(details.request.headers),
            request_payload: details
                .request
                .payload
                .and_then(|p| serde_json::to_string_pretty(&p).ok())
                .unwrap_or_default(),
            response_headers: header_pairs(details.response.headers),
            response_body: pretty(details.response.payload.as_deref().unwrap_or("")),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RedeliveryPlanView {
    pub to_redeliver: Vec<DeliveryRow>,
    #[ts(type = "number")]
    pub already_redelivered: usize,
    #[ts(type = "number")]
    pub failed_in_window: usize,
}

impl From<RedeliveryPlan> for RedeliveryPlanView {
    fn from(plan: RedeliveryPlan) -> Self {
        Self {
            to_redeliver: plan
                .to_redeliver
                .into_iter()
                .map(DeliveryRow::from)
                .collect(),
            already_redelivered: plan.already_redelivered,
            failed_in_window: plan.failed_in_window,
        }
    }
}

/// One redelivery done, sent while a run goes on.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RedeliveryStep {
    #[ts(type = "number")]
    pub done: usize,
    #[ts(type = "number")]
    pub total: usize,
    #[ts(type = "number")]
    pub delivery_id: u64,
    pub error: Option<String>,
}

impl From<RedeliveryProgress> for RedeliveryStep {
    fn from(p: RedeliveryProgress) -> Self {
        Self {
            done: p.done,
            total: p.total,
            delivery_id: p.delivery_id,
            error: p.error,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RedeliveryOutcome {
    #[ts(type = "number[]")]
    pub redelivered: Vec<u64>,
    pub failed: Vec<RedeliveryFailure>,
    #[ts(type = "number[]")]
    pub not_attempted: Vec<u64>,
    pub stopped: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RedeliveryFailure {
    #[ts(type = "number")]
    pub delivery_id: u64,
    pub message: String,
}

impl From<RedeliveryReport> for RedeliveryOutcome {
    fn from(report: RedeliveryReport) -> Self {
        Self {
            redelivered: report.redelivered,
            failed: report
                .failed
                .into_iter()
                .map(|(delivery_id, message)| RedeliveryFailure {
                    delivery_id,
                    message,
                })
                .collect(),
            not_attempted: report.not_attempted,
            stopped: report.stopped,
        }
    }
}

/// The signature checker's verdict.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SignatureVerdict {
    pub valid: bool,
    /// The signature the payload would have with this secret (to compare by eye).
    pub expected: String,
}

/// Where the app's webhook deliveries come from (`GET /meta`'s `hooks`), as shown next to
/// the webhook's configuration.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SourceRangesView {
    pub api_url: String,
    /// When they were fetched (RFC 3339).
    pub fetched_at: String,
    pub ipv4: Vec<String>,
    pub ipv6: Vec<String>,
    /// Why there are none to allow (Enterprise Server, GHE.com), when there are none.
    pub note: Option<String>,
    /// Entries GitHub listed that are not address ranges (left out).
    pub unreadable: Vec<String>,
}

impl From<&appwarden_core::source_ranges::SourceRanges> for SourceRangesView {
    fn from(ranges: &appwarden_core::source_ranges::SourceRanges) -> Self {
        Self {
            api_url: ranges.api_url.clone(),
            fetched_at: ranges.fetched_at.to_rfc3339(),
            ipv4: ranges.ipv4.iter().map(ToString::to_string).collect(),
            ipv6: ranges.ipv6.iter().map(ToString::to_string).collect(),
            note: ranges.why_none(),
            unreadable: ranges.unreadable.clone(),
        }
    }
}
