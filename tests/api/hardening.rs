//! Abuse limits, CSRF and CORS, timing, and timeouts, as a client on the internet meets them.

use std::time::{Duration, Instant};

use crate::support::*;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn too_many_attempts_from_one_address_are_refused_before_reaching_cognito() {
    let app = TestApp::builder().set("RATE_LIMIT_PER_IP", 3).start().await;
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

/// The test process is the proxy the service trusts (127.0.0.1); it names the client.
const THROUGH_PROXY: &str = "127.0.0.1/32";

/// `POST path` as the proxy would forward it from `client`.
async fn post_from(app: &TestApp, client: &str, path: &str, body: Value) -> Response {
    app.send(
        app.http
            .post(app.url(path))
            .header("x-forwarded-for", client)
            .json(&body),
    )
    .await
}

async fn login_from(app: &TestApp, client: &str, username: &str, password: &str) -> Response {
    post_from(
        app,
        client,
        "/login",
        json!({"username": username, "password": password}),
    )
    .await
}

#[tokio::test]
async fn a_name_flooded_with_code_requests_can_still_sign_in() {
    let app = TestApp::builder()
        .set("RATE_LIMIT_PER_USERNAME", 10)
        .set("RATE_LIMIT_MESSAGES_PER_USERNAME", 4)
        .start()
        .await;
    // Anyone can ask for codes to be sent to a name, as often as they like...
    let mut refused = 0;
    for _ in 0..12 {
        for path in ["/signup/resend", "/password/forgot"] {
            let answer = app.post(path, json!({"username": ADMIN})).await;
            if answer.status == 429 {
                answer.assert_problem(429, "rate_limited");
                refused += 1;
            }
        }
    }
    assert!(
        refused >= 20,
        "code requests were limited: {refused} refused"
    );
    // ...and it costs the owner nothing at sign-in.
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(login.status, 200, "{login:?}");
    assert_eq!(login.body["status"], "authenticated");
}

#[tokio::test]
async fn an_attacker_guessing_at_one_address_does_not_lock_out_the_owner() {
    let app = TestApp::builder()
        .set("RATE_LIMIT_PER_USERNAME", 4)
        .set("TRUSTED_PROXIES", THROUGH_PROXY)
        .start()
        .await;
    let attacker = "198.51.100.66";
    for _ in 0..2 {
        login_from(&app, attacker, ADMIN, "Wrong-Passw0rd!")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    // One address may use half of a name's budget.
    let refused = login_from(&app, attacker, ADMIN, "Wrong-Passw0rd!").await;
    refused.assert_problem(429, "rate_limited");
    assert!(refused.headers.contains_key("retry-after"));
    assert_eq!(app.proxy.calls("InitiateAuth").len(), 2);

    // The owner, elsewhere, signs in; signing in correctly uses none of the budget.
    for _ in 0..6 {
        let login = login_from(&app, "203.0.113.5", ADMIN, ADMIN_PASSWORD).await;
        assert_eq!(login.status, 200, "{login:?}");
    }
}

#[tokio::test]
async fn parallel_guesses_from_one_address_get_no_more_than_its_share() {
    let app = TestApp::builder()
        .set("RATE_LIMIT_PER_USERNAME", 4)
        // Every refused guess is held this long, so the ten below are all in flight at once.
        .set("LOGIN_FAILURE_FLOOR_MS", 300)
        .set("TRUSTED_PROXIES", THROUGH_PROXY)
        .start()
        .await;
    let mut guesses = tokio::task::JoinSet::new();
    for n in 0..10 {
        let request = app
            .http
            .post(app.url("/login"))
            .header("x-forwarded-for", "198.51.100.66")
            .json(&json!({"username": ADMIN, "password": format!("Wrong-Passw0rd-{n}")}));
        guesses.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    let mut statuses = guesses.join_all().await;
    statuses.sort();
    assert_eq!(statuses, [401, 401, 429, 429, 429, 429, 429, 429, 429, 429]);
    assert_eq!(app.proxy.calls("InitiateAuth").len(), 2);
}

#[tokio::test]
async fn hanging_up_before_the_answer_buys_no_free_guesses() {
    let app = TestApp::builder()
        .set("RATE_LIMIT_PER_USERNAME", 4)
        // A wrong password is answered only after this; a right one at once. Hanging up in
        // between would tell the two apart without waiting for the answer.
        .set("LOGIN_FAILURE_FLOOR_MS", 3_000)
        .set("TRUSTED_PROXIES", THROUGH_PROXY)
        .start()
        .await;
    for n in 0..2 {
        let hung_up = app
            .http
            .post(app.url("/login"))
            .header("x-forwarded-for", "198.51.100.66")
            .timeout(Duration::from_millis(500))
            .json(&json!({"username": ADMIN, "password": format!("Wrong-Passw0rd-{n}")}))
            .send()
            .await;
        assert!(hung_up.is_err(), "the client gave up first: {hung_up:?}");
    }
    app.proxy.wait_for("InitiateAuth", 2).await;
    // Both guesses were judged and stay counted: this address's share is spent.
    login_from(&app, "198.51.100.66", ADMIN, "Wrong-Passw0rd!")
        .await
        .assert_problem(429, "rate_limited");
}

#[tokio::test]
async fn rotating_the_case_spacing_or_width_of_a_name_buys_no_more_guesses() {
    let app = TestApp::builder()
        .set("RATE_LIMIT_PER_USERNAME", 4)
        .set("TRUSTED_PROXIES", THROUGH_PROXY)
        .start()
        .await;
    let attacker = "198.51.100.66";
    login_from(&app, attacker, "Root-Admin", "Wrong-Passw0rd!")
        .await
        .assert_problem(401, "invalid_credentials");
    login_from(&app, attacker, " root-admin ", "Wrong-Passw0rd!")
        .await
        .assert_problem(401, "invalid_credentials");
    for alias in [
        "ROOT-ADMIN",
        "\u{ff52}\u{ff4f}\u{ff4f}\u{ff54}-admin",
        "root-admin\u{3000}",
    ] {
        login_from(&app, attacker, alias, "Wrong-Passw0rd!")
            .await
            .assert_problem(429, "rate_limited");
    }
    assert_eq!(app.proxy.calls("InitiateAuth").len(), 2);
}

#[tokio::test]
async fn clients_named_with_ports_or_as_mapped_ipv4_are_counted_apart() {
    let app = TestApp::builder()
        .set("RATE_LIMIT_PER_IP", 1)
        .set("TRUSTED_PROXIES", THROUGH_PROXY)
        .start()
        .await;
    // Each of these is another client. Read as the proxy's own address, or as the IPv6 /64
    // that every mapped IPv4 address shares, they would all be one.
    for client in [
        "203.0.113.5:5000",
        "198.51.100.7:6000",
        "[2001:db8::1]:443",
        "::ffff:192.0.2.10",
        "::ffff:192.0.2.11",
        "unknown",
    ] {
        login_from(&app, client, "nobody", "Wrong-Passw0rd!")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    // A line with a byte that isn't text still ends with the client the proxy appended.
    for client in ["203.0.113.77", "203.0.113.78"] {
        let mut forwarded = b"\xff".to_vec();
        forwarded.extend_from_slice(format!(", {client}").as_bytes());
        let answer = app
            .send(
                app.http
                    .post(app.url("/login"))
                    .header(
                        "x-forwarded-for",
                        reqwest::header::HeaderValue::from_bytes(&forwarded).unwrap(),
                    )
                    .json(&json!({"username": "nobody", "password": "Wrong-Passw0rd!"})),
            )
            .await;
        answer.assert_problem(401, "invalid_credentials");
    }
    // And each is still limited: a second request from the same client is refused.
    login_from(&app, "192.0.2.11", "nobody", "Wrong-Passw0rd!")
        .await
        .assert_problem(429, "rate_limited");
    login_from(&app, "203.0.113.5:5001", "nobody", "Wrong-Passw0rd!")
        .await
        .assert_problem(429, "rate_limited");
}

#[tokio::test]
async fn one_token_cannot_loop_calls_to_cognito() {
    let app = TestApp::builder()
        .set("RATE_LIMIT_PER_USER", 4)
        .start()
        .await;
    app.user_pool.create_user("ana", "Ana-Passw0rd!").await;
    let admin = app.admin_token().await;
    let ana = app.login("ana", "Ana-Passw0rd!").await.access_token();
    let me = |token: &str| app.send(app.with_bearer(Method::GET, "/me", token));
    assert_eq!(me(&admin).await.status, 200);
    let patch = app
        .patch_with_bearer("/me", &admin, json!({"attributes": {"name": "Root"}}))
        .await;
    assert_eq!(patch.status, 200, "{patch:?}");
    me(&admin).await.assert_problem(429, "rate_limited");
    app.post_with_bearer("/mfa/totp/setup", &admin, json!({}))
        .await
        .assert_problem(429, "rate_limited");
    assert_eq!(app.proxy.calls("GetUser").len(), 1);
    assert!(app.proxy.calls("AssociateSoftwareToken").is_empty());
    // One sign-in uses half of the user's budget: a thief looping on a stolen token leaves
    // the rest to the user's other sessions. Another user is not held up at all.
    let other_session = app.admin_token().await;
    assert_eq!(me(&other_session).await.status, 200);
    assert_eq!(me(&ana).await.status, 200);
    // Signing out everywhere is never held up by the loop.
    let logout = app
        .post_with_bearer("/logout", &admin, json!({"everywhere": true}))
        .await;
    assert_eq!(logout.status, 204, "{logout:?}");
}

#[tokio::test]
async fn a_challenge_from_a_foreign_origin_or_as_a_form_is_refused_and_stays_usable() {
    let app = TestApp::builder()
        .set("ALLOWED_ORIGINS", "https://app.example.com")
        .start()
        .await;
    app.user_pool.invite_user("ana", "Temp-Passw0rd!").await;
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
    let app = TestApp::builder()
        .set("ALLOWED_ORIGINS", "https://app.example.com")
        .start()
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

    let plain = TestApp::start().await;
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
    // No origins, no CORS: a preflight is no route's method, and grants nothing.
    let bare_preflight = |path: &str| {
        plain
            .http
            .request(reqwest::Method::OPTIONS, plain.url(path))
            .header("origin", "https://app.example.com")
            .header("access-control-request-method", "POST")
    };
    let preflight = plain.send(bare_preflight("/login")).await;
    preflight.assert_problem(405, "method_not_allowed");
    assert!(
        preflight
            .headers
            .get("access-control-allow-origin")
            .is_none()
    );
    // `/verify` answers any method a gateway forwards: without a token, 401.
    let verify = plain.send(bare_preflight("/verify")).await;
    assert_eq!(verify.status, 401, "{verify:?}");
    assert!(verify.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn refused_sign_ins_take_at_least_the_floor_whether_or_not_the_account_exists() {
    let app = TestApp::builder()
        .set("LOGIN_FAILURE_FLOOR_MS", 300)
        .start()
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
    let app = TestApp::start().await;
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
    let app = TestApp::start().await;
    app.user_pool.invite_user("ana", "Temp-Passw0rd!").await;
    let cookie = app.login("ana", "Temp-Passw0rd!").await.cookie();
    let answer_from = |origin: String| {
        app.send(
            app.http
                .post(app.url("/challenge"))
                .header("cookie", &cookie)
                .header("origin", origin)
                .json(&json!({"responses": {"NEW_PASSWORD": "N3w-Passw0rd!"}})),
        )
    };
    // The cookie is Secure, so the browser reached this service over https (TLS ends in
    // front of it): a plain-http page of the same host and port is another origin.
    answer_from(format!("http://{}", app.addr))
        .await
        .assert_problem(403, "origin_not_allowed");
    let answer = answer_from(format!("https://{}", app.addr)).await;
    assert_eq!(answer.body["status"], "authenticated", "{answer:?}");
}

#[tokio::test]
async fn the_scheme_of_the_own_origin_comes_from_a_trusted_proxy_only() {
    let app = TestApp::builder()
        .set("COOKIE_SECURE", false)
        .set("TRUSTED_PROXIES", THROUGH_PROXY)
        .start()
        .await;
    app.user_pool.invite_user("ana", "Temp-Passw0rd!").await;
    let cookie = app.login("ana", "Temp-Passw0rd!").await.cookie();
    let host = app.addr.to_string();
    let answer = |origin: String, proto: &'static str| {
        app.send(
            app.http
                .post(app.url("/challenge"))
                .header("cookie", &cookie)
                .header("origin", origin)
                .header("x-forwarded-proto", proto)
                .json(&json!({"responses": {"NEW_PASSWORD": "N3w-Passw0rd!"}})),
        )
    };
    answer(format!("http://{host}"), "https")
        .await
        .assert_problem(403, "origin_not_allowed");
    let done = answer(format!("https://{host}"), "https").await;
    assert_eq!(done.body["status"], "authenticated", "{done:?}");
}

#[tokio::test]
async fn two_challenge_cookies_are_refused_rather_than_one_picked() {
    let app = TestApp::builder().set("COOKIE_SECURE", false).start().await;
    app.user_pool.invite_user("ana", "Temp-Passw0rd!").await;
    let cookie = app.login("ana", "Temp-Passw0rd!").await.cookie();
    // A sibling domain, or anything on plain http, planted a second one.
    let planted = "cognito-bff-challenge=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let refused = app
        .post_with_cookie(
            "/challenge",
            &format!("{planted}; {cookie}"),
            json!({"responses": {"NEW_PASSWORD": "N3w-Passw0rd!"}}),
        )
        .await;
    refused.assert_problem(400, "duplicate_cookie");
    assert!(
        refused.set_cookie().unwrap().contains("Max-Age=0"),
        "{refused:?}"
    );
    assert!(app.proxy.calls("RespondToAuthChallenge").is_empty());
}

#[tokio::test]
async fn a_request_id_is_kept_only_when_it_is_short_visible_ascii() {
    let app = TestApp::start().await;
    for given in [
        "x".repeat(129),
        "has space".to_owned(),
        "caf\u{e9}".to_owned(),
        String::new(),
    ] {
        let mut request = app.http.get(app.url("/nowhere"));
        request = match reqwest::header::HeaderValue::from_bytes(given.as_bytes()) {
            Ok(value) => request.header("x-request-id", value),
            Err(_) => request,
        };
        let answer = app.send(request).await;
        let made = answer.headers["x-request-id"].to_str().unwrap().to_owned();
        assert_ne!(made, given);
        assert_eq!(made.len(), 36, "a fresh UUID: {made}");
        assert_eq!(answer.body["request_id"], made.as_str());
    }
    let kept = "r".repeat(128);
    let answer = app
        .send(
            app.http
                .get(app.url("/nowhere"))
                .header("x-request-id", &kept),
        )
        .await;
    assert_eq!(answer.headers["x-request-id"], kept.as_str());
    // /verify, on its own path, too.
    let answer = app
        .send(
            app.http
                .get(app.url("/verify"))
                .header("x-request-id", "y".repeat(500)),
        )
        .await;
    assert_eq!(answer.headers["x-request-id"].len(), 36);
}
