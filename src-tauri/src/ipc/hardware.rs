//! IPC types for keys on PKCS#11 tokens. The token, module and key descriptions themselves
//! are the core's (`TokenDescription`, `TokenKeyInfo`, `ModuleCandidate`, `PinPrompt`).

use appwarden_core::hardware::{ModuleCandidate, TokenDescription, TokenKeyInfo};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The usual PKCS#11 modules of this system, for the module picker.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ModuleList {
    pub modules: Vec<ModuleCandidate>,
}

/// A module's slots, for the token picker.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TokenList {
    pub module: String,
    pub tokens: Vec<TokenDescription>,
}

/// The private keys on an unlocked token, for the key picker.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TokenKeys {
    pub token: TokenDescription,
    pub keys: Vec<TokenKeyInfo>,
}

/// Where a new app's key goes when it goes onto a token.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct TokenTarget {
    pub module: String,
    pub token_label: String,
}

/// A key on a token to add to an app: a staged PEM to import, or a key already there.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct TokenKeyRequest {
    pub module: String,
    pub token_label: String,
    /// Import this staged PEM (from `stage_key`) into the token.
    #[ts(type = "number | null")]
    pub staged_key: Option<u64>,
    /// Or use the private key with this label that is already on the token.
    pub key_label: Option<String>,
}

/// A PIN typed into the window's PIN dialog. It crosses IPC inbound only, once.
#[derive(Deserialize, TS)]
#[ts(export)]
pub struct PinEntry {
    pub module: String,
    pub token_label: String,
    pub pin: String,
    /// Keep it in the OS keyring once the token accepts it.
    pub remember: bool,
}

impl std::fmt::Debug for PinEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinEntry")
            .field("module", &self.module)
            .field("token_label", &self.token_label)
            .field("pin", &"[redacted]")
            .finish()
    }
}

impl Drop for PinEntry {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.pin.zeroize();
    }
}
