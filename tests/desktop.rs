//! End-to-end tests of the real appwarden-desktop window (Xvfb, tauri-driver, WebKitWebDriver)
//! with gnome-keyring on a private D-Bus bus and ghsim on 127.0.0.1. Each step is
//! screenshotted into target/e2e-screenshots/.

use appwarden_system_tests::desktop::Desktop;
use appwarden_system_tests::keyring_session::{Keyring, KeyringSession};
use appwarden_system_tests::{fixture, fixture_text, start_sim};
use ghsim::SimConfig;
use std::process::Command;
use thirtyfour::prelude::*;

fn openssl_fingerprint(name: &str) -> String {
    let script = format!(
        "openssl pkey -in '{}' -pubout -outform DER | openssl sha256 -binary | openssl base64",
        fixture(name).display()
    );
    let out = Command::new("sh").arg("-c").arg(script).output().unwrap();
    format!("SHA256:{}", String::from_utf8(out.stdout).unwrap().trim())
}

async fn repositories_status(api: &str, token: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{api}/installation/repositories"))
        .bearer_auth(token)
        .header("user-agent", "appwarden-e2e")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_adds_an_app_browses_mints_and_revokes() {
    let keyring = KeyringSession::start(Keyring::Unlocked);
    let home = tempfile::tempdir().unwrap();
    let sim = start_sim(SimConfig {
        installations: 260,
        ..Default::default()
    })
    .await;
    let api = sim.api_url();
    let app = Desktop::start("admin-flow", &keyring, home.path(), &[]).await;
    let config_file = app.config_dir.join("config.toml");

    // First run: the add-app dialog is open.
    app.el("add-app-dialog").await;
    app.shot("01-first-run").await;

    // A bad key is refused in plain words, and nothing is stored.
    app.paste("pem", &fixture_text("ec-sec1.pem")).await;
    let error = app.el("error").await;
    assert_eq!(
        error.attr("data-code").await.unwrap().as_deref(),
        Some("invalid_key")
    );
    assert!(error.text().await.unwrap().contains("not an RSA key"));
    app.shot("02-bad-key").await;
    assert!(!config_file.exists());

    // The right key: its fingerprint, computed in Rust, equals openssl's.
    app.paste("pem", &fixture_text("rsa2048-pkcs1.pem")).await;
    let expected = openssl_fingerprint("rsa2048-pkcs1.pem");
    app.wait_text("staged-fingerprint", |text| text == expected)
        .await;

    // A wrong app ID: GitHub rejects the key; the error says so and nothing is stored.
    app.driver
        .find(By::Css("input[type=radio][value=url]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    app.el("host").await.send_keys(&api).await.unwrap();
    app.el("app-id").await.send_keys("999").await.unwrap();
    app.el("check").await.click().await.unwrap();
    let error = app.el("error").await;
    assert_eq!(
        error.attr("data-code").await.unwrap().as_deref(),
        Some("key_rejected")
    );
    app.shot("03-wrong-app-id").await;
    assert!(!config_file.exists());

    // The right app ID: the live check passes, then the app is saved.
    let app_id = app.el("app-id").await;
    app_id.clear().await.unwrap();
    app_id.send_keys("1").await.unwrap();
    app.el("check").await.click().await.unwrap();
    app.wait_text("check-ok", |text| text.contains("GitHub accepts this key"))
        .await;
    app.shot("04-key-accepted").await;
    app.el("save-app").await.click().await.unwrap();
    app.wait_text("app-title", |text| text == "Appwarden Demo")
        .await;
    assert!(config_file.exists());
    assert_eq!(keyring.appwarden_entries().len(), 1);

    // Every installation is listed; search narrows the table.
    let total = sim.installations().len();
    app.wait_text("list-status", |text| {
        text.contains(&format!("{total} of {total} installations"))
    })
    .await;
    app.shot("05-installations").await;
    let expected_matches = sim
        .installations()
        .iter()
        .filter(|i| i.account_login.contains("acme"))
        .count();
    app.el("search").await.send_keys("acme").await.unwrap();
    app.wait_text("shown-count", |text| text == expected_matches.to_string())
        .await;
    let rows = app
        .driver
        .find_all(By::Css("[data-testid=installation-row]"))
        .await
        .unwrap();
    assert_eq!(rows.len(), expected_matches);
    for row in &rows {
        assert!(
            row.attr("data-account")
                .await
                .unwrap()
                .unwrap()
                .contains("acme")
        );
    }
    app.shot("06-search").await;

    // One click mints a token, which works against GitHub.
    let first = &rows[0];
    first
        .find(By::Css("[data-testid=mint]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    app.el("token-panel").await;
    app.el("reveal").await.click().await.unwrap();
    let token = app
        .wait_text("token", |text| {
            text.starts_with("ghs_") && !text.contains('•')
        })
        .await;
    app.wait_text("countdown", |text| {
        text.starts_with("59:") || text.starts_with("1:00:")
    })
    .await;
    assert!(
        app.el("clone-line")
            .await
            .text()
            .await
            .unwrap()
            .contains(&format!("x-access-token:{token}@"))
    );
    assert_eq!(repositories_status(&api, &token).await, 200);
    app.el("reveal").await.click().await.unwrap();
    app.shot("07-token").await;

    // Revoke it: it stops working.
    app.el("revoke").await.click().await.unwrap();
    app.el("confirm-revoke").await.click().await.unwrap();
    app.el("revoked").await;
    assert_eq!(repositories_status(&api, &token).await, 401);
    app.shot("08-revoked").await;
    app.driver
        .action_chain()
        .send_keys(thirtyfour::Key::Escape)
        .perform()
        .await
        .unwrap();

    // Keys: the stored fingerprint equals openssl's; compare with what GitHub shows.
    app.el("tab-keys").await.click().await.unwrap();
    app.wait_text("key-fingerprint", |text| text == expected)
        .await;
    let other = openssl_fingerprint("rsa2048-second.pem");
    app.paste(
        "github-fingerprints",
        &format!("Private keys\n{expected}\nAdded today\n{other}\n"),
    )
    .await;
    app.el("compare").await.click().await.unwrap();
    app.el("matched").await;
    let github_keys = app
        .driver
        .find_all(By::Css("[data-testid=github-key]"))
        .await
        .unwrap();
    assert_eq!(github_keys.len(), 2);
    assert_eq!(
        github_keys[0].attr("data-held").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(
        github_keys[1].attr("data-held").await.unwrap().as_deref(),
        Some("false")
    );
    app.shot("09-fingerprints-match").await;
    app.paste("github-fingerprints", &other).await;
    app.el("compare").await.click().await.unwrap();
    app.el("not-on-github").await;
    app.shot("10-fingerprints-mismatch").await;

    app.quit().await;
}
