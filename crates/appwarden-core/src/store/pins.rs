//! PINs remembered in the OS keyring: tried first, before the caller's [`PinSource`] (a
//! prompt, a file, a dialog); forgotten when the token refuses one; stored when the user
//! asked and the token accepted.

use super::SecretStore;
use crate::hardware::{HardwareError, PinAnswer, PinSource, TokenDescription};
use crate::secret::Pin;
use std::sync::atomic::{AtomicBool, Ordering};

/// The keyring entry of a token's remembered PIN (a token is known by serial and label).
pub fn entry_name(token: &TokenDescription) -> String {
    format!("pkcs11-pin/{}/{}", token.serial, token.label)
}

pub struct RememberedPins<'a> {
    secrets: &'a dyn SecretStore,
    inner: &'a dyn PinSource,
    tried_remembered: AtomicBool,
    last_was_remembered: AtomicBool,
}

impl<'a> RememberedPins<'a> {
    pub fn new(secrets: &'a dyn SecretStore, inner: &'a dyn PinSource) -> Self {
        Self {
            secrets,
            inner,
            tried_remembered: AtomicBool::new(false),
            last_was_remembered: AtomicBool::new(false),
        }
    }

    fn remembered(&self, token: &TokenDescription) -> Option<Pin> {
        let bytes = self.secrets.get(&entry_name(token)).ok()?;
        let text = std::str::from_utf8(bytes.expose_bytes()).ok()?;
        Some(Pin::new(text))
    }
}

impl PinSource for RememberedPins<'_> {
    fn pin(&self, token: &TokenDescription, failed: Option<&HardwareError>) -> Option<PinAnswer> {
        if !self.tried_remembered.swap(true, Ordering::Relaxed)
            && failed.is_none()
            && let Some(pin) = self.remembered(token)
        {
            self.last_was_remembered.store(true, Ordering::Relaxed);
            return Some(PinAnswer {
                pin,
                remember: false,
            });
        }
        // A remembered PIN that failed is not the user's mistake: ask afresh.
        let failed = if self.last_was_remembered.swap(false, Ordering::Relaxed) {
            None
        } else {
            failed
        };
        self.inner.pin(token, failed)
    }

    fn accepted(&self, token: &TokenDescription, pin: &Pin, remember: bool) {
        if remember {
            let _ = self
                .secrets
                .put(&entry_name(token), pin.expose_secret().as_bytes());
        }
        self.inner.accepted(token, pin, remember);
    }

    fn refused(&self, token: &TokenDescription) {
        if self.last_was_remembered.load(Ordering::Relaxed) {
            let _ = self.secrets.delete(&entry_name(token));
        }
        self.inner.refused(token);
    }
}
