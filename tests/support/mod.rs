//! Helpers for the system tests: fixtures, an in-process ghsim, the `appwarden` binary in
//! an isolated environment, and a private D-Bus session with a real gnome-keyring.

pub mod desktop;
pub mod keyring_session;
pub mod proxy;
pub mod secrets;
pub mod softhsm;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/keys")
        .join(name)
}

pub fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap()
}

/// A simulator with the 2048-bit fixture key registered.
pub async fn start_sim(config: ghsim::SimConfig) -> ghsim::Sim {
    let config = config
        .with_key_pem(&fixture_text("rsa2048-pkcs1.pem"))
        .unwrap();
    ghsim::Sim::start(config).await.unwrap()
}

/// A binary of the workspace built alongside the running executable: next to it (the
/// benchmark harness in `target/<profile>/`) or one level up (tests in `target/<profile>/deps/`).
pub fn workspace_bin(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    exe.ancestors()
        .skip(1)
        .take(2)
        .map(|dir| dir.join(&file))
        .find(|bin| bin.exists())
        .unwrap_or_else(|| {
            panic!(
                "{file} is missing next to {}: build the workspace's binaries (scripts/test.sh does)",
                exe.display()
            )
        })
}

/// The `appwarden` binary, built next to this test's executable by `cargo test --workspace`.
pub fn appwarden_bin() -> PathBuf {
    workspace_bin("appwarden")
}

/// The CLI's ad hoc app arguments for a simulator (app 1, the 2048-bit fixture key): nothing
/// is stored, no keyring needed.
pub fn ad_hoc_app_args(sim: &ghsim::Sim) -> Vec<String> {
    vec![
        "--app-id".into(),
        "1".into(),
        "--key".into(),
        fixture("rsa2048-pkcs1.pem").to_string_lossy().into_owned(),
        "--api-url".into(),
        sim.api_url(),
    ]
}

/// An isolated environment for the CLI: its own config directory and HOME, no D-Bus unless
/// given one.
pub struct CliEnv {
    pub home: tempfile::TempDir,
    pub bus: Option<String>,
}

impl CliEnv {
    pub fn new() -> Self {
        Self {
            home: tempfile::tempdir().unwrap(),
            bus: None,
        }
    }

    /// Talks to the D-Bus session bus at `bus` (a private one from [`keyring_session`]).
    pub fn with_bus(bus: &str) -> Self {
        Self {
            home: tempfile::tempdir().unwrap(),
            bus: Some(bus.to_owned()),
        }
    }

    pub fn config_dir(&self) -> PathBuf {
        self.home.path().join("config")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(appwarden_bin());
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("APPWARDEN_CONFIG_DIR", self.config_dir())
            .env("NO_COLOR", "1");
        if let Some(bus) = &self.bus {
            command.env("DBUS_SESSION_BUS_ADDRESS", bus);
        }
        command
    }

    /// Runs with `stdin` fed in.
    pub fn run(&self, args: &[&str], stdin: Option<&[u8]>) -> Output {
        let mut child = self
            .command(args)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(input) = stdin {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(input).unwrap();
        }
        child.wait_with_output().unwrap()
    }
}

impl Default for CliEnv {
    fn default() -> Self {
        Self::new()
    }
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// Runs `command` (an `appwarden` command that writes a key) with the crash-test pause hook
/// and kills it with SIGKILL once the key is in the keyring and before the config is written.
pub fn kill_after_keyring_write(mut command: Command, scratch: &Path) {
    let marker = scratch.join("paused-after-keyring-write");
    let _ = std::fs::remove_file(&marker);
    let mut child = command
        .env("APPWARDEN_PAUSE_AFTER_KEYRING_WRITE", &marker)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !marker.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "the command never reached the keyring write"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: no destructor or clean-up runs
    child.wait().unwrap();
}

/// Waits, if need be, until at least `room` is left of the current JWT window, so that every
/// JWT a short test signs (in any process) is the same one: GitHub's ETags depend on the
/// request's credentials, and Appwarden's JWTs change from one five-minute window to the next.
pub async fn jwt_window_with_room(room: std::time::Duration) {
    use appwarden_core::jwt::{SHARED_WINDOW, window_start};
    let now = chrono::Utc::now();
    let left = (window_start(now) + SHARED_WINDOW - now)
        .to_std()
        .unwrap_or_default();
    if left < room {
        tokio::time::sleep(left + std::time::Duration::from_millis(200)).await;
    }
}
