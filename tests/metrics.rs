//! What an operator's Prometheus scrapes from `/metrics`, on the metrics listener.

mod support;

use serde_json::json;
use support::binary::Binary;
use support::*;

#[tokio::test]
async fn metrics_count_requests_cognito_calls_challenges_and_store_sizes() {
    let app = TestApp::start().await;
    app.user_pool.invite_user("ana", "Temp-Passw0rd!").await;
    let login = app.login("ana", "Temp-Passw0rd!").await;
    assert_eq!(login.body["status"], "challenge");
    app.login("ana", "wrong-password").await;
    app.get("/verify").await;

    let text = app.scrape().await;
    for expected in [
        r#"http_requests_total{route="/login",method="POST",status="200"}"#,
        r#"http_requests_total{route="/login",method="POST",status="401"}"#,
        r#"http_request_duration_seconds_bucket{route="/login",method="POST",status="200",le="0.5"}"#,
        r#"cognito_requests_total{operation="InitiateAuth",outcome="ok"}"#,
        r#"cognito_requests_total{operation="InitiateAuth",outcome="refused"}"#,
        r#"cognito_request_duration_seconds_bucket{operation="InitiateAuth",outcome="ok",le="0.5"}"#,
        r#"challenge_outcomes_total{outcome="issued"}"#,
        r#"jwks_fetches_total{result="ok"}"#,
        r#"http_requests_total{route="/verify",method="ANY",status="401"}"#,
        "challenge_store_size",
        "revocation_list_size",
    ] {
        assert!(text.contains(expected), "missing {expected} in:\n{text}");
    }
    // The gauge reflects this app's store: one pending challenge.
    assert!(
        text.lines().any(|l| l == "challenge_store_size 1"),
        "store size not 1:\n{text}"
    );

    app.answer_challenge(&login.cookie(), json!({"NEW_PASSWORD": "N3w-Passw0rd!"}))
        .await;
    let text = app.scrape().await;
    assert!(text.contains(r#"challenge_outcomes_total{outcome="answered"}"#));
    assert!(
        text.lines().any(|l| l == "challenge_store_size 0"),
        "{text}"
    );
}

#[tokio::test]
async fn the_public_port_serves_no_metrics() {
    let app = TestApp::start().await;
    app.get("/metrics").await.assert_problem(404, "not_found");
    // And the metrics listener serves nothing else.
    let other = app
        .send(app.http.get(format!("http://{}/login", app.metrics_addr)))
        .await;
    assert_eq!(other.status, 404);
}

#[tokio::test]
async fn a_scrape_cannot_tell_which_accounts_exist() {
    let app = TestApp::start().await;
    app.login("nobody-at-all", "Wrong-Passw0rd!")
        .await
        .assert_problem(401, "invalid_credentials");
    app.login(ADMIN, "Wrong-Passw0rd!")
        .await
        .assert_problem(401, "invalid_credentials");
    app.post(
        "/signup/confirm",
        json!({"username": "nobody-at-all", "code": "123456"}),
    )
    .await;
    // Whether a reset code went out is what /password/forgot's answer hides: so does this.
    for name in [ADMIN, "nobody-at-all"] {
        app.post("/password/forgot", json!({"username": name}))
            .await;
    }
    let text = app.scrape().await;
    for reason in [
        "UserNotFound",
        "NotAuthorized",
        "UserNotConfirmed",
        "CodeMismatch",
        "ResourceNotFound",
    ] {
        assert!(!text.contains(reason), "{reason} shows in:\n{text}");
    }
    let outcomes: std::collections::BTreeSet<&str> = text
        .lines()
        .filter(|l| l.starts_with("cognito_requests_total{"))
        .filter_map(|l| l.split("outcome=\"").nth(1)?.split('"').next())
        .collect();
    assert!(
        text.contains(r#"cognito_requests_total{operation="ForgotPassword",outcome="answered"} 2"#),
        "{text}"
    );
    assert!(
        outcomes.is_subset(
            &[
                "answered",
                "error",
                "ok",
                "refused",
                "throttled",
                "timeout",
                "unavailable"
            ]
            .into()
        ),
        "{outcomes:?}"
    );
}

/// Made-up methods and paths, each 2 KB, as an anonymous client could send them.
fn junk(n: usize) -> (reqwest::Method, String) {
    let word = |tag: &str| {
        let mut text = format!("{tag}{n}-");
        while text.len() < 2048 {
            text.push_str(&uuid::Uuid::new_v4().simple().to_string());
        }
        text.truncate(2048);
        text
    };
    (
        reqwest::Method::from_bytes(word("M").as_bytes()).expect("a token"),
        format!("/{}", word("p")),
    )
}

/// The series in a scrape: its lines that are not comments.
fn series(scrape: &str) -> usize {
    scrape
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn invented_methods_and_paths_leave_series_and_memory_flat() {
    let moto = Moto::shared();
    let pool = UserPool::create(&moto.endpoint, true, false).await;
    let dir = tempfile::TempDir::new().unwrap();
    let (port, metrics_port) = (free_port(), free_port());
    let mut server = Binary::serve(dir.path())
        .pool(&pool, &moto.endpoint)
        .env("LISTEN_ADDR", format!("127.0.0.1:{port}"))
        .env("METRICS_ADDR", format!("127.0.0.1:{metrics_port}"))
        .spawn();
    server
        .wait_for("\"listening\"", |event| event["message"] == "listening")
        .await;
    let service = Client::new(format!("http://127.0.0.1:{port}"));
    let prometheus = Client::new(format!("http://127.0.0.1:{metrics_port}"));
    let flood = |from: usize, to: usize| {
        let service = service.clone();
        async move {
            for n in from..to {
                let (method, path) = junk(n);
                let answer = service
                    .send(service.http.request(method, service.url(&path)))
                    .await;
                assert!((400..500).contains(&answer.status), "{}", answer.status);
            }
        }
    };
    let scrape = || {
        let prometheus = prometheus.clone();
        async move {
            let answer = prometheus.get("/metrics").await;
            assert_eq!(answer.status, 200, "{answer:?}");
            answer.body.as_str().expect("text").to_owned()
        }
    };
    // Warm up: every series a 404 can make exists, and the allocator has its working set.
    flood(0, 300).await;
    let (series_before, rss_before) = (series(&scrape().await), server.rss_kib());
    flood(300, 3300).await;
    let (series_after, rss_after) = (series(&scrape().await), server.rss_kib());
    assert_eq!(series_after, series_before, "new series appeared");
    assert!(
        rss_after < rss_before + 16 * 1024,
        "RSS grew from {rss_before} KiB to {rss_after} KiB"
    );
    server.terminate().await;
}
