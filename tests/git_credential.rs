//! `appwarden git-credential` driven by the real `git credential fill` / `reject`, against
//! ghsim, with the app's key in the real Secret Service.

use appwarden_system_tests::keyring_session::{Keyring, KeyringSession};
use appwarden_system_tests::{CliEnv, appwarden_bin, fixture, start_sim, stderr, stdout};
use ghsim::SimConfig;
use std::process::{Command, Output, Stdio};

/// Runs `git credential <action>` with only Appwarden as helper, feeding `input`.
fn git_credential(env: &CliEnv, action: &str, input: &str) -> Output {
    use std::io::Write;
    let helper = format!("!{} git-credential", appwarden_bin().display());
    let mut child = Command::new("git")
        .args([
            "-c",
            "credential.helper=",
            "-c",
            &format!("credential.helper={helper}"),
            "-c",
            "credential.useHttpPath=true",
            "credential",
            action,
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", env.home.path())
        .env("APPWARDEN_CONFIG_DIR", env.config_dir())
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            env.bus.as_deref().unwrap_or_default(),
        )
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("git is installed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn field<'a>(output: &'a str, key: &str) -> Option<&'a str> {
    output
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{key}=")))
}

#[tokio::test(flavor = "multi_thread")]
async fn git_gets_a_repository_scoped_token_and_reject_revokes_it_unless_seconds_old() {
    let session = KeyringSession::start(Keyring::Unlocked);
    let sim = start_sim(SimConfig {
        installations: 12,
        ..Default::default()
    })
    .await;
    let api = sim.api_url();
    let host = api.trim_start_matches("http://").to_owned();
    let env = CliEnv::with_bus(&session.address);
    let out = env.run(
        &[
            "app",
            "add",
            "--name",
            "Git bot",
            "--app-id",
            "1",
            "--api-url",
            &api,
            "--key",
            &fixture("rsa2048-pkcs1.pem").to_string_lossy(),
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let target = sim.installations()[5].clone();
    let repo = &target.repositories[0];

    // git asks for the repository: a token for that repository only.
    let request = format!(
        "protocol=http\nhost={host}\npath={}/{}.git\n\n",
        target.account_login, repo.name
    );
    let out = tokio::task::block_in_place(|| git_credential(&env, "fill", &request));
    assert!(out.status.success(), "{}", stderr(&out));
    let answer = stdout(&out);
    assert_eq!(field(&answer, "username"), Some("x-access-token"));
    let token = field(&answer, "password").unwrap().to_owned();
    assert!(token.starts_with("ghs_"), "{answer}");
    let record = sim.token(&token).expect("ghsim issued it");
    assert_eq!(record.installation_id, target.id);
    assert_eq!(record.repository_ids, Some(vec![repo.id]));
    let lookups: u64 = sim
        .stats()
        .by_endpoint
        .iter()
        .filter(|(endpoint, _)| endpoint.starts_with("GET /repos/"))
        .map(|(_, count)| count)
        .sum();
    assert_eq!(lookups, 1, "one GET /repos/{{owner}}/{{repo}}/installation");

    // A host Appwarden does not serve: no answer, so git (here with no other helper and no
    // terminal) finds no credential, and the helper itself prints nothing.
    let other = "protocol=https\nhost=gitlab.example.com\npath=a/b.git\n\n";
    let out = tokio::task::block_in_place(|| git_credential(&env, "fill", other));
    assert!(!out.status.success());
    assert!(field(&stdout(&out), "password").is_none());
    let mut helper = env.command(&["git-credential", "get"]);
    let out = tokio::task::block_in_place(|| {
        use std::io::Write;
        let mut child = helper
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(other.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    });
    assert!(out.status.success());
    assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    // A repository the app is not installed on: no answer either.
    let elsewhere = format!("protocol=http\nhost={host}\npath=not-installed/x.git\n\n");
    let out = tokio::task::block_in_place(|| git_credential(&env, "fill", &elsewhere));
    assert!(field(&stdout(&out), "password").is_none());

    // git rejects the credential seconds after getting it (say a push got 401 while GitHub
    // was still replicating the new token): the token is kept, not revoked.
    let expiry = field(&answer, "password_expiry_utc").unwrap().to_owned();
    let check = || async {
        reqwest::Client::new()
            .get(format!("{api}/installation/repositories"))
            .bearer_auth(&token)
            .header("user-agent", "test")
            .send()
            .await
            .unwrap()
            .status()
    };
    let reject = |expiry: &str| {
        format!(
            "{}\nusername=x-access-token\npassword={token}\npassword_expiry_utc={expiry}\n\n",
            request.trim_end()
        )
    };
    let out = tokio::task::block_in_place(|| git_credential(&env, "reject", &reject(&expiry)));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(check().await, 200, "a token seconds old is not revoked");
    assert!(!sim.token(&token).unwrap().revoked);

    // Without an expiry git does not say how old it is: kept too (it expires within the hour).
    let unknown_age = format!(
        "{}\nusername=x-access-token\npassword={token}\n\n",
        request.trim_end()
    );
    let out = tokio::task::block_in_place(|| git_credential(&env, "reject", &unknown_age));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(check().await, 200);

    // A token minted twenty minutes ago that git rejects is revoked.
    let older: i64 = expiry.parse::<i64>().unwrap() - 20 * 60;
    let out =
        tokio::task::block_in_place(|| git_credential(&env, "reject", &reject(&older.to_string())));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(check().await, 401, "the token was revoked");
}
