//! Bad input gets a clear RFC 9457 problem+json answer with a stable code, is refused before
//! anything reaches Cognito, and never panics the service.

use crate::support::*;
use serde_json::{Value, json};

/// Asserts a complete problem+json answer: status, code, every RFC 9457 member this service
/// promises, and a `request_id` that matches the response's `x-request-id` header.
#[track_caller]
fn assert_clear_problem(answer: &Response, status: u16, code: &str) {
    answer.assert_problem(status, code);
    assert_eq!(answer.body["status"], status, "{answer:?}");
    assert_eq!(
        answer.body["type"],
        format!("urn:cognito-bff:problem:{code}"),
        "{answer:?}"
    );
    for member in ["type", "title", "detail", "code", "request_id"] {
        assert!(
            answer.body[member].as_str().is_some_and(|s| !s.is_empty()),
            "problem lacks a `{member}` string: {}",
            answer.body
        );
    }
    let header = answer
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("an x-request-id header");
    assert_eq!(answer.body["request_id"], header, "{answer:?}");
}

/// Asserts an invalid_request problem naming `field`.
#[track_caller]
fn assert_invalid_field(answer: &Response, field: &str) {
    assert_clear_problem(answer, 400, "invalid_request");
    assert_eq!(answer.body["field"], field, "{answer:?}");
}

/// Asserts an invalid_attribute problem naming `attribute`.
#[track_caller]
fn assert_invalid_attribute(answer: &Response, attribute: &str) {
    assert_clear_problem(answer, 400, "invalid_attribute");
    assert_eq!(answer.body["attribute"], attribute, "{answer:?}");
}

/// Sends `body` verbatim to `path`, with `content_type` if given.
async fn post_raw(
    app: &TestApp,
    path: &str,
    content_type: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> Response {
    let mut request = app.http.post(app.url(path)).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    app.send(request).await
}

/// Asserts that none of `operations` reached the Cognito peer.
#[track_caller]
fn assert_never_reached(app: &TestApp, operations: &[&str]) {
    for operation in operations {
        assert!(
            app.proxy.calls(operation).is_empty(),
            "{operation} reached Cognito: {:?}",
            app.proxy.operations()
        );
    }
}

const SIGN_IN_OPERATIONS: &[&str] = &["InitiateAuth", "RespondToAuthChallenge"];
const SIGN_UP_OPERATIONS: &[&str] = &["SignUp", "ConfirmSignUp", "ResendConfirmationCode"];

#[tokio::test]
async fn malformed_json_is_refused_as_invalid_request_without_a_field() {
    let app = TestApp::start().await;

    for body in [
        r#"{"username": "jin", "password": "#,
        r#"{"username": "jin" "password": "x"}"#,
        "not json at all",
        "",
    ] {
        let answer = post_raw(&app, "/login", Some("application/json"), body).await;
        assert_clear_problem(&answer, 400, "invalid_request");
        assert!(
            answer.body.get("field").is_none(),
            "a syntax error names no field: {answer:?}"
        );
    }

    assert_never_reached(&app, SIGN_IN_OPERATIONS);
}

#[tokio::test]
async fn a_missing_field_is_refused_naming_the_field() {
    let app = TestApp::start().await;

    let answer = app.post("/login", json!({"username": "jin"})).await;
    assert_invalid_field(&answer, "password");
    let detail = answer.body["detail"].as_str().unwrap();
    assert!(detail.contains("password"), "{detail}");

    let answer = app.post("/login", json!({"password": "Passw0rd!"})).await;
    assert_invalid_field(&answer, "username");

    assert_never_reached(&app, SIGN_IN_OPERATIONS);
}

#[tokio::test]
async fn a_mistyped_field_is_named_and_its_value_is_never_echoed() {
    let app = TestApp::start().await;

    let answer = app
        .post("/login", json!({"username": "jin", "password": 918273645}))
        .await;
    assert_invalid_field(&answer, "password");
    let detail = answer.body["detail"].as_str().unwrap();
    assert!(
        !detail.contains("918273645"),
        "the value was echoed: {detail}"
    );
    assert!(
        !answer.body.to_string().contains("918273645"),
        "the value was echoed: {}",
        answer.body
    );

    // A secret typed into the wrong field must not come back either.
    let admin = app.admin_token().await;
    let answer = app
        .post_with_bearer(
            "/admin/users",
            &admin,
            json!({"username": "victim", "suppress_message": "hunter2"}),
        )
        .await;
    assert_invalid_field(&answer, "suppress_message");
    assert!(
        !answer.body.to_string().contains("hunter2"),
        "the value was echoed: {}",
        answer.body
    );

    assert_never_reached(&app, &["AdminCreateUser", "RespondToAuthChallenge"]);
    // Only the admin's own sign-in reached InitiateAuth.
    assert_eq!(app.proxy.calls("InitiateAuth").len(), 1);
}

#[tokio::test]
async fn a_body_over_16_kib_is_refused_as_payload_too_large() {
    let app = TestApp::start().await;

    let big = json!({"username": "a".repeat(17 * 1024), "password": "Passw0rd!"});
    let answer = app.post("/login", big.clone()).await;
    assert_clear_problem(&answer, 413, "payload_too_large");
    let answer = app.post("/signup", big).await;
    assert_clear_problem(&answer, 413, "payload_too_large");

    assert_never_reached(&app, SIGN_IN_OPERATIONS);
    assert_never_reached(&app, SIGN_UP_OPERATIONS);
}

#[tokio::test]
async fn a_body_not_declared_as_json_is_refused_as_unsupported_media_type() {
    let app = TestApp::start().await;
    let body = json!({"username": ADMIN, "password": ADMIN_PASSWORD}).to_string();

    let answer = post_raw(&app, "/login", Some("text/plain"), body.clone()).await;
    assert_clear_problem(&answer, 415, "unsupported_media_type");

    let answer = post_raw(&app, "/login", None, body.clone()).await;
    assert_clear_problem(&answer, 415, "unsupported_media_type");

    let answer = post_raw(
        &app,
        "/signup",
        Some("application/x-www-form-urlencoded"),
        body,
    )
    .await;
    assert_clear_problem(&answer, 415, "unsupported_media_type");

    assert_never_reached(&app, SIGN_IN_OPERATIONS);
    assert_never_reached(&app, SIGN_UP_OPERATIONS);
}

#[tokio::test]
async fn json_with_a_charset_parameter_is_accepted() {
    let app = TestApp::start().await;
    let body = json!({"username": ADMIN, "password": ADMIN_PASSWORD}).to_string();

    let answer = post_raw(
        &app,
        "/login",
        Some("application/json; charset=utf-8"),
        body,
    )
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["status"], "authenticated", "{answer:?}");
    assert_eq!(app.proxy.calls("InitiateAuth").len(), 1);
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_get_problems() {
    let app = TestApp::start().await;

    assert_clear_problem(&app.get("/no-such-route").await, 404, "not_found");
    assert_clear_problem(
        &app.post("/no-such-route", json!({})).await,
        404,
        "not_found",
    );
    assert_clear_problem(&app.get("/login").await, 405, "method_not_allowed");
    assert_clear_problem(&app.get("/signup").await, 405, "method_not_allowed");
    let delete = app.send(app.http.delete(app.url("/challenge"))).await;
    assert_clear_problem(&delete, 405, "method_not_allowed");

    assert!(
        app.proxy.operations().is_empty(),
        "{:?}",
        app.proxy.operations()
    );
}

#[tokio::test]
async fn malformed_attributes_at_sign_up_are_refused_naming_the_attribute() {
    let app = TestApp::start().await;

    let cases: [(&str, Value); 6] = [
        ("address", json!({"street_address": "1 Main St"})),
        ("nickname", json!(["jin", "jinny"])),
        ("favourite_colour", json!("red")),
        ("birthdate", json!("1990-13-01")),
        ("updated_at", json!(-5)),
        ("email_verified", json!("yes")),
    ];
    for (attribute, value) in cases {
        let answer = app
            .post(
                "/signup",
                json!({
                    "username": "jin",
                    "password": "Passw0rd!",
                    "attributes": {"email": "jin@example.com", attribute: value}
                }),
            )
            .await;
        assert_invalid_attribute(&answer, attribute);
    }

    assert_never_reached(&app, SIGN_UP_OPERATIONS);
}

#[tokio::test]
async fn bad_usernames_are_refused_naming_the_username() {
    let app = TestApp::start().await;

    for username in [
        String::new(),
        "u".repeat(129),
        "jin\u{0}".to_owned(),
        "jin\nadmin".to_owned(),
    ] {
        for path in ["/signup", "/login"] {
            let answer = app
                .post(path, json!({"username": username, "password": "Passw0rd!"}))
                .await;
            assert_invalid_field(&answer, "username");
        }
    }
    // 128 characters is still a valid length: Cognito, not this service, answers.
    let answer = app
        .post(
            "/login",
            json!({"username": "u".repeat(128), "password": "Passw0rd!"}),
        )
        .await;
    assert_clear_problem(&answer, 401, "invalid_credentials");
    assert_eq!(app.proxy.calls("InitiateAuth").len(), 1);

    assert_never_reached(&app, SIGN_UP_OPERATIONS);
}

#[tokio::test]
async fn a_non_string_challenge_answer_is_refused_and_does_not_consume_the_challenge() {
    let app = TestApp::start().await;
    app.user_pool.invite_user("u", "Temp-Passw0rd!").await;
    let login = app.login("u", "Temp-Passw0rd!").await;
    assert_eq!(login.status, 200, "{login:?}");
    assert_eq!(login.body["challenge"], "NEW_PASSWORD_REQUIRED");
    let cookie = login.cookie();

    let long_name = "N".repeat(65);
    for (body, field) in [
        (
            json!({"responses": {"NEW_PASSWORD": 5}}),
            "responses.NEW_PASSWORD",
        ),
        (
            json!({"responses": {"NEW_PASSWORD": ""}}),
            "responses.NEW_PASSWORD",
        ),
        (
            json!({"responses": {"NEW_PASSWORD": "N3w-\u{7}Passw0rd!"}}),
            "responses.NEW_PASSWORD",
        ),
        (
            json!({"responses": {"NEW_PASSWORD": "N".repeat(257)}}),
            "responses.NEW_PASSWORD",
        ),
        (
            json!({"challenge": long_name, "responses": {"NEW_PASSWORD": "N3w-Passw0rd!"}}),
            "challenge",
        ),
    ] {
        let answer = app.post_with_cookie("/challenge", &cookie, body).await;
        assert_invalid_field(&answer, field);
        assert!(
            answer.set_cookie().is_none(),
            "bad input must not clear the challenge cookie: {answer:?}"
        );
    }
    assert_never_reached(&app, &["RespondToAuthChallenge"]);

    // The same cookie still answers the challenge.
    let answer = app
        .post_with_cookie(
            "/challenge",
            &cookie,
            json!({"responses": {"NEW_PASSWORD": "N3w-Passw0rd!"}}),
        )
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["status"], "authenticated", "{answer:?}");
    assert_eq!(app.proxy.calls("RespondToAuthChallenge").len(), 1);
}

#[tokio::test]
async fn a_user_cannot_vouch_for_an_address_or_grant_itself_custom_attributes() {
    let app = TestApp::start().await;
    let token = app.admin_token().await;
    for (attribute, value) in [
        ("email_verified", json!(true)),
        ("phone_number_verified", json!(true)),
        ("custom:role", json!("admin")),
    ] {
        let signup = app
            .post(
                "/signup",
                json!({
                    "username": "jin",
                    "password": "Passw0rd!",
                    "attributes": {"email": "jin@example.com", attribute: value}
                }),
            )
            .await;
        assert_clear_problem(&signup, 400, "attribute_not_writable");
        assert_eq!(signup.body["attribute"], attribute, "{signup:?}");
        let patch = app
            .patch_with_bearer(
                "/me",
                &token,
                json!({"attributes": {"nickname": "boss", attribute: value}}),
            )
            .await;
        assert_clear_problem(&patch, 400, "attribute_not_writable");
        assert_eq!(patch.body["attribute"], attribute, "{patch:?}");
    }
    // Values are text fields like any other: no line breaks into mail headers or logs.
    let newline = app
        .post(
            "/signup",
            json!({
                "username": "jin",
                "password": "Passw0rd!",
                "attributes": {"email": "jin@example.com", "name": "Jin\r\nBcc: all@example.com"}
            }),
        )
        .await;
    assert_invalid_attribute(&newline, "name");
    assert_never_reached(&app, SIGN_UP_OPERATIONS);
    assert_never_reached(&app, &["UpdateUserAttributes"]);
}

#[tokio::test]
async fn an_operator_can_make_chosen_custom_attributes_writable() {
    let app = TestApp::builder()
        .set("WRITABLE_ATTRIBUTES", "email, name, custom:plan")
        .start()
        .await;
    let token = app.admin_token().await;
    let patch = |attributes: Value| {
        app.patch_with_bearer("/me", &token, json!({ "attributes": attributes }))
    };
    let nickname = patch(json!({"nickname": "boss"})).await;
    assert_clear_problem(&nickname, 400, "attribute_not_writable");
    let plan = patch(json!({"custom:plan": "pro", "name": "Root"})).await;
    // The emulator's pool has no custom:plan, so it refuses; what matters is that the
    // service let it through as written.
    assert_ne!(plan.code(), "attribute_not_writable", "{plan:?}");
    let sent = &app.proxy.calls("UpdateUserAttributes")[0]["UserAttributes"];
    assert!(
        sent.as_array()
            .unwrap()
            .contains(&json!({"Name": "custom:plan", "Value": "pro"})),
        "{sent}"
    );
}

#[tokio::test]
async fn a_challenge_answer_may_set_only_the_attributes_cognito_asked_for() {
    let app = TestApp::start().await;
    app.user_pool.invite_user("u", "Temp-Passw0rd!").await;
    let login = app.login("u", "Temp-Passw0rd!").await;
    assert_eq!(
        login.body["challenge"], "NEW_PASSWORD_REQUIRED",
        "{login:?}"
    );
    let cookie = login.cookie();
    // The emulator asks for no attributes; a real pool lists what it requires.
    for attribute in ["email_verified", "name", "custom:role"] {
        let answer = app
            .answer_challenge(
                &cookie,
                json!({
                    "NEW_PASSWORD": "N3w-Passw0rd!",
                    format!("userAttributes.{attribute}"): "true"
                }),
            )
            .await;
        assert_clear_problem(&answer, 400, "attribute_not_writable");
        assert_eq!(answer.body["attribute"], attribute);
        assert!(answer.set_cookie().is_none(), "the challenge goes on");
    }
    assert_never_reached(&app, &["RespondToAuthChallenge"]);
    let done = app
        .answer_challenge(&cookie, json!({"NEW_PASSWORD": "N3w-Passw0rd!"}))
        .await;
    assert_eq!(done.body["status"], "authenticated", "{done:?}");

    // A pool that requires a name says so, as Cognito does; then a name is welcome.
    app.user_pool.invite_user("v", "Temp-Passw0rd!").await;
    let session = app
        .user_pool
        .password_sign_in_session("v", "Temp-Passw0rd!")
        .await;
    app.proxy.fail(
        "InitiateAuth",
        Reply::Ok(json!({
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "Session": session,
            "ChallengeParameters": {
                "USER_ID_FOR_SRP": "v",
                "requiredAttributes": "[\"userAttributes.name\"]",
                "userAttributes": "{}",
            },
        })),
        1,
    );
    let login = app.login("v", "Temp-Passw0rd!").await;
    assert_eq!(
        login.body["parameters"]["requiredAttributes"],
        json!(["userAttributes.name"])
    );
    let cookie = login.cookie();
    let refused = app
        .answer_challenge(
            &cookie,
            json!({"NEW_PASSWORD": "N3w-Passw0rd!", "userAttributes.nickname": "v"}),
        )
        .await;
    assert_clear_problem(&refused, 400, "attribute_not_writable");
    let done = app
        .answer_challenge(
            &cookie,
            json!({"NEW_PASSWORD": "N3w-Passw0rd!", "userAttributes.name": "Vee"}),
        )
        .await;
    assert_eq!(done.body["status"], "authenticated", "{done:?}");
    let sent = app.proxy.calls("RespondToAuthChallenge").pop().unwrap();
    assert_eq!(sent["ChallengeResponses"]["userAttributes.name"], "Vee");
}
