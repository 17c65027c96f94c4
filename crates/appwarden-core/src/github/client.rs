//! The HTTP layer of the GitHub client: one request loop that every endpoint goes through.
//!
//! It sets GitHub's headers, authenticates with a JWT or an installation token, applies a
//! timeout to every request, retries idempotent requests on 5xx answers and connection
//! errors with capped exponential backoff, waits out short rate limits, and corrects for
//! clock skew once when GitHub says a JWT's `iat`/`exp` is off.

use super::error::{ApiError, ErrorBody, GitHubError};
use crate::api_url::ApiUrl;
use crate::clock::Clock;
use crate::jwt::JwtSigner;
use crate::secret::AccessToken;
use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

pub const USER_AGENT: &str = concat!("appwarden/", env!("CARGO_PKG_VERSION"));
pub const API_VERSION: &str = "2022-11-28";

/// How the client behaves on the network. The defaults suit interactive use.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Whole-request timeout, body included.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Retries of an idempotent request after a 5xx answer or a connection error.
    pub max_retries: u32,
    /// First backoff; doubled on each retry, capped at `max_backoff`.
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// A rate limit that resets within this is waited out; a longer one is reported.
    pub max_rate_limit_wait: Duration,
    /// Pages of a listing fetched at once once the last page is known (1 = serial).
    pub concurrency: usize,
    /// Extra certificate authorities (PEM) to trust besides the OS's, e.g. an Enterprise
    /// Server's own CA. Certificate checks are never turned off.
    pub extra_root_certificates: Vec<String>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_retries: 3,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(4),
            max_rate_limit_wait: Duration::from_secs(60),
            concurrency: 4,
            extra_root_certificates: Vec::new(),
        }
    }
}

/// Credentials for one request.
#[derive(Clone, Copy)]
pub enum Auth<'a> {
    /// As the app, with a JWT from this signer.
    App(&'a JwtSigner),
    /// As an installation, with its access token.
    Token(&'a AccessToken),
}

/// A successful answer, read completely.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub endpoint: String,
}

impl Answer {
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, GitHubError> {
        serde_json::from_slice(&self.body).map_err(|err| GitHubError::InvalidResponse {
            endpoint: self.endpoint.clone(),
            detail: format!("unexpected JSON: {err}"),
        })
    }

    /// Like [`Answer::json`], decoded on tokio's blocking pool: while a large page decodes,
    /// the task that polls the other requests of a listing keeps sending and receiving.
    pub async fn json_off_task<T: serde::de::DeserializeOwned + Send + 'static>(
        self,
    ) -> Result<T, GitHubError> {
        let endpoint = self.endpoint.clone();
        tokio::task::spawn_blocking(move || self.json())
            .await
            .unwrap_or_else(|err| {
                Err(GitHubError::InvalidResponse {
                    endpoint,
                    detail: format!("decoding stopped: {err}"),
                })
            })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// A GitHub REST client for one API URL.
#[derive(Debug)]
pub struct GitHubClient {
    http: reqwest::Client,
    api: ApiUrl,
    clock: Arc<dyn Clock>,
    /// GitHub's clock minus ours, in seconds, learnt from a `Date` header after a skew error.
    skew_seconds: AtomicI64,
    options: ClientOptions,
}

impl GitHubClient {
    pub fn new(
        api: ApiUrl,
        clock: Arc<dyn Clock>,
        options: ClientOptions,
    ) -> Result<Self, GitHubError> {
        let mut headers = HeaderMap::new();
        headers.insert(
            "accept",
            HeaderValue::from_static("application/vnd.github+json"),
        );
        headers.insert(
            "x-github-api-version",
            HeaderValue::from_static(API_VERSION),
        );
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .default_headers(headers)
            .timeout(options.timeout)
            .connect_timeout(options.connect_timeout);
        for pem in &options.extra_root_certificates {
            let certificates = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                .ok()
                .filter(|certs| !certs.is_empty())
                .ok_or_else(|| GitHubError::BadCaCertificate {
                    url: api.to_string(),
                })?;
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let http = builder.build().map_err(|err| GitHubError::Network {
            endpoint: "setup".into(),
            url: api.to_string(),
            detail: err.to_string(),
        })?;
        Ok(Self {
            http,
            api,
            clock,
            skew_seconds: AtomicI64::new(0),
            options,
        })
    }

    pub fn api_url(&self) -> &ApiUrl {
        &self.api
    }

    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// GitHub's idea of now: our clock corrected by the skew learnt so far.
    pub fn github_now(&self) -> DateTime<Utc> {
        self.clock.now() + chrono::Duration::seconds(self.skew_seconds.load(Ordering::Relaxed))
    }

    /// The clock difference learnt from GitHub, in seconds (GitHub minus local).
    pub fn clock_skew_seconds(&self) -> i64 {
        self.skew_seconds.load(Ordering::Relaxed)
    }

    /// Sends one request through the retry loop and returns a 2xx answer.
    pub async fn send(
        &self,
        method: Method,
        path_and_query: &str,
        auth: Auth<'_>,
        body: Option<&serde_json::Value>,
    ) -> Result<Answer, GitHubError> {
        self.send_with(method, path_and_query, auth, body, None)
            .await
    }

    /// A conditional `GET`: with the ETag of an earlier answer, GitHub answers 304 Not
    /// Modified (which costs no rate limit) when nothing changed.
    pub async fn get_if_none_match(
        &self,
        path_and_query: &str,
        auth: Auth<'_>,
        etag: Option<&str>,
    ) -> Result<Answer, GitHubError> {
        self.send_with(Method::GET, path_and_query, auth, None, etag)
            .await
    }

    async fn send_with(
        &self,
        method: Method,
        path_and_query: &str,
        auth: Auth<'_>,
        body: Option<&serde_json::Value>,
        if_none_match: Option<&str>,
    ) -> Result<Answer, GitHubError> {
        let url = self.api.join(path_and_query);
        let path = path_and_query.split('?').next().unwrap_or(path_and_query);
        let endpoint = format!("{method} {path}");
        let idempotent = matches!(method, Method::GET | Method::HEAD);
        let mut retries = 0;
        let mut rate_limit_waits = 0;
        let mut skew_corrected = false;
        loop {
            let mut request = self.http.request(method.clone(), &url);
            request = match auth {
                Auth::App(signer) => {
                    let jwt = signer.jwt(self.github_now())?;
                    request.bearer_auth(jwt.expose_secret())
                }
                Auth::Token(token) => request.bearer_auth(token.expose_secret()),
            };
            if let Some(body) = body {
                request = request.json(body);
            }
            if let Some(etag) = if_none_match {
                request = request.header("if-none-match", etag);
            }
            let started = std::time::Instant::now();
            let outcome = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    response
                        .bytes()
                        .await
                        .map(|body| (status, headers, body.to_vec()))
                }
                Err(err) => Err(err),
            };
            let (status, headers, body) = match outcome {
                Ok(parts) => parts,
                Err(err) => {
                    let error = self.transport_error(&endpoint, &url, &err);
                    tracing::debug!(%endpoint, retries, error = %error, "request failed");
                    let retryable = !matches!(error, GitHubError::UntrustedCertificate { .. });
                    if idempotent && retryable && retries < self.options.max_retries {
                        self.backoff(retries).await;
                        retries += 1;
                        continue;
                    }
                    return Err(error);
                }
            };
            // What is logged: the endpoint (method and path, no query), status, time and
            // GitHub's request ID and rate-limit state. Never headers or bodies: they carry
            // JWTs and tokens.
            tracing::debug!(
                %endpoint,
                status = status.as_u16(),
                ms = started.elapsed().as_millis() as u64,
                retries,
                request_id = headers.get("x-github-request-id").and_then(|v| v.to_str().ok()),
                rate_limit_remaining = headers.get("x-ratelimit-remaining").and_then(|v| v.to_str().ok()),
                "request"
            );
            let not_modified = status == StatusCode::NOT_MODIFIED && if_none_match.is_some();
            if status.is_success() || not_modified {
                return Ok(Answer {
                    status,
                    headers,
                    body,
                    endpoint,
                });
            }
            let api_error = api_error(&endpoint, status, &headers, &body);

            if let Some(wait) = self.rate_limit_wait(status, &headers) {
                let reset_at = self.clock.now()
                    + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero());
                if wait <= self.options.max_rate_limit_wait && rate_limit_waits < 2 {
                    tokio::time::sleep(wait).await;
                    rate_limit_waits += 1;
                    continue;
                }
                return Err(GitHubError::RateLimited {
                    endpoint,
                    reset_at: Some(reset_at),
                    message: api_error.message,
                    request_id: api_error.request_id,
                });
            }
            if let Auth::App(signer) = auth
                && api_error.is_clock_skew()
                && !skew_corrected
                && let Some(github_date) = date_header(&headers)
            {
                let skew = (github_date - self.clock.now()).num_seconds();
                self.skew_seconds.store(skew, Ordering::Relaxed);
                signer.forget();
                skew_corrected = true;
                continue;
            }
            if status.is_server_error() && idempotent && retries < self.options.max_retries {
                self.backoff(retries).await;
                retries += 1;
                continue;
            }
            return Err(GitHubError::Api(api_error));
        }
    }

    /// `GET` and decode JSON.
    pub async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path_and_query: &str,
        auth: Auth<'_>,
    ) -> Result<T, GitHubError> {
        self.send(Method::GET, path_and_query, auth, None)
            .await?
            .json()
    }

    /// How long a 403/429 rate-limit answer asks us to wait; `None` when it is not one.
    fn rate_limit_wait(&self, status: StatusCode, headers: &HeaderMap) -> Option<Duration> {
        if !matches!(status.as_u16(), 403 | 429) {
            return None;
        }
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        if let Some(seconds) = header("retry-after").and_then(|v| v.trim().parse::<u64>().ok()) {
            return Some(Duration::from_secs(seconds));
        }
        if header("x-ratelimit-remaining") == Some("0") {
            let reset = header("x-ratelimit-reset").and_then(|v| v.parse::<i64>().ok())?;
            let now = self.github_now().timestamp();
            return Some(Duration::from_secs((reset - now).max(1) as u64));
        }
        None
    }

    async fn backoff(&self, retry: u32) {
        let factor = 2u32.saturating_pow(retry);
        let delay = self
            .options
            .initial_backoff
            .saturating_mul(factor)
            .min(self.options.max_backoff);
        tokio::time::sleep(delay).await;
    }

    fn transport_error(&self, endpoint: &str, url: &str, err: &reqwest::Error) -> GitHubError {
        if err.is_timeout() {
            return GitHubError::Timeout {
                endpoint: endpoint.to_owned(),
                seconds: self.options.timeout.as_secs(),
            };
        }
        let detail = describe(err);
        if detail.contains("certificate") || detail.contains("UnknownIssuer") {
            return GitHubError::UntrustedCertificate {
                endpoint: endpoint.to_owned(),
                url: url.to_owned(),
                detail,
            };
        }
        let detail = match proxy_for(url) {
            Some(proxy) => format!("{detail} (through the proxy {proxy})"),
            None => detail,
        };
        GitHubError::Network {
            endpoint: endpoint.to_owned(),
            url: url.to_owned(),
            detail,
        }
    }
}

/// The proxy the environment sets for `url`, as `HTTPS_PROXY=http://host:port` (without any
/// credentials), unless `NO_PROXY` exempts the host. reqwest applies the same variables;
/// this only names the proxy in error messages.
fn proxy_for(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    let names: [&str; 4] = if parsed.scheme() == "https" {
        ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    };
    let (name, value) = names.iter().find_map(|name| {
        std::env::var(name)
            .ok()
            .filter(|value| !value.trim().is_empty())
            .map(|value| (*name, value))
    })?;
    let no_proxy = std::env::var("NO_PROXY")
        .or_else(|_| std::env::var("no_proxy"))
        .unwrap_or_default();
    let exempt = no_proxy.split(',').map(str::trim).any(|entry| {
        let entry = entry.trim_start_matches('.').to_ascii_lowercase();
        entry == "*"
            || (!entry.is_empty() && (host == entry || host.ends_with(&format!(".{entry}"))))
    });
    if exempt {
        return None;
    }
    let shown = match url::Url::parse(&value) {
        Ok(mut proxy) => {
            let _ = proxy.set_username("");
            let _ = proxy.set_password(None);
            proxy.to_string().trim_end_matches('/').to_owned()
        }
        Err(_) => "(unparsable)".to_owned(),
    };
    Some(format!("{name}={shown}"))
}

/// The innermost cause of a reqwest error, which is the informative one.
fn describe(err: &reqwest::Error) -> String {
    let mut source: &dyn std::error::Error = err;
    while let Some(next) = source.source() {
        source = next;
    }
    source.to_string()
}

fn api_error(endpoint: &str, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ApiError {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    // GitHub's front door answers some refusals (a missing User-Agent) in plain text.
    let plain_text = std::str::from_utf8(body)
        .ok()
        .map(str::trim)
        .filter(|text| !text.is_empty() && text.len() <= 500 && !text.starts_with(['{', '[', '<']))
        .map(str::to_owned);
    let message = parsed
        .as_ref()
        .and_then(ErrorBody::full_message)
        .or(plain_text)
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_owned());
    ApiError {
        endpoint: endpoint.to_owned(),
        status: status.as_u16(),
        message,
        documentation_url: parsed.and_then(|body| body.documentation_url),
        request_id: header("x-github-request-id"),
        rate_limit_reset: header("x-ratelimit-reset")
            .and_then(|v| v.parse::<i64>().ok())
            .and_then(|secs| DateTime::from_timestamp(secs, 0)),
    }
}

fn date_header(headers: &HeaderMap) -> Option<DateTime<Utc>> {
    let value = headers.get("date")?.to_str().ok()?;
    DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|date| date.with_timezone(&Utc))
}
