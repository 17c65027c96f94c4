//! Tells the window when a request is waiting out one of GitHub's rate limits, so that it can
//! say "waiting until 14:05:12" instead of looking stuck. The core calls the observer before
//! each wait; the window gets a `rate-limit-wait` event with a [`RateLimitNotice`].

use crate::ipc::RateLimitNotice;
use appwarden_core::github::{RateLimitKind, WaitObserver};
use std::sync::{Arc, OnceLock};
use tauri::{AppHandle, Emitter};

/// The event's name, as the window listens for it.
pub const EVENT: &str = "rate-limit-wait";

/// An observer that emits to the window once `handle` is set (in the app's setup).
pub fn observer(handle: Arc<OnceLock<AppHandle>>) -> WaitObserver {
    WaitObserver::new(move |wait| {
        let Some(app) = handle.get() else {
            return;
        };
        let notice = RateLimitNotice {
            endpoint: wait.endpoint.clone(),
            secondary: wait.kind == RateLimitKind::Secondary,
            until: wait.until.to_rfc3339(),
        };
        if let Err(err) = app.emit(EVENT, notice) {
            tracing::warn!(%err, "could not tell the window about a rate-limit wait");
        }
    })
}
