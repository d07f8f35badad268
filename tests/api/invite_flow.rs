//! The scenario the service exists for: an admin invites a user, who signs in with the
//! temporary password, answers NEW_PASSWORD_REQUIRED through the server-side challenge, and
//! gets tokens Cognito accepts.

use crate::support::*;
use serde_json::json;

#[tokio::test]
async fn an_invited_user_sets_a_new_password_through_the_challenge_and_gets_tokens() {
    let app = TestApp::start().await;
    let admin = app.admin_token().await;

    // The seed's invite: typed attributes, including a numeric updated_at.
    let invited = app
        .post_with_bearer(
            "/admin/users",
            &admin,
            json!({
                "username": "jin",
                "attributes": {
                    "email": "jin@example.com",
                    "gender": "female",
                    "birthdate": "1990-02-28",
                    "nickname": "jin",
                    "updated_at": 1700000000
                },
                "temporary_password": "Temp-Passw0rd!",
                "delivery": ["EMAIL"]
            }),
        )
        .await;
    assert_eq!(invited.status, 201, "{invited:?}");
    assert_eq!(invited.body["username"], "jin");
    assert_eq!(invited.body["status"], "FORCE_CHANGE_PASSWORD");
    assert!(invited.body["sub"].as_str().is_some_and(|s| !s.is_empty()));

    let (status, attributes) = app.user_pool.admin_get_user("jin").await;
    assert_eq!(status, "FORCE_CHANGE_PASSWORD");
    for (name, value) in [
        ("updated_at", "1700000000"),
        ("birthdate", "1990-02-28"),
        ("gender", "female"),
        ("nickname", "jin"),
    ] {
        assert!(
            attributes.contains(&(name.to_owned(), value.to_owned())),
            "{name} not stored as {value:?}: {attributes:?}"
        );
    }

    // Login with the temporary password: a challenge and a cookie, no Cognito session.
    let login = app.login("jin", "Temp-Passw0rd!").await;
    assert_eq!(login.status, 200, "{login:?}");
    assert_eq!(login.body["status"], "challenge");
    assert_eq!(login.body["challenge"], "NEW_PASSWORD_REQUIRED");
    assert!(login.body.get("session").is_none() && login.body.get("Session").is_none());
    let set_cookie = login.set_cookie().expect("challenge cookie");
    let max_age = login.challenge_cookie_max_age();
    assert!((170..=180).contains(&max_age), "Max-Age={max_age}");
    assert_eq!(
        login.headers.get("cache-control").unwrap(),
        "no-store",
        "challenge answers must not be cached"
    );

    let answer = app
        .answer_challenge(&login.cookie(), json!({"NEW_PASSWORD": "N3w-Passw0rd!"}))
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["status"], "authenticated");
    let tokens = &answer.body["tokens"];
    assert_eq!(tokens["token_type"], "Bearer");
    assert!(tokens["expires_in"].as_i64().unwrap() > 0);
    assert!(tokens["id_token"].is_string() && tokens["refresh_token"].is_string());
    let cleared = answer.set_cookie().expect("the cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");

    // Cognito accepts the tokens, and the user's password is now the new one.
    assert_eq!(
        app.user_pool
            .accepts_access_token(&answer.access_token())
            .await,
        Ok("jin".to_owned())
    );
    assert_eq!(app.user_pool.admin_get_user("jin").await.0, "CONFIRMED");
    assert_eq!(
        app.login("jin", "N3w-Passw0rd!").await.body["status"],
        "authenticated"
    );

    // What reached Cognito: USERNAME, SECRET_HASH and Session filled in by the server, and a
    // Session that never appeared in anything the client received.
    let responds = app.proxy.calls("RespondToAuthChallenge");
    assert_eq!(responds.len(), 1);
    let sent = &responds[0];
    assert_eq!(sent["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    assert_eq!(sent["ChallengeResponses"]["USERNAME"], "jin");
    assert_eq!(
        sent["ChallengeResponses"]["SECRET_HASH"],
        secret_hash(&app.user_pool, "jin")
    );
    let session = sent["Session"].as_str().expect("a Session was sent");
    assert!(!login.body.to_string().contains(session));
    assert!(!set_cookie.contains(session));
    let initiate = app.proxy.calls("InitiateAuth").pop().unwrap();
    assert_eq!(initiate["AuthParameters"]["USERNAME"], "jin");
    assert_eq!(initiate["AuthFlow"], "USER_PASSWORD_AUTH");
    assert_eq!(
        initiate["AuthParameters"]["SECRET_HASH"],
        secret_hash(&app.user_pool, "jin")
    );
}

#[tokio::test]
async fn only_members_of_the_admin_group_can_invite() {
    let app = TestApp::start().await;
    app.user_pool
        .create_user("mallory", "Mall0ry-Passw0rd!")
        .await;
    let mallory = app
        .login("mallory", "Mall0ry-Passw0rd!")
        .await
        .access_token();
    let invite = json!({"username": "victim", "attributes": {"email": "v@example.com"}});

    let anonymous = app.post("/admin/users", invite.clone()).await;
    anonymous.assert_problem(401, "missing_token");
    assert_eq!(anonymous.headers.get("www-authenticate").unwrap(), "Bearer");

    let forged = app
        .post_with_bearer("/admin/users", "not.a.token", invite.clone())
        .await;
    forged.assert_problem(401, "invalid_token");
    assert_eq!(
        forged.headers.get("www-authenticate").unwrap(),
        "Bearer error=\"invalid_token\""
    );

    // An ID token is not an access token, even for an admin.
    let admin_login = app.login(ADMIN, ADMIN_PASSWORD).await;
    let id_token = admin_login.body["tokens"]["id_token"].as_str().unwrap();
    app.post_with_bearer("/admin/users", id_token, invite.clone())
        .await
        .assert_problem(401, "invalid_token");

    app.post_with_bearer("/admin/users", &mallory, invite.clone())
        .await
        .assert_problem(403, "forbidden");
    // Membership is checked before the body is even read.
    app.post_with_bearer("/admin/users", &mallory, json!({"nonsense": true}))
        .await
        .assert_problem(403, "forbidden");

    assert!(
        app.proxy.calls("AdminCreateUser").is_empty(),
        "no refused caller may reach AdminCreateUser"
    );
}

#[tokio::test]
async fn a_client_without_a_secret_sends_no_secret_hash() {
    let app = TestApp::builder().without_client_secret().start().await;
    app.user_pool.invite_user("ana", "Temp-Passw0rd!").await;
    let login = app.login("ana", "Temp-Passw0rd!").await;
    let answer = app
        .answer_challenge(&login.cookie(), json!({"NEW_PASSWORD": "N3w-Passw0rd!"}))
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let initiate = app.proxy.calls("InitiateAuth").pop().unwrap();
    assert_eq!(initiate["AuthParameters"]["USERNAME"], "ana");
    assert!(initiate["AuthParameters"].get("SECRET_HASH").is_none());
    let respond = &app.proxy.calls("RespondToAuthChallenge")[0];
    assert!(respond["ChallengeResponses"].get("SECRET_HASH").is_none());
}
