//! Faults an operator will meet: Cognito gone, Cognito slow, the database gone; and recovery
//! from each without a restart.

use crate::support::tcp_relay::TcpRelay;
use crate::support::*;
use serde_json::json;

#[tokio::test]
async fn cognito_going_away_gives_503_and_the_service_recovers_when_it_returns() {
    let moto = Moto::start_on(0);
    moto.seed(42).await;
    let app = TestApp::builder()
        .on(&moto)
        .straight_to_the_emulator()
        .start()
        .await;
    assert_eq!(app.login(ADMIN, ADMIN_PASSWORD).await.status, 200);

    moto.stop();
    let down = app.login(ADMIN, ADMIN_PASSWORD).await;
    down.assert_problem(503, "cognito_unavailable");
    assert!(down.headers.contains_key("retry-after"));
    assert_eq!(
        app.get("/healthz").await.status,
        200,
        "the service stays up"
    );

    // Cognito comes back on the same address, with the same pool.
    let back = Moto::start_on(moto.port);
    back.seed(42).await;
    let pool = bootstrap_pool(&back.endpoint, "us-east-1", true, false).await;
    assert_eq!(
        (pool.pool_id.as_str(), pool.client_id.as_str()),
        (
            app.user_pool.pool_id.as_str(),
            app.user_pool.client_id.as_str()
        )
    );
    let again = app.login(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(again.body["status"], "authenticated", "{again:?}");
}

#[tokio::test]
async fn a_slow_cognito_gives_504_and_leaves_the_pending_challenge_usable() {
    let app = TestApp::builder()
        .set("COGNITO_TIMEOUT_SECONDS", 1)
        .start()
        .await;
    app.user_pool.invite_user("ana", "Temp-Passw0rd!").await;
    let cookie = app.login("ana", "Temp-Passw0rd!").await.cookie();

    app.proxy.fail("RespondToAuthChallenge", Reply::Hang, 1);
    let slow = app
        .answer_challenge(&cookie, json!({"NEW_PASSWORD": "N3w-Passw0rd!"}))
        .await;
    slow.assert_problem(504, "cognito_timeout");

    let retried = app
        .answer_challenge(&cookie, json!({"NEW_PASSWORD": "N3w-Passw0rd!"}))
        .await;
    assert_eq!(retried.body["status"], "authenticated", "{retried:?}");
}

#[tokio::test]
#[ignore = "needs Postgres (TEST_DATABASE_URL): a SQLite file can't go away while the process runs"]
async fn database_loss_makes_the_service_unready_and_it_recovers() {
    let db = TestDatabase::create().await;
    assert!(
        db.is_postgres(),
        "set TEST_DATABASE_URL to a Postgres server to run this test"
    );
    let relay = TcpRelay::start(db.address()).await;
    let app = TestApp::builder()
        .database(db.via_port(relay.port))
        .set("RATE_LIMIT_PER_USERNAME", 10)
        .set("RATE_LIMIT_MESSAGES_PER_USERNAME", 10)
        .start()
        .await;
    app.user_pool.invite_user("ana", "Temp-Passw0rd!").await;
    assert_eq!(app.get("/readyz").await.status, 200);

    relay.cut().await;
    let unready = app.get("/readyz").await;
    assert_eq!(unready.status, 503, "{unready:?}");
    assert_eq!(unready.body["checks"]["database"], "unavailable");
    // A sign-in can't complete: its guesses can't be counted across replicas (the budget
    // refuses rather than not count), nor its challenge stored.
    let refused = app.login("ana", "Temp-Passw0rd!").await;
    refused.assert_problem(503, "database_unavailable");
    assert!(refused.headers.contains_key("retry-after"), "{refused:?}");
    assert_eq!(
        app.proxy.calls("InitiateAuth").len(),
        0,
        "a guess that can't be counted never reaches Cognito"
    );
    // A password reset needs no database: its message budget counts on this replica alone.
    let reset = app
        .post("/password/forgot", json!({"username": "ana"}))
        .await;
    assert_eq!(reset.status, 202, "{reset:?}");
    assert_eq!(app.proxy.calls("ForgotPassword").len(), 1);
    let metrics = app.scrape().await;
    for series in [
        r#"rate_limit_store_failures_total{limit="failures",then="refused"}"#,
        r#"rate_limit_store_failures_total{limit="messages",then="counted_per_replica"}"#,
    ] {
        assert!(metrics.contains(series), "{series} not in:\n{metrics}");
    }

    relay.restore();
    assert_eq!(app.get("/readyz").await.status, 200);
    let login = app.login("ana", "Temp-Passw0rd!").await;
    assert_eq!(
        login.body["challenge"], "NEW_PASSWORD_REQUIRED",
        "{login:?}"
    );
    let answer = app
        .answer_challenge(&login.cookie(), json!({"NEW_PASSWORD": "N3w-Passw0rd!"}))
        .await;
    assert_eq!(answer.body["status"], "authenticated", "{answer:?}");
    drop(db);
}
