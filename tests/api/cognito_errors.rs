//! How Cognito's errors reach the client: what the emulator really answers where it can show
//! it, and errors injected at the proxy where it can't.

use std::time::{Duration, Instant};

use crate::support::*;
use serde_json::{Value, json};

const INJECTED_MESSAGE: &str = crate::support::proxy::SCRIPTED_MESSAGE;

/// Asserts a problem+json answer whose `request_id` matches the `x-request-id` header.
#[track_caller]
fn assert_clear_problem(answer: &Response, status: u16, code: &str) {
    answer.assert_problem(status, code);
    let header = answer
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("an x-request-id header");
    assert_eq!(answer.body["request_id"], header, "{answer:?}");
}

/// The Retry-After header as whole seconds; panics unless it is a positive integer.
#[track_caller]
fn retry_after(answer: &Response) -> u64 {
    let value = answer
        .headers
        .get("retry-after")
        .unwrap_or_else(|| panic!("no Retry-After header: {answer:?}"))
        .to_str()
        .unwrap();
    let seconds: u64 = value
        .parse()
        .unwrap_or_else(|_| panic!("Retry-After is not an integer: {value:?}"));
    assert!(seconds > 0, "Retry-After must be positive: {value}");
    seconds
}

/// The body without the per-request id, for comparing two answers.
fn without_request_id(body: &Value) -> Value {
    let mut body = body.clone();
    body.as_object_mut()
        .expect("a JSON object")
        .remove("request_id");
    body
}

async fn sign_up(app: &TestApp, username: &str, password: &str) -> Response {
    app.post(
        "/signup",
        json!({
            "username": username,
            "password": password,
            "attributes": {"email": format!("{username}@example.com")}
        }),
    )
    .await
}

async fn confirm(app: &TestApp, username: &str, code: &str) -> Response {
    app.post(
        "/signup/confirm",
        json!({"username": username, "code": code}),
    )
    .await
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_identical_invalid_credentials() {
    let app = TestApp::start().await;
    app.user_pool.create_user("jin", "Passw0rd-Jin!").await;

    let wrong_password = app.login("jin", "Not-The-Passw0rd!").await;
    assert_clear_problem(&wrong_password, 401, "invalid_credentials");
    let unknown_user = app.login("nobody", "Not-The-Passw0rd!").await;
    assert_clear_problem(&unknown_user, 401, "invalid_credentials");

    assert_eq!(
        without_request_id(&wrong_password.body),
        without_request_id(&unknown_user.body),
        "the answers must not tell which accounts exist"
    );
    assert_ne!(
        wrong_password.body["request_id"],
        unknown_user.body["request_id"]
    );
    for answer in [&wrong_password, &unknown_user] {
        assert!(answer.headers.get("www-authenticate").is_none());
        assert!(answer.headers.get("retry-after").is_none());
    }
    // Both were Cognito's verdicts, not a local shortcut.
    assert_eq!(app.proxy.calls("InitiateAuth").len(), 2);
}

#[tokio::test]
async fn an_unconfirmed_user_is_told_to_confirm_the_sign_up() {
    let app = TestApp::start().await;
    let signed_up = sign_up(&app, "newbie", "Passw0rd-New!").await;
    assert_eq!(signed_up.status, 201, "{signed_up:?}");
    assert_eq!(signed_up.body["confirmed"], false, "{signed_up:?}");

    let answer = app.login("newbie", "Passw0rd-New!").await;
    assert_clear_problem(&answer, 403, "user_not_confirmed");
    assert_eq!(answer.body["next_step"], "CONFIRM_SIGN_UP", "{answer:?}");
    assert!(answer.set_cookie().is_none());
}

#[tokio::test]
async fn a_required_password_reset_is_told_to_reset_the_password() {
    let app = TestApp::start().await;
    app.user_pool.create_user("jin", "Passw0rd-Jin!").await;
    app.proxy.fail(
        "InitiateAuth",
        Reply::error(400, "PasswordResetRequiredException"),
        1,
    );

    let answer = app.login("jin", "Passw0rd-Jin!").await;
    assert_clear_problem(&answer, 403, "password_reset_required");
    assert_eq!(answer.body["next_step"], "RESET_PASSWORD", "{answer:?}");
    assert!(
        !answer.body.to_string().contains(INJECTED_MESSAGE),
        "{answer:?}"
    );
}

#[tokio::test]
async fn signing_up_the_same_username_twice_is_a_conflict() {
    let app = TestApp::start().await;
    let first = sign_up(&app, "twice", "Passw0rd-Two!").await;
    assert_eq!(first.status, 201, "{first:?}");

    let second = sign_up(&app, "twice", "Passw0rd-Two!").await;
    assert_clear_problem(&second, 409, "username_exists");
    assert_eq!(app.proxy.calls("SignUp").len(), 2);
}

#[tokio::test]
async fn a_password_failing_the_pool_policy_is_refused_as_invalid_password() {
    let app = TestApp::start().await;

    let answer = sign_up(&app, "weak", "password").await;
    assert_clear_problem(&answer, 400, "invalid_password");
    assert!(
        !answer.body.to_string().contains("\"password\""),
        "the password must not be echoed: {answer:?}"
    );
    // Cognito, which owns the policy, judged it.
    assert_eq!(app.proxy.calls("SignUp").len(), 1);
}

#[tokio::test]
async fn a_wrong_confirmation_code_is_a_code_mismatch() {
    let app = TestApp::start().await;
    assert_eq!(sign_up(&app, "jin", "Passw0rd-Jin!").await.status, 201);
    app.proxy.fail(
        "ConfirmSignUp",
        Reply::error(400, "CodeMismatchException"),
        1,
    );

    let answer = confirm(&app, "jin", "000000").await;
    assert_clear_problem(&answer, 400, "code_mismatch");
    assert!(answer.body.get("next_step").is_none(), "{answer:?}");
}

#[tokio::test]
async fn an_expired_confirmation_code_is_code_expired() {
    let app = TestApp::start().await;
    assert_eq!(sign_up(&app, "jin", "Passw0rd-Jin!").await.status, 201);
    app.proxy.fail(
        "ConfirmSignUp",
        Reply::error(400, "ExpiredCodeException"),
        1,
    );

    let answer = confirm(&app, "jin", "123456").await;
    assert_clear_problem(&answer, 400, "code_expired");
}

#[tokio::test]
async fn an_invalid_parameter_is_invalid_parameter() {
    let app = TestApp::start().await;
    app.proxy.fail(
        "ConfirmSignUp",
        Reply::error(400, "InvalidParameterException"),
        1,
    );

    let answer = confirm(&app, "jin", "123456").await;
    assert_clear_problem(&answer, 400, "invalid_parameter");
}

#[tokio::test]
async fn throttling_and_limits_are_too_many_requests_with_retry_after() {
    let app = TestApp::start().await;
    app.user_pool.create_user("jin", "Passw0rd-Jin!").await;

    for fault in [
        Reply::THROTTLED,
        Reply::error(400, "LimitExceededException"),
        Reply::error(400, "TooManyFailedAttemptsException"),
    ] {
        app.proxy.fail("InitiateAuth", fault, 1);
        let answer = app.login("jin", "Passw0rd-Jin!").await;
        assert_clear_problem(&answer, 429, "too_many_requests");
        retry_after(&answer);
    }
    // The faults were used up; Cognito answers again.
    assert_eq!(
        app.login("jin", "Passw0rd-Jin!").await.body["status"],
        "authenticated"
    );
}

#[tokio::test]
async fn an_unknown_cognito_error_is_a_bad_gateway_that_hides_cognitos_message() {
    let app = TestApp::start().await;
    app.user_pool.create_user("jin", "Passw0rd-Jin!").await;
    app.proxy.fail(
        "InitiateAuth",
        Reply::error(400, "InvalidLambdaResponseException"),
        1,
    );

    let answer = app.login("jin", "Passw0rd-Jin!").await;
    assert_clear_problem(&answer, 502, "cognito_error");
    assert!(
        answer.body["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{answer:?}"
    );
    assert!(
        !answer.body.to_string().contains(INJECTED_MESSAGE),
        "Cognito's message leaked: {answer:?}"
    );
}

#[tokio::test]
async fn a_cognito_server_error_is_cognito_unavailable() {
    let app = TestApp::start().await;
    app.user_pool.create_user("jin", "Passw0rd-Jin!").await;
    app.proxy.fail("InitiateAuth", Reply::SERVER_ERROR, 1);

    let answer = app.login("jin", "Passw0rd-Jin!").await;
    assert_clear_problem(&answer, 503, "cognito_unavailable");
    retry_after(&answer);
    assert!(
        !answer.body.to_string().contains(INJECTED_MESSAGE),
        "{answer:?}"
    );
}

#[tokio::test]
async fn a_cognito_that_does_not_answer_in_time_is_a_gateway_timeout() {
    let app = TestApp::builder()
        .set("COGNITO_TIMEOUT_SECONDS", 1)
        .start()
        .await;
    app.user_pool.create_user("jin", "Passw0rd-Jin!").await;
    app.proxy.fail("InitiateAuth", Reply::Hang, 1);

    let started = Instant::now();
    let answer = app.login("jin", "Passw0rd-Jin!").await;
    let waited = started.elapsed();
    assert_clear_problem(&answer, 504, "cognito_timeout");
    assert!(
        waited < Duration::from_secs(5),
        "the timeout was not applied: waited {waited:?}"
    );
}

#[tokio::test]
async fn a_cognito_that_is_gone_is_unavailable_and_the_service_stays_up() {
    let moto = Moto::start_on(0);
    let app = TestApp::builder().on(&moto).start().await;
    moto.stop();

    let answer = app.login(ADMIN, ADMIN_PASSWORD).await;
    assert_clear_problem(&answer, 503, "cognito_unavailable");
    retry_after(&answer);

    let health = app.get("/healthz").await;
    assert_eq!(health.status, 200, "{health:?}");
    assert_eq!(health.body["status"], "ok");
}
