//! A private D-Bus session bus, optionally with gnome-keyring's Secret Service on it, so
//! that tests use the real OS keyring without touching the user's.
//!
//! The bus runs with a minimal config that has no service activation, so nothing starts
//! unless the test starts it: "no provider" is then a real condition, not a race.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const PASSWORD: &str = "appwarden-test-password";

pub struct KeyringSession {
    pub home: tempfile::TempDir,
    pub address: String,
    bus: Child,
    keyring: Option<Child>,
}

/// How gnome-keyring should start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyring {
    /// No Secret Service provider on the bus.
    None,
    /// Started and unlocked with [`PASSWORD`] (creating the login keyring on first use).
    Unlocked,
    /// Started without unlocking an existing login keyring.
    Locked,
}

impl KeyringSession {
    pub fn start(keyring: Keyring) -> Self {
        Self::start_in(tempfile::tempdir().unwrap(), keyring)
    }

    /// Starts in an existing HOME (to reopen a keyring created earlier).
    pub fn start_in(home: tempfile::TempDir, keyring: Keyring) -> Self {
        let config = home.path().join("session.conf");
        std::fs::write(
            &config,
            format!(
                "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\" \
                 \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n\
                 <busconfig><type>session</type><listen>unix:dir={}</listen>\
                 <policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>\
                 <allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>",
                home.path().display()
            ),
        )
        .unwrap();
        let mut bus = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon is installed (apt-get install dbus); the test script installs it");
        let mut address = String::new();
        BufReader::new(bus.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        let address = address.trim().to_owned();
        let mut session = Self {
            home,
            address,
            bus,
            keyring: None,
        };
        match keyring {
            Keyring::None => {}
            Keyring::Unlocked => session.start_keyring(true),
            Keyring::Locked => session.start_keyring(false),
        }
        session
    }

    fn start_keyring(&mut self, unlock: bool) {
        let mut command = Command::new("gnome-keyring-daemon");
        command
            .args(["--foreground", "--components=secrets"])
            .env("HOME", self.home.path())
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env_remove("DISPLAY")
            .env("XDG_RUNTIME_DIR", self.runtime_dir())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if unlock {
            command.arg("--unlock").stdin(Stdio::piped());
        } else {
            command.stdin(Stdio::null());
        }
        let mut child = command
            .spawn()
            .expect("gnome-keyring-daemon is installed (apt-get install gnome-keyring); the test script installs it");
        if unlock {
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(PASSWORD.as_bytes()).unwrap();
        }
        self.keyring = Some(child);
        self.wait_for_name("org.freedesktop.secrets");
    }

    fn runtime_dir(&self) -> PathBuf {
        let dir = self.home.path().join("runtime");
        std::fs::create_dir_all(&dir).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        }
        dir
    }

    fn wait_for_name(&self, name: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let out = Command::new("dbus-send")
                .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    &format!("string:{name}"),
                ])
                .output()
                .unwrap();
            if String::from_utf8_lossy(&out.stdout).contains("boolean true") {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{name} did not appear on the private bus");
    }

    /// The labels of Appwarden's entries, as `secret-tool search --all service appwarden`
    /// lists them on this bus (secrets themselves are never returned).
    pub fn appwarden_entries(&self) -> Vec<String> {
        self.secret_tool_search()
            .lines()
            .filter_map(|line| line.strip_prefix("label = ").map(str::to_owned))
            .collect()
    }

    fn secret_tool_search(&self) -> String {
        let out = Command::new("secret-tool")
            .args(["search", "--all", "service", "appwarden"])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("HOME", self.home.path())
            .output()
            .expect("secret-tool is installed (apt-get install libsecret-tools)");
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    pub fn home_path(&self) -> &Path {
        self.home.path()
    }

    /// Stops the daemons and hands back HOME (with its keyring files) for reuse.
    pub fn stop(mut self) -> tempfile::TempDir {
        self.kill();
        std::mem::replace(&mut self.home, tempfile::tempdir().unwrap())
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.keyring.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

impl Drop for KeyringSession {
    fn drop(&mut self) {
        self.kill();
    }
}
