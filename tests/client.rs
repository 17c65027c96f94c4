//! The core's GitHub client against ghsim over real HTTP on 127.0.0.1: pagination,
//! concurrency, JWT rules, clock skew, retries, rate limits, tokens and their cache.

use appwarden_core::github::{ClientOptions, GitHubError, Listing, ListingSnapshot, TokenRequest};
use appwarden_core::token_cache::TokenSource;
use appwarden_core::{ApiUrl, AppSession, ErrorCode, PrivateKey, clock};
use appwarden_system_tests::{fixture, fixture_text, jwt_window_with_room, start_sim};
use ghsim::{FaultKind, FaultRule, SimConfig};
use std::time::Duration;

fn key() -> PrivateKey {
    PrivateKey::from_pem(fixture_text("rsa2048-pkcs1.pem").as_bytes()).unwrap()
}

fn fast_options() -> ClientOptions {
    ClientOptions {
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        timeout: Duration::from_secs(5),
        ..ClientOptions::default()
    }
}

fn session(sim: &ghsim::Sim, options: ClientOptions) -> AppSession {
    AppSession::new(
        ApiUrl::parse(&sim.api_url()).unwrap(),
        1,
        None,
        key(),
        clock::system(),
        options,
    )
    .unwrap()
}

#[tokio::test]
async fn lists_every_installation_once_with_bounded_concurrency() {
    let sim = start_sim(SimConfig {
        installations: 1_050,
        latency: Duration::from_millis(20),
        ..Default::default()
    })
    .await;
    let s = session(&sim, fast_options());
    let mut events = Vec::new();
    let all = s
        .client
        .list_installations(&s.signer, |event| {
            events.push((event.page, event.total_pages, event.installations.len()))
        })
        .await
        .unwrap();
    assert_eq!(all.len(), 1_050);
    let mut ids: Vec<u64> = all.iter().map(|i| i.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1_050, "no duplicates");
    let expected: Vec<u64> = sim.installations().iter().map(|i| i.id).collect();
    assert_eq!(
        ids,
        {
            let mut e = expected;
            e.sort();
            e
        },
        "no gaps"
    );
    assert_eq!(events.len(), 11);
    assert_eq!(
        events[0],
        (1, 11, 100),
        "the first page is delivered first, with the page count"
    );
    let stats = sim.stats();
    assert_eq!(
        stats.by_endpoint["GET /app/installations"], 11,
        "one request per page"
    );
    assert!(
        stats.max_in_flight <= 4,
        "at most 4 in flight, saw {}",
        stats.max_in_flight
    );
    assert!(
        stats.max_in_flight >= 2,
        "pages after the first are fetched concurrently"
    );
}

#[tokio::test]
async fn serial_listing_when_concurrency_is_one() {
    let sim = start_sim(SimConfig {
        installations: 350,
        latency: Duration::from_millis(5),
        ..Default::default()
    })
    .await;
    let s = session(
        &sim,
        ClientOptions {
            concurrency: 1,
            ..fast_options()
        },
    );
    let all = s
        .client
        .list_installations(&s.signer, |_| {})
        .await
        .unwrap();
    assert_eq!(all.len(), 350);
    assert_eq!(sim.stats().max_in_flight, 1);
}

#[tokio::test]
async fn enterprise_server_prefix() {
    let sim = start_sim(SimConfig {
        ghes: true,
        installations: 5,
        ..Default::default()
    })
    .await;
    assert!(sim.api_url().ends_with("/api/v3"));
    let s = session(&sim, fast_options());
    let app = s.client.app(&s.signer).await.unwrap();
    assert_eq!(app.id, 1);
    assert_eq!(app.installations_count, Some(5));
    // Without the prefix, an Enterprise Server answers 404.
    let bare = format!("http://{}", sim.addr());
    let wrong = AppSession::new(
        ApiUrl::parse(&format!("{bare}/x")).unwrap(),
        1,
        None,
        key(),
        clock::system(),
        fast_options(),
    )
    .unwrap();
    assert_eq!(
        wrong.client.app(&wrong.signer).await.unwrap_err().status(),
        Some(404)
    );
}

#[tokio::test]
async fn client_id_as_issuer_and_unknown_keys() {
    let sim = start_sim(SimConfig::default()).await;
    let api = ApiUrl::parse(&sim.api_url()).unwrap();
    let by_client_id = AppSession::new(
        api.clone(),
        1,
        Some("Iv23liSIMULATED0001"),
        key(),
        clock::system(),
        fast_options(),
    )
    .unwrap();
    by_client_id.client.app(&by_client_id.signer).await.unwrap();

    let other = PrivateKey::from_pem(fixture_text("rsa2048-second.pem").as_bytes()).unwrap();
    let unregistered =
        AppSession::new(api.clone(), 1, None, other, clock::system(), fast_options()).unwrap();
    let err = appwarden_core::Error::from(
        unregistered
            .client
            .app(&unregistered.signer)
            .await
            .unwrap_err(),
    );
    assert_eq!(err.code(), ErrorCode::KeyRejected);
    assert!(
        err.to_string()
            .contains("A JSON web token could not be decoded")
    );
    assert!(err.hint().unwrap().contains("private key"));

    let wrong_app =
        AppSession::new(api, 999, None, key(), clock::system(), fast_options()).unwrap();
    assert_eq!(
        wrong_app
            .client
            .app(&wrong_app.signer)
            .await
            .unwrap_err()
            .status(),
        Some(401)
    );
}

#[tokio::test]
async fn clock_skew_is_corrected_from_the_date_header_both_ways() {
    for offset_minutes in [-15i64, 15] {
        let sim = start_sim(SimConfig {
            clock_offset: chrono::Duration::minutes(offset_minutes),
            ..Default::default()
        })
        .await;
        let s = session(&sim, fast_options());
        let app = s
            .client
            .app(&s.signer)
            .await
            .unwrap_or_else(|e| panic!("offset {offset_minutes}: {e}"));
        assert_eq!(app.id, 1);
        let skew = s.client.clock_skew_seconds();
        assert!(
            (skew - offset_minutes * 60).abs() <= 2,
            "learnt skew {skew}"
        );
        assert_eq!(
            sim.stats().by_endpoint["GET /app"],
            2,
            "one refusal, one retry"
        );
        // Later requests use the corrected clock straight away.
        s.client
            .installation(&s.signer, sim.installations()[0].id)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn idempotent_gets_retry_on_5xx_and_resets_then_succeed() {
    let sim = start_sim(SimConfig {
        installations: 250,
        ..Default::default()
    })
    .await;
    sim.inject(FaultRule::new("/app/installations", FaultKind::Status(502)).times(2));
    sim.inject(
        FaultRule::new("/app/installations", FaultKind::Reset)
            .after(3)
            .times(1),
    );
    let s = session(&sim, fast_options());
    let all = s
        .client
        .list_installations(&s.signer, |_| {})
        .await
        .unwrap();
    assert_eq!(all.len(), 250);
}

#[tokio::test]
async fn a_page_that_keeps_failing_makes_the_listing_fail_not_partial() {
    let sim = start_sim(SimConfig {
        installations: 450,
        ..Default::default()
    })
    .await;
    sim.inject(FaultRule::new("page=3", FaultKind::Status(500)).always());
    let s = session(&sim, fast_options());
    let Err(err) = s.client.list_installations(&s.signer, |_| {}).await else {
        panic!("the listing must fail")
    };
    assert_eq!(err.total_pages, 5);
    assert!(err.pages_done < 5);
    assert!(err.to_string().contains("incomplete"), "{err}");
    assert_eq!(
        appwarden_core::Error::from(err).code(),
        ErrorCode::Incomplete
    );
}

#[tokio::test]
async fn writes_are_not_retried_on_5xx() {
    let sim = start_sim(SimConfig::default()).await;
    sim.inject(FaultRule::new("/suspended", FaultKind::Status(502)).times(1));
    let s = session(&sim, fast_options());
    let id = sim.installations()[0].id;
    let err = s.suspend(id).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::GithubUnavailable);
    assert_eq!(
        sim.stats().by_endpoint["PUT /app/installations/:id/suspended"],
        1
    );
}

#[tokio::test]
async fn malformed_json_names_the_endpoint() {
    let sim = start_sim(SimConfig::default()).await;
    sim.inject(
        FaultRule::new("/app", FaultKind::MalformedJson)
            .method("GET")
            .times(1),
    );
    let s = session(&sim, fast_options());
    let err = s.client.app(&s.signer).await.unwrap_err();
    assert!(matches!(err, GitHubError::InvalidResponse { .. }));
    assert!(err.to_string().contains("GET /app"), "{err}");
}

#[tokio::test]
async fn rate_limits_short_are_waited_long_are_reported() {
    let sim = start_sim(SimConfig::default()).await;
    sim.inject(
        FaultRule::new(
            "/app",
            FaultKind::SecondaryRateLimit {
                retry_after_secs: 1,
            },
        )
        .times(1),
    );
    let s = session(&sim, fast_options());
    s.client.app(&s.signer).await.unwrap();

    sim.inject(
        FaultRule::new(
            "/app",
            FaultKind::PrimaryRateLimit {
                reset_in_secs: 3_600,
            },
        )
        .times(1),
    );
    let err = s.client.app(&s.signer).await.unwrap_err();
    let GitHubError::RateLimited {
        reset_at: Some(reset_at),
        ..
    } = &err
    else {
        panic!("{err:?}")
    };
    let wait = *reset_at - chrono::Utc::now();
    assert!(wait > chrono::Duration::minutes(55), "says when to retry");
    assert!(err.hint().contains("Try again after"));
    assert_eq!(sim.stats().by_endpoint["GET /app"], 3, "never hammers");
}

#[tokio::test]
async fn ip_allow_list_is_said_plainly() {
    let sim = start_sim(SimConfig::default()).await;
    sim.inject(FaultRule::new("access_tokens", FaultKind::IpAllowList).times(1));
    let s = session(&sim, fast_options());
    let err = s
        .token(sim.installations()[0].id, &TokenRequest::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::IpAllowList);
    assert!(err.to_string().contains("IP allow list"));
    assert!(err.hint().unwrap().contains("owner of that organization"));
}

#[tokio::test]
async fn tokens_work_are_cached_and_stop_working_when_revoked() {
    let sim = start_sim(SimConfig {
        installations: 6,
        ..Default::default()
    })
    .await;
    let s = session(&sim, fast_options());
    let inst = sim.installations()[0].clone();
    let request = TokenRequest {
        repositories: vec![inst.repositories[0].name.clone()],
        permissions: [("contents".to_owned(), "read".to_owned())].into(),
        ..Default::default()
    };
    let (token, source) = s.token(inst.id, &request).await.unwrap();
    assert_eq!(source, TokenSource::Minted);
    assert!(token.token.expose_secret().starts_with("ghs_"));
    assert_eq!(token.permissions["contents"], "read");
    assert_eq!(
        token.repositories.as_ref().unwrap()[0].name,
        inst.repositories[0].name
    );

    let (again, source) = s.token(inst.id, &request).await.unwrap();
    assert_eq!(source, TokenSource::Cached);
    assert_eq!(again.token, token.token);
    assert_eq!(
        sim.stats().by_endpoint["POST /app/installations/:id/access_tokens"],
        1,
        "no request for a cached token"
    );

    let repos = s
        .client
        .installation_repositories(&token.token)
        .await
        .unwrap();
    assert_eq!(repos.len(), 1);
    s.revoke(&token.token).await.unwrap();
    assert!(sim.token(token.token.expose_secret()).unwrap().revoked);
    let err = s
        .client
        .installation_repositories(&token.token)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    let (fresh, source) = s.token(inst.id, &request).await.unwrap();
    assert_eq!(
        source,
        TokenSource::Minted,
        "a revoked token is not handed out again"
    );
    assert_ne!(fresh.token, token.token);
}

#[tokio::test]
async fn concurrent_mints_for_one_scope_make_one_request() {
    let sim = start_sim(SimConfig {
        latency: Duration::from_millis(30),
        ..Default::default()
    })
    .await;
    let s = session(&sim, fast_options());
    let id = sim.installations()[0].id;
    let request = TokenRequest::default();
    let results = futures::future::join_all((0..6).map(|_| s.token(id, &request))).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(
        sim.stats().by_endpoint["POST /app/installations/:id/access_tokens"],
        1
    );
}

#[tokio::test]
async fn suspended_and_invalid_scopes_are_refused() {
    let sim = start_sim(SimConfig {
        installations: 20,
        ..Default::default()
    })
    .await;
    let s = session(&sim, fast_options());
    let suspended = sim
        .installations()
        .into_iter()
        .find(|i| i.suspended_at.is_some())
        .unwrap();
    let err = s
        .token(suspended.id, &TokenRequest::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Suspended);

    let id = sim.installations()[0].id;
    let bad_repo = TokenRequest {
        repositories: vec!["no-such-repo".into()],
        ..Default::default()
    };
    assert_eq!(
        s.token(id, &bad_repo).await.unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    let too_much = TokenRequest {
        permissions: [("administration".to_owned(), "write".to_owned())].into(),
        ..Default::default()
    };
    assert_eq!(
        s.token(id, &too_much).await.unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    assert_eq!(
        s.token(999, &TokenRequest::default())
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
}

#[tokio::test]
async fn finds_installations_by_org_user_and_repo() {
    let sim = start_sim(SimConfig {
        installations: 8,
        ..Default::default()
    })
    .await;
    let s = session(&sim, fast_options());
    let all = sim.installations();
    let org = all
        .iter()
        .find(|i| i.account_type == "Organization")
        .unwrap();
    let user = all.iter().find(|i| i.account_type == "User").unwrap();
    assert_eq!(
        s.client
            .find_installation(&s.signer, &org.account_login)
            .await
            .unwrap()
            .id,
        org.id
    );
    assert_eq!(
        s.client
            .find_installation(&s.signer, &user.account_login)
            .await
            .unwrap()
            .id,
        user.id
    );
    let repo = format!("{}/{}", org.account_login, org.repositories[0].name);
    assert_eq!(
        s.client
            .find_installation(&s.signer, &repo)
            .await
            .unwrap()
            .id,
        org.id
    );
    assert_eq!(
        s.client
            .find_installation(&s.signer, "nobody-here")
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );
}

#[tokio::test]
async fn github_rules_the_simulator_enforces() {
    let sim = start_sim(SimConfig {
        installations: 230,
        ..Default::default()
    })
    .await;
    let http = reqwest::Client::new();
    let base = sim.api_url();
    let jwt = |now: chrono::DateTime<chrono::Utc>| {
        appwarden_core::jwt::sign(&key(), &appwarden_core::jwt::Issuer::new(1, None), now)
            .unwrap()
            .jwt
    };
    let get = |path: &str, bearer: String, agent: Option<&str>| {
        let mut request = http.get(format!("{base}{path}")).bearer_auth(bearer);
        if let Some(agent) = agent {
            request = request.header("user-agent", agent);
        }
        request.send()
    };
    // A User-Agent is required.
    let response = get(
        "/app",
        jwt(chrono::Utc::now()).expose_secret().to_owned(),
        None,
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 403);
    assert!(response.text().await.unwrap().contains("User-Agent"));
    // exp more than 10 minutes ahead, iat in the future.
    let response = get(
        "/app",
        jwt(chrono::Utc::now() + chrono::Duration::minutes(3))
            .expose_secret()
            .to_owned(),
        Some("t"),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 401);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("'Expiration time' claim ('exp') is too far in the future")
    );
    // iat in the future (our signer cannot even produce this with a valid exp: build it by hand).
    let now = chrono::Utc::now().timestamp();
    let claims = serde_json::json!({ "iat": now + 120, "exp": now + 300, "iss": "1" });
    let hand_made = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_rsa_pem(fixture_text("rsa2048-pkcs1.pem").as_bytes())
            .unwrap(),
    )
    .unwrap();
    let response = get("/app", hand_made, Some("t")).await.unwrap();
    assert_eq!(response.status(), 401);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("'Issued at' claim ('iat')")
    );
    // Expired.
    let response = get(
        "/app",
        jwt(chrono::Utc::now() - chrono::Duration::minutes(20))
            .expose_secret()
            .to_owned(),
        Some("t"),
    )
    .await
    .unwrap();
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("'Expiration time' claim ('exp') must be a numeric value")
    );
    // per_page is capped at 100; pagination links; rate-limit headers; ETag with a free 304.
    let good = jwt(chrono::Utc::now()).expose_secret().to_owned();
    let response = get(
        "/app/installations?per_page=500&page=2",
        good.clone(),
        Some("t"),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    let link = headers["link"].to_str().unwrap();
    assert!(
        link.contains("per_page=100&page=3>; rel=\"next\"")
            && link.contains("page=1>; rel=\"prev\""),
        "{link}"
    );
    // GitHub documents no rate limit for requests made with the app's JWT: no headers.
    assert!(headers.contains_key("x-github-request-id"));
    assert!(
        !headers.contains_key("x-ratelimit-remaining"),
        "{headers:?}"
    );
    let vary = headers["vary"].to_str().unwrap();
    assert!(vary.contains("Authorization"), "{vary}");
    let body: Vec<serde_json::Value> = response.json().await.unwrap();
    assert_eq!(body.len(), 100);
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let conditional = |bearer: String| {
        http.get(format!("{base}/app/installations?per_page=500&page=2"))
            .bearer_auth(bearer)
            .header("user-agent", "t")
            .header("if-none-match", etag.clone())
            .send()
    };
    // An API version GitHub does not know: 400 with the versions it does.
    let response = http
        .get(format!("{base}/app"))
        .bearer_auth(&good)
        .header("user-agent", "t")
        .header("x-github-api-version", "2020-01-01")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Unsupported 'X-GitHub-Api-Version' header")
    );
    assert_eq!(conditional(good).await.unwrap().status(), 304);
    assert_eq!(sim.stats().not_modified, 1);
    // ETags are specific to the credentials: another JWT for the same body does not match.
    let other_jwt = jwt(chrono::Utc::now() - chrono::Duration::seconds(30))
        .expose_secret()
        .to_owned();
    assert_eq!(conditional(other_jwt).await.unwrap().status(), 200);
}

#[test]
fn fixture_paths_exist() {
    assert!(fixture("rsa2048-pkcs1.pem").exists());
}

#[tokio::test]
async fn expired_tokens_stop_working() {
    let sim = start_sim(SimConfig::default()).await;
    let s = session(&sim, fast_options());
    let (token, _) = s
        .token(sim.installations()[0].id, &TokenRequest::default())
        .await
        .unwrap();
    assert!(token.expires_at > chrono::Utc::now() + chrono::Duration::minutes(59));
    s.client
        .installation_repositories(&token.token)
        .await
        .unwrap();
    // An hour and a minute later on GitHub's clock, the token is refused.
    sim.set_clock_offset(chrono::Duration::minutes(61));
    let err = s
        .client
        .installation_repositories(&token.token)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(err.to_string().contains("Bad credentials"));
}

#[tokio::test]
async fn enterprise_server_with_its_own_ca_needs_that_ca() {
    let sim = start_sim(SimConfig {
        tls: true,
        ghes: true,
        ..Default::default()
    })
    .await;
    let api = ApiUrl::parse(&sim.api_url()).unwrap();
    assert!(api.as_str().starts_with("https://127.0.0.1:"), "{api}");

    // Without the CA: refused, and said so.
    let untrusting =
        AppSession::new(api.clone(), 1, None, key(), clock::system(), fast_options()).unwrap();
    let err =
        appwarden_core::Error::from(untrusting.client.app(&untrusting.signer).await.unwrap_err());
    assert_eq!(err.code(), ErrorCode::UntrustedCertificate, "{err}");
    assert!(err.hint().unwrap().contains("CA certificate"));

    // With it: works.
    let options = ClientOptions {
        extra_root_certificates: vec![sim.ca_pem().unwrap().to_owned()],
        ..fast_options()
    };
    let trusting = AppSession::new(api.clone(), 1, None, key(), clock::system(), options).unwrap();
    assert_eq!(trusting.client.app(&trusting.signer).await.unwrap().id, 1);

    // Something that is not a certificate is refused up front.
    let bad = ClientOptions {
        extra_root_certificates: vec!["not a certificate".into()],
        ..fast_options()
    };
    let err = AppSession::new(api, 1, None, key(), clock::system(), bad).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
}

/// Lists with `previous`, returning the listing and how many pages GitHub answered in full
/// (the rest were 304 Not Modified).
async fn refresh(
    sim: &ghsim::Sim,
    s: &AppSession,
    previous: Option<&ListingSnapshot>,
) -> (Listing, u64) {
    let before = sim.stats();
    let listing = s
        .client
        .refresh_installations(&s.signer, previous.cloned(), |_| {})
        .await
        .unwrap();
    let after = sim.stats();
    let pages = |stats: &ghsim::Stats| {
        stats
            .by_endpoint
            .get("GET /app/installations")
            .copied()
            .unwrap_or(0)
            - stats.not_modified
    };
    (listing, pages(&after) - pages(&before))
}

fn sorted_ids(installations: &[appwarden_core::github::Installation]) -> Vec<u64> {
    let mut ids: Vec<u64> = installations.iter().map(|i| i.id).collect();
    ids.sort();
    ids
}

fn sim_ids(sim: &ghsim::Sim) -> Vec<u64> {
    let mut ids: Vec<u64> = sim.installations().iter().map(|i| i.id).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn refreshing_an_unchanged_list_with_the_same_jwt_is_answered_by_304s() {
    jwt_window_with_room(Duration::from_secs(30)).await;
    let sim = start_sim(SimConfig {
        installations: 1_050,
        ..Default::default()
    })
    .await;
    let s = session(&sim, fast_options());
    let (first, cost) = refresh(&sim, &s, None).await;
    assert_eq!(cost, 11, "a first listing has every page in full");
    assert_eq!(first.snapshot.pages.len(), 11);
    assert!(first.snapshot.pages.iter().all(|p| p.etag.is_some()));

    let (again, cost) = refresh(&sim, &s, Some(&first.snapshot)).await;
    assert_eq!(cost, 0, "every page answered 304 Not Modified");
    assert!(again.unchanged());
    assert_eq!(again.requests, 11);
    assert_eq!(sim.stats().not_modified, 11);
    assert_eq!(
        again.snapshot.installations(),
        first.snapshot.installations()
    );
    assert_eq!(again.snapshot, first.snapshot);
}

#[tokio::test]
async fn refresh_sees_changes_added_and_removed_installations() {
    jwt_window_with_room(Duration::from_secs(30)).await;
    let sim = start_sim(SimConfig {
        installations: 300,
        ..Default::default()
    })
    .await;
    let s = session(&sim, fast_options());
    let (first, _) = refresh(&sim, &s, None).await;

    // One installation on page 2 suspended: only that page comes in full.
    let target = first.snapshot.pages[1].installations[5].id;
    sim.set_suspended(target, true);
    let (changed, cost) = refresh(&sim, &s, Some(&first.snapshot)).await;
    assert_eq!(cost, 1);
    assert_eq!(changed.not_modified, 2);
    let suspended = changed
        .snapshot
        .installations()
        .into_iter()
        .find(|i| i.id == target)
        .unwrap();
    assert!(suspended.is_suspended());

    // New installations past a full last page are found although every page is unchanged.
    sim.add_installations(30);
    let (grown, cost) = refresh(&sim, &s, Some(&changed.snapshot)).await;
    assert_eq!(grown.snapshot.installations().len(), 330);
    assert_eq!(sorted_ids(&grown.snapshot.installations()), sim_ids(&sim));
    assert_eq!(cost, 1, "pages 1-3 unchanged, page 4 new");

    // Removed installations shift the pages after them; the list matches GitHub exactly.
    for installation in &grown.snapshot.pages[0].installations[..40] {
        sim.remove_installation(installation.id);
    }
    let (shrunk, _) = refresh(&sim, &s, Some(&grown.snapshot)).await;
    assert_eq!(shrunk.snapshot.installations().len(), 290);
    assert_eq!(sorted_ids(&shrunk.snapshot.installations()), sim_ids(&sim));
    assert_eq!(
        shrunk.snapshot.pages.len(),
        3,
        "the emptied page 4 is dropped"
    );
}

#[tokio::test]
async fn timeouts_and_slow_bodies_are_retried_then_reported_never_partial() {
    let sim = start_sim(SimConfig {
        installations: 250,
        ..Default::default()
    })
    .await;
    let options = ClientOptions {
        timeout: Duration::from_millis(400),
        ..fast_options()
    };
    let s = session(&sim, options);

    // A page that stalls once, and a body that trickles once: both retried, the list is whole.
    sim.inject(FaultRule::new(
        "page=2",
        FaultKind::Delay(Duration::from_secs(2)),
    ));
    sim.inject(FaultRule::new(
        "page=3",
        FaultKind::SlowBody(Duration::from_secs(2)),
    ));
    let all = s
        .client
        .list_installations(&s.signer, |_| {})
        .await
        .unwrap();
    assert_eq!(all.len(), 250);
    assert_eq!(sim.stats().by_endpoint["GET /app/installations"], 5);

    // A body that always trickles past the timeout: the listing fails, saying how far it got.
    sim.inject(FaultRule::new("page=3", FaultKind::SlowBody(Duration::from_secs(2))).always());
    let Err(err) = s.client.list_installations(&s.signer, |_| {}).await else {
        panic!("the listing must fail")
    };
    assert!(err.to_string().contains("incomplete"), "{err}");
    assert!(
        matches!(err.source, GitHubError::Timeout { .. }),
        "{:?}",
        err.source
    );
    assert_eq!(
        appwarden_core::Error::from(err).code(),
        ErrorCode::Incomplete
    );
}

/// Lists with an expected count, page 1 answered late (a 1.5 s delay): returns the pages in
/// the order they arrived, the listing's size, and the listing requests made.
async fn list_expecting(installations: usize, expected: Option<u64>) -> (Vec<u32>, usize, u64) {
    let sim = start_sim(SimConfig {
        installations,
        latency: Duration::from_millis(20),
        ..Default::default()
    })
    .await;
    sim.inject(
        FaultRule::new(
            "per_page=100&page=1",
            FaultKind::Delay(Duration::from_millis(1500)),
        )
        .always(),
    );
    assert!(installations <= 900, "page=1 must not also match page 10");
    let s = session(&sim, fast_options());
    let mut order = Vec::new();
    let listing = s
        .client
        .refresh_installations_expecting(&s.signer, None, expected, |event| order.push(event.page))
        .await
        .unwrap();
    let mut ids: Vec<u64> = listing
        .snapshot
        .installations()
        .iter()
        .map(|i| i.id)
        .collect();
    let size = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), size, "no duplicates");
    let mut expected_ids: Vec<u64> = sim.installations().iter().map(|i| i.id).collect();
    expected_ids.sort();
    assert_eq!(ids, expected_ids, "no gaps");
    (
        order,
        size,
        sim.stats().by_endpoint["GET /app/installations"],
    )
}

#[tokio::test]
async fn a_known_count_asks_for_the_first_pages_at_once_and_never_past_the_last() {
    // Page 1 alone first, without a count: nothing else is asked until it answers.
    let (order, size, requests) = list_expecting(850, None).await;
    assert_eq!((order[0], size, requests), (1, 850, 9));
    // With the right count (GET /app's installations_count), pages 2 to 4 are asked for with
    // page 1 and arrive before it; exactly the 9 pages are asked for.
    let (order, size, requests) = list_expecting(850, Some(850)).await;
    assert_ne!(order[0], 1, "pages 2-4 did not wait for page 1: {order:?}");
    assert_eq!(order.len(), 9);
    assert_eq!((size, requests), (850, 9));
}

#[tokio::test]
async fn a_wrong_count_still_lists_everything() {
    // Too high (10 pages expected, 2 there): the pages asked past the end come back empty
    // and are dropped; GitHub's Link header stops any further request.
    let (order, size, requests) = list_expecting(150, Some(1_000)).await;
    assert_eq!(size, 150);
    assert_eq!(
        order.len(),
        2,
        "only the real pages are delivered: {order:?}"
    );
    assert_eq!(
        requests, 4,
        "the first 4 went out at once; no more after page 1 said 2"
    );
    // Too low (3 pages expected, 9 there): the Link header's `last` extends the listing.
    let (_, size, requests) = list_expecting(850, Some(250)).await;
    assert_eq!((size, requests), (850, 9));
}
