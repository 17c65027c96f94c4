//! Typed GitHub API errors. Each carries what GitHub said (status, `message`,
//! `documentation_url`, `X-GitHub-Request-Id`, rate-limit reset) and offers a hint in plain
//! words saying what to do next.

use crate::jwt::SignError;
use chrono::{DateTime, Utc};

/// An error answer from GitHub (any non-2xx status that is not a rate limit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// `METHOD /path`, without the query.
    pub endpoint: String,
    pub status: u16,
    pub message: String,
    pub documentation_url: Option<String>,
    pub request_id: Option<String>,
    pub rate_limit_reset: Option<DateTime<Utc>>,
}

impl ApiError {
    /// GitHub's message mentions the JWT's `iat` or `exp`: the clocks disagree.
    pub fn is_clock_skew(&self) -> bool {
        self.status == 401 && (self.message.contains("'iat'") || self.message.contains("'exp'"))
    }

    /// An Enterprise Server before 3.18 refusing a client ID as the JWT's issuer.
    pub fn is_issuer_not_an_integer(&self) -> bool {
        self.status == 401
            && self
                .message
                .contains("'Issuer' claim ('iss') must be an Integer")
    }

    pub fn is_ip_allow_list(&self) -> bool {
        self.status == 403 && self.message.contains("IP allow list")
    }

    pub fn is_suspended(&self) -> bool {
        self.status == 403 && self.message.to_ascii_lowercase().contains("suspended")
    }

    /// What the user can do about it.
    pub fn hint(&self) -> &'static str {
        match self.status {
            _ if self.is_clock_skew() => {
                "This computer's clock differs from GitHub's: turn on automatic time (NTP) and try again."
            }
            _ if self.is_ip_allow_list() => {
                "An owner of that organization can add this machine's IP address to the allow list, \
                 or allow the IP addresses configured by GitHub Apps, in the organization's security settings."
            }
            _ if self.is_suspended() => {
                "The installation is suspended: unsuspend it (the account's owner or the app's owner can) and try again."
            }
            401 => {
                "GitHub did not accept the app's credentials: check the app ID (or client ID) and that \
                 this private key is still listed on the app's settings page."
            }
            403 => {
                "The app is not allowed to do this: check the app's permissions and the installation."
            }
            404 => "Not found: check the ID or name, and that the app is installed there.",
            422 => {
                "GitHub refused the request as given: check repository names and permission levels."
            }
            500..=599 => "GitHub had a problem answering: try again in a moment.",
            _ => "See GitHub's message above.",
        }
    }
}

/// Which of GitHub's rate limits refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitKind {
    /// The hourly budget is used up (`x-ratelimit-remaining: 0`).
    Primary,
    /// Too many requests too quickly, or too much at once (GitHub's "secondary rate limit").
    Secondary,
}

impl RateLimitKind {
    fn describe(self) -> &'static str {
        match self {
            RateLimitKind::Primary => "GitHub's rate limit is used up",
            RateLimitKind::Secondary => {
                "GitHub's secondary rate limit stopped the request (too many requests too quickly); GitHub asks to wait"
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GitHubError {
    #[error("{endpoint}: GitHub answered {status}: {message}{request_id}", endpoint = .0.endpoint,
        status = .0.status, message = .0.message,
        request_id = .0.request_id.as_deref().map(|id| format!(" (request ID {id})")).unwrap_or_default())]
    Api(ApiError),
    #[error("{endpoint}: {what}{until}. {message}", what = kind.describe(), until = reset_at
        .map(|at| format!(" until {} UTC", at.format("%H:%M:%S"))).unwrap_or_default())]
    RateLimited {
        endpoint: String,
        kind: RateLimitKind,
        /// When GitHub allows the next request (on this computer's clock).
        reset_at: Option<DateTime<Utc>>,
        message: String,
        request_id: Option<String>,
    },
    #[error(
        "{endpoint}: could not reach GitHub at {url}: {detail}. Check the API URL, your network and proxy settings."
    )]
    Network {
        endpoint: String,
        url: String,
        detail: String,
    },
    #[error(
        "{endpoint}: the server at {url} presented a certificate this computer does not trust ({detail})."
    )]
    UntrustedCertificate {
        endpoint: String,
        url: String,
        detail: String,
    },
    #[error(
        "The CA certificate given for {url} is not a PEM certificate (-----BEGIN CERTIFICATE-----). Export the Enterprise Server's CA certificate as PEM and give it again."
    )]
    BadCaCertificate { url: String },
    #[error(
        "{endpoint}: GitHub did not answer within {seconds} s. Try again; if it keeps happening, check your network."
    )]
    Timeout { endpoint: String, seconds: u64 },
    #[error(
        "{endpoint}: GitHub's answer could not be read ({detail}). If the API URL points at something other than GitHub's API, correct it."
    )]
    InvalidResponse { endpoint: String, detail: String },
    #[error(transparent)]
    Sign(#[from] SignError),
}

impl GitHubError {
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            GitHubError::Api(api) => Some(api),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        self.api().map(|api| api.status)
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            GitHubError::Api(api) => api.request_id.as_deref(),
            GitHubError::RateLimited { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// A sentence saying what to do next.
    pub fn hint(&self) -> String {
        match self {
            GitHubError::Api(api) => api.hint().to_owned(),
            GitHubError::RateLimited {
                kind: RateLimitKind::Secondary,
                reset_at: Some(at),
                ..
            } => format!(
                "Try again after {} UTC, with fewer requests at once: GitHub may block an integration that keeps sending while it is limited.",
                at.format("%H:%M:%S")
            ),
            GitHubError::RateLimited {
                reset_at: Some(at), ..
            } => {
                format!("Try again after {} UTC.", at.format("%H:%M:%S"))
            }
            GitHubError::RateLimited { .. } => "Wait a minute and try again.".to_owned(),
            GitHubError::Network { .. } | GitHubError::Timeout { .. } => {
                "Check the connection and try again.".to_owned()
            }
            GitHubError::InvalidResponse { .. } => "Check the API URL.".to_owned(),
            GitHubError::UntrustedCertificate { .. } => "If this Enterprise Server uses its own certificate authority, \
                add that CA certificate for the host (Settings → Hosts in the app, or --ca-cert with the CLI). \
                Appwarden never turns certificate checks off."
                .to_owned(),
            GitHubError::BadCaCertificate { .. } => "Give the CA certificate in PEM form.".to_owned(),
            GitHubError::Sign(SignError::Hardware(_)) => {
                "Nothing was sent to GitHub: the key's hardware token could not sign.".to_owned()
            }
            GitHubError::Sign(_) => "Use the app's RSA private key from GitHub.".to_owned(),
        }
    }
}

/// GitHub's JSON error body: `{"message": "...", "documentation_url": "...", "status": "404"}`.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub documentation_url: Option<String>,
    /// A 422's details: `{resource, field, code, message?}` each.
    #[serde(default)]
    pub errors: Vec<serde_json::Value>,
}

impl ErrorBody {
    /// `message`, followed by the details' own messages (or their field and code) when a
    /// validation error has them: "Validation Failed: url is not a valid URL".
    pub fn full_message(&self) -> Option<String> {
        let message = self.message.clone()?;
        let details: Vec<String> = self
            .errors
            .iter()
            .filter_map(|e| match e {
                serde_json::Value::String(text) => Some(text.clone()),
                serde_json::Value::Object(map) => map
                    .get("message")
                    .and_then(|m| m.as_str())
                    .map(str::to_owned)
                    .or_else(|| {
                        let field = map.get("field")?.as_str()?;
                        let code = map
                            .get("code")
                            .and_then(|c| c.as_str())
                            .unwrap_or("invalid");
                        Some(format!("{field} is {code}"))
                    }),
                _ => None,
            })
            .collect();
        Some(if details.is_empty() {
            message
        } else {
            format!("{message}: {}", details.join("; "))
        })
    }
}
