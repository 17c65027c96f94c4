//! The commands the window may call. Each is a thin call into appwarden-core.

pub mod about;
pub mod activity;
pub mod apps;
pub mod credentials;
pub mod hardware;
pub mod installations;
pub mod keys;
pub mod organization;
pub mod pats;
pub mod saml;
pub mod save;
pub mod system;
pub mod tokens;
pub mod webhooks;
