//! ghsim: a GitHub App API simulator.
//!
//! It serves, on 127.0.0.1, the endpoints Appwarden uses, the way GitHub does: JWTs
//! checked against the app's registered keys (RS256, `iss`, `exp` at most 10 minutes
//! ahead, `iat` not in the future), `ghs_` installation tokens that stop working when
//! revoked or expired, Link-header pagination with `per_page` up to 100, ETags with free
//! 304s, rate-limit headers, GitHub's error bodies, a required User-Agent, and the
//! `/api/v3` prefix of Enterprise Server. It can add latency, shift its clock, and inject
//! faults. Tests start it in-process ([`Sim::start`]); the `ghsim` binary serves it for
//! benchmarks and the demo.

pub mod audit_query;
pub mod auth;
pub mod faults;
pub mod hooks;
pub mod model;
pub mod orgs;
pub mod pats;
mod server;
pub mod state;
pub mod tls;

pub use faults::{FaultKind, FaultRule};
pub use state::Stats;

use model::{SimApp, SimInstallation, SimToken};
use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, LineEnding};
use server::Shared;
use state::SimState;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub use server::{IP_ALLOW_LIST, NOT_ACCESSIBLE, REVOCABLE_PREFIXES, REVOKE_PER_HOUR, meta_hooks};

/// What to simulate.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub app_id: u64,
    pub client_id: String,
    pub app_name: String,
    pub app_slug: String,
    /// PKCS#1 DER public keys registered for the app.
    pub public_keys: Vec<Vec<u8>>,
    pub installations: usize,
    pub latency: Duration,
    /// The simulated GitHub's clock minus the real one.
    pub clock_offset: chrono::Duration,
    /// Serve under `/api/v3`, as Enterprise Server does.
    pub ghes: bool,
    /// Enterprise Server's version, sent as `X-GitHub-Enterprise-Version`; before 3.18 a
    /// client ID is refused as a JWT's issuer. `None` in Enterprise Server mode is 3.19.0.
    pub ghes_version: Option<String>,
    /// How long a new installation token answers 401 "Bad credentials" (GitHub replicates
    /// new tokens; octokit/auth-app.js#65).
    pub token_replication: Duration,
    /// Serve HTTPS with a certificate from a generated CA (see [`Sim::ca_pem`]).
    pub tls: bool,
    /// Webhook deliveries seeded over the last 70 hours.
    pub webhook_deliveries: usize,
    /// 0 for an ephemeral port.
    pub port: u16,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            app_id: 1,
            client_id: "Iv23liSIMULATED0001".into(),
            app_name: "Appwarden Demo".into(),
            app_slug: "appwarden-demo".into(),
            public_keys: Vec::new(),
            installations: 3,
            latency: Duration::ZERO,
            clock_offset: chrono::Duration::zero(),
            ghes: false,
            ghes_version: None,
            token_replication: Duration::ZERO,
            tls: false,
            webhook_deliveries: 60,
            port: 0,
        }
    }
}

impl SimConfig {
    /// Registers the public half of a PEM key (private or public; PKCS#1, PKCS#8 or SPKI).
    pub fn with_key_pem(mut self, pem: &str) -> Result<Self, String> {
        self.public_keys.push(public_pkcs1_der(pem)?);
        Ok(self)
    }
}

/// The PKCS#1 DER public key of a PEM key.
pub fn public_pkcs1_der(pem: &str) -> Result<Vec<u8>, String> {
    use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
    let public = if let Ok(key) = rsa::RsaPrivateKey::from_pkcs1_pem(pem) {
        key.to_public_key()
    } else if let Ok(key) = rsa::RsaPrivateKey::from_pkcs8_pem(pem) {
        key.to_public_key()
    } else if let Ok(key) = rsa::RsaPublicKey::from_public_key_pem(pem) {
        key
    } else if let Ok(key) = rsa::RsaPublicKey::from_pkcs1_pem(pem) {
        key
    } else {
        return Err("not an RSA key in PEM".into());
    };
    public
        .to_pkcs1_der()
        .map(|doc| doc.as_bytes().to_vec())
        .map_err(|e| e.to_string())
}

/// Generates an RSA key pair for the demo app: (PKCS#1 PEM private key, PKCS#1 DER public key).
pub fn generate_key_pair(bits: usize) -> Result<(String, Vec<u8>), String> {
    let private =
        rsa::RsaPrivateKey::new(&mut rand::thread_rng(), bits).map_err(|e| e.to_string())?;
    let pem = private
        .to_pkcs1_pem(LineEnding::LF)
        .map_err(|e| e.to_string())?
        .to_string();
    let public = private
        .to_public_key()
        .to_pkcs1_der()
        .map_err(|e| e.to_string())?
        .as_bytes()
        .to_vec();
    Ok((pem, public))
}

/// The Enterprise Server version ghsim reports when none is given.
pub const DEFAULT_GHES_VERSION: &str = "3.19.0";

/// Whether an Enterprise Server version accepts a client ID as a JWT's issuer (3.18 on).
fn accepts_client_id_issuer(version: &str) -> bool {
    let mut parts = version
        .split('.')
        .map(|p| p.trim().parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0)) >= (3, 18)
}

/// A running simulator. Dropping it stops the server.
pub struct Sim {
    addr: SocketAddr,
    shared: Arc<Shared>,
    prefix: &'static str,
    ca_pem: Option<String>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Sim {
    /// Starts serving on 127.0.0.1 (on `config.port`, or an ephemeral port).
    pub async fn start(config: SimConfig) -> std::io::Result<Self> {
        let epoch = chrono::Utc::now();
        let app = SimApp {
            id: config.app_id,
            client_id: config.client_id.clone(),
            slug: config.app_slug.clone(),
            name: config.app_name.clone(),
            owner_login: "appwarden-sim".into(),
            public_keys: config.public_keys.clone(),
            permissions: model::default_app_permissions(),
            events: model::default_events(),
            created_at: epoch - chrono::Duration::days(1000),
        };
        let installations: Vec<SimInstallation> = (0..config.installations)
            .map(|i| model::generate_installation(&app, i, epoch))
            .collect();
        let targets: Vec<(u64, Option<u64>)> = installations
            .iter()
            .take(50)
            .map(|i| (i.id, i.repositories.first().map(|r| r.id)))
            .collect();
        let hook = hooks::SimHook::seeded(app.id, config.webhook_deliveries, &targets, epoch);
        let prefix = if config.ghes {
            server::API_PREFIX_GHES
        } else {
            ""
        };
        let enterprise_version = config
            .ghes_version
            .clone()
            .or_else(|| config.ghes.then(|| DEFAULT_GHES_VERSION.to_owned()));
        let mut state = SimState::new(vec![app], installations, hook, config.clock_offset);
        state.token_replication = config.token_replication;
        state.rate_limits = enterprise_version.is_none();
        state.enterprise_server = enterprise_version.is_some();
        state.client_id_issuer = enterprise_version
            .as_deref()
            .is_none_or(accepts_client_id_issuer);
        let shared = Arc::new(Shared {
            state: std::sync::Mutex::new(state),
            prefix,
            latency_ms: AtomicU64::new(config.latency.as_millis() as u64),
            enterprise_version,
        });
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let router = server::router(shared.clone());
        let stopped = async {
            let _ = stopped.await;
        };
        let ca_pem = if config.tls {
            let authority = tls::generate_authority().map_err(std::io::Error::other)?;
            let listener = tls::TlsListener {
                tcp: listener,
                acceptor: tokio_rustls::TlsAcceptor::from(authority.server_config),
            };
            tokio::spawn(async move {
                let _ = axum::serve(listener, router)
                    .with_graceful_shutdown(stopped)
                    .await;
            });
            Some(authority.ca_pem)
        } else {
            tokio::spawn(async move {
                let _ = axum::serve(listener, router)
                    .with_graceful_shutdown(stopped)
                    .await;
            });
            None
        };
        Ok(Self {
            addr,
            shared,
            prefix,
            ca_pem,
            shutdown: Some(shutdown),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API base URL clients should use (with `/api/v3` in Enterprise Server mode).
    pub fn api_url(&self) -> String {
        let scheme = if self.ca_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}{}", self.addr, self.prefix)
    }

    /// The CA certificate (PEM) that signed the server's certificate, in HTTPS mode.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    pub fn inject(&self, rule: FaultRule) {
        self.shared.lock().faults.push(rule);
    }

    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    pub fn stats(&self) -> Stats {
        self.shared.lock().stats.clone()
    }

    pub fn reset_stats(&self) {
        self.shared.lock().stats = Stats::default();
    }

    pub fn set_latency(&self, latency: Duration) {
        self.shared
            .latency_ms
            .store(latency.as_millis() as u64, Ordering::Relaxed);
    }

    pub fn set_clock_offset(&self, offset: chrono::Duration) {
        self.shared.lock().clock_offset = offset;
    }

    /// How long a new token is refused while it replicates.
    pub fn set_token_replication(&self, delay: Duration) {
        self.shared.lock().token_replication = delay;
    }

    /// Registers another public key (PKCS#1 DER) for the app.
    pub fn register_key(&self, public_pkcs1_der: Vec<u8>) {
        if let Some(app) = self.shared.lock().apps.first_mut() {
            app.public_keys.push(public_pkcs1_der);
        }
    }

    /// Deletes a public key from the app, as deleting it on GitHub's settings page does.
    pub fn unregister_key(&self, public_pkcs1_der: &[u8]) {
        if let Some(app) = self.shared.lock().apps.first_mut() {
            app.public_keys.retain(|key| key != public_pkcs1_der);
        }
    }

    pub fn installations(&self) -> Vec<SimInstallation> {
        self.shared.lock().installations.clone()
    }

    /// Adds `count` installations of the first app (as if more accounts installed it).
    pub fn add_installations(&self, count: usize) {
        let mut state = self.shared.lock();
        let Some(app) = state.apps.first().cloned() else {
            return;
        };
        let now = state.now();
        let existing = state.installation_count(app.id);
        let added: Vec<SimInstallation> = (existing..existing + count)
            .map(|index| model::generate_installation(&app, index, now))
            .collect();
        state.add_installations(added);
    }

    /// Removes an installation (as if its account uninstalled the app).
    pub fn remove_installation(&self, installation_id: u64) {
        self.shared.lock().remove_installation(installation_id);
    }

    pub fn set_suspended(&self, installation_id: u64, suspended: bool) {
        let mut state = self.shared.lock();
        let now = state.now();
        if let Some(inst) = state
            .installations
            .iter_mut()
            .find(|i| i.id == installation_id)
        {
            inst.suspended_at = suspended.then_some(now);
        }
    }

    /// The webhook's secret as GitHub holds it (never served by the API).
    /// Changes what an installation was granted (`None` takes the permission away), as if
    /// its owner had accepted (or not) another set of permissions. Tokens minted from now on
    /// carry the new grant.
    pub fn set_permission(&self, installation_id: u64, permission: &str, level: Option<&str>) {
        let mut state = self.shared.lock();
        if let Some(inst) = state
            .installations
            .iter_mut()
            .find(|i| i.id == installation_id)
        {
            match level {
                Some(level) => {
                    inst.permissions
                        .insert(permission.to_owned(), level.to_owned());
                }
                None => {
                    inst.permissions.remove(permission);
                }
            }
        }
    }

    /// The audit log's hourly query limit (GitHub's: 1,750).
    pub fn set_audit_log_limit(&self, per_hour: usize) {
        self.shared.lock().audit_log_per_hour = per_hour;
    }

    /// An organization's world (other apps, plan, audit log), as ghsim serves it.
    pub fn org(&self, login: &str) -> Option<orgs::SimOrg> {
        self.shared.lock().org(login).cloned()
    }

    pub fn webhook_secret(&self) -> Option<String> {
        self.shared.lock().hook.config.secret.clone()
    }

    pub fn webhook_config(&self) -> hooks::SimHookConfig {
        self.shared.lock().hook.config.clone()
    }

    /// Every delivery, oldest first.
    pub fn deliveries(&self) -> Vec<hooks::SimDelivery> {
        self.shared.lock().hook.deliveries.clone()
    }

    /// Whether the webhook's receiver answers 200 (redeliveries succeed) or 502.
    pub fn set_webhook_receiver_up(&self, up: bool) {
        self.shared.lock().hook.receiver_up = up;
    }

    /// Every credential `POST /credentials/revoke` accepted, in order.
    pub fn revoked_credentials(&self) -> Vec<String> {
        self.shared.lock().revoked_credentials.clone()
    }

    /// Every token minted so far (revoked ones included).
    pub fn minted_tokens(&self) -> Vec<SimToken> {
        self.shared.lock().tokens.values().cloned().collect()
    }

    pub fn token(&self, token: &str) -> Option<SimToken> {
        self.shared.lock().tokens.get(token).cloned()
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
