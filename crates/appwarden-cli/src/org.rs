//! `appwarden org …`: an organization governed through the app's installation on it: the
//! apps installed there (`org apps`) and its audit log (`org audit-log`); its fine-grained
//! personal access tokens are in [`crate::org_pats`], its SAML authorizations in
//! [`crate::org_saml`].

use crate::args::{AuditIncludeArg, AuditLogArgs, OrgAppsArgs, OrgCommand};
use crate::commands::{runtime, session};
use crate::{input, output, progress::Progress};
use appwarden_core::Error;
use appwarden_core::github::audit_log::phrase_with;
use appwarden_core::github::level_rank as rank;
use appwarden_core::github::{
    AuditEvent, AuditInclude, AuditOrder, AuditQuery, ClientOptions, Installation,
};
use std::io::Write;
use std::ops::ControlFlow;

pub fn run(command: OrgCommand) -> Result<i32, Error> {
    match command {
        OrgCommand::Apps(args) => apps(args),
        OrgCommand::AuditLog(args) => audit_log(args),
        OrgCommand::PatRequests(args) => crate::org_pats::pat_requests(args),
        OrgCommand::Pats(args) => crate::org_pats::pats(args),
        OrgCommand::Credentials(args) => crate::org_saml::credentials(args),
    }
}

/// `NAME` or `NAME=LEVEL`.
fn permission_filter(text: &str) -> Result<(String, Option<String>), Error> {
    let (name, level) = match text.split_once('=') {
        Some((name, level)) => (name.trim(), Some(level.trim().to_ascii_lowercase())),
        None => (text.trim(), None),
    };
    if name.is_empty() || level.as_deref().is_some_and(|l| rank(l) == 0) {
        return Err(Error::InvalidInput(format!(
            "'{text}' is not a permission filter: write NAME (contents) or NAME=LEVEL with read, write or admin (contents=write)."
        )));
    }
    Ok((name.to_owned(), level))
}

fn grants(inst: &Installation, filter: &(String, Option<String>)) -> bool {
    let (name, level) = filter;
    inst.permissions
        .get(name)
        .is_some_and(|granted| level.as_deref().is_none_or(|l| rank(granted) >= rank(l)))
}

fn apps(args: OrgAppsArgs) -> Result<i32, Error> {
    let filter = args
        .permission
        .as_deref()
        .map(permission_filter)
        .transpose()?;
    let session = session(&args.app, ClientOptions::default())?;
    let listed = runtime()?.block_on(session.installed_apps(&args.org))?;
    let mut shown: Vec<&Installation> = listed
        .installations
        .iter()
        .filter(|inst| filter.as_ref().is_none_or(|f| grants(inst, f)))
        .collect();
    shown.sort_by(|a, b| a.app_slug.cmp(&b.app_slug).then(a.id.cmp(&b.id)));
    if args.json {
        output::print_json(&shown);
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = shown
        .iter()
        .map(|inst| {
            let mut permissions: Vec<String> = inst
                .permissions
                .iter()
                .filter(|(name, _)| name.as_str() != "metadata")
                .map(|(name, level)| format!("{name}:{level}"))
                .collect();
            if permissions.is_empty() {
                permissions.push("metadata only".into());
            }
            vec![
                inst.app_slug
                    .clone()
                    .unwrap_or_else(|| inst.app_id.to_string()),
                inst.id.to_string(),
                inst.repository_selection.clone(),
                output::date(inst.created_at),
                inst.suspended_at
                    .map(|at| format!("suspended {}", output::date(at)))
                    .unwrap_or_default(),
                permissions.join(", "),
                inst.events.join(", "),
            ]
        })
        .collect();
    print!(
        "{}",
        output::table(
            &[
                "APP",
                "INSTALLATION",
                "REPOSITORIES",
                "INSTALLED",
                "STATE",
                "PERMISSIONS",
                "EVENTS",
            ],
            &rows
        )
    );
    let count = |name: &str, level: &str| {
        listed
            .installations
            .iter()
            .filter(|inst| grants(inst, &(name.to_owned(), Some(level.to_owned()))))
            .count()
    };
    eprintln!(
        "{} of {} app installation(s) on {} shown; {} can write contents, {} can write administration, {} can read the organization's administration.",
        shown.len(),
        listed.installations.len(),
        args.org.trim().trim_start_matches('@'),
        count("contents", "write"),
        count("administration", "write"),
        count("organization_administration", "read"),
    );
    Ok(0)
}

fn audit_log(args: AuditLogArgs) -> Result<i32, Error> {
    let session = session(&args.app, ClientOptions::default())?;
    let phrase = phrase_with(
        args.phrase.as_deref().unwrap_or(""),
        args.programmatic_access,
    );
    let since = args
        .since
        .as_deref()
        .map(|v| input::moment(v, session.client.github_now()))
        .transpose()?;
    if args.limit == Some(0) {
        return Err(Error::InvalidInput("--limit must be 1 or more.".into()));
    }
    let query = AuditQuery {
        phrase,
        include: match args.include {
            AuditIncludeArg::Web => AuditInclude::Web,
            AuditIncludeArg::Git => AuditInclude::Git,
            AuditIncludeArg::All => AuditInclude::All,
        },
        order: if args.oldest_first {
            AuditOrder::Asc
        } else {
            AuditOrder::Desc
        },
        per_page: 100,
        since,
    };
    let progress = Progress::new("events");
    let mut table_rows: Vec<Vec<String>> = Vec::new();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let json = args.json;
    let mut written = 0u64;
    let read = runtime()?.block_on(session.audit_log(
        &args.org,
        &query,
        args.limit,
        |events: &[AuditEvent]| {
            written += events.len() as u64;
            progress.set(written, written);
            if json {
                for event in events {
                    if serde_json::to_writer(&mut out, event).is_err() || writeln!(out).is_err() {
                        // A closed pipe (`| head`) ends the read.
                        return ControlFlow::Break(());
                    }
                }
                if out.flush().is_err() {
                    return ControlFlow::Break(());
                }
            } else {
                table_rows.extend(events.iter().map(event_row));
            }
            ControlFlow::Continue(())
        },
    ));
    progress.finish();
    let read = read?;
    if !json {
        print!(
            "{}",
            output::table(
                &["TIME (UTC)", "ACTION", "ACTOR", "ABOUT", "COUNTRY"],
                &table_rows
            )
        );
    }
    let _ = out.flush();
    eprintln!(
        "{} event(s) in {} page(s){}{}",
        read.events,
        read.pages,
        if read.stopped_early {
            "; more remain (see --limit)"
        } else {
            ""
        },
        if query.searches_default_window() {
            "; GitHub searched the last three months (--since reaches further)"
        } else {
            ""
        }
    );
    Ok(0)
}

fn event_row(event: &AuditEvent) -> Vec<String> {
    vec![
        event
            .at()
            .map(|at| at.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default(),
        event.action().to_owned(),
        event.actor().unwrap_or("").to_owned(),
        event.subject().unwrap_or("").to_owned(),
        event.country().unwrap_or("").to_owned(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permission_filters_are_a_name_or_a_name_and_level() {
        assert_eq!(
            permission_filter("contents").unwrap(),
            ("contents".into(), None)
        );
        assert_eq!(
            permission_filter("contents=WRITE").unwrap(),
            ("contents".into(), Some("write".into()))
        );
        assert!(permission_filter("contents=owner").is_err());
        assert!(permission_filter("=read").is_err());
    }
}
