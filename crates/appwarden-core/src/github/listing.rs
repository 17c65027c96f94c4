//! Listing every installation of an app, fast and complete.
//!
//! The first page (`per_page=100`) tells from its `Link` header how many pages there are;
//! the rest are then fetched with bounded concurrency (default 4 in flight) and handed to
//! the caller as they arrive, so a UI can show the first rows while later pages load.
//! Installations are deduplicated by ID (an installation added while listing can shift
//! page boundaries). If any page fails for good, the listing fails and says how far it got:
//! a partial list is never returned as complete.
//!
//! A listing returns a [`ListingSnapshot`] (each page with its ETag). Given the snapshot of
//! an earlier listing, a refresh asks for every page conditionally (`If-None-Match`): pages
//! that did not change come back as 304 Not Modified, which GitHub does not count against
//! the rate limit, and are taken from the snapshot.

use super::client::{Auth, GitHubClient};
use super::error::GitHubError;
use super::link;
use super::models::Installation;
use crate::jwt::JwtSigner;
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

pub const PER_PAGE: u32 = 100;

/// One page of installations, delivered as it arrives (pages may arrive out of order). It
/// lends the installations: a caller that only counts pages copies nothing.
#[derive(Debug, Clone)]
pub struct PageEvent<'a> {
    pub page: u32,
    /// Known once the first page has arrived (1 when there is a single page).
    pub total_pages: u32,
    /// Pages received so far, this one included.
    pub pages_done: u32,
    /// New installations on this page (already-seen IDs removed).
    pub installations: Vec<&'a Installation>,
}

/// What a complete listing saw, page by page: enough to refresh it with conditional requests.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListingSnapshot {
    /// Page 1 first.
    pub pages: Vec<SnapshotPage>,
}

/// One page as GitHub sent it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotPage {
    #[serde(default)]
    pub etag: Option<String>,
    pub installations: Vec<Installation>,
}

impl ListingSnapshot {
    /// Every installation once, in page order.
    pub fn installations(&self) -> Vec<Installation> {
        self.distinct().cloned().collect()
    }

    /// Every installation once, in page order, without copying.
    pub fn into_installations(self) -> Vec<Installation> {
        let mut seen = HashSet::new();
        // Sized once: a growing list would hold twice the room at its last doubling.
        let mut all = Vec::with_capacity(self.pages.iter().map(|p| p.installations.len()).sum());
        for page in self.pages {
            all.extend(
                page.installations
                    .into_iter()
                    .filter(|installation| seen.insert(installation.id)),
            );
        }
        all
    }

    /// How many distinct installations there are.
    pub fn count(&self) -> usize {
        self.distinct().count()
    }

    /// The installations, each ID once (a page boundary may shift while listing), in page
    /// order, borrowed.
    pub fn distinct(&self) -> impl Iterator<Item = &Installation> {
        let mut seen = HashSet::new();
        self.pages
            .iter()
            .flat_map(|page| page.installations.iter())
            .filter(move |installation| seen.insert(installation.id))
    }

    /// The pages by number (from 1), to be handed out one by one.
    fn into_numbered(self) -> HashMap<u32, SnapshotPage> {
        (1..).zip(self.pages).collect()
    }
}

/// A complete listing: its pages, which hold the installations (see
/// [`ListingSnapshot::installations`]), and how it went.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The pages, for the next refresh.
    pub snapshot: ListingSnapshot,
    /// Requests made (retries not counted).
    pub requests: u32,
    /// Pages GitHub said had not changed (304, free of rate limit).
    pub not_modified: u32,
}

impl Listing {
    /// True when every page was confirmed unchanged by a 304.
    pub fn unchanged(&self) -> bool {
        self.requests > 0 && self.not_modified == self.requests
    }
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
    etag: Option<String>,
    installations: Vec<Installation>,
    last: Option<u32>,
    next: Option<u32>,
    /// Whether the answer had a `Link` header (a 304 may not).
    linked: bool,
    not_modified: bool,
}

/// Gathers pages as they arrive: reports new installations, keeps pages in order.
struct Collector<F> {
    on_page: F,
    seen: HashSet<u64>,
    pages: BTreeMap<u32, SnapshotPage>,
    requests: u32,
    not_modified: u32,
}

impl<F: FnMut(PageEvent<'_>)> Collector<F> {
    fn deliver(&mut self, page: Page, total_pages: u32) {
        self.requests += 1;
        self.not_modified += u32::from(page.not_modified);
        let pages_done =
            self.pages.len() as u32 + u32::from(!self.pages.contains_key(&page.number));
        let fresh: Vec<&Installation> = page
            .installations
            .iter()
            .filter(|i| self.seen.insert(i.id))
            .collect();
        (self.on_page)(PageEvent {
            page: page.number,
            total_pages,
            pages_done,
            installations: fresh,
        });
        self.pages.insert(
            page.number,
            SnapshotPage {
                etag: page.etag,
                installations: page.installations,
            },
        );
    }

    fn done(&self) -> u32 {
        self.pages.len() as u32
    }

    fn finish(self) -> Listing {
        let mut pages: Vec<SnapshotPage> = self.pages.into_values().collect();
        // Pages past the end (installations were removed) are not worth asking for again.
        while pages.len() > 1 && pages.last().is_some_and(|p| p.installations.is_empty()) {
            pages.pop();
        }
        let snapshot = ListingSnapshot { pages };
        Listing {
            snapshot,
            requests: self.requests,
            not_modified: self.not_modified,
        }
    }
}

/// What the last page says about pages after it: `next`, whether it is a 304 without a `Link`
/// header (which does not say whether pages follow: the next is asked for when this one is
/// full), and how many installations it holds.
fn tail_of(page: &Page) -> (Option<u32>, bool, usize) {
    let unsure = page.not_modified && !page.linked;
    (page.next, unsure, page.installations.len())
}

fn failed(pages_done: u32, total_pages: u32) -> impl FnOnce(GitHubError) -> ListError {
    move |source| ListError {
        pages_done,
        total_pages,
        source,
    }
}

impl GitHubClient {
    /// Every installation of the app, calling `on_page` for each page as it arrives.
    pub async fn list_installations(
        &self,
        signer: &JwtSigner,
        on_page: impl FnMut(PageEvent<'_>) + Send,
    ) -> Result<Vec<Installation>, ListError> {
        self.refresh_installations(signer, None, on_page)
            .await
            .map(|listing| listing.snapshot.into_installations())
    }

    /// Every installation of the app, asking for each page conditionally when `previous`
    /// (an earlier listing's snapshot) has its ETag. `on_page` sees every page, unchanged
    /// ones included, as it arrives. Unchanged pages are moved over from `previous`, not
    /// copied.
    pub async fn refresh_installations(
        &self,
        signer: &JwtSigner,
        previous: Option<ListingSnapshot>,
        on_page: impl FnMut(PageEvent<'_>) + Send,
    ) -> Result<Listing, ListError> {
        self.refresh_installations_expecting(signer, previous, None, on_page)
            .await
    }

    /// As [`Self::refresh_installations`], knowing ahead how many installations to expect
    /// (`installations_count` from `GET /app`), or else as many pages as `previous` had: the
    /// first pages up to the concurrency are then asked for at once instead of page 1 alone,
    /// which saves a round trip. GitHub's `Link` header on each answer stays authoritative:
    /// when the count was right no request goes past the last page; when it was wrong the
    /// listing is still complete (pages found past the end are empty and dropped).
    pub async fn refresh_installations_expecting(
        &self,
        signer: &JwtSigner,
        previous: Option<ListingSnapshot>,
        expected_installations: Option<u64>,
        on_page: impl FnMut(PageEvent<'_>) + Send,
    ) -> Result<Listing, ListError> {
        let previous_pages = previous
            .as_ref()
            .map(|snapshot| snapshot.pages.len() as u32);
        let expected_pages = expected_installations
            .map(|count| {
                count
                    .div_ceil(u64::from(PER_PAGE))
                    .clamp(1, u64::from(u32::MAX)) as u32
            })
            .or(previous_pages)
            .filter(|&pages| pages > 1);
        let mut old = previous
            .map(ListingSnapshot::into_numbered)
            .unwrap_or_default();
        let mut collector = Collector {
            on_page,
            seen: HashSet::new(),
            pages: BTreeMap::new(),
            requests: 0,
            not_modified: 0,
        };
        let concurrency = self.options().concurrency.max(1) as u32;

        // Without an expectation, page 1 alone says how many pages there are.
        let (mut last, mut tail, mut asked) = match expected_pages {
            Some(expected) => (expected, (None, false, 0), 0),
            None => {
                let first = self
                    .installations_page(signer, 1, old.remove(&1))
                    .await
                    .map_err(failed(0, 0))?;
                // From GitHub's `last` link, or, when page 1 is unchanged, from the snapshot
                // (growth past its last page is checked below).
                let known_last = match (&first, previous_pages) {
                    (page, Some(pages)) if page.not_modified && !page.linked => Some(pages),
                    (page, _) => page.last.or(page.next.is_none().then_some(1)),
                };
                let Some(last) = known_last.map(|last| last.max(1)) else {
                    // No `last` link but a `next`: follow the chain one page at a time.
                    let next = first.next;
                    collector.deliver(first, 0);
                    self.follow(signer, next, &mut old, &mut collector, 0)
                        .await?;
                    return Ok(collector.finish());
                };
                let tail = tail_of(&first);
                collector.deliver(first, last);
                (last, tail, 1)
            }
        };

        // Pages `asked + 1 ..= last`, `concurrency` at a time; `last` follows what GitHub's
        // answers say (a `last` link, or a page without `next`). A request's slot is free
        // once its answer has arrived: the next request goes out while the answer decodes
        // (at 4 in flight, decoding inside the slot added a millisecond or more to every
        // round).
        let mut in_flight = futures::stream::FuturesUnordered::new();
        let mut decoding = futures::stream::FuturesUnordered::new();
        loop {
            while in_flight.len() < concurrency as usize && asked < last {
                asked += 1;
                let cached = old.remove(&asked);
                in_flight.push(self.fetch_page(signer, asked, cached));
            }
            if in_flight.is_empty() && decoding.is_empty() {
                break;
            }
            tokio::select! {
                Some(fetched) = in_flight.next(), if !in_flight.is_empty() => {
                    let fetched: Fetched = fetched.map_err(failed(collector.done(), last))?;
                    let page = &fetched.page;
                    if page.linked {
                        match (page.last, page.next) {
                            (Some(said), _) => last = said.max(1),
                            // The last page links back, not onward.
                            (None, None) => last = last.min(page.number).max(1),
                            (None, Some(_)) => {}
                        }
                    }
                    decoding.push(fetched.decode());
                }
                Some(page) = decoding.next(), if !decoding.is_empty() => {
                    let page = page.map_err(failed(collector.done(), last))?;
                    if page.number > last || (page.number > 1 && page.installations.is_empty()) {
                        // Past the end: the expectation was too high. Counted, not kept.
                        collector.requests += 1;
                        continue;
                    }
                    if page.number == last {
                        tail = tail_of(&page);
                    }
                    collector.deliver(page, last);
                }
            }
        }
        // The expectation may have been too low and no answer linked further (a 304 without
        // a `Link` header): the tail check below asks on when the last page is full.
        // More pages than expected: GitHub's last page links onward, or the snapshot's last
        // page came back unchanged, full and without links, so more may follow.
        let (next, unsure, last_len) = tail;
        let next = match next {
            Some(next) if next > last => Some(next),
            _ if unsure && last_len >= PER_PAGE as usize => Some(last + 1),
            _ => None,
        };
        self.follow(signer, next, &mut old, &mut collector, last)
            .await?;
        Ok(collector.finish())
    }

    /// Fetches pages one after another from `next` while GitHub links onward; an empty page
    /// ends the chain and is not kept.
    async fn follow<F: FnMut(PageEvent<'_>)>(
        &self,
        signer: &JwtSigner,
        mut next: Option<u32>,
        old: &mut HashMap<u32, SnapshotPage>,
        collector: &mut Collector<F>,
        mut total: u32,
    ) -> Result<(), ListError> {
        while let Some(number) = next {
            let page = self
                .installations_page(signer, number, old.remove(&number))
                .await
                .map_err(failed(collector.done(), 0))?;
            if page.installations.is_empty() {
                collector.requests += 1;
                break;
            }
            next = page.next.filter(|&n| n > number);
            if total != 0 {
                total = total.max(number);
            }
            collector.deliver(page, total);
        }
        Ok(())
    }

    async fn installations_page(
        &self,
        signer: &JwtSigner,
        number: u32,
        cached: Option<SnapshotPage>,
    ) -> Result<Page, GitHubError> {
        self.fetch_page(signer, number, cached)
            .await?
            .decode()
            .await
    }

    /// Asks for a page (conditionally, given the snapshot's page); its body is decoded
    /// later, by [`Fetched::decode`].
    async fn fetch_page(
        &self,
        signer: &JwtSigner,
        number: u32,
        cached: Option<SnapshotPage>,
    ) -> Result<Fetched, GitHubError> {
        let path = format!("/app/installations?per_page={PER_PAGE}&page={number}");
        let etag = cached.as_ref().and_then(|page| page.etag.as_deref());
        let answer = self
            .get_if_none_match(&path, Auth::App(signer), etag)
            .await?;
        let link_header = answer.header("link");
        let linked = link_header.is_some();
        let links = link_header.map(link::parse).unwrap_or_default();
        let last = links.get("last").and_then(|url| link::page_number(url));
        let next = links.get("next").and_then(|url| link::page_number(url));
        if answer.status == reqwest::StatusCode::NOT_MODIFIED
            && let Some(cached) = cached
        {
            return Ok(Fetched {
                page: Page {
                    number,
                    etag: cached.etag,
                    installations: cached.installations,
                    last,
                    next,
                    linked,
                    not_modified: true,
                },
                undecoded: None,
            });
        }
        let etag = answer.header("etag").map(str::to_owned);
        Ok(Fetched {
            page: Page {
                number,
                etag,
                installations: Vec::new(),
                last,
                next,
                linked,
                not_modified: false,
            },
            undecoded: Some(answer),
        })
    }
}

/// A page's answer, its installations not decoded yet.
struct Fetched {
    page: Page,
    /// The body to decode; `None` when a 304 let the snapshot's page stand.
    undecoded: Option<super::client::Answer>,
}

impl Fetched {
    async fn decode(self) -> Result<Page, GitHubError> {
        let mut page = self.page;
        if let Some(answer) = self.undecoded {
            page.installations = answer.json_off_task().await?;
        }
        Ok(page)
    }
}
