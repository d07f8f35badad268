//! Keeping a session alive with the refresh token, and ending it so that its tokens are
//! refused at once, on every replica.

use crate::support::*;
use reqwest::Method;
use serde_json::json;

fn refresh_token(login: &Response) -> String {
    login.body["tokens"]["refresh_token"]
        .as_str()
        .expect("a refresh token")
        .to_owned()
}

/// `POST /logout` with only the access token as bearer: this device's sign-in ends.
async fn logout_by_access_token(app: &TestApp, token: &str) -> Response {
    app.send(app.with_bearer(Method::POST, "/logout", token))
        .await
}

#[tokio::test]
async fn an_app_refreshes_with_the_refresh_token_alone_and_the_client_secret_goes_with_it() {
    let app = TestApp::start().await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    let refreshed = app
        .post(
            "/token/refresh",
            json!({"refresh_token": refresh_token(&login)}),
        )
        .await;
    assert_eq!(refreshed.status, 200, "{refreshed:?}");
    assert_eq!(refreshed.body["status"], "authenticated");
    assert_eq!(
        app.user_pool
            .accepts_access_token(&refreshed.access_token())
            .await,
        Ok(ADMIN.to_owned())
    );
    // GetTokensFromRefreshToken takes the client secret itself: no SECRET_HASH, so no
    // username to hash it over.
    let sent = app.proxy.calls("GetTokensFromRefreshToken").pop().unwrap();
    assert_eq!(sent["ClientId"], app.user_pool.client_id.as_str());
    assert_eq!(
        sent["ClientSecret"],
        app.user_pool.client_secret.as_deref().unwrap()
    );
    assert!(sent.get("AuthParameters").is_none(), "{sent}");
    assert!(
        app.proxy
            .calls("InitiateAuth")
            .iter()
            .all(|c| c["AuthFlow"] != "REFRESH_TOKEN_AUTH"),
        "no REFRESH_TOKEN_AUTH"
    );
    // Without rotation the refresh token lives on, and the answer hands out no other.
    assert!(
        refreshed.body["tokens"]["refresh_token"].is_null(),
        "{refreshed:?}"
    );
}

// The pitfall the seed memo met: in a pool that signs in by email, REFRESH_TOKEN_AUTH wanted
// SECRET_HASH over the internal username (the sub), not the email typed at sign-in.
// GetTokensFromRefreshToken takes the secret itself, so nobody has to be looked up.
#[tokio::test]
async fn in_a_pool_that_signs_in_by_email_a_refresh_looks_nobody_up() {
    let app = TestApp::builder().email_as_username().start().await;
    let email = "ana@example.com";
    app.user_pool.create_user(email, "Ana-Passw0rd!").await;
    let login = app.login(email, "Ana-Passw0rd!").await;
    assert_eq!(login.body["status"], "authenticated", "{login:?}");

    let refreshed = app
        .post(
            "/token/refresh",
            json!({"refresh_token": refresh_token(&login)}),
        )
        .await;
    assert_eq!(refreshed.status, 200, "{refreshed:?}");
    assert_eq!(app.proxy.calls("GetTokensFromRefreshToken").len(), 1);
    assert!(app.proxy.calls("AdminGetUser").is_empty());
}

#[tokio::test]
async fn a_refresh_needs_a_valid_token_and_ignores_a_username() {
    let app = TestApp::start().await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    let nothing = app.post("/token/refresh", json!({})).await;
    nothing.assert_problem(400, "invalid_request");
    assert_eq!(nothing.body["field"], "refresh_token");

    app.post(
        "/token/refresh",
        json!({"refresh_token": "not-a-refresh-token"}),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
    // A username, which a refresh once needed with a client secret, changes nothing.
    let named = app
        .post(
            "/token/refresh",
            json!({"refresh_token": refresh_token(&login), "username": "nobody"}),
        )
        .await;
    assert_eq!(named.status, 200, "{named:?}");
}

#[tokio::test]
async fn logging_out_this_device_revokes_the_refresh_token_and_kills_its_access_token_at_once() {
    let app = TestApp::start().await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    let other_device = app.login(ADMIN, ADMIN_PASSWORD).await;
    let access = login.access_token();
    assert_eq!(app.verify_status(&access).await, 200);

    let logout = app
        .post_with_bearer(
            "/logout",
            &access,
            json!({"refresh_token": refresh_token(&login)}),
        )
        .await;
    assert_eq!(logout.status, 204, "{logout:?}");

    let revoke = &app.proxy.calls("RevokeToken")[0];
    assert_eq!(revoke["Token"], refresh_token(&login));
    assert_eq!(revoke["ClientId"], app.user_pool.client_id);
    assert_eq!(
        revoke["ClientSecret"],
        *app.user_pool.client_secret.as_ref().unwrap()
    );

    assert_eq!(
        app.verify_status(&access).await,
        401,
        "refused before its exp"
    );
    app.get_with_bearer("/me", &access)
        .await
        .assert_problem(401, "invalid_token");
    assert_eq!(
        app.verify_status(&other_device.access_token()).await,
        200,
        "another device's sign-in is untouched"
    );
    // Cognito itself no longer takes the refresh token or its access token.
    assert!(app.user_pool.accepts_access_token(&access).await.is_err());
    app.post(
        "/token/refresh",
        json!({"refresh_token": refresh_token(&login), "username": ADMIN}),
    )
    .await
    .assert_problem(401, "invalid_refresh_token");
}

#[tokio::test]
async fn the_local_revocation_holds_even_when_cognito_cannot_revoke() {
    let app = TestApp::start().await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    let access = login.access_token();
    app.proxy.fail("RevokeToken", Reply::SERVER_ERROR, 1);
    let logout = app
        .post_with_bearer(
            "/logout",
            &access,
            json!({"refresh_token": refresh_token(&login)}),
        )
        .await;
    logout.assert_problem(503, "cognito_unavailable");
    assert_eq!(app.verify_status(&access).await, 401);
}

#[tokio::test]
async fn logging_out_everywhere_signs_out_every_device() {
    let app = TestApp::start().await;
    let phone = app.login(ADMIN, ADMIN_PASSWORD).await;
    let laptop = app.login(ADMIN, ADMIN_PASSWORD).await;

    let logout = app
        .post_with_bearer(
            "/logout",
            &phone.access_token(),
            json!({"everywhere": true}),
        )
        .await;
    assert_eq!(logout.status, 204, "{logout:?}");
    assert_eq!(app.proxy.calls("GlobalSignOut").len(), 1);

    for device in [&phone, &laptop] {
        assert_eq!(app.verify_status(&device.access_token()).await, 401);
        // Cognito itself refuses the refresh tokens now.
        app.send(
            app.http
                .post(app.url("/token/refresh"))
                .json(&json!({"refresh_token": refresh_token(device), "username": ADMIN})),
        )
        .await
        .assert_problem(401, "invalid_refresh_token");
    }
}

#[tokio::test]
async fn logging_out_everywhere_needs_the_access_token() {
    let app = TestApp::start().await;
    app.post("/logout", json!({"everywhere": true}))
        .await
        .assert_problem(401, "missing_token");
    app.send(app.http.post(app.url("/logout")))
        .await
        .assert_problem(400, "invalid_request");
    assert!(app.proxy.calls("GlobalSignOut").is_empty());
}

#[tokio::test]
async fn a_logout_on_one_replica_is_refused_on_the_other() {
    let a = TestApp::start().await;
    let b = a.replica().start().await;
    let login = a.login(ADMIN, ADMIN_PASSWORD).await;
    let access = login.access_token();
    assert_eq!(
        b.verify_status(&access).await,
        200,
        "B has verified and cached it"
    );

    let mut b_changes = b.state.revocations.subscribe();
    let logout = logout_by_access_token(&a, &access).await;
    assert_eq!(logout.status, 204, "{logout:?}");
    assert_eq!(a.verify_status(&access).await, 401);

    // B hears of it by notification on Postgres, by its poll on SQLite.
    tokio::time::timeout(std::time::Duration::from_secs(10), b_changes.changed())
        .await
        .expect("the revocation reaches the other replica")
        .unwrap();
    assert_eq!(b.verify_status(&access).await, 401);
}

#[tokio::test]
async fn expired_revocations_are_purged_and_live_ones_kept() {
    let app = TestApp::start().await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(
        logout_by_access_token(&app, &login.access_token())
            .await
            .status,
        204
    );
    let db = app.db.pool().await;
    sqlx::query(
        "INSERT INTO revocations (id, not_before, expires_at, revoked_at) VALUES ('jti:old', 0, 1, 1)",
    )
    .execute(&db)
    .await
    .unwrap();

    assert_eq!(app.state.revocations.purge_expired().await.unwrap(), 1);
    let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM revocations")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(left, 1, "the live revocation stays");
    assert_eq!(app.verify_status(&login.access_token()).await, 401);
}

#[tokio::test]
async fn a_malformed_logout_revokes_nothing() {
    let app = TestApp::start().await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    let access = login.access_token();
    let bad = app
        .post_with_bearer(
            "/logout",
            &access,
            json!({"refresh_token": "x".repeat(9000)}),
        )
        .await;
    bad.assert_problem(400, "invalid_request");
    assert_eq!(
        app.verify_status(&access).await,
        200,
        "the session is still alive"
    );
}

#[tokio::test]
async fn a_session_logged_out_by_access_token_cannot_be_refreshed_here() {
    let app = TestApp::start().await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(
        logout_by_access_token(&app, &login.access_token())
            .await
            .status,
        204
    );
    // Cognito still honours the refresh token (it was never sent to RevokeToken); the
    // access token it mints descends from the revoked sign-in and is refused.
    let refreshed = app
        .post(
            "/token/refresh",
            json!({"refresh_token": refresh_token(&login), "username": ADMIN}),
        )
        .await;
    refreshed.assert_problem(401, "invalid_refresh_token");
    assert_eq!(
        app.proxy.calls("GetTokensFromRefreshToken").len(),
        1,
        "Cognito was asked"
    );
}

#[tokio::test]
async fn logging_out_with_the_refresh_token_alone_ends_its_access_tokens_at_once_everywhere() {
    let a = TestApp::start().await;
    let b = a.replica().start().await;
    let login = a.login(ADMIN, ADMIN_PASSWORD).await;
    let access = login.access_token();
    assert_eq!(a.verify_status(&access).await, 200);
    assert_eq!(
        b.verify_status(&access).await,
        200,
        "B has verified and cached it"
    );

    let mut b_changes = b.state.revocations.subscribe();
    let logout = a
        .post("/logout", json!({"refresh_token": refresh_token(&login)}))
        .await;
    assert_eq!(logout.status, 204, "{logout:?}");
    assert_eq!(
        a.proxy.calls("RevokeToken")[0]["Token"],
        refresh_token(&login)
    );
    assert_eq!(a.verify_status(&access).await, 401);
    tokio::time::timeout(std::time::Duration::from_secs(10), b_changes.changed())
        .await
        .expect("the revocation reaches the other replica")
        .unwrap();
    assert_eq!(b.verify_status(&access).await, 401);

    // Cognito confirmed the refresh token is dead, so the revocation need only outlive the
    // access tokens already out, and the record of the refresh token goes.
    let db = a.db.pool().await;
    let (expires_at,): (i64,) =
        sqlx::query_as("SELECT expires_at FROM revocations WHERE id LIKE 'jti:%'")
            .fetch_one(&db)
            .await
            .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        expires_at <= now + 24 * 3600 + 5,
        "expires in {} s",
        expires_at - now
    );
    let (records,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM refresh_tokens")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(records, 0);
}

#[tokio::test]
async fn refresh_tokens_are_recorded_only_as_keyed_hashes() {
    let app = TestApp::start().await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    let refresh = refresh_token(&login);
    let db = app.db.pool().await;
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT token_hash, origin_jti FROM refresh_tokens")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let (hash, _) = &rows[0];
    assert_ne!(hash, &refresh);
    let plain_digest = {
        use base64::Engine;
        use sha2::Digest;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(&refresh))
    };
    assert_ne!(hash, &plain_digest, "keyed, not a bare digest");
}

#[tokio::test]
async fn a_confirmed_sign_out_everywhere_replaces_the_users_earlier_session_revocations() {
    let app = TestApp::start().await;
    let phone = app.login(ADMIN, ADMIN_PASSWORD).await;
    let laptop = app.login(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(
        logout_by_access_token(&app, &phone.access_token())
            .await
            .status,
        204
    );
    assert_eq!(app.state.revocations.len(), 1);

    let logout = app
        .post_with_bearer(
            "/logout",
            &laptop.access_token(),
            json!({"everywhere": true}),
        )
        .await;
    assert_eq!(logout.status, 204, "{logout:?}");
    // One entry covers the user now: the phone's is superseded, in the database at once and
    // in memory at the next purge.
    app.state.revocations.purge_expired().await.unwrap();
    assert_eq!(app.state.revocations.len(), 1);
    let db = app.db.pool().await;
    let rows: Vec<(String, i64, i64, Option<i64>)> =
        sqlx::query_as("SELECT id, not_before, revoked_at, supersedes_before FROM revocations")
            .fetch_all(&db)
            .await
            .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let (id, not_before, _, supersedes_before) = &rows[0];
    assert!(id.starts_with("sub:"), "{id}");
    let supersedes_before = supersedes_before.expect("confirmed");
    // Stamped by the database's clock, like the rest of the list, and moved past the moment
    // Cognito confirmed, with a margin, so tokens minted until then are refused too.
    assert!(*not_before > supersedes_before / 1000, "{rows:?}");
    for device in [&phone, &laptop] {
        assert_eq!(app.verify_status(&device.access_token()).await, 401);
    }
}

#[tokio::test]
async fn logging_out_everywhere_succeeds_when_cognito_says_the_token_is_already_gone() {
    let app = TestApp::start().await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    // Neither Cognito call works: the sign-out here still holds.
    app.proxy.fail(
        "AdminUserGlobalSignOut",
        Reply::error(400, "NotAuthorizedException"),
        1,
    );
    app.proxy.fail(
        "GlobalSignOut",
        Reply::error(400, "NotAuthorizedException"),
        1,
    );
    let logout = app
        .post_with_bearer(
            "/logout",
            &login.access_token(),
            json!({"everywhere": true}),
        )
        .await;
    assert_eq!(logout.status, 204, "{logout:?}");
    assert_eq!(app.verify_status(&login.access_token()).await, 401);
}

/// The emulator refuses GlobalSignOut for every pool outside us-east-1 (it can't tell the
/// region of an unsigned call): what a user sees when Cognito no longer takes the token.
#[tokio::test]
async fn signing_out_everywhere_on_a_pool_outside_us_east_1() {
    let app = TestApp::builder().region("eu-west-1").start().await;
    assert!(app.user_pool.pool_id.starts_with("eu-west-1_"));
    let phone = app.login(ADMIN, ADMIN_PASSWORD).await;
    let laptop = app.login(ADMIN, ADMIN_PASSWORD).await;
    let logout = app
        .post_with_bearer(
            "/logout",
            &laptop.access_token(),
            json!({"everywhere": true}),
        )
        .await;
    assert_eq!(logout.status, 204, "{logout:?}");
    assert_eq!(app.proxy.calls("GlobalSignOut").len(), 1);
    // The service's own credentials end the sessions instead, as the user asked.
    let admin = app.proxy.calls("AdminUserGlobalSignOut");
    assert_eq!(admin.len(), 1);
    assert_eq!(admin[0]["Username"], ADMIN);
    for device in [&phone, &laptop] {
        assert_eq!(app.verify_status(&device.access_token()).await, 401);
        app.post(
            "/token/refresh",
            json!({"refresh_token": refresh_token(device), "username": ADMIN}),
        )
        .await
        .assert_problem(401, "invalid_refresh_token");
    }
}

#[tokio::test]
async fn a_refresh_token_cognito_would_not_revoke_stays_refused_here() {
    let app = TestApp::start().await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    // Token revocation turned off for the app client, say: the token still works there.
    app.proxy.fail(
        "RevokeToken",
        Reply::error(400, "UnsupportedTokenTypeException"),
        1,
    );
    let logout = app
        .post("/logout", json!({"refresh_token": refresh_token(&login)}))
        .await;
    assert_eq!(logout.status, 204, "{logout:?}");
    assert_eq!(app.verify_status(&login.access_token()).await, 401);
    let db = app.db.pool().await;
    let (expires_at,): (i64,) =
        sqlx::query_as("SELECT expires_at FROM revocations WHERE id LIKE 'jti:%'")
            .fetch_one(&db)
            .await
            .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!(
        expires_at > now + 29 * 24 * 3600,
        "kept for as long as the refresh token lives: {} s",
        expires_at - now
    );
}

#[tokio::test]
async fn a_user_signing_in_and_out_in_a_loop_is_signed_out_everywhere_instead_of_growing_the_list()
{
    let app = TestApp::start().await;
    let mut tokens = Vec::new();
    for _ in 0..33 {
        tokens.push(app.login(ADMIN, ADMIN_PASSWORD).await.access_token());
    }
    for token in &tokens[..32] {
        assert_eq!(logout_by_access_token(&app, token).await.status, 204);
    }
    assert_eq!(app.state.revocations.len(), 32);
    assert!(app.proxy.calls("AdminUserGlobalSignOut").is_empty());

    assert_eq!(logout_by_access_token(&app, &tokens[32]).await.status, 204);
    assert_eq!(app.proxy.calls("AdminUserGlobalSignOut").len(), 1);
    // The name still belongs to the user it was signed in as.
    assert_eq!(app.proxy.calls("AdminGetUser").len(), 1);
    // One entry now covers the user, in the database and, after the purge, in memory.
    app.state.revocations.purge_expired().await.unwrap();
    assert_eq!(app.state.revocations.len(), 1);
    let db = app.db.pool().await;
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM revocations")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    for token in &tokens {
        assert_eq!(app.verify_status(token).await, 401);
    }
}
