//! GitHub's behaviours where a client is easily wrong (docs/github-behaviour.md): the core
//! and the CLI against ghsim modelling each as GitHub documents it. Each test names the
//! catalogue row it proves.

use appwarden_core::github::{
    ClientOptions, GitHubError, RateLimitKind, TokenRequest, WaitObserver,
};
use appwarden_core::token_cache::TokenSource;
use appwarden_core::{AccessToken, ApiUrl, AppSession, ErrorCode, PrivateKey, clock};
use appwarden_system_tests::{
    CliEnv, ad_hoc_app_args, fixture, fixture_text, jwt_window_with_room, start_sim, stderr, stdout,
};
use ghsim::{FaultKind, FaultRule, SimConfig};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CLIENT_ID: &str = "Iv23liSIMULATED0001";

fn key() -> PrivateKey {
    PrivateKey::from_pem(fixture_text("rsa2048-pkcs1.pem").as_bytes()).unwrap()
}

fn options() -> ClientOptions {
    ClientOptions {
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        timeout: Duration::from_secs(5),
        ..ClientOptions::default()
    }
}

fn session_with(sim: &ghsim::Sim, client_id: Option<&str>, options: ClientOptions) -> AppSession {
    AppSession::new(
        ApiUrl::parse(&sim.api_url()).unwrap(),
        1,
        client_id,
        key(),
        clock::system(),
        options,
    )
    .unwrap()
}

fn count(sim: &ghsim::Sim, endpoint: &str) -> u64 {
    sim.stats().by_endpoint.get(endpoint).copied().unwrap_or(0)
}

/// A simulator answering as an Enterprise Server of `version`, under `/api/v3` or not.
async fn enterprise_sim(version: &str, under_api_v3: bool) -> ghsim::Sim {
    start_sim(SimConfig {
        ghes: under_api_v3,
        ghes_version: Some(version.into()),
        installations: 5,
        ..Default::default()
    })
    .await
}

/// A plain GET with a bearer credential, as any HTTP client would send it.
async fn raw_get(sim: &ghsim::Sim, path: &str, bearer: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}{path}", sim.api_url()))
        .bearer_auth(bearer)
        .header("user-agent", "t")
        .send()
        .await
        .unwrap()
}

fn run_cli(env: &CliEnv, args: &[String]) -> std::process::Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    tokio::task::block_in_place(|| env.run(&args, None))
}

// Row: "Issuer by host and version".
#[tokio::test(flavor = "multi_thread")]
async fn enterprise_server_before_3_18_gets_the_app_id_as_issuer() {
    // ghsim refuses a client ID from a 3.17 server with GitHub's message, accepts it on 3.19.
    for (version, accepted) in [("3.17.0", false), ("3.19.2", true)] {
        let sim = enterprise_sim(version, true).await;
        let jwt = appwarden_core::jwt::sign(
            &key(),
            &appwarden_core::jwt::Issuer::new(1, Some(CLIENT_ID)),
            chrono::Utc::now(),
        )
        .unwrap();
        let answer = raw_get(&sim, "/app", jwt.jwt.expose_secret()).await;
        assert_eq!(answer.headers()["x-github-enterprise-version"], version);
        assert_eq!(answer.status().is_success(), accepted, "{version}");
        if !accepted {
            assert!(
                answer
                    .text()
                    .await
                    .unwrap()
                    .contains("'Issuer' claim ('iss') must be an Integer")
            );
        }
    }

    // A stored client ID on an Enterprise Server URL: signed with the app ID, nothing refused.
    // Enterprise Server has rate limits off by default: no `x-ratelimit-*` headers, even for
    // installation tokens.
    let sim = enterprise_sim("3.17.0", true).await;
    let s = session_with(&sim, Some(CLIENT_ID), options());
    assert!(!s.signer.uses_client_id());
    s.client.app(&s.signer).await.unwrap();
    let (token, _) = s
        .token(sim.installations()[0].id, &TokenRequest::default())
        .await
        .unwrap();
    assert_eq!(count(&sim, "GET /app"), 1, "no request was refused first");
    let answer = raw_get(
        &sim,
        "/installation/repositories",
        token.token.expose_secret(),
    )
    .await;
    assert_eq!(answer.status(), 200);
    assert!(!answer.headers().contains_key("x-ratelimit-remaining"));

    // A 3.17 server at a URL that does not look like one (behind a proxy path): the client ID
    // is refused once, the request is signed again with the app ID, and that sticks.
    let sim = enterprise_sim("3.17.0", false).await;
    let s = session_with(&sim, Some(CLIENT_ID), options());
    assert!(s.signer.uses_client_id());
    s.client.app(&s.signer).await.unwrap();
    assert_eq!(count(&sim, "GET /app"), 2, "one refusal, one retry");
    assert!(!s.signer.uses_client_id());
    s.client
        .installation(&s.signer, sim.installations()[0].id)
        .await
        .unwrap();
    assert_eq!(count(&sim, "GET /app/installations/:id"), 1);

    // The CLI: `app add` learns the client ID, and every later command still works on 3.17;
    // so does an explicit --client-id.
    let sim = enterprise_sim("3.17.0", true).await;
    let env = CliEnv::new();
    let mut args: Vec<String> = ["installations", "--json", "--client-id", CLIENT_ID]
        .map(String::from)
        .to_vec();
    args.extend(ad_hoc_app_args(&sim));
    let out = run_cli(&env, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(listed.len(), 5);
}

// Row: "Secondary rate limits".
#[tokio::test]
async fn a_secondary_rate_limit_without_retry_after_is_recognised_waited_or_reported() {
    let sim = start_sim(SimConfig::default()).await;
    // Too long to wait for this command: reported as a rate limit, never as permissions.
    sim.inject(FaultRule::new("/app", FaultKind::SecondaryRateLimitWithoutRetryAfter).times(1));
    let s = session_with(
        &sim,
        None,
        ClientOptions {
            max_rate_limit_wait: Duration::from_secs(5),
            ..options()
        },
    );
    let before = chrono::Utc::now();
    let err = s.client.app(&s.signer).await.unwrap_err();
    let GitHubError::RateLimited {
        kind: RateLimitKind::Secondary,
        reset_at: Some(reset_at),
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    let wait = *reset_at - before;
    assert!(
        wait >= chrono::Duration::seconds(59) && wait <= chrono::Duration::seconds(62),
        "at least a minute: {wait}"
    );
    let core = appwarden_core::Error::from(err);
    assert_eq!(core.code(), ErrorCode::RateLimited);
    assert!(core.to_string().contains("secondary rate limit"), "{core}");
    let hint = core.hint().unwrap();
    assert!(
        hint.contains("Try again after") && !hint.contains("permission"),
        "{hint}"
    );
    assert_eq!(count(&sim, "GET /app"), 1, "no request into the limit");

    // Short enough: waited out, and the wait is announced with its end.
    let waits = Arc::new(Mutex::new(Vec::new()));
    let seen = waits.clone();
    let s = session_with(
        &sim,
        None,
        ClientOptions {
            secondary_rate_limit_wait: Duration::from_millis(300),
            on_rate_limit_wait: Some(WaitObserver::new(move |wait| {
                seen.lock().unwrap().push((wait.kind, wait.until));
            })),
            ..options()
        },
    );
    sim.inject(FaultRule::new("/app", FaultKind::SecondaryRateLimitWithoutRetryAfter).times(2));
    let started = std::time::Instant::now();
    s.client.app(&s.signer).await.unwrap();
    let waits = waits.lock().unwrap().clone();
    assert_eq!(waits.len(), 2);
    assert!(
        waits
            .iter()
            .all(|(kind, _)| *kind == RateLimitKind::Secondary)
    );
    // The second wait doubles: 300 ms, then 600 ms.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

// Row: "Secondary rate limits" (bulk runs stop).
#[tokio::test(flavor = "multi_thread")]
async fn bulk_redelivery_stops_at_a_secondary_rate_limit() {
    use appwarden_core::redelivery::RedeliveryOptions;
    // In the core: the first limit is short enough and waited out, the second (doubled) is
    // not, and the run stops there with the rest left.
    let sim = start_sim(SimConfig::default()).await;
    let s = session_with(
        &sim,
        None,
        ClientOptions {
            secondary_rate_limit_wait: Duration::from_millis(300),
            max_rate_limit_wait: Duration::from_millis(500),
            ..options()
        },
    );
    let plan = s
        .plan_redelivery(chrono::Utc::now() - chrono::Duration::hours(72), None)
        .await
        .unwrap();
    assert_eq!(plan.to_redeliver.len(), 5);
    sim.inject(
        FaultRule::new("/attempts", FaultKind::SecondaryRateLimitWithoutRetryAfter)
            .method("POST")
            .always(),
    );
    let report = s
        .redeliver_each(
            &plan.ids(),
            &RedeliveryOptions {
                pause: Duration::ZERO,
            },
            |_| {},
        )
        .await;
    assert!(report.redelivered.is_empty());
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.not_attempted.len(), 4);
    let stopped = report.stopped.unwrap();
    assert!(stopped.contains("secondary rate limit"), "{stopped}");
    assert_eq!(count(&sim, "POST /app/hook/deliveries/:id/attempts"), 2);

    // The CLI: a limit too long to wait stops `redeliver --failed` at the first refusal.
    let sim = start_sim(SimConfig::default()).await;
    sim.inject(
        FaultRule::new(
            "/attempts",
            FaultKind::SecondaryRateLimit {
                retry_after_secs: 3_600,
            },
        )
        .method("POST")
        .always(),
    );
    let env = CliEnv::new();
    let mut args: Vec<String> = [
        "hook",
        "redeliver",
        "--failed",
        "--since",
        "3d",
        "--pause-ms",
        "0",
    ]
    .map(String::from)
    .to_vec();
    args.extend(ad_hoc_app_args(&sim));
    let out = run_cli(&env, &args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("secondary rate limit"), "{err}");
    assert!(!err.contains("permission"), "{err}");
    assert_eq!(
        count(&sim, "POST /app/hook/deliveries/:id/attempts"),
        1,
        "the run stops at the first refusal: {err}"
    );

    // A limit that names a short wait: the CLI says it waits, and until when.
    let sim = start_sim(SimConfig::default()).await;
    let mut list: Vec<String> = ["installations"].map(String::from).to_vec();
    list.extend(ad_hoc_app_args(&sim));
    sim.inject(
        FaultRule::new(
            "/app/installations",
            FaultKind::SecondaryRateLimit {
                retry_after_secs: 1,
            },
        )
        .times(1),
    );
    let out = run_cli(&env, &list);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("secondary rate limit was hit (GET /app/installations): waiting until"),
        "{}",
        stderr(&out)
    );
}

// Row: "Primary rate limit".
#[tokio::test]
async fn a_primary_rate_limit_is_waited_until_after_its_reset_second() {
    let sim = start_sim(SimConfig::default()).await;
    // ghsim refuses every request up to and including the reset second.
    sim.inject(
        FaultRule::new("/app", FaultKind::PrimaryRateLimit { reset_in_secs: 2 }).method("GET"),
    );
    let s = session_with(&sim, None, options());
    s.client.app(&s.signer).await.unwrap();
    assert_eq!(
        count(&sim, "GET /app"),
        2,
        "one refusal, then one request after the reset second"
    );
}

// Row: "Token replication".
#[tokio::test]
async fn a_token_refused_right_after_minting_is_tried_again() {
    let sim = start_sim(SimConfig {
        token_replication: Duration::from_millis(1_500),
        installations: 3,
        ..Default::default()
    })
    .await;
    let s = session_with(&sim, None, options());
    let (token, _) = s
        .token(sim.installations()[0].id, &TokenRequest::default())
        .await
        .unwrap();
    let repositories = s
        .client
        .installation_repositories(&token.token)
        .await
        .unwrap();
    assert!(!repositories.is_empty());
    assert!(
        count(&sim, "GET /installation/repositories") >= 2,
        "refused, then accepted"
    );
    // On github.com an installation token's answers carry its hourly budget.
    let answer = raw_get(
        &sim,
        "/installation/repositories",
        token.token.expose_secret(),
    )
    .await;
    assert_eq!(answer.headers()["x-ratelimit-limit"], "5000");
    assert_eq!(answer.headers()["x-ratelimit-resource"], "core");

    // Revoking a fresh token works too.
    let (fresh, _) = s
        .token(
            sim.installations()[1].id,
            &TokenRequest {
                repositories: vec![sim.installations()[1].repositories[0].name.clone()],
                ..TokenRequest::default()
            },
        )
        .await
        .unwrap();
    s.revoke(&fresh.token).await.unwrap();
    assert!(sim.token(fresh.token.expose_secret()).unwrap().revoked);

    // A token whose age is unknown (typed, piped) is not retried: a 401 is final at once.
    sim.reset_stats();
    let err = s
        .client
        .installation_repositories(&AccessToken::new("ghs_notatoken"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(count(&sim, "GET /installation/repositories"), 1);

    // Past the window, a refusal is final: with replication slower than five seconds.
    sim.set_token_replication(Duration::from_secs(60));
    let (slow, _) = s
        .token(sim.installations()[2].id, &TokenRequest::default())
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let err = s
        .client
        .installation_repositories(&slow.token)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
}

// Row: "Token lifetime on GitHub's clock".
#[tokio::test]
async fn token_lifetimes_are_judged_on_githubs_clock() {
    let sim = start_sim(SimConfig::default()).await;
    let s = session_with(&sim, None, options());
    let id = sim.installations()[0].id;
    let (first, _) = s.token(id, &TokenRequest::default()).await.unwrap();
    // GitHub's clock runs 58 minutes ahead of ours from now on (ours is slow): the token has
    // two minutes left on GitHub's clock, though it looks an hour young on ours.
    sim.set_clock_offset(chrono::Duration::minutes(58));
    s.client.app(&s.signer).await.unwrap();
    let (second, source) = s.token(id, &TokenRequest::default()).await.unwrap();
    assert_eq!(
        source,
        TokenSource::Minted,
        "not handed out with two minutes left"
    );
    assert_ne!(second.token, first.token);
    s.client
        .installation_repositories(&second.token)
        .await
        .unwrap();
    let (third, source) = s.token(id, &TokenRequest::default()).await.unwrap();
    assert_eq!(source, TokenSource::Cached);
    assert_eq!(third.token, second.token);
}

// Row: "Token lifetime on GitHub's clock" (git's password_expiry_utc).
#[tokio::test(flavor = "multi_thread")]
async fn gits_expiry_is_on_the_local_clock() {
    use appwarden_system_tests::keyring_session::{Keyring, KeyringSession};
    let keyring = KeyringSession::start(Keyring::Unlocked);
    // GitHub's clock is ten minutes ahead of ours: its expiry is ten minutes later than ours.
    let sim = start_sim(SimConfig {
        clock_offset: chrono::Duration::minutes(10),
        installations: 4,
        ..Default::default()
    })
    .await;
    let env = CliEnv::with_bus(&keyring.address);
    let api = sim.api_url();
    let key = fixture("rsa2048-pkcs1.pem").to_string_lossy().into_owned();
    let out = run_cli(
        &env,
        &[
            "app",
            "add",
            "--name",
            "bot",
            "--app-id",
            "1",
            "--api-url",
            &api,
            "--key",
            &key,
        ]
        .map(String::from),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let target = sim.installations()[1].clone();
    let request = format!(
        "protocol=http\nhost={}\npath={}/{}.git\n\n",
        api.trim_start_matches("http://"),
        target.account_login,
        target.repositories[0].name
    );
    let out = tokio::task::block_in_place(|| {
        env.run(&["git-credential", "get"], Some(request.as_bytes()))
    });
    assert!(out.status.success(), "{}", stderr(&out));
    let answer = stdout(&out);
    let expiry: i64 = answer
        .lines()
        .find_map(|l| l.strip_prefix("password_expiry_utc="))
        .unwrap_or_else(|| panic!("{answer}"))
        .parse()
        .unwrap();
    let in_an_hour = (chrono::Utc::now() + chrono::Duration::hours(1)).timestamp();
    assert!(
        (expiry - in_an_hour).abs() <= 15,
        "an hour from now on this clock, not 70 minutes: {}",
        expiry - in_an_hour
    );
}

// Row: "Minting retries".
#[tokio::test]
async fn minting_a_token_is_retried_on_5xx_and_dropped_connections() {
    let sim = start_sim(SimConfig::default()).await;
    let id = sim.installations()[0].id;
    sim.inject(FaultRule::new("access_tokens", FaultKind::Status(502)).times(1));
    sim.inject(FaultRule::new("access_tokens", FaultKind::Reset).times(1));
    let s = session_with(&sim, None, options());
    let (token, source) = s.token(id, &TokenRequest::default()).await.unwrap();
    assert_eq!(source, TokenSource::Minted);
    assert!(sim.token(token.token.expose_secret()).is_some());
    assert_eq!(
        count(&sim, "POST /app/installations/:id/access_tokens"),
        3,
        "a 502, a dropped connection, then the token"
    );
}

// Row: "Conditional requests and ETags".
#[tokio::test(flavor = "multi_thread")]
async fn separate_runs_share_etags_only_with_the_same_jwt() {
    let sim = start_sim(SimConfig {
        installations: 250,
        ..Default::default()
    })
    .await;
    let env = CliEnv::new();
    let list = |extra: &[&str]| {
        let mut args: Vec<String> = ["installations", "--json"].map(String::from).to_vec();
        args.extend(extra.iter().map(|s| s.to_string()));
        args.extend(ad_hoc_app_args(&sim));
        let before = sim.stats().not_modified;
        let out = run_cli(&env, &args);
        assert!(out.status.success(), "{}", stderr(&out));
        (out, sim.stats().not_modified - before)
    };
    jwt_window_with_room(Duration::from_secs(30)).await;
    let (first, not_modified) = list(&[]);
    assert_eq!(not_modified, 0);
    // Another process in the same five-minute window signs the very same JWT: 304s.
    let (again, not_modified) = list(&[]);
    assert_eq!(not_modified, 3, "{}", stderr(&again));
    assert_eq!(stdout(&again), stdout(&first));
    assert!(stderr(&again).contains("unchanged since the last listing"));
    // Another JWT (here another issuer) for the same pages: GitHub's ETags do not match.
    let (other, not_modified) = list(&["--client-id", CLIENT_ID]);
    assert_eq!(not_modified, 0, "{}", stderr(&other));
    assert_eq!(stdout(&other), stdout(&first));
    assert!(!stderr(&other).contains("unchanged"));
}
