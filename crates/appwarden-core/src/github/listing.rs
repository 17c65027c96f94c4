//! Listing every installation of an app, fast and complete.
//!
//! The first page (`per_page=100`) tells from its `Link` header how many pages there are;
//! the rest are then fetched with bounded concurrency (default 4 in flight) and handed to
//! the caller as they arrive, so a UI can show the first rows while later pages load.
//! Installations are deduplicated by ID (an installation added while listing can shift
//! page boundaries). If any page fails for good, the listing fails and says how far it got:
//! a partial list is never returned as complete.

use super::client::{Auth, GitHubClient};
use super::error::GitHubError;
use super::link;
use super::models::Installation;
use crate::jwt::JwtSigner;
use futures::StreamExt;
use reqwest::Method;
use std::collections::HashSet;

pub const PER_PAGE: u32 = 100;

/// One page of installations, delivered as it arrives (pages may arrive out of order).
#[derive(Debug, Clone)]
pub struct PageEvent {
    pub page: u32,
    /// Known once the first page has arrived (1 when there is a single page).
    pub total_pages: u32,
    /// Pages received so far, this one included.
    pub pages_done: u32,
    /// New installations on this page (already-seen IDs removed).
    pub installations: Vec<Installation>,
}

/// A listing that did not complete.
#[derive(Debug)]
pub struct ListError {
    pub pages_done: u32,
    pub total_pages: u32,
    pub source: GitHubError,
}

impl std::fmt::Display for ListError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.pages_done, self.total_pages) {
            (0, _) => write!(f, "{}", self.source),
            (done, 0) => write!(
                f,
                "The list of installations is incomplete: {done} pages arrived, then: {}",
                self.source
            ),
            (done, total) => write!(
                f,
                "The list of installations is incomplete: {done} of {total} pages arrived, then: {}",
                self.source
            ),
        }
    }
}

impl std::error::Error for ListError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

struct Page {
    number: u32,
    installations: Vec<Installation>,
    last: Option<u32>,
    next: Option<u32>,
}

impl GitHubClient {
    /// Every installation of the app, calling `on_page` for each page as it arrives.
    pub async fn list_installations(
        &self,
        signer: &JwtSigner,
        mut on_page: impl FnMut(PageEvent) + Send,
    ) -> Result<Vec<Installation>, ListError> {
        let fail = |pages_done, total_pages| {
            move |source| ListError {
                pages_done,
                total_pages,
                source,
            }
        };
        let first = self
            .installations_page(signer, 1)
            .await
            .map_err(fail(0, 0))?;
        let mut seen = HashSet::new();
        let mut all = Vec::new();
        let mut deliver =
            |page: Page, total_pages: u32, pages_done: u32, all: &mut Vec<Installation>| {
                let fresh: Vec<Installation> = page
                    .installations
                    .into_iter()
                    .filter(|i| seen.insert(i.id))
                    .collect();
                all.extend(fresh.iter().cloned());
                on_page(PageEvent {
                    page: page.number,
                    total_pages,
                    pages_done,
                    installations: fresh,
                });
            };

        match (first.last, first.next) {
            // The usual case: GitHub says how many pages there are.
            (Some(last), _) if last > 1 => {
                deliver(first, last, 1, &mut all);
                let concurrency = self.options().concurrency.max(1);
                let mut pages = futures::stream::iter(2..=last)
                    .map(|number| self.installations_page(signer, number))
                    .buffer_unordered(concurrency);
                let mut done = 1;
                while let Some(page) = pages.next().await {
                    let page = page.map_err(fail(done, last))?;
                    done += 1;
                    deliver(page, last, done, &mut all);
                }
            }
            // No `last` link but a `next`: follow the chain one page at a time.
            (_, Some(_)) => {
                let mut next = first.next;
                let mut done = 1;
                deliver(first, 0, done, &mut all);
                while let Some(number) = next {
                    let page = self
                        .installations_page(signer, number)
                        .await
                        .map_err(fail(done, 0))?;
                    next = page.next;
                    done += 1;
                    deliver(page, 0, done, &mut all);
                }
            }
            _ => deliver(first, 1, 1, &mut all),
        }
        Ok(all)
    }

    async fn installations_page(
        &self,
        signer: &JwtSigner,
        number: u32,
    ) -> Result<Page, GitHubError> {
        let path = format!("/app/installations?per_page={PER_PAGE}&page={number}");
        let answer = self
            .send(Method::GET, &path, Auth::App(signer), None)
            .await?;
        let installations: Vec<Installation> = answer.json()?;
        let links = answer.header("link").map(link::parse).unwrap_or_default();
        Ok(Page {
            number,
            installations,
            last: links.get("last").and_then(|url| link::page_number(url)),
            next: links.get("next").and_then(|url| link::page_number(url)),
        })
    }
}
