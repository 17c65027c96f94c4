//! One error type for callers of the core (the CLI, the desktop shell), with a small
//! [`ErrorCode`] that user interfaces switch on instead of matching message strings.

use crate::api_url::ApiUrlError;
use crate::fingerprint::FingerprintParseError;
use crate::github::{GitHubError, ListError};
use crate::hardware::HardwareError;
use crate::jwt::SignError;
use crate::key::KeyError;
use crate::store::{KeyringError, StoreError};

/// What kind of failure, for a UI to decide how to present it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum ErrorCode {
    /// A private key or public key could not be used.
    InvalidKey,
    /// Something the user typed is not valid (ID, URL, fingerprint, name).
    InvalidInput,
    NotFound,
    /// It exists already.
    Conflict,
    /// GitHub refused the app's credentials (401).
    KeyRejected,
    /// GitHub says the JWT's time claims are off.
    ClockSkew,
    RateLimited,
    Forbidden,
    IpAllowList,
    Suspended,
    /// GitHub could not be reached.
    Network,
    /// The server's TLS certificate is not trusted (an Enterprise Server CA is missing).
    UntrustedCertificate,
    Timeout,
    /// GitHub answered with a 5xx.
    GithubUnavailable,
    /// GitHub's answer could not be understood.
    InvalidResponse,
    KeyringUnavailable,
    KeyringLocked,
    /// The keyring lost a key the config names.
    KeyringMissing,
    /// The config file could not be read or written.
    Config,
    /// A listing stopped part way.
    Incomplete,
    /// A PKCS#11 token needs its PIN (the window asks for it, then retries).
    PinRequired,
    /// The token refused the PIN (the window asks again, with the token's warning).
    PinIncorrect,
    /// The token's PIN is locked.
    PinLocked,
    /// A PKCS#11 module or token is missing, removed, or cannot do what is needed.
    TokenUnavailable,
    /// The app's installation lacks the permission the action needs (said before asking
    /// GitHub, or when GitHub answers "Resource not accessible by integration").
    MissingPermission,
    /// The account's plan does not offer it (an organization's audit log outside GitHub
    /// Enterprise Cloud).
    NotAvailable,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Fingerprint(#[from] FingerprintParseError),
    #[error(transparent)]
    ApiUrl(#[from] ApiUrlError),
    #[error(transparent)]
    GitHub(#[from] GitHubError),
    #[error(transparent)]
    List(#[from] ListError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sign(#[from] SignError),
    #[error(transparent)]
    Hardware(#[from] HardwareError),
    #[error("{0}")]
    InvalidInput(String),
    /// Boxed: GitHub's answer inside it would make every `Error` larger.
    #[error(transparent)]
    Organization(Box<crate::organization::OrgError>),
}

impl From<crate::organization::OrgError> for Error {
    fn from(err: crate::organization::OrgError) -> Self {
        Error::Organization(Box::new(err))
    }
}

impl From<KeyringError> for Error {
    fn from(err: KeyringError) -> Self {
        Error::Store(StoreError::Keyring(err))
    }
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Sign(err) => sign_code(err),
            Error::Hardware(err) => hardware_code(err),
            Error::Key(_) => ErrorCode::InvalidKey,
            Error::Fingerprint(_) | Error::ApiUrl(_) | Error::InvalidInput(_) => {
                ErrorCode::InvalidInput
            }
            Error::GitHub(err) => github_code(err),
            Error::Organization(err) => err.code(),
            Error::List(_) => ErrorCode::Incomplete,
            Error::Store(err) => match err {
                StoreError::Config(_) => ErrorCode::Config,
                StoreError::Hardware(err) => hardware_code(err),
                StoreError::TokenKeyMismatch { .. } => ErrorCode::InvalidKey,
                StoreError::Keyring(
                    KeyringError::Unavailable { .. }
                    | KeyringError::NoSession { .. }
                    | KeyringError::Failed { .. },
                ) => ErrorCode::KeyringUnavailable,
                StoreError::Keyring(KeyringError::Locked { .. }) => ErrorCode::KeyringLocked,
                StoreError::Keyring(KeyringError::Missing { .. })
                | StoreError::StoredKeyMismatch { .. } => ErrorCode::KeyringMissing,
                StoreError::AppExists(_) | StoreError::KeyExists { .. } => ErrorCode::Conflict,
                StoreError::AppNotFound { .. }
                | StoreError::KeyNotFound { .. }
                | StoreError::NoKeys { .. } => ErrorCode::NotFound,
                StoreError::InvalidName(_)
                | StoreError::TooManyKeys { .. }
                | StoreError::LastKey { .. }
                | StoreError::NotACertificate => ErrorCode::InvalidInput,
            },
        }
    }

    /// A sentence saying what to do next, where the message alone does not.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::GitHub(err) => Some(err.hint()),
            Error::List(err) => Some(err.source.hint()),
            Error::Organization(err) => err.hint(),
            _ => None,
        }
    }

    /// The hardware problem behind this error, wherever it surfaced (opening a key, signing).
    pub fn hardware(&self) -> Option<&HardwareError> {
        match self {
            Error::Hardware(err) | Error::Store(StoreError::Hardware(err)) => Some(err),
            Error::Sign(SignError::Hardware(err)) => Some(err),
            Error::GitHub(GitHubError::Sign(SignError::Hardware(err))) => Some(err),
            Error::List(list) => match &list.source {
                GitHubError::Sign(SignError::Hardware(err)) => Some(err),
                _ => None,
            },
            _ => None,
        }
    }

    /// The token whose PIN is wanted, when that is what went wrong.
    pub fn pin_prompt(&self) -> Option<&crate::hardware::PinPrompt> {
        self.hardware().and_then(HardwareError::pin_prompt)
    }

    pub fn github(&self) -> Option<&GitHubError> {
        match self {
            Error::GitHub(err) => Some(err),
            Error::Organization(err) => err.github(),
            Error::List(err) => Some(&err.source),
            _ => None,
        }
    }
}

fn github_code(err: &GitHubError) -> ErrorCode {
    match err {
        GitHubError::Api(api) if api.is_clock_skew() => ErrorCode::ClockSkew,
        GitHubError::Api(api) if api.is_ip_allow_list() => ErrorCode::IpAllowList,
        GitHubError::Api(api) if api.is_suspended() => ErrorCode::Suspended,
        GitHubError::Api(api) => match api.status {
            401 => ErrorCode::KeyRejected,
            403 => ErrorCode::Forbidden,
            404 => ErrorCode::NotFound,
            422 => ErrorCode::InvalidInput,
            500..=599 => ErrorCode::GithubUnavailable,
            _ => ErrorCode::InvalidResponse,
        },
        GitHubError::RateLimited { .. } => ErrorCode::RateLimited,
        GitHubError::Network { .. } => ErrorCode::Network,
        GitHubError::UntrustedCertificate { .. } => ErrorCode::UntrustedCertificate,
        GitHubError::BadCaCertificate { .. } => ErrorCode::InvalidInput,
        GitHubError::Timeout { .. } => ErrorCode::Timeout,
        GitHubError::InvalidResponse { .. } => ErrorCode::InvalidResponse,
        GitHubError::Sign(err) => sign_code(err),
    }
}

fn sign_code(err: &SignError) -> ErrorCode {
    match err {
        SignError::KeyRejected { .. } => ErrorCode::InvalidKey,
        SignError::Hardware(err) => hardware_code(err),
    }
}

fn hardware_code(err: &HardwareError) -> ErrorCode {
    match err {
        HardwareError::PinRequired { .. } => ErrorCode::PinRequired,
        HardwareError::PinIncorrect { .. } | HardwareError::PinInvalid { .. } => {
            ErrorCode::PinIncorrect
        }
        HardwareError::PinLocked { .. } => ErrorCode::PinLocked,
        HardwareError::KeyNotFound { .. } => ErrorCode::NotFound,
        HardwareError::NotRsa { .. } | HardwareError::ImportNotProtected { .. } => {
            ErrorCode::InvalidKey
        }
        HardwareError::ModuleNotFound { .. }
        | HardwareError::NotAModule { .. }
        | HardwareError::NoToken { .. }
        | HardwareError::TokenRemoved { .. }
        | HardwareError::MechanismUnsupported { .. }
        | HardwareError::ReadOnly { .. }
        | HardwareError::Device { .. } => ErrorCode::TokenUnavailable,
    }
}
