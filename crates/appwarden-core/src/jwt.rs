//! GitHub App JWTs: RS256, `iat` 60 s before the moment signed as of, `exp` 9 minutes after
//! it (GitHub allows at most 10 ahead), `iss` the client ID when known and accepted, else the
//! app ID, always as a string.
//!
//! A [`JwtSigner`] signs one JWT per five-minute window, as of the window's start, and
//! reuses it within the window: a burst of requests costs one signature, and separate runs
//! inside one window send the same JWT. A key in memory signs with jsonwebtoken's aws-lc
//! backend (the `rsa` crate's private-key operations are never used); a key on a PKCS#11
//! token signs on the token. Both make the very same JWT for the same key.

use crate::hardware::{HardwareError, HardwareKey};
use crate::key::{PrivateKey, PublicKey};
use crate::secret::Jwt;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

/// How far `iat` is put in the past, as GitHub recommends.
pub const IAT_BACKDATE: Duration = Duration::seconds(60);
/// How far `exp` is put after the moment a JWT is signed as of (a window's start).
pub const LIFETIME: Duration = Duration::seconds(9 * 60);
/// JWTs are signed as of the start of a window this long, so that every signer makes the
/// same JWT within it. A JWT made that way still has over four minutes left when it is used.
pub const SHARED_WINDOW: Duration = Duration::seconds(5 * 60);

/// The `iss` claim: GitHub accepts the app ID or (recommended) the client ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer(String);

impl Issuer {
    pub fn new(app_id: u64, client_id: Option<&str>) -> Self {
        match client_id.map(str::trim).filter(|id| !id.is_empty()) {
            Some(client_id) => Self(client_id.to_owned()),
            None => Self(app_id.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error(
        "This key cannot sign a JWT ({reason}). GitHub App keys are 2048-bit RSA keys: \
         generate a new private key on the app's settings page."
    )]
    KeyRejected { reason: String },
    #[error(transparent)]
    Hardware(#[from] HardwareError),
}

/// Something that makes RS256 signatures (RSASSA-PKCS1-v1_5 with SHA-256).
pub trait Rs256Key {
    fn sign_rs256(&self, message: &[u8]) -> Result<Vec<u8>, SignError>;
    fn public_key(&self) -> &PublicKey;
}

impl Rs256Key for PrivateKey {
    fn sign_rs256(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        let encoding_key = jsonwebtoken::EncodingKey::from_rsa_der(self.expose_pkcs1_der());
        let rejected = |reason: String| SignError::KeyRejected { reason };
        let signature =
            jsonwebtoken::crypto::sign(message, &encoding_key, jsonwebtoken::Algorithm::RS256)
                .map_err(|err| rejected(err.to_string()))?;
        URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|err| rejected(err.to_string()))
    }

    fn public_key(&self) -> &PublicKey {
        PrivateKey::public_key(self)
    }
}

impl Rs256Key for HardwareKey {
    fn sign_rs256(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        Ok(HardwareKey::sign_rs256(self, message)?)
    }

    fn public_key(&self) -> &PublicKey {
        HardwareKey::public_key(self)
    }
}

/// An app's signing key: in memory (read from the OS keyring) or on a PKCS#11 token.
#[derive(Debug, Clone)]
pub enum SigningKey {
    Software(PrivateKey),
    Hardware(HardwareKey),
}

impl SigningKey {
    pub fn fingerprint(&self) -> crate::Fingerprint {
        Rs256Key::public_key(self).fingerprint()
    }

    /// The token key, for a key that lives on one.
    pub fn hardware(&self) -> Option<&HardwareKey> {
        match self {
            SigningKey::Hardware(key) => Some(key),
            SigningKey::Software(_) => None,
        }
    }
}

impl From<PrivateKey> for SigningKey {
    fn from(key: PrivateKey) -> Self {
        SigningKey::Software(key)
    }
}

impl From<HardwareKey> for SigningKey {
    fn from(key: HardwareKey) -> Self {
        SigningKey::Hardware(key)
    }
}

impl Rs256Key for SigningKey {
    fn sign_rs256(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        match self {
            SigningKey::Software(key) => key.sign_rs256(message),
            SigningKey::Hardware(key) => Rs256Key::sign_rs256(key, message),
        }
    }

    fn public_key(&self) -> &PublicKey {
        match self {
            SigningKey::Software(key) => key.public_key(),
            SigningKey::Hardware(key) => HardwareKey::public_key(key),
        }
    }
}

#[derive(serde::Serialize)]
struct Claims<'a> {
    iat: i64,
    exp: i64,
    iss: &'a str,
}

/// The JOSE header of every JWT: `{"typ":"JWT","alg":"RS256"}`.
const HEADER: &str = r#"{"typ":"JWT","alg":"RS256"}"#;

/// Signs one JWT for `now`.
pub fn sign<K: Rs256Key + ?Sized>(
    key: &K,
    issuer: &Issuer,
    now: DateTime<Utc>,
) -> Result<SignedJwt, SignError> {
    let claims = Claims {
        iat: (now - IAT_BACKDATE).timestamp(),
        exp: (now + LIFETIME).timestamp(),
        iss: issuer.as_str(),
    };
    let claims = serde_json::to_vec(&claims).map_err(|err| SignError::KeyRejected {
        reason: err.to_string(),
    })?;
    let mut token = URL_SAFE_NO_PAD.encode(HEADER);
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(claims));
    let signature = key.sign_rs256(token.as_bytes())?;
    token.push('.');
    token.push_str(&URL_SAFE_NO_PAD.encode(signature));
    Ok(SignedJwt {
        jwt: Jwt::new(token),
        expires_at: now + LIFETIME,
    })
}

/// A JWT with the moment it stops being accepted.
#[derive(Debug, Clone)]
pub struct SignedJwt {
    pub jwt: Jwt,
    pub expires_at: DateTime<Utc>,
}

/// The start of the shared window that `now` falls in (see [`SHARED_WINDOW`]).
pub fn window_start(now: DateTime<Utc>) -> DateTime<Utc> {
    let window = SHARED_WINDOW.num_seconds();
    let start = now.timestamp().div_euclid(window) * window;
    DateTime::from_timestamp(start, 0).unwrap_or(now)
}

/// Signs JWTs for one app key, one per [`SHARED_WINDOW`], and reuses it within the window.
///
/// The JWT of a window is signed as of the window's start, so every signer of this key and
/// issuer (another process, the CLI next to the window) makes the very same JWT within it:
/// RS256 (PKCS#1 v1.5) signatures are deterministic. GitHub's ETags depend on the
/// request's `Authorization`, so only then can a listing cached by one run be confirmed
/// by free 304s in the next.
///
/// The issuer is the client ID when one is known and allowed, else the app ID. Enterprise
/// Server accepts a client ID only from 3.18; [`JwtSigner::use_app_id`] switches for good.
#[derive(Debug)]
pub struct JwtSigner {
    key: SigningKey,
    app_id: u64,
    client_id: Option<String>,
    use_client_id: AtomicBool,
    cached: Mutex<Option<CachedJwt>>,
}

#[derive(Debug)]
struct CachedJwt {
    window: DateTime<Utc>,
    issuer: Issuer,
    signed: SignedJwt,
}

impl JwtSigner {
    /// A signer that uses `client_id` as the issuer when given, else the app ID.
    pub fn new(key: impl Into<SigningKey>, app_id: u64, client_id: Option<&str>) -> Self {
        let client_id = client_id
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned);
        Self {
            key: key.into(),
            app_id,
            use_client_id: AtomicBool::new(client_id.is_some()),
            client_id,
            cached: Mutex::new(None),
        }
    }

    /// The issuer the next JWT carries.
    pub fn issuer(&self) -> Issuer {
        let client_id = self
            .client_id
            .as_deref()
            .filter(|_| self.use_client_id.load(Ordering::Relaxed));
        Issuer::new(self.app_id, client_id)
    }

    /// Whether JWTs carry the client ID as their issuer.
    pub fn uses_client_id(&self) -> bool {
        self.client_id.is_some() && self.use_client_id.load(Ordering::Relaxed)
    }

    /// Signs with the app ID from now on (for Enterprise Server before 3.18). True when
    /// that changed the issuer.
    pub fn use_app_id(&self) -> bool {
        let changed = self.uses_client_id();
        self.use_client_id.store(false, Ordering::Relaxed);
        changed
    }

    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// The JWT of the window `now` falls in (`now` is GitHub's time, already corrected for
    /// clock skew).
    pub fn jwt(&self, now: DateTime<Utc>) -> Result<Jwt, SignError> {
        let window = window_start(now);
        let issuer = self.issuer();
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = cached.as_ref()
            && entry.window == window
            && entry.issuer == issuer
        {
            return Ok(entry.signed.jwt.clone());
        }
        let signed = sign(&self.key, &issuer, window)?;
        let jwt = signed.jwt.clone();
        *cached = Some(CachedJwt {
            window,
            issuer,
            signed,
        });
        Ok(jwt)
    }

    /// Forgets the cached JWT (after GitHub refused it, e.g. for clock skew).
    pub fn forget(&self) {
        *self.cached.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}
