//! Organization endpoints an app calls with the organization's installation token:
//! `GET /orgs/{org}/installations` (every app installed there, ours among them) and
//! `GET /orgs/{org}/audit-log` (also at `/organizations/{id}/audit-log`, where GitHub's
//! `Link` headers point), with cursor pagination, the search phrase, `include`, `order`,
//! the audit log's own hourly limit and its Enterprise Cloud requirement.
//! A child of the server module, sharing its authentication and answer helpers.

use super::token_routes::level_rank;
use super::*;
use crate::audit_query::{Phrase, cursor_of, parse_cursor};
use crate::orgs::{AuditEvent, DEFAULT_AUDIT_WINDOW_DAYS, SimOrg};

/// GitHub's answer when an installation's token lacks the permission an endpoint needs, or
/// belongs to another account's installation.
pub const NOT_ACCESSIBLE: &str = "Resource not accessible by integration";

/// The caller is the organization's own installation, whose token grants `permission` at
/// `level` or above. The organization's account ID is returned; its world is then in
/// `state.orgs` (borrowed there: it holds thousands of events, never copied per request).
pub(super) fn require_org_permission(
    state: &mut SimState,
    headers: &HeaderMap,
    org: &str,
    permission: &str,
    level: &str,
) -> Result<u64, Refusal> {
    let (token, installation_id) = require_installation(state, headers)?;
    let granted = state
        .tokens
        .get(&token)
        .and_then(|t| t.permissions.get(permission))
        .and_then(|l| level_rank(l));
    let account = state
        .installations
        .iter()
        .find(|i| i.id == installation_id)
        .map(|i| i.account_id);
    let Some(org_id) = state.org(org).map(|world| world.id) else {
        return Err(Refusal(404, "Not Found"));
    };
    if account != Some(org_id) || granted < level_rank(level) {
        return Err(Refusal(403, NOT_ACCESSIBLE));
    }
    Ok(org_id)
}

/// `GET /orgs/{org}/installations`: needs the organization's Administration permission
/// (`organization_administration`, read).
pub(super) async fn org_installations(
    State(shared): Sh,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let (api, web) = bases(&headers, shared.prefix);
    let (per_page, page) = query.resolve();
    let mut state = shared.lock();
    let org_id = try_response!(require_org_permission(
        &mut state,
        &headers,
        &org,
        "organization_administration",
        "read"
    ));
    let Some(world) = state.orgs.get(&org_id) else {
        return error(404, "Not Found");
    };
    let ours: Vec<(SimApp, SimInstallation)> = state
        .installations
        .iter()
        .filter(|i| i.account_id == world.id && i.account_type == "Organization")
        .filter_map(|i| Some((state.app(i.app_id)?.clone(), i.clone())))
        .collect();
    let mut all: Vec<&(SimApp, SimInstallation)> =
        ours.iter().chain(world.other_apps.iter()).collect();
    all.sort_by_key(|(_, inst)| inst.id);
    let render = Render {
        api: &api,
        web: &web,
    };
    let chosen: Vec<_> = all
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|(app, inst)| render.installation_view(inst, app))
        .collect();
    let body = json!({ "total_count": all.len(), "installations": chosen });
    let link = link_header(
        &format!("{api}/orgs/{}/installations", world.login),
        per_page,
        page,
        all.len(),
    );
    let billing = installation_billing(&state, &headers);
    answer(&mut state, billing, &headers, StatusCode::OK, &body, link)
}

/// The installation a token request is billed to.
pub(super) fn installation_billing(state: &SimState, headers: &HeaderMap) -> Billing {
    match authenticate(state, headers) {
        Ok(Caller::Installation {
            installation_id, ..
        }) => Billing::Installation(installation_id),
        _ => Billing::App,
    }
}

#[derive(serde::Deserialize)]
pub(super) struct AuditQuery {
    phrase: Option<String>,
    include: Option<String>,
    after: Option<String>,
    before: Option<String>,
    order: Option<String>,
    per_page: Option<String>,
}

pub(super) async fn org_audit_log(
    State(shared): Sh,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(query): Query<AuditQuery>,
) -> Response {
    audit_log(&shared, &headers, &org, &query)
}

/// `GET /organizations/{org_id}/audit-log`: where GitHub's `Link` headers for the audit log
/// point (google/go-github#1848 shows one).
pub(super) async fn audit_log_by_id(
    State(shared): Sh,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<AuditQuery>,
) -> Response {
    let login = id
        .parse::<u64>()
        .ok()
        .and_then(|id| shared.lock().org_login(id));
    match login {
        Some(login) => audit_log(&shared, &headers, &login, &query),
        None => error(404, "Not Found"),
    }
}

fn audit_log(shared: &Shared, headers: &HeaderMap, org: &str, query: &AuditQuery) -> Response {
    let (api, _) = bases(headers, shared.prefix);
    let mut state = shared.lock();
    let org_id = try_response!(require_org_permission(
        &mut state,
        headers,
        org,
        "organization_administration",
        "read"
    ));
    // The REST API for an organization's audit log is GitHub Enterprise Cloud's (the
    // endpoint is `githubCloudOnly` in GitHub's OpenAPI description); GitHub does not
    // document the status a Free or Team organization gets: ghsim answers its usual 404.
    if !state.orgs.get(&org_id).is_some_and(|w| w.enterprise_cloud) {
        return error(404, "Not Found");
    }
    // The audit log's own hourly limit, counted per organization.
    let limit = state.audit_log_per_hour as u64;
    let (bucket, _) = state.spend_limited(&format!("audit-log:{org_id}"), 1, limit);
    if bucket.used > limit {
        let mut response = error(429, SECONDARY_RATE_LIMIT);
        let seconds = (bucket.reset - state.now().timestamp()).max(1);
        if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert("retry-after", value);
        }
        return response;
    }
    let now = state.now();
    let Some(world) = state.orgs.get(&org_id) else {
        return error(404, "Not Found");
    };
    let phrase = match Phrase::parse(query.phrase.as_deref().unwrap_or("")) {
        Ok(phrase) => phrase,
        Err(message) => return ghsim_refusal(&message),
    };
    let include = query.include.as_deref().unwrap_or("web");
    if !["web", "git", "all"].contains(&include) {
        return ghsim_refusal("include must be web, git or all (GitHub's enum)");
    }
    let ascending = match query.order.as_deref().unwrap_or("desc") {
        "desc" => false,
        "asc" => true,
        _ => return ghsim_refusal("order must be desc or asc (GitHub's enum)"),
    };
    let per_page = per_page(query.per_page.as_deref());
    let window_start = now.timestamp_millis() - DEFAULT_AUDIT_WINDOW_DAYS * 86_400_000;
    let mut matching: Vec<&AuditEvent> = world
        .audit
        .iter()
        .filter(|e| match include {
            "web" => !e.git,
            "git" => e.git,
            _ => true,
        })
        .filter(|e| phrase.has_created || e.at_ms >= window_start)
        .filter(|e| phrase.matches(e, &world.login))
        .collect();
    if ascending {
        matching.reverse();
    }
    // A cursor names an event; `after` continues past it, `before` comes back to it.
    let position = |cursor: &str| {
        let (at, id) = parse_cursor(cursor)?;
        matching
            .iter()
            .position(|e| e.at_ms == at && e.document_id == id)
    };
    let non_empty = |v: &Option<String>| v.clone().filter(|c| !c.is_empty());
    let (start, end) = if let Some(after) = non_empty(&query.after) {
        let Some(at) = position(&after) else {
            return ghsim_refusal("the after cursor names no event of this query");
        };
        (at + 1, (at + 1 + per_page).min(matching.len()))
    } else if let Some(before) = non_empty(&query.before) {
        let Some(at) = position(&before) else {
            return ghsim_refusal("the before cursor names no event of this query");
        };
        (at.saturating_sub(per_page), at)
    } else {
        (0, per_page.min(matching.len()))
    };
    let page = &matching[start..end];
    let body = Value::Array(page.iter().map(|e| audit_event_json(e, world)).collect());
    // GitHub's links carry the cursors (`after=…&before=`); ghsim keeps the query's own
    // parameters in them too.
    let base = {
        let mut url = format!(
            "{api}/organizations/{}/audit-log?per_page={per_page}",
            world.id
        );
        for (name, value) in [
            ("phrase", query.phrase.as_deref()),
            ("include", query.include.as_deref()),
            ("order", query.order.as_deref()),
        ] {
            if let Some(value) = value {
                url.push_str(&format!("&{name}={}", encode(value)));
            }
        }
        url
    };
    let mut links = Vec::new();
    if end < matching.len()
        && let Some(last) = page.last()
    {
        links.push(format!(
            "<{base}&after={}&before=>; rel=\"next\"",
            encode(&cursor_of(last))
        ));
    }
    links.push(format!("<{base}&after=&before=>; rel=\"first\""));
    if start > 0
        && let Some(first) = page.first()
    {
        links.push(format!(
            "<{base}&after=&before={}>; rel=\"prev\"",
            encode(&cursor_of(first))
        ));
    }
    let billing = installation_billing(&state, headers);
    answer(
        &mut state,
        billing,
        headers,
        StatusCode::OK,
        &body,
        Some(links.join(", ")),
    )
}

/// A 422 whose message says it is ghsim's: GitHub documents no answer for it.
fn ghsim_refusal(message: &str) -> Response {
    error(422, &format!("ghsim: {message}"))
}

fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn audit_event_json(event: &AuditEvent, org: &SimOrg) -> Value {
    let mut body = json!({
        "@timestamp": event.at_ms,
        "created_at": event.at_ms,
        "_document_id": event.document_id,
        "action": event.action,
        "actor": event.actor,
        "actor_id": event.actor_id,
        "actor_location": { "country_code": event.country.0, "country_name": event.country.1 },
        "operation_type": event.operation_type,
        "org": org.login,
        "org_id": org.id,
    });
    if let Some(user) = &event.user {
        body["user"] = json!(user);
    }
    if let Some(repo) = &event.repo {
        body["repo"] = json!(repo);
    }
    if let Some(integration) = &event.integration {
        body["integration"] = json!(integration);
    }
    if event.git {
        body["transport_protocol_name"] = json!("http");
        body["transport_protocol"] = json!(1);
    }
    body
}
