//! The webhook endpoints of a GitHub App: `GET`/`PATCH /app/hook/config`,
//! `GET /app/hook/deliveries` (cursor pagination, `status` filter),
//! `GET /app/hook/deliveries/{id}` and `POST /app/hook/deliveries/{id}/attempts`.
//! A child of the server module, sharing its authentication and answer helpers.

use super::{Billing, Refusal, Sh, answer, bases, error, per_page, require_app};
use crate::hooks::SimDelivery;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub(super) async fn get_config(State(shared): Sh, headers: HeaderMap) -> Response {
    let mut state = shared.lock();
    try_response!(require_app(&state, &headers));
    let body = state.hook.config.render();
    answer(
        &mut state,
        Billing::App,
        &headers,
        StatusCode::OK,
        &body,
        None,
    )
}

/// GitHub's 422 for a field it refuses.
fn invalid(field: &str, message: &str) -> Response {
    let body = json!({
        "message": "Validation Failed",
        "errors": [{ "resource": "Hook", "code": "custom", "field": field, "message": message }],
        "documentation_url": "https://docs.github.com/rest/apps/webhooks#update-a-webhook-configuration-for-an-app",
        "status": "422",
    });
    (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response()
}

pub(super) async fn patch_config(State(shared): Sh, headers: HeaderMap, body: Bytes) -> Response {
    let mut state = shared.lock();
    try_response!(require_app(&state, &headers));
    let Ok(Value::Object(changes)) = serde_json::from_slice::<Value>(&body) else {
        return error(400, "Problems parsing JSON");
    };
    let mut config = state.hook.config.clone();
    if let Some(url) = changes.get("url") {
        let Some(url) = url.as_str() else {
            return invalid("url", "url must be a string");
        };
        if !is_webhook_url(url) {
            return invalid("url", "url is not a valid URL");
        }
        config.url = url.to_owned();
    }
    if let Some(content_type) = changes.get("content_type") {
        match content_type.as_str() {
            Some(value @ ("json" | "form")) => config.content_type = value.to_owned(),
            _ => return invalid("content_type", "content_type must be json or form"),
        }
    }
    if let Some(insecure) = changes.get("insecure_ssl") {
        let value = match insecure {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        if value != "0" && value != "1" {
            return invalid("insecure_ssl", "insecure_ssl must be 0 or 1");
        }
        config.insecure_ssl = value;
    }
    if let Some(secret) = changes.get("secret") {
        match secret {
            Value::String(s) if s.is_empty() => config.secret = None,
            Value::String(s) => config.secret = Some(s.clone()),
            Value::Null => config.secret = None,
            _ => return invalid("secret", "secret must be a string"),
        }
    }
    state.hook.config = config;
    let body = state.hook.config.render();
    answer(
        &mut state,
        Billing::App,
        &headers,
        StatusCode::OK,
        &body,
        None,
    )
}

/// An absolute http(s) URL with a host, as GitHub requires of a webhook URL.
fn is_webhook_url(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    matches!(scheme, "http" | "https") && !host.is_empty() && !host.contains(' ')
}

#[derive(serde::Deserialize)]
pub(super) struct DeliveriesQuery {
    per_page: Option<String>,
    cursor: Option<String>,
    status: Option<String>,
}

/// Newest first; a page starts at the cursor's delivery (`v1_<id>`) and the `next` link
/// names the first delivery of the following page.
pub(super) async fn list_deliveries(
    State(shared): Sh,
    headers: HeaderMap,
    Query(query): Query<DeliveriesQuery>,
) -> Response {
    let mut state = shared.lock();
    try_response!(require_app(&state, &headers));
    let (api, _) = bases(&headers, shared.prefix);
    let per_page = per_page(query.per_page.as_deref());
    let start = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => u64::MAX,
        Some(cursor) => match cursor.strip_prefix("v1_").and_then(|id| id.parse().ok()) {
            Some(id) => id,
            None => return error(400, "Invalid cursor"),
        },
    };
    let wanted: fn(&SimDelivery) -> bool = match query.status.as_deref() {
        None | Some("") => |_| true,
        Some("success") => SimDelivery::succeeded,
        Some("failure") => |d| (400..600).contains(&d.status_code),
        Some(_) => return error(422, "Validation Failed"),
    };
    let mut matching = state
        .hook
        .deliveries
        .iter()
        .rev()
        .filter(|d| d.id <= start && wanted(d));
    let page: Vec<Value> = matching
        .by_ref()
        .take(per_page)
        .map(|d| d.render_item())
        .collect();
    let link = matching.next().map(|next| {
        let status = query
            .status
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| format!("&status={s}"))
            .unwrap_or_default();
        format!(
            "<{api}/app/hook/deliveries?per_page={per_page}&cursor=v1_{}{status}>; rel=\"next\"",
            next.id
        )
    });
    answer(
        &mut state,
        Billing::App,
        &headers,
        StatusCode::OK,
        &Value::Array(page),
        link,
    )
}

pub(super) async fn get_delivery(
    State(shared): Sh,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let mut state = shared.lock();
    try_response!(require_app(&state, &headers));
    let url = state.hook.config.url.clone();
    let Some(body) = id
        .parse::<u64>()
        .ok()
        .and_then(|id| state.hook.deliveries.iter().find(|d| d.id == id))
        .map(|d| d.render_details(&url))
    else {
        return error(404, "Not Found");
    };
    answer(
        &mut state,
        Billing::App,
        &headers,
        StatusCode::OK,
        &body,
        None,
    )
}

pub(super) async fn redeliver(
    State(shared): Sh,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let mut state = shared.lock();
    try_response!(require_app(&state, &headers));
    let now = state.now();
    let Some(_) = id
        .parse::<u64>()
        .ok()
        .and_then(|id| state.hook.redeliver(id, now))
    else {
        return error(404, "Not Found");
    };
    answer(
        &mut state,
        Billing::App,
        &headers,
        StatusCode::ACCEPTED,
        &json!({}),
        None,
    )
}
