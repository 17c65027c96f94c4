//! An organization's installed GitHub Apps: `GET /orgs/{org}/installations`, every page, with
//! the organization's installation token (the endpoint needs the organization's
//! Administration permission, read).

use super::client::{Auth, GitHubClient};
use super::error::GitHubError;
use super::models::Installation;
use crate::secret::AccessToken;

#[derive(serde::Deserialize)]
struct InstallationsPage {
    total_count: u64,
    installations: Vec<Installation>,
}

/// Every app installed on an organization, in GitHub's order.
#[derive(Debug, Clone)]
pub struct OrgInstallations {
    pub total_count: u64,
    pub installations: Vec<Installation>,
}

impl GitHubClient {
    /// `GET /orgs/{org}/installations`, every page (100 at a time, following `Link: next`).
    pub async fn org_installations(
        &self,
        token: &AccessToken,
        org: &str,
    ) -> Result<OrgInstallations, GitHubError> {
        let base = format!("/orgs/{}/installations?per_page=100", super::segment(org));
        let mut total_count = 0;
        let installations = self
            .every_page(&base, Auth::Token(token), |page: InstallationsPage| {
                total_count = page.total_count;
                page.installations
            })
            .await?;
        Ok(OrgInstallations {
            total_count,
            installations,
        })
    }
}
