//! The `ghsim` binary: serves the simulator for benchmarks, manual testing and the demo.
//! It prints one JSON line describing itself on stdout, then serves until interrupted.

use clap::Parser;
use std::path::PathBuf;
use std::time::Duration;

/// A GitHub App API simulator (for Appwarden's tests, benchmarks and demo).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// How many installations the app has.
    #[arg(long, default_value_t = 300)]
    installations: usize,
    /// Added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// The simulated GitHub's clock minus the real one, in seconds.
    #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
    clock_offset_secs: i64,
    /// Serve under /api/v3, as GitHub Enterprise Server does.
    #[arg(long)]
    ghes: bool,
    /// The Enterprise Server version to report (X-GitHub-Enterprise-Version); before 3.18 a
    /// client ID is refused as a JWT's issuer. Implies --ghes. Default with --ghes: 3.19.0.
    #[arg(long, value_name = "X.Y")]
    ghes_version: Option<String>,
    /// A new installation token answers 401 "Bad credentials" for this long, as GitHub's
    /// replication delay.
    #[arg(long, default_value_t = 0)]
    token_replication_ms: u64,
    /// Serve HTTPS with a certificate from a generated CA, written to --write-ca.
    #[arg(long, requires = "write_ca")]
    tls: bool,
    /// Where to write the generated CA certificate (PEM) in --tls mode.
    #[arg(long)]
    write_ca: Option<PathBuf>,
    #[arg(long, default_value_t = 1)]
    app_id: u64,
    #[arg(long, default_value = "Iv23liSIMULATED0001")]
    client_id: String,
    /// Register this PEM key (private or public) for the app; repeatable.
    #[arg(long = "key")]
    keys: Vec<PathBuf>,
    /// Generate a key pair for the app and write its private key here (mode 0600).
    #[arg(long)]
    write_demo_key: Option<PathBuf>,
    /// Inject a fault, PATH:KIND[:N] (KIND: a status code, reset, slow, malformed,
    /// ratelimit, secondary, secondary-bare, ipallow); repeatable.
    #[arg(long = "fault")]
    faults: Vec<String>,
    /// Webhook deliveries seeded over the last 70 hours (one in six failed).
    #[arg(long, default_value_t = 60)]
    webhook_deliveries: usize,
    /// The webhook's receiver is down: redeliveries fail with 502.
    #[arg(long)]
    webhook_receiver_down: bool,
}

#[tokio::main]
async fn main() {
    if let Err(message) = run(Args::parse()).await {
        eprintln!("ghsim: {message}");
        std::process::exit(2);
    }
}

async fn run(args: Args) -> Result<(), String> {
    let mut config = ghsim::SimConfig {
        app_id: args.app_id,
        client_id: args.client_id,
        installations: args.installations,
        latency: Duration::from_millis(args.latency_ms),
        clock_offset: chrono::Duration::seconds(args.clock_offset_secs),
        ghes: args.ghes || args.ghes_version.is_some(),
        ghes_version: args.ghes_version.map(|v| {
            if v.matches('.').count() == 1 {
                format!("{v}.0")
            } else {
                v
            }
        }),
        token_replication: Duration::from_millis(args.token_replication_ms),
        tls: args.tls,
        port: args.port,
        webhook_deliveries: args.webhook_deliveries,
        ..Default::default()
    };
    for path in &args.keys {
        let pem = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        config = config
            .with_key_pem(&pem)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if let Some(path) = &args.write_demo_key {
        let (pem, public) = ghsim::generate_key_pair(2048)?;
        write_private(path, &pem).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        config.public_keys.push(public);
    }
    if config.public_keys.is_empty() {
        return Err("no key registered: pass --key FILE or --write-demo-key FILE".into());
    }
    let rules = args
        .faults
        .iter()
        .map(|spec| ghsim::faults::parse_rule(spec))
        .collect::<Result<Vec<_>, _>>()?;
    let app_id = config.app_id;
    let client_id = config.client_id.clone();
    let sim = ghsim::Sim::start(config)
        .await
        .map_err(|e| format!("cannot listen: {e}"))?;
    for rule in rules {
        sim.inject(rule);
    }
    sim.set_webhook_receiver_up(!args.webhook_receiver_down);
    if let (Some(path), Some(ca)) = (&args.write_ca, sim.ca_pem()) {
        std::fs::write(path, ca).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!(
        "{}",
        serde_json::json!({ "api_url": sim.api_url(), "app_id": app_id, "client_id": client_id, "installations": args.installations })
    );
    let _ = tokio::signal::ctrl_c().await;
    Ok(())
}

fn write_private(path: &PathBuf, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents.as_bytes())
}
