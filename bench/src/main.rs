//! Appwarden's benchmark suite: Appwarden side by side with @octokit/app, PyGithub and a plain
//! serial loop, against ghsim with a chosen latency and installation count. Prints a table of
//! medians (min–max) and ratios, and writes it with a description of the machine.
//!
//! `scripts/bench.sh` installs the peers, builds in release mode and runs this; the test suite
//! runs it once with `--quick` so that it keeps working.

mod desktop;
mod machine;
mod procfs;
mod report;
mod stats;
mod tools;

use appwarden_system_tests::softhsm;
use appwarden_system_tests::{fixture, fixture_text, workspace_bin};
use clap::Parser;
use ghsim::{Sim, SimConfig};
use report::Report;
use stats::Summary;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tools::{ListRun, Tool};

#[derive(Parser, Debug)]
#[command(about = "Benchmarks Appwarden against its peers on ghsim")]
struct Args {
    /// Runs of each Appwarden measurement.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Runs of each peer measurement (the peers are slow at 10,000 installations).
    #[arg(long, default_value_t = 3)]
    peer_runs: usize,
    /// Runs of each Appwarden measurement at 100,000 installations or more (a listing at
    /// 100 ms takes half a minute, the serial floor nearly two); peers run once there, and
    /// PyGithub not at all (its 0.25 s pause between 3,334 requests alone takes 14 minutes).
    #[arg(long, default_value_t = 2)]
    scale_runs: usize,
    /// Installation counts to list.
    #[arg(long, value_delimiter = ',', default_values_t = [1_000usize, 10_000, 100_000])]
    installations: Vec<usize>,
    /// Simulated latency per request, in milliseconds.
    #[arg(long, value_delimiter = ',', default_values_t = [0u64, 100])]
    latency_ms: Vec<u64>,
    /// A tiny run that only checks the suite works (150 installations, one run each).
    #[arg(long)]
    quick: bool,
    #[arg(long)]
    skip_peers: bool,
    #[arg(long)]
    skip_desktop: bool,
    /// Skips the listing, refresh and token measurements (1 to 3): only the CLI's memory and
    /// the desktop app, to look at those alone.
    #[arg(long)]
    skip_listing: bool,
    /// Where to write the results (Markdown).
    #[arg(long, default_value = "bench/RESULTS.md")]
    out: PathBuf,
}

/// From this many installations on, measurements run fewer times (see `--scale-runs`).
const SCALE: usize = 100_000;

async fn start_sim(installations: usize, latency_ms: u64) -> Sim {
    let config = SimConfig {
        installations,
        latency: Duration::from_millis(latency_ms),
        ..Default::default()
    }
    .with_key_pem(&fixture_text("rsa2048-pkcs1.pem"))
    .unwrap();
    Sim::start(config).await.expect("ghsim starts")
}

/// A listing measured with ghsim's counters.
struct Measured {
    runs: Vec<ListRun>,
    requests: u64,
    max_in_flight: u64,
    /// Answers GitHub sent in full (not 304 Not Modified).
    full_answers: u64,
}

/// Waits, if need be, for the next five-minute JWT window, so that `needed_ms` of requests
/// from now on all carry the same JWT.
async fn wait_for_a_jwt_window_of(needed_ms: f64) {
    let now = chrono::Utc::now();
    let window_end = appwarden_core::jwt::window_start(now) + appwarden_core::jwt::SHARED_WINDOW;
    let left_ms = (window_end - now).num_milliseconds() as f64;
    if left_ms < needed_ms {
        eprint!(
            " (waiting {:.0} s for the next JWT window)",
            left_ms / 1000.0 + 1.0
        );
        tokio::time::sleep(Duration::from_millis(left_ms as u64 + 1000)).await;
    }
}

async fn measure<F, Fut>(sim: &Sim, runs: usize, expected: usize, mut run: F) -> Option<Measured>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<ListRun>>,
{
    let mut measured = Measured {
        runs: Vec::new(),
        requests: 0,
        max_in_flight: 0,
        full_answers: 0,
    };
    for _ in 0..runs {
        sim.reset_stats();
        let result = run().await?;
        assert_eq!(result.count, expected, "every installation, once");
        let stats = sim.stats();
        measured.requests = stats.requests;
        measured.max_in_flight = measured.max_in_flight.max(stats.max_in_flight);
        measured.full_answers = stats.requests - stats.not_modified;
        measured.runs.push(result);
        eprint!(".");
    }
    Some(measured)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let raw: Vec<String> = std::env::args().collect();
    if raw.get(1).map(String::as_str) == Some(procfs::PEAK_RSS_HELPER) {
        procfs::measure_child(&raw[2..]);
    }
    let mut args = Args::parse();
    if args.quick {
        args.runs = 1;
        args.peer_runs = 1;
        args.installations = vec![150];
        args.latency_ms = vec![0];
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let peers_dir = root.join("peers");
    let python_path = root.join("../target/bench-peers/python");
    let mut report = Report::new(args.quick);
    report.machine(
        machine::describe(),
        tools::peer_versions(&peers_dir, &python_path),
    );
    let key =
        appwarden_core::PrivateKey::from_pem(fixture_text("rsa2048-pkcs1.pem").as_bytes()).unwrap();
    let peers: Vec<Tool> = if args.skip_peers {
        Vec::new()
    } else {
        vec![Tool::Octokit, Tool::PyGithub]
    };

    // 1 and 2: listing, and refreshing an unchanged list.
    let listed: &[usize] = if args.skip_listing {
        &[]
    } else {
        &args.installations
    };
    for &count in listed {
        let at_scale = count >= SCALE;
        let runs = if at_scale {
            args.runs.min(args.scale_runs.max(1))
        } else {
            args.runs
        };
        let peer_runs = if at_scale { 1 } else { args.peer_runs };
        let peers: Vec<Tool> = peers
            .iter()
            .copied()
            .filter(|&peer| !(at_scale && peer == Tool::PyGithub))
            .collect();
        if at_scale && !args.skip_peers {
            report.note(format!(
                "At {count} installations Appwarden's measurements run {runs} times, @octokit/app once, and PyGithub not at all (its 0.25 s pause between 3,334 requests alone would take 14 minutes a run)."
            ));
        }
        for &latency in &args.latency_ms {
            eprint!("listing {count} installations at {latency} ms ");
            let sim = start_sim(count, latency).await;
            let target = tools::Target {
                api: sim.api_url(),
                key_file: fixture("rsa2048-pkcs1.pem"),
                key: key.clone(),
                peers_dir: peers_dir.clone(),
                python_path: python_path.clone(),
            };
            let mut rows = Vec::new();
            let ours = measure(&sim, runs, count, || async {
                Some(tools::appwarden_list(&target.session()).await.0)
            })
            .await
            .expect("Appwarden runs");
            rows.push((Tool::Appwarden, ours));
            let known = measure(&sim, runs, count, || async {
                Some(
                    tools::appwarden_list_expecting(&target.session(), Some(count as u64))
                        .await
                        .0,
                )
            })
            .await
            .expect("Appwarden runs with a known count");
            rows.push((Tool::AppwardenKnownCount, known));
            let floor = measure(&sim, runs, count, || async {
                Some(tools::serial_floor(&target).await)
            })
            .await
            .expect("the serial floor runs");
            rows.push((Tool::SerialFloor, floor));
            for &peer in &peers {
                let target = target.clone();
                if let Some(measured) = measure(&sim, peer_runs, count, || {
                    let target = target.clone();
                    async move {
                        tokio::task::spawn_blocking(move || tools::peer_list(peer, &target))
                            .await
                            .unwrap()
                    }
                })
                .await
                {
                    rows.push((peer, measured));
                } else {
                    report.missing(peer);
                }
            }
            // Refresh: Appwarden with a snapshot's ETags; the peers make no conditional
            // requests, so their refresh is another full listing (measured above). GitHub's
            // ETags depend on the JWT, so the refresh is measured with the JWT the snapshot
            // was listed with (a refresh within a run, or another run within the same
            // five-minute window: one frozen clock for both) and with another JWT (what a
            // run after the window gets; here another issuer makes the other JWT).
            // The client keeps to GitHub's clock (learnt from `Date`), so its JWT changes
            // when a real five-minute window ends, whatever its own clock says: the listing
            // and the refreshes with the same JWT start in a window they fit in.
            let longest_ms = rows
                .first()
                .map(|(_, measured)| measured.runs.iter().map(|r| r.total_ms).fold(0.0, f64::max))
                .unwrap_or(0.0);
            wait_for_a_jwt_window_of(longest_ms * (runs + 1) as f64 * 1.1).await;
            let frozen: std::sync::Arc<dyn appwarden_core::clock::Clock> =
                std::sync::Arc::new(appwarden_core::clock::ManualClock::new(chrono::Utc::now()));
            let same_jwt = target.session_with(frozen.clone(), None);
            let (_, snapshot) = tools::appwarden_list(&same_jwt).await;
            let refresh = measure(&sim, runs, count, || async {
                Some(tools::appwarden_refresh(&same_jwt, &snapshot).await)
            })
            .await
            .expect("Appwarden refreshes");
            let other_jwt =
                target.session_with(frozen, Some(ghsim::SimConfig::default().client_id.as_str()));
            let refresh_other = measure(&sim, runs, count, || async {
                Some(tools::appwarden_refresh(&other_jwt, &snapshot).await)
            })
            .await
            .expect("Appwarden refreshes");
            report.listing(count, latency, &rows);
            report.refresh(count, latency, &refresh, &refresh_other, &rows);
            eprintln!();
        }
    }

    let latency = *args.latency_ms.iter().max().unwrap_or(&0);
    if !args.skip_listing {
        tokens(
            &args,
            &peers,
            &peers_dir,
            &python_path,
            &key,
            latency,
            &mut report,
        )
        .await;
    }

    // 5: the CLI's peak memory listing 10,000 and more at the highest latency.
    let large: Vec<usize> = {
        let max = *args.installations.iter().max().unwrap();
        let mut large: Vec<usize> = args
            .installations
            .iter()
            .copied()
            .filter(|&count| count >= 10_000)
            .collect();
        if large.is_empty() {
            large.push(max);
        }
        large
    };
    let mut sims = Vec::new();
    for &count in &large {
        eprint!("CLI memory, {count} installations at {latency} ms ");
        let sim = start_sim(count, latency).await;
        let mut peaks = Vec::new();
        let mut times = Vec::new();
        for _ in 0..args.runs.min(3) {
            let home = tempfile::tempdir().unwrap();
            let mut command = procfs::measured(&workspace_bin("appwarden"));
            command
                .args(["installations", "--json", "--app-id", "1", "--key"])
                .arg(fixture("rsa2048-pkcs1.pem"))
                .args(["--api-url", &sim.api_url()])
                .env_clear()
                .env("HOME", home.path())
                .env("APPWARDEN_CONFIG_DIR", home.path().join("config"))
                .stderr(Stdio::null());
            let (elapsed, peak_mb, ok) = procfs::run_measured(&mut command);
            assert!(ok, "the CLI lists");
            peaks.push(peak_mb);
            times.push(elapsed.as_secs_f64() * 1000.0);
            eprint!(".");
        }
        report.cli(count, latency, Summary::of(&peaks), Summary::of(&times));
        eprintln!();
        sims.push((count, sim));
    }

    // 4: the desktop app.
    if !args.skip_desktop {
        eprint!("desktop ");
        let keyring = desktop::keyring();
        let mut launches = Vec::new();
        for _ in 0..args.runs.min(5) {
            launches.push(desktop::launch_idle(&keyring).await);
            eprint!(".");
        }
        let mut loaded = Vec::new();
        for (count, sim) in &sims {
            loaded.push(desktop::loaded(&keyring, &sim.api_url(), *count).await);
            eprint!(".");
        }
        report.desktop(&launches, &loaded, latency);
        eprintln!();
    }

    let text = report.finish();
    println!("{text}");
    if let Some(dir) = args.out.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    std::fs::write(&args.out, text).expect("the results file is written");
    eprintln!("written to {}", args.out.display());
}

/// 3: minting a token, and JWT signing.
async fn tokens(
    args: &Args,
    peers: &[Tool],
    peers_dir: &std::path::Path,
    python_path: &std::path::Path,
    key: &appwarden_core::PrivateKey,
    latency: u64,
    report: &mut Report,
) {
    eprint!("tokens at {latency} ms ");
    let sim = start_sim(10, latency).await;
    let installation = sim.installations()[0].id;
    let target = tools::Target {
        api: sim.api_url(),
        key_file: fixture("rsa2048-pkcs1.pem"),
        key: key.clone(),
        peers_dir: peers_dir.to_owned(),
        python_path: python_path.to_owned(),
    };
    let mut mints = Vec::new();
    let mut ours = Vec::new();
    let mut requests = 0;
    for _ in 0..args.runs {
        sim.reset_stats();
        ours.push(tools::appwarden_mint(&target, installation).await);
        requests = sim.stats().requests;
        eprint!(".");
    }
    mints.push((Tool::Appwarden, ours, requests));
    for &peer in peers {
        let mut runs = Vec::new();
        for _ in 0..args.peer_runs {
            sim.reset_stats();
            let target = target.clone();
            match tokio::task::spawn_blocking(move || tools::peer_mint(peer, &target, installation))
                .await
                .unwrap()
            {
                Some(run) => runs.push(run),
                None => break,
            }
            requests = sim.stats().requests;
            eprint!(".");
        }
        if !runs.is_empty() {
            mints.push((peer, runs, requests));
        }
    }
    report.tokens(latency, &mints);
    report.jwt(jwt_signing(args.runs));
    eprintln!();
}

/// Signing a fresh JWT (no reuse) with 2048- and 4096-bit keys, in memory (aws-lc) and on a
/// SoftHSM2 token through PKCS#11: (where, bits, samples in ms). The token rows are left out
/// when SoftHSM2 is not installed.
fn jwt_signing(runs: usize) -> Vec<(&'static str, u32, Summary)> {
    use appwarden_core::hardware::{PinAnswer, PinSource, TokenDescription, TokenSelector};
    use appwarden_core::jwt::{Issuer, Rs256Key, sign};
    struct BenchPin;
    impl PinSource for BenchPin {
        fn pin(
            &self,
            _: &TokenDescription,
            failed: Option<&appwarden_core::hardware::HardwareError>,
        ) -> Option<PinAnswer> {
            failed.is_none().then(|| PinAnswer {
                pin: appwarden_core::Pin::new(softhsm::PIN),
                remember: false,
            })
        }
    }
    fn measure(key: &dyn Rs256Key, iterations: usize) -> Summary {
        let issuer = Issuer::new(1, None);
        let now = chrono::Utc::now();
        sign(key, &issuer, now).unwrap(); // warm-up
        let samples: Vec<f64> = (0..iterations)
            .map(|_| {
                let started = std::time::Instant::now();
                let jwt = sign(key, &issuer, now).unwrap();
                let took = started.elapsed().as_secs_f64() * 1000.0;
                std::hint::black_box(jwt);
                took
            })
            .collect();
        Summary::of(&samples).unwrap()
    }
    let iterations = (runs * 40).max(20);
    let keys: Vec<appwarden_core::PrivateKey> = ["rsa2048-pkcs1.pem", "rsa4096-pkcs1.pem"]
        .iter()
        .map(|file| appwarden_core::PrivateKey::from_pem(fixture_text(file).as_bytes()).unwrap())
        .collect();
    let mut results: Vec<(&'static str, u32, Summary)> = keys
        .iter()
        .map(|key| {
            (
                "in memory (aws-lc)",
                key.public_key().bits() as u32,
                measure(key, iterations),
            )
        })
        .collect();
    let Some(module) = softhsm::installed_module() else {
        return results;
    };
    // SoftHSM2 reads its config once, when this process first loads it (only here).
    let hsm = softhsm::SoftHsm::new();
    hsm.init_token("bench");
    unsafe { std::env::set_var("SOFTHSM2_CONF", hsm.conf()) };
    let session =
        appwarden_core::hardware::token::open(&module, &TokenSelector::label("bench"), &BenchPin)
            .unwrap();
    for key in &keys {
        let on_token = session
            .import(key, &format!("bench/{}", key.public_key().bits()))
            .unwrap()
            .key;
        results.push((
            "SoftHSM2 token (PKCS#11)",
            key.public_key().bits() as u32,
            measure(&on_token, iterations),
        ));
    }
    appwarden_core::hardware::close_all();
    results
}
