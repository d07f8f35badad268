//! What an operator's Prometheus scrapes from `/metrics`.

mod support;

use serde_json::json;
use support::*;

#[tokio::test]
async fn metrics_count_requests_cognito_calls_challenges_and_store_sizes() {
    let app = spawn_app().await;
    app.pool.invite_user("ana", "Temp-Passw0rd!").await;
    let login = app.login("ana", "Temp-Passw0rd!").await;
    assert_eq!(login.body["status"], "challenge");
    app.login("ana", "wrong-password").await;
    app.get("/verify").await;

    let scrape = app.send(app.http.get(app.url("/metrics"))).await;
    assert_eq!(scrape.status, 200);
    assert!(scrape.content_type().starts_with("text/plain"));
    let text = scrape.body.as_str().expect("text").to_owned();
    for expected in [
        r#"http_requests_total{route="/login",method="POST",status="200"}"#,
        r#"http_requests_total{route="/login",method="POST",status="401"}"#,
        r#"http_request_duration_seconds_bucket{route="/login",method="POST",status="200",le="0.5"}"#,
        r#"cognito_requests_total{operation="InitiateAuth",outcome="ok"}"#,
        r#"cognito_requests_total{operation="InitiateAuth",outcome="NotAuthorized"}"#,
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
    let text = app.get("/metrics").await.body.as_str().unwrap().to_owned();
    assert!(text.contains(r#"challenge_outcomes_total{outcome="answered"}"#));
    assert!(
        text.lines().any(|l| l == "challenge_store_size 0"),
        "{text}"
    );
}
