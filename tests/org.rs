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

#[tokio::test(flavor = "multi_thread")]
async fn fine_grained_tokens_requests_are_reviewed_and_access_revoked() {
    use appwarden_core::github::pats::{PatFilter, Review};
    let sim = start_sim(SimConfig {
        installations: 20,
        ..Default::default()
    })
    .await;
    let (org, _) = orgs(&sim);
    let login = org.account_login.clone();
    let world = sim.org(&login).unwrap();
    let session = session(&sim);
    let pending: Vec<&ghsim::pats::SimPatRequest> = world
        .pat_requests
        .iter()
        .filter(|r| r.state == ghsim::pats::RequestState::Pending)
        .collect();
    assert!(pending.len() > 100, "{}", pending.len());

    // Every page once (100 a page), newest first, each request once.
    let listed = session
        .pat_requests(&login, &PatFilter::default())
        .await
        .unwrap();
    assert_eq!(listed.len(), pending.len());
    assert_eq!(
        requests(
            &sim,
            &format!("GET /orgs/{login}/personal-access-token-requests")
        ),
        pending.len().div_ceil(100) as u64
    );
    assert!(
        listed
            .windows(2)
            .all(|w| w[0].created_at >= w[1].created_at)
    );
    // The token scoped to reading requests alone.
    assert!(sim.minted_tokens().iter().any(|t| t.permissions
        == BTreeMap::from([(
            "organization_personal_access_token_requests".into(),
            "read".into()
        )])));

    // GitHub's filters: an owner, a permission at a level.
    let mona = session
        .pat_requests(
            &login,
            &PatFilter {
                owners: vec!["mona".into()],
                ..PatFilter::default()
            },
        )
        .await
        .unwrap();
    assert!(
        !mona.is_empty()
            && mona
                .iter()
                .all(|r| r.owner.login.as_deref() == Some("mona"))
    );
    let issues_read = session
        .pat_requests(
            &login,
            &PatFilter {
                permission: Some("issues_read".into()),
                ..PatFilter::default()
            },
        )
        .await
        .unwrap();
    assert!(
        issues_read
            .iter()
            .all(|r| r.permissions.repository.get("issues").map(String::as_str) == Some("read"))
    );

    // Approve two (one request of both), deny one (alone): ghsim's state changes.
    let (a, b, c) = (listed[0].id, listed[1].id, listed[2].id);
    let approved = session
        .review_pat_requests(
            &login,
            &[a, b],
            Review::Approve,
            Some("For the release pipeline"),
        )
        .await
        .unwrap();
    assert_eq!(approved.done, vec![a, b]);
    let denied = session
        .review_pat_requests(&login, &[c], Review::Deny, None)
        .await
        .unwrap();
    assert_eq!(denied.done, vec![c]);
    let now = sim.org(&login).unwrap();
    let state_of = |id| now.pat_requests.iter().find(|r| r.id == id).unwrap().state;
    assert_eq!(state_of(a), ghsim::pats::RequestState::Approved);
    assert_eq!(state_of(c), ghsim::pats::RequestState::Denied);
    // Reviewing one again: GitHub's 422, in plain words.
    let err = session
        .review_pat_requests(&login, &[c], Review::Approve, None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(err.to_string().contains("not pending"), "{err}");
    // 250 IDs: three bulk requests of at most 100.
    let ids: Vec<u64> = listed.iter().skip(3).map(|r| r.id).take(250).collect();
    let before = requests(
        &sim,
        &format!("POST /orgs/{login}/personal-access-token-requests"),
    );
    session
        .review_pat_requests(&login, &ids, Review::Deny, None)
        .await
        .unwrap();
    assert_eq!(
        requests(
            &sim,
            &format!("POST /orgs/{login}/personal-access-token-requests")
        ) - before,
        ids.len().div_ceil(100) as u64
    );
    // A reason over GitHub's 1,024 characters is refused before anything is sent.
    let err = session
        .review_pat_requests(&login, &[a], Review::Approve, Some(&"x".repeat(1_025)))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);

    // The tokens with access (the two approved among them), revoked one and many.
    let grants = session
        .pat_grants(&login, &PatFilter::default())
        .await
        .unwrap();
    assert_eq!(grants.len(), world.pat_grants.len() + 2);
    let unused = session
        .pat_grants(
            &login,
            &PatFilter {
                last_used_before: Some(chrono::Utc::now() - chrono::Duration::days(90)),
                ..PatFilter::default()
            },
        )
        .await
        .unwrap();
    assert!(!unused.is_empty() && unused.len() < grants.len());
    let revoked = session
        .revoke_pat_grants(&login, &[grants[0].id, grants[1].id, grants[2].id])
        .await
        .unwrap();
    assert_eq!(revoked.done.len(), 3);
    let after = session
        .pat_grants(&login, &PatFilter::default())
        .await
        .unwrap();
    assert_eq!(after.len(), grants.len() - 3);

    // Without the permission: said before anything is minted.
    sim.set_permission(org.id, "organization_personal_access_tokens", Some("read"));
    let minted = sim.minted_tokens().len();
    let err = session
        .revoke_pat_grants(&login, &[after[0].id])
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::MissingPermission);
    assert!(
        err.to_string()
            .contains("\"Personal access tokens\" (write)"),
        "{err}"
    );
    assert_eq!(sim.minted_tokens().len(), minted);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cli_reviews_requests_and_revokes_access_after_the_login_is_typed() {
    let sim = start_sim(SimConfig {
        installations: 20,
        ..Default::default()
    })
    .await;
    let (org, _) = orgs(&sim);
    let login = org.account_login.clone();
    let env = CliEnv::new();
    let app_args = ad_hoc_app_args(&sim);
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(app_args.iter().map(String::as_str));
        tokio::task::block_in_place(|| env.run(&all, None))
    };
    let out = run(&["org", "pat-requests", "--org", &login, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let id = listed[0]["id"].as_u64().unwrap().to_string();
    let out = run(&[
        "org",
        "pat-requests",
        "approve",
        "--org",
        &login,
        &id,
        "--reason",
        "CI",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("1 request approved"),
        "{}",
        stderr(&out)
    );
    let out = run(&["org", "pat-requests", "deny", "--org", &login, &id]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not pending"), "{}", stderr(&out));

    let out = run(&["org", "pats", "--org", &login, "--json"]);
    let grants: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    let grant = grants[0]["id"].as_u64().unwrap().to_string();
    // Without a terminal, --confirm must name the organization.
    let out = run(&["org", "pats", "revoke", "--org", &login, &grant]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("--confirm {login}")),
        "{}",
        stderr(&out)
    );
    let out = run(&[
        "org",
        "pats",
        "revoke",
        "--org",
        &login,
        &grant,
        "--confirm",
        "someone-else",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&[
        "org",
        "pats",
        "revoke",
        "--org",
        &login,
        &grant,
        "--confirm",
        &login,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&run(&["org", "pats", "--org", &login]));
    assert!(table.contains("MARKS"), "{table}");
    assert!(
        !table.lines().any(|l| l.starts_with(&format!("{grant} "))),
        "{table}"
    );

    // What was done is in the activity record.
    let record = std::fs::read_to_string(
        env.home
            .path()
            .join(".local/share/appwarden/activity.jsonl"),
    )
    .unwrap();
    assert!(record.contains("\"pat_request.approved\""), "{record}");
    assert!(record.contains("reason: CI"), "{record}");
    assert!(record.contains("\"pat.access_revoked\""), "{record}");
}

#[tokio::test(flavor = "multi_thread")]
async fn saml_authorizations_are_listed_and_one_removed_after_its_owner_is_typed() {
    let sim = start_sim(SimConfig {
        installations: 20,
        ..Default::default()
    })
    .await;
    let (org, free) = orgs(&sim);
    let login = org.account_login.clone();
    let world = sim.org(&login).unwrap();
    let session = session(&sim);

    let all = session.saml_authorizations(&login, None).await.unwrap();
    assert_eq!(all.len(), world.credentials.len());
    let first = &world.credentials[0];
    let mine = session
        .saml_authorizations(&login, Some(&first.login))
        .await
        .unwrap();
    assert!(!mine.is_empty() && mine.iter().all(|c| c.login == first.login));
    // Tokens show their last eight characters, keys their fingerprint.
    for c in &all {
        match c.credential_type.as_str() {
            "SSH key" => assert!(c.fingerprint.is_some() && c.token_last_eight.is_none()),
            _ => assert_eq!(c.token_last_eight.as_ref().map(String::len), Some(8)),
        }
    }
    let err = session
        .saml_authorizations(&free.account_login, None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotAvailable);
    assert!(err.to_string().contains("SAML single sign-on"), "{err}");

    // The CLI asks for the owner's login, then removes it.
    let env = CliEnv::new();
    let app_args = ad_hoc_app_args(&sim);
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(app_args.iter().map(String::as_str));
        tokio::task::block_in_place(|| env.run(&all, None))
    };
    let id = first.credential_id.to_string();
    let out = run(&[
        "org",
        "credentials",
        "revoke",
        "--org",
        &login,
        &id,
        "--confirm",
        &login,
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the organization's login is not the owner's"
    );
    assert!(!sim.org(&login).unwrap().credentials[0].removed);
    let out = run(&[
        "org",
        "credentials",
        "revoke",
        "--org",
        &login,
        &id,
        "--confirm",
        &first.login,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(sim.org(&login).unwrap().credentials[0].removed);
    let out = run(&["org", "credentials", "--org", &login, "--json"]);
    let listed: Vec<serde_json::Value> = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(listed.len(), all.len() - 1);
    let record = std::fs::read_to_string(
        env.home
            .path()
            .join(".local/share/appwarden/activity.jsonl"),
    )
    .unwrap();
    assert!(
        record.contains("\"saml_authorization.removed\""),
        "{record}"
    );
}
