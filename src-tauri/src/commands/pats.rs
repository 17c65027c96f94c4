//! The Organization view's token tabs: fine-grained personal access token requests
//! (approve, deny, with a reason) and the tokens with access (revoke, after the
//! organization's login is typed). Thin calls into the core, which checks permissions and
//! records each change.

use crate::ipc::{BulkOutcome, IpcError, IpcResult, PatQuery, PatRow, RepositoryRow};
use crate::state::DesktopState;
use appwarden_core::github::pats::{PatFilter, Review};
use tauri::State;

fn filter(query: PatQuery) -> PatFilter {
    let keep = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    PatFilter {
        owners: keep(query.owner).into_iter().collect(),
        repository: keep(query.repository),
        permission: keep(query.permission),
        ..PatFilter::default()
    }
}

#[tauri::command]
pub async fn org_pat_requests(
    state: State<'_, DesktopState>,
    name: String,
    org: String,
    query: PatQuery,
) -> IpcResult<Vec<PatRow>> {
    let session = state.session(&name).await?;
    let now = session.client.github_now();
    let requests = session.pat_requests(&org, &filter(query)).await?;
    Ok(requests.iter().map(|r| PatRow::request(r, now)).collect())
}

#[tauri::command]
pub async fn org_pat_grants(
    state: State<'_, DesktopState>,
    name: String,
    org: String,
    query: PatQuery,
) -> IpcResult<Vec<PatRow>> {
    let session = state.session(&name).await?;
    let now = session.client.github_now();
    let grants = session.pat_grants(&org, &filter(query)).await?;
    Ok(grants.iter().map(|g| PatRow::grant(g, now)).collect())
}

/// The repositories a request asks for (`grant: false`) or a token reaches.
#[tauri::command]
pub async fn org_pat_repositories(
    state: State<'_, DesktopState>,
    name: String,
    org: String,
    id: u64,
    grant: bool,
) -> IpcResult<Vec<RepositoryRow>> {
    let session = state.session(&name).await?;
    let repositories = session.pat_repositories(&org, id, grant).await?;
    Ok(repositories.into_iter().map(RepositoryRow::from).collect())
}

#[tauri::command]
pub async fn review_pat_requests(
    state: State<'_, DesktopState>,
    name: String,
    org: String,
    ids: Vec<u64>,
    review: Review,
    reason: Option<String>,
) -> IpcResult<BulkOutcome> {
    let session = state.session(&name).await?;
    let reason = reason.filter(|r| !r.trim().is_empty());
    let report = session
        .review_pat_requests(&org, &ids, review, reason.as_deref())
        .await?;
    Ok(BulkOutcome::new(report, ids.len()))
}

/// Revokes tokens' access once the organization's login is typed.
#[tauri::command]
pub async fn revoke_pat_grants(
    state: State<'_, DesktopState>,
    name: String,
    org: String,
    ids: Vec<u64>,
    confirm_login: String,
) -> IpcResult<BulkOutcome> {
    let org = appwarden_core::organization::org_login(&org)?;
    if !confirm_login.trim().eq_ignore_ascii_case(&org) {
        return Err(IpcError::invalid(format!(
            "Type {org} to revoke these tokens' access. Nothing was changed."
        )));
    }
    let session = state.session(&name).await?;
    let report = session.revoke_pat_grants(&org, &ids).await?;
    Ok(BulkOutcome::new(report, ids.len()))
}
