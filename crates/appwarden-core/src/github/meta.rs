//! `GET /meta`: what GitHub says about itself. Appwarden reads the `hooks` key, the address
//! ranges webhook deliveries come from (github.com and Enterprise Cloud), and
//! `installed_version`, which only Enterprise Server answers (its `/meta` has no `hooks`:
//! its deliveries come from the instance itself). The endpoint needs no authentication and
//! is asked without any, as GitHub's docs call it.

use super::client::{Auth, GitHubClient};
use super::error::GitHubError;
use serde::Deserialize;

/// The parts of `api-overview` Appwarden uses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Meta {
    /// Webhook source ranges in CIDR notation, IPv4 and IPv6; absent on Enterprise Server.
    #[serde(default)]
    pub hooks: Option<Vec<String>>,
    /// Enterprise Server's version (only Enterprise Server sends it).
    #[serde(default)]
    pub installed_version: Option<String>,
}

impl GitHubClient {
    /// `GET /meta`, unauthenticated.
    pub async fn meta(&self) -> Result<Meta, GitHubError> {
        self.get_json("/meta", Auth::Anonymous).await
    }
}
