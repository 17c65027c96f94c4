//! `appwarden installations`: every installation of the app, as a table, JSON or CSV, all
//! of them or only those that have not accepted the app's current permissions.

use crate::args::{InstallationsArgs, ListFormat};
use crate::commands::{runtime, session};
use crate::output;
use appwarden_core::acceptance::{self, AcceptanceGap};
use appwarden_core::github::{App, ClientOptions, Installation, Listing};
use appwarden_core::listing_cache::ListingCache;
use appwarden_core::{Error, export};

pub fn run(args: InstallationsArgs) -> Result<i32, Error> {
    let options = ClientOptions {
        concurrency: args.concurrency.max(1),
        ..ClientOptions::default()
    };
    let session = session(&args.app, options)?;
    let rt = runtime()?;
    // What the app asks for now, to compare each installation's grant with.
    let app = if args.awaiting_acceptance {
        Some(rt.block_on(session.client.app(&session.signer))?)
    } else {
        None
    };
    let progress = crate::progress::Progress::new("pages");
    let cache = (!args.no_cache)
        .then(ListingCache::default_location)
        .flatten();
    let expected = app.as_ref().and_then(|app| app.installations_count);
    let listing =
        rt.block_on(
            session.list_installations_expecting(cache.as_ref(), expected, |event| {
                if event.total_pages > 1 {
                    progress.set(event.pages_done.into(), event.total_pages.into());
                }
            }),
        );
    progress.finish();
    let listing = listing?;
    // The cache is written beside the printing, not after it (each takes a few tenths of a
    // second at 100,000 installations).
    std::thread::scope(|scope| {
        if let Some(cache) = &cache {
            scope.spawn(|| {
                let _ = session.save_listing(cache, &listing);
            });
        }
        print(&args, app.as_ref(), &listing);
    });
    Ok(0)
}

/// The listing in the format asked for on stdout, and how many on stderr.
fn print(args: &InstallationsArgs, app: Option<&App>, listing: &Listing) {
    let unchanged = listing.unchanged();
    // Borrowed from the pages, not moved out of them: 100,000 installations are never in
    // memory twice.
    let mut all: Vec<&Installation> = listing.snapshot.distinct().collect();
    all.sort_by_key(|inst| inst.id);
    let total = all.len();
    let rows: Vec<(&Installation, Option<AcceptanceGap>)> = match app {
        Some(app) => all
            .into_iter()
            .filter_map(|inst| acceptance::gap(app, inst).map(|gap| (inst, Some(gap))))
            .collect(),
        None => all.into_iter().map(|inst| (inst, None)).collect(),
    };
    let format = if args.json {
        ListFormat::Json
    } else {
        args.format
    };
    match format {
        ListFormat::Json => print_json(&rows, app.is_some()),
        ListFormat::Csv => print!("{}", csv(&rows, app.is_some())),
        ListFormat::Table => print_table(&rows, app.is_some()),
    }
    let shown = if app.is_some() {
        format!(
            "{} of {total} installation(s) have not accepted the app's current permissions",
            rows.len()
        )
    } else {
        format!("{total} installation(s)")
    };
    if unchanged {
        eprintln!("{shown}, unchanged since the last listing (every page answered 304)");
    } else {
        eprintln!("{shown}");
    }
}

const COLUMNS: [&str; 7] = [
    "ID",
    "ACCOUNT",
    "TYPE",
    "REPOSITORIES",
    "SUSPENDED",
    "CREATED",
    "UPDATED",
];

fn cells(inst: &Installation) -> Vec<String> {
    vec![
        inst.id.to_string(),
        inst.account_login().to_owned(),
        inst.target_type.clone().unwrap_or_default(),
        inst.repository_selection.clone(),
        inst.suspended_at
            .map(|at| format!("since {}", output::date(at)))
            .unwrap_or_else(|| "no".to_owned()),
        output::date(inst.created_at),
        output::date(inst.updated_at),
    ]
}

fn print_table(rows: &[(&Installation, Option<AcceptanceGap>)], with_gap: bool) {
    let mut headers = COLUMNS.to_vec();
    if with_gap {
        headers.push("NOT ACCEPTED (ASKED, HAS)");
    }
    let lines: Vec<Vec<String>> = rows
        .iter()
        .map(|(inst, gap)| {
            let mut line = cells(inst);
            if with_gap {
                line.push(gap.as_ref().map(AcceptanceGap::summary).unwrap_or_default());
            }
            line
        })
        .collect();
    print!("{}", output::table(&headers, &lines));
}

/// GitHub's installation objects; with the gap, each has `awaiting_acceptance` added.
fn print_json(rows: &[(&Installation, Option<AcceptanceGap>)], with_gap: bool) {
    output::print_json(&export::json(&export_rows(rows), with_gap));
}

/// RFC 4180 CSV: a header, one line per installation, dates in RFC 3339.
fn csv(rows: &[(&Installation, Option<AcceptanceGap>)], with_gap: bool) -> String {
    export::csv(&export_rows(rows), with_gap)
}

fn export_rows<'a>(
    rows: &'a [(&'a Installation, Option<AcceptanceGap>)],
) -> Vec<export::ExportRow<'a>> {
    rows.iter()
        .map(|(inst, gap)| (*inst, gap.as_ref()))
        .collect()
}
