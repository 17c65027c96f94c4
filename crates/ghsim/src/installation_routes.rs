//! The installation endpoints of a GitHub App: `GET /app/installations` (from the per-app
//! index, rendered outside the lock), one installation by ID, organization, user or
//! repository, `GET /app/installation-requests`, and suspending, unsuspending and deleting.
//! A child of the server module, sharing its authentication and answer helpers.

use super::*;
pub(super) async fn list_installations(
    State(shared): Sh,
    headers: HeaderMap,
    Query(query): Query<PageQuery>,
) -> Response {
    let (api, web) = bases(&headers, shared.prefix);
    let (per_page, page) = query.resolve();
    // The page is copied out under the lock and rendered after it, as GitHub's servers
    // answer concurrent requests in parallel.
    let (app, total, chosen) = {
        let mut state = shared.lock();
        let app_id = try_response!(require_app(&state, &headers));
        let Some(app) = state.app(app_id).cloned() else {
            return error(404, "Not Found");
        };
        let (total, chosen) = state.installation_page(app_id, (page - 1) * per_page, per_page);
        (app, total, chosen)
    };
    let render = Render {
        api: &api,
        web: &web,
    };
    let body: Vec<_> = chosen
        .iter()
        .map(|inst| render.installation_view(inst, &app))
        .collect();
    let rendered = Rendered::new(&body);
    let link = link_header(&format!("{api}/app/installations"), per_page, page, total);
    answer_rendered(
        &mut shared.lock(),
        Billing::App,
        &headers,
        StatusCode::OK,
        rendered,
        link,
    )
}

fn installation_answer(
    shared: &Shared,
    headers: &HeaderMap,
    find: impl Fn(&SimInstallation) -> bool,
) -> Response {
    let mut state = shared.lock();
    let app_id = try_response!(require_app(&state, headers));
    let (api, web) = bases(headers, shared.prefix);
    let Some(app) = state.app(app_id).cloned() else {
        return error(404, "Not Found");
    };
    let Some(inst) = state
        .installations
        .iter()
        .find(|i| i.app_id == app_id && find(i))
        .cloned()
    else {
        return error(404, "Not Found");
    };
    let body = Render {
        api: &api,
        web: &web,
    }
    .installation(&inst, &app);
    answer(
        &mut state,
        Billing::App,
        headers,
        StatusCode::OK,
        &body,
        None,
    )
}

/// `PUT`/`DELETE /app/installations/{id}/suspended` and `DELETE /app/installations/{id}`:
/// 204 No Content, or GitHub's 404.
fn change_installation(
    shared: &Shared,
    headers: &HeaderMap,
    id: &str,
    change: impl FnOnce(&mut SimState, u64),
) -> Response {
    let mut state = shared.lock();
    let app_id = try_response!(require_app(&state, headers));
    let Some(id) = id.parse::<u64>().ok().filter(|id| {
        state
            .installations
            .iter()
            .any(|i| i.id == *id && i.app_id == app_id)
    }) else {
        return error(404, "Not Found");
    };
    change(&mut state, id);
    StatusCode::NO_CONTENT.into_response()
}

pub(super) async fn suspend_installation(
    State(shared): Sh,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    change_installation(&shared, &headers, &id, |state, id| {
        let now = state.now();
        if let Some(inst) = state.installations.iter_mut().find(|i| i.id == id) {
            inst.suspended_at.get_or_insert(now);
        }
    })
}

pub(super) async fn unsuspend_installation(
    State(shared): Sh,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    change_installation(&shared, &headers, &id, |state, id| {
        if let Some(inst) = state.installations.iter_mut().find(|i| i.id == id) {
            inst.suspended_at = None;
        }
    })
}

pub(super) async fn delete_installation(
    State(shared): Sh,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    change_installation(&shared, &headers, &id, |state, id| {
        state.remove_installation(id);
        state.tokens.retain(|_, token| token.installation_id != id);
    })
}

/// `GET /app/installation-requests`: accounts whose members asked for the app to be installed.
pub(super) async fn installation_requests(
    State(shared): Sh,
    headers: HeaderMap,
    Query(query): Query<PageQuery>,
) -> Response {
    let mut state = shared.lock();
    try_response!(require_app(&state, &headers));
    let (api, web) = bases(&headers, shared.prefix);
    let (per_page, page) = query.resolve();
    let render = Render {
        api: &api,
        web: &web,
    };
    let epoch = state.now();
    let all: Vec<Value> = (0..INSTALLATION_REQUESTS)
        .map(|i| {
            let (login, kind) = INSTALLATION_REQUEST_ACCOUNTS[i as usize];
            json!({
                "id": 7_000 + i,
                "node_id": format!("MDE5OkludGVncmF0aW9uSW5zdGFsbFJlcXVlc3R7{i}"),
                "account": render.account(6_000_000 + i, login, kind),
                "requester": render.account(6_100_000 + i, &format!("{login}-member"), "User"),
                "created_at": (epoch - chrono::Duration::days(3 + i as i64)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            })
        })
        .collect();
    let total = all.len();
    let body: Vec<Value> = all
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    let link = link_header(
        &format!("{api}/app/installation-requests"),
        per_page,
        page,
        total,
    );
    answer(
        &mut state,
        Billing::App,
        &headers,
        StatusCode::OK,
        &Value::Array(body),
        link,
    )
}

const INSTALLATION_REQUESTS: u64 = 3;
const INSTALLATION_REQUEST_ACCOUNTS: [(&str, &str); 3] = [
    ("pending-labs", "Organization"),
    ("waiting-works", "Organization"),
    ("hopeful-dev", "User"),
];

pub(super) async fn get_installation(
    State(shared): Sh,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<u64>() else {
        return error(404, "Not Found");
    };
    installation_answer(&shared, &headers, |inst| inst.id == id)
}

pub(super) async fn org_installation(
    State(shared): Sh,
    headers: HeaderMap,
    Path(org): Path<String>,
) -> Response {
    installation_answer(&shared, &headers, |inst| {
        inst.account_type == "Organization" && inst.account_login.eq_ignore_ascii_case(&org)
    })
}

pub(super) async fn user_installation(
    State(shared): Sh,
    headers: HeaderMap,
    Path(user): Path<String>,
) -> Response {
    installation_answer(&shared, &headers, |inst| {
        inst.account_type == "User" && inst.account_login.eq_ignore_ascii_case(&user)
    })
}

pub(super) async fn repo_installation(
    State(shared): Sh,
    headers: HeaderMap,
    Path((owner, repo)): Path<(String, String)>,
) -> Response {
    installation_answer(&shared, &headers, |inst| {
        inst.account_login.eq_ignore_ascii_case(&owner)
            && inst
                .repositories
                .iter()
                .any(|r| r.name.eq_ignore_ascii_case(&repo))
    })
}
