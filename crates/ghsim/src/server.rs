//! The HTTP server: a gateway that does what GitHub's front door does (User-Agent and API
//! version checks, request IDs, `Date` from the simulated clock, latency, injected faults)
//! and the handlers for each endpoint Appwarden uses.

use crate::auth::{self, Caller, Unauthorized};
use crate::faults::FaultKind;
use crate::model::{Render, SimApp, SimInstallation, SimToken};
use crate::state::{RATE_LIMIT, SimState};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use rand::Rng;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub const API_PREFIX_GHES: &str = "/api/v3";
const DOCS: &str = "https://docs.github.com/rest";
const SUPPORTED_API_VERSIONS: &[&str] = &["2022-11-28", "2026-03-10"];
const NO_USER_AGENT: &str = "Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). Check https://developer.github.com for other possible causes.";
const SECONDARY_RATE_LIMIT: &str = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.";
pub const IP_ALLOW_LIST: &str = "Although you appear to have the correct authorization credentials, the organization has an IP allow list enabled, and your IP address is not permitted to access this resource.";

pub struct Shared {
    pub state: Mutex<SimState>,
    pub prefix: &'static str,
    pub latency_ms: AtomicU64,
    /// Enterprise Server's version (`3.17.0`), sent as `X-GitHub-Enterprise-Version`.
    pub enterprise_version: Option<String>,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, SimState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

type Sh = State<Arc<Shared>>;

pub fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/app", get(get_app))
        .route(
            "/app/installations",
            get(installation_routes::list_installations),
        )
        .route(
            "/app/installations/{id}",
            get(installation_routes::get_installation)
                .delete(installation_routes::delete_installation),
        )
        .route(
            "/app/installations/{id}/access_tokens",
            post(token_routes::create_token),
        )
        .route(
            "/app/installations/{id}/suspended",
            put(installation_routes::suspend_installation)
                .delete(installation_routes::unsuspend_installation),
        )
        .route(
            "/app/installation-requests",
            get(installation_routes::installation_requests),
        )
        .route(
            "/orgs/{org}/installation",
            get(installation_routes::org_installation),
        )
        .route(
            "/orgs/{org}/installations",
            get(org_routes::org_installations),
        )
        .route("/orgs/{org}/audit-log", get(org_routes::org_audit_log))
        .route(
            "/organizations/{id}/audit-log",
            get(org_routes::audit_log_by_id),
        )
        .route(
            "/orgs/{org}/credential-authorizations",
            get(saml_routes::list),
        )
        .route(
            "/orgs/{org}/credential-authorizations/{id}",
            delete(saml_routes::remove),
        )
        .route(
            "/orgs/{org}/personal-access-token-requests",
            get(pat_routes::list_requests).post(pat_routes::review_many),
        )
        .route(
            "/orgs/{org}/personal-access-token-requests/{id}",
            post(pat_routes::review_one),
        )
        .route(
            "/orgs/{org}/personal-access-token-requests/{id}/repositories",
            get(pat_routes::request_repositories),
        )
        .route(
            "/orgs/{org}/personal-access-tokens",
            get(pat_routes::list_grants).post(pat_routes::revoke_many),
        )
        .route(
            "/orgs/{org}/personal-access-tokens/{id}",
            post(pat_routes::revoke_one),
        )
        .route(
            "/orgs/{org}/personal-access-tokens/{id}/repositories",
            get(pat_routes::grant_repositories),
        )
        .route(
            "/users/{user}/installation",
            get(installation_routes::user_installation),
        )
        .route(
            "/repos/{owner}/{repo}/installation",
            get(installation_routes::repo_installation),
        )
        .route(
            "/installation/repositories",
            get(token_routes::installation_repositories),
        )
        .route("/installation/token", delete(token_routes::revoke_token))
        .route(
            "/app/hook/config",
            get(hook_routes::get_config).patch(hook_routes::patch_config),
        )
        .route("/app/hook/deliveries", get(hook_routes::list_deliveries))
        .route("/app/hook/deliveries/{id}", get(hook_routes::get_delivery))
        .route(
            "/app/hook/deliveries/{id}/attempts",
            post(hook_routes::redeliver),
        )
        .route(
            "/credentials/revoke",
            post(credential_routes::revoke_credentials),
        )
        .route("/rate_limit", get(rate_limit))
        .route("/meta", get(meta_routes::get_meta))
        .route("/_ghsim/stats", get(stats))
        .fallback(not_found);
    let app = if shared.prefix.is_empty() {
        api
    } else {
        Router::new().nest(shared.prefix, api).fallback(not_found)
    };
    app.layer(axum::middleware::from_fn_with_state(
        shared.clone(),
        gateway,
    ))
    .with_state(shared)
}

/// GitHub's error body.
pub fn error(status: u16, message: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body =
        json!({ "message": message, "documentation_url": DOCS, "status": status.to_string() });
    (code, axum::Json(body)).into_response()
}

fn default_message(status: u16) -> &'static str {
    match status {
        400 => "Problems parsing JSON",
        401 => "Bad credentials",
        403 => "Forbidden",
        404 => "Not Found",
        422 => "Validation Failed",
        500 => "Internal Server Error",
        502 => "Server Error",
        503 => "Service Unavailable",
        504 => {
            "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists."
        }
        _ => "Error",
    }
}

struct InFlight(Arc<Shared>);
impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.lock().stats.in_flight -= 1;
    }
}

/// Generalises IDs in a path for the per-endpoint counters.
fn endpoint_key(method: &Method, path: &str) -> String {
    let general: Vec<&str> = path
        .split('/')
        .map(|seg| {
            if !seg.is_empty() && seg.chars().all(|c| c.is_ascii_digit()) {
                ":id"
            } else {
                seg
            }
        })
        .collect();
    format!("{method} {}", general.join("/"))
}

async fn gateway(State(shared): Sh, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let full_path = request.uri().path().to_owned();
    let path = full_path
        .strip_prefix(shared.prefix)
        .unwrap_or(&full_path)
        .to_owned();
    let path_and_query = match request.uri().query() {
        Some(query) => format!("{path}?{query}"),
        None => path.clone(),
    };
    if path.starts_with("/_ghsim/") {
        return next.run(request).await;
    }
    let (request_id, date, fault) = {
        let mut state = shared.lock();
        state.stats.requests += 1;
        *state
            .stats
            .by_endpoint
            .entry(endpoint_key(&method, &path))
            .or_default() += 1;
        state.stats.in_flight += 1;
        state.stats.max_in_flight = state.stats.max_in_flight.max(state.stats.in_flight);
        let fault = state.take_fault(method.as_str(), &path_and_query);
        (state.request_id(), state.now(), fault)
    };
    let _in_flight = InFlight(shared.clone());
    // The latency is the time from a request's arrival to its answer, ghsim's own work
    // included: the answer is made at once and held until then (at 100 ms, rendering a page
    // of 100 installations first and then waiting the whole latency made every request
    // 3 to 4 ms slower than asked, a floor no client could reach).
    let latency = shared.latency_ms.load(Ordering::Relaxed);
    let answer_at = tokio::time::Instant::now() + Duration::from_millis(latency);

    let user_agent = request
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let version = request
        .headers()
        .get("x-github-api-version")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut response = if user_agent.trim().is_empty() {
        (
            StatusCode::FORBIDDEN,
            [("content-type", "text/plain; charset=utf-8")],
            NO_USER_AGENT,
        )
            .into_response()
    } else if let Some(version) = version.filter(|v| !SUPPORTED_API_VERSIONS.contains(&v.as_str()))
    {
        error(
            400,
            &format!(
                "Unsupported 'X-GitHub-Api-Version' header: {version}. The supported versions are: {}",
                SUPPORTED_API_VERSIONS.join(", ")
            ),
        )
    } else {
        match fault {
            None => next.run(request).await,
            Some(kind) => apply_fault(kind, &shared, request, next).await,
        }
    };
    if latency > 0 {
        tokio::time::sleep_until(answer_at).await;
    }
    let headers = response.headers_mut();
    headers.insert(
        "x-github-request-id",
        HeaderValue::from_str(&request_id).unwrap_or(HeaderValue::from_static("SIM")),
    );
    if let Ok(value) = HeaderValue::from_str(&date.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
    {
        headers.insert("date", value);
    }
    headers.insert(
        "x-github-media-type",
        HeaderValue::from_static("github.v3; format=json"),
    );
    headers.insert(
        "x-github-api-version-selected",
        HeaderValue::from_static("2022-11-28"),
    );
    headers.insert("server", HeaderValue::from_static("ghsim"));
    if let Some(version) = shared
        .enterprise_version
        .as_deref()
        .and_then(|v| HeaderValue::from_str(v).ok())
    {
        headers.insert("x-github-enterprise-version", version);
    }
    response
}

async fn apply_fault(
    kind: FaultKind,
    shared: &Arc<Shared>,
    request: Request,
    next: Next,
) -> Response {
    let now = shared.lock().now().timestamp();
    match kind {
        FaultKind::Status(status) => error(status, default_message(status)),
        FaultKind::Delay(delay) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        FaultKind::Reset => {
            let stream = futures::stream::iter(vec![
                Ok(Bytes::from_static(b"[{\"id\": 1,")),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "ghsim: connection reset",
                )),
            ]);
            Response::builder()
                .status(200)
                .header("content-type", "application/json; charset=utf-8")
                .body(Body::from_stream(stream))
                .unwrap_or_else(|_| error(500, "ghsim"))
        }
        FaultKind::SlowBody(total) => {
            let response = next.run(request).await;
            let (parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let chunks: Vec<Bytes> = bytes
                .chunks(bytes.len().div_ceil(10).max(1))
                .map(Bytes::copy_from_slice)
                .collect();
            let pause = total / (chunks.len().max(1) as u32);
            let stream =
                futures::stream::unfold(chunks.into_iter(), move |mut chunks| async move {
                    let chunk = chunks.next()?;
                    tokio::time::sleep(pause).await;
                    Some((Ok::<_, std::io::Error>(chunk), chunks))
                });
            let mut parts = parts;
            parts.headers.remove("content-length");
            Response::from_parts(parts, Body::from_stream(stream))
        }
        FaultKind::MalformedJson => (
            StatusCode::OK,
            [("content-type", "application/json; charset=utf-8")],
            "{\"unexpected\": [1, 2",
        )
            .into_response(),
        FaultKind::PrimaryRateLimit { reset_in_secs } => {
            let mut response = error(
                403,
                "API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID.",
            );
            let headers = response.headers_mut();
            for (name, value) in [
                ("x-ratelimit-limit", RATE_LIMIT.to_string()),
                ("x-ratelimit-remaining", "0".to_owned()),
                ("x-ratelimit-used", RATE_LIMIT.to_string()),
                (
                    "x-ratelimit-reset",
                    (now + reset_in_secs as i64).to_string(),
                ),
                ("x-ratelimit-resource", "core".to_owned()),
            ] {
                headers.insert(
                    name,
                    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("0")),
                );
            }
            response
        }
        FaultKind::SecondaryRateLimit { retry_after_secs } => {
            let mut response = error(403, SECONDARY_RATE_LIMIT);
            response
                .headers_mut()
                .insert("retry-after", HeaderValue::from(retry_after_secs));
            response
        }
        FaultKind::SecondaryRateLimitWithoutRetryAfter => error(403, SECONDARY_RATE_LIMIT),
        FaultKind::IpAllowList => error(403, IP_ALLOW_LIST),
    }
}

async fn not_found() -> Response {
    error(404, "Not Found")
}

/// Bases for URLs in bodies and links, from the Host the client used.
fn bases(headers: &HeaderMap, prefix: &str) -> (String, String) {
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    (format!("http://{host}{prefix}"), format!("http://{host}"))
}

/// A refused request: the status and GitHub's message.
struct Refusal(u16, &'static str);

fn authenticate(state: &SimState, headers: &HeaderMap) -> Result<Caller, Refusal> {
    let header = headers.get("authorization").and_then(|v| v.to_str().ok());
    let Some(credential) = auth::bearer(header) else {
        return Err(Refusal(401, "Requires authentication"));
    };
    let now = state.now();
    if credential.starts_with("ghs_") {
        let installation_id =
            auth::verify_token(credential, &state.tokens, now, state.token_replication)
                .map_err(|Unauthorized(m)| Refusal(401, m))?;
        return Ok(Caller::Installation {
            token: credential.to_owned(),
            installation_id,
        });
    }
    if credential.matches('.').count() == 2 {
        return auth::verify_jwt(credential, &state.apps, now, state.client_id_issuer)
            .map(|app_id| Caller::App { app_id })
            .map_err(|Unauthorized(m)| Refusal(401, m));
    }
    Err(Refusal(401, auth::BAD_CREDENTIALS))
}

fn require_app(state: &SimState, headers: &HeaderMap) -> Result<u64, Refusal> {
    match authenticate(state, headers)? {
        Caller::App { app_id } => Ok(app_id),
        Caller::Installation { .. } => Err(Refusal(401, auth::JWT_UNDECODABLE)),
    }
}

fn require_installation(state: &SimState, headers: &HeaderMap) -> Result<(String, u64), Refusal> {
    match authenticate(state, headers)? {
        Caller::Installation {
            token,
            installation_id,
        } => Ok((token, installation_id)),
        Caller::App { .. } => Err(Refusal(
            403,
            "You must authenticate with an installation access token in order to use this endpoint.",
        )),
    }
}

/// A JSON body serialized, with its ETag. Made before taking the state lock where the body
/// is large, so that concurrent requests are not serialized behind one another's rendering.
struct Rendered {
    bytes: Vec<u8>,
    /// SHA-256 of the body; the ETag adds the request's credentials to it.
    digest: [u8; 32],
}

impl Rendered {
    fn new(body: &impl serde::Serialize) -> Self {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        let digest = Sha256::digest(&bytes).into();
        Self { bytes, digest }
    }
}

/// A JSON answer with rate-limit headers, an ETag, and a free 304 when the client's
/// `If-None-Match` still matches.
fn answer(
    state: &mut SimState,
    bucket: Billing,
    request: &HeaderMap,
    status: StatusCode,
    body: &Value,
    link: Option<String>,
) -> Response {
    answer_rendered(state, bucket, request, status, Rendered::new(body), link)
}

fn answer_rendered(
    state: &mut SimState,
    bucket: Billing,
    request: &HeaderMap,
    status: StatusCode,
    rendered: Rendered,
    link: Option<String>,
) -> Response {
    let Rendered { bytes, digest } = rendered;
    // GitHub's ETags depend on the request's credentials as well as the body: the same
    // body fetched with another token (another JWT) has another ETag. GitHub Support:
    // "It's currently expected for ETags to be auth token specific" (eclipse-csi/otterdog#201).
    let authorization = request
        .get("authorization")
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    let etag = format!(
        "W/\"{:x}\"",
        Sha256::new()
            .chain_update(authorization)
            .chain_update(b"\n")
            .chain_update(digest)
            .finalize()
    );
    let not_modified = status == StatusCode::OK
        && request
            .get("if-none-match")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let spent = match bucket {
        Billing::App => None,
        Billing::Installation(_) if !state.rate_limits => None,
        Billing::Installation(id) => {
            Some(state.spend(&installation_bucket(id), if not_modified { 0 } else { 1 }))
        }
    };
    let mut response = if not_modified {
        state.stats.not_modified += 1;
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            status,
            [("content-type", "application/json; charset=utf-8")],
            bytes,
        )
            .into_response()
    };
    let headers = response.headers_mut();
    let mut set = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    set("etag", etag);
    set(
        "vary",
        "Accept, Authorization, Cookie, X-GitHub-OTP".to_owned(),
    );
    if let Some((bucket_state, remaining)) = spent {
        set("x-ratelimit-limit", RATE_LIMIT.to_string());
        set("x-ratelimit-remaining", remaining.to_string());
        set("x-ratelimit-used", bucket_state.used.to_string());
        set("x-ratelimit-reset", bucket_state.reset.to_string());
        set("x-ratelimit-resource", "core".to_owned());
    }
    if let Some(link) = link {
        set("link", link);
    }
    response
}

macro_rules! try_response {
    ($expr:expr) => {
        match $expr {
            Ok(value) => value,
            Err(Refusal(status, message)) => return error(status, message),
        }
    };
}

#[path = "credential_routes.rs"]
mod credential_routes;
#[path = "pat_routes.rs"]
mod pat_routes;
#[path = "saml_routes.rs"]
mod saml_routes;
use org_routes::installation_billing;
#[path = "hook_routes.rs"]
mod hook_routes;
#[path = "installation_routes.rs"]
mod installation_routes;
#[path = "org_routes.rs"]
mod org_routes;
pub use credential_routes::{REVOCABLE_PREFIXES, REVOKE_PER_HOUR};
#[path = "token_routes.rs"]
mod token_routes;
pub use org_routes::NOT_ACCESSIBLE;
#[path = "meta_routes.rs"]
mod meta_routes;

/// The `hooks` ranges ghsim's `GET /meta` answers (github.com's).
pub fn meta_hooks() -> [&'static str; 6] {
    meta_routes::HOOKS
}

/// Which documented rate limit an answer counts against.
#[derive(Debug, Clone, Copy)]
pub enum Billing {
    /// Authenticated as the app with a JWT: GitHub documents no rate limit for these
    /// requests (its rate-limit page names installation tokens, users, OAuth apps and
    /// `GITHUB_TOKEN`), so ghsim counts nothing and sends no `x-ratelimit-*` headers.
    App,
    /// An installation token: the installation's 5,000 requests an hour.
    Installation(u64),
}

fn installation_bucket(installation_id: u64) -> String {
    format!("installation:{installation_id}")
}

async fn get_app(State(shared): Sh, headers: HeaderMap) -> Response {
    let mut state = shared.lock();
    let app_id = try_response!(require_app(&state, &headers));
    let (api, web) = bases(&headers, shared.prefix);
    let count = state.installation_count(app_id);
    let Some(app) = state.app(app_id) else {
        return error(404, "Not Found");
    };
    let body = Render {
        api: &api,
        web: &web,
    }
    .app(app, count);
    answer(
        &mut state,
        Billing::App,
        &headers,
        StatusCode::OK,
        &body,
        None,
    )
}

#[derive(serde::Deserialize)]
struct PageQuery {
    per_page: Option<String>,
    page: Option<String>,
}

impl PageQuery {
    /// GitHub's rules: default 30, at most 100, pages from 1.
    fn resolve(&self) -> (usize, usize) {
        let per_page = per_page(self.per_page.as_deref());
        let page = self
            .page
            .as_deref()
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(1)
            .max(1);
        (per_page, page)
    }
}

/// A `per_page` parameter as GitHub reads it: default 30, at most 100.
fn per_page(value: Option<&str>) -> usize {
    value
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(30)
        .clamp(1, 100)
}

/// GitHub's `Link` header for page `page` of `total` items.
fn link_header(base_url: &str, per_page: usize, page: usize, total: usize) -> Option<String> {
    let last = total.div_ceil(per_page).max(1);
    // A base with a query of its own (`?login=…`) keeps it.
    let join = if base_url.contains('?') { '&' } else { '?' };
    let url = |p: usize| format!("<{base_url}{join}per_page={per_page}&page={p}>");
    let mut links = Vec::new();
    if page > 1 {
        links.push(format!("{}; rel=\"prev\"", url((page - 1).min(last))));
    }
    if page < last {
        links.push(format!("{}; rel=\"next\"", url(page + 1)));
        links.push(format!("{}; rel=\"last\"", url(last)));
    }
    if page > 1 {
        links.push(format!("{}; rel=\"first\"", url(1)));
    }
    (!links.is_empty()).then(|| links.join(", "))
}

async fn rate_limit(State(shared): Sh, headers: HeaderMap) -> Response {
    let state = shared.lock();
    // Documented for installation tokens (and user tokens); not for the app's JWT.
    let (_, installation_id) = try_response!(require_installation(&state, &headers));
    let bucket = installation_bucket(installation_id);
    let now = state.now().timestamp();
    let current = state
        .buckets
        .get(&bucket)
        .copied()
        .filter(|b| b.reset > now);
    let (used, reset) = current
        .map(|b| (b.used, b.reset))
        .unwrap_or((0, now + 3600));
    let core = json!({ "limit": RATE_LIMIT, "used": used, "remaining": RATE_LIMIT - used, "reset": reset });
    let fresh =
        |limit: u64| json!({ "limit": limit, "used": 0, "remaining": limit, "reset": now + 3600 });
    let body = json!({
        "resources": {
            "core": core,
            "search": fresh(30),
            "graphql": fresh(5000),
            "integration_manifest": fresh(5000),
            "code_search": fresh(10),
            "dependency_snapshots": fresh(100),
            "source_import": fresh(100),
        },
        "rate": core,
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

async fn stats(State(shared): Sh) -> Response {
    let stats = shared.lock().stats.clone();
    axum::Json(stats).into_response()
}
