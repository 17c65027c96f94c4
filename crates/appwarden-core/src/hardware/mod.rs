//! Keys that never leave hardware: RSA private keys held in a PKCS#11 token (a smart card, a
//! YubiKey's PIV applet, a USB or network HSM, SoftHSM2 in the tests), used through the
//! `cryptoki` crate.
//!
//! - [`module`]: loading a PKCS#11 library once per process, and where the usual ones live.
//! - [`token`]: finding a token by label or serial, logging in with a PIN from a
//!   [`PinSource`], and keeping that session while the process runs ([`close_all`] ends them).
//! - [`key`]: a key on a token: finding it, importing a PEM as a sensitive, non-extractable
//!   key, and signing with `CKM_SHA256_RSA_PKCS`.
//!
//! The config records where a key lives ([`Pkcs11KeyRef`]), never a PIN.

pub mod key;
pub mod module;
pub mod token;

pub use key::{HardwareKey, ImportedKey, SigningMechanism, TokenKeyInfo};
pub use module::{ModuleCandidate, usual_modules};
pub use token::{PinSource, TokenDescription, TokenSelector, TokenSession, close_all, list_tokens};

use crate::secret::Pin;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Where a key on a PKCS#11 token is: the module, the token, the key object. Public; stored in
/// the config in place of a keyring entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pkcs11KeyRef {
    /// The PKCS#11 library (`/usr/lib/softhsm/libsofthsm2.so`, `opensc-pkcs11.so`, …).
    pub module: PathBuf,
    /// The token's label, as the token reports it.
    pub token_label: String,
    /// The token's serial number: tells apart two tokens with one label.
    pub token_serial: String,
    /// The key object's `CKA_LABEL`.
    pub key_label: String,
    /// The key object's `CKA_ID`, in hex.
    pub key_id: String,
}

impl Pkcs11KeyRef {
    /// "label (serial …) in module", for messages.
    pub fn describe(&self) -> String {
        format!(
            "key \"{}\" on token \"{}\" (serial {})",
            self.key_label, self.token_label, self.token_serial
        )
    }
}

/// What went wrong with a PKCS#11 module, token, PIN or key. Each message says what to do;
/// none of these changed anything.
#[derive(Debug, Clone, thiserror::Error)]
pub enum HardwareError {
    #[error(
        "No PKCS#11 module at {path}. Install the token's PKCS#11 library (SoftHSM2: softhsm2, smart cards: opensc, YubiKey: ykcs11) or give its path."
    )]
    ModuleNotFound { path: PathBuf },
    #[error(
        "{path} is not a PKCS#11 module ({detail}). Give the token's PKCS#11 library (a .so, .dylib or .dll that exports C_GetFunctionList)."
    )]
    NotAModule { path: PathBuf, detail: String },
    #[error("No token \"{wanted}\" in {module}.{available} Insert the token, or check its label.")]
    NoToken {
        module: PathBuf,
        wanted: String,
        available: String,
    },
    #[error(
        "The token \"{token}\" was removed or stopped answering. Insert it again and retry; Appwarden will ask for its PIN again."
    )]
    TokenRemoved { token: String },
    #[error(
        "The token \"{token}\" needs its PIN. Give it with --pkcs11-pin-file FILE or APPWARDEN_PKCS11_PIN, or run in a terminal to be asked."
    )]
    PinRequired {
        token: String,
        prompt: Box<PinPrompt>,
    },
    #[error("Wrong PIN for the token \"{token}\".{warning}")]
    PinIncorrect {
        token: String,
        warning: String,
        prompt: Box<PinPrompt>,
    },
    #[error(
        "The PIN of the token \"{token}\" is locked after too many wrong tries. Unlock it with the token's own tools (its SO PIN or PUK), then retry."
    )]
    PinLocked { token: String },
    #[error(
        "The PIN was not accepted by the token \"{token}\": {detail}. Check its length and characters."
    )]
    PinInvalid { token: String, detail: String },
    #[error(
        "No private key \"{key}\" on the token \"{token}\".{available} Import the app's PEM with --key FILE, or check the label."
    )]
    KeyNotFound {
        token: String,
        key: String,
        available: String,
    },
    #[error(
        "The key \"{key}\" on the token \"{token}\" is {key_type}, not RSA. GitHub App keys are RSA: import the PEM GitHub gave you."
    )]
    NotRsa {
        token: String,
        key: String,
        key_type: String,
    },
    #[error(
        "The token \"{token}\" cannot sign with RSA PKCS#1 v1.5 (CKM_SHA256_RSA_PKCS or CKM_RSA_PKCS), which GitHub's RS256 JWTs need. Use another token."
    )]
    MechanismUnsupported { token: String },
    #[error(
        "The token \"{token}\" is write-protected or read-only: a key cannot be imported into it. Use a key already on it (--pkcs11-key LABEL) or another token."
    )]
    ReadOnly { token: String },
    #[error(
        "The token \"{token}\" stored the key as readable (it reports {what}); it was deleted again. Use a token that keeps private keys sensitive and non-extractable."
    )]
    ImportNotProtected { token: String, what: String },
    #[error("The token \"{token}\" refused to {operation}: {detail}.")]
    Device {
        token: String,
        operation: String,
        detail: String,
    },
}

/// Which token a PIN is wanted for: what a PIN dialog shows, and what it sends back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PinPrompt {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub module: PathBuf,
    pub token_label: String,
    pub token_serial: String,
    /// What the token says about tries left, if anything.
    pub warning: Option<String>,
}

impl HardwareError {
    /// The token whose PIN is wanted, for a PIN dialog.
    pub fn pin_prompt(&self) -> Option<&PinPrompt> {
        match self {
            HardwareError::PinRequired { prompt, .. }
            | HardwareError::PinIncorrect { prompt, .. } => Some(prompt),
            _ => None,
        }
    }

    /// Errors after which the token's session is no longer good (it was removed, or logged out).
    pub fn session_lost(&self) -> bool {
        matches!(self, HardwareError::TokenRemoved { .. })
    }
}

/// A PIN that a [`PinSource`] gave, with whether to keep it in the OS keyring once the token
/// accepts it.
#[derive(Debug)]
pub struct PinAnswer {
    pub pin: Pin,
    pub remember: bool,
}

/// The CKA_ID Appwarden gives a key it imports: the first 20 bytes of its fingerprint's
/// SHA-256, so the same key always gets the same ID.
pub fn key_id_for(fingerprint: &crate::Fingerprint) -> Vec<u8> {
    fingerprint.as_bytes()[..20].to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_hex() {
        assert_eq!(hex(&[0, 0xab, 0x10]), "00ab10");
        assert_eq!(unhex("00ab10"), Some(vec![0, 0xab, 0x10]));
        assert_eq!(unhex("0"), None);
        assert_eq!(unhex("zz"), None);
    }
}
