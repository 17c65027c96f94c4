//! Secrets stay where they belong, proved by sweeping everything the CLI and the app leave
//! behind with logging at its most verbose (`APPWARDEN_LOG=trace`, which includes reqwest,
//! hyper and rustls): output, logs, the config and cache directories, and every IPC message
//! the window exchanges. Key material may only travel into Rust when the user pastes a key;
//! a token only in the answer that shows it (and the CLI output that prints it).

use appwarden_system_tests::desktop::Desktop;
use appwarden_system_tests::keyring_session::{Keyring, KeyringSession};
use appwarden_system_tests::secrets::SecretPatterns;
use appwarden_system_tests::{CliEnv, files_under, fixture, fixture_text, start_sim};
use ghsim::SimConfig;
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use thirtyfour::prelude::*;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn assert_clean(patterns: &SecretPatterns, what: &str, bytes: &[u8]) {
    if let Some(found) = patterns.find(bytes) {
        panic!("{found} found in {what}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_at_trace_level_leaks_no_secret() {
    let session = KeyringSession::start(Keyring::Unlocked);
    let sim = start_sim(SimConfig {
        installations: 150,
        ..Default::default()
    })
    .await;
    sim.register_key(ghsim::public_pkcs1_der(&fixture_text("rsa2048-second.pem")).unwrap());
    let api = sim.api_url();
    let env = CliEnv::with_bus(&session.address);
    let run = |args: &[&str], stdin: Option<&str>| -> Output {
        let mut command = env.command(args);
        command.env("APPWARDEN_LOG", "trace");
        tokio::task::block_in_place(|| {
            use std::io::Write;
            let mut child = command
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let mut input = child.stdin.take().unwrap();
            if let Some(stdin) = stdin {
                input.write_all(stdin.as_bytes()).unwrap();
            }
            drop(input);
            child.wait_with_output().unwrap()
        })
    };
    let key = fixture("rsa2048-pkcs1.pem").to_string_lossy().into_owned();
    let second = fixture("rsa2048-second.pem").to_string_lossy().into_owned();
    let installation = sim.installations()[3].clone();
    let id = installation.id.to_string();

    let mut outputs: Vec<(String, Output)> = Vec::new();
    let mut step = |label: &str, args: &[&str], stdin: Option<&str>| -> Output {
        let out = run(args, stdin);
        assert!(out.status.success(), "{label}: {}", text(&out.stderr));
        outputs.push((label.to_owned(), out.clone()));
        out
    };
    step(
        "app add",
        &[
            "app",
            "add",
            "--name",
            "Sweep",
            "--app-id",
            "1",
            "--api-url",
            &api,
            "--key",
            &key,
        ],
        None,
    );
    step(
        "app key add",
        &["app", "key", "add", "Sweep", "--key", &second],
        None,
    );
    step("app verify", &["app", "verify", "Sweep"], None);
    step(
        "installations",
        &["installations", "--app", "Sweep", "--json"],
        None,
    );
    step(
        "installations again",
        &["installations", "--app", "Sweep"],
        None,
    );
    let jwt = text(&step("jwt", &["jwt", "--app", "Sweep"], None).stdout)
        .trim()
        .to_owned();
    let minted = step(
        "token --json",
        &["token", "--app", "Sweep", "--installation", &id, "--json"],
        None,
    );
    let minted: serde_json::Value = serde_json::from_slice(&minted.stdout).unwrap();
    let token = minted["token"].as_str().unwrap().to_owned();
    let plain = step(
        "token",
        &[
            "token",
            "--app",
            "Sweep",
            "--installation",
            &installation.account_login,
        ],
        None,
    );
    let token2 = text(&plain.stdout).trim().to_owned();
    step(
        "token revoke",
        &["token", "revoke", "--app", "Sweep", "-"],
        Some(&format!("{token}\n")),
    );
    let hook_secret = "sweep-webhook-secret-4f1c9a";
    step(
        "hook config --secret-file -",
        &["hook", "config", "--app", "Sweep", "--secret-file", "-"],
        Some(&format!("{hook_secret}\n")),
    );
    assert_eq!(sim.webhook_secret().as_deref(), Some(hook_secret));
    step(
        "hook config",
        &["hook", "config", "--app", "Sweep", "--json"],
        None,
    );
    step(
        "hook deliveries",
        &["hook", "deliveries", "--app", "Sweep", "--failed"],
        None,
    );
    step("keyring check", &["keyring", "check"], None);
    let second_fingerprint =
        appwarden_core::PrivateKey::from_pem(fixture_text("rsa2048-second.pem").as_bytes())
            .unwrap()
            .fingerprint()
            .to_string();
    step(
        "app key remove",
        &["app", "key", "remove", "Sweep", &second_fingerprint],
        None,
    );
    step("app remove", &["app", "remove", "Sweep"], None);

    let patterns = SecretPatterns::new()
        .with_key("rsa2048-pkcs1.pem")
        .with_key("rsa2048-second.pem")
        .with_text("the JWT", &jwt)
        .with_text("the first token", &token)
        .with_text("the second token", &token2)
        .with_text("the webhook secret", hook_secret)
        .with_text("ghsim's first webhook secret", ghsim::hooks::DEFAULT_SECRET);
    let logged: usize = outputs
        .iter()
        .map(|(_, out)| text(&out.stderr).matches(" request ").count())
        .sum();
    assert!(
        logged >= 10,
        "trace logging was on ({logged} request lines)"
    );
    for (label, out) in &outputs {
        assert_clean(
            &patterns,
            &format!("the log (stderr) of `{label}`"),
            &out.stderr,
        );
        let allowed = match label.as_str() {
            "jwt" => patterns.except("the JWT").except("a JWT"),
            "token --json" => patterns.except("the first token"),
            "token" => patterns.except("the second token"),
            _ => patterns.except("nothing"),
        };
        assert_clean(&allowed, &format!("the output of `{label}`"), &out.stdout);
    }
    let record = env
        .home
        .path()
        .join(".local/share/appwarden/activity.jsonl");
    let swept = files_under(env.home.path());
    assert!(
        swept.contains(&record),
        "the activity record is among the files swept"
    );
    for file in swept {
        assert_clean(
            &patterns,
            &file.display().to_string(),
            &std::fs::read(&file).unwrap_or_default(),
        );
    }

    // The activity record holds exactly the changes made, in order, each with its outcome.
    let out = run(&["activity", "--json"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let entries: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let actions: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("app.added", "succeeded"),
            ("key.added", "succeeded"),
            ("token.minted", "succeeded"),
            ("token.minted", "succeeded"),
            ("token.revoked", "succeeded"),
            ("webhook.config_changed", "succeeded"),
            ("key.removed", "succeeded"),
            ("app.removed", "succeeded"),
        ]
    );
    assert!(entries.iter().all(|e| e["app"] == "Sweep"), "{entries:?}");
    assert_eq!(entries[2]["target"], format!("installation {id}").as_str());
    assert!(
        entries[2]["detail"]
            .as_str()
            .unwrap()
            .starts_with("all repositories; all permissions; expires "),
        "{}",
        entries[2]
    );
    assert_eq!(entries[5]["detail"], "secret replaced");
    // GitHub's request ID for each change made on GitHub.
    for entry in &entries[2..6] {
        assert!(
            entry["request_id"]
                .as_str()
                .is_some_and(|id| id.starts_with("SIM")),
            "{entry}"
        );
    }
    let out = run(&["activity", "verify"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("8 entries"),
        "{}",
        text(&out.stdout)
    );

    // A removed line and an edited one are found, each at the line after it.
    let kept = std::fs::read_to_string(&record).unwrap();
    let lines: Vec<&str> = kept.lines().collect();
    let without_third: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 2)
        .map(|(_, l)| *l)
        .collect();
    std::fs::write(&record, without_third.join("\n") + "\n").unwrap();
    let out = run(&["activity", "verify"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("line 3 breaks the chain"),
        "{}",
        text(&out.stdout)
    );
    let mut edited: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    edited[4] = edited[4].replace("\"succeeded\"", "\"failed\"");
    std::fs::write(&record, edited.join("\n") + "\n").unwrap();
    let out = run(&["activity", "verify"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("line 6 breaks the chain"),
        "{}",
        text(&out.stdout)
    );
}

/// Records every IPC request and answer: Tauri's IPC on Linux is `fetch` to `ipc://`.
const IPC_RECORDER: &str = r#"
const log = (window.__ipcAudit = []);
const original = window.fetch.bind(window);
window.fetch = async (input, init) => {
  const url = String((input && input.url) || input);
  if (!url.startsWith("ipc:") && !url.includes("ipc.localhost")) return original(input, init);
  const body = init && init.body;
  log.push({ dir: "request", url, body: typeof body === "string" ? body : body ? new TextDecoder().decode(body) : "" });
  const response = await original(input, init);
  log.push({ dir: "answer", url, body: await response.clone().text() });
  return response;
};
"#;

fn clipboard() -> String {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .expect("xclip is installed (scripts/install-deps.sh)");
    text(&out.stdout)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_keeps_secrets_where_they_belong_and_clears_the_clipboard() {
    let keyring = KeyringSession::start(Keyring::Unlocked);
    let home = tempfile::tempdir().unwrap();
    let sim = start_sim(SimConfig {
        installations: 40,
        ..Default::default()
    })
    .await;
    let api = sim.api_url();
    std::fs::create_dir_all(home.path().join("config")).unwrap();
    std::fs::write(
        home.path().join("config/desktop.json"),
        r#"{"theme":"light","clipboard_clear_secs":2}"#,
    )
    .unwrap();
    let app = Desktop::start(
        "secrets",
        &keyring,
        home.path(),
        &[("APPWARDEN_LOG", "trace")],
    )
    .await;
    app.driver.execute(IPC_RECORDER, vec![]).await.unwrap();

    // Add the app by pasting its key.
    app.el("add-app-dialog").await;
    app.fill_new_app("rsa2048-pkcs1.pem", &api, "1").await;
    app.el("check").await.click().await.unwrap();
    app.el("check-ok").await;
    app.el("save-app").await.click().await.unwrap();
    app.wait_text("list-status", |t| t.contains("40 of 40"))
        .await;

    // Mint, reveal, copy (cleared after the configured 2 s), copy the clone line, revoke.
    app.el("mint").await.click().await.unwrap();
    app.el("token-panel").await;
    app.el("reveal").await.click().await.unwrap();
    let token = app
        .wait_text("token", |t| t.starts_with("ghs_") && !t.contains('•'))
        .await;
    app.el("copy").await.click().await.unwrap();
    let copied_at = Instant::now();
    let deadline = copied_at + Duration::from_secs(2);
    while clipboard() != token {
        assert!(
            Instant::now() < deadline,
            "the token never reached the clipboard"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    while clipboard() == token {
        assert!(
            copied_at.elapsed() < Duration::from_secs(6),
            "the clipboard was not cleared"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let cleared_after = copied_at.elapsed();
    assert!(
        cleared_after >= Duration::from_millis(1500),
        "cleared after {cleared_after:?}, sooner than configured"
    );
    assert!(clipboard().is_empty(), "cleared, not replaced");
    app.el("copy-clone").await.click().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(clipboard().contains(&format!("x-access-token:{token}@")));
    app.el("revoke").await.click().await.unwrap();
    app.el("confirm-revoke").await.click().await.unwrap();
    app.el("revoked").await;
    app.driver
        .action_chain()
        .send_keys(Key::Escape)
        .perform()
        .await
        .unwrap();

    // Replace the webhook secret: typed once, sent once, never shown back.
    let hook_secret = "window-webhook-secret-77e2";
    app.el("tab-webhook").await.click().await.unwrap();
    app.el("edit-webhook").await.click().await.unwrap();
    app.el("secret-replace").await.click().await.unwrap();
    app.paste("webhook-secret-input", hook_secret).await;
    app.el("save-webhook").await.click().await.unwrap();
    app.wait_text("webhook-secret-state", |t| t.starts_with("Set"))
        .await;
    assert_eq!(sim.webhook_secret().as_deref(), Some(hook_secret));

    let audit = app
        .driver
        .execute("return window.__ipcAudit", vec![])
        .await
        .unwrap()
        .json()
        .clone();
    app.quit().await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    let messages = audit.as_array().expect("the recorder ran").clone();
    let patterns = SecretPatterns::new()
        .with_key("rsa2048-pkcs1.pem")
        .with_text("the token", &token)
        .with_text("the webhook secret", hook_secret)
        .with_text("ghsim's first webhook secret", ghsim::hooks::DEFAULT_SECRET);
    let key = patterns.only("key material of rsa2048-pkcs1.pem");
    let token_only = patterns.only("the token");
    let hook_secret_only = patterns.only("the webhook secret");
    let mut key_sent = false;
    let mut token_shown = false;
    let mut hook_secret_sent = false;
    for message in &messages {
        let dir = message["dir"].as_str().unwrap_or_default();
        let url = message["url"].as_str().unwrap_or_default();
        let body = message["body"].as_str().unwrap_or_default().as_bytes();
        let command = url.rsplit('/').next().unwrap_or_default();
        let pasting = dir == "request" && command == "stage_key";
        let showing = dir == "answer" && command == "mint_token";
        let saving_secret = dir == "request" && command == "update_webhook_config";
        key_sent |= pasting && key.find(body).is_some();
        token_shown |= showing && token_only.find(body).is_some();
        hook_secret_sent |= saving_secret && hook_secret_only.find(body).is_some();
        let mut forbidden = patterns.except("nothing");
        if pasting {
            forbidden = forbidden.except("key material of rsa2048-pkcs1.pem");
        }
        if showing {
            forbidden = forbidden.except("the token");
        }
        if saving_secret {
            forbidden = forbidden.except("the webhook secret");
        }
        assert_clean(&forbidden, &format!("the IPC {dir} of {command}"), body);
    }
    assert!(
        key_sent && token_shown && hook_secret_sent,
        "the recorder saw the IPC ({} messages)",
        messages.len()
    );

    let log = home.path().join(".cache/appwarden/desktop.log");
    let log_bytes = std::fs::read(&log).expect("the desktop log");
    assert!(
        text(&log_bytes).contains("POST /app/installations/"),
        "requests are logged"
    );
    for file in files_under(home.path()) {
        assert_clean(
            &patterns,
            &file.display().to_string(),
            &std::fs::read(&file).unwrap_or_default(),
        );
    }
}
