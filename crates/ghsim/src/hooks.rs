//! The app's webhook as GitHub keeps it: its configuration (URL, content type, SSL
//! verification, secret) and the deliveries of the last three days, seeded
//! deterministically — some failed, some of those already redelivered with success — so
//! that listing, filtering and redelivering have something realistic to work on.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

/// The secret ghsim's webhook starts with (tests check signatures with it).
pub const DEFAULT_SECRET: &str = "ghsim-webhook-secret";

#[derive(Debug, Clone)]
pub struct SimHookConfig {
    pub url: String,
    /// `json` or `form`.
    pub content_type: String,
    /// `0` (certificates checked) or `1`.
    pub insecure_ssl: String,
    pub secret: Option<String>,
}

impl Default for SimHookConfig {
    fn default() -> Self {
        Self {
            url: "https://hooks.example.com/github".into(),
            content_type: "json".into(),
            insecure_ssl: "0".into(),
            secret: Some(DEFAULT_SECRET.into()),
        }
    }
}

impl SimHookConfig {
    /// GitHub's `webhook-config`: the secret only ever as `********`.
    pub fn render(&self) -> Value {
        let mut body = json!({
            "url": self.url,
            "content_type": self.content_type,
            "insecure_ssl": self.insecure_ssl,
        });
        if self.secret.is_some() {
            body["secret"] = json!("********");
        }
        body
    }
}

#[derive(Debug, Clone)]
pub struct SimDelivery {
    pub id: u64,
    pub guid: String,
    pub delivered_at: DateTime<Utc>,
    pub redelivery: bool,
    pub duration: f64,
    pub status_code: u16,
    pub event: String,
    pub action: Option<String>,
    pub installation_id: Option<u64>,
    pub repository_id: Option<u64>,
    pub payload: Value,
    /// The headers GitHub sent (signature included, computed when delivered).
    pub request_headers: Value,
    pub response_body: String,
}

/// GitHub's `success`: the receiver answered 2xx or 3xx.
fn is_success(status_code: u16) -> bool {
    (200..400).contains(&status_code)
}

impl SimDelivery {
    pub fn succeeded(&self) -> bool {
        is_success(self.status_code)
    }

    /// The event this delivery carried, to deliver it again.
    fn draft(&self) -> DeliveryDraft {
        DeliveryDraft {
            guid: self.guid.clone(),
            event: self.event.clone(),
            action: self.action.clone(),
            installation_id: self.installation_id,
            repository_id: self.repository_id,
        }
    }

    /// GitHub's words for the outcome.
    pub fn status(&self) -> String {
        if self.status_code == 200 {
            "OK".into()
        } else if self.status_code == 0 {
            // GitHub does not document its words for a receiver that never answered.
            "timed out".into()
        } else {
            format!("Invalid HTTP Response: {}", self.status_code)
        }
    }

    /// `hook-delivery-item`.
    pub fn render_item(&self) -> Value {
        json!({
            "id": self.id,
            "guid": self.guid,
            "delivered_at": self.delivered_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "redelivery": self.redelivery,
            "duration": self.duration,
            "status": self.status(),
            "status_code": self.status_code,
            "event": self.event,
            "action": self.action,
            "installation_id": self.installation_id,
            "repository_id": self.repository_id,
            "throttled_at": null,
        })
    }

    /// `hook-delivery`: the item with the request and response.
    pub fn render_details(&self, url: &str) -> Value {
        let mut body = self.render_item();
        body["url"] = json!(url);
        body["request"] = json!({ "headers": self.request_headers, "payload": self.payload });
        let content_type = if self.succeeded() {
            "text/plain; charset=utf-8"
        } else {
            "text/html"
        };
        body["response"] = json!({
            "headers": { "Content-Type": content_type, "Date": self.delivered_at.to_rfc2822() },
            "payload": self.response_body,
        });
        body
    }
}

/// Events the seeded deliveries cycle through, with their actions.
const EVENTS: &[(&str, Option<&str>)] = &[
    ("push", None),
    ("pull_request", Some("opened")),
    ("issues", Some("opened")),
    ("check_suite", Some("requested")),
    ("pull_request", Some("closed")),
    ("installation_repositories", Some("added")),
    ("issues", Some("closed")),
    ("installation", Some("created")),
];

/// A delivery's parts before it is numbered and signed.
#[derive(Clone)]
pub struct DeliveryDraft {
    pub guid: String,
    pub event: String,
    pub action: Option<String>,
    pub installation_id: Option<u64>,
    pub repository_id: Option<u64>,
}

/// The webhook's deliveries, newest last, and the next delivery ID.
#[derive(Debug, Clone)]
pub struct SimHook {
    pub config: SimHookConfig,
    pub deliveries: Vec<SimDelivery>,
    /// The app the webhook belongs to (its ID is the hook's installation target).
    app_id: u64,
    next_id: u64,
    /// Whether the receiver answers 200 now (redeliveries succeed) or 502.
    pub receiver_up: bool,
}

impl SimHook {
    /// `count` deliveries spread over the 70 hours before `now`: one in six failed (a 4xx or
    /// 5xx, or no answer at all: status code 0); half of those failures were already
    /// redelivered successfully ten minutes later, none of the unanswered ones.
    /// `installations` are (installation ID, first repository ID) pairs to attribute events to.
    pub fn seeded(
        app_id: u64,
        count: usize,
        installations: &[(u64, Option<u64>)],
        now: DateTime<Utc>,
    ) -> Self {
        let mut hook = Self {
            config: SimHookConfig::default(),
            deliveries: Vec::new(),
            app_id,
            next_id: 90_000_000_000 + app_id * 1_000_000,
            receiver_up: true,
        };
        let span = Duration::hours(70);
        let step = if count > 0 { span / count as i32 } else { span };
        for i in 0..count {
            let at = now - span + step * i as i32;
            let (event, action) = EVENTS[i % EVENTS.len()];
            let (installation_id, repository_id) = installations
                .get(i % installations.len().max(1))
                .copied()
                .map_or((None, None), |(inst, repo)| (Some(inst), repo));
            let draft = DeliveryDraft {
                guid: guid(app_id, i as u64),
                event: event.into(),
                action: action.map(str::to_owned),
                installation_id,
                repository_id: if event.starts_with("installation") {
                    None
                } else {
                    repository_id
                },
            };
            let failed = i % 6 == 2;
            // Status code 0: the receiver never answered (a timeout, a refused connection).
            // GitHub's `status=failure` (400-599) does not return these.
            let status = if failed {
                [502, 0, 503, 404, 500, 0][(i / 6) % 6]
            } else {
                200
            };
            let redelivered_ok = failed && i % 12 == 2;
            let copy = redelivered_ok.then(|| draft.clone());
            hook.record(draft, at, false, status);
            if let Some(copy) = copy {
                hook.record(copy, at + Duration::minutes(10), true, 200);
            }
        }
        hook.deliveries.sort_by_key(|d| (d.delivered_at, d.id));
        hook
    }

    /// Records a delivery made at `at` with the receiver's answer `status_code`; returns
    /// its ID.
    pub fn record(
        &mut self,
        draft: DeliveryDraft,
        at: DateTime<Utc>,
        redelivery: bool,
        status_code: u16,
    ) -> u64 {
        self.next_id += 1;
        let payload = payload(&draft);
        let mut headers = json!({
            "Accept": "*/*",
            "User-Agent": "GitHub-Hookshot/ghsim",
            "X-GitHub-Delivery": draft.guid,
            "X-GitHub-Event": draft.event,
            "X-GitHub-Hook-ID": "424242",
            "X-GitHub-Hook-Installation-Target-ID": self.app_id.to_string(),
            "X-GitHub-Hook-Installation-Target-Type": "integration",
            "content-type": "application/json",
        });
        if let Some(secret) = &self.config.secret {
            let bytes = serde_json::to_vec(&payload).unwrap_or_default();
            headers["X-Hub-Signature-256"] = json!(signature(secret, &bytes));
        }
        let ok = is_success(status_code);
        self.deliveries.push(SimDelivery {
            id: self.next_id,
            guid: draft.guid,
            delivered_at: at,
            redelivery,
            duration: if ok { 0.21 } else { 10.0 },
            status_code,
            event: draft.event,
            action: draft.action,
            installation_id: draft.installation_id,
            repository_id: draft.repository_id,
            payload,
            request_headers: headers,
            response_body: if ok {
                "ok".into()
            } else if status_code == 0 {
                String::new()
            } else {
                format!("<html><body><h1>{status_code}</h1></body></html>")
            },
        });
        self.next_id
    }

    /// Redelivers delivery `id` now: a new delivery with the same GUID, marked as a
    /// redelivery, that succeeds when the receiver is up.
    pub fn redeliver(&mut self, id: u64, now: DateTime<Utc>) -> Option<u64> {
        let draft = self.deliveries.iter().find(|d| d.id == id)?.draft();
        let status = if self.receiver_up { 200 } else { 502 };
        Some(self.record(draft, now, true, status))
    }
}

fn guid(app_id: u64, index: u64) -> String {
    let n = app_id * 1_000_003 + index * 7_919;
    format!(
        "{:08x}-{:04x}-11ef-8{:03x}-0e4f3503{:04x}",
        n as u32,
        (index & 0xffff) as u16,
        (n % 0xfff) as u16,
        (index % 0xffff) as u16
    )
}

fn payload(draft: &DeliveryDraft) -> Value {
    let mut payload = json!({});
    if let Some(action) = &draft.action {
        payload["action"] = json!(action);
    }
    if let Some(id) = draft.installation_id {
        payload["installation"] =
            json!({ "id": id, "node_id": format!("MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u{id}") });
    }
    if let Some(id) = draft.repository_id {
        payload["repository"] = json!({ "id": id, "node_id": format!("MDEwOlJlcG9zaXRvcnk{id}") });
    }
    payload["sender"] = json!({ "login": "octocat", "id": 583231, "type": "User" });
    payload
}

/// `X-Hub-Signature-256`: `sha256=` and the hex HMAC-SHA256 of the body with the secret.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeding_has_failures_some_already_redelivered() {
        let now = Utc::now();
        let hook = SimHook::seeded(1, 60, &[(11, Some(1100)), (12, None)], now);
        let failed: Vec<_> = hook.deliveries.iter().filter(|d| !d.succeeded()).collect();
        assert_eq!(failed.len(), 10);
        let recovered = failed
            .iter()
            .filter(|f| {
                hook.deliveries
                    .iter()
                    .any(|d| d.guid == f.guid && d.redelivery && d.succeeded())
            })
            .count();
        assert_eq!(recovered, 5);
        let unanswered = failed.iter().filter(|d| d.status_code == 0).count();
        assert_eq!(unanswered, 3, "outside GitHub's status=failure (400-599)");
        assert!(hook.deliveries.iter().all(|d| d.delivered_at <= now));
        let ids: std::collections::HashSet<_> = hook.deliveries.iter().map(|d| d.id).collect();
        assert_eq!(ids.len(), hook.deliveries.len());
    }

    #[test]
    fn signature_matches_githubs_documented_example() {
        // From GitHub's "Validating webhook deliveries".
        assert_eq!(
            signature("It's a Secret to Everybody", b"Hello, World!"),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
    }
}
