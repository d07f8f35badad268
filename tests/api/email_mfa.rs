//! Email MFA: a signed-in user turns it on and off, the next sign-in asks for the code mailed
//! to them, `GET /me` tells it with the user's sign-in factors, and a sign-in that must set up
//! MFA may choose email. The emulator mails nothing; it keeps each code for the test to read
//! (`GET /emulator/codes`), and checks it.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_cognitoidentityprovider::types::UserPoolMfaType;
use serde_json::json;

use crate::support::browser::{Browser, assert_no_token};
use crate::support::mfa::*;
use crate::support::*;

const PASSWORD: &str = "Ana-Passw0rd!";
const TEMPORARY: &str = "Temp-Passw0rd!";
const NEW_PASSWORD: &str = "N3w-Passw0rd!";

const EMAIL_CODE_STEP: &str = "CONFIRM_SIGN_IN_WITH_EMAIL_CODE";
const TOTP_CODE_STEP: &str = "CONFIRM_SIGN_IN_WITH_TOTP_CODE";
const SETUP_SELECTION_STEP: &str = "CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION";
const EMAIL_SETUP_STEP: &str = "CONTINUE_SIGN_IN_WITH_EMAIL_SETUP";

/// Asserts the EMAIL_OTP step of a sign-in: where the code went, masked as Cognito masks it.
#[track_caller]
fn assert_email_code_step(answer: &Response) {
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["status"], "challenge", "{answer:?}");
    assert_eq!(answer.body["challenge"], "EMAIL_OTP", "{answer:?}");
    assert_eq!(answer.body["next_step"], EMAIL_CODE_STEP, "{answer:?}");
    assert_eq!(
        answer.body["parameters"],
        json!({"CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL", "CODE_DELIVERY_DESTINATION": "a***@e***"}),
        "{answer:?}"
    );
}

/// `{"challenge": "EMAIL_OTP", "responses": {"EMAIL_OTP_CODE": code}}` with the cookie.
async fn answer_email_code(app: &TestApp, cookie: &str, code: &str) -> Response {
    app.post_with_cookie(
        "/challenge",
        cookie,
        json!({"challenge": "EMAIL_OTP", "responses": {"EMAIL_OTP_CODE": code}}),
    )
    .await
}

#[tokio::test]
async fn an_app_user_turns_email_mfa_on_signs_in_with_the_mailed_code_and_turns_it_off() {
    let app = TestApp::start().await;
    app.user_pool
        .enable_email_mfa(UserPoolMfaType::Optional)
        .await;
    app.user_pool.create_user("ana", PASSWORD).await;
    app.user_pool.verify_email("ana").await;
    let login = app.login("ana", PASSWORD).await;
    assert_eq!(login.body["status"], "authenticated", "{login:?}");
    let token = login.access_token();
    let me = app.get_with_bearer("/me", &token).await;
    assert_eq!(me.status, 200, "{me:?}");
    assert_eq!(me.body["mfa"], json!({"enabled": [], "preferred": null}));
    assert_eq!(me.body["sign_in_factors"], json!(["PASSWORD"]));

    let on = app.post_with_bearer("/mfa/email", &token, json!({})).await;
    assert_eq!(on.status, 200, "{on:?}");
    assert_eq!(on.body, json!({"enabled": true, "preferred": true}));
    assert_eq!(on.headers.get("cache-control").unwrap(), "no-store");
    let preference = &app.proxy.calls("SetUserMFAPreference")[0];
    assert_eq!(
        preference,
        &json!({"AccessToken": token, "EmailMfaSettings": {"Enabled": true, "PreferredMfa": true}})
    );
    let me = app.get_with_bearer("/me", &token).await;
    assert_eq!(
        me.body["mfa"],
        json!({"enabled": ["EMAIL"], "preferred": "EMAIL"})
    );
    assert_eq!(me.body["sign_in_factors"], json!(["PASSWORD", "EMAIL_OTP"]));

    // The next sign-in asks for the code mailed to the account's address.
    let challenged = app.login("ana", PASSWORD).await;
    assert_email_code_step(&challenged);
    assert_challenge_cookie(&challenged);
    let code = app.user_pool.code_sent("ana", "EMAIL_MFA").await;
    assert_eq!(code.len(), 6, "{code}");
    let wrong = answer_email_code(&app, &challenged.cookie(), &other_code(&code)).await;
    wrong.assert_problem(400, "code_mismatch");
    assert!(
        wrong.set_cookie().is_none(),
        "a wrong code keeps the cookie"
    );
    let done = answer_email_code(&app, &challenged.cookie(), &code).await;
    assert_signed_in(&done);
    assert_eq!(
        app.user_pool
            .accepts_access_token(&done.access_token())
            .await,
        Ok("ana".to_owned())
    );
    let answers = app.proxy.calls("RespondToAuthChallenge");
    assert_eq!(answers.len(), 2, "the wrong code and the right one");
    for (answer, sent) in answers.iter().zip([other_code(&code), code.clone()]) {
        assert_eq!(answer["ChallengeName"], "EMAIL_OTP");
        assert_eq!(answer["ChallengeResponses"]["EMAIL_OTP_CODE"], sent);
        assert_eq!(answer["ChallengeResponses"]["USERNAME"], "ana");
        assert_eq!(
            answer["ChallengeResponses"]["SECRET_HASH"],
            secret_hash(&app.user_pool, "ana")
        );
    }

    // Turned off, the next sign-in is the password alone.
    let token = done.access_token();
    let off = delete(&app, "/mfa/email", Some(&token)).await;
    assert_eq!(off.status, 200, "{off:?}");
    assert_eq!(
        off.body,
        json!({"enabled": false, "preferred": false, "signed_out_others": 0})
    );
    let preference = app.proxy.calls("SetUserMFAPreference").pop().unwrap();
    assert_eq!(
        preference,
        json!({"AccessToken": token, "EmailMfaSettings": {"Enabled": false, "PreferredMfa": false}})
    );
    let again = app.login("ana", PASSWORD).await;
    assert_eq!(again.body["status"], "authenticated", "{again:?}");
    assert_eq!(again.body["next_step"], "DONE");
    let me = app.get_with_bearer("/me", &again.access_token()).await;
    assert_eq!(me.body["mfa"], json!({"enabled": [], "preferred": null}));
    assert_eq!(me.body["sign_in_factors"], json!(["PASSWORD"]));
}

#[tokio::test]
async fn a_browser_turns_email_mfa_on_and_signs_in_again_with_two_factors() {
    let app = TestApp::start().await;
    app.user_pool
        .enable_email_mfa(UserPoolMfaType::Optional)
        .await;
    app.user_pool.create_user("ana", PASSWORD).await;
    app.user_pool.verify_email("ana").await;
    let browser = Browser::new(&app);
    let elsewhere = Browser::new(&app);
    for signed_in in [&browser, &elsewhere] {
        let login = signed_in.login("ana", PASSWORD).await;
        assert_eq!(login.body["session"]["amr"], json!(["pwd"]), "{login:?}");
    }

    // A page's script that forgot the header changes nothing.
    let forged = browser
        .request(reqwest::Method::POST, "/mfa/email", Some(json!({})), false)
        .await;
    forged.assert_problem(403, "csrf_header_required");
    assert!(app.proxy.calls("SetUserMFAPreference").is_empty());

    let before = browser.session_cookie().unwrap();
    let on = browser.post("/mfa/email", json!({})).await;
    assert_eq!(on.status, 200, "{on:?}");
    assert_eq!(
        on.body,
        json!({"enabled": true, "preferred": true, "session": "renewed"})
    );
    assert_ne!(
        browser.session_cookie().unwrap(),
        before,
        "a new session id"
    );
    elsewhere.assert_signed_in().await;

    assert_eq!(browser.post("/logout", json!({})).await.status, 204);
    let login = browser.login("ana", PASSWORD).await;
    assert_email_code_step(&login);
    assert_no_token(&login);
    assert!(
        browser.session_cookie().is_none(),
        "no session before the code"
    );
    let code = app.user_pool.code_sent("ana", "EMAIL_MFA").await;
    let answer = |code: String| {
        browser.post(
            "/challenge",
            json!({"challenge": "EMAIL_OTP", "responses": {"EMAIL_OTP_CODE": code}}),
        )
    };
    answer(other_code(&code))
        .await
        .assert_problem(400, "code_mismatch");
    let done = answer(code).await;
    assert_eq!(done.status, 200, "{done:?}");
    assert_no_token(&done);
    assert_eq!(done.body["status"], "authenticated");
    assert_eq!(done.body["session"]["amr"], json!(["pwd", "otp", "mfa"]));
    let session = browser.get("/session").await;
    assert_eq!(session.body["amr"], json!(["pwd", "otp", "mfa"]));
    let me = browser.get("/me").await;
    assert_eq!(me.status, 200, "{me:?}");
    assert_no_token(&me);
    assert_eq!(
        me.body["mfa"],
        json!({"enabled": ["EMAIL"], "preferred": "EMAIL"})
    );
    assert_eq!(me.body["sign_in_factors"], json!(["PASSWORD", "EMAIL_OTP"]));

    // Off again: the other session ends, as when any MFA is turned off.
    let off = browser.delete("/mfa/email").await;
    assert_eq!(off.status, 200, "{off:?}");
    assert_eq!(
        off.body,
        json!({"enabled": false, "preferred": false, "signed_out_others": 1, "session": "renewed"})
    );
    elsewhere.assert_signed_out().await;
    browser.assert_signed_in().await;
    assert_eq!(browser.post("/logout", json!({})).await.status, 204);
    let again = browser.login("ana", PASSWORD).await;
    assert_eq!(again.body["status"], "authenticated", "{again:?}");
    assert_eq!(again.body["session"]["amr"], json!(["pwd"]));
}

#[tokio::test]
async fn email_mfa_can_be_a_backup_that_leaves_totp_preferred() {
    let app = TestApp::start().await;
    app.user_pool
        .enable_totp_and_email_mfa(UserPoolMfaType::Optional)
        .await;
    let secret = user_with_totp(&app, "ana", PASSWORD).await;
    app.user_pool.verify_email("ana").await;
    let challenged = app.login("ana", PASSWORD).await;
    assert_challenge(&challenged, "SOFTWARE_TOKEN_MFA", TOTP_CODE_STEP);
    let token = app
        .answer_challenge(
            &challenged.cookie(),
            json!({"SOFTWARE_TOKEN_MFA_CODE": totp_code(&secret).await}),
        )
        .await
        .access_token();

    for not_a_flag in [json!({"preferred": "yes"}), json!({"preferred": 1})] {
        let refused = app.post_with_bearer("/mfa/email", &token, not_a_flag).await;
        refused.assert_problem(400, "invalid_request");
        assert_eq!(refused.body["field"], "preferred", "{refused:?}");
    }
    // A misspelt flag is refused, not read as "unsaid".
    app.post_with_bearer("/mfa/email", &token, json!({"prefered": false}))
        .await
        .assert_problem(400, "invalid_request");
    // Unsaid, a preferred authenticator stays preferred.
    let before = app.proxy.calls("SetUserMFAPreference").len();
    let on = app.post_with_bearer("/mfa/email", &token, json!({})).await;
    assert_eq!(on.status, 200, "{on:?}");
    assert_eq!(on.body, json!({"enabled": true, "preferred": false}));
    let calls = app.proxy.calls("SetUserMFAPreference");
    assert_eq!(
        calls.len(),
        before + 1,
        "only the valid request reached Cognito"
    );
    assert_eq!(
        calls[before]["EmailMfaSettings"],
        json!({"Enabled": true, "PreferredMfa": false})
    );
    assert!(calls[before].get("SoftwareTokenMfaSettings").is_none());
    let me = app.get_with_bearer("/me", &token).await;
    assert_eq!(
        me.body["mfa"],
        json!({"enabled": ["TOTP", "EMAIL"], "preferred": "TOTP"})
    );

    // Cognito still asks for the authenticator's code first.
    let again = app.login("ana", PASSWORD).await;
    assert_challenge(&again, "SOFTWARE_TOKEN_MFA", TOTP_CODE_STEP);

    // Preferred in the authenticator's place on purpose: a sign-in now asks less, so the
    // user's other sign-ins end, as when MFA is turned off.
    let demoted = app
        .post_with_bearer("/mfa/email", &token, json!({"preferred": true}))
        .await;
    assert_eq!(demoted.status, 200, "{demoted:?}");
    assert_eq!(demoted.body["preferred"], true);
    assert!(demoted.body["signed_out_others"].is_number(), "{demoted:?}");
}

#[tokio::test]
async fn turning_email_mfa_on_is_refused_clearly_where_the_pool_or_the_account_cannot_have_it() {
    let app = TestApp::start().await;
    app.user_pool.create_user("ana", PASSWORD).await;
    let token = app.login("ana", PASSWORD).await.access_token();

    // An address the user never proved they read would lock them out.
    let refused = app.post_with_bearer("/mfa/email", &token, json!({})).await;
    refused.assert_problem(409, "email_unverified");
    assert!(app.proxy.calls("SetUserMFAPreference").is_empty());
    app.user_pool.verify_email("ana").await;

    // The pool has no email MFA configuration.
    let refused = app.post_with_bearer("/mfa/email", &token, json!({})).await;
    refused.assert_problem(409, "email_mfa_unavailable");
    assert!(!refused.body["detail"].as_str().unwrap().contains("ana"));
    let me = app.get_with_bearer("/me", &token).await;
    assert_eq!(me.body["mfa"], json!({"enabled": [], "preferred": null}));

    // The pool offers it, but the account has no address to mail codes to.
    app.user_pool
        .enable_email_mfa(UserPoolMfaType::Optional)
        .await;
    app.user_pool
        .idp
        .admin_delete_user_attributes()
        .user_pool_id(&app.user_pool.pool_id)
        .username("ana")
        .user_attribute_names("email")
        .send()
        .await
        .expect("remove the email address");
    let refused = app.post_with_bearer("/mfa/email", &token, json!({})).await;
    refused.assert_problem(409, "email_required");
    let me = app.get_with_bearer("/me", &token).await;
    assert_eq!(me.body["mfa"], json!({"enabled": [], "preferred": null}));
    let again = app.login("ana", PASSWORD).await;
    assert_eq!(again.body["status"], "authenticated", "{again:?}");

    // Turning off what was never on is no error.
    let off = delete(&app, "/mfa/email", Some(&token)).await;
    assert_eq!(off.status, 200, "{off:?}");
}

#[tokio::test]
async fn email_mfa_changes_need_a_signed_in_user_who_signed_in_recently() {
    let app = TestApp::start().await;
    app.user_pool
        .enable_email_mfa(UserPoolMfaType::Optional)
        .await;
    app.user_pool.create_user("ana", PASSWORD).await;
    app.user_pool.verify_email("ana").await;

    let anonymous = app.post("/mfa/email", json!({})).await;
    anonymous.assert_problem(401, "missing_token");
    assert_eq!(anonymous.headers.get("www-authenticate").unwrap(), "Bearer");
    delete(&app, "/mfa/email", None)
        .await
        .assert_problem(401, "missing_token");
    app.post_with_bearer("/mfa/email", "not.a.token", json!({}))
        .await
        .assert_problem(401, "invalid_token");

    let browser = Browser::new(&app);
    browser.login("ana", PASSWORD).await;
    // Six minutes since the user last proved who they are; the default bound is five.
    browser.age("auth_time", 360).await;
    for (method, path) in [
        (reqwest::Method::POST, "/mfa/email"),
        (reqwest::Method::DELETE, "/mfa/email"),
    ] {
        let refused = browser.request(method, path, Some(json!({})), true).await;
        refused.assert_problem(403, "recent_sign_in_required");
        assert_eq!(refused.body["next_step"], "SIGN_IN", "{refused:?}");
    }
    assert!(app.proxy.calls("SetUserMFAPreference").is_empty());
    // Signed in again, the same browser may.
    browser.login("ana", PASSWORD).await;
    let on = browser.post("/mfa/email", json!({})).await;
    assert_eq!(on.status, 200, "{on:?}");
}

#[tokio::test]
async fn me_asks_for_the_profile_and_the_sign_in_factors_at_once() {
    let app = TestApp::start().await;
    app.user_pool.create_user("ana", PASSWORD).await;
    let token = app.login("ana", PASSWORD).await.access_token();

    // GetUser is held until GetUserAuthFactors has arrived: asked one after the other, this
    // request would never be answered.
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    app.proxy.then("GetUser", Reply::Gate(gate.clone()));
    let asked_both = async {
        tokio::time::timeout(
            Duration::from_secs(30),
            app.proxy.wait_for("GetUserAuthFactors", 1),
        )
        .await
        .expect("GetUserAuthFactors is asked while GetUser is held");
        gate.add_permits(1);
    };
    let (me, ()) = tokio::join!(app.get_with_bearer("/me", &token), asked_both);
    assert_eq!(me.status, 200, "{me:?}");
    assert_eq!(me.body["sign_in_factors"], json!(["PASSWORD"]));
    assert_eq!(
        app.proxy.calls("GetUserAuthFactors"),
        [json!({"AccessToken": token})]
    );
}

#[tokio::test]
async fn me_still_answers_when_only_the_sign_in_factors_cannot_be_read() {
    let app = TestApp::start().await;
    app.user_pool.create_user("ana", PASSWORD).await;
    let token = app.login("ana", PASSWORD).await.access_token();

    app.proxy.then(
        "GetUserAuthFactors",
        Reply::error(500, "InternalErrorException"),
    );
    let me = app.get_with_bearer("/me", &token).await;
    assert_eq!(me.status, 200, "{me:?}");
    assert_eq!(me.body["username"], "ana");
    assert_eq!(me.body["attributes"]["email"], "ana@example.com");
    assert_eq!(me.body["mfa"], json!({"enabled": [], "preferred": null}));
    assert_eq!(me.body["sign_in_factors"], json!(null));

    // Without GetUser there is no profile to show.
    app.proxy.then("GetUser", Reply::SERVER_ERROR);
    app.get_with_bearer("/me", &token)
        .await
        .assert_problem(503, "cognito_unavailable");
    let me = app.get_with_bearer("/me", &token).await;
    assert_eq!(me.body["sign_in_factors"], json!(["PASSWORD"]));
}

#[tokio::test]
async fn an_invited_user_on_a_pool_requiring_mfa_chooses_email_and_signs_in_with_its_code() {
    let app = TestApp::start().await;
    app.user_pool
        .enable_totp_and_email_mfa(UserPoolMfaType::On)
        .await;
    app.user_pool.invite_user("ana", TEMPORARY).await;

    let login = app.login("ana", TEMPORARY).await;
    let setup = app
        .answer_challenge(&login.cookie(), json!({"NEW_PASSWORD": NEW_PASSWORD}))
        .await;
    assert_challenge(&setup, "MFA_SETUP", SETUP_SELECTION_STEP);
    assert_eq!(
        setup.body["parameters"]["MFAS_CAN_SETUP"],
        json!(["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"]),
        "{setup:?}"
    );

    let chose_email = app
        .post_with_cookie(
            "/challenge",
            &setup.cookie(),
            json!({"challenge": "MFA_SETUP", "responses": {"EMAIL": "ana@example.com"}}),
        )
        .await;
    assert_email_code_step(&chose_email);
    assert_ne!(chose_email.cookie(), setup.cookie());
    let code = app.user_pool.code_sent("ana", "EMAIL_MFA").await;
    answer_email_code(&app, &chose_email.cookie(), &other_code(&code))
        .await
        .assert_problem(400, "code_mismatch");
    let done = answer_email_code(&app, &chose_email.cookie(), &code).await;
    assert_signed_in(&done);

    let answers = app.proxy.calls("RespondToAuthChallenge");
    let names: Vec<_> = answers.iter().map(|a| a["ChallengeName"].clone()).collect();
    assert_eq!(
        names,
        [
            "NEW_PASSWORD_REQUIRED",
            "MFA_SETUP",
            "EMAIL_OTP",
            "EMAIL_OTP"
        ]
    );
    assert_eq!(answers[1]["ChallengeResponses"]["EMAIL"], "ana@example.com");
    assert_eq!(answers[1]["ChallengeResponses"]["USERNAME"], "ana");
    assert!(app.proxy.calls("AssociateSoftwareToken").is_empty());

    // Email is the user's MFA from now on.
    let me = app.get_with_bearer("/me", &done.access_token()).await;
    assert_eq!(
        me.body["mfa"],
        json!({"enabled": ["EMAIL"], "preferred": "EMAIL"})
    );
    assert_eq!(me.body["attributes"]["email_verified"], true);
    let again = app.login("ana", NEW_PASSWORD).await;
    assert_email_code_step(&again);
}

#[tokio::test]
async fn where_email_is_the_only_mfa_a_sign_in_can_set_up_a_browser_is_asked_for_it_at_once() {
    let app = TestApp::start().await;
    app.user_pool
        .enable_sms_and_email_mfa(UserPoolMfaType::On)
        .await;
    app.user_pool.invite_user("ana", TEMPORARY).await;
    let browser = Browser::new(&app);

    browser.login("ana", TEMPORARY).await;
    let setup = browser
        .post(
            "/challenge",
            json!({"responses": {"NEW_PASSWORD": NEW_PASSWORD}}),
        )
        .await;
    assert_eq!(setup.body["challenge"], "MFA_SETUP", "{setup:?}");
    assert_eq!(setup.body["next_step"], EMAIL_SETUP_STEP, "{setup:?}");
    let can_setup = setup.body["parameters"]["MFAS_CAN_SETUP"]
        .as_array()
        .unwrap();
    assert!(can_setup.contains(&json!("EMAIL_OTP")), "{setup:?}");
    assert!(
        !can_setup.contains(&json!("SOFTWARE_TOKEN_MFA")),
        "{setup:?}"
    );

    let chose_email = browser
        .post(
            "/challenge",
            json!({"challenge": "MFA_SETUP", "responses": {"EMAIL": "ana@example.com"}}),
        )
        .await;
    assert_email_code_step(&chose_email);
    assert!(
        browser.session_cookie().is_none(),
        "no session before the code"
    );
    let code = app.user_pool.code_sent("ana", "EMAIL_MFA").await;
    let done = browser
        .post(
            "/challenge",
            json!({"challenge": "EMAIL_OTP", "responses": {"EMAIL_OTP_CODE": code}}),
        )
        .await;
    assert_eq!(done.status, 200, "{done:?}");
    assert_no_token(&done);
    assert_eq!(done.body["session"]["amr"], json!(["pwd", "otp", "mfa"]));
    let me = browser.get("/me").await;
    assert_eq!(
        me.body["mfa"],
        json!({"enabled": ["EMAIL"], "preferred": "EMAIL"})
    );
}
