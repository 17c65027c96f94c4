//! The app's webhook through the core and the CLI against ghsim over real HTTP:
//! configuration (the secret never shown back), deliveries with their cursor pagination
//! and filters, one delivery's details (its signature checked with the secret), and
//! redelivering failed deliveries in a time window.

use appwarden_core::github::{DeliveryFilter, SecretChange, WebhookConfigUpdate};
use appwarden_core::redelivery::RedeliveryOptions;
use appwarden_core::{ApiUrl, AppSession, ErrorCode, PrivateKey, WebhookSecret, clock, webhook};
use appwarden_system_tests::{CliEnv, ad_hoc_app_args, fixture_text, start_sim, stderr, stdout};
use ghsim::{FaultKind, FaultRule, SimConfig};
use std::time::Duration;

fn session(sim: &ghsim::Sim) -> AppSession {
    AppSession::new(
        ApiUrl::parse(&sim.api_url()).unwrap(),
        1,
        None,
        PrivateKey::from_pem(fixture_text("rsa2048-pkcs1.pem").as_bytes()).unwrap(),
        clock::system(),
        Default::default(),
    )
    .unwrap()
}

#[tokio::test]
async fn configuration_is_shown_without_the_secret_and_changed() {
    let sim = start_sim(SimConfig::default()).await;
    let s = session(&sim);
    let config = s.webhook_config().await.unwrap();
    assert_eq!(
        config.url.as_deref(),
        Some("https://hooks.example.com/github")
    );
    assert_eq!(config.content_type.as_deref(), Some("json"));
    assert!(config.verify_ssl && config.secret_set);

    let update = WebhookConfigUpdate {
        url: Some("https://receiver.example.org/hooks".into()),
        verify_ssl: Some(false),
        secret: Some(SecretChange::Set(WebhookSecret::new("new-secret"))),
        ..Default::default()
    };
    let changed = s.update_webhook_config(&update).await.unwrap();
    assert_eq!(
        changed.url.as_deref(),
        Some("https://receiver.example.org/hooks")
    );
    assert!(!changed.verify_ssl && changed.secret_set);
    assert_eq!(sim.webhook_secret().as_deref(), Some("new-secret"));
    assert!(!format!("{changed:?}").contains("new-secret"));

    let removed = s
        .update_webhook_config(&WebhookConfigUpdate {
            secret: Some(SecretChange::Remove),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!removed.secret_set);
    assert_eq!(sim.webhook_secret(), None);

    // Refused before reaching GitHub, with what to do; nothing changes.
    let before = sim.stats().requests;
    for bad in [
        WebhookConfigUpdate {
            url: Some("not a url".into()),
            ..Default::default()
        },
        WebhookConfigUpdate {
            url: Some("ftp://example.com/x".into()),
            ..Default::default()
        },
        WebhookConfigUpdate {
            content_type: Some("xml".into()),
            ..Default::default()
        },
        WebhookConfigUpdate::default(),
    ] {
        let err = s.update_webhook_config(&bad).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{err}");
    }
    assert_eq!(sim.stats().requests, before);
    assert_eq!(
        sim.webhook_config().url,
        "https://receiver.example.org/hooks"
    );
}

#[tokio::test]
async fn deliveries_follow_the_cursor_and_filter() {
    let sim = start_sim(SimConfig {
        webhook_deliveries: 250,
        ..Default::default()
    })
    .await;
    let s = session(&sim);
    let all = s.deliveries(&DeliveryFilter::default()).await.unwrap();
    let expected = sim.deliveries();
    assert_eq!(all.deliveries.len(), expected.len());
    assert_eq!(all.requests as usize, expected.len().div_ceil(100));
    let ids: Vec<u64> = all.deliveries.iter().map(|d| d.id).collect();
    let mut newest_first: Vec<u64> = expected.iter().map(|d| d.id).collect();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(ids, newest_first, "every delivery once, newest first");

    let failed = s
        .deliveries(&DeliveryFilter {
            failed_only: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(!failed.deliveries.is_empty());
    assert!(failed.deliveries.iter().all(|d| !d.succeeded()));
    assert_eq!(
        failed.deliveries.len(),
        expected.iter().filter(|d| !d.succeeded()).count()
    );
    // Deliveries that got no answer (status code 0) count as failed, as redelivery counts
    // them, although GitHub's own `status=failure` (400-599) leaves them out.
    assert!(failed.deliveries.iter().any(|d| d.status_code == 0));
    let githubs_failure_filter = expected
        .iter()
        .filter(|d| (400..600).contains(&d.status_code))
        .count();
    assert!(githubs_failure_filter < failed.deliveries.len());

    // A window stops paging early: the last 10 hours need only the first page.
    let since = chrono::Utc::now() - chrono::Duration::hours(10);
    sim.reset_stats();
    let recent = s
        .deliveries(&DeliveryFilter {
            since: Some(since),
            event: Some("pull_request.opened".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(sim.stats().requests, 1);
    assert!(!recent.deliveries.is_empty());
    assert!(recent.deliveries.iter().all(|d| d.delivered_at >= since
        && d.event == "pull_request"
        && d.action.as_deref() == Some("opened")));

    let limited = s
        .deliveries(&DeliveryFilter {
            limit: Some(7),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(limited.deliveries.len(), 7);
    assert!(limited.truncated);
}

#[tokio::test]
async fn details_carry_request_and_response_and_a_signature_the_secret_verifies() {
    let sim = start_sim(SimConfig::default()).await;
    let s = session(&sim);
    let newest = s
        .deliveries(&DeliveryFilter {
            limit: Some(1),
            ..Default::default()
        })
        .await
        .unwrap()
        .deliveries
        .remove(0);
    let details = s.delivery(newest.id).await.unwrap();
    assert_eq!(details.delivery, newest);
    let headers = details.request.headers.as_ref().unwrap();
    assert_eq!(headers["X-GitHub-Delivery"], newest.guid.as_str());
    assert_eq!(headers["X-GitHub-Event"], newest.event.as_str());
    let payload = serde_json::to_vec(details.request.payload.as_ref().unwrap()).unwrap();
    let signature = headers["X-Hub-Signature-256"].as_str().unwrap();
    let secret = sim.webhook_secret().unwrap();
    assert_eq!(
        webhook::verify(&payload, secret.as_bytes(), signature),
        Ok(true)
    );
    assert_eq!(
        webhook::verify(&payload, b"wrong secret", signature),
        Ok(false)
    );
    assert!(details.response.payload.is_some());

    let err = s.delivery(1).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
}

#[tokio::test]
async fn failed_deliveries_in_a_window_are_redelivered_once_within_rate_limits() {
    let sim = start_sim(SimConfig::default()).await;
    let s = session(&sim);
    let since = chrono::Utc::now() - chrono::Duration::hours(72);
    let plan = s.plan_redelivery(since, None).await.unwrap();
    // ghsim seeds 10 failures over 70 hours, 5 of them already redelivered successfully.
    assert_eq!(plan.to_redeliver.len(), 5);
    assert_eq!(plan.already_redelivered, 5);

    // A secondary rate limit on the second write is waited out.
    sim.inject(
        FaultRule::new(
            "/attempts",
            FaultKind::SecondaryRateLimit {
                retry_after_secs: 1,
            },
        )
        .method("POST")
        .after(1),
    );
    let mut progress = Vec::new();
    let report = s
        .redeliver_each(
            &plan.ids(),
            &RedeliveryOptions {
                pause: Duration::from_millis(20),
            },
            |step| progress.push((step.done, step.total, step.error.is_none())),
        )
        .await;
    assert_eq!(report.redelivered.len(), 5, "{report:?}");
    assert!(report.failed.is_empty() && report.stopped.is_none());
    assert_eq!(progress, (1..=5).map(|n| (n, 5, true)).collect::<Vec<_>>());
    let stats = sim.stats();
    assert!(stats.max_in_flight <= 1, "one write at a time");
    // Nothing is left to redeliver, and a second run plans nothing.
    let again = s.plan_redelivery(since, None).await.unwrap();
    assert!(again.to_redeliver.is_empty(), "{again:?}");
    assert_eq!(again.already_redelivered, 10);

    // When the receiver is still down, the redeliveries fail and are planned again.
    let sim = start_sim(SimConfig::default()).await;
    sim.set_webhook_receiver_up(false);
    let s = session(&sim);
    let plan = s.plan_redelivery(since, None).await.unwrap();
    s.redeliver_each(
        &plan.ids(),
        &RedeliveryOptions {
            pause: Duration::ZERO,
        },
        |_| {},
    )
    .await;
    let again = s.plan_redelivery(since, None).await.unwrap();
    assert_eq!(again.to_redeliver.len(), 5);
}

#[tokio::test]
async fn a_long_rate_limit_stops_the_run_and_says_what_is_left() {
    let sim = start_sim(SimConfig::default()).await;
    let s = session(&sim);
    let since = chrono::Utc::now() - chrono::Duration::hours(72);
    let plan = s.plan_redelivery(since, None).await.unwrap();
    sim.inject(
        FaultRule::new(
            "/attempts",
            FaultKind::PrimaryRateLimit {
                reset_in_secs: 3600,
            },
        )
        .method("POST")
        .after(2)
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
    assert_eq!(report.redelivered.len(), 2);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.not_attempted.len(), 2);
    assert!(report.stopped.unwrap().contains("rate limit"));
}

fn run(
    env: &CliEnv,
    sim: &ghsim::Sim,
    args: &[&str],
    stdin: Option<&[u8]>,
) -> std::process::Output {
    let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    all.extend(ad_hoc_app_args(sim));
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    env.run(&refs, stdin)
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_shows_and_changes_the_configuration() {
    let sim = start_sim(SimConfig::default()).await;
    let env = CliEnv::new();
    let out = run(&env, &sim, &["hook", "config"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("https://hooks.example.com/github"), "{text}");
    assert!(text.contains("set (GitHub never shows it)"), "{text}");
    assert!(!text.contains(ghsim::hooks::DEFAULT_SECRET));

    let out = run(
        &env,
        &sim,
        &[
            "hook",
            "config",
            "--url",
            "https://new.example.com/in",
            "--secret-file",
            "-",
            "--json",
        ],
        Some(b"from-stdin\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["url"], "https://new.example.com/in");
    assert_eq!(json["secret_set"], true);
    assert_eq!(sim.webhook_secret().as_deref(), Some("from-stdin"));

    let out = run(&env, &sim, &["hook", "config", "--url", "nope"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not a URL"), "{}", stderr(&out));
    assert_eq!(sim.webhook_config().url, "https://new.example.com/in");
}

#[tokio::test(flavor = "multi_thread")]
async fn cli_lists_deliveries_shows_one_and_redelivers_failures() {
    let sim = start_sim(SimConfig::default()).await;
    let env = CliEnv::new();
    let out = run(
        &env,
        &sim,
        &["hook", "deliveries", "--failed", "--json"],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let failed: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(failed.len(), 10);

    let out = run(&env, &sim, &["hook", "deliveries", "--since", "24h"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    assert!(table.lines().next().unwrap().contains("STATUS"), "{table}");
    assert!(table.contains("Invalid HTTP Response: 50"), "{table}");

    let id = failed[0]["id"].as_u64().unwrap().to_string();
    let out = run(&env, &sim, &["hook", "delivery", &id], None);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("X-GitHub-Delivery"),
        "{}",
        stdout(&out)
    );

    let out = run(
        &env,
        &sim,
        &[
            "hook",
            "redeliver",
            "--failed",
            "--since",
            "3d",
            "--dry-run",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("5 to redeliver"), "{}", stdout(&out));
    assert_eq!(
        sim.stats()
            .by_endpoint
            .get("POST /app/hook/deliveries/:id/attempts"),
        None
    );

    let out = run(
        &env,
        &sim,
        &[
            "hook",
            "redeliver",
            "--failed",
            "--since",
            "3d",
            "--pause-ms",
            "0",
        ],
        None,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("[5/5]"), "{}", stderr(&out));
    assert!(stdout(&out).contains("5 redelivered"), "{}", stdout(&out));

    let out = run(&env, &sim, &["hook", "redeliver", &id], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&env, &sim, &["hook", "redeliver", "1"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("404"), "{}", stderr(&out));
}
