//! Self sign-up: register with typed attributes, confirm with the mailed code, sign in.

use crate::support::*;
use serde_json::json;

#[tokio::test]
async fn a_user_signs_up_confirms_and_signs_in() {
    let app = TestApp::start().await;

    let signup = app
        .post(
            "/signup",
            json!({
                "username": "sam",
                "password": "Sam-Passw0rd!",
                "attributes": {
                    "email": "sam@example.com",
                    "birthdate": "1988-07-14",
                    "updated_at": 1700000000
                }
            }),
        )
        .await;
    assert_eq!(signup.status, 201, "{signup:?}");
    assert_eq!(signup.body["confirmed"], false);
    assert_eq!(signup.body["next_step"], "CONFIRM_SIGN_UP");
    assert!(
        signup.body["user_sub"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    // The emulator reports SMS even for an email; real Cognito says EMAIL here.
    assert!(signup.body["code_delivery"]["medium"].is_string());
    assert!(signup.body["code_delivery"]["destination"].is_string());

    // Cognito got every attribute as a string.
    let sent = &app.proxy.calls("SignUp")[0];
    let attributes = sent["UserAttributes"].as_array().unwrap();
    assert!(attributes.contains(&json!({"Name": "updated_at", "Value": "1700000000"})));
    assert!(attributes.contains(&json!({"Name": "birthdate", "Value": "1988-07-14"})));

    // Not confirmed yet: the answer names the next step.
    let early = app.login("sam", "Sam-Passw0rd!").await;
    early.assert_problem(403, "user_not_confirmed");
    assert_eq!(early.body["next_step"], "CONFIRM_SIGN_UP");

    let confirmed = app
        .post(
            "/signup/confirm",
            json!({"username": "sam", "code": "123456"}),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    assert_eq!(
        confirmed.body,
        json!({"confirmed": true, "next_step": "DONE"})
    );

    let login = app.login("sam", "Sam-Passw0rd!").await;
    assert_eq!(login.body["status"], "authenticated", "{login:?}");
    assert!(login.set_cookie().is_none(), "no challenge, no cookie");
    assert_eq!(
        app.user_pool
            .accepts_access_token(&login.access_token())
            .await,
        Ok("sam".to_owned())
    );
}

#[tokio::test]
async fn every_sign_up_call_carries_the_secret_hash() {
    let app = TestApp::start().await;
    let expected = crate::support::secret_hash(&app.user_pool, "sam");
    app.post(
        "/signup",
        json!({"username": "sam", "password": "Sam-Passw0rd!", "attributes": {"email": "sam@example.com"}}),
    )
    .await;
    app.post(
        "/signup/confirm",
        json!({"username": "sam", "code": "123456"}),
    )
    .await;
    for operation in ["SignUp", "ConfirmSignUp"] {
        let calls = app.proxy.calls(operation);
        assert_eq!(calls.len(), 1, "{operation}");
        assert_eq!(calls[0]["SecretHash"], expected, "{operation}");
        assert_eq!(calls[0]["ClientId"], app.user_pool.client_id, "{operation}");
    }
}

#[tokio::test]
async fn resending_the_code_reports_where_it_went() {
    let app = TestApp::start().await;
    let signup = app
        .post(
            "/signup",
            json!({"username": "sam", "password": "Sam-Passw0rd!", "attributes": {"email": "sam@example.com"}}),
        )
        .await;
    assert_eq!(signup.status, 201, "{signup:?}");
    let resent = app.post("/signup/resend", json!({"username": "sam"})).await;
    assert_eq!(resent.status, 200, "{resent:?}");
    assert_eq!(
        resent.body,
        json!({"code_delivery": {"medium": "EMAIL", "destination": "s***@e***"}})
    );
    let sent = &app.proxy.calls("ResendConfirmationCode")[0];
    assert_eq!(sent["Username"], "sam");
    assert_eq!(
        sent["SecretHash"],
        crate::support::secret_hash(&app.user_pool, "sam")
    );

    // Once confirmed, there is nothing to resend.
    let confirmed = app
        .post(
            "/signup/confirm",
            json!({"username": "sam", "code": "123456"}),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    app.post("/signup/resend", json!({"username": "sam"}))
        .await
        .assert_problem(400, "invalid_parameter");
}
