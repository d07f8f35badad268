//! Someone holds a copy of a user's session cookie. A change of password or of MFA takes the
//! session away from them whatever they do meanwhile, ends the user's other sessions, and
//! the factors that guard the account can't be changed without a recent sign-in.

use std::sync::Arc;

use aws_sdk_cognitoidentityprovider::types::UserPoolMfaType;

use crate::support::browser::{Browser, SESSION_COOKIE, assert_no_token};
use crate::support::mfa::{secret_of, totp_code};
use crate::support::*;
use serde_json::{Value, json};

const PASSWORD: &str = "First-Passw0rd!";
const NEW_PASSWORD: &str = "Second-Passw0rd!";

async fn app_with_mina(builder: AppBuilder) -> TestApp {
    let app = builder.start().await;
    app.user_pool.create_user("mina", PASSWORD).await;
    app
}

/// A browser signed in as mina.
async fn signed_in(app: &TestApp) -> Browser<'_> {
    let browser = Browser::new(app);
    let login = browser.login("mina", PASSWORD).await;
    assert_eq!(login.body["status"], "authenticated", "{login:?}");
    browser
}

/// Another browser holding a copy of `browser`'s session cookie.
fn thief<'a>(app: &'a TestApp, browser: &Browser<'_>) -> Browser<'a> {
    let copy = Browser::new(app);
    copy.plant(SESSION_COOKIE, &browser.session_cookie().unwrap());
    copy
}

async fn change_password(browser: &Browser<'_>) -> Response {
    browser
        .post(
            "/password/change",
            json!({"previous_password": PASSWORD, "proposed_password": NEW_PASSWORD}),
        )
        .await
}

#[tokio::test]
async fn a_thief_refreshing_during_a_password_change_still_loses_the_session() {
    let app = app_with_mina(TestApp::builder()).await;
    let victim = signed_in(&app).await;
    let stolen = thief(&app, &victim);
    let before = victim.session_cookie().unwrap();

    // Cognito takes its time over the change; the thief refreshes the session meanwhile.
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    app.proxy.then("ChangePassword", Reply::Gate(gate.clone()));
    let (changed, refreshed) = tokio::join!(change_password(&victim), async {
        app.proxy.wait_for("ChangePassword", 1).await;
        let refreshed = stolen.post("/token/refresh", json!({})).await;
        gate.add_permits(1);
        refreshed
    });
    assert_eq!(
        refreshed.status, 200,
        "the refresh itself works: {refreshed:?}"
    );
    assert_eq!(changed.status, 200, "{changed:?}");
    assert_eq!(changed.body["session"], "renewed");

    let after = victim.session_cookie().unwrap();
    assert_ne!(after, before, "a new id");
    victim.assert_signed_in().await;
    let old = Browser::new(&app);
    old.plant(SESSION_COOKIE, &before);
    old.assert_signed_out().await;
    old.post("/token/refresh", json!({}))
        .await
        .assert_problem(401, "no_session");
}

#[tokio::test]
async fn a_refresh_under_way_at_a_password_change_is_kept_and_the_old_cookie_still_dies() {
    let app = app_with_mina(TestApp::builder()).await;
    let victim = signed_in(&app).await;
    let stolen = thief(&app, &victim);
    let before = victim.stored().await.unwrap();

    // The thief's refresh holds the session's lease, its call to Cognito held, while the
    // victim changes the password: the change waits for it rather than lose what it stores.
    let refresh_gate = Arc::new(tokio::sync::Semaphore::new(0));
    app.proxy.then(
        "GetTokensFromRefreshToken",
        Reply::Gate(refresh_gate.clone()),
    );
    let (refreshed, changed) = tokio::join!(stolen.post("/token/refresh", json!({})), async {
        app.proxy.wait_for("GetTokensFromRefreshToken", 1).await;
        let change = change_password(&victim);
        let release = async {
            app.proxy.wait_for_reply("ChangePassword", 1).await;
            refresh_gate.add_permits(1);
        };
        tokio::join!(change, release).0
    });
    assert_eq!(refreshed.status, 200, "{refreshed:?}");
    assert_eq!(changed.status, 200, "{changed:?}");
    assert_eq!(changed.body["session"], "renewed");

    // The renewed session holds the tokens the refresh stored, not the ones before it.
    let after = victim.stored().await.unwrap();
    assert_ne!(after.tokens.access_token, before.tokens.access_token);
    assert_eq!(after.version, before.version + 1);
    assert_eq!(victim.post("/token/refresh", json!({})).await.status, 200);
    stolen.assert_signed_out().await;
}

#[tokio::test]
async fn a_session_whose_id_cant_be_renewed_is_ended_rather_than_kept() {
    let app = app_with_mina(TestApp::builder()).await;
    let victim = signed_in(&app).await;
    let stolen = thief(&app, &victim);
    let held = victim.stored().await.unwrap();
    // Another replica holds the session's refresh lease for as long as anyone waits.
    sqlx::query("UPDATE browser_sessions SET refresh_leased_until = $1")
        .bind(cognito_bff::clock::now_ms() + 3_600_000)
        .execute(&app.db.pool().await)
        .await
        .unwrap();

    let changed = change_password(&victim).await;
    assert_eq!(changed.status, 200, "the password did change: {changed:?}");
    assert_eq!(changed.body["session"], "ended");
    assert!(victim.session_cookie().is_none(), "the cookie is cleared");
    stolen.assert_signed_out().await;
    assert_eq!(app.state.sessions.store().count().await.unwrap(), 0);
    assert_eq!(app.verify_status(&held.tokens.access_token).await, 401);
    assert_eq!(app.login("mina", NEW_PASSWORD).await.status, 200);
}

#[tokio::test]
async fn a_password_change_signs_out_every_other_session_on_every_replica() {
    let app = app_with_mina(TestApp::builder()).await;
    let replica = app.replica().start().await;
    let laptop = signed_in(&app).await;
    let phone = Browser::new(&replica);
    phone.login("mina", PASSWORD).await;
    let phone_tokens = phone.stored().await.unwrap().tokens;
    let laptop_tokens = laptop.stored().await.unwrap().tokens;
    assert_eq!(replica.verify_status(&phone_tokens.access_token).await, 200);
    // The replica serves both sessions from memory, and the laptop's old cookie with them.
    let old_laptop_on_replica = laptop.on(&replica);
    for browser in [&phone, &old_laptop_on_replica] {
        browser.assert_signed_in().await;
        assert!(browser.cached_on(&replica));
    }

    let mut replica_hears = replica.state.revocations.subscribe();
    let changed = change_password(&laptop).await;
    assert_eq!(changed.status, 200, "{changed:?}");
    assert_eq!(
        changed.body,
        json!({"signed_out_others": 1, "session": "renewed"})
    );
    assert_no_token(&changed);

    // The phone's session is gone on the replica it uses, however warm its memory, and the
    // laptop's old cookie names nothing there either; the tokens go with them once the
    // replica hears of the revocation (by notification on Postgres, by its poll on SQLite).
    phone.assert_signed_out().await;
    old_laptop_on_replica.assert_signed_out().await;
    laptop.on(&replica).assert_signed_in().await;
    tokio::time::timeout(std::time::Duration::from_secs(10), replica_hears.changed())
        .await
        .expect("the revocation reaches the other replica")
        .unwrap();
    assert_eq!(replica.verify_status(&phone_tokens.access_token).await, 401);
    // Cognito hears of it after the answer: wait for the call.
    app.proxy.wait_for("RevokeToken", 1).await;
    let revoked: Vec<Value> = app.proxy.calls("RevokeToken");
    assert!(
        revoked
            .iter()
            .any(|call| call["Token"] == phone_tokens.refresh_token.as_str()),
        "the phone's refresh token is revoked at Cognito"
    );
    // The laptop keeps its session, under a new id, with the same tokens.
    laptop.assert_signed_in().await;
    assert_eq!(
        laptop.stored().await.unwrap().tokens.access_token,
        laptop_tokens.access_token
    );
    assert_eq!(app.verify_status(&laptop_tokens.access_token).await, 200);
}

#[tokio::test]
async fn an_app_changing_the_password_signs_out_the_users_browsers() {
    let app = app_with_mina(TestApp::builder()).await;
    let browser = signed_in(&app).await;
    let token = app.login("mina", PASSWORD).await.access_token();

    let changed = app
        .post_with_bearer(
            "/password/change",
            &token,
            json!({"previous_password": PASSWORD, "proposed_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(changed.status, 200, "{changed:?}");
    assert_eq!(changed.body, json!({"signed_out_others": 1}));
    browser.assert_signed_out().await;
    assert_eq!(
        app.verify_status(&token).await,
        200,
        "the app's own sign-in stays"
    );
}

#[tokio::test]
async fn a_reset_by_code_signs_out_every_session_of_the_user() {
    let app = app_with_mina(TestApp::builder()).await;
    let laptop = signed_in(&app).await;
    let phone = signed_in(&app).await;
    let someone_else = Browser::new(&app);
    someone_else.login(ADMIN, ADMIN_PASSWORD).await;

    let forgot = app
        .post("/password/forgot", json!({"username": "mina"}))
        .await;
    assert_eq!(forgot.status, 202, "{forgot:?}");
    let reset = app
        .post(
            "/password/reset",
            json!({"username": "mina", "code": "123456", "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(reset.status, 200, "{reset:?}");
    assert_eq!(
        reset.body,
        json!({"next_step": "DONE", "signed_out_others": 2})
    );
    laptop.assert_signed_out().await;
    phone.assert_signed_out().await;
    someone_else.assert_signed_in().await;
}

#[tokio::test]
async fn turning_mfa_off_signs_out_the_other_sessions() {
    let app = app_with_mina(TestApp::builder()).await;
    let here = signed_in(&app).await;
    let there = signed_in(&app).await;
    let before = here.session_cookie().unwrap();

    let off = here
        .request(reqwest::Method::DELETE, "/mfa/totp", None, true)
        .await;
    assert_eq!(off.status, 200, "{off:?}");
    assert_eq!(
        off.body,
        json!({"enabled": false, "preferred": false, "signed_out_others": 1, "session": "renewed"})
    );
    assert_ne!(here.session_cookie().unwrap(), before);
    here.assert_signed_in().await;
    there.assert_signed_out().await;
}

#[tokio::test]
async fn an_operator_may_keep_the_other_sessions_after_a_change() {
    let app = app_with_mina(TestApp::builder().set("END_OTHER_SESSIONS_ON_CHANGE", "false")).await;
    let here = signed_in(&app).await;
    let there = signed_in(&app).await;

    let changed = change_password(&here).await;
    assert_eq!(changed.status, 200, "{changed:?}");
    assert_eq!(
        changed.body,
        json!({"signed_out_others": 0, "session": "renewed"})
    );
    there.assert_signed_in().await;
    here.assert_signed_in().await;
}

#[tokio::test]
async fn a_session_signed_in_long_ago_must_sign_in_again_before_changing_factors() {
    let app = app_with_mina(TestApp::builder()).await;
    app.user_pool
        .enable_totp_mfa(UserPoolMfaType::Optional)
        .await;
    let browser = signed_in(&app).await;
    // Six minutes since the user last proved who they are; the default bound is five.
    browser.age("auth_time", 360).await;

    for (method, path) in [
        (reqwest::Method::POST, "/mfa/totp/setup"),
        (reqwest::Method::DELETE, "/mfa/totp"),
    ] {
        let refused = browser.request(method, path, Some(json!({})), true).await;
        refused.assert_problem(403, "recent_sign_in_required");
        assert_eq!(refused.body["next_step"], "SIGN_IN", "{refused:?}");
    }
    assert!(app.proxy.calls("AssociateSoftwareToken").is_empty());
    assert!(app.proxy.calls("SetUserMFAPreference").is_empty());
    // Nothing else is refused: the profile and the sessions list still answer.
    assert_eq!(browser.get("/me").await.status, 200);

    // Signed in again, the same browser may.
    browser.login("mina", PASSWORD).await;
    let setup = browser.post("/mfa/totp/setup", json!({})).await;
    assert_eq!(setup.status, 200, "{setup:?}");
    let verified = browser
        .post(
            "/mfa/totp/verify",
            json!({"code": totp_code(&secret_of(&setup)).await}),
        )
        .await;
    assert_eq!(verified.status, 200, "{verified:?}");
}

#[tokio::test]
async fn a_session_signed_in_long_ago_cant_move_where_reset_codes_go() {
    let app = app_with_mina(TestApp::builder()).await;
    let browser = signed_in(&app).await;
    browser.age("auth_time", 360).await;
    let patch = |attributes: Value| {
        browser.request(
            reqwest::Method::PATCH,
            "/me",
            Some(json!({"attributes": attributes})),
            true,
        )
    };

    for attributes in [
        json!({"email": "thief@example.com"}),
        json!({"phone_number": "+15555550100", "nickname": "x"}),
    ] {
        let refused = patch(attributes).await;
        refused.assert_problem(403, "recent_sign_in_required");
        assert_eq!(refused.body["next_step"], "SIGN_IN");
    }
    assert!(app.proxy.calls("UpdateUserAttributes").is_empty());
    // The rest of the profile needs no fresh proof.
    assert_eq!(patch(json!({"nickname": "mimi"})).await.status, 200);
}

#[tokio::test]
async fn a_fresh_app_token_may_change_factors_within_the_bound() {
    let app = app_with_mina(TestApp::builder().set("RECENT_SIGN_IN_SECONDS", "60")).await;
    let token = app.login("mina", PASSWORD).await.access_token();
    let setup = app
        .post_with_bearer("/mfa/totp/setup", &token, json!({}))
        .await;
    assert_eq!(setup.status, 200, "{setup:?}");
}

#[tokio::test]
async fn the_password_change_still_asks_for_the_current_password_not_a_recent_sign_in() {
    let app = app_with_mina(TestApp::builder()).await;
    let browser = signed_in(&app).await;
    browser.age("auth_time", 3_600).await;
    let wrong = browser
        .post(
            "/password/change",
            json!({"previous_password": "Not-It-Passw0rd!", "proposed_password": NEW_PASSWORD}),
        )
        .await;
    wrong.assert_problem(400, "incorrect_password");
    assert_eq!(change_password(&browser).await.status, 200);
}

#[tokio::test]
async fn signing_out_everywhere_with_a_dead_session_says_nobody_was_signed_out() {
    let app = app_with_mina(TestApp::builder()).await;
    let browser = signed_in(&app).await;
    let stolen = thief(&app, &browser);
    assert_eq!(browser.post("/logout", json!({})).await.status, 204);

    let everywhere = stolen.post("/logout", json!({"everywhere": true})).await;
    everywhere.assert_problem(401, "no_session");
    assert!(
        stolen.session_cookie().is_none(),
        "the dead cookie is cleared"
    );
    assert!(app.proxy.calls("GlobalSignOut").is_empty());
}

#[tokio::test]
async fn the_services_own_answers_for_a_signed_in_user_are_never_cached() {
    let app = app_with_mina(TestApp::builder()).await;
    let browser = signed_in(&app).await;
    for path in ["/me", "/session", "/sessions"] {
        let answer = browser.get(path).await;
        assert_eq!(answer.status, 200, "{path}: {answer:?}");
        assert_eq!(
            answer
                .headers
                .get("cache-control")
                .map(|v| v.to_str().unwrap()),
            Some("no-store"),
            "{path}"
        );
    }
    let off = browser
        .request(reqwest::Method::DELETE, "/mfa/totp", None, true)
        .await;
    assert_eq!(off.headers.get("cache-control").unwrap(), "no-store");
    let token = app.login("mina", PASSWORD).await.access_token();
    let me = app.get_with_bearer("/me", &token).await;
    assert_eq!(me.headers.get("cache-control").unwrap(), "no-store");
}

#[tokio::test]
async fn a_page_whose_origin_headers_were_stripped_still_gets_a_session_when_it_asks() {
    // As behind a CDN that drops Origin and Sec-Fetch-Site: only the page's own header says
    // it is a browser.
    let app = app_with_mina(TestApp::builder()).await;
    let login = app
        .send(
            app.http
                .post(app.url("/login"))
                .header("x-token-delivery", "session")
                .json(&json!({"username": "mina", "password": PASSWORD})),
        )
        .await;
    assert_eq!(login.status, 200, "{login:?}");
    assert_no_token(&login);
    assert!(login.body.get("tokens").is_none(), "{}", login.body);
    assert_eq!(login.body["session"]["user"]["username"], "mina");

    // It can never ask for tokens.
    let refused = app
        .send(
            app.http
                .post(app.url("/login"))
                .header("x-token-delivery", "body")
                .json(&json!({"username": "mina", "password": PASSWORD})),
        )
        .await;
    refused.assert_problem(400, "invalid_request");
    assert_eq!(refused.body["field"], "x-token-delivery");
}
