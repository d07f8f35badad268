//! The server-side challenge: a single-use, short-lived cookie stands in for Cognito's Session.

use crate::support::*;
use serde_json::json;

const TEMPORARY: &str = "Temp-Passw0rd!";
const NEW_PASSWORD: &str = "N3w-Passw0rd!";

/// An invited user mid sign-in: the cookie of a pending NEW_PASSWORD_REQUIRED.
async fn pending_challenge(app: &TestApp, username: &str) -> String {
    app.user_pool.invite_user(username, TEMPORARY).await;
    let login = app.login(username, TEMPORARY).await;
    assert_eq!(
        login.body["challenge"], "NEW_PASSWORD_REQUIRED",
        "{login:?}"
    );
    login.cookie()
}

fn new_password() -> serde_json::Value {
    json!({"NEW_PASSWORD": NEW_PASSWORD})
}

#[tokio::test]
async fn a_password_the_pool_refuses_can_be_retried_with_the_same_cookie() {
    let app = TestApp::start().await;
    let cookie = pending_challenge(&app, "ana").await;

    let weak = app
        .answer_challenge(&cookie, json!({"NEW_PASSWORD": "weak"}))
        .await;
    weak.assert_problem(400, "invalid_password");
    assert!(
        weak.body["detail"].as_str().unwrap().contains("policy"),
        "{weak:?}"
    );
    assert!(
        weak.set_cookie().is_none(),
        "a retryable failure keeps the cookie"
    );

    let answer = app.answer_challenge(&cookie, new_password()).await;
    assert_eq!(answer.body["status"], "authenticated", "{answer:?}");
}

#[tokio::test]
async fn a_challenge_allows_at_most_five_wrong_answers() {
    let app = TestApp::start().await;
    let cookie = pending_challenge(&app, "ana").await;
    for n in 1..=5 {
        let wrong = app
            .answer_challenge(&cookie, json!({"NEW_PASSWORD": "weak"}))
            .await;
        wrong.assert_problem(400, "invalid_password");
        if n < 5 {
            assert!(wrong.set_cookie().is_none(), "wrong answer #{n}: {wrong:?}");
        } else {
            // The last allowed answer used the challenge up: its cookie is cleared with it.
            let cleared = wrong.set_cookie().expect("the used-up cookie is cleared");
            assert!(cleared.contains("Max-Age=0"), "{cleared}");
        }
    }
    app.answer_challenge(&cookie, new_password())
        .await
        .assert_problem(401, "challenge_expired");
    assert_eq!(app.proxy.calls("RespondToAuthChallenge").len(), 5);
}

#[tokio::test]
async fn a_used_cookie_cannot_be_replayed() {
    let app = TestApp::start().await;
    let cookie = pending_challenge(&app, "ana").await;
    assert_eq!(
        app.answer_challenge(&cookie, new_password()).await.status,
        200
    );

    let replay = app.answer_challenge(&cookie, new_password()).await;
    replay.assert_problem(401, "challenge_expired");
    assert!(replay.set_cookie().unwrap().contains("Max-Age=0"));
    assert_eq!(
        app.proxy.calls("RespondToAuthChallenge").len(),
        1,
        "a replay never reaches Cognito"
    );
}

#[tokio::test]
async fn forged_missing_and_malformed_cookies_are_refused() {
    let app = TestApp::start().await;
    pending_challenge(&app, "ana").await;
    let forged = "__Host-cognito-bff-challenge=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    app.answer_challenge(forged, new_password())
        .await
        .assert_problem(401, "challenge_expired");
    app.answer_challenge("__Host-cognito-bff-challenge=../../etc", new_password())
        .await
        .assert_problem(401, "challenge_expired");
    app.post("/challenge", json!({"responses": new_password()}))
        .await
        .assert_problem(401, "challenge_expired");
    assert!(app.proxy.calls("RespondToAuthChallenge").is_empty());
}

#[tokio::test]
async fn an_expired_challenge_is_refused_without_asking_cognito() {
    let app = TestApp::start().await;
    let cookie = pending_challenge(&app, "ana").await;
    let db = app.db.pool().await;
    sqlx::query("UPDATE challenges SET expires_at = 0")
        .execute(&db)
        .await
        .unwrap();

    app.answer_challenge(&cookie, new_password())
        .await
        .assert_problem(401, "challenge_expired");
    assert!(app.proxy.calls("RespondToAuthChallenge").is_empty());
}

#[tokio::test]
async fn two_simultaneous_answers_reach_cognito_once_and_only_one_succeeds() {
    let app = TestApp::start().await;
    let cookie = pending_challenge(&app, "ana").await;

    let (first, second) = tokio::join!(
        app.answer_challenge(&cookie, new_password()),
        app.answer_challenge(&cookie, new_password()),
    );
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses[0], 200, "{first:?} / {second:?}");
    let loser = if first.status == 200 { &second } else { &first };
    assert!(
        matches!(loser.code(), "challenge_expired" | "challenge_in_progress"),
        "{loser:?}"
    );
    assert!(matches!(loser.status, 401 | 409));
    assert_eq!(app.proxy.calls("RespondToAuthChallenge").len(), 1);
}

#[tokio::test]
async fn a_transient_cognito_failure_leaves_the_challenge_usable() {
    let app = TestApp::start().await;
    let cookie = pending_challenge(&app, "ana").await;

    app.proxy
        .fail("RespondToAuthChallenge", Reply::SERVER_ERROR, 1);
    let failed = app.answer_challenge(&cookie, new_password()).await;
    failed.assert_problem(503, "cognito_unavailable");
    assert!(failed.set_cookie().is_none());

    app.proxy
        .fail("RespondToAuthChallenge", Reply::THROTTLED, 1);
    let throttled = app.answer_challenge(&cookie, new_password()).await;
    throttled.assert_problem(429, "too_many_requests");
    assert!(throttled.headers.contains_key("retry-after"));

    let retried = app.answer_challenge(&cookie, new_password()).await;
    assert_eq!(retried.body["status"], "authenticated", "{retried:?}");
}

#[tokio::test]
async fn a_session_cognito_no_longer_knows_ends_the_challenge() {
    let app = TestApp::start().await;
    let cookie = pending_challenge(&app, "ana").await;
    app.proxy.fail(
        "RespondToAuthChallenge",
        Reply::error(400, "NotAuthorizedException"),
        1,
    );
    app.answer_challenge(&cookie, new_password())
        .await
        .assert_problem(401, "challenge_expired");
    // The row is gone: the next try does not reach Cognito.
    app.answer_challenge(&cookie, new_password())
        .await
        .assert_problem(401, "challenge_expired");
    assert_eq!(app.proxy.calls("RespondToAuthChallenge").len(), 1);
}

#[tokio::test]
async fn naming_a_different_challenge_is_a_conflict_that_costs_nothing() {
    let app = TestApp::start().await;
    let cookie = pending_challenge(&app, "ana").await;
    let wrong = app
        .post_with_cookie(
            "/challenge",
            &cookie,
            json!({"challenge": "SMS_MFA", "responses": {"SMS_MFA_CODE": "123456"}}),
        )
        .await;
    wrong.assert_problem(409, "challenge_mismatch");
    assert!(app.proxy.calls("RespondToAuthChallenge").is_empty());

    let right = app
        .post_with_cookie(
            "/challenge",
            &cookie,
            json!({"challenge": "NEW_PASSWORD_REQUIRED", "responses": new_password()}),
        )
        .await;
    assert_eq!(right.body["status"], "authenticated", "{right:?}");
}

#[tokio::test]
async fn the_client_cannot_answer_for_another_user() {
    let app = TestApp::start().await;
    let cookie = pending_challenge(&app, "ana").await;
    let answer = app
        .answer_challenge(
            &cookie,
            json!({"NEW_PASSWORD": NEW_PASSWORD, "USERNAME": ADMIN, "SECRET_HASH": "forged"}),
        )
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let sent = &app.proxy.calls("RespondToAuthChallenge")[0]["ChallengeResponses"];
    assert_eq!(sent["USERNAME"], "ana");
    assert_ne!(sent["SECRET_HASH"], "forged");
    assert_eq!(
        app.user_pool
            .accepts_access_token(&answer.access_token())
            .await,
        Ok("ana".to_owned())
    );
}

#[tokio::test]
async fn plain_http_development_drops_secure_and_the_host_prefix() {
    let app = TestApp::builder().set("COOKIE_SECURE", false).start().await;
    app.user_pool.invite_user("ana", TEMPORARY).await;
    let login = app.login("ana", TEMPORARY).await;
    let set_cookie = login.set_cookie().unwrap();
    assert!(
        set_cookie.starts_with("cognito-bff-challenge="),
        "{set_cookie}"
    );
    assert!(!set_cookie.contains("Secure"));
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"));
    let answer = app.answer_challenge(&login.cookie(), new_password()).await;
    assert_eq!(answer.status, 200, "{answer:?}");
}

#[tokio::test]
async fn the_store_keeps_only_a_hash_of_the_cookie() {
    let app = TestApp::start().await;
    let cookie = pending_challenge(&app, "ana").await;
    let value = cookie.split_once('=').unwrap().1;
    let db = app.db.pool().await;
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id_hash, username FROM challenges")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1, "ana");
    assert_ne!(rows[0].0, value);
    assert!(!rows[0].0.contains(value));
    assert_eq!(rows[0].0.len(), 64, "hex SHA-256");
}

#[tokio::test]
async fn the_cognito_session_is_stored_encrypted() {
    let app = TestApp::start().await;
    let cookie = pending_challenge(&app, "ana").await;
    let db = app.db.pool().await;
    let (stored,): (String,) = sqlx::query_as("SELECT session FROM challenges")
        .fetch_one(&db)
        .await
        .unwrap();
    app.answer_challenge(&cookie, new_password()).await;
    let session = app.proxy.calls("RespondToAuthChallenge")[0]["Session"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!stored.contains(&session), "stored in the clear: {stored}");
    assert!(stored.starts_with("v1."));
}

#[tokio::test]
async fn a_challenge_begun_on_one_replica_finishes_on_another_with_the_same_key() {
    let first = TestApp::start().await;
    let cookie = pending_challenge(&first, "ana").await;
    // Also what a restart looks like: a new process, the same database and key.
    let second = first.replica().start().await;
    let answer = second.answer_challenge(&cookie, new_password()).await;
    assert_eq!(answer.body["status"], "authenticated", "{answer:?}");
}

#[tokio::test]
async fn a_replica_with_another_key_leaves_the_challenge_to_one_that_has_it() {
    let first = TestApp::start().await;
    let cookie = pending_challenge(&first, "ana").await;
    let stranger = first
        .replica()
        .set(
            "SESSION_ENCRYPTION_KEY",
            "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+P0A=",
        )
        .start()
        .await;
    stranger
        .answer_challenge(&cookie, new_password())
        .await
        .assert_problem(503, "challenge_unavailable");
    assert!(stranger.proxy.calls("RespondToAuthChallenge").is_empty());

    // As during a key rotation: the replica with the key still finishes it.
    let answer = first.answer_challenge(&cookie, new_password()).await;
    assert_eq!(answer.body["status"], "authenticated", "{answer:?}");
}
