//! GitHub App JWTs: RS256, `iat` 60 s before the moment signed as of, `exp` 9 minutes after
//! it (GitHub allows at most 10 ahead), `iss` the client ID when known and accepted, else the
//! app ID, always as a string.
//!
//! A [`JwtSigner`] signs one JWT per five-minute window, as of the window's start, and
//! reuses it within the window: a burst of requests costs one signature, and separate runs
//! inside one window send the same JWT. Signing uses jsonwebtoken's aws-lc backend; the `rsa`
//! crate's private-key operations are never used.

use crate::key::PrivateKey;
use crate::secret::Jwt;
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
}

#[derive(serde::Serialize)]
struct Claims<'a> {
    iat: i64,
    exp: i64,
    iss: &'a str,
}

/// Signs one JWT for `now`.
pub fn sign(key: &PrivateKey, issuer: &Issuer, now: DateTime<Utc>) -> Result<SignedJwt, SignError> {
    let claims = Claims {
        iat: (now - IAT_BACKDATE).timestamp(),
        exp: (now + LIFETIME).timestamp(),
        iss: issuer.as_str(),
    };
    let encoding_key = jsonwebtoken::EncodingKey::from_rsa_der(key.expose_pkcs1_der());
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    let token = jsonwebtoken::encode(&header, &claims, &encoding_key).map_err(|err| {
        SignError::KeyRejected {
            reason: err.to_string(),
        }
    })?;
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
    key: PrivateKey,
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
    pub fn new(key: PrivateKey, app_id: u64, client_id: Option<&str>) -> Self {
        let client_id = client_id
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned);
        Self {
            key,
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

    pub fn key(&self) -> &PrivateKey {
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
