//! The desktop app measured as a user meets it: launched under X (Xvfb), driven over
//! WebDriver, with its keys in a real gnome-keyring. Timings come from the page's own
//! `performance` marks (ui/src/lib/perf.ts) and the kernel's process start time; memory is
//! the PSS of the app and its WebKit processes.

use crate::procfs;
use appwarden_system_tests::desktop::{Desktop, store_app_with_cli};
use appwarden_system_tests::keyring_session::{Keyring, KeyringSession};
use appwarden_system_tests::workspace_bin;
use std::time::{Duration, Instant};
use thirtyfour::prelude::*;

/// The app as users run it: WebKit compositing off (the window tests turn it on for
/// screenshots).
const DEFAULTS: &[(&str, &str)] = &[("WEBKIT_DISABLE_COMPOSITING_MODE", "1")];

/// A `performance` entry's end as milliseconds since the Unix epoch, and its duration.
async fn entry(app: &Desktop, name: &str) -> Option<(f64, f64)> {
    let script = "const e = performance.getEntriesByName(arguments[0]).at(-1); return e ? [performance.timeOrigin + e.startTime + e.duration, e.duration] : null;";
    let value = app
        .driver
        .execute(script, vec![serde_json::Value::String(name.to_owned())])
        .await
        .ok()?;
    let pair = value.json().as_array()?.clone();
    Some((pair.first()?.as_f64()?, pair.get(1)?.as_f64()?))
}

async fn wait_entry(app: &Desktop, name: &str, timeout: Duration) -> (f64, f64) {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(found) = entry(app, name).await {
            return found;
        }
        assert!(Instant::now() < deadline, "no performance entry {name}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn app_pid() -> u32 {
    let binary = workspace_bin("appwarden-desktop");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(pid) = procfs::find_process(&binary) {
            return pid;
        }
        assert!(Instant::now() < deadline, "the app process is not running");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What one launch with no apps stored measured.
pub struct Launch {
    pub to_first_paint_ms: f64,
    pub idle_pss_mb: f64,
    /// Each process's share, largest first.
    pub idle_processes: Vec<procfs::ProcessPss>,
}

/// Launches the app on an empty profile; measures process start → first paint and PSS at
/// rest two seconds later.
pub async fn launch_idle(keyring: &KeyringSession) -> Launch {
    let home = tempfile::tempdir().expect("a temporary directory for the app's HOME");
    let app = Desktop::start("bench-launch", keyring, home.path(), DEFAULTS).await;
    let pid = app_pid();
    let started = procfs::start_time_ms(pid).expect("the app's start time");
    let (painted, _) = wait_entry(&app, "appwarden:first-paint", Duration::from_secs(20)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_processes = procfs::tree_pss(pid);
    procfs::keep_smaps(pid, "idle");
    app.quit().await;
    Launch {
        to_first_paint_ms: painted - started,
        idle_pss_mb: procfs::total_mb(&idle_processes),
        idle_processes,
    }
}

/// What the app measured with a large list loaded.
pub struct Loaded {
    pub rows: usize,
    /// From asking for the list to the first rows painted.
    pub listing_to_first_rows_ms: f64,
    /// From the first page's arrival in the page to it being painted.
    pub first_page_to_paint_ms: f64,
    pub whole_list_ms: f64,
    pub pss_mb: f64,
    /// Each process's share, largest first.
    pub processes: Vec<procfs::ProcessPss>,
    pub search_ms: Vec<f64>,
    /// A click on a column header to the table painted in the new order, per click.
    pub sort_ms: Vec<f64>,
    /// The longest time between two painted frames while the list streamed in.
    pub longest_frame_ms: f64,
}

/// Launches the app with an app whose installations (`expected` of them, not cached) load
/// at start; measures the first rows, memory once loaded, and search keystrokes.
pub async fn loaded(keyring: &KeyringSession, api: &str, expected: usize) -> Loaded {
    let home = tempfile::tempdir().expect("a temporary directory for the app's HOME");
    store_app_with_cli(keyring, home.path(), "Bench app", api);
    let app = Desktop::start("bench-loaded", keyring, home.path(), DEFAULTS).await;
    let pid = app_pid();
    let (_, listing_to_first_rows_ms) = wait_entry(
        &app,
        "appwarden:listing-to-first-rows",
        Duration::from_secs(30),
    )
    .await;
    let (_, first_page_to_paint_ms) =
        wait_entry(&app, "appwarden:first-rows", Duration::from_secs(5)).await;
    let started = Instant::now();
    let expected_text = format!("{expected} of {expected}");
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let status = app
            .driver
            .find(By::Css("[data-testid='list-status']"))
            .await
            .ok();
        let text = match status {
            Some(status) => status.text().await.unwrap_or_default(),
            None => String::new(),
        };
        if text.contains(&expected_text) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the list never completed: {text}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let whole_list_ms = listing_to_first_rows_ms + started.elapsed().as_secs_f64() * 1000.0;
    let (_, longest_frame_ms) = wait_entry(
        &app,
        "appwarden:longest-frame-while-listing",
        Duration::from_secs(10),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let processes = procfs::tree_pss(pid);
    if std::env::var_os("BENCH_PSS_LATER").is_some() {
        for wait in [3, 5, 10] {
            tokio::time::sleep(Duration::from_secs(wait)).await;
            eprint!(
                " [PSS later +{wait}s: {:.1} MB: {}]",
                procfs::total_mb(&procfs::tree_pss(pid)),
                procfs::breakdown(&procfs::tree_pss(pid))
            );
        }
    }
    procfs::keep_smaps(pid, "loaded");

    // Keystrokes in search, each measured in the page from the input event to the painted
    // table: typing narrows the list, Backspace widens it again.
    let search = app.el("search").await;
    search.click().await.unwrap();
    let mut search_ms = Vec::new();
    let keys: Vec<String> = "acme"
        .chars()
        .map(String::from)
        .chain(std::iter::repeat_n(
            thirtyfour::Key::Backspace.value().to_string(),
            4,
        ))
        .chain("blue-cloud".chars().map(String::from))
        .chain(std::iter::repeat_n(
            thirtyfour::Key::Backspace.value().to_string(),
            10,
        ))
        .collect();
    for key in keys {
        app.driver
            .execute("performance.clearMeasures('appwarden:search')", vec![])
            .await
            .unwrap();
        search.send_keys(key).await.unwrap();
        let (_, took) = wait_entry(&app, "appwarden:search", Duration::from_secs(10)).await;
        search_ms.push(took);
    }

    // Sorting: each column header clicked (the account column twice: it starts ascending),
    // each measured in the page from the click to the table painted in the new order.
    let mut sort_ms = Vec::new();
    for column in [
        "account",
        "account",
        "account_type",
        "repository_selection",
        "suspended",
        "created_at",
        "updated_at",
        "updated_at",
    ] {
        app.driver
            .execute("performance.clearMeasures('appwarden:sort')", vec![])
            .await
            .unwrap();
        app.driver
            .find(By::Css(format!("button.th.col-{column}")))
            .await
            .expect("a column header")
            .click()
            .await
            .unwrap();
        let (_, took) = wait_entry(&app, "appwarden:sort", Duration::from_secs(10)).await;
        sort_ms.push(took);
    }
    eprint!(" (sorts at {expected}: {sort_ms:.0?} ms)");
    app.quit().await;
    Loaded {
        rows: expected,
        listing_to_first_rows_ms,
        first_page_to_paint_ms,
        whole_list_ms,
        pss_mb: procfs::total_mb(&processes),
        processes,
        search_ms,
        sort_ms,
        longest_frame_ms,
    }
}

pub fn keyring() -> KeyringSession {
    KeyringSession::start(Keyring::Unlocked)
}
