//! Where an app's GitHub API lives: github.com, an Enterprise Server host, or an explicit
//! API URL (Enterprise Cloud with data residency, the simulator).
//!
//! `ghes.example.com` and `https://ghes.example.com` become `https://ghes.example.com/api/v3`;
//! `github.com` becomes `https://api.github.com`; any URL that already has a path is kept.
//! A plain `http://` URL is taken exactly as given: GitHub and Enterprise Server are served
//! over https, so an http URL is an explicit API URL (such as the local simulator).

use std::fmt;
use url::Url;

pub const GITHUB_COM_API: &str = "https://api.github.com";

/// A normalised API base URL, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApiUrl(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiUrlError {
    #[error(
        "\"{0}\" is not a URL or host name. Give github.com, an Enterprise Server host such as ghes.example.com, or a full API URL such as https://ghes.example.com/api/v3."
    )]
    NotAUrl(String),
    #[error(
        "\"{0}\" uses an unsupported scheme; the GitHub API is reached over https:// (http:// only for a local simulator)."
    )]
    BadScheme(String),
    #[error("\"{0}\" carries a user name or password; give the API URL without credentials.")]
    HasCredentials(String),
}

impl ApiUrl {
    pub fn github_com() -> Self {
        Self(GITHUB_COM_API.to_owned())
    }

    /// Normalises what a user typed.
    pub fn parse(input: &str) -> Result<Self, ApiUrlError> {
        let trimmed = input.trim();
        if trimmed.is_empty() || trimmed.chars().any(char::is_whitespace) {
            return Err(ApiUrlError::NotAUrl(input.to_owned()));
        }
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        let url = Url::parse(&with_scheme).map_err(|_| ApiUrlError::NotAUrl(input.to_owned()))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(ApiUrlError::BadScheme(input.to_owned()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ApiUrlError::HasCredentials(input.to_owned()));
        }
        let host = url
            .host_str()
            .ok_or_else(|| ApiUrlError::NotAUrl(input.to_owned()))?;
        if url.query().is_some() || url.fragment().is_some() {
            return Err(ApiUrlError::NotAUrl(input.to_owned()));
        }
        let host = host.to_ascii_lowercase();
        if matches!(
            host.as_str(),
            "github.com" | "www.github.com" | "api.github.com"
        ) {
            return Ok(Self::github_com());
        }
        // Enterprise Cloud with data residency: the API is api.SUBDOMAIN.ghe.com, at its root.
        if let Some(subdomain) = host.strip_suffix(".ghe.com") {
            let subdomain = subdomain.strip_prefix("api.").unwrap_or(subdomain);
            return Ok(Self(format!("https://api.{subdomain}.ghe.com")));
        }
        let mut base = format!("{}://{}", url.scheme(), host);
        if let Some(port) = url.port() {
            base.push_str(&format!(":{port}"));
        }
        let path = url.path().trim_end_matches('/');
        if path.is_empty() && url.scheme() == "https" {
            base.push_str("/api/v3");
        } else {
            base.push_str(path);
        }
        Ok(Self(base))
    }

    /// Whether this is an Enterprise Server's API (`https://HOST/api/v3`).
    pub fn is_enterprise_server(&self) -> bool {
        self.0.ends_with("/api/v3")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The web host users see (for links and `git clone` lines): `github.com` for the API at
    /// api.github.com, the same host otherwise.
    pub fn web_base(&self) -> String {
        if self.0 == GITHUB_COM_API {
            return "https://github.com".to_owned();
        }
        if let Some(rest) = self
            .0
            .strip_prefix("https://api.")
            .filter(|r| r.ends_with(".ghe.com"))
        {
            return format!("https://{rest}");
        }
        let without_api = self.0.strip_suffix("/api/v3").unwrap_or(&self.0);
        without_api.to_owned()
    }

    /// The web host for git remotes and links: `github.com`, `ghes.example.com`.
    pub fn web_host(&self) -> String {
        let base = self.web_base();
        base.split_once("://")
            .map(|(_, host)| host.to_owned())
            .unwrap_or(base)
    }

    /// The host name and port, for display.
    pub fn host(&self) -> String {
        Url::parse(&self.0)
            .ok()
            .and_then(|url| {
                url.host_str().map(|host| match url.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_owned(),
                })
            })
            .unwrap_or_else(|| self.0.clone())
    }

    /// `base` + `path` (which starts with `/`).
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.0, path)
    }
}

impl Default for ApiUrl {
    fn default() -> Self {
        Self::github_com()
    }
}

impl fmt::Display for ApiUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for ApiUrl {
    type Err = ApiUrlError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_hosts_and_urls() {
        let cases = [
            ("github.com", "https://api.github.com"),
            ("https://api.github.com/", "https://api.github.com"),
            ("ghes.example.com", "https://ghes.example.com/api/v3"),
            (
                "https://GHES.example.com/",
                "https://ghes.example.com/api/v3",
            ),
            (
                "https://ghes.example.com/api/v3/",
                "https://ghes.example.com/api/v3",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            (
                "http://127.0.0.1:8080/api/v3/",
                "http://127.0.0.1:8080/api/v3",
            ),
            ("http://127.0.0.1:8080/gh", "http://127.0.0.1:8080/gh"),
            ("https://api.acme.ghe.com", "https://api.acme.ghe.com"),
            ("acme.ghe.com", "https://api.acme.ghe.com"),
        ];
        for (input, expected) in cases {
            assert_eq!(ApiUrl::parse(input).unwrap().as_str(), expected, "{input}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_api_url() {
        assert!(matches!(
            ApiUrl::parse("ftp://x.com"),
            Err(ApiUrlError::BadScheme(_))
        ));
        assert!(matches!(
            ApiUrl::parse("not a url"),
            Err(ApiUrlError::NotAUrl(_))
        ));
        assert!(matches!(ApiUrl::parse(""), Err(ApiUrlError::NotAUrl(_))));
        assert!(matches!(
            ApiUrl::parse("https://u:p@x.com"),
            Err(ApiUrlError::HasCredentials(_))
        ));
    }

    #[test]
    fn web_base_for_links() {
        assert_eq!(ApiUrl::github_com().web_base(), "https://github.com");
        assert_eq!(ApiUrl::github_com().web_host(), "github.com");
        assert_eq!(
            ApiUrl::parse("ghes.local").unwrap().web_host(),
            "ghes.local"
        );
        assert_eq!(
            ApiUrl::parse("ghes.local").unwrap().web_base(),
            "https://ghes.local"
        );
        assert_eq!(
            ApiUrl::parse("acme.ghe.com").unwrap().web_base(),
            "https://acme.ghe.com"
        );
    }
}
