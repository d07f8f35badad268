//! `next_step`: every sign-in, sign-up and refresh answer names what the client does next,
//! as Amplify names it, so a frontend can switch on one value — including errors that are
//! really steps (confirm the sign-up, reset the password).

use crate::support::*;
use aws_sdk_cognitoidentityprovider::types::MessageActionType;
use serde_json::{Value, json};

/// A `Set-Cookie` for the challenge cookie with the attributes it must always have.
#[track_caller]
fn assert_challenge_cookie(answer: &Response) -> String {
    let max_age = answer.challenge_cookie_max_age();
    assert!(max_age > 0, "Max-Age={max_age}");
    answer.cookie()
}

#[track_caller]
fn assert_done(answer: &Response) {
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["status"], "authenticated", "{answer:?}");
    assert_eq!(answer.body["next_step"], "DONE", "{answer:?}");
    assert!(answer.body.get("challenge").is_none(), "{answer:?}");
    assert!(answer.body.get("parameters").is_none(), "{answer:?}");
    assert!(answer.body["tokens"]["access_token"].is_string());
    assert_eq!(answer.headers.get("cache-control").unwrap(), "no-store");
}

#[tokio::test]
async fn sign_up_names_each_step_until_sign_in_is_done() {
    let app = TestApp::start().await;
    let signup = app
        .post(
            "/signup",
            json!({
                "username": "sam",
                "password": "Sam-Passw0rd!",
                "attributes": {"email": "sam@example.com"}
            }),
        )
        .await;
    assert_eq!(signup.status, 201, "{signup:?}");
    assert_eq!(signup.body["confirmed"], false);
    assert_eq!(signup.body["next_step"], "CONFIRM_SIGN_UP");

    let early = app.login("sam", "Sam-Passw0rd!").await;
    early.assert_problem(403, "user_not_confirmed");
    assert_eq!(early.body["next_step"], "CONFIRM_SIGN_UP");
    assert!(early.set_cookie().is_none());
    assert!(early.body.get("tokens").is_none());

    let confirmed = app
        .post(
            "/signup/confirm",
            json!({"username": "sam", "code": "123456"}),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    assert_eq!(confirmed.body["next_step"], "DONE");
    assert_eq!(confirmed.body["confirmed"], true);

    let login = app.login("sam", "Sam-Passw0rd!").await;
    assert_done(&login);
    assert!(login.set_cookie().is_none(), "no challenge, no cookie");
    assert_eq!(
        app.user_pool
            .accepts_access_token(&login.access_token())
            .await,
        Ok("sam".to_owned())
    );
}

#[tokio::test]
async fn an_invite_names_the_new_password_step_then_done() {
    let app = TestApp::start().await;
    app.user_pool.invite_user("jin", "Temp-Passw0rd!").await;

    let login = app.login("jin", "Temp-Passw0rd!").await;
    assert_eq!(login.status, 200, "{login:?}");
    assert_eq!(login.body["status"], "challenge");
    assert_eq!(login.body["challenge"], "NEW_PASSWORD_REQUIRED");
    assert_eq!(
        login.body["next_step"],
        "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED"
    );
    let parameters = login.body["parameters"]
        .as_object()
        .expect("parameters is an object");
    // Cognito sends requiredAttributes as JSON text; the client gets the list.
    if let Some(required) = parameters.get("requiredAttributes") {
        assert!(required.is_array(), "{login:?}");
    }
    // Cognito's internal name for the user stays on the server.
    for private in ["USER_ID_FOR_SRP", "USERNAME"] {
        assert!(!parameters.contains_key(private), "{login:?}");
    }
    assert!(login.body.get("tokens").is_none());
    let first = assert_challenge_cookie(&login);

    // A second sign-in starts over under a cookie of its own.
    let relogin = app
        .post_with_cookie(
            "/login",
            &first,
            json!({"username": "jin", "password": "Temp-Passw0rd!"}),
        )
        .await;
    assert_eq!(relogin.body["next_step"], login.body["next_step"]);
    let second = assert_challenge_cookie(&relogin);
    assert_ne!(first, second, "each step gets a fresh cookie");

    let answer = app
        .answer_challenge(&second, json!({"NEW_PASSWORD": "N3w-Passw0rd!"}))
        .await;
    assert_done(&answer);
    let cleared = answer.set_cookie().expect("the cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(
        app.user_pool
            .accepts_access_token(&answer.access_token())
            .await,
        Ok("jin".to_owned())
    );
}

#[tokio::test]
async fn a_required_password_reset_names_the_reset_step_in_either_flow() {
    for flow in ["USER_PASSWORD_AUTH", "USER_SRP_AUTH"] {
        let app = TestApp::builder()
            .set("COGNITO_AUTH_FLOW", flow)
            .start()
            .await;
        app.proxy.fail(
            "InitiateAuth",
            Reply::error(400, "PasswordResetRequiredException"),
            1,
        );
        let login = app.login(ADMIN, ADMIN_PASSWORD).await;
        login.assert_problem(403, "password_reset_required");
        assert_eq!(login.body["next_step"], "RESET_PASSWORD", "{flow}");
        assert!(login.set_cookie().is_none(), "{flow}");
        assert!(login.body.get("tokens").is_none(), "{flow}");
        let initiate = &app.proxy.calls("InitiateAuth")[0];
        assert_eq!(initiate["AuthFlow"], flow);
        assert!(app.proxy.calls("RespondToAuthChallenge").is_empty());

        // Once the fault is gone the same sign-in completes.
        assert_done(&app.login(ADMIN, ADMIN_PASSWORD).await);
    }
}

#[tokio::test]
async fn a_refresh_is_done_at_once() {
    let app = TestApp::start().await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    assert_done(&login);
    let refreshed = app
        .post_with_bearer(
            "/token/refresh",
            &login.access_token(),
            json!({"refresh_token": login.body["tokens"]["refresh_token"]}),
        )
        .await;
    assert_done(&refreshed);
    assert_eq!(
        app.user_pool
            .accepts_access_token(&refreshed.access_token())
            .await,
        Ok(ADMIN.to_owned())
    );
    assert_eq!(app.proxy.calls("GetTokensFromRefreshToken").len(), 1);
}

/// A user invited by email into a pool that signs in by email: a temporary password and
/// FORCE_CHANGE_PASSWORD.
async fn invite_by_email(pool: &UserPool, email: &str, temporary_password: &str) {
    pool.idp
        .admin_create_user()
        .user_pool_id(&pool.pool_id)
        .username(email)
        .temporary_password(temporary_password)
        .user_attributes(crate::support::cognito::attr("email", email))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .expect("invite user");
}

async fn internal_username(pool: &UserPool, alias: &str) -> String {
    pool.idp
        .admin_get_user()
        .user_pool_id(&pool.pool_id)
        .username(alias)
        .send()
        .await
        .expect("admin get user")
        .username()
        .to_owned()
}

// In a pool that signs in by email, the challenge answer must name the user as Cognito does
// (and hash that name), not by the email typed at login: Cognito refuses the SECRET_HASH of
// an alias there.
#[tokio::test]
async fn a_challenge_answer_after_password_sign_in_hashes_the_internal_username() {
    let app = TestApp::builder().email_as_username().start().await;
    let email = "ana@example.com";
    invite_by_email(&app.user_pool, email, "Temp-Passw0rd!").await;
    let internal = internal_username(&app.user_pool, email).await;
    assert_ne!(internal, email, "the pool keeps an internal username");

    let login = app.login(email, "Temp-Passw0rd!").await;
    assert_eq!(login.body["status"], "challenge", "{login:?}");
    assert_eq!(
        login.body["next_step"],
        "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED"
    );
    let initiate = &app.proxy.calls("InitiateAuth")[0];
    assert_eq!(initiate["AuthFlow"], "USER_PASSWORD_AUTH");
    assert_eq!(initiate["AuthParameters"]["USERNAME"], email);
    assert_eq!(
        initiate["AuthParameters"]["SECRET_HASH"],
        secret_hash(&app.user_pool, email)
    );

    let answer = app
        .answer_challenge(&login.cookie(), json!({"NEW_PASSWORD": "N3w-Passw0rd!"}))
        .await;
    assert_done(&answer);
    let respond = &app.proxy.calls("RespondToAuthChallenge")[0];
    assert_eq!(respond["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    let responses: &Value = &respond["ChallengeResponses"];
    assert_eq!(responses["USERNAME"], internal, "{respond}");
    assert_eq!(
        responses["SECRET_HASH"],
        secret_hash(&app.user_pool, &internal),
        "SECRET_HASH over the internal username"
    );
}
