//! Who is calling: an app with a JWT (checked as GitHub checks it) or an installation with
//! a `ghs_` token. Errors carry GitHub's own messages.

use crate::model::{SimApp, SimToken};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

pub const JWT_UNDECODABLE: &str = "A JSON web token could not be decoded";
pub const EXP_TOO_FAR: &str = "'Expiration time' claim ('exp') is too far in the future";
pub const EXP_INVALID: &str = "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
pub const IAT_INVALID: &str = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
pub const BAD_CREDENTIALS: &str = "Bad credentials";
/// Enterprise Server before 3.18, given a client ID as issuer.
pub const ISS_NOT_INTEGER: &str = "'Issuer' claim ('iss') must be an Integer";

/// The authenticated caller.
#[derive(Debug, Clone)]
pub enum Caller {
    App { app_id: u64 },
    Installation { token: String, installation_id: u64 },
}

/// A 401 with GitHub's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unauthorized(pub &'static str);

pub fn bearer(header: Option<&str>) -> Option<&str> {
    let value = header?.trim();
    let (scheme, credential) = value.split_once(' ')?;
    if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token") {
        Some(credential.trim())
    } else {
        None
    }
}

/// Checks a JWT: RS256, signed by one of the issuing app's registered keys, `iss` the app
/// ID (string or number) or, where `client_id_issuer` allows it, the client ID; `exp` in
/// the future but at most 10 minutes ahead, `iat` present and not in the future.
pub fn verify_jwt(
    jwt: &str,
    apps: &[SimApp],
    now: DateTime<Utc>,
    client_id_issuer: bool,
) -> Result<u64, Unauthorized> {
    let undecodable = Unauthorized(JWT_UNDECODABLE);
    let header = jsonwebtoken::decode_header(jwt).map_err(|_| undecodable.clone())?;
    if header.alg != jsonwebtoken::Algorithm::RS256 {
        return Err(undecodable);
    }
    let payload = jwt.split('.').nth(1).ok_or(undecodable.clone())?;
    let claims: serde_json::Value = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(undecodable.clone())?;
    let issuer = match &claims["iss"] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return Err(undecodable),
    };
    let app = apps
        .iter()
        .find(|app| app.client_id == issuer || app.id.to_string() == issuer)
        .ok_or(undecodable.clone())?;
    if !client_id_issuer && app.id.to_string() != issuer {
        return Err(Unauthorized(ISS_NOT_INTEGER));
    }

    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.required_spec_claims.clear();
    let signed_by_app = app.public_keys.iter().any(|der| {
        let key = jsonwebtoken::DecodingKey::from_rsa_der(der);
        jsonwebtoken::decode::<serde_json::Value>(jwt, &key, &validation).is_ok()
    });
    if !signed_by_app {
        return Err(undecodable);
    }

    let now = now.timestamp();
    let exp = claims["exp"].as_i64().ok_or(Unauthorized(EXP_INVALID))?;
    if exp <= now {
        return Err(Unauthorized(EXP_INVALID));
    }
    if exp > now + 600 {
        return Err(Unauthorized(EXP_TOO_FAR));
    }
    let iat = claims["iat"].as_i64().ok_or(Unauthorized(IAT_INVALID))?;
    if iat > now {
        return Err(Unauthorized(IAT_INVALID));
    }
    Ok(app.id)
}

/// Checks an installation token: known, replicated (minted over `replication` ago), not
/// revoked, not expired.
pub fn verify_token(
    token: &str,
    tokens: &HashMap<String, SimToken>,
    now: DateTime<Utc>,
    replication: std::time::Duration,
) -> Result<u64, Unauthorized> {
    match tokens.get(token) {
        Some(record)
            if !record.revoked
                && record.expires_at > now
                && record.minted.elapsed() >= replication =>
        {
            Ok(record.installation_id)
        }
        _ => Err(Unauthorized(BAD_CREDENTIALS)),
    }
}
