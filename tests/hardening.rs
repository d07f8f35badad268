//! Abuse limits, CSRF and CORS, timing, and timeouts, as a client on the internet meets them.

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::*;

#[tokio::test]
async fn too_many_attempts_from_one_address_are_refused_before_reaching_cognito() {
    let app = spawn_app_with(Options {
        rate_limit_per_ip: 3,
        ..Options::default()
    })
    .await;
    for attempt in 0..3 {
        let answer = app
            .login(&format!("user{attempt}"), "Wrong-Passw0rd!")
            .await;
        answer.assert_problem(401, "invalid_credentials");
    }
    let refused = app.login("user9", "Wrong-Passw0rd!").await;
    refused.assert_problem(429, "rate_limited");
    let retry_after: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    // The limit covers sign-up and challenges too.
    app.post("/signup", json!({"username": "x", "password": "Passw0rd!"}))
        .await
        .assert_problem(429, "rate_limited");
    app.post("/challenge", json!({"responses": {}}))
        .await
        .assert_problem(429, "rate_limited");
    assert_eq!(app.proxy.calls("InitiateAuth").len(), 3);
    assert!(app.proxy.calls("SignUp").is_empty());
}

#[tokio::test]
async fn too_many_attempts_on_one_username_are_refused_whoever_sends_them() {
    let app = spawn_app_with(Options {
        rate_limit_per_username: 2,
        ..Options::default()
    })
    .await;
    app.login("ana", "Wrong-Passw0rd!").await;
    app.login("ANA", "Wrong-Passw0rd!").await;
    app.login("ana", "Wrong-Passw0rd!")
        .await
        .assert_problem(429, "rate_limited");
    app.login("bob", "Wrong-Passw0rd!")
        .await
        .assert_problem(401, "invalid_credentials");
    assert_eq!(app.proxy.calls("InitiateAuth").len(), 3);
}

#[tokio::test]
async fn a_challenge_from_a_foreign_origin_or_as_a_form_is_refused_and_stays_usable() {
    let app = spawn_app_with(Options {
        allowed_origins: Some("https://app.example.com"),
        ..Options::default()
    })
    .await;
    app.pool.invite_user("ana", "Temp-Passw0rd!").await;
    let cookie = app.login("ana", "Temp-Passw0rd!").await.cookie();
    let body = json!({"responses": {"NEW_PASSWORD": "N3w-Passw0rd!"}});

    let foreign = app
        .send(
            app.http
                .post(app.url("/challenge"))
                .header("cookie", &cookie)
                .header("origin", "https://evil.example")
                .json(&body),
        )
        .await;
    foreign.assert_problem(403, "origin_not_allowed");

    let form = app
        .send(
            app.http
                .post(app.url("/challenge"))
                .header("cookie", &cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("responses=x"),
        )
        .await;
    form.assert_problem(415, "unsupported_media_type");
    assert!(app.proxy.calls("RespondToAuthChallenge").is_empty());

    let ours = app
        .send(
            app.http
                .post(app.url("/challenge"))
                .header("cookie", &cookie)
                .header("origin", "https://app.example.com")
                .json(&body),
        )
        .await;
    assert_eq!(ours.body["status"], "authenticated", "{ours:?}");
}

#[tokio::test]
async fn cors_allows_only_the_configured_origins_with_credentials() {
    let app = spawn_app_with(Options {
        allowed_origins: Some("https://app.example.com"),
        ..Options::default()
    })
    .await;
    let preflight = |origin: &'static str| {
        app.http
            .request(reqwest::Method::OPTIONS, app.url("/login"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
    };
    let allowed = app.send(preflight("https://app.example.com")).await;
    assert_eq!(
        allowed.headers["access-control-allow-origin"],
        "https://app.example.com"
    );
    assert_eq!(allowed.headers["access-control-allow-credentials"], "true");

    let other = app.send(preflight("https://evil.example")).await;
    assert!(other.headers.get("access-control-allow-origin").is_none());

    let plain = spawn_app().await;
    let answer = plain
        .send(
            plain
                .http
                .post(plain.url("/login"))
                .header("origin", "https://app.example.com")
                .json(&json!({"username": "a", "password": "b"})),
        )
        .await;
    assert!(answer.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn refused_sign_ins_take_at_least_the_floor_whether_or_not_the_account_exists() {
    let app = spawn_app_with(Options {
        login_failure_floor_ms: 300,
        ..Options::default()
    })
    .await;
    for (username, password) in [(ADMIN, "Wrong-Passw0rd!"), ("nobody", "Wrong-Passw0rd!")] {
        let started = Instant::now();
        app.login(username, password)
            .await
            .assert_problem(401, "invalid_credentials");
        assert!(
            started.elapsed() >= Duration::from_millis(300),
            "{username} answered in {:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn a_callers_request_id_is_kept_and_one_is_made_when_missing() {
    let app = spawn_app().await;
    let answer = app
        .send(
            app.http
                .post(app.url("/login"))
                .header("x-request-id", "trace-4711")
                .json(&json!({"username": "nobody", "password": "Wrong-Passw0rd!"})),
        )
        .await;
    assert_eq!(answer.headers["x-request-id"], "trace-4711");
    assert_eq!(answer.body["request_id"], "trace-4711");

    let fresh = app.get("/healthz").await;
    let made = fresh.headers["x-request-id"].to_str().unwrap();
    assert_eq!(made.len(), 36, "a UUID: {made}");
}

#[tokio::test]
async fn a_challenge_from_the_services_own_origin_needs_no_configuration() {
    let app = spawn_app().await;
    app.pool.invite_user("ana", "Temp-Passw0rd!").await;
    let cookie = app.login("ana", "Temp-Passw0rd!").await.cookie();
    let own_origin = format!("http://{}", app.addr);
    let answer = app
        .send(
            app.http
                .post(app.url("/challenge"))
                .header("cookie", &cookie)
                .header("origin", own_origin)
                .json(&json!({"responses": {"NEW_PASSWORD": "N3w-Passw0rd!"}})),
        )
        .await;
    assert_eq!(answer.body["status"], "authenticated", "{answer:?}");
}
