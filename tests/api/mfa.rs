//! MFA: TOTP set up during sign-in (MFA_SETUP) or by a signed-in user, TOTP and SMS codes at
//! sign-in, and TOTP turned off again. The emulator checks TOTP codes, so a wrong one fails.

use crate::support::mfa::*;
use crate::support::*;
use aws_sdk_cognitoidentityprovider::types::UserPoolMfaType;
use serde_json::json;

const TEMPORARY: &str = "Temp-Passw0rd!";
const NEW_PASSWORD: &str = "N3w-Passw0rd!";
const PASSWORD: &str = "Ana-Passw0rd!";

const NEW_PASSWORD_STEP: &str = "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED";
const TOTP_SETUP_STEP: &str = "CONTINUE_SIGN_IN_WITH_TOTP_SETUP";
const TOTP_CODE_STEP: &str = "CONFIRM_SIGN_IN_WITH_TOTP_CODE";
const SMS_CODE_STEP: &str = "CONFIRM_SIGN_IN_WITH_SMS_CODE";

/// Asserts an MFA_SETUP step offering TOTP.
#[track_caller]
fn assert_mfa_setup(answer: &Response) {
    assert_challenge(answer, "MFA_SETUP", TOTP_SETUP_STEP);
    let can_setup = answer.body["parameters"]["MFAS_CAN_SETUP"]
        .as_array()
        .unwrap_or_else(|| panic!("MFAS_CAN_SETUP is not a decoded list: {answer:?}"));
    assert!(
        can_setup.contains(&json!("SOFTWARE_TOKEN_MFA")),
        "{answer:?}"
    );
}

/// Asserts the answer to `POST /challenge/totp`: a secret labelled for `account`, and the
/// MFA_SETUP step continuing under a new cookie.
#[track_caller]
fn assert_totp_setup(answer: &Response, account: &str, previous_cookie: &str) -> String {
    assert_challenge(answer, "MFA_SETUP", TOTP_SETUP_STEP);
    assert_eq!(answer.body["parameters"], json!({}), "{answer:?}");
    let secret = secret_of(answer);
    assert_eq!(
        answer.body["otpauth_uri"],
        expected_otpauth_uri(account, &secret)
    );
    assert_ne!(answer.cookie(), previous_cookie, "a fresh cookie");
    secret
}

#[tokio::test]
async fn an_invited_user_on_a_pool_requiring_mfa_sets_a_password_then_totp_and_gets_tokens() {
    let app = TestApp::start().await;
    app.user_pool.enable_totp_mfa(UserPoolMfaType::On).await;
    app.user_pool.invite_user("ana", TEMPORARY).await;

    let login = app.login("ana", TEMPORARY).await;
    assert_challenge(&login, "NEW_PASSWORD_REQUIRED", NEW_PASSWORD_STEP);

    let setup = app
        .answer_challenge(&login.cookie(), json!({"NEW_PASSWORD": NEW_PASSWORD}))
        .await;
    assert_mfa_setup(&setup);
    assert_ne!(setup.cookie(), login.cookie());

    let totp = start_totp_setup(&app, Some(&setup.cookie())).await;
    let secret = assert_totp_setup(&totp, "ana", &setup.cookie());

    // The MFA_SETUP cookie was used up by the set-up: it answers nothing any more.
    let stale = app
        .answer_challenge(
            &setup.cookie(),
            json!({"TOTP_CODE": totp_code(&secret).await}),
        )
        .await;
    stale.assert_problem(401, "challenge_expired");
    start_totp_setup(&app, Some(&setup.cookie()))
        .await
        .assert_problem(401, "challenge_expired");
    assert!(app.proxy.calls("VerifySoftwareToken").is_empty());
    assert_eq!(app.proxy.calls("AssociateSoftwareToken").len(), 1);

    let wrong = app
        .answer_challenge(
            &totp.cookie(),
            json!({"TOTP_CODE": wrong_totp_code(&secret).await}),
        )
        .await;
    wrong.assert_problem(400, "code_mismatch");
    assert!(
        wrong.set_cookie().is_none(),
        "a wrong code keeps the cookie"
    );

    let right_code = totp_code(&secret).await;
    let done = app
        .answer_challenge(&totp.cookie(), json!({"TOTP_CODE": right_code}))
        .await;
    assert_signed_in(&done);
    assert_eq!(
        app.user_pool
            .accepts_access_token(&done.access_token())
            .await,
        Ok("ana".to_owned())
    );

    // What reached Cognito. moto answers NEW_PASSWORD_REQUIRED's MFA_SETUP under the same
    // session, so the set-up runs under the session of that answer.
    let responds = app.proxy.calls("RespondToAuthChallenge");
    assert_eq!(responds.len(), 2, "{responds:?}");
    assert_eq!(responds[0]["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    let session = responds[0]["Session"].as_str().unwrap();
    let associate = &app.proxy.calls("AssociateSoftwareToken")[0];
    assert_eq!(associate["Session"], session);
    assert!(associate.get("AccessToken").is_none());
    let verifies = app.proxy.calls("VerifySoftwareToken");
    assert_eq!(verifies.len(), 2, "the wrong code and the right one");
    for verify in &verifies {
        assert_eq!(verify["Session"], session);
        assert!(verify.get("AccessToken").is_none());
    }
    assert_ne!(verifies[0]["UserCode"], right_code.as_str());
    assert_eq!(verifies[1]["UserCode"], right_code.as_str());
    let mfa_setup = &responds[1];
    assert_eq!(mfa_setup["ChallengeName"], "MFA_SETUP");
    assert_eq!(mfa_setup["ChallengeResponses"]["USERNAME"], "ana");
    assert_eq!(
        mfa_setup["ChallengeResponses"]["SECRET_HASH"],
        secret_hash(&app.user_pool, "ana")
    );
    assert!(mfa_setup["ChallengeResponses"].get("TOTP_CODE").is_none());
    // Answered under the session VerifySoftwareToken returned, not the one before it.
    assert!(mfa_setup["Session"].is_string());
    assert_ne!(mfa_setup["Session"], session);
    // No Session ever reached the client.
    for answer in [&login, &setup, &totp, &done] {
        assert!(!answer.body.to_string().contains(session));
        assert!(!answer.set_cookie().unwrap().contains(session));
    }
}

#[tokio::test]
async fn srp_sign_in_reaches_totp_setup_without_the_password_leaving_the_service() {
    let app = TestApp::builder()
        .set("COGNITO_AUTH_FLOW", "USER_SRP_AUTH")
        .start()
        .await;
    app.user_pool.enable_totp_mfa(UserPoolMfaType::On).await;
    app.user_pool.create_user("ana", PASSWORD).await;

    let login = app.login("ana", PASSWORD).await;
    assert_mfa_setup(&login);
    let totp = start_totp_setup(&app, Some(&login.cookie())).await;
    let secret = assert_totp_setup(&totp, "ana", &login.cookie());
    let done = app
        .answer_challenge(
            &totp.cookie(),
            json!({"TOTP_CODE": totp_code(&secret).await}),
        )
        .await;
    assert_signed_in(&done);
    assert_eq!(
        app.user_pool
            .accepts_access_token(&done.access_token())
            .await,
        Ok("ana".to_owned())
    );

    let initiate = app.proxy.calls("InitiateAuth");
    assert_eq!(initiate.len(), 1);
    assert_eq!(initiate[0]["AuthFlow"], "USER_SRP_AUTH");
    assert_eq!(initiate[0]["AuthParameters"]["USERNAME"], "ana");
    let srp_a = initiate[0]["AuthParameters"]["SRP_A"].as_str().unwrap();
    assert!(
        !srp_a.is_empty() && srp_a.chars().all(|c| c.is_ascii_hexdigit()),
        "{srp_a}"
    );
    let challenges: Vec<_> = app
        .proxy
        .calls("RespondToAuthChallenge")
        .iter()
        .map(|c| c["ChallengeName"].clone())
        .collect();
    assert_eq!(challenges, [json!("PASSWORD_VERIFIER"), json!("MFA_SETUP")]);
    let calls = all_calls(&app);
    assert!(calls.len() >= 5, "{calls:?}");
    for (operation, body) in calls {
        assert!(
            !body.to_string().contains(PASSWORD),
            "{operation} carried the password: {body}"
        );
        for map in ["AuthParameters", "ChallengeResponses"] {
            assert!(
                body[map].get("PASSWORD").is_none(),
                "{operation} has {map}.PASSWORD: {body}"
            );
        }
    }
}

#[tokio::test]
async fn a_signed_in_user_sets_up_totp_signs_in_with_it_and_turns_it_off() {
    let app = TestApp::start().await;
    app.user_pool
        .enable_totp_mfa(UserPoolMfaType::Optional)
        .await;
    app.user_pool.create_user("ana", PASSWORD).await;
    let login = app.login("ana", PASSWORD).await;
    assert_eq!(login.body["status"], "authenticated", "{login:?}");
    let token = login.access_token();

    let setup = app
        .post_with_bearer("/mfa/totp/setup", &token, json!({}))
        .await;
    assert_eq!(setup.status, 200, "{setup:?}");
    let secret = secret_of(&setup);
    assert_eq!(
        setup.body["otpauth_uri"],
        expected_otpauth_uri("ana", &secret)
    );
    assert_eq!(setup.headers.get("cache-control").unwrap(), "no-store");

    let wrong = app
        .post_with_bearer(
            "/mfa/totp/verify",
            &token,
            json!({"code": wrong_totp_code(&secret).await}),
        )
        .await;
    wrong.assert_problem(400, "code_mismatch");
    assert!(
        app.proxy.calls("SetUserMFAPreference").is_empty(),
        "a wrong code turns nothing on"
    );

    let verified = app
        .post_with_bearer(
            "/mfa/totp/verify",
            &token,
            json!({"code": totp_code(&secret).await}),
        )
        .await;
    assert_eq!(verified.status, 200, "{verified:?}");
    assert_eq!(verified.body, json!({"enabled": true, "preferred": true}));
    let preference = &app.proxy.calls("SetUserMFAPreference")[0];
    assert_eq!(preference["AccessToken"], token.as_str());
    assert_eq!(
        preference["SoftwareTokenMfaSettings"],
        json!({"Enabled": true, "PreferredMfa": true})
    );
    for call in app.proxy.calls("AssociateSoftwareToken") {
        assert_eq!(call["AccessToken"], token.as_str());
        assert!(call.get("Session").is_none());
    }
    for call in app.proxy.calls("VerifySoftwareToken") {
        assert_eq!(call["AccessToken"], token.as_str());
    }

    // `/me` tells it, as Amplify's fetchMFAPreference does.
    let me = app.get_with_bearer("/me", &token).await;
    assert_eq!(
        me.body["mfa"],
        json!({"enabled": ["TOTP"], "preferred": "TOTP"}),
        "{me:?}"
    );

    // The next sign-in asks for a code.
    let challenged = app.login("ana", PASSWORD).await;
    assert_challenge(&challenged, "SOFTWARE_TOKEN_MFA", TOTP_CODE_STEP);
    let wrong = app
        .answer_challenge(
            &challenged.cookie(),
            json!({"SOFTWARE_TOKEN_MFA_CODE": wrong_totp_code(&secret).await}),
        )
        .await;
    wrong.assert_problem(400, "code_mismatch");
    assert!(
        wrong.set_cookie().is_none(),
        "a wrong code keeps the cookie"
    );
    let done = app
        .answer_challenge(
            &challenged.cookie(),
            json!({"SOFTWARE_TOKEN_MFA_CODE": totp_code(&secret).await}),
        )
        .await;
    assert_signed_in(&done);
    let answer = app.proxy.calls("RespondToAuthChallenge").pop().unwrap();
    assert_eq!(answer["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    assert_eq!(answer["ChallengeResponses"]["USERNAME"], "ana");
    assert_eq!(
        answer["ChallengeResponses"]["SECRET_HASH"],
        secret_hash(&app.user_pool, "ana")
    );

    // Turned off, sign-in needs no code again.
    let token = done.access_token();
    let off = delete(&app, "/mfa/totp", Some(&token)).await;
    assert_eq!(off.status, 200, "{off:?}");
    assert_eq!(
        off.body,
        json!({"enabled": false, "preferred": false, "signed_out_others": 0})
    );
    let preference = app.proxy.calls("SetUserMFAPreference").pop().unwrap();
    assert_eq!(preference["AccessToken"], token.as_str());
    assert_eq!(preference["SoftwareTokenMfaSettings"]["Enabled"], false);
    let again = app.login("ana", PASSWORD).await;
    assert_eq!(again.body["status"], "authenticated", "{again:?}");
    assert_eq!(again.body["next_step"], "DONE");
    let me = app.get_with_bearer("/me", &again.access_token()).await;
    assert_eq!(me.body["mfa"], json!({"enabled": [], "preferred": null}));
}

#[tokio::test]
async fn a_user_who_prefers_sms_answers_with_the_texted_code() {
    let app = TestApp::start().await;
    app.user_pool.create_user("ana", PASSWORD).await;
    app.user_pool.enable_sms_mfa("ana", "+15555550100").await;

    let login = app.login("ana", PASSWORD).await;
    assert_challenge(&login, "SMS_MFA", SMS_CODE_STEP);
    // The emulator sends no code and accepts any; what matters is how it is passed on.
    let done = app
        .answer_challenge(&login.cookie(), json!({"SMS_MFA_CODE": "123456"}))
        .await;
    assert_signed_in(&done);
    assert_eq!(
        app.user_pool
            .accepts_access_token(&done.access_token())
            .await,
        Ok("ana".to_owned())
    );
    let answer = &app.proxy.calls("RespondToAuthChallenge")[0];
    assert_eq!(answer["ChallengeName"], "SMS_MFA");
    assert_eq!(answer["ChallengeResponses"]["SMS_MFA_CODE"], "123456");
    assert_eq!(answer["ChallengeResponses"]["USERNAME"], "ana");
    assert_eq!(
        answer["ChallengeResponses"]["SECRET_HASH"],
        secret_hash(&app.user_pool, "ana")
    );
}

#[tokio::test]
async fn a_user_with_two_mfas_and_no_preference_chooses_one_then_answers_it() {
    let app = TestApp::start().await;
    app.user_pool
        .enable_totp_mfa(UserPoolMfaType::Optional)
        .await;
    let secret = user_with_totp(&app, "ana", PASSWORD).await;
    app.user_pool.enable_sms_mfa("ana", "+15555550100").await;
    app.user_pool
        .enable_every_mfa(UserPoolMfaType::Optional)
        .await;
    app.user_pool
        .prefer_no_mfa("ana", &["SMS_MFA", "SOFTWARE_TOKEN_MFA"])
        .await;

    let login = app.login("ana", PASSWORD).await;
    assert_challenge(
        &login,
        "SELECT_MFA_TYPE",
        "CONTINUE_SIGN_IN_WITH_MFA_SELECTION",
    );
    // Cognito's JSON text, decoded.
    assert_eq!(
        login.body["parameters"]["MFAS_CAN_CHOOSE"],
        json!(["SMS_MFA", "SOFTWARE_TOKEN_MFA"]),
        "{login:?}"
    );
    let chosen = app
        .answer_challenge(&login.cookie(), json!({"ANSWER": "SOFTWARE_TOKEN_MFA"}))
        .await;
    assert_challenge(&chosen, "SOFTWARE_TOKEN_MFA", TOTP_CODE_STEP);
    let code = totp_code(&secret).await;
    let done = app
        .answer_challenge(&chosen.cookie(), json!({"SOFTWARE_TOKEN_MFA_CODE": code}))
        .await;
    assert_signed_in(&done);
    let answers = app.proxy.calls("RespondToAuthChallenge");
    let last = answers.last().unwrap();
    assert_eq!(last["ChallengeName"], "SOFTWARE_TOKEN_MFA", "{last}");
    assert_eq!(last["ChallengeResponses"]["SOFTWARE_TOKEN_MFA_CODE"], code);
    let choice = answers
        .iter()
        .find(|call| call["ChallengeName"] == "SELECT_MFA_TYPE")
        .expect("the choice reached Cognito");
    assert_eq!(choice["ChallengeResponses"]["ANSWER"], "SOFTWARE_TOKEN_MFA");
    assert_eq!(choice["ChallengeResponses"]["USERNAME"], "ana");

    // Not among the choices: refused, and the sign-in waits for another answer.
    let again = app.login("ana", PASSWORD).await;
    assert_challenge(
        &again,
        "SELECT_MFA_TYPE",
        "CONTINUE_SIGN_IN_WITH_MFA_SELECTION",
    );
    let refused = app
        .answer_challenge(&again.cookie(), json!({"ANSWER": "EMAIL_OTP"}))
        .await;
    refused.assert_problem(400, "invalid_parameter");
    let chosen = app
        .answer_challenge(&again.cookie(), json!({"ANSWER": "SMS_MFA"}))
        .await;
    assert_challenge(&chosen, "SMS_MFA", SMS_CODE_STEP);
}

#[tokio::test]
async fn wrong_mfa_codes_count_across_sign_ins() {
    let app = TestApp::builder()
        .set("RATE_LIMIT_MFA_FAILURES_PER_USER", 4)
        .start()
        .await;
    app.user_pool.create_user("ana", PASSWORD).await;
    app.user_pool.enable_sms_mfa("ana", "+15555550100").await;
    // The emulator takes any SMS code; Cognito's answer to a wrong one stands in.
    app.proxy.fail(
        "RespondToAuthChallenge",
        Reply::error(400, "CodeMismatchException"),
        2,
    );
    let first = app.login("ana", PASSWORD).await;
    assert_challenge(&first, "SMS_MFA", SMS_CODE_STEP);
    for guess in ["111111", "222222"] {
        app.answer_challenge(&first.cookie(), json!({"SMS_MFA_CODE": guess}))
            .await
            .assert_problem(400, "code_mismatch");
    }
    // A new sign-in is a new challenge, but not a new set of guesses.
    let second = app.login("ana", PASSWORD).await;
    assert_challenge(&second, "SMS_MFA", SMS_CODE_STEP);
    let refused = app
        .answer_challenge(&second.cookie(), json!({"SMS_MFA_CODE": "333333"}))
        .await;
    refused.assert_problem(429, "rate_limited");
    assert!(refused.set_cookie().is_none(), "the challenge is kept");
    assert_eq!(app.proxy.calls("RespondToAuthChallenge").len(), 2);
}

#[tokio::test]
async fn totp_setup_needs_a_pending_mfa_setup_challenge() {
    let app = TestApp::start().await;
    start_totp_setup(&app, None)
        .await
        .assert_problem(401, "challenge_expired");

    app.user_pool.invite_user("ana", TEMPORARY).await;
    let login = app.login("ana", TEMPORARY).await;
    assert_challenge(&login, "NEW_PASSWORD_REQUIRED", NEW_PASSWORD_STEP);
    let mismatch = start_totp_setup(&app, Some(&login.cookie())).await;
    mismatch.assert_problem(409, "challenge_mismatch");
    assert!(mismatch.set_cookie().is_none(), "the cookie is kept");
    assert!(app.proxy.calls("AssociateSoftwareToken").is_empty());

    // The challenge it named is still there to answer.
    let answer = app
        .answer_challenge(&login.cookie(), json!({"NEW_PASSWORD": NEW_PASSWORD}))
        .await;
    assert_signed_in(&answer);
}

// In a pool that signs in by email, Cognito names the user by an internal id (its
// USER_ID_FOR_SRP) in the challenge, and later answers must use it. moto leaves
// USER_ID_FOR_SRP out of NEW_PASSWORD_REQUIRED, so the proxy gives the service Cognito's
// answer for its InitiateAuth, carrying a session moto issued for the same user.
#[tokio::test]
async fn the_totp_entry_is_labelled_with_the_email_typed_at_login_not_the_internal_id() {
    let app = TestApp::builder().email_as_username().start().await;
    app.user_pool.enable_totp_mfa(UserPoolMfaType::On).await;
    let email = "ana@example.com";
    let internal = app.user_pool.invite_by_email(email, TEMPORARY).await;
    assert_ne!(internal, email, "the pool keeps an internal username");
    let session = app
        .user_pool
        .password_sign_in_session(email, TEMPORARY)
        .await;
    app.proxy.fail(
        "InitiateAuth",
        Reply::Ok(json!({
            "ChallengeName": "NEW_PASSWORD_REQUIRED",
            "Session": session,
            "ChallengeParameters": {
                "USER_ID_FOR_SRP": internal,
                "requiredAttributes": "[]",
                "userAttributes": json!({"email": email}).to_string(),
            },
        })),
        1,
    );

    let login = app.login(email, TEMPORARY).await;
    assert_challenge(&login, "NEW_PASSWORD_REQUIRED", NEW_PASSWORD_STEP);
    let setup = app
        .answer_challenge(&login.cookie(), json!({"NEW_PASSWORD": NEW_PASSWORD}))
        .await;
    assert_mfa_setup(&setup);
    let totp = start_totp_setup(&app, Some(&setup.cookie())).await;
    let secret = assert_totp_setup(&totp, "ana%40example.com", &setup.cookie());
    assert!(
        !totp.body["otpauth_uri"]
            .as_str()
            .unwrap()
            .contains(&internal)
    );

    let done = app
        .answer_challenge(
            &totp.cookie(),
            json!({"TOTP_CODE": totp_code(&secret).await}),
        )
        .await;
    assert_signed_in(&done);
    let mfa_setup = app.proxy.calls("RespondToAuthChallenge").pop().unwrap();
    assert_eq!(mfa_setup["ChallengeName"], "MFA_SETUP");
    assert_eq!(
        mfa_setup["ChallengeResponses"]["USERNAME"],
        internal.as_str()
    );
    assert_eq!(
        mfa_setup["ChallengeResponses"]["SECRET_HASH"],
        secret_hash(&app.user_pool, &internal)
    );
}

#[tokio::test]
async fn the_signed_in_totp_routes_need_an_access_token() {
    let app = TestApp::start().await;
    for path in ["/mfa/totp/setup", "/mfa/totp/verify"] {
        let answer = app.post(path, json!({"code": "123456"})).await;
        answer.assert_problem(401, "missing_token");
        assert_eq!(answer.headers.get("www-authenticate").unwrap(), "Bearer");
    }
    let answer = delete(&app, "/mfa/totp", None).await;
    answer.assert_problem(401, "missing_token");
    assert_eq!(answer.headers.get("www-authenticate").unwrap(), "Bearer");
    app.post_with_bearer("/mfa/totp/setup", "not.a.token", json!({}))
        .await
        .assert_problem(401, "invalid_token");
    assert!(
        app.proxy.operations().is_empty(),
        "nothing reached Cognito: {:?}",
        app.proxy.operations()
    );
}

#[tokio::test]
async fn a_totp_code_that_is_not_six_digits_never_reaches_cognito() {
    let app = TestApp::start().await;
    app.user_pool
        .enable_totp_mfa(UserPoolMfaType::Optional)
        .await;
    app.user_pool.create_user("ana", PASSWORD).await;
    let token = app.login("ana", PASSWORD).await.access_token();
    let setup = app
        .post_with_bearer("/mfa/totp/setup", &token, json!({}))
        .await;
    let secret = secret_of(&setup);

    for code in ["12345", "1234567", "12a456", "١٢٣٤٥٦"] {
        let answer = app
            .post_with_bearer("/mfa/totp/verify", &token, json!({"code": code}))
            .await;
        answer.assert_problem(400, "invalid_request");
        assert_eq!(answer.body["field"], "code", "{code:?}: {answer:?}");
    }
    assert!(app.proxy.calls("VerifySoftwareToken").is_empty());
    assert!(app.proxy.calls("SetUserMFAPreference").is_empty());

    let verified = app
        .post_with_bearer(
            "/mfa/totp/verify",
            &token,
            json!({"code": totp_code(&secret).await}),
        )
        .await;
    assert_eq!(verified.status, 200, "{verified:?}");
    assert_eq!(app.proxy.calls("VerifySoftwareToken").len(), 1);
}

#[tokio::test]
async fn a_first_totp_code_that_is_not_six_digits_costs_no_attempt() {
    let app = TestApp::start().await;
    app.user_pool.enable_totp_mfa(UserPoolMfaType::On).await;
    app.user_pool.invite_user("ana", TEMPORARY).await;
    let login = app.login("ana", TEMPORARY).await;
    let setup = app
        .answer_challenge(&login.cookie(), json!({"NEW_PASSWORD": NEW_PASSWORD}))
        .await;
    assert_mfa_setup(&setup);
    let totp = start_totp_setup(&app, Some(&setup.cookie())).await;
    let secret = assert_totp_setup(&totp, "ana", &setup.cookie());

    let typo = app
        .answer_challenge(&totp.cookie(), json!({"TOTP_CODE": "abcdef"}))
        .await;
    typo.assert_problem(400, "invalid_request");
    assert_eq!(typo.body["field"], "responses.TOTP_CODE", "{typo:?}");
    assert!(typo.set_cookie().is_none(), "the cookie is kept: {typo:?}");
    assert!(app.proxy.calls("VerifySoftwareToken").is_empty());
    let db = app.db.pool().await;
    let attempts: Vec<i64> = sqlx::query_scalar("SELECT attempts FROM challenges")
        .fetch_all(&db)
        .await
        .unwrap();
    assert_eq!(attempts, [0], "no attempt counted");

    let done = app
        .answer_challenge(
            &totp.cookie(),
            json!({"TOTP_CODE": totp_code(&secret).await}),
        )
        .await;
    assert_signed_in(&done);
    assert_eq!(app.proxy.calls("VerifySoftwareToken").len(), 1);
}
