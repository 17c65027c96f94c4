//! The app's own webhook: its configuration (`/app/hook/config`) and its deliveries
//! (`/app/hook/deliveries`, cursor-paginated, newest first), one delivery's request and
//! response, and redelivery. The webhook secret only ever goes to GitHub: GitHub shows it
//! back as `********`, which Appwarden reads as "a secret is set".

use super::client::{Auth, GitHubClient};
use super::error::GitHubError;
use super::link;
use crate::jwt::JwtSigner;
use crate::secret::WebhookSecret;
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use zeroize::Zeroize;

/// The webhook's configuration as Appwarden shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookConfig {
    pub url: Option<String>,
    /// `json` or `form`.
    pub content_type: Option<String>,
    /// GitHub checks the receiver's TLS certificate (`insecure_ssl` is `0`).
    pub verify_ssl: bool,
    /// A secret is set; GitHub never shows it back.
    pub secret_set: bool,
}

#[derive(Deserialize)]
struct RawWebhookConfig {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    insecure_ssl: Option<Value>,
    #[serde(default)]
    secret: Option<String>,
}

impl From<RawWebhookConfig> for WebhookConfig {
    fn from(mut raw: RawWebhookConfig) -> Self {
        let insecure = match &raw.insecure_ssl {
            Some(Value::String(s)) => s == "1",
            Some(Value::Number(n)) => n.as_u64() == Some(1),
            _ => false,
        };
        let secret_set = raw.secret.as_deref().is_some_and(|s| !s.is_empty());
        if let Some(secret) = raw.secret.as_mut() {
            secret.zeroize();
        }
        Self {
            url: raw.url.filter(|u| !u.is_empty()),
            content_type: raw.content_type,
            verify_ssl: !insecure,
            secret_set,
        }
    }
}

/// What to change in the webhook's configuration; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct WebhookConfigUpdate {
    pub url: Option<String>,
    pub content_type: Option<String>,
    pub verify_ssl: Option<bool>,
    pub secret: Option<SecretChange>,
}

#[derive(Debug)]
pub enum SecretChange {
    Set(WebhookSecret),
    Remove,
}

impl WebhookConfigUpdate {
    pub fn is_empty(&self) -> bool {
        self.url.is_none()
            && self.content_type.is_none()
            && self.verify_ssl.is_none()
            && self.secret.is_none()
    }

    /// What it changes, in words for the activity record: the payload URL by its host only
    /// (a URL may carry credentials), never the secret.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(url) = &self.url {
            let host = url::Url::parse(url.trim())
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_else(|| "?".to_owned());
            parts.push(format!("payload URL now on {host}"));
        }
        if let Some(content_type) = &self.content_type {
            parts.push(format!("content type {content_type}"));
        }
        if let Some(verify) = self.verify_ssl {
            parts.push(format!(
                "SSL verification {}",
                if verify { "on" } else { "off" }
            ));
        }
        match self.secret {
            Some(SecretChange::Set(_)) => parts.push("secret replaced".to_owned()),
            Some(SecretChange::Remove) => parts.push("secret removed".to_owned()),
            None => {}
        }
        parts.join("; ")
    }

    /// Checks what GitHub would refuse, with words that say what to do.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(url) = &self.url {
            let parsed = url::Url::parse(url.trim())
                .map_err(|_| format!("{url:?} is not a URL: give the receiver's full address, like https://hooks.example.com/github"))?;
            if !matches!(parsed.scheme(), "https" | "http") || parsed.host_str().is_none() {
                return Err(format!(
                    "{url:?} is not an http(s) URL: GitHub delivers webhooks over HTTPS (or HTTP)"
                ));
            }
        }
        if let Some(content_type) = &self.content_type
            && !matches!(content_type.as_str(), "json" | "form")
        {
            return Err(format!(
                "content type {content_type:?} is not one GitHub sends: use json or form"
            ));
        }
        if let Some(SecretChange::Set(secret)) = &self.secret
            && secret.expose_secret().is_empty()
        {
            return Err("the new webhook secret is empty: give one, or remove the secret".into());
        }
        Ok(())
    }

    /// The PATCH body. It holds the secret: callers wipe it after sending.
    fn body(&self) -> Value {
        let mut body = Map::new();
        if let Some(url) = &self.url {
            body.insert("url".into(), json!(url.trim()));
        }
        if let Some(content_type) = &self.content_type {
            body.insert("content_type".into(), json!(content_type));
        }
        if let Some(verify) = self.verify_ssl {
            body.insert("insecure_ssl".into(), json!(if verify { "0" } else { "1" }));
        }
        match &self.secret {
            Some(SecretChange::Set(secret)) => {
                body.insert("secret".into(), json!(secret.expose_secret()));
            }
            Some(SecretChange::Remove) => {
                body.insert("secret".into(), json!(""));
            }
            None => {}
        }
        Value::Object(body)
    }
}

/// One delivery (`hook-delivery-item`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: u64,
    pub guid: String,
    pub delivered_at: DateTime<Utc>,
    pub redelivery: bool,
    /// Seconds.
    pub duration: f64,
    /// GitHub's words: `OK`, `Invalid HTTP Response: 502`, `failed to connect`…
    pub status: String,
    pub status_code: u16,
    pub event: String,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub installation_id: Option<u64>,
    #[serde(default)]
    pub repository_id: Option<u64>,
}

impl Delivery {
    /// The receiver answered 2xx or 3xx (GitHub's `success`); anything else, including no
    /// answer at all, is a failure.
    pub fn succeeded(&self) -> bool {
        (200..400).contains(&self.status_code)
    }

    /// `push` or `pull_request.opened`.
    pub fn event_name(&self) -> String {
        match &self.action {
            Some(action) => format!("{}.{action}", self.event),
            None => self.event.clone(),
        }
    }
}

/// One delivery with what was sent and what came back (`hook-delivery`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryDetails {
    #[serde(flatten)]
    pub delivery: Delivery,
    #[serde(default)]
    pub url: Option<String>,
    pub request: DeliveryRequest,
    pub response: DeliveryResponse,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryRequest {
    #[serde(default)]
    pub headers: Option<Map<String, Value>>,
    #[serde(default)]
    pub payload: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeliveryResponse {
    #[serde(default)]
    pub headers: Option<Map<String, Value>>,
    #[serde(default)]
    pub payload: Option<String>,
}

/// Which deliveries to list. GitHub filters by outcome; the event and the time window are
/// applied here, and paging stops at the first delivery older than `since`.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    /// Only failures: every delivery the receiver did not answer with 2xx or 3xx, those it
    /// never answered (status code 0) included. GitHub's own `status=failure` returns
    /// status codes 400-599 only, so this is filtered here, as redelivery planning counts.
    pub failed_only: bool,
    /// `push`, or `pull_request.opened` for one action.
    pub event: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Stop after this many matching deliveries.
    pub limit: Option<usize>,
}

impl DeliveryFilter {
    pub(crate) fn matches(&self, delivery: &Delivery) -> bool {
        let event_ok = match self.event.as_deref() {
            None | Some("") => true,
            Some(wanted) => match wanted.split_once('.') {
                Some((event, action)) => {
                    delivery.event == event && delivery.action.as_deref() == Some(action)
                }
                None => delivery.event == wanted,
            },
        };
        event_ok
            && self
                .since
                .is_none_or(|since| delivery.delivered_at >= since)
            && self
                .until
                .is_none_or(|until| delivery.delivered_at <= until)
            && (!self.failed_only || !delivery.succeeded())
    }
}

/// Deliveries found, newest first.
#[derive(Debug, Clone, Default)]
pub struct DeliveryList {
    pub deliveries: Vec<Delivery>,
    /// More matching deliveries exist past `limit`.
    pub truncated: bool,
    pub requests: u32,
}

impl GitHubClient {
    /// `GET /app/hook/config`.
    pub async fn webhook_config(&self, signer: &JwtSigner) -> Result<WebhookConfig, GitHubError> {
        let raw: RawWebhookConfig = self.get_json("/app/hook/config", Auth::App(signer)).await?;
        Ok(raw.into())
    }

    /// `PATCH /app/hook/config`; the answer is the configuration as GitHub now has it, with
    /// GitHub's request ID.
    pub async fn update_webhook_config(
        &self,
        signer: &JwtSigner,
        update: &WebhookConfigUpdate,
    ) -> Result<(WebhookConfig, super::RequestId), GitHubError> {
        let mut body = update.body();
        let answer = self
            .send(
                Method::PATCH,
                "/app/hook/config",
                Auth::App(signer),
                Some(&body),
            )
            .await;
        if let Some(Value::String(secret)) = body.get_mut("secret") {
            secret.zeroize();
        }
        let answer = answer?;
        let raw: RawWebhookConfig = answer.json()?;
        let request_id = answer.request_id();
        Ok((raw.into(), request_id))
    }

    /// `GET /app/hook/deliveries`, following the `next` cursor until the filter's window
    /// or limit is reached.
    pub async fn webhook_deliveries(
        &self,
        signer: &JwtSigner,
        filter: &DeliveryFilter,
    ) -> Result<DeliveryList, GitHubError> {
        let mut list = DeliveryList::default();
        // Not GitHub's `status=failure`: it leaves out deliveries that got no answer.
        let mut path = "/app/hook/deliveries?per_page=100".to_owned();
        loop {
            let answer = self
                .send(Method::GET, &path, Auth::App(signer), None)
                .await?;
            list.requests += 1;
            let page: Vec<Delivery> = answer.json()?;
            let reached_since = filter.since.is_some_and(|since| {
                page.last()
                    .is_some_and(|oldest| oldest.delivered_at < since)
            });
            for delivery in page {
                if filter.matches(&delivery) {
                    if filter
                        .limit
                        .is_some_and(|limit| list.deliveries.len() >= limit)
                    {
                        list.truncated = true;
                        return Ok(list);
                    }
                    list.deliveries.push(delivery);
                }
            }
            // Only the cursor is taken from the link: the JWT goes nowhere but the API URL.
            let next_cursor = answer.header("link").map(link::parse).and_then(|links| {
                links
                    .get("next")
                    .and_then(|url| link::query_param(url, "cursor"))
            });
            match next_cursor {
                Some(cursor) if !reached_since => {
                    let cursor = super::segment(&cursor);
                    path = format!("/app/hook/deliveries?per_page=100&cursor={cursor}");
                }
                _ => return Ok(list),
            }
        }
    }

    /// `GET /app/hook/deliveries/{id}`.
    pub async fn webhook_delivery(
        &self,
        signer: &JwtSigner,
        id: u64,
    ) -> Result<DeliveryDetails, GitHubError> {
        self.get_json(&format!("/app/hook/deliveries/{id}"), Auth::App(signer))
            .await
    }

    /// `POST /app/hook/deliveries/{id}/attempts`: GitHub accepts (202) and delivers again.
    pub async fn redeliver(
        &self,
        signer: &JwtSigner,
        id: u64,
    ) -> Result<super::RequestId, GitHubError> {
        let path = format!("/app/hook/deliveries/{id}/attempts");
        self.send(Method::POST, &path, Auth::App(signer), None)
            .await
            .map(|answer| answer.request_id())
    }
}
