//! Choice-based sign-in (COGNITO_AUTH_FLOW=USER_AUTH): a user signs in with an emailed code,
//! or picks a factor from those the pool allows, or signs up without a password and is signed
//! in by the confirmation. Every Cognito session stays behind the challenge cookie or handle;
//! a password still costs the username's failure budget, a code the message budget.

use aws_sdk_cognitoidentityprovider::types::{AuthFactorType, UserPoolMfaType};
use serde_json::{Value, json};

use crate::support::browser::{Browser, assert_no_token};
use crate::support::mfa::{assert_challenge, totp_code, user_with_totp};
use crate::support::*;

const PASSWORD: &str = "Passw0rd!choice";

/// A service signing in by choice, on a pool that offers the password and emailed codes.
async fn choice_app() -> TestApp {
    let app = TestApp::builder()
        .set("COGNITO_AUTH_FLOW", "USER_AUTH")
        .start()
        .await;
    app.user_pool
        .allow_first_factors(&[AuthFactorType::Password, AuthFactorType::EmailOtp])
        .await;
    app
}

/// A user with a password and a verified email.
async fn user(app: &TestApp, name: &str) {
    app.user_pool.create_user(name, PASSWORD).await;
    app.user_pool.verify_email(name).await;
}

fn handle(answer: &Response) -> String {
    answer
        .headers
        .get("challenge-handle")
        .unwrap_or_else(|| panic!("a Challenge-Handle in {answer:?}"))
        .to_str()
        .unwrap()
        .to_owned()
}

async fn answer_by_handle(app: &TestApp, handle: &str, body: Value) -> Response {
    app.send(
        app.http
            .post(app.url("/challenge"))
            .header("challenge-handle", handle)
            .json(&body),
    )
    .await
}

/// What InitiateAuth carried to Cognito, last.
fn last_initiate(app: &TestApp) -> Value {
    app.proxy
        .calls("InitiateAuth")
        .pop()
        .expect("an InitiateAuth")
}

#[tokio::test]
async fn an_app_signs_in_with_an_emailed_code_and_a_wrong_code_costs_one_try() {
    let app = choice_app().await;
    user(&app, "mina").await;

    let started = app
        .post(
            "/login",
            json!({"username": "mina", "preferred_challenge": "EMAIL_OTP"}),
        )
        .await;
    assert_challenge(&started, "EMAIL_OTP", "CONFIRM_SIGN_IN_WITH_EMAIL_CODE");
    assert_eq!(
        started.body["parameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"],
        "EMAIL"
    );
    assert!(
        started.body["switch_factor"]
            .as_str()
            .is_some_and(|how| how.contains("POST /login")),
        "{started:?}"
    );
    let sent = last_initiate(&app);
    assert_eq!(sent["AuthFlow"], "USER_AUTH");
    assert_eq!(sent["AuthParameters"]["PREFERRED_CHALLENGE"], "EMAIL_OTP");
    assert!(sent["AuthParameters"].get("PASSWORD").is_none());
    let handle = handle(&started);

    let wrong = answer_by_handle(
        &app,
        &handle,
        json!({"challenge": "EMAIL_OTP", "responses": {"EMAIL_OTP_CODE": "00000000"}}),
    )
    .await;
    wrong.assert_problem(400, "code_mismatch");

    let code = app.user_pool.code_sent("mina", "EMAIL_OTP").await;
    let signed_in = answer_by_handle(
        &app,
        &handle,
        json!({"challenge": "EMAIL_OTP", "responses": {"EMAIL_OTP_CODE": code}}),
    )
    .await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    assert_eq!(signed_in.body["status"], "authenticated");
    assert_eq!(signed_in.body["next_step"], "DONE");
    assert!(signed_in.body["tokens"]["access_token"].is_string());
}

#[tokio::test]
async fn a_browser_picks_a_factor_and_the_password_is_asked_for_before_anything_reaches_cognito() {
    let app = choice_app().await;
    user(&app, "jun").await;
    let browser = Browser::new(&app);

    let choose = browser.post("/login", json!({"username": "jun"})).await;
    assert_challenge(
        &choose,
        "SELECT_CHALLENGE",
        "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION",
    );
    assert_eq!(
        choose.body["available_challenges"],
        json!(["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"])
    );
    assert!(choose.body.get("switch_factor").is_none());
    assert!(
        choose.headers.get("challenge-handle").is_none(),
        "a browser holds the cookie only"
    );

    let ask = browser
        .post(
            "/challenge",
            json!({"challenge": "SELECT_CHALLENGE", "responses": {"ANSWER": "PASSWORD_SRP"}}),
        )
        .await;
    assert_challenge(&ask, "SELECT_CHALLENGE", "CONFIRM_SIGN_IN_WITH_PASSWORD");
    assert_eq!(ask.body["parameters"]["ANSWER"], "PASSWORD_SRP");
    assert!(
        app.proxy.calls("RespondToAuthChallenge").is_empty(),
        "nothing went to Cognito yet"
    );

    let signed_in = browser
        .post(
            "/challenge",
            json!({
                "challenge": "SELECT_CHALLENGE",
                "responses": {"ANSWER": "PASSWORD_SRP", "PASSWORD": PASSWORD}
            }),
        )
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    assert_eq!(signed_in.body["status"], "authenticated");
    assert_eq!(signed_in.body["session"]["amr"], json!(["pwd"]));
    assert_no_token(&signed_in);
    browser.assert_signed_in().await;
    // SRP: Cognito got a proof of the password, never the password.
    let answers = app.proxy.calls("RespondToAuthChallenge");
    assert_eq!(answers[0]["ChallengeResponses"]["ANSWER"], "PASSWORD_SRP");
    assert!(answers[0]["ChallengeResponses"]["SRP_A"].is_string());
    assert_eq!(answers[1]["ChallengeName"], "PASSWORD_VERIFIER");
    assert!(!json!(answers).to_string().contains(PASSWORD));
}

#[tokio::test]
async fn a_wrong_password_picked_later_is_refused_as_at_login_and_ends_the_sign_in() {
    let app = choice_app().await;
    user(&app, "seo").await;

    let choose = app.post("/login", json!({"username": "seo"})).await;
    let handle = handle(&choose);
    let refused = answer_by_handle(
        &app,
        &handle,
        json!({"responses": {"ANSWER": "PASSWORD", "PASSWORD": "not-the-password"}}),
    )
    .await;
    refused.assert_problem(401, "invalid_credentials");
    let again = answer_by_handle(
        &app,
        &handle,
        json!({"responses": {"ANSWER": "PASSWORD", "PASSWORD": PASSWORD}}),
    )
    .await;
    again.assert_problem(401, "challenge_expired");

    // An unknown name gets the same answer as a wrong password.
    let unknown = app
        .post(
            "/login",
            json!({"username": "nobody-here", "password": PASSWORD}),
        )
        .await;
    unknown.assert_problem(401, "invalid_credentials");
}

#[tokio::test]
async fn a_user_who_picked_a_code_switches_to_the_password_by_starting_over() {
    let app = choice_app().await;
    user(&app, "hana").await;
    let browser = Browser::new(&app);

    let code = browser
        .post(
            "/login",
            json!({"username": "hana", "preferred_challenge": "EMAIL_OTP"}),
        )
        .await;
    assert_challenge(&code, "EMAIL_OTP", "CONFIRM_SIGN_IN_WITH_EMAIL_CODE");
    // Cognito keeps the sign-in to the code: picking again here is refused, and says so.
    let refused = browser
        .post(
            "/challenge",
            json!({"challenge": "SELECT_CHALLENGE", "responses": {"ANSWER": "PASSWORD"}}),
        )
        .await;
    refused.assert_problem(409, "challenge_mismatch");

    let password = browser
        .post(
            "/login",
            json!({"username": "hana", "password": PASSWORD, "preferred_challenge": "PASSWORD"}),
        )
        .await;
    assert_eq!(password.status, 200, "{password:?}");
    assert_eq!(password.body["status"], "authenticated");
    browser.assert_signed_in().await;
    let sent = last_initiate(&app);
    assert_eq!(sent["AuthParameters"]["PREFERRED_CHALLENGE"], "PASSWORD");
}

#[tokio::test]
async fn a_password_first_factor_still_chains_into_totp() {
    let app = choice_app().await;
    let secret = user_with_totp(&app, "ara", PASSWORD).await;
    app.user_pool
        .enable_totp_mfa(UserPoolMfaType::Optional)
        .await;
    let browser = Browser::new(&app);

    let mfa = browser.login("ara", PASSWORD).await;
    assert_challenge(&mfa, "SOFTWARE_TOKEN_MFA", "CONFIRM_SIGN_IN_WITH_TOTP_CODE");
    assert!(
        mfa.body.get("switch_factor").is_none(),
        "MFA is no first factor"
    );
    assert_eq!(last_initiate(&app)["AuthFlow"], "USER_AUTH");
    let code = totp_code(&secret).await;
    let signed_in = browser
        .post(
            "/challenge",
            json!({"challenge": "SOFTWARE_TOKEN_MFA", "responses": {"SOFTWARE_TOKEN_MFA_CODE": code}}),
        )
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    assert_eq!(
        signed_in.body["session"]["amr"],
        json!(["pwd", "otp", "mfa"])
    );
}

#[tokio::test]
async fn a_user_signs_up_without_a_password_and_the_confirmation_signs_them_in() {
    let app = choice_app().await;
    let browser = Browser::new(&app);

    let signed_up = browser
        .post(
            "/signup",
            json!({"username": "yuna", "attributes": {"email": "yuna@example.com"}}),
        )
        .await;
    assert_eq!(signed_up.status, 201, "{signed_up:?}");
    assert_eq!(signed_up.body["next_step"], "CONFIRM_SIGN_UP");
    assert!(
        app.proxy.calls("SignUp")[0].get("Password").is_none(),
        "no password reached Cognito"
    );

    let confirmed = browser
        .post(
            "/signup/confirm",
            json!({"username": "yuna", "code": "123456"}),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    assert_eq!(confirmed.body["next_step"], "COMPLETE_AUTO_SIGN_IN");
    assert_eq!(confirmed.body["confirmed"], true);
    // The Session Cognito answered stays here, behind the challenge cookie.
    assert!(
        confirmed
            .cookie()
            .starts_with("__Host-cognito-bff-challenge=")
    );
    assert!(!confirmed.body.to_string().contains("ession\":"));

    let signed_in = browser.post("/signup/auto-sign-in", json!({})).await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    assert_eq!(signed_in.body["status"], "authenticated");
    assert_eq!(signed_in.body["session"]["amr"], json!(["otp"]));
    assert_no_token(&signed_in);
    browser.assert_signed_in().await;
    let sent = last_initiate(&app);
    assert_eq!(sent["AuthFlow"], "USER_AUTH");
    assert!(
        sent["Session"].is_string(),
        "ConfirmSignUp's Session went back"
    );

    // Used once.
    let again = browser.post("/signup/auto-sign-in", json!({})).await;
    again.assert_problem(401, "challenge_expired");
}

#[tokio::test]
async fn an_app_completes_auto_sign_in_with_the_handle() {
    let app = choice_app().await;
    let signed_up = app
        .post(
            "/signup",
            json!({"username": "bora", "attributes": {"email": "bora@example.com"}}),
        )
        .await;
    assert_eq!(signed_up.status, 201, "{signed_up:?}");
    let confirmed = app
        .post(
            "/signup/confirm",
            json!({"username": "bora", "code": "123456"}),
        )
        .await;
    assert_eq!(confirmed.body["next_step"], "COMPLETE_AUTO_SIGN_IN");
    let signed_in = app
        .send(
            app.http
                .post(app.url("/signup/auto-sign-in"))
                .header("challenge-handle", handle(&confirmed))
                .json(&json!({})),
        )
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    assert!(signed_in.body["tokens"]["access_token"].is_string());
}

#[tokio::test]
async fn a_pool_without_code_sign_in_refuses_a_sign_up_without_a_password() {
    let app = TestApp::builder()
        .set("COGNITO_AUTH_FLOW", "USER_AUTH")
        .start()
        .await;
    app.user_pool
        .allow_first_factors(&[AuthFactorType::Password])
        .await;
    let refused = app
        .post(
            "/signup",
            json!({"username": "dami", "attributes": {"email": "dami@example.com"}}),
        )
        .await;
    refused.assert_problem(400, "invalid_parameter");
}

#[tokio::test]
async fn the_password_flows_say_what_they_take() {
    let app = TestApp::start().await;
    let preferred = app
        .post(
            "/login",
            json!({"username": "ana", "preferred_challenge": "EMAIL_OTP"}),
        )
        .await;
    preferred.assert_problem(400, "invalid_request");
    assert_eq!(preferred.body["field"], "preferred_challenge");
    let no_password = app.post("/login", json!({"username": "ana"})).await;
    no_password.assert_problem(400, "invalid_request");
    assert_eq!(no_password.body["field"], "password");
    assert!(app.proxy.calls("InitiateAuth").is_empty());

    let choice = choice_app().await;
    for (body, field) in [
        (
            json!({"username": "ana", "preferred_challenge": "SOFTWARE_TOKEN_MFA"}),
            "preferred_challenge",
        ),
        (
            json!({"username": "ana", "preferred_challenge": "PASSWORD"}),
            "password",
        ),
        (
            json!({"username": "ana", "password": PASSWORD, "preferred_challenge": "EMAIL_OTP"}),
            "password",
        ),
    ] {
        let refused = choice.post("/login", body).await;
        refused.assert_problem(400, "invalid_request");
        assert_eq!(refused.body["field"], field);
    }
    assert!(choice.proxy.calls("InitiateAuth").is_empty());
}

#[tokio::test]
async fn codes_cost_the_message_budget_and_a_spent_budget_sends_none() {
    let app = TestApp::builder()
        .set("COGNITO_AUTH_FLOW", "USER_AUTH")
        .set("RATE_LIMIT_MESSAGES_PER_USERNAME", "4")
        .start()
        .await;
    app.user_pool
        .allow_first_factors(&[AuthFactorType::Password, AuthFactorType::EmailOtp])
        .await;
    user(&app, "ria").await;
    for _ in 0..2 {
        let sent = app
            .post(
                "/login",
                json!({"username": "ria", "preferred_challenge": "EMAIL_OTP"}),
            )
            .await;
        assert_challenge(&sent, "EMAIL_OTP", "CONFIRM_SIGN_IN_WITH_EMAIL_CODE");
    }
    let refused = app
        .post(
            "/login",
            json!({"username": "ria", "preferred_challenge": "EMAIL_OTP"}),
        )
        .await;
    refused.assert_problem(429, "rate_limited");
    assert_eq!(app.proxy.calls("InitiateAuth").len(), 2);
    // One address spends half the budget at most; the password still works: only codes
    // are spent.
    let password = app.login("ria", PASSWORD).await;
    assert_eq!(password.status, 200, "{password:?}");
}

#[tokio::test]
async fn an_app_picks_a_texted_code_from_the_selection() {
    let app = TestApp::builder()
        .set("COGNITO_AUTH_FLOW", "USER_AUTH")
        .start()
        .await;
    app.user_pool
        .allow_first_factors(&[AuthFactorType::Password, AuthFactorType::SmsOtp])
        .await;
    app.user_pool.create_user("tae", PASSWORD).await;
    app.user_pool.verify_phone("tae", "+15555550123").await;

    let choose = app.post("/login", json!({"username": "tae"})).await;
    assert_eq!(
        choose.body["available_challenges"],
        json!(["PASSWORD", "PASSWORD_SRP", "SMS_OTP"]),
        "{choose:?}"
    );
    let texted = answer_by_handle(
        &app,
        &handle(&choose),
        json!({"challenge": "SELECT_CHALLENGE", "responses": {"ANSWER": "SMS_OTP"}}),
    )
    .await;
    assert_challenge(&texted, "SMS_OTP", "CONFIRM_SIGN_IN_WITH_SMS_CODE");
    assert_eq!(
        texted.body["parameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"],
        "SMS"
    );
    assert!(texted.body["switch_factor"].is_string());
    // The answer the selection needs and nothing the client made up.
    let picked = app.proxy.calls("RespondToAuthChallenge");
    assert_eq!(
        picked[0]["ChallengeResponses"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["ANSWER", "SECRET_HASH", "USERNAME"]
    );

    let code = app.user_pool.code_sent("tae", "SMS_OTP").await;
    let signed_in = answer_by_handle(
        &app,
        &handle(&texted),
        json!({"challenge": "SMS_OTP", "responses": {"SMS_OTP_CODE": code}}),
    )
    .await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    assert!(signed_in.body["tokens"]["access_token"].is_string());

    // Anything but the factor's name (and a password for a password factor) is refused
    // before it reaches Cognito.
    let choose = app.post("/login", json!({"username": "tae"})).await;
    let extra = answer_by_handle(
        &app,
        &handle(&choose),
        json!({"responses": {"ANSWER": "SMS_OTP", "PASSWORD": PASSWORD}}),
    )
    .await;
    extra.assert_problem(400, "invalid_request");
    assert_eq!(extra.body["field"], "responses.PASSWORD");
    let unknown = answer_by_handle(
        &app,
        &handle(&choose),
        json!({"responses": {"ANSWER": "SOFTWARE_TOKEN_MFA"}}),
    )
    .await;
    unknown.assert_problem(400, "invalid_request");
    assert_eq!(app.proxy.calls("RespondToAuthChallenge").len(), 2);
}

#[tokio::test]
async fn an_invited_user_picks_srp_and_sets_a_new_password() {
    let app = choice_app().await;
    app.user_pool.invite_user("nari", "Temp-Passw0rd1").await;
    let browser = Browser::new(&app);

    let choose = browser.post("/login", json!({"username": "nari"})).await;
    assert_challenge(
        &choose,
        "SELECT_CHALLENGE",
        "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION",
    );
    let new_password = browser
        .post(
            "/challenge",
            json!({"responses": {"ANSWER": "PASSWORD_SRP", "PASSWORD": "Temp-Passw0rd1"}}),
        )
        .await;
    assert_challenge(
        &new_password,
        "NEW_PASSWORD_REQUIRED",
        "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED",
    );
    assert!(new_password.body.get("switch_factor").is_none());
    let signed_in = browser
        .post(
            "/challenge",
            json!({"challenge": "NEW_PASSWORD_REQUIRED", "responses": {"NEW_PASSWORD": PASSWORD}}),
        )
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    assert_eq!(signed_in.body["session"]["amr"], json!(["pwd"]));
    browser.assert_signed_in().await;
    // The new password works at once, straight from /login.
    let again = app.login("nari", PASSWORD).await;
    assert_eq!(again.body["status"], "authenticated", "{again:?}");
}

#[tokio::test]
async fn a_password_for_an_account_without_one_is_a_wrong_password() {
    let app = choice_app().await;
    let signed_up = app
        .post(
            "/signup",
            json!({"username": "eun", "attributes": {"email": "eun@example.com"}}),
        )
        .await;
    assert_eq!(signed_up.status, 201, "{signed_up:?}");
    let confirmed = app
        .post(
            "/signup/confirm",
            json!({"username": "eun", "code": "123456"}),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");

    // Cognito offers a choice instead of taking the password: refused like any wrong
    // password, so the answer shows no more than for an unknown name.
    for name in ["eun", "nobody-at-all"] {
        let refused = app
            .post("/login", json!({"username": name, "password": PASSWORD}))
            .await;
        refused.assert_problem(401, "invalid_credentials");
        assert!(refused.headers.get("challenge-handle").is_none());
    }
}

#[tokio::test]
async fn wrong_first_factor_codes_cost_the_failure_budget_not_the_owners_mfa_budget() {
    let app = TestApp::builder()
        .set("COGNITO_AUTH_FLOW", "USER_AUTH")
        .set("RATE_LIMIT_MFA_FAILURES_PER_USER", "2")
        .set("RATE_LIMIT_PER_USERNAME", "20")
        .start()
        .await;
    app.user_pool
        .allow_first_factors(&[AuthFactorType::Password, AuthFactorType::EmailOtp])
        .await;
    let secret = user_with_totp(&app, "gyu", PASSWORD).await;
    app.user_pool
        .enable_totp_mfa(UserPoolMfaType::Optional)
        .await;
    app.user_pool.verify_email("gyu").await;

    // Anyone may start a code sign-in for the name and guess: each wrong code is refused as
    // such, however many there are beyond the MFA budget (one per address here).
    let started = app
        .post(
            "/login",
            json!({"username": "gyu", "preferred_challenge": "EMAIL_OTP"}),
        )
        .await;
    for _ in 0..2 {
        answer_by_handle(
            &app,
            &handle(&started),
            json!({"responses": {"EMAIL_OTP_CODE": "00000000"}}),
        )
        .await
        .assert_problem(400, "code_mismatch");
    }
    // The owner's MFA is untouched by them.
    let mfa = app.login("gyu", PASSWORD).await;
    assert_challenge(&mfa, "SOFTWARE_TOKEN_MFA", "CONFIRM_SIGN_IN_WITH_TOTP_CODE");
    let code = totp_code(&secret).await;
    let signed_in = answer_by_handle(
        &app,
        &handle(&mfa),
        json!({"responses": {"SOFTWARE_TOKEN_MFA_CODE": code}}),
    )
    .await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
}
