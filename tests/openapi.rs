//! ghsim's responses checked against GitHub's official OpenAPI description
//! (`@octokit/openapi`, fetched by scripts/install-deps.sh), with a validator nobody here
//! wrote (Python's jsonschema). Covers every endpoint Appwarden uses, on github.com's
//! description and on Enterprise Server 3.19's (served under /api/v3).

use appwarden_core::PrivateKey;
use appwarden_core::jwt::{Issuer, sign};
use appwarden_system_tests::{fixture_text, start_sim};
use ghsim::SimConfig;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::Command;

const OPENAPI_VERSION: &str = "23.0.2";

fn spec(name: &str) -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache"));
    let path = cache
        .join(format!("appwarden/openapi-{OPENAPI_VERSION}"))
        .join(name);
    assert!(
        path.exists(),
        "{} is missing: run scripts/install-deps.sh",
        path.display()
    );
    path
}

async fn record(ghes: bool) -> Vec<Value> {
    let sim = start_sim(SimConfig {
        installations: 40,
        ghes,
        ..Default::default()
    })
    .await;
    let api = sim.api_url();
    let key = PrivateKey::from_pem(fixture_text("rsa2048-pkcs1.pem").as_bytes()).unwrap();
    let jwt = sign(&key, &Issuer::new(1, None), chrono::Utc::now())
        .unwrap()
        .jwt
        .expose_secret()
        .to_owned();
    let http = reqwest::Client::builder()
        .user_agent("appwarden-tests")
        .build()
        .unwrap();
    let installations = sim.installations();
    let org = installations
        .iter()
        .find(|i| i.account_type == "Organization" && i.suspended_at.is_none())
        .unwrap();
    let suspended = installations
        .iter()
        .find(|i| i.suspended_at.is_some())
        .unwrap();

    let mut cases = Vec::new();
    let mut call = async |method: &str,
                          url: String,
                          spec_path: &str,
                          bearer: &str,
                          body: Option<Value>| {
        let mut request = http.request(method.parse().unwrap(), format!("{api}{url}"));
        // An empty bearer: a request without credentials (`GET /meta`).
        if !bearer.is_empty() {
            request = request.bearer_auth(bearer);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        cases.push(json!({ "path": spec_path, "method": method.to_lowercase(), "status": status, "body": body.clone() }));
        body
    };
    call("GET", "/app".into(), "/app", &jwt, None).await;
    call(
        "GET",
        "/app/installations?per_page=100".into(),
        "/app/installations",
        &jwt,
        None,
    )
    .await;
    call(
        "GET",
        format!("/app/installations/{}", suspended.id),
        "/app/installations/{installation_id}",
        &jwt,
        None,
    )
    .await;
    call(
        "GET",
        format!("/orgs/{}/installation", org.account_login),
        "/orgs/{org}/installation",
        &jwt,
        None,
    )
    .await;
    let repo = &org.repositories[0].name;
    call(
        "GET",
        format!("/repos/{}/{repo}/installation", org.account_login),
        "/repos/{owner}/{repo}/installation",
        &jwt,
        None,
    )
    .await;
    let user = installations
        .iter()
        .find(|i| i.account_type == "User")
        .unwrap();
    call(
        "GET",
        format!("/users/{}/installation", user.account_login),
        "/users/{username}/installation",
        &jwt,
        None,
    )
    .await;
    let tokens_path = "/app/installations/{installation_id}/access_tokens";
    let full = call(
        "POST",
        format!("/app/installations/{}/access_tokens", org.id),
        tokens_path,
        &jwt,
        Some(json!({})),
    )
    .await;
    let scoped = json!({ "repositories": [repo], "permissions": { "contents": "read" } });
    call(
        "POST",
        format!("/app/installations/{}/access_tokens", org.id),
        tokens_path,
        &jwt,
        Some(scoped),
    )
    .await;
    let token = full["token"].as_str().unwrap().to_owned();
    call(
        "GET",
        "/installation/repositories".into(),
        "/installation/repositories",
        &token,
        None,
    )
    .await;
    call("GET", "/rate_limit".into(), "/rate_limit", &token, None).await;
    // The organization's apps and audit log, with the organization's installation token.
    let login = &org.account_login;
    call(
        "GET",
        format!("/orgs/{login}/installations?per_page=10&page=2"),
        "/orgs/{org}/installations",
        &token,
        None,
    )
    .await;
    for query in [
        "per_page=5&phrase=action%3Aintegration_installation",
        "per_page=3&include=all&order=asc",
    ] {
        call(
            "GET",
            format!("/orgs/{login}/audit-log?{query}"),
            "/orgs/{org}/audit-log",
            &token,
            None,
        )
        .await;
    }
    // Fine-grained personal access tokens: the requests, the tokens with access, their
    // repositories, and the bulk actions' 202 and 422.
    let world = sim.org(login).unwrap();
    let subset_request = world
        .pat_requests
        .iter()
        .find(|r| {
            r.state == ghsim::pats::RequestState::Pending && r.pat.repository_selection == "subset"
        })
        .unwrap()
        .id;
    let subset_grant = world
        .pat_grants
        .iter()
        .find(|g| g.pat.repository_selection == "subset")
        .unwrap()
        .id;
    for (url, spec_path) in [
        (
            format!(
                "/orgs/{login}/personal-access-token-requests?per_page=5&owner[]=mona&direction=asc"
            ),
            "/orgs/{org}/personal-access-token-requests",
        ),
        (
            format!("/orgs/{login}/personal-access-token-requests/{subset_request}/repositories"),
            "/orgs/{org}/personal-access-token-requests/{pat_request_id}/repositories",
        ),
        (
            format!("/orgs/{login}/personal-access-tokens?per_page=5&permission=contents_write"),
            "/orgs/{org}/personal-access-tokens",
        ),
        (
            format!("/orgs/{login}/personal-access-tokens/{subset_grant}/repositories"),
            "/orgs/{org}/personal-access-tokens/{pat_id}/repositories",
        ),
    ] {
        call("GET", url, spec_path, &token, None).await;
    }
    if !ghes {
        call(
            "GET",
            format!("/orgs/{login}/credential-authorizations?per_page=5&page=2"),
            "/orgs/{org}/credential-authorizations",
            &token,
            None,
        )
        .await;
    }
    let requests_path = "/orgs/{org}/personal-access-token-requests";
    for body in [
        json!({ "action": "approve", "pat_request_ids": [subset_request], "reason": "CI" }),
        json!({ "action": "deny", "pat_request_ids": [] }),
    ] {
        call(
            "POST",
            format!("/orgs/{login}/personal-access-token-requests"),
            requests_path,
            &token,
            Some(body),
        )
        .await;
    }
    call(
        "POST",
        format!("/orgs/{login}/personal-access-tokens"),
        "/orgs/{org}/personal-access-tokens",
        &token,
        Some(json!({ "action": "revoke", "pat_ids": [subset_grant] })),
    )
    .await;
    let contents_only = call(
        "POST",
        format!("/app/installations/{}/access_tokens", org.id),
        tokens_path,
        &jwt,
        Some(json!({ "permissions": { "contents": "read" } })),
    )
    .await;
    // Without the organization's Administration permission: GitHub's 403 body.
    call(
        "GET",
        format!("/orgs/{login}/installations"),
        "/orgs/{org}/installations",
        contents_only["token"].as_str().unwrap(),
        None,
    )
    .await;
    // Without credentials, as the docs call it (Enterprise Server's shape has no `hooks`).
    call("GET", "/meta".into(), "/meta", "", None).await;
    if !ghes {
        // Exposed credentials, revoked by value without authentication (github.com only).
        let exposed = format!("ghp_{}", "a".repeat(36));
        for credentials in [json!([exposed]), json!([])] {
            call(
                "POST",
                "/credentials/revoke".into(),
                "/credentials/revoke",
                "",
                Some(json!({ "credentials": credentials })),
            )
            .await;
        }
    }
    // Error bodies are GitHub's basic-error.
    call(
        "GET",
        "/app/installations/1".into(),
        "/app/installations/{installation_id}",
        &jwt,
        None,
    )
    .await;
    call(
        "POST",
        format!("/app/installations/{}/access_tokens", suspended.id),
        tokens_path,
        &jwt,
        Some(json!({})),
    )
    .await;
    call(
        "POST",
        format!("/app/installations/{}/access_tokens", org.id),
        tokens_path,
        &jwt,
        Some(json!({"repositories": ["nope"]})),
    )
    .await;
    call(
        "GET",
        "/app/installation-requests?per_page=2".into(),
        "/app/installation-requests",
        &jwt,
        None,
    )
    .await;
    // Administration of an installation that does not exist: GitHub's 404 body.
    for method in ["PUT", "DELETE"] {
        call(
            method,
            "/app/installations/1/suspended".into(),
            "/app/installations/{installation_id}/suspended",
            &jwt,
            None,
        )
        .await;
    }
    call(
        "DELETE",
        "/app/installations/1".into(),
        "/app/installations/{installation_id}",
        &jwt,
        None,
    )
    .await;
    // The app's webhook: configuration, deliveries (both filters), one delivery, redelivery.
    call(
        "GET",
        "/app/hook/config".into(),
        "/app/hook/config",
        &jwt,
        None,
    )
    .await;
    call(
        "PATCH",
        "/app/hook/config".into(),
        "/app/hook/config",
        &jwt,
        Some(json!({"url": "https://hooks.example.net/in", "content_type": "form", "insecure_ssl": "0", "secret": "new"})),
    )
    .await;
    call(
        "PATCH",
        "/app/hook/config".into(),
        "/app/hook/config",
        &jwt,
        Some(json!({"url": "not a url"})),
    )
    .await;
    let deliveries = call(
        "GET",
        "/app/hook/deliveries?per_page=5".into(),
        "/app/hook/deliveries",
        &jwt,
        None,
    )
    .await;
    call(
        "GET",
        "/app/hook/deliveries?per_page=100&status=failure".into(),
        "/app/hook/deliveries",
        &jwt,
        None,
    )
    .await;
    let delivery = deliveries[0]["id"].as_u64().unwrap();
    call(
        "GET",
        format!("/app/hook/deliveries/{delivery}"),
        "/app/hook/deliveries/{delivery_id}",
        &jwt,
        None,
    )
    .await;
    call(
        "POST",
        format!("/app/hook/deliveries/{delivery}/attempts"),
        "/app/hook/deliveries/{delivery_id}/attempts",
        &jwt,
        None,
    )
    .await;
    call(
        "GET",
        "/app/hook/deliveries/1".into(),
        "/app/hook/deliveries/{delivery_id}",
        &jwt,
        None,
    )
    .await;
    call("GET", "/app".into(), "/app", "not-a-jwt.x.y", None).await;
    cases
}

fn validate(spec_file: &str, cases: &[Value]) {
    let dir = tempfile::tempdir().unwrap();
    let cases_path = dir.path().join("cases.json");
    std::fs::write(&cases_path, serde_json::to_vec(cases).unwrap()).unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("openapi/validate.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(spec(spec_file))
        .arg(&cases_path)
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "ghsim differs from {spec_file}:\n{report}"
    );
    assert_eq!(
        report.lines().filter(|l| l.starts_with("ok ")).count(),
        cases.len(),
        "{report}"
    );
}

/// The organization's audit log is in Enterprise Cloud's description (and Enterprise
/// Server's), not in github.com's general one; SAML credential authorizations only in
/// Enterprise Cloud's.
fn enterprise_only(case: &Value) -> bool {
    case["path"] == "/orgs/{org}/audit-log"
        || case["path"] == "/orgs/{org}/credential-authorizations"
}

#[tokio::test]
async fn responses_match_github_com_openapi() {
    let cases: Vec<Value> = record(false)
        .await
        .into_iter()
        .filter(|case| !enterprise_only(case))
        .collect();
    validate("api.github.com.json", &cases);
}

#[tokio::test]
async fn responses_match_enterprise_cloud_openapi() {
    let cases = record(false).await;
    assert!(cases.iter().any(enterprise_only));
    validate("ghec.json", &cases);
}

#[tokio::test]
async fn responses_match_enterprise_server_openapi() {
    validate("ghes-3.19.json", &record(true).await);
}
