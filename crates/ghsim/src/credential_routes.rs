//! `POST /credentials/revoke`: anyone may submit up to 1,000 credentials found exposed
//! (`ghp_`, `github_pat_`, `gho_`, `ghu_`, `ghr_`) for GitHub to revoke; it answers 202.
//! Without authentication only: "Any authenticated requests will return a 403". Limited to 60
//! unauthenticated requests an hour. github.com's (Enterprise Server has no such endpoint).
//! A child of the server module, sharing its helpers.

use super::*;

/// The credential types the endpoint accepts, by prefix.
pub const REVOCABLE_PREFIXES: [&str; 5] = ["ghp_", "github_pat_", "gho_", "ghu_", "ghr_"];
/// "limited to only 60 unauthenticated requests per hour".
pub const REVOKE_PER_HOUR: u64 = 60;

#[derive(serde::Deserialize)]
pub(super) struct RevokeBody {
    credentials: Option<Vec<serde_json::Value>>,
}

pub(super) async fn revoke_credentials(
    State(shared): Sh,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if shared.enterprise_version.is_some() {
        return error(404, "Not Found");
    }
    if headers.contains_key("authorization") {
        // GitHub documents the status, not the message.
        return error(403, "Forbidden");
    }
    let mut state = shared.lock();
    let (bucket, remaining) =
        state.spend_limited("anonymous:credentials-revoke", 1, REVOKE_PER_HOUR);
    let mut response = if bucket.used > REVOKE_PER_HOUR {
        error(
            403,
            "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)",
        )
    } else {
        match serde_json::from_slice::<RevokeBody>(&body) {
            Err(_) => error(400, "Problems parsing JSON"),
            Ok(RevokeBody { credentials: None }) => validation_failed("credentials is missing"),
            Ok(RevokeBody {
                credentials: Some(list),
            }) => {
                let texts: Vec<String> = list
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect();
                if texts.len() != list.len() {
                    validation_failed("credentials must be strings")
                } else if texts.is_empty() {
                    validation_failed("credentials must have at least 1 item")
                } else if texts.len() > 1_000 {
                    validation_failed("credentials must have at most 1000 items")
                } else {
                    // Accepted as a whole; what GitHub then revokes (and whom it notifies) is
                    // not in the answer. ghsim keeps what it was sent, for tests.
                    state.revoked_credentials.extend(texts);
                    (StatusCode::ACCEPTED, axum::Json(json!({}))).into_response()
                }
            }
        }
    };
    let headers = response.headers_mut();
    for (name, value) in [
        ("x-ratelimit-limit", REVOKE_PER_HOUR.to_string()),
        ("x-ratelimit-remaining", remaining.to_string()),
        (
            "x-ratelimit-used",
            bucket.used.min(REVOKE_PER_HOUR).to_string(),
        ),
        ("x-ratelimit-reset", bucket.reset.to_string()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}

/// GitHub's `validation-error-simple`: a message and the reasons as strings.
fn validation_failed(reason: &str) -> Response {
    let body = json!({
        "message": "Validation Failed",
        "errors": [reason],
        "documentation_url": "https://docs.github.com/rest/credentials/revoke#revoke-a-list-of-credentials",
        "status": "422",
    });
    (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response()
}
