//! What crosses IPC for the SAML authorizations tab.

use appwarden_core::github::saml::CredentialAuthorization;
use serde::Serialize;
use ts_rs::TS;

fn rfc(at: Option<chrono::DateTime<chrono::Utc>>) -> Option<String> {
    at.map(|at| at.to_rfc3339())
}

/// A SAML SSO credential authorization.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SamlRow {
    #[ts(type = "number")]
    pub credential_id: u64,
    pub login: String,
    pub credential_type: String,
    /// `…12345678` for a token, the fingerprint for an SSH key.
    pub identity: String,
    pub scopes: Vec<String>,
    pub authorized_at: String,
    pub accessed_at: Option<String>,
    pub expires_at: Option<String>,
    /// An SSH key's title or a token's note.
    pub title: Option<String>,
}

impl From<&CredentialAuthorization> for SamlRow {
    fn from(c: &CredentialAuthorization) -> Self {
        Self {
            credential_id: c.credential_id,
            login: c.login.clone(),
            credential_type: c.credential_type.clone(),
            identity: c.identity(),
            scopes: c.scopes.clone(),
            authorized_at: c.credential_authorized_at.to_rfc3339(),
            accessed_at: rfc(c.credential_accessed_at),
            expires_at: rfc(c.authorized_credential_expires_at),
            title: c
                .authorized_credential_title
                .clone()
                .or_else(|| c.authorized_credential_note.clone()),
        }
    }
}
