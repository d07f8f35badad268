//! Passwords: forgotten (a code, then a new password) and changed while signed in, without
//! telling anyone which accounts exist.

use std::time::{Duration, Instant};

use crate::support::*;
use serde_json::{Value, json};

const ANA_PASSWORD: &str = "Ana-Passw0rd!";
const NEW_PASSWORD: &str = "Ana-N3w-Passw0rd!";
/// What /password/forgot answers when the client does not hide user existence.
const FORGOT_ANSWER: &str = r#"{"next_step":"CONFIRM_RESET_PASSWORD_WITH_CODE"}"#;

/// An app with one ordinary user, `ana`.
async fn app_with_ana(app: AppBuilder) -> TestApp {
    let app = app.start().await;
    app.user_pool.create_user("ana", ANA_PASSWORD).await;
    app
}

/// /password/forgot as raw bytes, to compare answers exactly.
async fn forgot_raw(app: &TestApp, username: &str) -> (u16, String, Vec<u8>) {
    let response = app
        .http
        .post(app.url("/password/forgot"))
        .json(&json!({"username": username}))
        .send()
        .await
        .expect("the service answers");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (
        status,
        content_type,
        response.bytes().await.unwrap().to_vec(),
    )
}

async fn forgot(app: &TestApp, username: &str) -> Response {
    app.post("/password/forgot", json!({"username": username}))
        .await
}

async fn reset(app: &TestApp, username: &str, code: &str, new_password: &str) -> Response {
    app.post(
        "/password/reset",
        json!({"username": username, "code": code, "new_password": new_password}),
    )
    .await
}

async fn change(app: &TestApp, token: &str, previous: &str, proposed: &str) -> Response {
    app.post_with_bearer(
        "/password/change",
        token,
        json!({"previous_password": previous, "proposed_password": proposed}),
    )
    .await
}

/// The code the emulator issued on the latest ForgotPassword that reached it.
fn issued_code(app: &TestApp) -> String {
    app.proxy
        .reply_headers("ForgotPassword", "x-moto-forgot-password-confirmation-code")
        .pop()
        .expect("the emulator issued a code")
}

/// The parts of a problem a client could tell apart (not the per-request instance id).
fn problem_parts(answer: &Response) -> (u16, Value, Value, Value, Value, Value) {
    (
        answer.status,
        answer.body["type"].clone(),
        answer.body["title"].clone(),
        answer.body["code"].clone(),
        answer.body["detail"].clone(),
        answer.body["field"].clone(),
    )
}

#[tokio::test]
async fn a_forgotten_password_is_reset_with_the_mailed_code_and_only_the_new_one_signs_in() {
    let app = app_with_ana(TestApp::builder()).await;

    let asked = forgot(&app, "ana").await;
    assert_eq!(asked.status, 202, "{asked:?}");
    assert_eq!(asked.body["next_step"], "CONFIRM_RESET_PASSWORD_WITH_CODE");
    let code = issued_code(&app);
    assert!(code.starts_with("moto-confirmation-code:"), "{code}");

    let done = reset(&app, "ana", &code, NEW_PASSWORD).await;
    assert_eq!(done.status, 200, "{done:?}");
    assert_eq!(
        done.body,
        json!({"next_step": "DONE", "signed_out_others": 0})
    );

    let login = app.login("ana", NEW_PASSWORD).await;
    assert_eq!(login.status, 200, "{login:?}");
    assert_eq!(login.body["status"], "authenticated");
    assert_eq!(
        app.user_pool
            .accepts_access_token(&login.access_token())
            .await,
        Ok("ana".to_owned())
    );
    app.login("ana", ANA_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");

    // What reached Cognito: the user, the client and its SECRET_HASH on both calls.
    let hash = secret_hash(&app.user_pool, "ana");
    let asked = app.proxy.calls("ForgotPassword");
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0]["Username"], "ana");
    assert_eq!(asked[0]["ClientId"], app.user_pool.client_id);
    assert_eq!(asked[0]["SecretHash"], hash);
    let confirmed = app.proxy.calls("ConfirmForgotPassword");
    assert_eq!(confirmed.len(), 1);
    assert_eq!(confirmed[0]["Username"], "ana");
    assert_eq!(confirmed[0]["ClientId"], app.user_pool.client_id);
    assert_eq!(confirmed[0]["SecretHash"], hash);
    assert_eq!(confirmed[0]["ConfirmationCode"], code);
    assert_eq!(confirmed[0]["Password"], NEW_PASSWORD);
}

#[tokio::test]
async fn forgot_answers_the_same_for_unknown_users_when_the_client_shows_no_delivery() {
    let app = app_with_ana(TestApp::builder()).await;
    let known = forgot_raw(&app, "ana").await;
    let unknown = forgot_raw(&app, "nobody").await;
    assert_eq!(known.0, 202);
    assert_eq!(known.1, "application/json");
    assert_eq!(
        String::from_utf8_lossy(&known.2),
        FORGOT_ANSWER,
        "no code_delivery without PreventUserExistenceErrors"
    );
    assert_eq!(known, unknown, "the answers tell the accounts apart");
}

#[tokio::test]
async fn forgot_shows_a_delivery_for_known_and_unknown_users_alike_when_the_client_hides_users() {
    let app = app_with_ana(TestApp::builder()).await;
    // Before the app's first forgot, which reads (and caches) the client's setting.
    app.user_pool.prevent_user_existence_errors(true).await;

    let known = forgot_raw(&app, "ana").await;
    let unknown = forgot_raw(&app, "nobody").await;
    assert_eq!((known.0, unknown.0), (202, 202));
    assert_eq!(known.1, unknown.1);
    let known: Value = serde_json::from_slice(&known.2).unwrap();
    let unknown: Value = serde_json::from_slice(&unknown.2).unwrap();
    for body in [&known, &unknown] {
        assert_eq!(
            body["next_step"], "CONFIRM_RESET_PASSWORD_WITH_CODE",
            "{body}"
        );
        let delivery = body["code_delivery"].as_object().expect("a code_delivery");
        let mut keys: Vec<_> = delivery.keys().cloned().collect();
        keys.sort();
        assert_eq!(keys, ["destination", "medium"], "{body}");
        assert!(
            delivery["destination"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
        );
        assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
    }
    // The destination is Cognito's masked (or, for an unknown user, invented) address, so it
    // differs per user; everything else is the same.
    assert_eq!(
        known["code_delivery"]["medium"],
        unknown["code_delivery"]["medium"]
    );
    // The setting was read once, not per request.
    assert_eq!(app.proxy.calls("DescribeUserPoolClient").len(), 1);
}

#[tokio::test]
async fn forgot_hides_cognitos_refusals_but_not_its_outages() {
    let app = app_with_ana(TestApp::builder()).await;
    for error in [
        "UserNotFoundException",
        "InvalidParameterException",
        "LimitExceededException",
        "NotAuthorizedException",
    ] {
        app.proxy
            .fail("ForgotPassword", Reply::error(400, error), 1);
        let (status, _, body) = forgot_raw(&app, "ana").await;
        assert_eq!(
            (status, String::from_utf8_lossy(&body).into_owned()),
            (202, FORGOT_ANSWER.to_owned()),
            "{error}"
        );
    }
    assert_eq!(app.proxy.calls("ForgotPassword").len(), 4);

    app.proxy.fail("ForgotPassword", Reply::SERVER_ERROR, 1);
    forgot(&app, "ana")
        .await
        .assert_problem(503, "cognito_unavailable");

    app.proxy.fail("ForgotPassword", Reply::THROTTLED, 1);
    let throttled = forgot(&app, "ana").await;
    throttled.assert_problem(429, "too_many_requests");
    assert!(throttled.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn a_wrong_code_is_refused_and_an_unknown_user_looks_like_a_wrong_code() {
    let app = app_with_ana(TestApp::builder()).await;
    assert_eq!(forgot(&app, "ana").await.status, 202);
    let issued = issued_code(&app);
    // The emulator issues six digits from 100000; this is never one of them.
    let wrong = "moto-confirmation-code:000000";
    assert_ne!(issued, wrong);

    let refused = reset(&app, "ana", wrong, NEW_PASSWORD).await;
    refused.assert_problem(400, "code_mismatch");
    // Nothing changed.
    assert_eq!(app.login("ana", ANA_PASSWORD).await.status, 200);

    // Cognito's answers for a known user with a wrong code and for an unknown (or
    // disabled) user, as real Cognito gives them: the client sees one answer.
    app.proxy.fail(
        "ConfirmForgotPassword",
        Reply::error(400, "CodeMismatchException"),
        1,
    );
    let mismatch = reset(&app, "ana", "123456", NEW_PASSWORD).await;
    mismatch.assert_problem(400, "code_mismatch");
    for error in [
        "UserNotFoundException",
        "NotAuthorizedException",
        "UserNotConfirmedException",
        "LimitExceededException",
        "TooManyFailedAttemptsException",
    ] {
        app.proxy
            .fail("ConfirmForgotPassword", Reply::error(400, error), 1);
        let unknown = reset(&app, "nobody", "123456", NEW_PASSWORD).await;
        assert_eq!(
            problem_parts(&unknown),
            problem_parts(&mismatch),
            "{error}: {unknown:?}"
        );
    }
    assert_eq!(app.login("ana", ANA_PASSWORD).await.status, 200);
}

#[tokio::test]
async fn a_signed_in_user_changes_their_password() {
    let app = app_with_ana(TestApp::builder()).await;
    let token = app.login("ana", ANA_PASSWORD).await.access_token();

    let wrong = change(&app, &token, "Not-The-Passw0rd!", NEW_PASSWORD).await;
    wrong.assert_problem(400, "incorrect_password");
    assert_eq!(wrong.body["field"], "previous_password");

    let weak = change(&app, &token, ANA_PASSWORD, "weak").await;
    weak.assert_problem(400, "invalid_password");

    app.send(
        app.http
            .post(app.url("/password/change"))
            .json(&json!({"previous_password": ANA_PASSWORD, "proposed_password": NEW_PASSWORD})),
    )
    .await
    .assert_problem(401, "missing_token");
    change(&app, "not-a-token", ANA_PASSWORD, NEW_PASSWORD)
        .await
        .assert_problem(401, "invalid_token");
    // Only the two calls with a valid token reached Cognito.
    assert_eq!(app.proxy.calls("ChangePassword").len(), 2);

    let changed = change(&app, &token, ANA_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(changed.status, 200, "{changed:?}");
    assert_eq!(changed.body, json!({"signed_out_others": 0}));
    let sent = app.proxy.calls("ChangePassword").pop().unwrap();
    assert_eq!(sent["AccessToken"], token);
    assert_eq!(sent["PreviousPassword"], ANA_PASSWORD);
    assert_eq!(sent["ProposedPassword"], NEW_PASSWORD);

    assert_eq!(app.login("ana", NEW_PASSWORD).await.status, 200);
    app.login("ana", ANA_PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
}

#[tokio::test]
async fn code_requests_and_wrong_codes_for_one_username_are_limited_apart() {
    let app = app_with_ana(
        TestApp::builder()
            .set("RATE_LIMIT_PER_USERNAME", 4)
            .set("RATE_LIMIT_MESSAGES_PER_USERNAME", 4),
    )
    .await;
    // Codes sent: one address may ask for half of a name's hourly budget.
    assert_eq!(forgot(&app, "ana").await.status, 202);
    assert_eq!(forgot(&app, "ANA").await.status, 202);
    let refused = forgot(&app, "ana").await;
    refused.assert_problem(429, "rate_limited");
    assert!(refused.headers.contains_key("retry-after"));
    assert_eq!(app.proxy.calls("ForgotPassword").len(), 2);

    // Wrong codes: counted in their own budget, and refused before Cognito once it is spent.
    let wrong = "moto-confirmation-code:000000";
    for _ in 0..2 {
        reset(&app, "ana", wrong, NEW_PASSWORD)
            .await
            .assert_problem(400, "code_mismatch");
    }
    reset(&app, "ana", wrong, NEW_PASSWORD)
        .await
        .assert_problem(429, "rate_limited");
    assert_eq!(app.proxy.calls("ConfirmForgotPassword").len(), 2);

    // Another username is not held up.
    assert_eq!(forgot(&app, "bob").await.status, 202);
}

#[tokio::test]
async fn too_many_password_requests_from_one_address_are_refused() {
    let app = app_with_ana(TestApp::builder().set("RATE_LIMIT_PER_IP", 2)).await;
    assert_eq!(forgot(&app, "ana").await.status, 202);
    reset(&app, "ana", "moto-confirmation-code:000000", NEW_PASSWORD)
        .await
        .assert_problem(400, "code_mismatch");

    for answer in [
        forgot(&app, "bob").await,
        reset(&app, "bob", "123456", NEW_PASSWORD).await,
        change(&app, "any-token", ANA_PASSWORD, NEW_PASSWORD).await,
    ] {
        answer.assert_problem(429, "rate_limited");
        let retry_after: u64 = answer.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    }
    assert_eq!(app.proxy.calls("ForgotPassword").len(), 1);
    assert_eq!(app.proxy.calls("ConfirmForgotPassword").len(), 1);
    assert!(app.proxy.calls("ChangePassword").is_empty());
}

#[tokio::test]
async fn forgot_answers_and_refused_resets_take_at_least_the_floor() {
    let app = app_with_ana(TestApp::builder().set("LOGIN_FAILURE_FLOOR_MS", 300)).await;
    let floor = Duration::from_millis(300);

    for username in ["nobody", "ana"] {
        let started = Instant::now();
        assert_eq!(forgot(&app, username).await.status, 202);
        assert!(
            started.elapsed() >= floor,
            "forgot for {username} answered in {:?}",
            started.elapsed()
        );
    }

    let started = Instant::now();
    reset(&app, "ana", "moto-confirmation-code:000000", NEW_PASSWORD)
        .await
        .assert_problem(400, "code_mismatch");
    assert!(started.elapsed() >= floor, "{:?}", started.elapsed());

    app.proxy.fail(
        "ConfirmForgotPassword",
        Reply::error(400, "UserNotFoundException"),
        1,
    );
    let started = Instant::now();
    reset(&app, "nobody", "123456", NEW_PASSWORD)
        .await
        .assert_problem(400, "code_mismatch");
    assert!(started.elapsed() >= floor, "{:?}", started.elapsed());
}

#[tokio::test]
async fn malformed_password_requests_are_refused_as_invalid_and_never_reach_cognito() {
    let app = app_with_ana(TestApp::builder()).await;
    let token = app.login("ana", ANA_PASSWORD).await.access_token();
    let long_code = "1".repeat(10 * 1024);

    let cases = [
        ("/password/forgot", json!({}), "username"),
        ("/password/forgot", json!({"username": ""}), "username"),
        ("/password/forgot", json!({"username": 42}), "username"),
        (
            "/password/reset",
            json!({"username": "ana", "code": "123456"}),
            "new_password",
        ),
        (
            "/password/reset",
            json!({"username": "", "code": "123456", "new_password": NEW_PASSWORD}),
            "username",
        ),
        (
            "/password/reset",
            json!({"username": "ana", "code": long_code, "new_password": NEW_PASSWORD}),
            "code",
        ),
        (
            "/password/reset",
            json!({"username": "ana", "code": "", "new_password": NEW_PASSWORD}),
            "code",
        ),
    ];
    for (path, body, field) in cases {
        let answer = app.post(path, body.clone()).await;
        answer.assert_problem(400, "invalid_request");
        assert_eq!(answer.body["field"], field, "{path} {body}");
    }
    for (body, field) in [
        (
            json!({"previous_password": ANA_PASSWORD}),
            "proposed_password",
        ),
        (
            json!({"previous_password": "", "proposed_password": NEW_PASSWORD}),
            "previous_password",
        ),
    ] {
        let answer = app
            .post_with_bearer("/password/change", &token, body.clone())
            .await;
        answer.assert_problem(400, "invalid_request");
        assert_eq!(answer.body["field"], field, "{body}");
    }
    // The code is never echoed back.
    let answer = reset(&app, "ana", &long_code, NEW_PASSWORD).await;
    assert!(!answer.body.to_string().contains(&long_code[..64]));

    for operation in ["ForgotPassword", "ConfirmForgotPassword", "ChangePassword"] {
        assert!(app.proxy.calls(operation).is_empty(), "{operation}");
    }
}
