//! Refresh-token rotation: an app client that hands out a new refresh token with every
//! refresh, and refuses the one it replaced. Browser sessions keep the newest; apps get it in
//! the answer; a logout with the newest ends the whole chain.

use crate::support::browser::{Browser, four_calls_at_once};
use crate::support::*;
use serde_json::json;

fn refresh_token(answer: &Response) -> String {
    answer.body["tokens"]["refresh_token"]
        .as_str()
        .unwrap_or_else(|| panic!("a refresh token in {answer:?}"))
        .to_owned()
}

async fn refresh(app: &TestApp, token: &str) -> Response {
    app.post("/token/refresh", json!({"refresh_token": token}))
        .await
}

#[tokio::test]
async fn a_browser_session_keeps_the_rotated_token_refreshing_once_across_two_replicas() {
    let app = TestApp::start().await;
    app.user_pool.rotate_refresh_tokens(0).await;
    let replica = app.replica().start().await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let before = browser.stored().await.unwrap();
    browser.about_to_expire().await;
    let on_replica = browser.on(&replica);

    four_calls_at_once(&browser, &on_replica, "/me").await;
    let spent = app.proxy.calls("GetTokensFromRefreshToken").len()
        + replica.proxy.calls("GetTokensFromRefreshToken").len();
    assert_eq!(
        spent, 1,
        "one refresh token spent once across both replicas"
    );
    let after = browser.stored().await.unwrap();
    assert_ne!(after.tokens.refresh_token, before.tokens.refresh_token);

    // The next refresh spends the rotated token, not the one it replaced (which Cognito would
    // now refuse, ending the session).
    browser.about_to_expire().await;
    assert_eq!(browser.get("/me").await.status, 200);
    let spent_now = |calls: Vec<serde_json::Value>| {
        calls
            .into_iter()
            .map(|call| call["RefreshToken"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let on_app = spent_now(app.proxy.calls("GetTokensFromRefreshToken"));
    let mut all = [
        on_app.clone(),
        spent_now(replica.proxy.calls("GetTokensFromRefreshToken")),
    ]
    .concat();
    assert_eq!(on_app.last(), Some(&after.tokens.refresh_token));
    all.sort();
    let mut expected = vec![
        before.tokens.refresh_token.clone(),
        after.tokens.refresh_token.clone(),
    ];
    expected.sort();
    assert_eq!(all, expected, "each token spent once");
}

#[tokio::test]
async fn a_session_whose_token_was_rotated_away_ends_like_any_refused_refresh() {
    let app = TestApp::start().await;
    app.user_pool.rotate_refresh_tokens(0).await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    browser.about_to_expire().await;
    app.proxy.fail(
        "GetTokensFromRefreshToken",
        Reply::error(400, "RefreshTokenReuseException"),
        1,
    );

    browser.get("/me").await.assert_problem(401, "no_session");
    assert!(browser.stored().await.is_none());
}

#[tokio::test]
async fn an_app_gets_the_rotated_token_and_the_one_it_replaced_is_refused() {
    let app = TestApp::start().await;
    app.user_pool.rotate_refresh_tokens(0).await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    let first = refresh_token(&login);

    let refreshed = refresh(&app, &first).await;
    assert_eq!(refreshed.status, 200, "{refreshed:?}");
    let second = refresh_token(&refreshed);
    assert_ne!(second, first);

    refresh(&app, &first)
        .await
        .assert_problem(401, "invalid_refresh_token");
    let again = refresh(&app, &second).await;
    assert_eq!(again.status, 200, "{again:?}");
    assert_ne!(refresh_token(&again), second);
}

#[tokio::test]
async fn an_app_retrying_within_the_grace_period_still_gets_tokens() {
    let app = TestApp::start().await;
    app.user_pool.rotate_refresh_tokens(60).await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    let first = refresh_token(&login);

    let lost = refresh(&app, &first).await;
    assert_eq!(lost.status, 200, "{lost:?}");
    // The answer never reached the app; it tries again with the token it has.
    let retried = refresh(&app, &first).await;
    assert_eq!(retried.status, 200, "{retried:?}");
    assert_eq!(
        app.verify_status(&retried.access_token()).await,
        200,
        "the retry's access token works"
    );
}

#[tokio::test]
async fn a_logout_with_the_newest_token_ends_the_access_tokens_of_the_whole_chain() {
    let app = TestApp::start().await;
    app.user_pool.rotate_refresh_tokens(0).await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    let refreshed = refresh(&app, &refresh_token(&login)).await;
    let newest = refresh_token(&refreshed);
    for token in [login.access_token(), refreshed.access_token()] {
        assert_eq!(app.verify_status(&token).await, 200);
    }

    let logout = app.post("/logout", json!({"refresh_token": newest})).await;
    assert_eq!(logout.status, 204, "{logout:?}");
    for token in [login.access_token(), refreshed.access_token()] {
        assert_eq!(app.verify_status(&token).await, 401, "refused at once");
    }
    refresh(&app, &newest)
        .await
        .assert_problem(401, "invalid_refresh_token");
}

/// An access token as the index reads it: only its claims matter there.
fn access_token_of(sub: &str, origin_jti: &str) -> String {
    use base64::Engine;
    let claims = json!({"sub": sub, "username": sub, "origin_jti": origin_jti});
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("header.{encoded}.signature")
}

// The emulator keeps one origin_jti for a rotation chain (see docs/testing.md); Cognito does
// not say it does. Where each rotated token names another sign-in, the newest token's record
// names them all, and lives as long as the first token would have.
#[tokio::test]
async fn a_rotated_token_names_every_sign_in_of_its_chain_and_the_first_ones_expiry() {
    use std::time::Duration;
    let app = TestApp::start().await;
    let index = &app.state.refresh_tokens;
    let day = Duration::from_secs(86_400);
    index
        .remember("r0", &access_token_of("u", "o0"), day)
        .await
        .unwrap();
    index
        .remember_rotated("r1", &access_token_of("u", "o1"), "r0", day * 30)
        .await
        .unwrap();
    index
        .remember_rotated("r2", &access_token_of("u", "o1"), "r1", day * 30)
        .await
        .unwrap();

    let first = index.find("r0").await.unwrap().unwrap();
    let newest = index.find("r2").await.unwrap().unwrap();
    assert_eq!(newest.sign_ins().collect::<Vec<_>>(), ["o1", "o0"]);
    assert_eq!(newest.expires_at, first.expires_at);
    // A token rotated from one issued elsewhere starts its own chain.
    index
        .remember_rotated("r9", &access_token_of("u", "o9"), "unknown", day)
        .await
        .unwrap();
    let alone = index.find("r9").await.unwrap().unwrap();
    assert_eq!(alone.sign_ins().collect::<Vec<_>>(), ["o9"]);
    // And one rotated from another user's token takes none of that user's sign-ins.
    index
        .remember_rotated("r7", &access_token_of("v", "o7"), "r2", day)
        .await
        .unwrap();
    let other = index.find("r7").await.unwrap().unwrap();
    assert_eq!(other.sign_ins().collect::<Vec<_>>(), ["o7"]);
}

#[tokio::test]
async fn a_logout_with_a_token_rotation_replaced_signs_the_user_out_everywhere() {
    let app = TestApp::start().await;
    app.user_pool.rotate_refresh_tokens(0).await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    let stale = refresh_token(&login);
    // Someone holding a copy refreshed it: the copy's successor lives elsewhere.
    let elsewhere = refresh(&app, &stale).await;
    let successor = refresh_token(&elsewhere);

    let logout = app.post("/logout", json!({"refresh_token": stale})).await;
    assert_eq!(logout.status, 204, "{logout:?}");
    assert_eq!(
        app.proxy.calls("AdminUserGlobalSignOut").len(),
        1,
        "every session of the user ends"
    );
    assert_eq!(app.verify_status(&elsewhere.access_token()).await, 401);
    refresh(&app, &successor)
        .await
        .assert_problem(401, "invalid_refresh_token");
}
