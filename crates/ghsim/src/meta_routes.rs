//! `GET /meta`, GitHub's description of itself (OpenAPI `meta/get`, schema
//! `api-overview`), without authentication. github.com answers its address ranges by
//! service, `hooks` being where webhook deliveries come from; Enterprise Server answers
//! `verifiable_password_authentication`, `installed_version` and little else (no `hooks`:
//! the instance delivers its webhooks itself). A child of the server module.

use super::{Billing, Sh, answer};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

/// github.com's `hooks` ranges as `GET /meta` listed them when ghsim was written (IPv4 and
/// IPv6). GitHub changes them from time to time; a client must fetch them, never keep them.
pub const HOOKS: [&str; 6] = [
    "192.30.252.0/22",
    "185.199.108.0/22",
    "140.82.112.0/20",
    "143.55.64.0/20",
    "2a0a:a440::/29",
    "2606:50c0::/32",
];

/// github.com's ranges for its website, API and git (the same four, as `/meta` lists them).
const SERVICES: [&str; 4] = [
    "192.30.252.0/22",
    "185.199.108.0/22",
    "140.82.112.0/20",
    "143.55.64.0/20",
];

pub(super) async fn get_meta(State(shared): Sh, headers: HeaderMap) -> Response {
    let body = match shared.enterprise_version.as_deref() {
        Some(version) => json!({
            "verifiable_password_authentication": true,
            "installed_version": version,
            "packages": [],
            "domains": {},
        }),
        None => json!({
            "verifiable_password_authentication": false,
            "ssh_key_fingerprints": {
                "SHA256_ECDSA": "p2QAMXNIC1TJYWeIOttrVc98/R1BUFWu3/LiyKgUfQM",
                "SHA256_ED25519": "+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU",
                "SHA256_RSA": "uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s",
            },
            "hooks": HOOKS,
            "web": SERVICES,
            "api": SERVICES,
            "git": SERVICES,
            "packages": ["140.82.121.33/32", "140.82.121.34/32"],
            "pages": ["192.30.252.153/32", "192.30.252.154/32", "185.199.108.153/32"],
            "importer": ["52.23.85.212/32", "34.194.164.123/32"],
            "dependabot": [],
            "domains": {
                "website": ["*.github.com", "*.github.dev", "*.github.io"],
                "packages": ["ghcr.io", "*.pkg.github.com"],
            },
        }),
    };
    let mut state = shared.lock();
    answer(
        &mut state,
        Billing::App,
        &headers,
        StatusCode::OK,
        &body,
        None,
    )
}
