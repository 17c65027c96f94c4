//! The HTTP layer of the GitHub client: one request loop that every endpoint goes through.
//!
//! It sets GitHub's headers, authenticates with a JWT or an installation token, applies a
//! timeout to every request, retries idempotent requests (and token mints) on 5xx answers
//! and connection errors with capped exponential backoff, recognises GitHub's primary and
//! secondary rate limits and waits out short ones, learns GitHub's clock from `Date`,
//! corrects for clock skew once when GitHub says a JWT's `iat`/`exp` is off, falls back to
//! the app ID as issuer where an Enterprise Server refuses the client ID, and retries a
//! 401 for a token minted seconds ago (GitHub replicates new tokens).

use super::error::{ApiError, ErrorBody, GitHubError, RateLimitKind};
use crate::api_url::ApiUrl;
use crate::clock::Clock;
use crate::jwt::JwtSigner;
use crate::secret::AccessToken;
use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU32, Ordering};
use std::time::Duration;

pub const USER_AGENT: &str = concat!("appwarden/", env!("CARGO_PKG_VERSION"));
pub const API_VERSION: &str = "2022-11-28";

/// How long after minting a token a 401 for it is taken as GitHub still replicating it
/// (octokit/auth-app.js retries for the same five seconds).
pub const TOKEN_REPLICATION_WINDOW: Duration = Duration::from_secs(5);

/// The wait after a secondary rate limit that names no time: GitHub's docs say "at least one
/// minute", doubled while it continues.
pub const SECONDARY_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// A rate-limit wait under way, for a user interface to say "waiting until 14:05:12".
#[derive(Debug, Clone)]
pub struct RateLimitWait {
    pub endpoint: String,
    pub kind: RateLimitKind,
    /// When the request is sent again (this computer's clock).
    pub until: DateTime<Utc>,
}

/// Told of every rate-limit wait before it starts.
#[derive(Clone)]
pub struct WaitObserver(Arc<dyn Fn(&RateLimitWait) + Send + Sync>);

impl WaitObserver {
    pub fn new(observe: impl Fn(&RateLimitWait) + Send + Sync + 'static) -> Self {
        Self(Arc::new(observe))
    }
}

impl std::fmt::Debug for WaitObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WaitObserver")
    }
}

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
    /// The first wait after a secondary rate limit that names no time (doubled while it
    /// continues); GitHub asks for at least [`SECONDARY_RATE_LIMIT_WAIT`].
    pub secondary_rate_limit_wait: Duration,
    /// Told when the client starts waiting out a rate limit.
    pub on_rate_limit_wait: Option<WaitObserver>,
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
            secondary_rate_limit_wait: SECONDARY_RATE_LIMIT_WAIT,
            on_rate_limit_wait: None,
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
    /// Without credentials, for the endpoints that need none (`GET /meta`, `POST
    /// /credentials/revoke`).
    Anonymous,
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

    /// GitHub's `X-GitHub-Request-Id`, as the activity record keeps it.
    pub fn request_id(&self) -> Option<String> {
        self.header("x-github-request-id").map(str::to_owned)
    }
}

/// A GitHub REST client for one API URL.
#[derive(Debug)]
pub struct GitHubClient {
    http: reqwest::Client,
    api: ApiUrl,
    /// Ours, and GitHub's as learnt from the `Date` headers of its answers.
    clock: GitHubClock,
    /// Secondary rate limits without a stated wait met in a row (for exponential backoff).
    secondary_streak: AtomicU32,
    options: ClientOptions,
}

/// GitHub's clock as this client knows it: ours corrected by the skew learnt from `Date`.
#[derive(Debug, Clone)]
pub struct GitHubClock {
    local: Arc<dyn Clock>,
    /// GitHub's clock minus ours, in seconds.
    skew_seconds: Arc<AtomicI64>,
}

impl GitHubClock {
    fn skew_seconds(&self) -> i64 {
        self.skew_seconds.load(Ordering::Relaxed)
    }
}

impl Clock for GitHubClock {
    fn now(&self) -> DateTime<Utc> {
        self.local.now() + chrono::Duration::seconds(self.skew_seconds())
    }
}

/// Whether a failed request may be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retry {
    /// GET and HEAD: retried on 5xx and connection errors.
    IfIdempotent,
    /// A write that is harmless to repeat (minting a token): retried like a GET.
    Always,
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
            clock: GitHubClock {
                local: clock,
                skew_seconds: Arc::new(AtomicI64::new(0)),
            },
            secondary_streak: AtomicU32::new(0),
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
        self.clock.now()
    }

    /// The clock difference learnt from GitHub, in seconds (GitHub minus local).
    pub fn clock_skew_seconds(&self) -> i64 {
        self.clock.skew_seconds()
    }

    /// GitHub's clock, as a [`Clock`] (for judging token lifetimes).
    pub fn github_clock(&self) -> Arc<dyn Clock> {
        Arc::new(self.clock.clone())
    }

    /// A moment on GitHub's clock (a token's `expires_at`) on this computer's clock, for
    /// programs that compare it with the local time (git's `password_expiry_utc`).
    pub fn to_local_time(&self, github_time: DateTime<Utc>) -> DateTime<Utc> {
        github_time - chrono::Duration::seconds(self.clock_skew_seconds())
    }

    /// Learns GitHub's clock from an answer's `Date` (whole seconds, so differences of a
    /// couple of seconds are not taken as skew).
    fn observe_date(&self, headers: &HeaderMap, always: bool) {
        if let Some(github_date) = date_header(headers) {
            let observed = (github_date - self.clock.local.now()).num_seconds();
            if always || (observed - self.clock_skew_seconds()).abs() > 2 {
                self.clock.skew_seconds.store(observed, Ordering::Relaxed);
            }
        }
    }

    /// Sends one request through the retry loop and returns a 2xx answer.
    pub async fn send(
        &self,
        method: Method,
        path_and_query: &str,
        auth: Auth<'_>,
        body: Option<&serde_json::Value>,
    ) -> Result<Answer, GitHubError> {
        self.send_with(
            method,
            path_and_query,
            auth,
            body,
            None,
            Retry::IfIdempotent,
        )
        .await
    }

    /// Like [`GitHubClient::send`] for a write that is harmless to repeat (minting a token:
    /// a token nobody uses expires), retried on 5xx answers and connection errors as GETs are.
    pub async fn send_retrying(
        &self,
        method: Method,
        path_and_query: &str,
        auth: Auth<'_>,
        body: Option<&serde_json::Value>,
    ) -> Result<Answer, GitHubError> {
        self.send_with(method, path_and_query, auth, body, None, Retry::Always)
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
        self.send_with(
            Method::GET,
            path_and_query,
            auth,
            None,
            etag,
            Retry::IfIdempotent,
        )
        .await
    }

    async fn send_with(
        &self,
        method: Method,
        path_and_query: &str,
        auth: Auth<'_>,
        body: Option<&serde_json::Value>,
        if_none_match: Option<&str>,
        retry: Retry,
    ) -> Result<Answer, GitHubError> {
        let url = self.api.join(path_and_query);
        let path = path_and_query.split('?').next().unwrap_or(path_and_query);
        let endpoint = format!("{method} {path}");
        let idempotent = matches!(method, Method::GET | Method::HEAD) || retry == Retry::Always;
        let mut retries = 0;
        let mut rate_limit_waits = 0;
        let mut replication_waits = 0u32;
        let mut skew_corrected = false;
        let mut issuer_fallen_back = false;
        loop {
            let mut request = self.http.request(method.clone(), &url);
            let signed_with_client_id =
                matches!(auth, Auth::App(signer) if signer.uses_client_id());
            request = match auth {
                Auth::App(signer) => {
                    let jwt = signer.jwt(self.github_now())?;
                    request.bearer_auth(jwt.expose_secret())
                }
                Auth::Token(token) => request.bearer_auth(token.expose_secret()),
                Auth::Anonymous => request,
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
            self.observe_date(&headers, false);
            if let Auth::App(signer) = auth {
                observe_enterprise_version(&headers, signer);
            }
            let not_modified = status == StatusCode::NOT_MODIFIED && if_none_match.is_some();
            if status.is_success() || not_modified {
                self.secondary_streak.store(0, Ordering::Relaxed);
                return Ok(Answer {
                    status,
                    headers,
                    body,
                    endpoint,
                });
            }
            let api_error = api_error(&endpoint, status, &headers, &body);

            if let Some((wait, kind)) = self.rate_limit_wait(status, &headers, &api_error.message) {
                let until = self.clock.local.now()
                    + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero());
                if wait <= self.options.max_rate_limit_wait && rate_limit_waits < 2 {
                    tracing::info!(%endpoint, ?kind, wait_ms = wait.as_millis() as u64, "rate limited: waiting");
                    if let Some(observer) = &self.options.on_rate_limit_wait {
                        (observer.0)(&RateLimitWait {
                            endpoint: endpoint.clone(),
                            kind,
                            until,
                        });
                    }
                    tokio::time::sleep(wait).await;
                    rate_limit_waits += 1;
                    continue;
                }
                return Err(GitHubError::RateLimited {
                    endpoint,
                    kind,
                    reset_at: Some(until),
                    message: api_error.message,
                    request_id: api_error.request_id,
                });
            }
            if let Auth::App(signer) = auth
                && api_error.is_clock_skew()
                && !skew_corrected
                && date_header(&headers).is_some()
            {
                self.observe_date(&headers, true);
                signer.forget();
                skew_corrected = true;
                continue;
            }
            if let Auth::App(signer) = auth
                && api_error.is_issuer_not_an_integer()
                && signed_with_client_id
                && !issuer_fallen_back
            {
                // The signer's cached JWT is keyed by its issuer: the next one is signed anew.
                signer.use_app_id();
                tracing::info!(%endpoint, "the server refuses a client ID as issuer: signing with the app ID");
                issuer_fallen_back = true;
                continue;
            }
            if let Auth::Token(token) = auth
                && status == StatusCode::UNAUTHORIZED
                && let Some(age) = token.age()
                && age < TOKEN_REPLICATION_WINDOW
            {
                let pause = Duration::from_millis(250)
                    .saturating_mul(2u32.saturating_pow(replication_waits))
                    .min(TOKEN_REPLICATION_WINDOW - age)
                    .max(Duration::from_millis(50));
                tracing::debug!(%endpoint, age_ms = age.as_millis() as u64, "a new token refused: waiting for GitHub to replicate it");
                tokio::time::sleep(pause).await;
                replication_waits += 1;
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

    /// Every page of a page-numbered list: `base` (with a query of its own) and `&page=N`,
    /// following `Link: rel="next"` until it stops (never a page back, nor past an empty
    /// one). `items` takes each page's items out of its answer (`P`).
    pub(crate) async fn every_page<P: serde::de::DeserializeOwned, T>(
        &self,
        base: &str,
        auth: Auth<'_>,
        mut items: impl FnMut(P) -> Vec<T>,
    ) -> Result<Vec<T>, GitHubError> {
        let mut all = Vec::new();
        let mut page = 1;
        loop {
            let answer = self
                .send(Method::GET, &format!("{base}&page={page}"), auth, None)
                .await?;
            let next = answer
                .header("link")
                .and_then(|header| super::link::parse(header).remove("next"))
                .and_then(|url| super::link::page_number(&url))
                .filter(|next| *next > page);
            let batch = items(answer.json()?);
            let empty = batch.is_empty();
            all.extend(batch);
            match next {
                Some(next) if !empty => page = next,
                _ => return Ok(all),
            }
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

    /// How long a 403/429 rate-limit answer asks us to wait, and which limit it is; `None`
    /// when it is not one. GitHub's rules ("Rate limits for the REST API"): `retry-after`
    /// when present; else, with `x-ratelimit-remaining: 0`, until after `x-ratelimit-reset`;
    /// else, for a secondary limit (recognised by its message, as octokit's throttling plugin
    /// does, since the header is sometimes missing), at least a minute, doubling while it
    /// continues. A 429 is a rate limit whatever its body says.
    fn rate_limit_wait(
        &self,
        status: StatusCode,
        headers: &HeaderMap,
        message: &str,
    ) -> Option<(Duration, RateLimitKind)> {
        if !matches!(status.as_u16(), 403 | 429) {
            return None;
        }
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let secondary = is_secondary_rate_limit(message);
        let retry_after = header("retry-after").and_then(|v| v.trim().parse::<u64>().ok());
        let exhausted = header("x-ratelimit-remaining").map(str::trim) == Some("0");
        if !(secondary || retry_after.is_some() || exhausted || status.as_u16() == 429) {
            return None;
        }
        let kind = if exhausted && !secondary {
            RateLimitKind::Primary
        } else {
            RateLimitKind::Secondary
        };
        if let Some(seconds) = retry_after {
            return Some((Duration::from_secs(seconds), kind));
        }
        if exhausted
            && let Some(reset) =
                header("x-ratelimit-reset").and_then(|v| v.trim().parse::<i64>().ok())
        {
            // Not until *after* the reset second: one second past it.
            let allowed = DateTime::from_timestamp(reset + 1, 0).unwrap_or_else(Utc::now);
            let wait = (allowed - self.github_now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .max(Duration::from_millis(500));
            return Some((wait, kind));
        }
        let streak = self.secondary_streak.fetch_add(1, Ordering::Relaxed).min(6);
        Some((
            self.options
                .secondary_rate_limit_wait
                .saturating_mul(2u32.pow(streak)),
            kind,
        ))
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

/// GitHub's secondary rate-limit messages ("You have exceeded a secondary rate limit…"),
/// matched as octokit's throttling plugin matches them: the words "secondary rate".
fn is_secondary_rate_limit(message: &str) -> bool {
    message.to_ascii_lowercase().contains("secondary rate")
}

/// Enterprise Server names its version in every answer; before 3.18 it accepts only the app
/// ID as a JWT's issuer (GitHub's docs feature `client-id-for-app`).
fn observe_enterprise_version(headers: &HeaderMap, signer: &JwtSigner) {
    let Some(version) = headers
        .get("x-github-enterprise-version")
        .and_then(|v| v.to_str().ok())
    else {
        return;
    };
    if !enterprise_accepts_client_id(version) && signer.use_app_id() {
        tracing::info!(
            version,
            "Enterprise Server before 3.18: signing with the app ID"
        );
    }
}

/// Whether an Enterprise Server version (`3.17.4`) accepts a client ID as issuer (3.18 on).
fn enterprise_accepts_client_id(version: &str) -> bool {
    let mut parts = version.trim().split('.').map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(major), Some(minor)) => (major, minor) >= (3, 18),
        // A version we cannot read: assume a current one.
        _ => true,
    }
}

fn date_header(headers: &HeaderMap) -> Option<DateTime<Utc>> {
    let value = headers.get("date")?.to_str().ok()?;
    DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|date| date.with_timezone(&Utc))
}
