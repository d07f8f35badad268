//! What Cognito's threat protection learns of the person signing in (`UserContextData`): the
//! client's address as the limits derive it, never the service's own, and what the browser's
//! collector gathered, from `X-User-Context-Data`.

use crate::support::moto::Moto;
use crate::support::*;
use serde_json::{Value, json};

/// What a page's collector might hand over: opaque base64 text.
const COLLECTED: &str = "eyJwYXlsb2FkIjoie1wiY29udGV4dERhdGFcIjp7fX0ifQ==";

/// `POST path` from `forwarded_for` (as a proxy would say it), with the collector's data.
async fn post_as(app: &TestApp, forwarded_for: &str, path: &str, body: Value) -> Response {
    app.send(
        app.http
            .post(app.url(path))
            .header("x-forwarded-for", forwarded_for)
            .header("x-user-context-data", COLLECTED)
            .json(&body),
    )
    .await
}

fn context_sent(app: &TestApp, operation: &str) -> Value {
    let call = app
        .proxy
        .calls(operation)
        .pop()
        .unwrap_or_else(|| panic!("{operation} reached Cognito"));
    call["UserContextData"].clone()
}

#[tokio::test]
async fn cognito_sees_the_peers_address_when_no_trusted_proxy_vouches_for_another() {
    let app = TestApp::start().await;
    let login = post_as(
        &app,
        "203.0.113.7",
        "/login",
        json!({"username": ADMIN, "password": ADMIN_PASSWORD}),
    )
    .await;
    assert_eq!(login.body["status"], "authenticated", "{login:?}");
    assert_eq!(
        context_sent(&app, "InitiateAuth"),
        json!({"IpAddress": "127.0.0.1", "EncodedData": COLLECTED})
    );
}

#[tokio::test]
async fn through_a_trusted_proxy_cognito_sees_the_client_it_names_at_every_step() {
    let app = TestApp::builder()
        .set("TRUSTED_PROXIES", "127.0.0.1/32")
        .start()
        .await;
    let seen = json!({"IpAddress": "203.0.113.7", "EncodedData": COLLECTED});
    let login = post_as(
        &app,
        "198.51.100.1, 203.0.113.7",
        "/login",
        json!({"username": ADMIN, "password": ADMIN_PASSWORD}),
    )
    .await;
    assert_eq!(login.status, 200, "{login:?}");
    assert_eq!(context_sent(&app, "InitiateAuth"), seen);
    // And as the emulator received it, for this app client.
    let received: Vec<Value> = app
        .http
        .get(format!("{}/emulator/user-context", Moto::shared().endpoint))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        received
            .iter()
            .any(|call| call["operation"] == "InitiateAuth"
                && call["ClientId"] == app.user_pool.client_id.as_str()
                && call["UserContextData"] == seen),
        "{received:?}"
    );

    let name = "context-user";
    let signed_up = post_as(
        &app,
        "203.0.113.7",
        "/signup",
        json!({"username": name, "password": "Passw0rd!ctx", "attributes": {"email": "ctx@example.com"}}),
    )
    .await;
    assert_eq!(signed_up.status, 201, "{signed_up:?}");
    assert_eq!(context_sent(&app, "SignUp"), seen);
    post_as(
        &app,
        "203.0.113.7",
        "/signup/resend",
        json!({"username": name}),
    )
    .await;
    assert_eq!(context_sent(&app, "ResendConfirmationCode"), seen);
    post_as(
        &app,
        "203.0.113.7",
        "/signup/confirm",
        json!({"username": name, "code": "123456"}),
    )
    .await;
    assert_eq!(context_sent(&app, "ConfirmSignUp"), seen);
    post_as(
        &app,
        "203.0.113.7",
        "/password/forgot",
        json!({"username": name}),
    )
    .await;
    assert_eq!(context_sent(&app, "ForgotPassword"), seen);
    post_as(
        &app,
        "203.0.113.7",
        "/password/reset",
        json!({"username": name, "code": "123456", "new_password": "N3w-Passw0rd!ctx"}),
    )
    .await;
    assert_eq!(context_sent(&app, "ConfirmForgotPassword"), seen);
}

#[tokio::test]
async fn a_challenge_answer_carries_the_context_too() {
    let app = TestApp::start().await;
    app.user_pool.invite_user("invited", "Temp-Passw0rd!").await;
    let login = post_as(
        &app,
        "203.0.113.7",
        "/login",
        json!({"username": "invited", "password": "Temp-Passw0rd!"}),
    )
    .await;
    assert_eq!(login.body["status"], "challenge", "{login:?}");
    let answer = app
        .send(
            app.http
                .post(app.url("/challenge"))
                .header("cookie", login.cookie())
                .header("x-user-context-data", COLLECTED)
                .json(&json!({"responses": {"NEW_PASSWORD": "N3w-Passw0rd!inv"}})),
        )
        .await;
    assert_eq!(answer.body["status"], "authenticated", "{answer:?}");
    assert_eq!(
        context_sent(&app, "RespondToAuthChallenge"),
        json!({"IpAddress": "127.0.0.1", "EncodedData": COLLECTED})
    );
}

#[tokio::test]
async fn collector_data_that_is_not_its_shape_is_refused_before_cognito_hears_of_it() {
    let app = TestApp::start().await;
    for bad in ["a b".to_owned(), "x".repeat(8 * 1024 + 1)] {
        let refused = app
            .send(
                app.http
                    .post(app.url("/login"))
                    .header("x-user-context-data", bad)
                    .json(&json!({"username": ADMIN, "password": ADMIN_PASSWORD})),
            )
            .await;
        refused.assert_problem(400, "invalid_request");
        assert_eq!(refused.body["field"], "x-user-context-data");
    }
    assert!(app.proxy.calls("InitiateAuth").is_empty());
    // Without the header, only the address goes.
    app.login(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(
        context_sent(&app, "InitiateAuth"),
        json!({"IpAddress": "127.0.0.1"})
    );
}

#[tokio::test]
async fn only_the_listed_client_metadata_reaches_the_lambda_triggers() {
    let app = TestApp::builder()
        .set("CLIENT_METADATA_KEYS", "tenant,campaign")
        .start()
        .await;
    let sent = json!({
        "tenant": "acme",
        "campaign": "x".repeat(257),
        "role": "admin",
    });
    let login = app
        .post(
            "/login",
            json!({"username": ADMIN, "password": ADMIN_PASSWORD, "client_metadata": sent}),
        )
        .await;
    assert_eq!(login.status, 200, "{login:?}");
    let call = app.proxy.calls("InitiateAuth").pop().unwrap();
    assert_eq!(call["ClientMetadata"], json!({"tenant": "acme"}));

    let signed_up = app
        .post(
            "/signup",
            json!({"username": "meta-user", "password": "Passw0rd!meta",
                   "attributes": {"email": "meta@example.com"},
                   "client_metadata": {"tenant": "acme"}}),
        )
        .await;
    assert_eq!(signed_up.status, 201, "{signed_up:?}");
    assert_eq!(
        app.proxy.calls("SignUp").pop().unwrap()["ClientMetadata"],
        json!({"tenant": "acme"})
    );
}

#[tokio::test]
async fn without_listed_keys_no_client_metadata_goes_to_cognito() {
    let app = TestApp::start().await;
    let login = app
        .post(
            "/login",
            json!({"username": ADMIN, "password": ADMIN_PASSWORD,
                   "client_metadata": {"tenant": "acme"}}),
        )
        .await;
    assert_eq!(login.status, 200, "{login:?}");
    let call = app.proxy.calls("InitiateAuth").pop().unwrap();
    assert!(call.get("ClientMetadata").is_none(), "{call}");
}
