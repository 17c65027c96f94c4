//! The real `appwarden-desktop` window, driven over WebDriver: tauri-driver starts
//! WebKitWebDriver, which starts the app under the current X display (Xvfb in CI). The app
//! gets its own HOME, config directory and D-Bus session (with gnome-keyring).

use crate::keyring_session::KeyringSession;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use thirtyfour::prelude::*;

pub struct Desktop {
    pub driver: WebDriver,
    pub config_dir: PathBuf,
    tauri_driver: Child,
    shots: PathBuf,
}

/// Two distinct free ports (both held while choosing, so they cannot be the same one).
fn free_ports() -> (u16, u16) {
    let first = TcpListener::bind("127.0.0.1:0").unwrap();
    let second = TcpListener::bind("127.0.0.1:0").unwrap();
    (
        first.local_addr().unwrap().port(),
        second.local_addr().unwrap().port(),
    )
}

/// Stores an app (app ID 1, the 2048-bit fixture key) with the `appwarden` CLI into the
/// config under `home` and the keyring of `keyring`, as the desktop app will read them.
pub fn store_app_with_cli(keyring: &KeyringSession, home: &Path, name: &str, api: &str) {
    let out = Command::new(crate::workspace_bin("appwarden"))
        .args([
            "app",
            "add",
            "--name",
            name,
            "--app-id",
            "1",
            "--api-url",
            api,
            "--key",
        ])
        .arg(crate::fixture("rsa2048-pkcs1.pem"))
        .env("HOME", home)
        .env("APPWARDEN_CONFIG_DIR", home.join("config"))
        .env("DBUS_SESSION_BUS_ADDRESS", &keyring.address)
        .output()
        .expect("the appwarden binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Desktop {
    /// Starts the app. `name` names the screenshot folder (target/e2e-screenshots/NAME).
    pub async fn start(
        name: &str,
        keyring: &KeyringSession,
        home: &Path,
        extra_env: &[(&str, &str)],
    ) -> Self {
        let binary = crate::workspace_bin("appwarden-desktop");
        Self::start_binary(&binary, name, keyring, home, extra_env).await
    }

    /// Starts a given `appwarden-desktop` binary (one installed from a package, say).
    pub async fn start_binary(
        binary: &Path,
        name: &str,
        keyring: &KeyringSession,
        home: &Path,
        extra_env: &[(&str, &str)],
    ) -> Self {
        let display = std::env::var("DISPLAY")
            .expect("DISPLAY is not set: run under Xvfb (scripts/test.sh uses xvfb-run)");
        let config_dir = home.join("config");
        let mut caps = Capabilities::new();
        caps.set("browserName", "wry").unwrap();
        caps.set(
            "tauri:options",
            serde_json::json!({ "application": binary.to_string_lossy() }),
        )
        .unwrap();
        // A session asked for while tauri-driver or WebKitWebDriver is still starting, or
        // one whose driver died starting up, fails (seen on a loaded machine, with two window
        // tests starting at once): such a start is tried again from scratch, with new ports.
        let mut attempt = 0;
        let (tauri_driver, driver) = loop {
            attempt += 1;
            let (port, native_port) = free_ports();
            let mut command = Command::new("tauri-driver");
            command
                .args([
                    "--port",
                    &port.to_string(),
                    "--native-port",
                    &native_port.to_string(),
                ])
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("DISPLAY", &display)
                .env("HOME", home)
                .env("APPWARDEN_CONFIG_DIR", &config_dir)
                .env("DBUS_SESSION_BUS_ADDRESS", &keyring.address)
                .env("NO_AT_BRIDGE", "1")
                // The app turns WebKit's compositing off by default (less memory);
                // WebKitWebDriver cannot take screenshots without it here, so window tests
                // turn it back on. The benchmark passes "1" to measure the default.
                .env("WEBKIT_DISABLE_COMPOSITING_MODE", "0")
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            // xvfb-run's X server wants its authority cookie.
            if let Some(xauthority) = std::env::var_os("XAUTHORITY") {
                command.env("XAUTHORITY", xauthority);
            }
            for (key, value) in extra_env {
                command.env(key, value);
            }
            let mut tauri_driver = command.spawn().expect(
                "tauri-driver is installed (cargo install tauri-driver); scripts/install-deps.sh does it",
            );
            // tauri-driver forwards to WebKitWebDriver, which it starts on the native port.
            let deadline = Instant::now() + Duration::from_secs(20);
            for (listener, what) in [(port, "tauri-driver"), (native_port, "WebKitWebDriver")] {
                while std::net::TcpStream::connect(("127.0.0.1", listener)).is_err() {
                    assert!(Instant::now() < deadline, "{what} did not start");
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
            let server = format!("http://127.0.0.1:{port}");
            match WebDriver::new(&server, caps.clone()).await {
                Ok(driver) => break (tauri_driver, driver),
                Err(err) if attempt < 3 => {
                    eprintln!("window test {name}: no WebDriver session ({err}); starting again");
                    let _ = tauri_driver.kill();
                    let _ = tauri_driver.wait();
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Err(err) => panic!(
                    "no WebDriver session after {attempt} starts (WebKitWebDriver and tauri-driver: scripts/install-deps.sh): {err}"
                ),
            }
        };
        let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../target/e2e-screenshots")
            .join(name);
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots).unwrap();
        Self {
            driver,
            config_dir,
            tauri_driver,
            shots,
        }
    }

    /// In the open add-app dialog: pastes a fixture key, waits for its fingerprint, and gives
    /// the API URL and the app ID.
    pub async fn fill_new_app(&self, key_fixture: &str, api_url: &str, app_id: &str) {
        self.paste("pem", &crate::fixture_text(key_fixture)).await;
        self.el("staged-fingerprint").await;
        self.driver
            .find(By::Css("input[type=radio][value=url]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        self.el("host").await.send_keys(api_url).await.unwrap();
        self.el("app-id").await.send_keys(app_id).await.unwrap();
    }

    /// Mints a token from the first installation row's button and reveals it; returns it.
    pub async fn mint_first_installation(&self) -> String {
        self.driver
            .find(By::Css("[data-testid=installation-row] [data-testid=mint]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        self.el("token-panel").await;
        self.el("reveal").await.click().await.unwrap();
        self.wait_text("token", |text| {
            text.starts_with("ghs_") && !text.contains('•')
        })
        .await
    }

    /// Presses Escape (closes the dialog or panel on top).
    pub async fn escape(&self) {
        self.driver
            .action_chain()
            .send_keys(thirtyfour::Key::Escape)
            .perform()
            .await
            .unwrap();
    }

    /// Saves a screenshot of the window after the next two paints.
    pub async fn shot(&self, name: &str) {
        let _ = self
            .driver
            .execute_async(
                "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
                vec![],
            )
            .await;
        self.driver
            .screenshot(&self.shots.join(format!("{name}.png")))
            .await
            .unwrap();
    }

    pub async fn el(&self, testid: &str) -> WebElement {
        match self
            .driver
            .query(By::Css(format!("[data-testid='{testid}']")))
            .wait(Duration::from_secs(15), Duration::from_millis(50))
            .first()
            .await
        {
            Ok(element) => element,
            Err(err) => {
                self.gave_up(&format!("no [data-testid={testid}]: {err}"))
                    .await
            }
        }
    }

    /// Fails the test with what the window showed when it gave up waiting: its text, and a
    /// screenshot (`gave-up.png` beside the test's others), so a failure in CI says why.
    pub async fn gave_up(&self, what: &str) -> ! {
        let shown = match self
            .driver
            .execute("return document.body.innerText;", vec![])
            .await
        {
            Ok(answer) => answer.json().as_str().unwrap_or_default().to_owned(),
            Err(err) => format!("(the page's text could not be read: {err})"),
        };
        let _ = self
            .driver
            .screenshot(&self.shots.join("gave-up.png"))
            .await;
        let shown: String = shown.chars().take(3000).collect();
        panic!(
            "{what}\n--- the window showed:\n{shown}\n--- (screenshot: {}/gave-up.png)",
            self.shots.display()
        );
    }

    /// Waits until the element's text satisfies `check`; returns it.
    pub async fn wait_text(&self, testid: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(element) = self
                .driver
                .find(By::Css(format!("[data-testid='{testid}']")))
                .await
                && let Ok(text) = element.text().await
                && check(&text)
            {
                return text;
            }
            if Instant::now() >= deadline {
                self.gave_up(&format!(
                    "[data-testid={testid}] never showed the expected text"
                ))
                .await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Puts text into a field as a paste does: the value at once, then one input event.
    pub async fn paste(&self, testid: &str, text: &str) {
        let element = self.el(testid).await;
        self.driver
            .execute(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('input', { bubbles: true }));",
                vec![element.to_json().unwrap(), serde_json::Value::String(text.to_owned())],
            )
            .await
            .unwrap();
    }

    /// Chooses an option of a `<select>` as a user does: the value, then one change event.
    pub async fn choose(&self, testid: &str, value: &str) {
        let element = self.el(testid).await;
        self.driver
            .execute(
                "arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', { bubbles: true }));",
                vec![element.to_json().unwrap(), serde_json::Value::String(value.to_owned())],
            )
            .await
            .unwrap();
    }

    pub async fn quit(mut self) {
        let driver = self.driver.clone();
        let _ = driver.quit().await;
        let _ = self.tauri_driver.kill();
        let _ = self.tauri_driver.wait();
    }
}
