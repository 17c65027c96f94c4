//! An organization governed through the app's installation on it, against ghsim over real
//! HTTP: its installed apps and its audit log, from the core and from the CLI (every page
//! once, the query sent as GitHub names it, a token scoped to the one permission needed, a
//! missing permission said before anything is minted, the plan and the query limit in plain
//! words).

use appwarden_core::github::{AuditQuery, ClientOptions};
use appwarden_core::{ApiUrl, AppSession, ErrorCode, PrivateKey, clock};
use appwarden_system_tests::{CliEnv, ad_hoc_app_args, fixture_text, start_sim, stderr, stdout};
use ghsim::SimConfig;
use std::collections::BTreeMap;
use std::ops::ControlFlow;

fn session(sim: &ghsim::Sim) -> AppSession {
    let key = PrivateKey::from_pem(fixture_text("rsa2048-pkcs1.pem").as_bytes()).unwrap();
    AppSession::new(
        ApiUrl::parse(&sim.api_url()).unwrap(),
        1,
        None,
        key,
        clock::system(),
        ClientOptions::default(),
    )
    .unwrap()
}

/// ghsim's first organization (on GitHub Enterprise Cloud) and one that is not.
fn orgs(sim: &ghsim::Sim) -> (ghsim::model::SimInstallation, ghsim::model::SimInstallation) {
    let installations = sim.installations();
    let cloud = installations
        .iter()
        .find(|i| i.account_type == "Organization" && i.suspended_at.is_none())
        .cloned()
        .unwrap();
    let free = installations
        .iter()
        .find(|i| {
            i.account_type == "Organization" && !ghsim::orgs::on_enterprise_cloud(i.account_id)
        })
        .cloned()
        .unwrap();
    (cloud, free)
}

fn requests(sim: &ghsim::Sim, endpoint: &str) -> u64 {
    sim.stats().by_endpoint.get(endpoint).copied().unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_organizations_apps_come_with_a_token_scoped_to_administration_read() {
    let sim = start_sim(SimConfig {
        installations: 20,
        ..Default::default()
    })
    .await;
    let (org, _) = orgs(&sim);
    let world = sim.org(&org.account_login).unwrap();
    let session = session(&sim);

    let listed = session.installed_apps(&org.account_login).await.unwrap();
    assert_eq!(listed.installations.len(), world.other_apps.len() + 1);
    assert_eq!(listed.total_count as usize, listed.installations.len());
    assert!(listed.installations.iter().any(|i| i.id == org.id));
    // Every app once, in one request of 100.
    let mut ids: Vec<u64> = listed.installations.iter().map(|i| i.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), listed.installations.len());
    assert_eq!(
        requests(
            &sim,
            &format!("GET /orgs/{}/installations", org.account_login)
        ),
        1
    );
    // The token asked for the one permission needed, nothing more.
    let minted = sim.minted_tokens();
    assert_eq!(minted.len(), 1);
    assert_eq!(
        minted[0].permissions,
        BTreeMap::from([("organization_administration".into(), "read".into())])
    );
    // A second call reuses the cached token.
    session.installed_apps(&org.account_login).await.unwrap();
    assert_eq!(sim.minted_tokens().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_permission_is_said_before_anything_is_minted() {
    let sim = start_sim(SimConfig {
        installations: 20,
        ..Default::default()
    })
    .await;
    let (org, _) = orgs(&sim);
    sim.set_permission(org.id, "organization_administration", None);
    let session = session(&sim);
    let err = session
        .installed_apps(&org.account_login)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::MissingPermission);
    assert!(
        err.to_string()
            .contains("organization permission \"Administration\" (read)"),
        "{err}"
    );
    assert!(sim.minted_tokens().is_empty());
    assert_eq!(
        requests(
            &sim,
            &format!("GET /orgs/{}/installations", org.account_login)
        ),
        0
    );

    // ghsim refuses a token without it as GitHub does: "Resource not accessible by integration".
    sim.set_permission(org.id, "organization_administration", Some("read"));
    let token = session
        .token(
            org.id,
            &appwarden_core::github::TokenRequest {
                permissions: BTreeMap::from([("contents".into(), "read".into())]),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .0;
    let err = session
        .client
        .org_installations(&token.token, &org.account_login)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.api().unwrap().message, ghsim::NOT_ACCESSIBLE);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_audit_log_is_read_page_by_page_with_the_query_as_github_names_it() {
    let sim = start_sim(SimConfig {
        installations: 20,
        ..Default::default()
    })
    .await;
    let (org, free) = orgs(&sim);
    let world = sim.org(&org.account_login).unwrap();
    let session = session(&sim);
    let window =
        chrono::Utc::now() - chrono::Duration::days(ghsim::orgs::DEFAULT_AUDIT_WINDOW_DAYS);
    let expected: Vec<String> = world
        .audit
        .iter()
        .filter(|e| {
            !e.git
                && e.at_ms >= window.timestamp_millis()
                && e.action.starts_with("integration_installation.")
        })
        .map(|e| e.document_id.clone())
        .collect();
    assert!(expected.len() > 150, "{}", expected.len());

    let query = AuditQuery {
        phrase: "action:integration_installation".into(),
        per_page: 100,
        ..AuditQuery::default()
    };
    let mut seen = Vec::new();
    let read = session
        .audit_log(&org.account_login, &query, None, |events| {
            seen.extend(events.iter().map(|e| e.document_id().unwrap().to_owned()));
            ControlFlow::Continue(())
        })
        .await
        .unwrap();
    assert_eq!(seen, expected);
    assert_eq!(read.pages, expected.len().div_ceil(100));
    assert_eq!(
        requests(&sim, &format!("GET /orgs/{}/audit-log", org.account_login)),
        read.pages as u64
    );
    assert!(!read.stopped_early);

    // A limit asks for no more than it needs.
    let before = requests(&sim, &format!("GET /orgs/{}/audit-log", org.account_login));
    let mut count = 0;
    let read = session
        .audit_log(&org.account_login, &query, Some(30), |events| {
            count += events.len();
            ControlFlow::Continue(())
        })
        .await
        .unwrap();
    assert_eq!((count, read.pages), (30, 1));
    assert!(read.stopped_early);
    assert_eq!(
        requests(&sim, &format!("GET /orgs/{}/audit-log", org.account_login)),
        before + 1
    );

    // An organization without Enterprise Cloud: said as such.
    let err = session
        .audit_log(&free.account_login, &query, None, |_| {
            ControlFlow::Continue(())
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotAvailable);
    assert!(err.to_string().contains("Enterprise Cloud"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_lists_apps_and_streams_the_audit_log_as_json_lines() {
    let sim = start_sim(SimConfig {
        installations: 20,
        ..Default::default()
    })
    .await;
    let (org, free) = orgs(&sim);
    let world = sim.org(&org.account_login).unwrap();
    let env = CliEnv::new();
    let app_args = ad_hoc_app_args(&sim);
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(app_args.iter().map(String::as_str));
        tokio::task::block_in_place(|| env.run(&all, None))
    };
    let login = org.account_login.as_str();

    // GitHub's objects as an array; a filter by permission and level.
    let out = run(&["org", "apps", "--org", login, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let apps: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(apps.len(), world.other_apps.len() + 1);
    let out = run(&[
        "org",
        "apps",
        "--org",
        login,
        "--permission",
        "contents=write",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let writers: Vec<&str> = world
        .other_apps
        .iter()
        .filter(|(_, i)| {
            i.permissions
                .get("contents")
                .is_some_and(|l| l == "write" || l == "admin")
        })
        .map(|(app, _)| app.slug.as_str())
        .collect();
    let table = stdout(&out);
    assert_eq!(table.lines().count(), writers.len() + 1, "{table}");
    for slug in &writers {
        assert!(table.contains(slug), "{slug}: {table}");
    }
    assert!(
        stderr(&out).contains("can write contents"),
        "{}",
        stderr(&out)
    );

    // One event per line, as GitHub sent it; --since on GitHub's clock; --limit.
    let out = run(&[
        "org",
        "audit-log",
        "--org",
        login,
        "--programmatic-access",
        "--since",
        "7d",
        "--limit",
        "150",
        "--json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let week_ago = (chrono::Utc::now() - chrono::Duration::days(7)).timestamp_millis();
    let recent = world
        .audit
        .iter()
        .filter(|e| {
            !e.git
                && e.at_ms >= week_ago
                && appwarden_core::github::audit_log::PROGRAMMATIC_ACCESS
                    .iter()
                    .any(|c| e.action.split_once('.').is_some_and(|(cat, _)| cat == *c))
        })
        .count();
    assert_eq!(lines.len(), recent.min(150));
    for event in &lines {
        assert!(event["@timestamp"].as_i64().unwrap() >= week_ago - 60_000);
        let category = event["action"].as_str().unwrap().split('.').next().unwrap();
        assert!(
            appwarden_core::github::audit_log::PROGRAMMATIC_ACCESS.contains(&category),
            "{event}"
        );
    }

    // Not on Enterprise Cloud; a phrase GitHub's search does not take; the hourly limit.
    let out = run(&["org", "audit-log", "--org", &free.account_login]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("needs GitHub Enterprise Cloud"),
        "{}",
        stderr(&out)
    );
    let out = run(&[
        "org",
        "audit-log",
        "--org",
        login,
        "--phrase",
        "deploy keys",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("hint: The audit log searches qualifiers"),
        "{}",
        stderr(&out)
    );
    sim.set_audit_log_limit(0);
    let out = run(&["org", "audit-log", "--org", login, "--limit", "5"]);
    assert_eq!(out.status.code(), Some(2));
    let said = stderr(&out);
    assert!(said.contains("secondary rate limit"), "{said}");
    assert!(said.contains("hint: Try again after"), "{said}");
    assert!(!said.contains("permission"), "{said}");

    // Without the permission: said before anything is minted.
    sim.set_audit_log_limit(1_750);
    sim.set_permission(org.id, "organization_administration", None);
    let minted = sim.minted_tokens().len();
    let out = run(&["org", "apps", "--org", login]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("\"Administration\" (read)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sim.minted_tokens().len(), minted);
}
