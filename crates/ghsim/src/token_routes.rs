//! Installation access tokens: `POST /app/installations/{id}/access_tokens` (scoping by
//! repository and permission, checked as GitHub checks them), `DELETE /installation/token`
//! and `GET /installation/repositories`.
//! A child of the server module, sharing its authentication and answer helpers.

use super::*;
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenBody {
    #[serde(default)]
    repositories: Option<Vec<String>>,
    #[serde(default)]
    repository_ids: Option<Vec<u64>>,
    #[serde(default)]
    permissions: Option<BTreeMap<String, String>>,
}

pub(super) fn level_rank(level: &str) -> Option<u8> {
    match level {
        "read" => Some(1),
        "write" => Some(2),
        "admin" => Some(3),
        _ => None,
    }
}

pub(super) async fn create_token(
    State(shared): Sh,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let mut state = shared.lock();
    let app_id = try_response!(require_app(&state, &headers));
    let (api, web) = bases(&headers, shared.prefix);
    let request: TokenBody = if body.iter().all(u8::is_ascii_whitespace) {
        TokenBody::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(request) => request,
            Err(_) => return error(400, "Problems parsing JSON"),
        }
    };
    let Ok(id) = id.parse::<u64>() else {
        return error(404, "Not Found");
    };
    let Some(inst) = state
        .installation(id)
        .filter(|i| i.app_id == app_id)
        .cloned()
    else {
        return error(404, "Not Found");
    };
    if inst.suspended_at.is_some() {
        return error(403, "This installation has been suspended");
    }
    let mut repos = Vec::new();
    for name in request.repositories.iter().flatten() {
        let name = name.rsplit('/').next().unwrap_or(name);
        match inst
            .repositories
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name))
        {
            Some(repo) => repos.push(repo.clone()),
            None => {
                return error(
                    422,
                    "There is at least one repository that does not exist or is not accessible to the parent installation.",
                );
            }
        }
    }
    for repo_id in request.repository_ids.iter().flatten() {
        match inst.repositories.iter().find(|r| r.id == *repo_id) {
            Some(repo) if !repos.iter().any(|r| r.id == repo.id) => repos.push(repo.clone()),
            Some(_) => {}
            None => {
                return error(
                    422,
                    "There is at least one repository that does not exist or is not accessible to the parent installation.",
                );
            }
        }
    }
    let permissions = match &request.permissions {
        Some(wanted) if !wanted.is_empty() => {
            for (name, level) in wanted {
                let granted = inst.permissions.get(name).and_then(|l| level_rank(l));
                match (level_rank(level), granted) {
                    (Some(want), Some(have)) if want <= have => {}
                    (None, _) => {
                        return error(
                            422,
                            &format!(
                                "The permission level '{level}' for '{name}' is not valid; use read, write or admin."
                            ),
                        );
                    }
                    _ => {
                        return error(
                            422,
                            "The permissions requested are not granted to this installation.",
                        );
                    }
                }
            }
            wanted.clone()
        }
        _ => inst.permissions.clone(),
    };
    let token = format!(
        "ghs_{}",
        rand::thread_rng()
            .sample_iter(&rand::distributions::Alphanumeric)
            .take(36)
            .map(char::from)
            .collect::<String>()
    );
    let expires_at = state.now() + chrono::Duration::hours(1);
    let limited = !repos.is_empty();
    state.tokens.insert(
        token.clone(),
        SimToken {
            installation_id: inst.id,
            expires_at,
            permissions: permissions.clone(),
            repository_ids: limited.then(|| repos.iter().map(|r| r.id).collect()),
            revoked: false,
            minted: std::time::Instant::now(),
        },
    );
    let render = Render {
        api: &api,
        web: &web,
    };
    let mut body = json!({
        "token": token,
        "expires_at": expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "permissions": permissions,
        "repository_selection": if limited { "selected" } else { inst.repository_selection.as_str() },
    });
    if limited {
        body["repositories"] =
            Value::Array(repos.iter().map(|r| render.repository(&inst, r)).collect());
    }
    answer(
        &mut state,
        Billing::App,
        &headers,
        StatusCode::CREATED,
        &body,
        None,
    )
}

pub(super) async fn revoke_token(State(shared): Sh, headers: HeaderMap) -> Response {
    let mut state = shared.lock();
    let (token, _) = try_response!(require_installation(&state, &headers));
    if let Some(record) = state.tokens.get_mut(&token) {
        record.revoked = true;
    }
    StatusCode::NO_CONTENT.into_response()
}

/// The repositories a token can reach.
fn reachable(
    state: &SimState,
    token: &str,
    installation_id: u64,
) -> Option<(SimInstallation, Vec<usize>)> {
    let inst = state.installation(installation_id)?.clone();
    let record = state.tokens.get(token)?;
    let indexes = (0..inst.repositories.len())
        .filter(|&i| {
            record
                .repository_ids
                .as_ref()
                .is_none_or(|ids| ids.contains(&inst.repositories[i].id))
        })
        .collect();
    Some((inst, indexes))
}

pub(super) async fn installation_repositories(
    State(shared): Sh,
    headers: HeaderMap,
    Query(query): Query<PageQuery>,
) -> Response {
    let mut state = shared.lock();
    let (token, installation_id) = try_response!(require_installation(&state, &headers));
    let (api, web) = bases(&headers, shared.prefix);
    let Some((inst, indexes)) = reachable(&state, &token, installation_id) else {
        return error(404, "Not Found");
    };
    let (per_page, page) = query.resolve();
    let render = Render {
        api: &api,
        web: &web,
    };
    let repositories: Vec<Value> = indexes
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|&i| render.repository(&inst, &inst.repositories[i]))
        .collect();
    let body = json!({ "total_count": indexes.len(), "repository_selection": inst.repository_selection, "repositories": repositories });
    let link = link_header(
        &format!("{api}/installation/repositories"),
        per_page,
        page,
        indexes.len(),
    );
    answer(
        &mut state,
        Billing::Installation(installation_id),
        &headers,
        StatusCode::OK,
        &body,
        link,
    )
}
