//! End-to-end tests of the real appwarden-desktop window (Xvfb, tauri-driver, WebKitWebDriver)
//! with gnome-keyring on a private D-Bus bus and ghsim on 127.0.0.1. Each step is
//! screenshotted into target/e2e-screenshots/.

use appwarden_system_tests::desktop::{Desktop, store_app_with_cli};
use appwarden_system_tests::keyring_session::{Keyring, KeyringSession};
use appwarden_system_tests::{fixture, fixture_text, jwt_window_with_room, start_sim};
use ghsim::{FaultKind, FaultRule, SimConfig};
use std::process::Command;
use std::time::Duration;
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
    let saved = home.path().join("activity-shown.jsonl");
    let saved_env = saved.to_string_lossy().into_owned();
    let app = Desktop::start(
        "admin-flow",
        &keyring,
        home.path(),
        &[("APPWARDEN_TEST_SAVE_PATH", &saved_env)],
    )
    .await;
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
    // A new app suggests comparing its key with the fingerprints GitHub shows.
    let suggestion = app.el("just-added").await.text().await.unwrap();
    assert!(
        suggestion.contains("compare the fingerprints"),
        "{suggestion}"
    );

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
    app.escape().await;

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

    // The activity record: what was done, newest first, its chain intact; token minted and
    // revoked shown by their outcome, never the token; the revocation exported on its own.
    app.el("open-activity").await.click().await.unwrap();
    app.wait_text("activity-shown", |t| t == "3").await;
    let mut actions = Vec::new();
    for row in app
        .driver
        .find_all(By::Css("[data-testid=activity-row]"))
        .await
        .unwrap()
    {
        actions.push(row.text().await.unwrap());
    }
    assert!(actions[0].contains("token.revoked"), "{actions:?}");
    assert!(actions[1].contains("token.minted"), "{actions:?}");
    assert!(actions[2].contains("app.added"), "{actions:?}");
    assert!(actions.iter().all(|a| !a.contains(&token)));
    let chain = app.el("activity-chain").await.text().await.unwrap();
    assert!(chain.contains("chain intact"), "{chain}");
    app.choose("activity-action", "token").await;
    app.wait_text("activity-shown", |t| t == "2").await;
    app.paste("activity-search", "revoked").await;
    app.wait_text("activity-shown", |t| t == "1").await;
    app.shot("11-activity").await;
    app.el("activity-export").await.click().await.unwrap();
    app.wait_text("activity-exported", |t| t.starts_with("1 entries saved"))
        .await;
    let exported = std::fs::read_to_string(&saved).unwrap();
    let line: serde_json::Value = serde_json::from_str(exported.trim()).unwrap();
    assert_eq!(line["action"], "token.revoked");
    assert_eq!(line["outcome"], "succeeded");
    assert!(!exported.contains(&token));

    app.quit().await;
}

async fn active_testid(app: &Desktop) -> Option<String> {
    let value = app
        .driver
        .execute(
            "return document.activeElement?.dataset?.testid ?? null",
            vec![],
        )
        .await
        .unwrap();
    value.json().as_str().map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_mode_keyboard_details_and_scoped_tokens() {
    let keyring = KeyringSession::start(Keyring::Unlocked);
    let home = tempfile::tempdir().unwrap();
    let sim = start_sim(SimConfig {
        installations: 150,
        ..Default::default()
    })
    .await;
    let api = sim.api_url();
    store_app_with_cli(&keyring, home.path(), "Ops bot", &api);
    // A key add killed between the keyring write and the config write leaves an orphan.
    let mut interrupted = Command::new(appwarden_system_tests::appwarden_bin());
    interrupted
        .args(["app", "key", "add", "Ops bot", "--no-verify", "--key"])
        .arg(fixture("rsa2048-second.pem"))
        .env("HOME", home.path())
        .env("APPWARDEN_CONFIG_DIR", home.path().join("config"))
        .env("DBUS_SESSION_BUS_ADDRESS", &keyring.address);
    appwarden_system_tests::kill_after_keyring_write(interrupted, home.path());
    assert_eq!(keyring.appwarden_entries().len(), 2);
    let app = Desktop::start(
        "keyboard-and-scopes",
        &keyring,
        home.path(),
        &[("APPWARDEN_DEMO", "1")],
    )
    .await;

    // The orphan is offered for clean-up, and deleted on request.
    let notice = app.el("orphans").await.text().await.unwrap();
    assert!(notice.contains("no app uses"), "{notice}");
    app.shot("00-orphaned-key").await;
    app.el("clean-orphans").await.click().await.unwrap();
    let gone = app
        .driver
        .query(By::Css("[data-testid=orphans]"))
        .wait(Duration::from_secs(10), Duration::from_millis(50))
        .not_exists()
        .await
        .unwrap();
    assert!(gone, "the notice goes once cleaned");
    assert_eq!(keyring.appwarden_entries().len(), 1);

    // Demo mode is labelled.
    assert_eq!(
        app.el("demo-label").await.text().await.unwrap(),
        "Simulated GitHub"
    );

    // The page may call Appwarden's own commands, but no other API: not core's, and not the
    // plugins Rust uses on its behalf (clipboard, dialog).
    for command in [
        "plugin:app|version",
        "plugin:clipboard-manager|read_text",
        "plugin:clipboard-manager|write_text",
        "plugin:dialog|open",
        "plugin:opener|open_url",
        "plugin:shell|execute",
        "plugin:shell|open",
        "plugin:fs|read_file",
        "plugin:fs|write_file",
        "plugin:http|fetch",
        "plugin:window|close",
        "plugin:webview|create_webview_window",
        "plugin:path|resolve_directory",
    ] {
        let outcome = app
            .driver
            .execute_async(
                "const [command, done] = arguments; window.__TAURI_INTERNALS__.invoke(command, {}).then(() => done('allowed'), (e) => done('denied: ' + String(e)));",
                vec![serde_json::Value::String(command.to_owned())],
            )
            .await
            .unwrap();
        let outcome = outcome.json().as_str().unwrap_or_default().to_owned();
        assert!(outcome.starts_with("denied"), "{command}: {outcome}");
    }
    app.wait_text("list-status", |text| text.contains("150 of 150"))
        .await;

    // No HTTP from the page: the CSP refuses connections to GitHub (or anywhere else).
    for url in [format!("{api}/app"), "https://api.github.com/".to_owned()] {
        let outcome = app
            .driver
            .execute_async(
                "const [url, done] = arguments; fetch(url).then(() => done('allowed'), (e) => done('denied: ' + String(e)));",
                vec![serde_json::Value::String(url.clone())],
            )
            .await
            .unwrap();
        let outcome = outcome.json().as_str().unwrap_or_default().to_owned();
        assert!(outcome.starts_with("denied"), "fetch {url}: {outcome}");
    }

    // "/" focuses search.
    app.driver
        .action_chain()
        .send_keys("/")
        .perform()
        .await
        .unwrap();
    assert_eq!(active_testid(&app).await.as_deref(), Some("search"));
    let target = sim
        .installations()
        .into_iter()
        .find(|i| i.account_login == "acme-labs")
        .unwrap();
    app.el("search").await.send_keys("acme-labs").await.unwrap();
    app.wait_text("shown-count", |text| text == "1").await;

    // Selecting a row opens its details; its repositories are read with an installation token,
    // minted for it a moment before: GitHub refuses a new token while it replicates, and the
    // window still shows the repositories.
    sim.set_token_replication(Duration::from_millis(1_200));
    let row = app.el("installation-row").await;
    row.click().await.unwrap();
    app.el("details").await;
    app.el("load-repos").await.click().await.unwrap();
    let repos = app.wait_text("repos", |text| !text.is_empty()).await;
    for repo in &target.repositories {
        assert!(
            repos.contains(&format!("acme-labs/{}", repo.name)),
            "{repos}"
        );
    }
    app.shot("01-details").await;
    assert!(
        sim.stats().by_endpoint["GET /installation/repositories"] >= 2,
        "refused while replicating, then read"
    );
    sim.set_token_replication(Duration::ZERO);

    // Enter mints for the selected row; Escape closes the token panel.
    app.driver
        .execute("document.activeElement.blur()", vec![])
        .await
        .unwrap();
    app.driver
        .action_chain()
        .send_keys(thirtyfour::Key::Enter)
        .perform()
        .await
        .unwrap();
    app.el("token-panel").await;
    app.escape().await;
    let closed = app
        .driver
        .query(By::Css("[data-testid=token-panel]"))
        .not_exists()
        .await
        .unwrap();
    assert!(closed, "Escape closes the token panel");

    // A scoped token: one repository, contents read only.
    app.el("scope").await.click().await.unwrap();
    app.el("scope-dialog").await;
    let first_repo = app
        .driver
        .query(By::Css("[data-testid=scope-dialog] input[type=checkbox]"))
        .first()
        .await
        .unwrap();
    first_repo.click().await.unwrap();
    for permission in target.permissions.keys() {
        let level = if permission == "contents" {
            "read"
        } else {
            "none"
        };
        let select = app.el(&format!("level-{permission}")).await;
        select
            .find(By::Css(format!("option[value='{level}']")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    app.shot("02-scope").await;
    app.el("mint-scoped").await.click().await.unwrap();
    app.el("token-panel").await;
    let granted = app
        .wait_text("token-repositories", |text| !text.is_empty())
        .await;
    assert_eq!(
        granted.trim(),
        format!("acme-labs/{}", target.repositories[0].name)
    );
    let permissions = app.el("token-permissions").await.text().await.unwrap();
    assert!(
        permissions.contains("Contents")
            && permissions.contains("read")
            && !permissions.contains("Issues"),
        "{permissions}"
    );
    app.el("reveal").await.click().await.unwrap();
    let token = app
        .wait_text("token", |text| {
            text.starts_with("ghs_") && !text.contains('•')
        })
        .await;
    let record = sim.token(&token).expect("ghsim issued it");
    assert_eq!(record.repository_ids, Some(vec![target.repositories[0].id]));
    assert_eq!(record.permissions.len(), 1);
    app.el("reveal").await.click().await.unwrap();
    app.shot("03-scoped-token").await;
    app.quit().await;

    // Started again with GitHub slow to answer: the list from last time is on screen at once,
    // marked as refreshing, and the refresh confirms it with 304s. GitHub's ETags depend on
    // the JWT, which is the same for every process within a five-minute window: the list is
    // cached by one more start inside the window the check runs in.
    jwt_window_with_room(Duration::from_secs(40)).await;
    let app = Desktop::start(
        "cached-list-primed",
        &keyring,
        home.path(),
        &[("APPWARDEN_DEMO", "1")],
    )
    .await;
    // Shown at once from the cache; quit once the refresh has saved the list with its ETags.
    app.wait_text("list-status", |t| {
        t.contains("150 of 150") && !t.contains("refreshing")
    })
    .await;
    app.quit().await;
    sim.set_latency(Duration::from_secs(3));
    let before = sim.stats();
    let app = Desktop::start(
        "cached-list-at-start",
        &keyring,
        home.path(),
        &[("APPWARDEN_DEMO", "1")],
    )
    .await;
    let refreshing = app.el("refreshing").await.text().await.unwrap();
    assert!(refreshing.contains("refreshing"), "{refreshing}");
    assert_eq!(app.el("shown-count").await.text().await.unwrap(), "150");
    app.shot("04-cached-while-refreshing").await;
    app.el("unchanged").await;
    let after = sim.stats();
    let listing_requests = |stats: &ghsim::Stats| stats.by_endpoint["GET /app/installations"];
    assert_eq!(listing_requests(&after) - listing_requests(&before), 2);
    assert_eq!(
        after.not_modified - before.not_modified,
        2,
        "both pages confirmed by 304s (the same JWT)"
    );
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enterprise_server_with_its_own_ca() {
    let keyring = KeyringSession::start(Keyring::Unlocked);
    let home = tempfile::tempdir().unwrap();
    let sim = start_sim(SimConfig {
        tls: true,
        ghes: true,
        installations: 40,
        ..Default::default()
    })
    .await;
    let host = format!("https://{}", sim.addr());
    let app = Desktop::start("enterprise-ca", &keyring, home.path(), &[]).await;

    app.el("add-app-dialog").await;
    app.paste("pem", &fixture_text("rsa2048-pkcs1.pem")).await;
    app.el("staged-fingerprint").await;
    app.driver
        .find(By::Css("input[type=radio][value=ghes]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    app.el("host").await.send_keys(&host).await.unwrap();
    app.el("app-id").await.send_keys("1").await.unwrap();

    // Without the server's CA: refused as untrusted, said so, nothing stored.
    app.el("check").await.click().await.unwrap();
    let error = app.el("error").await;
    assert_eq!(
        error.attr("data-code").await.unwrap().as_deref(),
        Some("untrusted_certificate")
    );
    assert!(error.text().await.unwrap().contains("CA certificate"));
    app.shot("01-untrusted").await;
    assert!(!app.config_dir.join("config.toml").exists());

    // With the CA pasted: accepted, saved, and the host keeps trusting it.
    app.paste("ca-certificate", sim.ca_pem().unwrap()).await;
    app.el("check").await.click().await.unwrap();
    app.wait_text("check-ok", |text| text.contains("GitHub accepts this key"))
        .await;
    app.el("save-app").await.click().await.unwrap();
    app.wait_text("list-status", |text| text.contains("40 of 40"))
        .await;
    app.shot("02-listed").await;

    app.el("open-settings").await.click().await.unwrap();
    let row = app.el("host-row").await;
    assert_eq!(
        row.attr("data-api-url").await.unwrap(),
        Some(format!("{host}/api/v3"))
    );
    assert!(row.text().await.unwrap().contains("own CA"));
    app.shot("03-settings-hosts").await;
    let config = std::fs::read_to_string(app.config_dir.join("config.toml")).unwrap();
    assert!(config.contains("[[host]]") && config.contains("BEGIN CERTIFICATE"));

    app.quit().await;
}

/// Fills the add-app dialog (key already staged) with an API URL and app ID, checks, and
/// returns the error shown: (code, text).
async fn check_draft(app: &Desktop, api_url: &str, app_id: &str) -> (String, String) {
    let host = app.el("host").await;
    host.clear().await.unwrap();
    host.send_keys(api_url).await.unwrap();
    let id = app.el("app-id").await;
    id.clear().await.unwrap();
    id.send_keys(app_id).await.unwrap();
    app.el("check").await.click().await.unwrap();
    let error = app.el("error").await;
    let code = error.attr("data-code").await.unwrap().unwrap_or_default();
    let text = error.text().await.unwrap();
    // Clear it for the next case.
    app.driver
        .execute(
            "document.querySelectorAll('[data-testid=error]').forEach(e => e.remove())",
            vec![],
        )
        .await
        .unwrap();
    (code, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_in_the_window_and_changes_nothing() {
    let keyring = KeyringSession::start(Keyring::Unlocked);
    let home = tempfile::tempdir().unwrap();
    let sim = start_sim(SimConfig::default()).await;
    let app = Desktop::start("bad-input", &keyring, home.path(), &[]).await;
    app.el("add-app-dialog").await;
    app.paste("pem", &fixture_text("rsa2048-pkcs1.pem")).await;
    app.el("staged-fingerprint").await;
    app.driver
        .find(By::Css("input[type=radio][value=url]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let api = sim.api_url();
    let cases: [(&str, &str, &str, &str); 6] = [
        (api.as_str(), "abc", "invalid_input", "app ID"),
        (api.as_str(), "-5", "invalid_input", "app ID"),
        ("not a url at all", "1", "invalid_input", ""),
        ("ftp://example.com", "1", "invalid_input", "scheme"),
        (
            "http://127.0.0.1:9",
            "1",
            "network",
            "could not reach GitHub",
        ),
        (api.as_str(), "424242", "key_rejected", ""),
    ];
    for (api_url, app_id, code, words) in cases {
        let (shown_code, text) = check_draft(&app, api_url, app_id).await;
        assert_eq!(shown_code, code, "{api_url} / {app_id}: {text}");
        assert!(text.contains(words), "{api_url} / {app_id}: {text}");
    }
    app.shot("bad-input").await;
    assert!(!app.config_dir.join("config.toml").exists());
    assert!(keyring.appwarden_entries().is_empty());
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_reach_the_window_as_what_to_do_never_as_a_partial_list() {
    let keyring = KeyringSession::start(Keyring::Unlocked);
    let home = tempfile::tempdir().unwrap();
    let sim = start_sim(SimConfig {
        installations: 250,
        ..Default::default()
    })
    .await;
    let api = sim.api_url();
    store_app_with_cli(&keyring, home.path(), "Ops bot", &api);
    // Page 2 keeps failing (502 after every retry), then recovers.
    sim.inject(FaultRule::new("page=2", FaultKind::Status(502)).always());
    let app = Desktop::start("faults", &keyring, home.path(), &[]).await;

    let error = app.el("error").await;
    assert_eq!(
        error.attr("data-code").await.unwrap().as_deref(),
        Some("incomplete")
    );
    let partial = app.el("partial").await.text().await.unwrap();
    assert!(partial.contains("incomplete"), "{partial}");
    let status = app.el("list-status").await.text().await.unwrap();
    assert!(!status.contains("of 250 installations"), "{status}");
    app.shot("01-listing-incomplete").await;
    sim.clear_faults();
    app.el("retry").await.click().await.unwrap();
    app.wait_text("list-status", |t| t.contains("250 of 250"))
        .await;

    // GitHub refuses the token: each refusal says what it is and what to do.
    let cases = [
        (FaultKind::IpAllowList, "ip_allow_list", "IP allow list"),
        (
            FaultKind::PrimaryRateLimit {
                reset_in_secs: 3600,
            },
            "rate_limited",
            "Rate limited until",
        ),
        (
            FaultKind::MalformedJson,
            "invalid_response",
            "POST /app/installations/",
        ),
    ];
    for (kind, code, words) in cases {
        // One case at a time (a primary rate limit lasts until its reset).
        sim.clear_faults();
        sim.inject(FaultRule::new("access_tokens", kind));
        app.el("mint").await.click().await.unwrap();
        let error = app
            .driver
            .query(By::Css(format!("[data-testid=error][data-code={code}]")))
            .wait(Duration::from_secs(15), Duration::from_millis(50))
            .first()
            .await
            .unwrap_or_else(|e| panic!("no {code} error: {e}"));
        let text = error.text().await.unwrap();
        assert!(text.contains(words), "{code}: {text}");
        app.shot(&format!("02-{code}")).await;
    }
    // A secondary rate limit with a short wait: the window says it is waiting, and until
    // when, then the token arrives.
    sim.clear_faults();
    let mints = || sim.stats().by_endpoint["POST /app/installations/:id/access_tokens"];
    let mints_before = mints();
    sim.inject(FaultRule::new(
        "access_tokens",
        FaultKind::SecondaryRateLimit {
            retry_after_secs: 3,
        },
    ));
    app.el("mint").await.click().await.unwrap();
    let waiting = app
        .wait_text("rate-limit-wait", |t| t.contains("waiting until"))
        .await;
    assert!(waiting.contains("secondary rate limit"), "{waiting}");
    assert!(waiting.contains("POST /app/installations/"), "{waiting}");
    app.shot("03-waiting-out-a-secondary-rate-limit").await;
    app.el("token-panel").await;
    assert_eq!(
        mints() - mints_before,
        2,
        "the limited request, then its retry"
    );
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_installation_is_suspended_then_unsuspended_from_the_window() {
    let keyring = KeyringSession::start(Keyring::Unlocked);
    let home = tempfile::tempdir().unwrap();
    let sim = start_sim(SimConfig {
        installations: 30,
        ..Default::default()
    })
    .await;
    store_app_with_cli(&keyring, home.path(), "Ops bot", &sim.api_url());
    let target = sim
        .installations()
        .into_iter()
        .find(|i| i.suspended_at.is_none() && i.account_login.starts_with("acme"))
        .unwrap();
    let is_suspended = || {
        sim.installations()
            .iter()
            .find(|i| i.id == target.id)
            .is_some_and(|i| i.suspended_at.is_some())
    };
    let app = Desktop::start("administration", &keyring, home.path(), &[]).await;
    app.wait_text("list-status", |t| t.contains("30 of 30"))
        .await;
    app.el("search")
        .await
        .send_keys(&target.account_login)
        .await
        .unwrap();
    app.wait_text("shown-count", |t| t == "1").await;
    app.el("installation-row").await.click().await.unwrap();
    app.el("details").await;

    // Suspending asks for the login; a wrong one keeps the button disabled.
    app.el("suspend").await.click().await.unwrap();
    app.el("confirm-admin").await;
    app.el("confirm-login")
        .await
        .send_keys("not-the-login")
        .await
        .unwrap();
    let confirm = app.el("confirm-action").await;
    assert!(!confirm.is_enabled().await.unwrap());
    let typed = app.el("confirm-login").await;
    typed.clear().await.unwrap();
    typed.send_keys(&target.account_login).await.unwrap();
    app.shot("01-confirm-suspend").await;
    app.el("confirm-action").await.click().await.unwrap();
    app.el("suspended-badge").await;
    assert!(is_suspended(), "GitHub has it suspended");
    let row = app.el("installation-row").await.text().await.unwrap();
    assert!(row.contains("Suspended"), "{row}");
    app.shot("02-suspended").await;

    // Unsuspending is not destructive: one click.
    app.el("unsuspend").await.click().await.unwrap();
    app.el("suspend").await;
    assert!(!is_suspended(), "GitHub has it active again");
    let badge_gone = app
        .driver
        .query(By::Css("[data-testid=suspended-badge]"))
        .not_exists()
        .await
        .unwrap();
    assert!(badge_gone);

    // Pending installation requests on the App tab.
    app.el("tab-overview").await.click().await.unwrap();
    app.el("load-requests").await.click().await.unwrap();
    let requests = app.wait_text("requests", |t| !t.is_empty()).await;
    assert!(requests.contains("pending-labs"), "{requests}");
    app.shot("03-requests").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_webhook_deliveries_are_redelivered_from_the_window() {
    let keyring = KeyringSession::start(Keyring::Unlocked);
    let home = tempfile::tempdir().unwrap();
    let sim = start_sim(SimConfig {
        installations: 12,
        ..Default::default()
    })
    .await;
    store_app_with_cli(&keyring, home.path(), "Hooks bot", &sim.api_url());
    let app = Desktop::start("webhooks", &keyring, home.path(), &[]).await;
    app.el("tab-webhook").await.click().await.unwrap();

    // The configuration, with the secret only as "set".
    let url = app.wait_text("webhook-url", |t| !t.is_empty()).await;
    assert_eq!(url, "https://hooks.example.com/github");
    let secret_state = app
        .wait_text("webhook-secret-state", |t| !t.is_empty())
        .await;
    assert!(secret_state.starts_with("Set"), "{secret_state}");
    let page = app.driver.source().await.unwrap();
    assert!(!page.contains(ghsim::hooks::DEFAULT_SECRET));
    app.shot("00-webhook-tab").await;

    // Failed deliveries of the last 3 days; one opened with its request and response.
    app.choose("window-filter", "3d").await;
    app.el("failed-only").await.click().await.unwrap();
    app.wait_text("deliveries-summary", |t| t.starts_with("10 deliveries"))
        .await;
    let rows = app
        .driver
        .find_all(By::Css("[data-testid=delivery-row]"))
        .await
        .unwrap();
    assert_eq!(rows.len(), 10);
    rows[0]
        .find(By::Css("td"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    app.el("delivery-details").await;
    let headers = app
        .wait_text("request-headers", |t| t.contains("X-GitHub-Delivery"))
        .await;
    assert!(headers.contains("X-Hub-Signature-256"), "{headers}");
    let payload = app
        .wait_text("request-payload", |t| t.contains("sender"))
        .await;
    assert!(payload.contains("\"installation\""), "{payload}");
    app.shot("01-failed-delivery-details").await;

    // Redeliver every failure of the window: 5 events were already redelivered successfully.
    app.el("redeliver-failed").await.click().await.unwrap();
    app.el("redeliver-dialog").await;
    let plan = app
        .wait_text("redeliver-plan", |t| t.contains("to redeliver"))
        .await;
    assert!(plan.contains("10 failed deliveries"), "{plan}");
    assert!(
        plan.contains("5 events were since delivered successfully"),
        "{plan}"
    );
    assert!(plan.contains("5 to redeliver"), "{plan}");
    app.shot("02-redelivery-plan").await;
    let before = sim.deliveries().len();
    app.el("confirm-redeliver").await.click().await.unwrap();
    app.el("redeliver-progress").await;
    app.shot("03-redelivering").await;
    let outcome = app
        .wait_text("redeliver-outcome", |t| t.contains("redelivered"))
        .await;
    assert!(outcome.starts_with("5 redelivered."), "{outcome}");
    app.shot("04-redelivered").await;
    let after = sim.deliveries();
    assert_eq!(after.len(), before + 5);
    let redelivered = &after[before..];
    assert!(redelivered.iter().all(|d| d.redelivery && d.succeeded()));
    let failed_events: std::collections::HashSet<&str> = after
        .iter()
        .filter(|d| !d.succeeded())
        .map(|d| d.guid.as_str())
        .collect();
    let recovered: std::collections::HashSet<&str> = after
        .iter()
        .filter(|d| d.succeeded())
        .map(|d| d.guid.as_str())
        .collect();
    assert!(
        failed_events.is_subset(&recovered),
        "every failed event now delivered"
    );
    app.el("close-redeliver").await.click().await.unwrap();

    // A second run finds nothing left to do.
    app.el("redeliver-failed").await.click().await.unwrap();
    let plan = app
        .wait_text("redeliver-plan", |t| t.contains("to redeliver"))
        .await;
    assert!(plan.contains("0 to redeliver"), "{plan}");
    app.driver
        .action_chain()
        .send_keys(Key::Escape)
        .perform()
        .await
        .unwrap();

    // The configuration is edited: a new URL and a generated secret; the secret never comes back.
    app.el("edit-webhook").await.click().await.unwrap();
    let input = app.el("webhook-url-input").await;
    input.clear().await.unwrap();
    input
        .send_keys("https://receiver.example.org/hooks")
        .await
        .unwrap();
    app.el("secret-replace").await.click().await.unwrap();
    app.el("generate-secret").await.click().await.unwrap();
    let generated = app
        .el("webhook-secret-input")
        .await
        .value()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(generated.len(), 64);
    app.shot("05-edit-configuration").await;
    app.el("save-webhook").await.click().await.unwrap();
    app.wait_text("webhook-url", |t| t == "https://receiver.example.org/hooks")
        .await;
    assert_eq!(sim.webhook_secret().as_deref(), Some(generated.as_str()));
    assert_eq!(
        sim.webhook_config().url,
        "https://receiver.example.org/hooks"
    );
    assert!(!app.driver.source().await.unwrap().contains(&generated));

    // The signature checker: a body signed with the new secret is valid, a changed one not.
    app.el("open-signature-checker")
        .await
        .click()
        .await
        .unwrap();
    let body = r#"{"action":"opened","number":1}"#;
    let signature = ghsim::hooks::signature(&generated, body.as_bytes());
    app.paste("sig-payload", body).await;
    app.paste("sig-secret", &generated).await;
    app.paste("sig-signature", &signature).await;
    app.el("sig-check").await.click().await.unwrap();
    let verdict = app.wait_text("sig-verdict", |t| !t.is_empty()).await;
    assert!(verdict.starts_with("✓ Valid"), "{verdict}");
    app.paste("sig-payload", &body.replace("1", "2")).await;
    app.el("sig-check").await.click().await.unwrap();
    let verdict = app.wait_text("sig-verdict", |t| !t.is_empty()).await;
    assert!(verdict.starts_with("✕ Invalid"), "{verdict}");
    app.shot("06-signature-checker").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_guidance_empty_states_and_about() {
    let keyring = KeyringSession::start(Keyring::Unlocked);
    let home = tempfile::tempdir().unwrap();
    let sim = start_sim(SimConfig {
        installations: 0,
        ..Default::default()
    })
    .await;
    store_app_with_cli(&keyring, home.path(), "New bot", &sim.api_url());
    let app = Desktop::start("first-run", &keyring, home.path(), &[]).await;

    // An app nobody installed yet: the window says so and links the app's install page.
    let empty = app.wait_text("no-installations", |t| !t.is_empty()).await;
    assert!(
        empty.contains("No account has installed this app yet"),
        "{empty}"
    );
    let link = app.wait_text("install-link", |t| !t.is_empty()).await;
    assert!(
        link.ends_with("/apps/appwarden-demo/installations/new"),
        "{link}"
    );
    app.shot("01-no-installations").await;

    // Adding an app: a pasted settings-page URL fills in the host and names the page where
    // the app ID, client ID and private keys are.
    app.el("add-app").await.click().await.unwrap();
    app.el("first-run-guide").await;
    let settings = app.el("open-app-settings").await.text().await.unwrap();
    assert!(
        settings.starts_with("https://github.com/settings/apps"),
        "{settings}"
    );
    let location = app.el("settings-location").await;
    location
        .send_keys("https://github.com/organizations/acme/settings/apps/deploy-bot")
        .await
        .unwrap();
    app.wait_text("open-app-settings", |t| {
        t.starts_with("https://github.com/organizations/acme/settings/apps/deploy-bot")
    })
    .await;
    location.clear().await.unwrap();
    location
        .send_keys("https://ghes.example.com/settings/apps/ops-bot")
        .await
        .unwrap();
    app.wait_text("open-app-settings", |t| {
        t.starts_with("https://ghes.example.com/settings/apps/ops-bot")
    })
    .await;
    let host = app.el("host").await.prop("value").await.unwrap();
    assert_eq!(host.as_deref(), Some("ghes.example.com"));
    app.shot("02-add-app-guidance").await;
    location.clear().await.unwrap();
    location.send_keys("not a settings page!").await.unwrap();
    app.el("settings-location-unknown").await;
    app.escape().await;

    // About: the version, the folders (the config one is this profile's), the licences.
    app.el("open-about").await.click().await.unwrap();
    let version = app.wait_text("about-version", |t| !t.is_empty()).await;
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    let config = app.el("about-config").await.text().await.unwrap();
    assert_eq!(config, app.config_dir.display().to_string());
    let licences = app.el("licences").await.text().await.unwrap();
    assert!(
        licences.contains("tauri") && licences.contains("Apache-2.0 OR MIT"),
        "{licences}"
    );
    assert!(licences.contains("svelte"), "{licences}");
    app.shot("03-about").await;
    app.el("licence-filter")
        .await
        .send_keys("zeroize")
        .await
        .unwrap();
    let rows = app
        .driver
        .find_all(By::Css("[data-testid=licence-row]"))
        .await
        .unwrap();
    assert!(!rows.is_empty() && rows.len() < 5, "{} rows", rows.len());
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_is_imported_into_a_hardware_token_from_the_window_and_mints_there() {
    use appwarden_system_tests::softhsm::{self, SoftHsm};
    const PIN: &str = "pin-W1nd0w-77";
    let hsm = SoftHsm::new();
    hsm.init_token_with_pin("window token", PIN);
    let keyring = KeyringSession::start(Keyring::Unlocked);
    let home = tempfile::tempdir().unwrap();
    let sim = start_sim(SimConfig {
        installations: 12,
        ..Default::default()
    })
    .await;
    sim.register_key(ghsim::public_pkcs1_der(&fixture_text("rsa2048-second.pem")).unwrap());
    let api = sim.api_url();
    store_app_with_cli(&keyring, home.path(), "Token Bot", &api);
    let conf = hsm.conf().to_string_lossy().into_owned();
    let app = Desktop::start(
        "hardware-key",
        &keyring,
        home.path(),
        &[("SOFTHSM2_CONF", &conf)],
    )
    .await;
    app.wait_text("app-title", |text| text == "Token Bot").await;
    app.el("tab-keys").await.click().await.unwrap();
    app.el("add-token-key").await.click().await.unwrap();

    // The module picker offers the SoftHSM2 found in its usual place; its token is listed
    // with its serial, beside SoftHSM's free slot.
    app.paste("pkcs11-module", &softhsm::module().to_string_lossy())
        .await;
    app.el("find-tokens").await.click().await.unwrap();
    let tokens = app
        .wait_text("token-list", |text| text.contains("window token"))
        .await;
    assert!(tokens.contains("Free slot"), "{tokens}");
    app.paste("token-pem", &fixture_text("rsa2048-second.pem"))
        .await;
    let expected = openssl_fingerprint("rsa2048-second.pem");
    app.wait_text("token-staged", |text| text == expected).await;
    app.shot("01-token-picker").await;
    app.el("save-token-key").await.click().await.unwrap();

    // The token needs its PIN: a wrong one is refused with the token's words, the right one
    // unlocks it and the add goes on by itself.
    app.wait_text("pin-token", |text| text == "window token")
        .await;
    app.el("pin-input").await.send_keys("000000").await.unwrap();
    app.el("pin-unlock").await.click().await.unwrap();
    let wrong = app
        .wait_text("pin-error", |text| text.contains("Wrong PIN"))
        .await;
    assert!(wrong.contains("window token"), "{wrong}");
    app.shot("02-wrong-pin").await;
    app.el("pin-input").await.send_keys(PIN).await.unwrap();
    app.el("pin-unlock").await.click().await.unwrap();

    // The key is on the token now, sensitive and not extractable, and it signs.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let sources = app
            .driver
            .find_all(By::Css("[data-testid=key-source]"))
            .await
            .unwrap();
        if sources.len() == 2 {
            assert!(
                sources[1].text().await.unwrap().contains("hardware token"),
                "the second key is on the token"
            );
            break;
        }
        if std::time::Instant::now() >= deadline {
            app.gave_up("the token key never appeared").await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.shot("03-key-on-token").await;
    let objects = hsm.pkcs11_tool_with_pin("window token", PIN, &["--list-objects"]);
    let listing = String::from_utf8_lossy(&objects.stdout).into_owned();
    assert!(
        listing.contains("appwarden/Token Bot")
            && listing.contains("sensitive")
            && !listing.contains("extractable"),
        "{listing}"
    );

    // Minting signs with the newest key, the one on the token, without asking for the PIN
    // again: the session is kept while the app runs.
    app.el("tab-installations").await.click().await.unwrap();
    app.wait_text("list-status", |text| {
        text.contains("12 of 12 installations")
    })
    .await;
    let token = app.mint_first_installation().await;
    assert_eq!(repositories_status(&api, &token).await, 200);
    app.el("reveal").await.click().await.unwrap();
    app.shot("04-minted-with-token-key").await;
    app.escape().await;

    // A new app can keep its key on the token from the start (the token is unlocked already).
    app.el("add-app").await.click().await.unwrap();
    app.fill_new_app("rsa2048-pkcs1.pem", &api, "1").await;
    app.el("app-name")
        .await
        .send_keys("Token Bot 2")
        .await
        .unwrap();
    app.el("key-on-token").await.click().await.unwrap();
    app.paste("pkcs11-module", &softhsm::module().to_string_lossy())
        .await;
    app.el("find-tokens").await.click().await.unwrap();
    app.wait_text("token-list", |text| text.contains("window token"))
        .await;
    app.shot("05-new-app-on-token").await;
    app.el("save-app").await.click().await.unwrap();
    app.wait_text("app-title", |text| text == "Token Bot 2")
        .await;
    app.el("tab-keys").await.click().await.unwrap();
    app.wait_text("key-source", |text| text.contains("hardware token"))
        .await;
    let config = std::fs::read_to_string(app.config_dir.join("config.toml")).unwrap();
    assert!(
        config.contains("key_label = \"appwarden/Token Bot 2\""),
        "{config}"
    );
    app.quit().await;

    // The next morning: the app starts with its key on a locked token. Everything it asks
    // GitHub for at start (the app, its installations) waits on one PIN dialog, and all of it
    // loads once the token is unlocked.
    let app = Desktop::start(
        "hardware-key-restart",
        &keyring,
        home.path(),
        &[("SOFTHSM2_CONF", &conf)],
    )
    .await;
    app.wait_text("pin-token", |text| text == "window token")
        .await;
    app.shot("01-pin-at-start").await;
    app.el("pin-input").await.send_keys(PIN).await.unwrap();
    app.el("pin-unlock").await.click().await.unwrap();
    // The cached list shows at once; the refresh behind it, asked again after the PIN, must
    // bring the whole list (not an empty one) to replace it.
    app.wait_text("list-status", |text| {
        text.contains("12 of 12 installations") && !text.contains("refreshing")
    })
    .await;
    app.el("tab-overview").await.click().await.unwrap();
    app.wait_text("overview-installations", |text| text == "12")
        .await;
    let organizations = app.wait_text("count-organizations", |_| true).await;
    let users = app.wait_text("count-users", |_| true).await;
    let leading = |text: &str| -> usize {
        let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().unwrap_or(0)
    };
    assert_eq!(
        leading(&organizations) + leading(&users),
        12,
        "the counts cover every installation: {organizations:?} {users:?}"
    );
    let dialogs = app
        .driver
        .find_all(By::Css("[data-testid=pin-dialog]"))
        .await
        .unwrap();
    assert!(dialogs.is_empty(), "the PIN was asked for again");
    app.shot("02-loaded-after-one-pin").await;
    app.quit().await;

    // The PIN is in no file the app wrote (config, cache, log).
    for file in appwarden_system_tests::files_under(home.path()) {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !bytes.windows(PIN.len()).any(|w| w == PIN.as_bytes()),
            "the PIN is in {}",
            file.display()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn awaiting_acceptance_counts_at_a_glance_and_export_of_what_is_shown() {
    let keyring = KeyringSession::start(Keyring::Unlocked);
    let home = tempfile::tempdir().unwrap();
    let sim = start_sim(SimConfig {
        installations: 90,
        ..Default::default()
    })
    .await;
    let api = sim.api_url();
    store_app_with_cli(&keyring, home.path(), "Big App", &api);
    let export_path = home.path().join("shown.csv");
    let export_env = export_path.to_string_lossy().into_owned();
    let app = Desktop::start(
        "owner-views",
        &keyring,
        home.path(),
        &[("APPWARDEN_TEST_SAVE_PATH", &export_env)],
    )
    .await;
    app.wait_text("list-status", |text| {
        text.contains("90 of 90 installations")
    })
    .await;

    // What ghsim seeds: some installations have not accepted `issues`, some not `check_run`.
    let app_permissions = ghsim::model::default_app_permissions();
    let app_events = ghsim::model::default_events();
    let installations = sim.installations();
    let behind: Vec<&ghsim::model::SimInstallation> = installations
        .iter()
        .filter(|i| {
            app_permissions
                .keys()
                .any(|p| !i.permissions.contains_key(p))
                || app_events.iter().any(|e| !i.events.contains(e))
        })
        .collect();
    assert!(!behind.is_empty());

    // The overview counts them (and the rest), each count one click from its rows.
    app.el("tab-overview").await.click().await.unwrap();
    app.wait_text("count-awaiting", |text| {
        text.starts_with(&behind.len().to_string())
    })
    .await;
    let organizations = installations
        .iter()
        .filter(|i| i.account_type == "Organization")
        .count();
    app.wait_text("count-organizations", |text| {
        text.starts_with(&organizations.to_string())
    })
    .await;
    app.shot("01-at-a-glance").await;
    app.el("count-awaiting").await.click().await.unwrap();
    app.wait_text("shown-count", |text| text == behind.len().to_string())
        .await;
    let badges = app
        .driver
        .find_all(By::Css("[data-testid=awaiting-badge]"))
        .await
        .unwrap();
    assert!(!badges.is_empty());

    // The details say what was asked and what was granted.
    app.driver
        .find(By::Css("[data-testid=installation-row]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let details = app.el("awaiting-details").await.text().await.unwrap();
    assert!(details.contains("Not yet accepted"), "{details}");
    app.shot("02-awaiting-acceptance").await;

    // Export what is shown, as shown: the filtered rows, sorted by account, to CSV.
    app.el("export-csv").await.click().await.unwrap();
    let done = app
        .wait_text("export-done", |text| text.contains("Saved"))
        .await;
    assert!(
        done.contains(&format!("Saved {} installations", behind.len())),
        "{done}"
    );
    let parsed = Command::new("python3")
        .arg("-c")
        .arg("import csv, json, sys; print(json.dumps(list(csv.DictReader(open(sys.argv[1], newline='')))))")
        .arg(&export_path)
        .output()
        .unwrap();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&parsed.stdout).unwrap();
    assert_eq!(rows.len(), behind.len());
    let accounts: Vec<String> = rows
        .iter()
        .map(|r| r["account"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = accounts.clone();
    sorted.sort();
    assert_eq!(accounts, sorted, "in the order shown (by account)");
    assert!(
        rows.iter()
            .all(|r| !r["not_accepted"].as_str().unwrap_or("").is_empty()),
        "each row says what it has not accepted"
    );
    app.shot("03-exported").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_source_ranges_are_shown_and_saved_as_nginx_lines() {
    let keyring = KeyringSession::start(Keyring::Unlocked);
    let home = tempfile::tempdir().unwrap();
    let sim = start_sim(SimConfig {
        installations: 3,
        ..Default::default()
    })
    .await;
    store_app_with_cli(&keyring, home.path(), "Ranges bot", &sim.api_url());
    let saved = home.path().join("github-hooks.conf");
    let saved_env = saved.to_string_lossy().into_owned();
    let app = Desktop::start(
        "source-ranges",
        &keyring,
        home.path(),
        &[("APPWARDEN_TEST_SAVE_PATH", &saved_env)],
    )
    .await;
    app.el("tab-webhook").await.click().await.unwrap();

    // GET /meta's hooks ranges, by IP version, with when they were fetched.
    let ipv4 = app
        .wait_text("source-ranges-ipv4", |t| t.contains("192.30.252.0/22"))
        .await;
    let ipv6 = app.wait_text("source-ranges-ipv6", |t| !t.is_empty()).await;
    let hooks = ghsim::meta_hooks();
    for range in hooks {
        assert!(
            ipv4.contains(range) || ipv6.contains(range),
            "{range} shown: {ipv4} / {ipv6}"
        );
    }
    assert!(!ipv4.contains("2606:50c0::/32"));
    let fetched = app
        .wait_text("source-ranges-fetched", |t| !t.is_empty())
        .await;
    assert!(fetched.starts_with("today at"), "{fetched}");
    app.shot("source-ranges").await;

    // Saved as nginx lines, written by Rust to the chosen file.
    app.el("save-source-ranges-nginx")
        .await
        .click()
        .await
        .unwrap();
    app.wait_text("source-ranges-saved", |t| t.contains("Saved 6 ranges"))
        .await;
    let text = std::fs::read_to_string(&saved).unwrap();
    let rules: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    let expected: Vec<String> = hooks
        .iter()
        .map(|range| format!("allow {range};"))
        .chain(["deny all;".to_owned()])
        .collect();
    assert_eq!(rules, expected);
    assert!(text.contains("X-Hub-Signature-256"));

    // The caveat leads to the signature checker.
    app.el("source-ranges-check").await.click().await.unwrap();
    app.el("signature-dialog").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organizations_apps_are_compared_and_its_audit_log_searched_and_exported() {
    let keyring = KeyringSession::start(Keyring::Unlocked);
    let home = tempfile::tempdir().unwrap();
    let sim = start_sim(SimConfig {
        installations: 3,
        ..Default::default()
    })
    .await;
    store_app_with_cli(&keyring, home.path(), "Org bot", &sim.api_url());
    let saved = home.path().join("audit.jsonl");
    let saved_env = saved.to_string_lossy().into_owned();
    let app = Desktop::start(
        "organization",
        &keyring,
        home.path(),
        &[("APPWARDEN_TEST_SAVE_PATH", &saved_env)],
    )
    .await;
    let org = sim.installations()[0].clone();
    assert_eq!(org.account_type, "Organization");
    let world = sim.org(&org.account_login).unwrap();

    // From the installation's details to its organization.
    app.wait_text("installation-row", |t| t.contains(&org.account_login))
        .await;
    let rows = app
        .driver
        .find_all(By::Css("[data-testid=installation-row]"))
        .await
        .unwrap();
    for row in rows {
        if row.text().await.unwrap().contains(&org.account_login) {
            row.click().await.unwrap();
            break;
        }
    }
    app.el("open-organization").await.click().await.unwrap();
    let total = world.other_apps.len() + 1;
    app.wait_text("org-apps-shown", |t| t == total.to_string())
        .await;

    // Who can write contents: one click, the same apps as ghsim's grants say.
    let writers: Vec<String> = world
        .other_apps
        .iter()
        .filter(|(_, i)| {
            i.permissions
                .get("contents")
                .is_some_and(|l| l == "write" || l == "admin")
        })
        .map(|(a, _)| a.slug.clone())
        .collect();
    assert!(!writers.is_empty());
    app.el("question-contents").await.click().await.unwrap();
    app.wait_text("org-apps-shown", |t| t == writers.len().to_string())
        .await;
    let mut shown = Vec::new();
    for slug in app
        .driver
        .find_all(By::Css("[data-testid=org-app-slug]"))
        .await
        .unwrap()
    {
        shown.push(slug.text().await.unwrap());
    }
    let mut expected = writers.clone();
    expected.sort();
    assert_eq!(shown, expected);

    // Two of them side by side: one row per permission either has.
    let boxes = app
        .driver
        .find_all(By::Css("[data-testid=org-app-compare]"))
        .await
        .unwrap();
    boxes[0].click().await.unwrap();
    boxes[1].click().await.unwrap();
    app.el("compare-matrix").await;
    let compared: std::collections::BTreeSet<&String> = world
        .other_apps
        .iter()
        .filter(|(a, _)| a.slug == expected[0] || a.slug == expected[1])
        .flat_map(|(_, i)| i.permissions.keys())
        .collect();
    let lines = app
        .driver
        .find_all(By::Css("[data-testid=compare-row]"))
        .await
        .unwrap();
    assert_eq!(lines.len(), compared.len());

    // Who installed them: from the audit log's integration_installation.create events.
    app.el("find-installers").await.click().await.unwrap();
    let cutoff = (chrono::Utc::now() - chrono::Duration::days(180))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    let installer = |slug: &str| {
        world
            .audit
            .iter()
            .find(|e| {
                e.action == "integration_installation.create"
                    && e.integration.as_deref() == Some(slug)
                    && e.at_ms >= cutoff
            })
            .map(|e| e.actor.clone())
            .unwrap_or_else(|| "not in the last 180 days".to_owned())
    };
    app.wait_text("org-app-installer", |t| t == installer(&expected[0]))
        .await;
    app.shot("01-installed-apps-compared").await;

    // The audit log: app installations over the last 90 days, every page read.
    app.el("org-tab-audit").await.click().await.unwrap();
    app.choose("audit-preset", "integration_installation").await;
    app.choose("audit-since", "90").await;
    app.el("audit-search").await.click().await.unwrap();
    let since = (chrono::Utc::now() - chrono::Duration::days(90)).date_naive();
    let since_ms = since
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    let matching: Vec<&ghsim::orgs::AuditEvent> = world
        .audit
        .iter()
        .filter(|e| {
            !e.git && e.at_ms >= since_ms && e.action.starts_with("integration_installation.")
        })
        .collect();
    let status = app
        .wait_text("audit-status", |t| t.contains("events in"))
        .await;
    assert!(
        status.starts_with(&format!("{} events in", matching.len().min(1000))),
        "{status}"
    );
    let sent = app.el("audit-phrase-sent").await.text().await.unwrap();
    assert!(
        sent.starts_with("action:integration_installation created:>="),
        "{sent}"
    );

    // Searched in the window, then exported as shown: one event per line, as GitHub sent it.
    app.paste(
        "audit-filter",
        "integration_installation.repositories_added",
    )
    .await;
    let added = matching
        .iter()
        .filter(|e| e.action == "integration_installation.repositories_added")
        .count();
    assert!(added > 0);
    app.wait_text("audit-shown", |t| t == added.to_string())
        .await;
    app.el("audit-row-open").await.click().await.unwrap();
    let details = app.el("audit-details").await.text().await.unwrap();
    assert!(details.contains("_document_id"), "{details}");
    app.shot("02-audit-log").await;
    app.el("audit-export").await.click().await.unwrap();
    app.wait_text("audit-exported", |t| {
        t.starts_with(&format!("{added} events saved"))
    })
    .await;
    let text = std::fs::read_to_string(&saved).unwrap();
    let exported: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(exported.len(), added);
    assert!(exported.iter().all(
        |e| e["action"] == "integration_installation.repositories_added"
            && e["org"] == org.account_login.as_str()
    ));

    // Without the permission, the tab says which one, before anything is minted.
    sim.set_permission(org.id, "organization_administration", None);
    let minted = sim.minted_tokens().len();
    app.el("audit-search").await.click().await.unwrap();
    app.wait_text("error", |t| {
        t.contains("The installation lacks a permission") && t.contains("\"Administration\" (read)")
    })
    .await;
    assert_eq!(sim.minted_tokens().len(), minted);
    app.shot("03-missing-permission").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaked_tokens_are_revoked_by_value_and_a_minted_one_with_its_own_token() {
    let keyring = KeyringSession::start(Keyring::Unlocked);
    let home = tempfile::tempdir().unwrap();
    let sim = start_sim(SimConfig {
        installations: 3,
        ..Default::default()
    })
    .await;
    let api = sim.api_url();
    store_app_with_cli(&keyring, home.path(), "Leak bot", &api);
    let app = Desktop::start("revoke-leaked", &keyring, home.path(), &[]).await;
    app.el("installation-row").await;
    let minted = app.mint_first_installation().await;
    app.escape().await;

    let classic = format!("ghp_{}", "K9m2".repeat(9));
    let fine = format!("github_pat_{}_{}", "F".repeat(22), "x7".repeat(29) + "y");
    let text = format!(
        "CI log 2026-12-01\n  export GH_TOKEN={classic}\n  git push https://x-access-token:{minted}@github.com/acme/api\n  curl -H \"Authorization: token {fine}\"\n"
    );
    app.el("open-settings").await.click().await.unwrap();
    app.el("open-revoke-leaked").await.click().await.unwrap();
    app.paste("leaked-text", &text).await;
    app.el("leaked-find").await.click().await.unwrap();
    let rows = app
        .wait_text("revoke-leaked-dialog", |t| t.contains("installation token"))
        .await;
    assert!(rows.contains("ghp_K9m2…K9m2"), "{rows}");
    assert!(
        rows.contains("fine-grained personal access token"),
        "{rows}"
    );
    // Masked in the page: no value is shown or kept there.
    let source = app.driver.source().await.unwrap();
    for value in [&classic, &fine, &minted] {
        assert!(!source.contains(value.as_str()));
    }

    // Once confirmed: the personal tokens by value, the installation token with itself.
    assert_eq!(repositories_status(&api, &minted).await, 200);
    assert!(!app.el("leaked-revoke").await.is_enabled().await.unwrap());
    app.el("leaked-understood").await.click().await.unwrap();
    app.el("leaked-revoke").await.click().await.unwrap();
    let outcome = app
        .wait_text("leaked-outcome", |t| t.contains("accepted 2"))
        .await;
    assert!(
        outcome.contains("1 installation token revoked with its own token"),
        "{outcome}"
    );
    assert_eq!(
        sim.revoked_credentials(),
        vec![classic.clone(), fine.clone()]
    );
    assert_eq!(repositories_status(&api, &minted).await, 401);
    app.shot("revoked").await;
    app.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_requests_are_reviewed_access_revoked_and_a_saml_authorization_removed() {
    let keyring = KeyringSession::start(Keyring::Unlocked);
    let home = tempfile::tempdir().unwrap();
    let sim = start_sim(SimConfig {
        installations: 3,
        ..Default::default()
    })
    .await;
    store_app_with_cli(&keyring, home.path(), "Governor", &sim.api_url());
    let app = Desktop::start("org-tokens", &keyring, home.path(), &[]).await;
    let org = sim.installations()[0].clone();
    let login = org.account_login.clone();
    let world = sim.org(&login).unwrap();
    let pending = world
        .pat_requests
        .iter()
        .filter(|r| r.state == ghsim::pats::RequestState::Pending)
        .count();

    app.el("tab-organization").await.click().await.unwrap();
    app.paste("org-login", &login).await;
    app.el("org-open").await.click().await.unwrap();
    app.el("org-tab-requests").await.click().await.unwrap();
    app.wait_text("pats-shown", |t| t == pending.to_string())
        .await;

    let row_ids = async || -> Vec<u64> {
        let mut ids = Vec::new();
        for row in app
            .driver
            .find_all(By::Css("[data-testid=pat-row]"))
            .await
            .unwrap()
        {
            ids.push(row.attr("data-id").await.unwrap().unwrap().parse().unwrap());
        }
        ids
    };
    let select = async |n: usize| {
        let boxes = app
            .driver
            .find_all(By::Css("[data-testid=pat-select]"))
            .await
            .unwrap();
        boxes[n].click().await.unwrap();
    };

    // Approve two at once.
    let ids = row_ids().await;
    select(0).await;
    select(1).await;
    app.el("pats-approve").await.click().await.unwrap();
    app.wait_text("pats-outcome", |t| t.contains("2 reviewed"))
        .await;
    let state_of = |id: u64| {
        sim.org(&login)
            .unwrap()
            .pat_requests
            .iter()
            .find(|r| r.id == id)
            .unwrap()
            .state
    };
    assert_eq!(state_of(ids[0]), ghsim::pats::RequestState::Approved);
    assert_eq!(state_of(ids[1]), ghsim::pats::RequestState::Approved);
    app.wait_text("pats-shown", |t| t == (pending - 2).to_string())
        .await;

    // Deny one, with a reason.
    let ids = row_ids().await;
    select(0).await;
    app.paste("pats-reason", "Use the deploy app instead").await;
    app.shot("01-token-requests").await;
    app.el("pats-deny").await.click().await.unwrap();
    app.wait_text("pats-outcome", |t| t.contains("1 reviewed"))
        .await;
    assert_eq!(state_of(ids[0]), ghsim::pats::RequestState::Denied);

    // Revoke a token's access after typing the organization's login.
    app.el("org-tab-tokens").await.click().await.unwrap();
    app.wait_text("pats-shown", |t| {
        t == (world.pat_grants.len() + 2).to_string()
    })
    .await;
    let ids = row_ids().await;
    select(0).await;
    let revoke = app.el("pats-revoke").await;
    assert!(!revoke.is_enabled().await.unwrap());
    app.paste("pats-confirm", &login).await;
    app.el("pats-revoke").await.click().await.unwrap();
    app.wait_text("pats-outcome", |t| t.contains("1 revoked"))
        .await;
    let revoked = |id: u64| {
        sim.org(&login)
            .unwrap()
            .pat_grants
            .iter()
            .any(|g| g.id == id && g.revoked)
    };
    assert!(revoked(ids[0]));
    app.shot("02-tokens").await;

    // Remove a SAML authorization after typing its owner's login.
    app.el("org-tab-saml").await.click().await.unwrap();
    app.wait_text("saml-shown", |t| t == world.credentials.len().to_string())
        .await;
    app.el("saml-remove").await.click().await.unwrap();
    let owner = app.el("saml-confirm").await.text().await.unwrap();
    let first = &world.credentials[0];
    assert!(owner.contains(&first.login), "{owner}");
    app.paste("saml-confirm-login", &first.login).await;
    app.el("saml-confirm-remove").await.click().await.unwrap();
    app.el("saml-removed").await;
    assert!(sim.org(&login).unwrap().credentials[0].removed);
    app.shot("03-saml").await;

    // A missing permission, said as such in the tab.
    sim.set_permission(org.id, "organization_personal_access_tokens", None);
    app.el("org-tab-tokens").await.click().await.unwrap();
    app.wait_text("error", |t| {
        t.contains("The installation lacks a permission")
            && t.contains("\"Personal access tokens\" (read)")
    })
    .await;
    app.shot("04-missing-permission").await;
    app.quit().await;
}
