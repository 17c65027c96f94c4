//! What crosses IPC for the "Revoke leaked tokens" dialog: the credentials found in pasted
//! text, masked (their values stay in Rust, staged under an ID), and how the revocation went.

use appwarden_core::leaked_credentials::CredentialKind;
use serde::Serialize;
use ts_rs::TS;

/// One credential found.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExposedRow {
    /// `ghp_Ab12…yZ9x`.
    pub masked: String,
    pub kind: CredentialKind,
    /// What it is, in words.
    pub described: String,
    /// `POST /credentials/revoke` takes it; an installation token is revoked with its own
    /// token (`DELETE /installation/token`) instead.
    pub revocable: bool,
}

/// The credentials found, staged under `batch` for the revocation.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExposedFound {
    #[ts(type = "number")]
    pub batch: u64,
    pub found: Vec<ExposedRow>,
    #[ts(type = "number")]
    pub revocable: usize,
}

/// How the revocation went.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct RevocationOutcome {
    #[ts(type = "number")]
    pub accepted: usize,
    /// Installation tokens revoked with their own token.
    #[ts(type = "number")]
    pub installation_tokens_revoked: usize,
    /// Installation tokens no longer valid (expired or revoked already).
    #[ts(type = "number")]
    pub installation_tokens_invalid: usize,
    /// Each refused request: how many it held, and why.
    pub refused: Vec<String>,
    /// The host they were sent to.
    pub host: String,
}
