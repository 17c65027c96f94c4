//! Fine-grained personal access tokens in an organization, as a GitHub App governs them
//! ("Only GitHub Apps can use this endpoint"): the pending requests
//! (`GET /orgs/{org}/personal-access-token-requests`, approve or deny one with `POST …/{id}`
//! or up to 100 with `POST …`), the tokens with access (`GET /orgs/{org}/personal-access-tokens`,
//! revoke one or up to 100), and the repositories of each. GitHub's filters (`owner[]`,
//! `repository`, `permission`, `last_used_before`, `last_used_after`, `token_id[]`, `sort`,
//! `direction`) and page pagination. Reading needs the installation's
//! `organization_personal_access_token_requests` / `organization_personal_access_tokens`
//! permission at read, changing at write.
//! A child of the server module, sharing its helpers.

// Refusals are answers: a handler's helpers return the `Response` to send as their error.
#![allow(clippy::result_large_err)]

use super::org_routes::require_org_permission;
use super::*;
use crate::pats::{RequestState, SimPat, SimPatGrant, SimPatRequest};
use axum::extract::RawQuery;

const REQUESTS: &str = "organization_personal_access_token_requests";
const TOKENS: &str = "organization_personal_access_tokens";

/// The list filters, as GitHub names them (arrays as `owner[]=a&owner[]=b`).
#[derive(Default)]
struct Filters {
    owners: Vec<String>,
    repository: Option<String>,
    permission: Option<(String, String)>,
    before: Option<DateTime>,
    after: Option<DateTime>,
    token_ids: Vec<u64>,
    ascending: bool,
    per_page: usize,
    page: usize,
}

type DateTime = chrono::DateTime<chrono::Utc>;

fn filters(query: Option<&str>) -> Result<Filters, Response> {
    let mut f = Filters {
        per_page: 30,
        page: 1,
        ..Filters::default()
    };
    let invalid = |field: &str, value: &str| validation(&format!("{field} is invalid: {value}"));
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        let key = key.trim_end_matches("[]");
        match key {
            "owner" => f
                .owners
                .extend(value.split(',').map(|v| v.trim().to_owned())),
            "repository" => f.repository = Some(value.into_owned()),
            "permission" => {
                // `issues_read`: the permission's name, then its level.
                let Some((name, level)) = value.rsplit_once('_') else {
                    return Err(invalid("permission", &value));
                };
                f.permission = Some((name.to_owned(), level.to_owned()));
            }
            "last_used_before" | "last_used_after" => {
                let Ok(at) = chrono::DateTime::parse_from_rfc3339(&value) else {
                    return Err(invalid(key, &value));
                };
                let at = at.with_timezone(&chrono::Utc);
                if key == "last_used_before" {
                    f.before = Some(at);
                } else {
                    f.after = Some(at);
                }
            }
            "token_id" => {
                for id in value.split(',') {
                    match id.trim().parse() {
                        Ok(id) => f.token_ids.push(id),
                        Err(_) => return Err(invalid("token_id", id)),
                    }
                }
            }
            "sort" if value != "created_at" => return Err(invalid("sort", &value)),
            "direction" => match value.as_ref() {
                "asc" => f.ascending = true,
                "desc" => f.ascending = false,
                other => return Err(invalid("direction", other)),
            },
            "per_page" => f.per_page = per_page(Some(&value)),
            "page" => f.page = value.parse::<usize>().unwrap_or(1).max(1),
            _ => {}
        }
    }
    if f.owners.len() > 10 {
        return Err(validation("owner may have at most 10 items"));
    }
    if f.token_ids.len() > 50 {
        return Err(validation("token_id may have at most 50 items"));
    }
    Ok(f)
}

impl Filters {
    fn keeps(&self, pat: &SimPat) -> bool {
        (self.owners.is_empty()
            || self
                .owners
                .iter()
                .any(|o| o.eq_ignore_ascii_case(&pat.owner_login)))
            && self.repository.as_ref().is_none_or(|name| {
                pat.repository_selection == "all"
                    || pat
                        .repositories
                        .iter()
                        .any(|r| r.name.eq_ignore_ascii_case(name))
            })
            && self.permission.as_ref().is_none_or(|(name, level)| {
                pat.permissions
                    .repository
                    .get(name)
                    .or_else(|| pat.permissions.organization.get(name))
                    == Some(level)
            })
            && self
                .before
                .is_none_or(|at| pat.last_used_at.is_some_and(|used| used < at))
            && self
                .after
                .is_none_or(|at| pat.last_used_at.is_some_and(|used| used > at))
            && (self.token_ids.is_empty() || self.token_ids.contains(&pat.token_id))
    }
}

/// GitHub's `validation-error` for a 422.
fn validation(message: &str) -> Response {
    let body = json!({
        "message": "Validation Failed",
        "errors": [{ "resource": "PersonalAccessToken", "code": "invalid", "message": message }],
        "documentation_url": DOCS,
        "status": "422",
    });
    (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response()
}

fn time(at: DateTime) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn pat_fields(
    body: &mut Value,
    pat: &SimPat,
    render: &Render<'_>,
    repositories_url: String,
    now: DateTime,
) {
    body["owner"] = render.account(pat.owner_id, &pat.owner_login, "User");
    body["repository_selection"] = json!(pat.repository_selection);
    body["repositories_url"] = json!(repositories_url);
    body["permissions"] = json!({
        "organization": pat.permissions.organization,
        "repository": pat.permissions.repository,
        "other": {},
    });
    body["token_id"] = json!(pat.token_id);
    body["token_name"] = json!(pat.token_name);
    body["token_expired"] = json!(pat.expires_at.is_some_and(|at| at <= now));
    body["token_expires_at"] = json!(pat.expires_at.map(time));
    body["token_last_used_at"] = json!(pat.last_used_at.map(time));
}

fn page_of<T>(items: Vec<T>, f: &Filters) -> (usize, Vec<T>) {
    let total = items.len();
    let chosen = items
        .into_iter()
        .skip((f.page - 1) * f.per_page)
        .take(f.per_page)
        .collect();
    (total, chosen)
}

pub(super) async fn list_requests(
    State(shared): Sh,
    headers: HeaderMap,
    Path(org): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let (api, web) = bases(&headers, shared.prefix);
    let f = match filters(query.as_deref()) {
        Ok(f) => f,
        Err(response) => return response,
    };
    let mut state = shared.lock();
    let org_id = try_response!(require_org_permission(
        &mut state, &headers, &org, REQUESTS, "read"
    ));
    let Some(world) = state.orgs.get(&org_id) else {
        return error(404, "Not Found");
    };
    let now = state.now();
    let mut pending: Vec<&SimPatRequest> = world
        .pat_requests
        .iter()
        .filter(|r| r.state == RequestState::Pending && f.keeps(&r.pat))
        .collect();
    pending.sort_by_key(|r| r.created_at);
    if !f.ascending {
        pending.reverse();
    }
    let (total, chosen) = page_of(pending, &f);
    let render = Render {
        api: &api,
        web: &web,
    };
    let body: Vec<Value> = chosen
        .iter()
        .map(|r| {
            let mut body = json!({
                "id": r.id,
                "reason": r.reason,
                "created_at": time(r.created_at),
            });
            let url = format!(
                "{api}/organizations/{}/personal-access-token-requests/{}/repositories",
                world.id, r.id
            );
            pat_fields(&mut body, &r.pat, &render, url, now);
            body
        })
        .collect();
    let link = link_header(
        &format!("{api}/orgs/{}/personal-access-token-requests", world.login),
        f.per_page,
        f.page,
        total,
    );
    let billing = installation_billing(&state, &headers);
    answer(
        &mut state,
        billing,
        &headers,
        StatusCode::OK,
        &Value::Array(body),
        link,
    )
}

pub(super) async fn list_grants(
    State(shared): Sh,
    headers: HeaderMap,
    Path(org): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let (api, web) = bases(&headers, shared.prefix);
    let f = match filters(query.as_deref()) {
        Ok(f) => f,
        Err(response) => return response,
    };
    let mut state = shared.lock();
    let org_id = try_response!(require_org_permission(
        &mut state, &headers, &org, TOKENS, "read"
    ));
    let Some(world) = state.orgs.get(&org_id) else {
        return error(404, "Not Found");
    };
    let now = state.now();
    let mut grants: Vec<&SimPatGrant> = world
        .pat_grants
        .iter()
        .filter(|g| !g.revoked && f.keeps(&g.pat))
        .collect();
    grants.sort_by_key(|g| g.access_granted_at);
    if !f.ascending {
        grants.reverse();
    }
    let (total, chosen) = page_of(grants, &f);
    let render = Render {
        api: &api,
        web: &web,
    };
    let body: Vec<Value> = chosen
        .iter()
        .map(|g| {
            let mut body = json!({ "id": g.id, "access_granted_at": time(g.access_granted_at) });
            let url = format!(
                "{api}/organizations/{}/personal-access-tokens/{}/repositories",
                world.id, g.id
            );
            pat_fields(&mut body, &g.pat, &render, url, now);
            body
        })
        .collect();
    let link = link_header(
        &format!("{api}/orgs/{}/personal-access-tokens", world.login),
        f.per_page,
        f.page,
        total,
    );
    let billing = installation_billing(&state, &headers);
    answer(
        &mut state,
        billing,
        &headers,
        StatusCode::OK,
        &Value::Array(body),
        link,
    )
}

/// The repositories a request asks for, or a token reaches (`subset` only; none otherwise).
fn repositories(
    shared: &Shared,
    headers: &HeaderMap,
    org: &str,
    id: &str,
    grants: bool,
    query: Option<&str>,
) -> Response {
    let (api, web) = bases(headers, shared.prefix);
    let f = match filters(query) {
        Ok(f) => f,
        Err(response) => return response,
    };
    let mut state = shared.lock();
    let permission = if grants { TOKENS } else { REQUESTS };
    let org_id = try_response!(require_org_permission(
        &mut state, headers, org, permission, "read"
    ));
    let Some(world) = state.orgs.get(&org_id) else {
        return error(404, "Not Found");
    };
    let id: u64 = id.parse().unwrap_or(0);
    let pat = if grants {
        world
            .pat_grants
            .iter()
            .find(|g| g.id == id && !g.revoked)
            .map(|g| g.pat.clone())
    } else {
        world
            .pat_requests
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.pat.clone())
    };
    let Some(pat) = pat else {
        return error(404, "Not Found");
    };
    let Some(owner) = state
        .installations
        .iter()
        .find(|i| i.account_id == world.id)
        .cloned()
    else {
        return error(404, "Not Found");
    };
    let render = Render {
        api: &api,
        web: &web,
    };
    let (total, chosen) = page_of(pat.repositories.clone(), &f);
    let body: Vec<Value> = chosen
        .iter()
        .map(|r| render.repository(&owner, r))
        .collect();
    let path = if grants {
        "personal-access-tokens"
    } else {
        "personal-access-token-requests"
    };
    let link = link_header(
        &format!("{api}/orgs/{}/{path}/{id}/repositories", world.login),
        f.per_page,
        f.page,
        total,
    );
    let billing = installation_billing(&state, headers);
    answer(
        &mut state,
        billing,
        headers,
        StatusCode::OK,
        &Value::Array(body),
        link,
    )
}

pub(super) async fn request_repositories(
    State(shared): Sh,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    repositories(&shared, &headers, &org, &id, false, query.as_deref())
}

pub(super) async fn grant_repositories(
    State(shared): Sh,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    repositories(&shared, &headers, &org, &id, true, query.as_deref())
}

#[derive(serde::Deserialize)]
pub(super) struct ReviewBody {
    action: Option<String>,
    reason: Option<String>,
    pat_request_ids: Option<Vec<u64>>,
}

/// Approves or denies pending requests: an approved one's token gets access.
fn review(
    state: &mut SimState,
    org_id: u64,
    ids: &[u64],
    approve: bool,
    one: bool,
) -> Result<(), Response> {
    let now = state.now();
    let Some(world) = state.orgs.get_mut(&org_id) else {
        return Err(error(404, "Not Found"));
    };
    for id in ids {
        let Some(request) = world.pat_requests.iter_mut().find(|r| r.id == *id) else {
            if one {
                return Err(error(404, "Not Found"));
            }
            continue;
        };
        if request.state != RequestState::Pending {
            if one {
                // GitHub documents a 422 for this endpoint, not its words.
                return Err(validation("ghsim: this request was already reviewed"));
            }
            continue;
        }
        request.state = if approve {
            RequestState::Approved
        } else {
            RequestState::Denied
        };
        if approve {
            let grant = SimPatGrant {
                id: request.id + 1_000_000,
                access_granted_at: now,
                revoked: false,
                pat: request.pat.clone(),
            };
            world.pat_grants.push(grant);
        }
    }
    Ok(())
}

fn review_body(body: &Bytes, bulk: bool) -> Result<(bool, Vec<u64>), Response> {
    let Ok(parsed) = serde_json::from_slice::<ReviewBody>(body) else {
        return Err(error(400, "Problems parsing JSON"));
    };
    let approve = match parsed.action.as_deref() {
        Some("approve") => true,
        Some("deny") => false,
        _ => return Err(validation("action must be approve or deny")),
    };
    if parsed
        .reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > 1024)
    {
        return Err(validation(
            "reason is too long (maximum is 1024 characters)",
        ));
    }
    let ids = parsed.pat_request_ids.unwrap_or_default();
    if bulk && !(1..=100).contains(&ids.len()) {
        return Err(validation(
            "pat_request_ids must have between 1 and 100 items",
        ));
    }
    Ok((approve, ids))
}

/// A change by the organization's installation with `permission` at write: one item named
/// in the path (204) or the body's items (202, accepted as a whole).
fn apply_change(
    shared: &Shared,
    headers: &HeaderMap,
    org: &str,
    permission: &str,
    path_id: Option<&str>,
    apply: impl FnOnce(&mut SimState, u64, Option<u64>) -> Result<(), Response>,
) -> Response {
    let mut state = shared.lock();
    let org_id = try_response!(require_org_permission(
        &mut state, headers, org, permission, "write"
    ));
    let id = match path_id.map(str::parse::<u64>) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return error(404, "Not Found"),
    };
    match apply(&mut state, org_id, id) {
        Ok(()) if id.is_some() => StatusCode::NO_CONTENT.into_response(),
        Ok(()) => (StatusCode::ACCEPTED, axum::Json(json!({}))).into_response(),
        Err(response) => response,
    }
}

fn review_change(
    shared: &Shared,
    headers: &HeaderMap,
    org: &str,
    path_id: Option<&str>,
    body: &Bytes,
) -> Response {
    apply_change(
        shared,
        headers,
        org,
        REQUESTS,
        path_id,
        |state, org_id, id| {
            let (approve, listed) = review_body(body, id.is_none())?;
            // In bulk, applied to the pending ones among them (GitHub's 202 says no more).
            review(
                state,
                org_id,
                &id.map_or(listed, |id| vec![id]),
                approve,
                id.is_some(),
            )
        },
    )
}

pub(super) async fn review_one(
    State(shared): Sh,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    review_change(&shared, &headers, &org, Some(&id), &body)
}

pub(super) async fn review_many(
    State(shared): Sh,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    review_change(&shared, &headers, &org, None, &body)
}

#[derive(serde::Deserialize)]
pub(super) struct RevokeBody {
    action: Option<String>,
    pat_ids: Option<Vec<u64>>,
}

fn revoke_body(body: &Bytes, bulk: bool) -> Result<Vec<u64>, Response> {
    let Ok(parsed) = serde_json::from_slice::<RevokeBody>(body) else {
        return Err(error(400, "Problems parsing JSON"));
    };
    if parsed.action.as_deref() != Some("revoke") {
        return Err(validation("action must be revoke"));
    }
    let ids = parsed.pat_ids.unwrap_or_default();
    if bulk && !(1..=100).contains(&ids.len()) {
        return Err(validation("pat_ids must have between 1 and 100 items"));
    }
    Ok(ids)
}

fn revoke(state: &mut SimState, org_id: u64, ids: &[u64], one: bool) -> Result<(), Response> {
    let Some(world) = state.orgs.get_mut(&org_id) else {
        return Err(error(404, "Not Found"));
    };
    for id in ids {
        match world
            .pat_grants
            .iter_mut()
            .find(|g| g.id == *id && !g.revoked)
        {
            Some(grant) => grant.revoked = true,
            None if one => return Err(error(404, "Not Found")),
            None => {}
        }
    }
    Ok(())
}

fn revoke_change(
    shared: &Shared,
    headers: &HeaderMap,
    org: &str,
    path_id: Option<&str>,
    body: &Bytes,
) -> Response {
    apply_change(
        shared,
        headers,
        org,
        TOKENS,
        path_id,
        |state, org_id, id| {
            let listed = revoke_body(body, id.is_none())?;
            revoke(
                state,
                org_id,
                &id.map_or(listed, |id| vec![id]),
                id.is_some(),
            )
        },
    )
}

pub(super) async fn revoke_one(
    State(shared): Sh,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    revoke_change(&shared, &headers, &org, Some(&id), &body)
}

pub(super) async fn revoke_many(
    State(shared): Sh,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    revoke_change(&shared, &headers, &org, None, &body)
}
