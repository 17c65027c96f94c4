//! Where webhook deliveries come from, for a receiver's firewall: the `hooks` ranges of
//! `GET /meta`, checked, split by IP version, and written as a CIDR list, as nginx
//! `allow`/`deny` lines or as JSON.
//!
//! GitHub's caveats travel with them: the ranges change from time to time ("we do not
//! recommend allowing by IP address, however if you use these IP ranges we strongly
//! encourage regular monitoring of our API", docs: about GitHub's IP addresses), so the
//! signature check (`X-Hub-Signature-256`) stays the defence that counts. Enterprise Server
//! delivers from the instance itself, and `/meta` on a GHE.com subdomain does not give that
//! subdomain's ranges: neither has ranges to show, and both say why instead.

use crate::api_url::ApiUrl;
use crate::github::{GitHubClient, GitHubError, Meta};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::fmt;
use std::net::IpAddr;

/// One address range in CIDR notation, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub struct Cidr {
    pub address: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    /// `192.30.252.0/22`, `2606:50c0::/32`; a bare address is a range of one.
    pub fn parse(text: &str) -> Option<Self> {
        let (address, prefix) = match text.trim().split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text.trim(), None),
        };
        let address: IpAddr = address.parse().ok()?;
        let most = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix.parse::<u8>().ok().filter(|&p| p <= most)?,
            None => most,
        };
        Some(Self { address, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

impl From<Cidr> for String {
    fn from(cidr: Cidr) -> Self {
        cidr.to_string()
    }
}

/// Whose ranges these are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RangesSource {
    /// github.com (and Enterprise Cloud on it): `/meta`'s `hooks`.
    GitHub,
    /// An Enterprise Server (`installed_version`): deliveries come from the instance.
    EnterpriseServer { version: Option<String> },
    /// Enterprise Cloud with data residency (`SUBDOMAIN.ghe.com`): `/meta` does not give
    /// the subdomain's ranges.
    DataResidency { web_host: String },
}

/// Webhook source ranges as fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRanges {
    pub api_url: String,
    pub fetched_at: DateTime<Utc>,
    pub source: RangesSource,
    pub ipv4: Vec<Cidr>,
    pub ipv6: Vec<Cidr>,
    /// Entries of `hooks` that are not CIDR ranges (left out of every list).
    pub unreadable: Vec<String>,
}

/// GitHub's page on network details for GHE.com (the subdomains' own ranges).
pub const DATA_RESIDENCY_NETWORK_DOCS: &str = "https://docs.github.com/enterprise-cloud@latest/admin/data-residency/network-details-for-ghecom";

impl SourceRanges {
    /// Asks the client's host (`GET /meta`, without credentials) for its ranges, as of `now`.
    pub async fn fetch(client: &GitHubClient, now: DateTime<Utc>) -> Result<Self, GitHubError> {
        let meta = client.meta().await?;
        Ok(Self::from_meta(client.api_url(), &meta, now))
    }

    /// The ranges `meta` gives for `api_url`, as of `fetched_at`.
    pub fn from_meta(api_url: &ApiUrl, meta: &Meta, fetched_at: DateTime<Utc>) -> Self {
        let source = if api_url.is_enterprise_server() || meta.installed_version.is_some() {
            RangesSource::EnterpriseServer {
                version: meta.installed_version.clone(),
            }
        } else if api_url.web_host().ends_with(".ghe.com") {
            RangesSource::DataResidency {
                web_host: api_url.web_host(),
            }
        } else {
            RangesSource::GitHub
        };
        let mut ranges = Self {
            api_url: api_url.to_string(),
            fetched_at,
            source,
            ipv4: Vec::new(),
            ipv6: Vec::new(),
            unreadable: Vec::new(),
        };
        if ranges.source != RangesSource::GitHub {
            return ranges;
        }
        for entry in meta.hooks.iter().flatten() {
            match Cidr::parse(entry) {
                Some(cidr) if cidr.address.is_ipv4() => ranges.ipv4.push(cidr),
                Some(cidr) => ranges.ipv6.push(cidr),
                None => ranges.unreadable.push(entry.clone()),
            }
        }
        ranges
    }

    /// Why there are no ranges to allow, when there are none.
    pub fn why_none(&self) -> Option<String> {
        match &self.source {
            RangesSource::EnterpriseServer { version } => Some(format!(
                "This is GitHub Enterprise Server{}: its webhooks are delivered by the instance itself, not from GitHub's ranges. Allow the instance's own address (its /meta lists no hooks ranges).",
                version
                    .as_deref()
                    .map(|v| format!(" {v}"))
                    .unwrap_or_default()
            )),
            RangesSource::DataResidency { web_host } => Some(format!(
                "{web_host} is GitHub Enterprise Cloud with data residency: GET /meta does not give its subdomain's ranges. Its network details are at {DATA_RESIDENCY_NETWORK_DOCS}."
            )),
            RangesSource::GitHub if self.ipv4.is_empty() && self.ipv6.is_empty() => {
                Some("GitHub's /meta answer lists no hooks ranges; nothing to allow.".to_owned())
            }
            RangesSource::GitHub => None,
        }
    }

    /// Every range, IPv4 first.
    pub fn all(&self) -> impl Iterator<Item = &Cidr> {
        self.ipv4.iter().chain(&self.ipv6)
    }

    /// One range a line.
    pub fn cidr_list(&self) -> String {
        self.all().map(|cidr| format!("{cidr}\n")).collect()
    }

    /// nginx's `ngx_http_access_module`: `allow` for each range, then `deny all;`, with
    /// GitHub's caveats as comments.
    pub fn nginx(&self) -> String {
        let mut out = format!(
            "# GitHub webhook source ranges (GET /meta \"hooks\") from {}, fetched {}.\n\
             # They change from time to time: fetch them again regularly. Check every delivery's\n\
             # X-Hub-Signature-256 as well: the ranges are shared by everything GitHub sends.\n",
            self.api_url,
            self.fetched_at.format("%Y-%m-%d %H:%M UTC")
        );
        for cidr in self.all() {
            out.push_str(&format!("allow {cidr};\n"));
        }
        out.push_str("deny all;\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(hooks: &[&str]) -> Meta {
        Meta {
            hooks: Some(hooks.iter().map(|h| h.to_string()).collect()),
            installed_version: None,
        }
    }

    #[test]
    fn ranges_are_checked_and_split_by_version() {
        let at = "2026-12-01T10:00:00Z".parse().unwrap();
        let ranges = SourceRanges::from_meta(
            &ApiUrl::github_com(),
            &meta(&[
                "192.30.252.0/22",
                "2606:50c0::/32",
                "not-a-range",
                "10.0.0.1/33",
                "140.82.112.0/20",
            ]),
            at,
        );
        assert_eq!(ranges.source, RangesSource::GitHub);
        assert_eq!(
            ranges.cidr_list(),
            "192.30.252.0/22\n140.82.112.0/20\n2606:50c0::/32\n"
        );
        assert_eq!(ranges.unreadable, vec!["not-a-range", "10.0.0.1/33"]);
        let nginx = ranges.nginx();
        assert!(nginx.contains(
            "allow 192.30.252.0/22;\nallow 140.82.112.0/20;\nallow 2606:50c0::/32;\ndeny all;\n"
        ));
        assert!(nginx.contains("fetched 2026-12-01 10:00 UTC"));
        assert_eq!(ranges.why_none(), None);
    }

    #[test]
    fn enterprise_server_and_data_residency_say_why_there_are_none() {
        let at = Utc::now();
        let ghes = ApiUrl::parse("https://ghe.example.com/api/v3").unwrap();
        let answer = Meta {
            hooks: None,
            installed_version: Some("3.19.0".to_owned()),
        };
        let ranges = SourceRanges::from_meta(&ghes, &answer, at);
        assert!(ranges.all().next().is_none());
        assert!(
            ranges
                .why_none()
                .unwrap()
                .contains("Enterprise Server 3.19.0")
        );
        let residency = SourceRanges::from_meta(
            &ApiUrl::parse("acme.ghe.com").unwrap(),
            &meta(&["192.30.252.0/22"]),
            at,
        );
        assert!(residency.all().next().is_none());
        assert!(residency.why_none().unwrap().contains("acme.ghe.com"));
    }
}
