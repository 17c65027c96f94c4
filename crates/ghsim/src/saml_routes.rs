//! SAML single sign-on credential authorizations of an organization (GitHub Enterprise
//! Cloud): `GET /orgs/{org}/credential-authorizations` (page pagination, `login` filter)
//! and `DELETE /orgs/{org}/credential-authorizations/{credential_id}` (204). The credentials
//! are personal access tokens, SSH keys, OAuth app tokens and GitHub App user-to-server
//! tokens that members authorized for the organization. ghsim takes the organizations on
//! Enterprise Cloud to use SAML SSO; the others answer 404, as does an Enterprise Server
//! (whose API has no such endpoint).
//! A child of the server module, sharing its helpers.

use super::org_routes::require_org_permission;
use super::*;
use crate::orgs::SimCredential;

#[derive(serde::Deserialize)]
pub(super) struct SamlQuery {
    per_page: Option<String>,
    page: Option<String>,
    login: Option<String>,
}

fn time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn render(c: &SimCredential) -> Value {
    let mut body = json!({
        "login": c.login,
        "credential_id": c.credential_id,
        "credential_type": c.credential_type,
        "credential_authorized_at": time(c.authorized_at),
        "credential_accessed_at": c.accessed_at.map(time),
        "authorized_credential_id": c.authorized_credential_id,
    });
    if c.credential_type == "SSH key" {
        body["fingerprint"] = json!(c.fingerprint);
        body["authorized_credential_title"] = json!(c.title);
    } else {
        body["token_last_eight"] = json!(c.last_eight);
        body["scopes"] = json!(c.scopes);
        body["authorized_credential_note"] = json!(c.title);
        body["authorized_credential_expires_at"] = json!(c.expires_at.map(time));
    }
    body
}

pub(super) async fn list(
    State(shared): Sh,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(query): Query<SamlQuery>,
) -> Response {
    let (api, _) = bases(&headers, shared.prefix);
    if shared.enterprise_version.is_some() {
        return error(404, "Not Found");
    }
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
    if !world.enterprise_cloud {
        return error(404, "Not Found");
    }
    let per_page = per_page(query.per_page.as_deref());
    let page = query
        .page
        .as_deref()
        .and_then(|p| p.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let matching: Vec<&SimCredential> = world
        .credentials
        .iter()
        .filter(|c| !c.removed)
        .filter(|c| {
            query
                .login
                .as_deref()
                .is_none_or(|login| c.login.eq_ignore_ascii_case(login))
        })
        .collect();
    let body: Vec<Value> = matching
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|c| render(c))
        .collect();
    // A base with `?login=…` keeps it; `link_header` adds the page to it.
    let base = match &query.login {
        Some(login) => format!(
            "{api}/orgs/{}/credential-authorizations?login={}",
            world.login,
            url::form_urlencoded::byte_serialize(login.as_bytes()).collect::<String>()
        ),
        None => format!("{api}/orgs/{}/credential-authorizations", world.login),
    };
    let link = link_header(&base, per_page, page, matching.len());
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

pub(super) async fn remove(
    State(shared): Sh,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
) -> Response {
    if shared.enterprise_version.is_some() {
        return error(404, "Not Found");
    }
    let mut state = shared.lock();
    let org_id = try_response!(require_org_permission(
        &mut state,
        &headers,
        &org,
        "organization_administration",
        "write"
    ));
    let id: u64 = id.parse().unwrap_or(0);
    let Some(credential) = state
        .orgs
        .get_mut(&org_id)
        .filter(|w| w.enterprise_cloud)
        .and_then(|w| {
            w.credentials
                .iter_mut()
                .find(|c| c.credential_id == id && !c.removed)
        })
    else {
        return error(404, "Not Found");
    };
    credential.removed = true;
    StatusCode::NO_CONTENT.into_response()
}
