//! GitHub App JWTs: RS256, `iat` 60 s in the past, `exp` 9 minutes ahead (GitHub allows at
//! most 10; the minute of margin absorbs small clock differences), `iss` the client ID when
//! known, else the app ID, always as a string.
//!
//! A [`JwtSigner`] reuses its last JWT until shortly before it expires, so a burst of
//! requests costs one signature. Signing uses jsonwebtoken's aws-lc backend; the `rsa`
//! crate's private-key operations are never used.

use crate::key::PrivateKey;
use crate::secret::Jwt;
use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;

/// How far `iat` is put in the past, as GitHub recommends.
pub const IAT_BACKDATE: Duration = Duration::seconds(60);
/// How far `exp` is put in the future of "now".
pub const LIFETIME: Duration = Duration::seconds(9 * 60);
/// A cached JWT is replaced when it has less than this left.
pub const REUSE_MARGIN: Duration = Duration::seconds(60);

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

/// Signs JWTs for one app key and reuses them while they are fresh.
#[derive(Debug)]
pub struct JwtSigner {
    key: PrivateKey,
    issuer: Issuer,
    cached: Mutex<Option<SignedJwt>>,
}

impl JwtSigner {
    pub fn new(key: PrivateKey, issuer: Issuer) -> Self {
        Self {
            key,
            issuer,
            cached: Mutex::new(None),
        }
    }

    pub fn issuer(&self) -> &Issuer {
        &self.issuer
    }

    pub fn key(&self) -> &PrivateKey {
        &self.key
    }

    /// A JWT valid at `now` (GitHub's time, already corrected for clock skew).
    pub fn jwt(&self, now: DateTime<Utc>) -> Result<Jwt, SignError> {
        let mut cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(signed) = cached.as_ref() {
            let issued_at = signed.expires_at - LIFETIME;
            if issued_at <= now && now + REUSE_MARGIN < signed.expires_at {
                return Ok(signed.jwt.clone());
            }
        }
        let signed = sign(&self.key, &self.issuer, now)?;
        let jwt = signed.jwt.clone();
        *cached = Some(signed);
        Ok(jwt)
    }

    /// Forgets the cached JWT (after GitHub refused it, e.g. for clock skew).
    pub fn forget(&self) {
        *self.cached.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}
