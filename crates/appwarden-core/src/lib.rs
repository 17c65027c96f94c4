//! Appwarden's core: everything an administrator of GitHub Apps does, without a GUI.
//!
//! - [`key`], [`pem`], [`fingerprint`]: read RSA keys as users have them, compute GitHub's
//!   `SHA256:` fingerprints.
//! - [`jwt`]: sign app JWTs (aws-lc) and reuse them while fresh.
//! - [`github`]: the REST client (retries, rate limits, clock skew, concurrent listing).
//! - [`token_cache`]: installation tokens reused while they have time left.
//! - [`listing_cache`]: the last list of installations, for instant display and free refreshes.
//! - [`store`]: apps in a config file, private keys in the OS keyring or on a PKCS#11 token
//!   ([`hardware`]).
//! - [`git_credential`]: git's credential-helper protocol.
//! - [`webhook`]: checking webhook signatures (HMAC-SHA256); [`github::hooks`] and
//!   [`redelivery`]: the app's webhook configuration, deliveries and redelivery.
//! - [`acceptance`]: installations that have not accepted the app's current permissions;
//!   [`export`]: installations as CSV or JSON.
//! - [`session`]: an app ready to call GitHub.
//! - [`error`]: one error type with a code enum for user interfaces.
//!
//! Secrets are wrapped in [`secret`] types; time comes from a [`clock::Clock`].

pub mod acceptance;
pub mod activity;
pub mod api_url;
pub mod clock;
pub mod error;
pub mod export;
pub mod fingerprint;
pub mod git_credential;
pub mod github;
pub mod hardware;
pub mod jwt;
pub mod key;
pub mod leaked_credentials;
pub mod listing_cache;
pub mod organization;
pub mod pem;
pub mod redelivery;
pub mod secret;
pub mod session;
pub mod source_ranges;
pub mod store;
pub mod token_cache;
pub mod webhook;

pub use api_url::ApiUrl;
pub use error::{Error, ErrorCode};
pub use fingerprint::Fingerprint;
pub use key::{KeyError, KeyWarning, PrivateKey, PublicKey};
pub use secret::{AccessToken, ExposedCredential, Jwt, Pin, SecretBytes, WebhookSecret};
pub use session::AppSession;
