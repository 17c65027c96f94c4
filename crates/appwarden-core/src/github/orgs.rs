//! An organization's installed GitHub Apps: `GET /orgs/{org}/installations`, every page, with
//! the organization's installation token (the endpoint needs the organization's
//! Administration permission, read).

use super::client::{Auth, GitHubClient};
use super::error::GitHubError;
use super::link;
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
        let mut installations = Vec::new();
        let mut total_count;
        let mut page_number = 1;
        loop {
            let path = format!("{base}&page={page_number}");
            let answer = self
                .send(reqwest::Method::GET, &path, Auth::Token(token), None)
                .await?;
            // The next page's number, from `Link: rel="next"` (a page past it never asked).
            let next = answer
                .header("link")
                .and_then(|header| link::parse(header).remove("next"))
                .and_then(|url| link::page_number(&url))
                .filter(|next| *next > page_number);
            let page: InstallationsPage = answer.json()?;
            total_count = page.total_count;
            let empty = page.installations.is_empty();
            installations.extend(page.installations);
            match next {
                Some(next) if !empty => page_number = next,
                _ => break,
            }
        }
        Ok(OrgInstallations {
            total_count,
            installations,
        })
    }
}
