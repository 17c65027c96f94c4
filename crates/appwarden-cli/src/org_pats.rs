//! `appwarden org pat-requests` and `org pats`: an organization's fine-grained personal access
//! tokens, the requests for them (approve, deny) and those with access (revoke), through the
//! app's installation on the organization.

use crate::args::{
    PatAction, PatFilterArgs, PatRequestAction, PatRequestsArgs, PatsArgs, ReviewArgs,
};
use crate::commands::{runtime, session};
use crate::installation_admin::confirm_login;
use crate::{input, output};
use appwarden_core::Error;
use appwarden_core::github::ClientOptions;
use appwarden_core::github::pats::{PatFilter, PatMark, PatPermissions, Review, marks};
use appwarden_core::organization::BulkReport;

fn filter(args: &PatFilterArgs, now: chrono::DateTime<chrono::Utc>) -> Result<PatFilter, Error> {
    let moment = |v: &Option<String>| v.as_deref().map(|v| input::moment(v, now)).transpose();
    Ok(PatFilter {
        owners: args.owners.clone(),
        repository: args.repository.clone(),
        permission: args.permission.clone(),
        last_used_before: moment(&args.last_used_before)?,
        last_used_after: moment(&args.last_used_after)?,
        ascending: false,
    })
}

fn permissions(p: &PatPermissions) -> String {
    let mut all: Vec<String> = p
        .organization
        .iter()
        .map(|(name, level)| format!("org {name}:{level}"))
        .chain(
            p.repository
                .iter()
                .filter(|(name, _)| name.as_str() != "metadata")
                .map(|(name, level)| format!("{name}:{level}")),
        )
        .collect();
    if all.is_empty() {
        all.push("metadata only".into());
    }
    all.join(", ")
}

fn describe(mark: PatMark) -> &'static str {
    match mark {
        PatMark::Expired => "EXPIRED",
        PatMark::ExpiresWithin7Days => "expires within 7 days",
        PatMark::NeverExpires => "never expires",
        PatMark::NeverUsed => "never used",
        PatMark::NotUsedFor90Days => "not used for 90 days",
        PatMark::WritesEveryRepository => "WRITES EVERY REPOSITORY",
    }
}

/// The marks an administrator looks for, in words.
fn marked(
    expired: bool,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
    last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    selection: &str,
    permissions: &PatPermissions,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    marks(
        expired,
        expires_at,
        last_used_at,
        selection,
        permissions,
        now,
    )
    .into_iter()
    .map(describe)
    .collect::<Vec<_>>()
    .join(", ")
}

pub(crate) fn when(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map(output::date).unwrap_or_else(|| "never".into())
}

/// Prints a bulk action's outcome; exit 0 when GitHub took all, 1 when it refused some.
fn report(done: &BulkReport, what: &str) -> i32 {
    if !done.done.is_empty() {
        eprintln!("{} {what}.", done.done.len());
    }
    for (id, why) in &done.refused {
        eprintln!("error: {id}: {why}");
    }
    if done.refused.is_empty() { 0 } else { 1 }
}

pub fn pat_requests(args: PatRequestsArgs) -> Result<i32, Error> {
    if let Some(action) = args.action {
        let (review, review_args): (Review, ReviewArgs) = match action {
            PatRequestAction::Approve(a) => (Review::Approve, a),
            PatRequestAction::Deny(a) => (Review::Deny, a),
        };
        let session = session(&review_args.app, ClientOptions::default())?;
        let done = runtime()?.block_on(session.review_pat_requests(
            &review_args.org,
            &review_args.ids,
            review,
            review_args.reason.as_deref(),
        ))?;
        // One request is answered 204 when reviewed; many are accepted as a whole (202),
        // without a word about each.
        let one = review_args.ids.len() == 1;
        let what = match (review, one) {
            (Review::Approve, true) => "request approved",
            (Review::Deny, true) => "request denied",
            (Review::Approve, false) => {
                "request(s) accepted by GitHub for approval (a bulk review is taken as a whole: those not pending are left as they are)"
            }
            (Review::Deny, false) => {
                "request(s) accepted by GitHub for denial (a bulk review is taken as a whole: those not pending are left as they are)"
            }
        };
        return Ok(report(&done, what));
    }
    let org = args.org.unwrap_or_default();
    let session = session(&args.app, ClientOptions::default())?;
    let now = session.client.github_now();
    let filter = filter(&args.filter, now)?;
    let requests = runtime()?.block_on(session.pat_requests(&org, &filter))?;
    if args.json {
        output::print_json(&requests);
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = requests
        .iter()
        .map(|r| {
            let marked = marked(
                r.token_expired,
                r.token_expires_at,
                r.token_last_used_at,
                &r.repository_selection,
                &r.permissions,
                now,
            );
            vec![
                r.id.to_string(),
                r.owner.display_name().to_owned(),
                r.token_name.clone(),
                output::date(r.created_at),
                r.repository_selection.clone(),
                permissions(&r.permissions),
                r.reason.clone().unwrap_or_default(),
                marked,
            ]
        })
        .collect();
    print!(
        "{}",
        output::table(
            &[
                "ID",
                "OWNER",
                "TOKEN",
                "REQUESTED",
                "REPOSITORIES",
                "PERMISSIONS",
                "REASON",
                "MARKS"
            ],
            &rows
        )
    );
    eprintln!(
        "{} pending request(s) on {org}{}",
        requests.len(),
        if requests.is_empty() {
            " (an organization that does not require approval of fine-grained tokens gets none)"
        } else {
            ""
        }
    );
    Ok(0)
}

pub fn pats(args: PatsArgs) -> Result<i32, Error> {
    if let Some(PatAction::Revoke {
        org,
        ids,
        confirm,
        app,
    }) = args.action
    {
        let org = appwarden_core::organization::org_login(&org)?;
        confirm_login(
            &format!("revoke {} token(s)' access to {org}", ids.len()),
            &org,
            confirm.as_deref(),
        )?;
        let session = session(&app, ClientOptions::default())?;
        let done = runtime()?.block_on(session.revoke_pat_grants(&org, &ids))?;
        let what = if ids.len() == 1 {
            "token's access revoked"
        } else {
            "token(s) accepted by GitHub for revocation (taken as a whole)"
        };
        return Ok(report(&done, what));
    }
    let org = args.org.unwrap_or_default();
    let session = session(&args.app, ClientOptions::default())?;
    let now = session.client.github_now();
    let filter = filter(&args.filter, now)?;
    let grants = runtime()?.block_on(session.pat_grants(&org, &filter))?;
    if args.json {
        output::print_json(&grants);
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = grants
        .iter()
        .map(|g| {
            let marked = marked(
                g.token_expired,
                g.token_expires_at,
                g.token_last_used_at,
                &g.repository_selection,
                &g.permissions,
                now,
            );
            vec![
                g.id.to_string(),
                g.owner.display_name().to_owned(),
                g.token_name.clone(),
                output::date(g.access_granted_at),
                when(g.token_expires_at),
                when(g.token_last_used_at),
                g.repository_selection.clone(),
                permissions(&g.permissions),
                marked,
            ]
        })
        .collect();
    print!(
        "{}",
        output::table(
            &[
                "ID",
                "OWNER",
                "TOKEN",
                "GRANTED",
                "EXPIRES",
                "LAST USED",
                "REPOSITORIES",
                "PERMISSIONS",
                "MARKS"
            ],
            &rows
        )
    );
    eprintln!("{} token(s) with access to {org}", grants.len());
    Ok(0)
}
