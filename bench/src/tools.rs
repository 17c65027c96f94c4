//! The contenders: Appwarden's core in-process, a plain serial `per_page=100` loop (the serial
//! floor), and the peers (@octokit/app on Node, PyGithub on Python) as child processes.
//! Every listing reports its total time and the time to its first page of results, measured
//! from just before its first request (start-up of Node or Python is not counted).

use appwarden_core::github::{ClientOptions, ListingSnapshot, TokenRequest};
use appwarden_core::jwt::JwtSigner;
use appwarden_core::{ApiUrl, AppSession, PrivateKey, clock};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// One listing run.
#[derive(Debug, Clone, Copy)]
pub struct ListRun {
    pub total_ms: f64,
    pub first_ms: f64,
    pub count: usize,
}

/// One token run: the first mint and a repeat for the same scope.
#[derive(Debug, Clone, Copy)]
pub struct MintRun {
    pub cold_ms: f64,
    pub repeat_ms: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Appwarden,
    /// Appwarden told the count ahead (`installations_count` from `GET /app`).
    AppwardenKnownCount,
    SerialFloor,
    Octokit,
    PyGithub,
}

impl Tool {
    pub fn label(self) -> &'static str {
        match self {
            Tool::Appwarden => "Appwarden (core, 4 in flight)",
            Tool::AppwardenKnownCount => "Appwarden, count known ahead (first 4 at once)",
            Tool::SerialFloor => "serial floor (per_page=100 loop)",
            Tool::Octokit => "@octokit/app eachInstallation",
            Tool::PyGithub => "PyGithub get_installations",
        }
    }
}

/// Where things are and how to call ghsim's app.
#[derive(Debug, Clone)]
pub struct Target {
    pub api: String,
    pub key_file: PathBuf,
    pub key: PrivateKey,
    pub peers_dir: PathBuf,
    pub python_path: PathBuf,
}

impl Target {
    pub fn session(&self) -> AppSession {
        self.session_with(clock::system(), None)
    }

    /// A session on a given clock, signing with the client ID when one is given.
    pub fn session_with(
        &self,
        clock: std::sync::Arc<dyn appwarden_core::clock::Clock>,
        client_id: Option<&str>,
    ) -> AppSession {
        AppSession::new(
            ApiUrl::parse(&self.api).expect("ghsim's URL"),
            1,
            client_id,
            self.key.clone(),
            clock,
            ClientOptions::default(),
        )
        .expect("a session")
    }
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// Appwarden's listing, as the CLI and the desktop app run it, with `session` (a new one
/// for each measured run, so that each signs its JWT cold).
pub async fn appwarden_list(session: &AppSession) -> (ListRun, ListingSnapshot) {
    appwarden_list_expecting(session, None).await
}

/// Appwarden's listing told how many installations to expect (as the desktop app is, from
/// the `GET /app` its overview makes anyway).
pub async fn appwarden_list_expecting(
    session: &AppSession,
    expected: Option<u64>,
) -> (ListRun, ListingSnapshot) {
    let started = Instant::now();
    let mut first = None;
    let listing = session
        .client
        .refresh_installations_expecting(&session.signer, None, expected, |_| {
            first.get_or_insert_with(|| ms(started));
        })
        .await
        .expect("Appwarden lists");
    let run = ListRun {
        total_ms: ms(started),
        first_ms: first.unwrap_or_default(),
        count: listing.snapshot.count(),
    };
    (run, listing.snapshot)
}

/// Appwarden refreshing a list it has seen (conditional requests), with `session`'s JWT.
/// The snapshot is copied before the clock starts (the app loads it from its cache).
pub async fn appwarden_refresh(session: &AppSession, snapshot: &ListingSnapshot) -> ListRun {
    let snapshot = snapshot.clone();
    let started = Instant::now();
    let listing = session
        .client
        .refresh_installations(&session.signer, Some(snapshot), |_| {})
        .await
        .expect("Appwarden refreshes");
    ListRun {
        total_ms: ms(started),
        first_ms: 0.0,
        count: listing.snapshot.count(),
    }
}

/// The serial floor: `GET /app/installations?per_page=100&page=N` one after another until a
/// page has no `next` link, with one JWT, no concurrency and no cleverness.
pub async fn serial_floor(target: &Target) -> ListRun {
    let signer = JwtSigner::new(target.key.clone(), 1, None);
    let http = reqwest::Client::builder()
        .user_agent("appwarden-bench-serial-floor")
        .build()
        .unwrap();
    let started = Instant::now();
    let jwt = signer.jwt(chrono::Utc::now()).unwrap();
    let mut first = None;
    let mut ids = std::collections::HashSet::new();
    let mut page = 1;
    loop {
        let response = http
            .get(format!(
                "{}/app/installations?per_page=100&page={page}",
                target.api
            ))
            .bearer_auth(jwt.expose_secret())
            .header("accept", "application/vnd.github+json")
            .send()
            .await
            .expect("ghsim answers");
        let more = response
            .headers()
            .get("link")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|link| link.contains("rel=\"next\""));
        let body: Vec<serde_json::Value> = response.json().await.expect("a JSON page");
        first.get_or_insert_with(|| ms(started));
        ids.extend(body.iter().filter_map(|i| i["id"].as_u64()));
        if !more {
            break;
        }
        page += 1;
    }
    ListRun {
        total_ms: ms(started),
        first_ms: first.unwrap_or_default(),
        count: ids.len(),
    }
}

/// Appwarden minting a token for an installation: a new session (so the JWT is signed),
/// then the same scope again (served from the token cache).
pub async fn appwarden_mint(target: &Target, installation: u64) -> MintRun {
    let session = target.session();
    let started = Instant::now();
    let (cold, _) = session
        .token(installation, &TokenRequest::default())
        .await
        .expect("a token");
    let cold_ms = ms(started);
    let started = Instant::now();
    let (again, _) = session
        .token(installation, &TokenRequest::default())
        .await
        .expect("a token");
    let repeat_ms = ms(started);
    assert_eq!(cold.token.expose_secret(), again.token.expose_secret());
    MintRun { cold_ms, repeat_ms }
}

/// Runs a peer script; `None` (with a note on stderr) when the peer is not installed.
pub fn peer(
    tool: Tool,
    target: &Target,
    mode: &str,
    installation: Option<u64>,
) -> Option<serde_json::Value> {
    let mut command = match tool {
        Tool::Octokit => {
            if !target.peers_dir.join("node_modules/@octokit/app").exists() {
                return None;
            }
            let mut command = Command::new("node");
            command.arg(target.peers_dir.join("octokit.mjs"));
            command
        }
        Tool::PyGithub => {
            if !target.python_path.join("github").exists() {
                return None;
            }
            let mut command = Command::new("python3");
            command
                .arg(target.peers_dir.join("pygithub.py"))
                .env("PYTHONPATH", &target.python_path);
            command
        }
        _ => unreachable!("not a peer"),
    };
    command
        .env("BENCH_MODE", mode)
        .env("BENCH_API", &target.api)
        .env("BENCH_APP_ID", "1")
        .env("BENCH_KEY_FILE", &target.key_file)
        .env(
            "BENCH_INSTALLATION",
            installation.unwrap_or_default().to_string(),
        );
    let output = command.output().expect("node and python3 are installed");
    assert!(
        output.status.success(),
        "{} failed: {}",
        tool.label(),
        String::from_utf8_lossy(&output.stderr)
    );
    let line = String::from_utf8_lossy(&output.stdout);
    Some(serde_json::from_str(line.trim()).expect("one JSON line"))
}

pub fn peer_list(tool: Tool, target: &Target) -> Option<ListRun> {
    let answer = peer(tool, target, "list", None)?;
    Some(ListRun {
        total_ms: answer["total_ms"].as_f64().unwrap_or_default(),
        first_ms: answer["first_ms"].as_f64().unwrap_or_default(),
        count: answer["count"].as_u64().unwrap_or_default() as usize,
    })
}

pub fn peer_mint(tool: Tool, target: &Target, installation: u64) -> Option<MintRun> {
    let answer = peer(tool, target, "mint", Some(installation))?;
    Some(MintRun {
        cold_ms: answer["cold_ms"].as_f64().unwrap_or_default(),
        repeat_ms: answer["repeat_ms"].as_f64().unwrap_or_default(),
    })
}

/// The peers' versions, for the results file.
pub fn peer_versions(peers_dir: &Path, python_path: &Path) -> Vec<(String, String)> {
    let mut versions = Vec::new();
    let package = |path: PathBuf| -> Option<String> {
        let text = std::fs::read_to_string(path).ok()?;
        let json: serde_json::Value = serde_json::from_str(&text).ok()?;
        json["version"].as_str().map(str::to_owned)
    };
    if let Some(v) = package(peers_dir.join("node_modules/@octokit/app/package.json")) {
        versions.push(("@octokit/app".to_owned(), v));
    }
    if let Ok(entries) = std::fs::read_dir(python_path) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_lowercase();
            if let Some(rest) = name.strip_prefix("pygithub-")
                && let Some(v) = rest.strip_suffix(".dist-info")
            {
                versions.push(("PyGithub".to_owned(), v.to_owned()));
            }
        }
    }
    versions
}
