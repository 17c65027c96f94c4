//! The results as Markdown: one table per question, then the targets met or missed.

use crate::Measured;
use crate::desktop::{Launch, Loaded};
use crate::procfs;
use crate::stats::{Summary, duration, opt_ms};
use crate::tools::{MintRun, Tool};
use std::fmt::Write;

pub struct Report {
    quick: bool,
    head: String,
    listing: String,
    refresh: String,
    tokens: String,
    desktop: String,
    cli: String,
    targets: Vec<(String, String, bool)>,
    notes: Vec<String>,
}

fn summary(runs: impl Iterator<Item = f64>) -> Summary {
    Summary::of(&runs.collect::<Vec<_>>()).expect("at least one run")
}

fn count_label(count: usize) -> String {
    if count >= 1000 && count.is_multiple_of(1000) {
        format!("{},000", count / 1000)
    } else {
        count.to_string()
    }
}

impl Report {
    pub fn new(quick: bool) -> Self {
        Self {
            quick,
            head: String::new(),
            listing: "| Installations | Latency | Tool | Total | First page | Requests | Most in flight | Time vs Appwarden |\n|---|---|---|---|---|---|---|---|\n".to_owned(),
            refresh: "| Installations | Latency | Tool | Time | Requests | Answered in full (not 304) |\n|---|---|---|---|---|---|\n".to_owned(),
            tokens: String::new(),
            desktop: String::new(),
            cli: String::new(),
            targets: Vec::new(),
            notes: Vec::new(),
        }
    }

    pub fn machine(&mut self, lines: Vec<(String, String)>, versions: Vec<(String, String)>) {
        let date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC");
        let _ = writeln!(self.head, "Measured {date} by `scripts/bench.sh`.\n");
        for (what, value) in lines.into_iter().chain(versions) {
            let _ = writeln!(self.head, "- {what}: {value}");
        }
    }

    pub fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    pub fn missing(&mut self, tool: Tool) {
        let note = format!(
            "{} is not installed (scripts/bench.sh installs it); its rows are missing.",
            tool.label()
        );
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    fn target(&mut self, what: impl Into<String>, measured: impl Into<String>, met: bool) {
        if !self.quick {
            self.targets.push((what.into(), measured.into(), met));
        }
    }

    pub fn listing(&mut self, count: usize, latency: u64, rows: &[(Tool, Measured)]) {
        let ours = summary(rows[0].1.runs.iter().map(|r| r.total_ms)).median;
        for (tool, measured) in rows {
            let total = summary(measured.runs.iter().map(|r| r.total_ms));
            let first = summary(measured.runs.iter().map(|r| r.first_ms));
            let ratio = if *tool == Tool::Appwarden {
                "1×".to_owned()
            } else if total.median < ours {
                format!("{:.0}% of its time", 100.0 * total.median / ours)
            } else {
                format!("{:.1}× slower", total.median / ours)
            };
            let _ = writeln!(
                self.listing,
                "| {} | {latency} ms | {} | {} | {} | {} | {} | {ratio} |",
                count_label(count),
                tool.label(),
                total.ms(),
                first.ms(),
                measured.requests,
                measured.max_in_flight,
            );
        }
        if count == 10_000 && latency == 100 {
            let ours = &rows[0].1;
            let total = summary(ours.runs.iter().map(|r| r.total_ms));
            self.target(
                "Full listing of 10,000 at 100 ms: at most 3 s",
                total.ms(),
                total.median <= 3000.0,
            );
            self.target(
                "At most 4 requests in flight",
                ours.max_in_flight.to_string(),
                ours.max_in_flight <= 4,
            );
            for (tool, measured) in &rows[1..] {
                let theirs = summary(measured.runs.iter().map(|r| r.total_ms)).median;
                let (what, wanted) = match tool {
                    Tool::SerialFloor => ("Under the serial floor", 1.0),
                    Tool::Octokit => ("At least 15× faster than @octokit/app", 15.0),
                    _ => continue,
                };
                let ratio = theirs / total.median;
                self.target(what, format!("{ratio:.1}×"), ratio >= wanted);
            }
        }
        if latency > 0 {
            // The count known ahead saves the round trip of page 1 alone, at every size.
            if let Some((_, known)) = rows.iter().find(|(t, _)| *t == Tool::AppwardenKnownCount) {
                let known_total = summary(known.runs.iter().map(|r| r.total_ms));
                let usual = summary(rows[0].1.runs.iter().map(|r| r.total_ms));
                let pages = count.div_ceil(100) as u64;
                self.target(
                    format!(
                        "{} at {latency} ms, count known ahead: a round saved, no request past the last page",
                        count_label(count)
                    ),
                    format!(
                        "{} vs {} ({:+.0} ms); {} requests for {pages} pages",
                        known_total.ms(),
                        usual.ms(),
                        known_total.median - usual.median,
                        known.requests
                    ),
                    known_total.median < usual.median && known.requests == pages,
                );
            }
        }
        if count >= 100_000 && latency == 100 {
            // What 4 requests in flight allow: a quarter of the pages, one round trip each.
            let floor_ms = (count.div_ceil(100) as f64 / 4.0).ceil() * latency as f64;
            for (tool, measured) in rows
                .iter()
                .filter(|(t, _)| matches!(t, Tool::Appwarden | Tool::AppwardenKnownCount))
            {
                let total = summary(measured.runs.iter().map(|r| r.total_ms));
                self.target(
                    format!(
                        "{}: {} at {latency} ms within 5% of the 4-in-flight floor ({}): at most {}",
                        tool.label(),
                        count_label(count),
                        duration(floor_ms),
                        duration(floor_ms * 1.05)
                    ),
                    format!(
                        "{} ({:+.1}%), at most {} in flight",
                        total.ms(),
                        100.0 * (total.median / floor_ms - 1.0),
                        measured.max_in_flight
                    ),
                    total.median <= floor_ms * 1.05 && measured.max_in_flight <= 4,
                );
            }
        }
    }

    pub fn refresh(
        &mut self,
        count: usize,
        latency: u64,
        same_jwt: &Measured,
        other_jwt: &Measured,
        rows: &[(Tool, Measured)],
    ) {
        let time = summary(same_jwt.runs.iter().map(|r| r.total_ms));
        for (label, measured) in [
            ("Appwarden, the same JWT (If-None-Match)", same_jwt),
            ("Appwarden, another JWT (If-None-Match)", other_jwt),
        ] {
            let _ = writeln!(
                self.refresh,
                "| {} | {latency} ms | {label} | {} | {} | {} |",
                count_label(count),
                summary(measured.runs.iter().map(|r| r.total_ms)).ms(),
                measured.requests,
                measured.full_answers
            );
        }
        for (tool, measured) in &rows[1..] {
            if matches!(tool, Tool::SerialFloor | Tool::AppwardenKnownCount) {
                continue;
            }
            let time = summary(measured.runs.iter().map(|r| r.total_ms));
            let _ = writeln!(
                self.refresh,
                "| {} | {latency} ms | {} (lists again) | {} | {} | {} |",
                count_label(count),
                tool.label(),
                time.ms(),
                measured.requests,
                measured.full_answers
            );
        }
        if count == 10_000 && latency == 100 {
            self.target(
                "Refresh of an unchanged 10,000 with the same JWT: every page a 304",
                format!(
                    "{} of {} in full, in {}",
                    same_jwt.full_answers,
                    same_jwt.requests,
                    time.ms()
                ),
                same_jwt.full_answers == 0,
            );
        }
    }

    pub fn tokens(&mut self, latency: u64, mints: &[(Tool, Vec<MintRun>, u64)]) {
        let _ = writeln!(
            self.tokens,
            "At {latency} ms per request. Cold: a new client (JWT signed) and one mint. Repeat: the same installation and scope again.\n\n| Tool | Cold | Repeat | Requests for both |\n|---|---|---|---|"
        );
        for (tool, runs, requests) in mints {
            let cold = summary(runs.iter().map(|r| r.cold_ms));
            let repeat = summary(runs.iter().map(|r| r.repeat_ms));
            let label = match tool {
                Tool::Appwarden => "Appwarden",
                Tool::Octokit => "@octokit/app (auth-app)",
                Tool::PyGithub => "PyGithub get_access_token",
                Tool::SerialFloor | Tool::AppwardenKnownCount => continue,
            };
            let _ = writeln!(
                self.tokens,
                "| {label} | {} | {} | {requests} |",
                cold.ms(),
                repeat.ms()
            );
            if *tool == Tool::Appwarden {
                self.target(
                    "A token in one request; a repeat within the cache window in none",
                    format!("{requests} request(s) for cold + repeat"),
                    *requests == 1,
                );
            }
        }
    }

    pub fn jwt(&mut self, signing: Vec<(&str, u32, Summary)>) {
        let _ = writeln!(
            self.tokens,
            "\nJWT signing (RS256, a fresh signature each time; a signer reuses one JWT per five minutes, so one signature serves every request in that window):\n\n| Key | Where | Median | Min | Max |\n|---|---|---|---|---|"
        );
        for (place, bits, s) in signing {
            let _ = writeln!(
                self.tokens,
                "| {bits}-bit | {place} | {} | {} | {} |",
                duration(s.median),
                duration(s.min),
                duration(s.max)
            );
            if bits == 2048 && place.starts_with("in memory") {
                self.target(
                    "JWT signing with a 2048-bit key: at most 1.5 ms",
                    duration(s.median),
                    s.median <= 1.5,
                );
            }
        }
    }

    pub fn cli(
        &mut self,
        count: usize,
        latency: u64,
        peak: Option<Summary>,
        time: Option<Summary>,
    ) {
        let peak = peak.expect("CLI runs");
        if self.cli.is_empty() {
            let _ = writeln!(
                self.cli,
                "`appwarden installations --json` (release build, a fresh profile: no cache) at {latency} ms per request, output to /dev/null.\n\n| Installations | Peak RSS | Wall time (whole process) |\n|---|---|---|"
            );
        }
        let _ = writeln!(
            self.cli,
            "| {} | {} | {} |",
            count_label(count),
            peak.mb(),
            opt_ms(time)
        );
        let limit = match count {
            10_000 => 60.0,
            100_000 => 150.0,
            _ => return,
        };
        self.target(
            format!(
                "CLI peak memory listing {}: at most {limit:.0} MB",
                count_label(count)
            ),
            peak.mb(),
            peak.median <= limit,
        );
        if count >= 100_000
            && latency == 100
            && let Some(time) = time
        {
            let floor_ms = (count.div_ceil(100) as f64 / 4.0).ceil() * latency as f64;
            self.target(
                format!(
                    "CLI: {} at {latency} ms, the whole process, within 5% of the 4-in-flight floor ({}): at most {}",
                    count_label(count),
                    duration(floor_ms),
                    duration(floor_ms * 1.05)
                ),
                format!(
                    "{} ({:+.1}%)",
                    time.ms(),
                    100.0 * (time.median / floor_ms - 1.0)
                ),
                time.median <= floor_ms * 1.05,
            );
        }
    }

    pub fn desktop(&mut self, launches: &[Launch], loaded: &[Loaded], latency: u64) {
        let paint = summary(launches.iter().map(|l| l.to_first_paint_ms));
        let idle = summary(launches.iter().map(|l| l.idle_pss_mb));
        let (processes, idle_breakdown) = launches
            .last()
            .map(|l| (l.idle_processes.len(), procfs::breakdown(&l.idle_processes)))
            .unwrap_or_default();
        let _ = writeln!(
            self.desktop,
            "| Measure | Value |\n|---|---|\n\
             | Launch (process start) to first paint, empty profile | {} |\n\
             | PSS at rest after launch, all {processes} processes | {} |\n\
             | PSS by process, at rest (last launch) | {idle_breakdown} |",
            paint.ms(),
            idle.mb(),
        );
        self.target(
            "Desktop first paint within 1.5 s of launch",
            paint.ms(),
            paint.median <= 1500.0,
        );
        for loaded in loaded {
            self.loaded(loaded, latency);
        }
    }

    fn loaded(&mut self, loaded: &Loaded, latency: u64) {
        let rows = count_label(loaded.rows);
        let search = Summary::of(&loaded.search_ms).expect("keystrokes");
        let sort = Summary::of(&loaded.sort_ms).expect("clicks");
        let _ = writeln!(
            self.desktop,
            "| {rows} installations at {latency} ms: asking for the list to first rows painted | {} |\n\
             | {rows}: first page arriving in the page to painted | {} |\n\
             | {rows}: whole list on screen | {} |\n\
             | {rows}: longest frame while the list streamed in | {} |\n\
             | PSS with {rows} installations loaded | {:.1} MB |\n\
             | {rows}: PSS by process, loaded | {} |\n\
             | {rows}: search, keystroke to table painted ({} keystrokes) | {} |\n\
             | {rows}: sort, click on a column header to table painted ({} clicks) | {} |",
            duration(loaded.listing_to_first_rows_ms),
            duration(loaded.first_page_to_paint_ms),
            duration(loaded.whole_list_ms),
            duration(loaded.longest_frame_ms),
            loaded.pss_mb,
            procfs::breakdown(&loaded.processes),
            loaded.search_ms.len(),
            search.ms(),
            loaded.sort_ms.len(),
            sort.ms(),
        );
        let (pss_limit, at_scale) = match loaded.rows {
            10_000 => (250.0, false),
            100_000 => (350.0, true),
            _ => return,
        };
        self.target(
            format!("{rows}: first rows on screen within 150 ms of the first response"),
            format!(
                "{} from arrival to paint",
                duration(loaded.first_page_to_paint_ms)
            ),
            loaded.first_page_to_paint_ms <= 150.0,
        );
        self.target(
            format!("Desktop PSS with {rows} loaded: at most {pss_limit:.0} MB"),
            format!("{:.1} MB", loaded.pss_mb),
            loaded.pss_mb <= pss_limit,
        );
        self.target(
            format!("Search updates {rows} rows within 50 ms of every keystroke"),
            format!("slowest {}", duration(search.max)),
            search.max <= 50.0,
        );
        if at_scale {
            self.target(
                format!("A sort of {rows} rows within 100 ms"),
                format!("slowest {}", duration(sort.max)),
                sort.max <= 100.0,
            );
            self.target(
                format!("No freeze while {rows} stream in: no frame longer than 100 ms"),
                format!("longest {}", duration(loaded.longest_frame_ms)),
                loaded.longest_frame_ms <= 100.0,
            );
        }
    }

    pub fn finish(self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Appwarden benchmark results\n");
        if self.quick {
            let _ = writeln!(
                out,
                "A `--quick` run: tiny sizes, one run each, to check the suite works. Not figures to quote.\n"
            );
        }
        let _ = writeln!(out, "{}", self.head);
        let _ = writeln!(
            out,
            "Times are medians over the runs, with (min–max). ghsim runs in the benchmark's process on the same machine; \"latency\" is added to every request by ghsim. Peers are used with their defaults: @octokit/app pages 30 at a time, serially; PyGithub pages 30 at a time and waits 0.25 s between requests (and 1 s between writes).\n"
        );
        if !self.targets.is_empty() {
            let _ = writeln!(
                out,
                "## Targets\n\n| Target | Measured | Met |\n|---|---|---|"
            );
            for (what, measured, met) in &self.targets {
                let _ = writeln!(
                    out,
                    "| {what} | {measured} | {} |",
                    if *met { "yes" } else { "**no**" }
                );
            }
            let _ = writeln!(out);
        }
        let _ = writeln!(out, "## 1. Listing every installation\n\n{}", self.listing);
        let _ = writeln!(
            out,
            "## 2. Refreshing an unchanged list\n\nA refresh sends each page's ETag (`If-None-Match`); an unchanged page comes back as 304 Not Modified, without its body (GitHub: a 304 does not count against an installation token's primary rate limit; it documents no rate limit for the app's JWT, which lists installations). GitHub's ETags depend on the request's credentials, and Appwarden signs one JWT per five-minute window: a refresh within a run, or another run in the same window, sends the same JWT and gets 304s; a run after the window sends another JWT, and GitHub answers every page in full. The peers make no conditional requests, so a refresh is a full listing again.\n\n{}",
            self.refresh
        );
        let _ = writeln!(out, "## 3. Minting a token\n\n{}", self.tokens);
        if !self.desktop.is_empty() {
            let _ = writeln!(
                out,
                "## 4. The desktop app\n\nRelease build under Xvfb, driven over WebDriver, keys in gnome-keyring. Times from the page's `performance` marks; launch from the kernel's process start time (10 ms resolution); PSS summed over the app and its WebKit processes.\n\n{}",
                self.desktop
            );
        }
        let _ = writeln!(out, "## 5. The CLI\n\n{}", self.cli);
        for note in &self.notes {
            let _ = writeln!(out, "Note: {note}\n");
        }
        out
    }
}
