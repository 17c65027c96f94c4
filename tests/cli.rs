//! The `appwarden` binary against ghsim: output formats, exit codes, plain-words errors,
//! and its JWTs checked by an independent verifier (PyJWT).

use appwarden_system_tests::{CliEnv, fixture, start_sim, stderr, stdout};
use ghsim::SimConfig;
use std::process::Command;

fn path(name: &str) -> String {
    fixture(name).to_string_lossy().into_owned()
}

fn openssl_fingerprint(name: &str) -> String {
    let script = format!(
        "openssl pkey -in '{}' -pubout -outform DER | openssl sha256 -binary | openssl base64",
        path(name)
    );
    let out = Command::new("sh").arg("-c").arg(script).output().unwrap();
    format!("SHA256:{}", String::from_utf8(out.stdout).unwrap().trim())
}

#[test]
fn key_fingerprint_matches_openssl_for_files_and_stdin() {
    let env = CliEnv::new();
    let expected = openssl_fingerprint("rsa2048-pkcs1.pem");
    for name in [
        "rsa2048-pkcs1.pem",
        "rsa2048-pkcs8.pem",
        "rsa2048-public.pem",
        "rsa2048-crlf.pem",
    ] {
        let out = env.run(&["key", "fingerprint", &path(name)], None);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        assert_eq!(stdout(&out).trim(), expected, "{name}");
    }
    let pem = std::fs::read(fixture("rsa2048-bag-with-cert.pem")).unwrap();
    let out = env.run(&["key", "fingerprint", "-"], Some(&pem));
    assert_eq!(stdout(&out).trim(), expected);
}

#[test]
fn key_compare_exit_codes() {
    let env = CliEnv::new();
    let fingerprint = openssl_fingerprint("rsa2048-pkcs1.pem");
    let bare = fingerprint
        .trim_start_matches("SHA256:")
        .trim_end_matches('=')
        .to_owned();
    let key = path("rsa2048-pkcs1.pem");
    assert_eq!(
        env.run(&["key", "compare", &key, &fingerprint], None)
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        env.run(&["key", "compare", &key, &format!("  {bare} \n")], None)
            .status
            .code(),
        Some(0)
    );
    let other = openssl_fingerprint("rsa2048-second.pem");
    let out = env.run(&["key", "compare", &key, &other], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("mismatch"));
    let out = env.run(&["key", "compare", &key, "SHA256:nope"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).starts_with("error: "));
    let out = env.run(
        &["key", "compare", &path("ec-sec1.pem"), &fingerprint],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_keys_are_refused_in_plain_words_without_panics() {
    let env = CliEnv::new();
    for (name, words) in [
        ("encrypted-pkcs8.pem", "passphrase-protected"),
        ("ed25519.pem", "Ed25519"),
        ("truncated.pem", "cut short"),
        ("cert.pem", "certificate"),
        ("rsa2048.der", "binary"),
    ] {
        let out = env.run(&["key", "fingerprint", &path(name)], None);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = stderr(&out);
        assert!(err.contains(words), "{name}: {err}");
        assert!(
            !err.contains("panicked") && err.lines().count() <= 2,
            "{name}: {err}"
        );
    }
    let out = env.run(&["key", "fingerprint", "/no/such/file.pem"], None);
    assert!(stderr(&out).contains("no such file"), "{}", stderr(&out));
    let out = env.run(&["key", "fingerprint", &path("rsa1024-pkcs1.pem")], None);
    assert!(out.status.success());
    assert!(stderr(&out).contains("warning: This is a 1024-bit RSA key"));
}

#[tokio::test(flavor = "multi_thread")]
async fn installations_token_and_revoke_ad_hoc() {
    let sim = start_sim(SimConfig {
        installations: 230,
        ..Default::default()
    })
    .await;
    let api = sim.api_url();
    let key = path("rsa2048-pkcs1.pem");
    let app = [
        "--app-id",
        "1",
        "--key",
        key.as_str(),
        "--api-url",
        api.as_str(),
    ];
    let env = CliEnv::new();

    let args = [&["installations"][..], &app[..]].concat();
    let out = tokio::task::block_in_place(|| env.run(&args, None));
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    assert_eq!(
        table.lines().count(),
        231,
        "a header and one row per installation"
    );
    assert!(table.starts_with("ID"));

    let args = [&["installations", "--json"][..], &app[..]].concat();
    let out = tokio::task::block_in_place(|| env.run(&args, None));
    let listed: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(listed.len(), 230);

    let target = sim.installations()[0].clone();
    let repo = target.repositories[0].name.clone();
    let args = [
        &[
            "token",
            "--installation",
            &target.account_login,
            "--repo",
            &repo,
            "--permission",
            "contents=read",
            "--json",
        ][..],
        &app[..],
    ]
    .concat();
    let out = tokio::task::block_in_place(|| env.run(&args, None));
    assert!(out.status.success(), "{}", stderr(&out));
    let minted: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let token = minted["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("ghs_"));
    assert_eq!(minted["permissions"]["contents"], "read");
    assert_eq!(minted["installation_id"], target.id);
    assert_eq!(
        minted["repositories"][0],
        format!("{}/{}", target.account_login, repo)
    );

    // The token works against ghsim, then stops working once revoked.
    let http = reqwest::Client::new();
    let check = |token: String| {
        http.get(format!("{api}/installation/repositories"))
            .bearer_auth(token)
            .header("user-agent", "test")
            .send()
    };
    assert_eq!(check(token.clone()).await.unwrap().status(), 200);
    let out = tokio::task::block_in_place(|| {
        env.run(
            &["token", "revoke", "--api-url", &api, "-"],
            Some(format!("{token}\n").as_bytes()),
        )
    });
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(check(token).await.unwrap().status(), 401);

    // A plain mint prints only the token.
    let id = target.id.to_string();
    let args = [&["token", "--installation", &id][..], &app[..]].concat();
    let out = tokio::task::block_in_place(|| env.run(&args, None));
    assert!(stdout(&out).trim().starts_with("ghs_") && stdout(&out).lines().count() == 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn listing_again_uses_the_cache_and_is_confirmed_by_304s_within_the_jwt_window() {
    appwarden_system_tests::jwt_window_with_room(std::time::Duration::from_secs(30)).await;
    let sim = start_sim(SimConfig {
        installations: 250,
        ..Default::default()
    })
    .await;
    let api = sim.api_url();
    let key = path("rsa2048-pkcs1.pem");
    let env = CliEnv::new();
    let list = |extra: &[&str]| {
        let mut args = vec![
            "installations",
            "--json",
            "--app-id",
            "1",
            "--key",
            key.as_str(),
            "--api-url",
            api.as_str(),
        ];
        args.extend_from_slice(extra);
        // Pages GitHub answered in full (not 304 Not Modified).
        let full = || {
            let stats = sim.stats();
            stats.by_endpoint["GET /app/installations"] - stats.not_modified
        };
        let before = sim
            .stats()
            .by_endpoint
            .get("GET /app/installations")
            .map(|_| full())
            .unwrap_or(0);
        let out = tokio::task::block_in_place(|| env.run(&args, None));
        assert!(out.status.success(), "{}", stderr(&out));
        (out, full() - before)
    };
    let (first, cost) = list(&[]);
    assert_eq!(cost, 3);
    let cache_dir = env.home.path().join(".cache/appwarden/installations");
    assert_eq!(std::fs::read_dir(&cache_dir).unwrap().count(), 1);

    // A second process in the same JWT window sends the same JWT: GitHub's ETags match.
    let (again, cost) = list(&[]);
    assert_eq!(cost, 0, "three 304s");
    assert_eq!(stdout(&again), stdout(&first), "the same list, confirmed");
    assert!(stderr(&again).contains("unchanged since the last listing"));

    sim.set_suspended(sim.installations()[120].id, true);
    let (changed, cost) = list(&[]);
    assert_eq!(cost, 1, "only page 2 changed");
    let listed: Vec<serde_json::Value> = serde_json::from_str(&stdout(&changed)).unwrap();
    let suspended = listed
        .iter()
        .filter(|i| !i["suspended_at"].is_null())
        .count();
    let expected = sim
        .installations()
        .iter()
        .filter(|i| i.suspended_at.is_some())
        .count();
    assert_eq!(suspended, expected);

    let (_, cost) = list(&["--no-cache"]);
    assert_eq!(cost, 3, "--no-cache asks for everything");
}

#[tokio::test(flavor = "multi_thread")]
async fn github_errors_reach_the_user_with_what_to_do() {
    let sim = start_sim(SimConfig {
        installations: 20,
        ..Default::default()
    })
    .await;
    let api = sim.api_url();
    let env = CliEnv::new();
    let run = |args: &[&str]| tokio::task::block_in_place(|| env.run(args, None));

    let wrong_key = path("rsa2048-second.pem");
    let out = run(&[
        "installations",
        "--app-id",
        "1",
        "--key",
        &wrong_key,
        "--api-url",
        &api,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("401") && err.contains("request ID") && err.contains("hint:"),
        "{err}"
    );

    let key = path("rsa2048-pkcs1.pem");
    let suspended = sim
        .installations()
        .into_iter()
        .find(|i| i.suspended_at.is_some())
        .unwrap();
    let out = run(&[
        "token",
        "--installation",
        &suspended.id.to_string(),
        "--app-id",
        "1",
        "--key",
        &key,
        "--api-url",
        &api,
    ]);
    assert!(stderr(&out).contains("suspended"), "{}", stderr(&out));

    let out = run(&[
        "token",
        "--installation",
        "1",
        "--permission",
        "contents",
        "--app-id",
        "1",
        "--key",
        &key,
        "--api-url",
        &api,
    ]);
    assert!(stderr(&out).contains("NAME=LEVEL"), "{}", stderr(&out));
    let out = run(&["jwt", "--app-id", "-3", "--key", &key]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["jwt", "--app-id", "abc", "--key", &key]);
    assert!(stderr(&out).contains("not an app ID"), "{}", stderr(&out));
    let out = run(&[
        "installations",
        "--app-id",
        "1",
        "--key",
        &key,
        "--api-url",
        "ftp://example.com",
    ]);
    assert!(stderr(&out).contains("scheme"), "{}", stderr(&out));
    let out = run(&[
        "installations",
        "--app-id",
        "1",
        "--key",
        &key,
        "--api-url",
        "http://127.0.0.1:9",
    ]);
    assert!(
        stderr(&out).contains("could not reach GitHub"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn jwt_verifies_with_an_independent_verifier() {
    let env = CliEnv::new();
    let key = path("rsa2048-pkcs1.pem");
    let out = env.run(&["jwt", "--app-id", "4242", "--key", &key], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let jwt = stdout(&out).trim().to_owned();
    let public = Command::new("openssl")
        .args(["rsa", "-in", &key, "-pubout"])
        .output()
        .unwrap()
        .stdout;
    let public_path = env.home.path().join("public.pem");
    std::fs::write(&public_path, public).unwrap();
    // PyJWT checks the RS256 signature, that exp is in the future and iat not, and iss.
    let script = r#"
import jwt, sys, time
token, public = sys.argv[1], open(sys.argv[2]).read()
claims = jwt.decode(token, public, algorithms=["RS256"], issuer="4242",
                    options={"require": ["iat", "exp", "iss"]})
assert isinstance(claims["iss"], str)
now = time.time()
assert claims["iat"] <= now - 55, claims
assert now < claims["exp"] <= now + 600, claims
print("verified")
"#;
    let out = Command::new("python3")
        .args(["-c", script, &jwt, &public_path.to_string_lossy()])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("verified"),
        "PyJWT (pip install 'pyjwt[crypto]') refused: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_enterprise_server_ca_is_required_and_then_trusted() {
    let sim = start_sim(SimConfig {
        tls: true,
        ghes: true,
        installations: 7,
        ..Default::default()
    })
    .await;
    let api = sim.api_url();
    let env = CliEnv::new();
    let ca = env.home.path().join("ghes-ca.pem");
    std::fs::write(&ca, sim.ca_pem().unwrap()).unwrap();
    let key = path("rsa2048-pkcs1.pem");
    let run = |args: &[&str]| tokio::task::block_in_place(|| env.run(args, None));

    let out = run(&[
        "installations",
        "--app-id",
        "1",
        "--key",
        &key,
        "--api-url",
        &api,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("does not trust") && err.contains("CA certificate"),
        "{err}"
    );

    let out = run(&[
        "installations",
        "--json",
        "--app-id",
        "1",
        "--key",
        &key,
        "--api-url",
        &api,
        "--ca-cert",
        &ca.to_string_lossy(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        serde_json::from_str::<Vec<serde_json::Value>>(&stdout(&out))
            .unwrap()
            .len(),
        7
    );

    let out = run(&[
        "installations",
        "--app-id",
        "1",
        "--key",
        &key,
        "--api-url",
        &api,
        "--ca-cert",
        &key,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a CA certificate"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn https_proxy_is_used_and_no_proxy_is_honoured() {
    let sim = start_sim(SimConfig {
        tls: true,
        ghes: true,
        installations: 12,
        ..Default::default()
    })
    .await;
    let api = sim.api_url();
    let proxy = appwarden_system_tests::proxy::TunnelProxy::start().await;
    let env = CliEnv::new();
    let ca = env.home.path().join("ca.pem");
    std::fs::write(&ca, sim.ca_pem().unwrap()).unwrap();
    let key = path("rsa2048-pkcs1.pem");
    let ca = ca.to_string_lossy().into_owned();
    let args = [
        "installations",
        "--json",
        "--no-cache",
        "--app-id",
        "1",
        "--key",
        key.as_str(),
        "--api-url",
        api.as_str(),
        "--ca-cert",
        ca.as_str(),
    ];
    let run = |vars: &[(&str, &str)]| {
        let mut command = env.command(&args);
        command.envs(vars.iter().copied());
        tokio::task::block_in_place(|| command.output().unwrap())
    };
    let host_port = api
        .trim_start_matches("https://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();

    // Through the proxy: every request is tunnelled with CONNECT to ghsim.
    let out = run(&[("HTTPS_PROXY", proxy.url.as_str())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(listed.len(), 12);
    assert!(
        proxy.targets().iter().any(|t| t == &host_port),
        "{:?}",
        proxy.targets()
    );

    // NO_PROXY names the host: the proxy sees nothing more.
    let before = proxy.targets().len();
    let out = run(&[
        ("HTTPS_PROXY", proxy.url.as_str()),
        ("NO_PROXY", "127.0.0.1"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(proxy.targets().len(), before);

    // A proxy that does not answer: a network error naming the proxy, exit 2.
    let out = run(&[("HTTPS_PROXY", "http://127.0.0.1:9")]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("could not reach GitHub") && err.contains("HTTPS_PROXY"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn installations_are_suspended_unsuspended_and_uninstalled_only_when_confirmed() {
    let sim = start_sim(SimConfig {
        installations: 10,
        ..Default::default()
    })
    .await;
    let api = sim.api_url();
    let key = path("rsa2048-pkcs1.pem");
    let env = CliEnv::new();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--app-id", "1", "--key", &key, "--api-url", &api]);
        tokio::task::block_in_place(|| env.run(&all, None))
    };
    let target = sim
        .installations()
        .into_iter()
        .find(|i| i.suspended_at.is_none())
        .unwrap();
    let login = target.account_login.clone();
    let id = target.id.to_string();
    let suspended = |sim: &ghsim::Sim| {
        sim.installations()
            .iter()
            .find(|i| i.id == target.id)
            .is_some_and(|i| i.suspended_at.is_some())
    };

    // Not confirmed, or confirmed with the wrong login: nothing happens.
    let out = run(&["installation", "suspend", &login]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("--confirm {login}")),
        "{}",
        stderr(&out)
    );
    let out = run(&["installation", "suspend", &id, "--confirm", "someone-else"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("nothing was changed"),
        "{}",
        stderr(&out)
    );
    assert!(!suspended(&sim));

    // Confirmed: suspended; its tokens are refused until it is unsuspended.
    let out = run(&["installation", "suspend", &login, "--confirm", &login]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(suspended(&sim));
    let out = run(&["token", "--installation", &id]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("suspended"), "{}", stderr(&out));
    let out = run(&["installation", "unsuspend", &id]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!suspended(&sim));
    assert!(run(&["token", "--installation", &id]).status.success());

    // Pending installation requests.
    let out = run(&["installation", "requests", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let requests: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0]["account"]["login"], "pending-labs");

    // Uninstall, confirmed: gone from GitHub; administering it again is a plain 404.
    let out = run(&["installation", "uninstall", &id, "--confirm", &login]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(sim.installations().iter().all(|i| i.id != target.id));
    let out = run(&["installation", "unsuspend", &id]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("404"), "{}", stderr(&out));
}

#[test]
fn webhook_signatures_are_checked_against_the_secret() {
    let env = CliEnv::new();
    let payload = env.home.path().join("payload.json");
    std::fs::write(&payload, br#"{"action":"created","installation":{"id":1}}"#).unwrap();
    let secret_file = env.home.path().join("secret");
    std::fs::write(&secret_file, "s3cr3t-webhook\n").unwrap();
    // The signature as an independent tool computes it.
    let openssl = Command::new("openssl")
        .args(["dgst", "-sha256", "-hmac", "s3cr3t-webhook", "-r"])
        .arg(&payload)
        .output()
        .unwrap();
    let hex = String::from_utf8_lossy(&openssl.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let signature = format!("sha256={hex}");
    let payload = payload.to_string_lossy().into_owned();
    let secret_file = secret_file.to_string_lossy().into_owned();
    let check = |signature: &str, extra_env: Option<&str>, file: Option<&str>| {
        let mut args = vec![
            "hook",
            "verify-signature",
            "--signature",
            signature,
            "--payload",
            &payload,
        ];
        if let Some(file) = file {
            args.extend_from_slice(&["--secret-file", file]);
        }
        let mut command = env.command(&args);
        if let Some(secret) = extra_env {
            command.env("APPWARDEN_WEBHOOK_SECRET", secret);
        }
        command.output().unwrap()
    };
    let out = check(&signature, None, Some(&secret_file));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("valid"));
    let out = check(&signature, Some("s3cr3t-webhook"), None);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = check(&signature, Some("another secret"), None);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).starts_with("invalid"));
    let out = check("sha256=12", Some("s3cr3t-webhook"), None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("64 hex digits"), "{}", stderr(&out));
    let out = check(&signature, None, None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("APPWARDEN_WEBHOOK_SECRET"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn progress_is_drawn_on_a_terminal_and_nothing_extra_when_piped() {
    let sim = start_sim(SimConfig {
        installations: 450,
        latency: std::time::Duration::from_millis(150),
        ..Default::default()
    })
    .await;
    let env = CliEnv::new();
    let args = [
        "installations",
        "--no-cache",
        "--app-id",
        "1",
        "--key",
        &path("rsa2048-pkcs1.pem"),
        "--api-url",
        &sim.api_url(),
    ];
    // Piped: the table on stdout, one count line on stderr, no progress.
    let out = tokio::task::block_in_place(|| env.run(&args, None));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out).trim(), "450 installation(s)");

    // On a terminal (script(1) gives it one): a bar counting pages, without colours.
    let line = std::iter::once(
        appwarden_system_tests::appwarden_bin()
            .display()
            .to_string(),
    )
    .chain(args.iter().map(|a| format!("'{a}'")))
    .collect::<Vec<_>>()
    .join(" ");
    let out = tokio::task::block_in_place(|| {
        Command::new("script")
            .args(["-qec", &format!("{line} >/dev/null"), "/dev/null"])
            .env("HOME", env.home.path())
            .env("APPWARDEN_CONFIG_DIR", env.config_dir())
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .output()
            .unwrap()
    });
    let terminal = stdout(&out);
    assert!(out.status.success(), "{terminal}");
    assert!(terminal.contains("/5 pages"), "{terminal:?}");
    assert!(terminal.contains("450 installation(s)"), "{terminal:?}");
    assert!(
        !terminal.contains("\x1b[3") && !terminal.contains("\x1b[9"),
        "no colours: {terminal:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn installations_as_csv_and_those_awaiting_acceptance() {
    let sim = start_sim(SimConfig {
        installations: 120,
        ..Default::default()
    })
    .await;
    let env = CliEnv::new();
    let key = path("rsa2048-pkcs1.pem");
    let api = sim.api_url();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "installations",
            "--no-cache",
            "--app-id",
            "1",
            "--key",
            key.as_str(),
            "--api-url",
            api.as_str(),
        ];
        args.extend_from_slice(extra);
        let out = tokio::task::block_in_place(|| env.run(&args, None));
        assert!(out.status.success(), "{}", stderr(&out));
        out
    };

    // CSV, read back by Python's csv module: a header and one row per installation.
    let out = run(&["--format", "csv"]);
    let csv_file = env.home.path().join("installations.csv");
    std::fs::write(&csv_file, &out.stdout).unwrap();
    let parsed = Command::new("python3")
        .arg("-c")
        .arg("import csv, json, sys; print(json.dumps(list(csv.DictReader(open(sys.argv[1], newline='')))))")
        .arg(&csv_file)
        .output()
        .unwrap();
    assert!(parsed.status.success(), "{}", stderr(&parsed));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&parsed.stdout).unwrap();
    assert_eq!(rows.len(), 120);
    let first = sim.installations()[0].clone();
    let row = rows
        .iter()
        .find(|r| r["id"].as_str() == Some(first.id.to_string().as_str()))
        .unwrap();
    assert_eq!(row["account"], first.account_login.as_str());
    assert_eq!(
        row["repository_selection"],
        first.repository_selection.as_str()
    );

    // Only the installations whose grant is behind what the app asks (ghsim: some have not
    // accepted `issues`, some not the `check_run` event), each with what is missing.
    let app_permissions = ghsim::model::default_app_permissions();
    let app_events = ghsim::model::default_events();
    let behind: Vec<u64> = sim
        .installations()
        .iter()
        .filter(|i| {
            app_permissions
                .keys()
                .any(|p| !i.permissions.contains_key(p))
                || app_events.iter().any(|e| !i.events.contains(e))
        })
        .map(|i| i.id)
        .collect();
    assert!(!behind.is_empty() && behind.len() < 120);
    let out = run(&["--awaiting-acceptance", "--json"]);
    let listed: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let mut ids: Vec<u64> = listed.iter().map(|i| i["id"].as_u64().unwrap()).collect();
    ids.sort();
    let mut expected = behind.clone();
    expected.sort();
    assert_eq!(ids, expected);
    for inst in &listed {
        let gap = &inst["awaiting_acceptance"];
        let missing_issues = gap["permissions"]["issues"]["asked"] == "write";
        let missing_event = gap["events"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e == "check_run"));
        assert!(missing_issues || missing_event, "{inst}");
    }
    assert!(
        stderr(&out).contains(&format!(
            "{} of 120 installation(s) have not accepted",
            behind.len()
        )),
        "{}",
        stderr(&out)
    );
    let table = stdout(&run(&["--awaiting-acceptance"]));
    assert!(table.contains("NOT ACCEPTED"), "{table}");
    assert!(table.contains("issues: write (none)"), "{table}");
}

#[tokio::test(flavor = "multi_thread")]
async fn webhook_source_ranges_as_cidr_nginx_and_json_and_none_from_enterprise_server() {
    let sim = start_sim(SimConfig::default()).await;
    let api = sim.api_url();
    let env = CliEnv::new();
    let run = |args: &[&str]| tokio::task::block_in_place(|| env.run(args, None));

    let out = run(&["hook", "source-ranges", "--api-url", &api]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(listed, ghsim::meta_hooks().map(str::to_owned).to_vec());
    assert!(
        stderr(&out).contains("4 IPv4 and 2 IPv6 range(s)"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("X-Hub-Signature-256"));
    // Asked without credentials, as GitHub's docs call it.
    assert_eq!(sim.stats().by_endpoint.get("GET /meta"), Some(&1));

    let out = run(&[
        "hook",
        "source-ranges",
        "--api-url",
        &api,
        "--format",
        "nginx",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let nginx = stdout(&out);
    assert!(nginx.starts_with("# GitHub webhook source ranges"));
    let rules: Vec<&str> = nginx.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(rules.first(), Some(&"allow 192.30.252.0/22;"));
    assert_eq!(rules.last(), Some(&"deny all;"));
    assert_eq!(rules.len(), 7);

    let out = run(&[
        "hook",
        "source-ranges",
        "--api-url",
        &api,
        "--format",
        "json",
    ]);
    let shown: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(shown["source"]["kind"], "git_hub");
    assert_eq!(shown["ipv6"][1], "2606:50c0::/32");
    assert!(shown["fetched_at"].is_string());

    // Enterprise Server's /meta has no hooks: nothing to allow (not a lone `deny all;`).
    let ghes = start_sim(SimConfig {
        ghes: true,
        ..Default::default()
    })
    .await;
    let out = run(&[
        "hook",
        "source-ranges",
        "--api-url",
        &ghes.api_url(),
        "--format",
        "nginx",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("delivered by the instance itself"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exposed_credentials_are_found_masked_and_revoked_by_value() {
    let sim = start_sim(SimConfig::default()).await;
    let api = sim.api_url();
    let env = CliEnv::new();
    let run = |args: &[&str], stdin: &str| {
        tokio::task::block_in_place(|| env.run(args, Some(stdin.as_bytes())))
    };
    let classic = format!("ghp_{}", "A1b2".repeat(9));
    let fine = format!("github_pat_{}_{}", "B".repeat(22), "c3".repeat(29) + "d");
    let oauth = format!("gho_{}", "Z".repeat(36));
    let installation = format!("ghs_{}", "q".repeat(36));
    let log = format!(
        "2026-12-01 build step failed\nGITHUB_TOKEN={classic}\ncurl -H 'Authorization: Bearer {fine}' …\n{oauth} {installation} {classic}\n"
    );

    // Without a terminal, nothing is sent until --yes says so.
    let out = run(&["credentials", "revoke", "--api-url", &api, "-"], &log);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("confirm with --yes"),
        "{}",
        stderr(&out)
    );
    assert!(sim.revoked_credentials().is_empty());

    let out = run(
        &["credentials", "revoke", "--api-url", &api, "--yes", "-"],
        &log,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("Found 4 credential(s)"), "{said}");
    assert!(said.contains("ghp_A1b2…A1b2"), "{said}");
    assert!(said.contains("installation token — not taken"), "{said}");
    // ghsim never minted that one: GitHub answers 401 for it, said as no longer valid.
    assert!(
        said.contains("1 installation token(s) were no longer valid"),
        "{said}"
    );
    assert!(said.contains("GitHub accepted 3 credential(s)"), "{said}");
    for value in [&classic, &fine, &oauth, &installation] {
        assert!(!said.contains(value.as_str()) && !stdout(&out).contains(value.as_str()));
    }
    assert_eq!(
        sim.revoked_credentials(),
        vec![classic.clone(), fine.clone(), oauth.clone()]
    );
    let record = std::fs::read_to_string(
        env.home
            .path()
            .join(".local/share/appwarden/activity.jsonl"),
    )
    .unwrap();
    assert!(record.contains("\"credentials.revoked\""), "{record}");
    assert!(record.contains("3 exposed credential(s)"), "{record}");
    assert!(
        record.contains("prefixes gho_, ghp_, github_pat_"),
        "{record}"
    );
    for value in [&classic, &fine, &oauth] {
        assert!(!record.contains(value.as_str()));
    }

    // 1,500 at once: two requests of at most 1,000.
    let many: String = (0..1_500).map(|i| format!("ghp_{i:036}\n")).collect();
    let before = sim
        .stats()
        .by_endpoint
        .get("POST /credentials/revoke")
        .copied();
    let out = run(
        &["credentials", "revoke", "--api-url", &api, "--yes"],
        &many,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let after = sim
        .stats()
        .by_endpoint
        .get("POST /credentials/revoke")
        .copied();
    assert_eq!(after.unwrap_or(0) - before.unwrap_or(0), 2);
    assert_eq!(sim.revoked_credentials().len(), 3 + 1_500);

    // Nothing to revoke, an Enterprise Server, and the endpoint's 60 requests an hour.
    let out = run(
        &["credentials", "revoke", "--api-url", &api, "--yes", "-"],
        "no secrets here",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("No credential was found"),
        "{}",
        stderr(&out)
    );
    let ghes = start_sim(SimConfig {
        ghes: true,
        ..Default::default()
    })
    .await;
    let out = run(
        &[
            "credentials",
            "revoke",
            "--api-url",
            &ghes.api_url(),
            "--yes",
            "-",
        ],
        &log,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("Enterprise Server has no"),
        "{}",
        stderr(&out)
    );
    assert!(ghes.revoked_credentials().is_empty());
    let http = reqwest::Client::builder()
        .user_agent("appwarden-tests")
        .build()
        .unwrap();
    for _ in 0..ghsim::REVOKE_PER_HOUR {
        let _ = http
            .post(format!("{api}/credentials/revoke"))
            .json(&serde_json::json!({ "credentials": ["ghp_x"] }))
            .send()
            .await;
    }
    let out = run(
        &["credentials", "revoke", "--api-url", &api, "--yes", "-"],
        &classic,
    );
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert!(said.contains("rate limit is used up"), "{said}");
    assert!(!said.contains("permission"), "{said}");
}
