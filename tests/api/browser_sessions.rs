//! A browser signs in and never holds a token: it gets an HttpOnly session cookie, the
//! service keeps the tokens, refreshes them itself and uses them for the browser. Native apps
//! keep getting tokens.

use crate::support::browser::{Browser, SESSION_COOKIE, assert_no_token, four_calls_at_once};
use crate::support::*;
use serde_json::json;

#[tokio::test]
async fn a_browser_signs_in_and_gets_a_session_cookie_never_a_token() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);

    let login = browser.login(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(login.status, 200, "{login:?}");
    assert_no_token(&login);
    assert_eq!(login.body["status"], "authenticated");
    assert_eq!(login.body["next_step"], "DONE");
    assert!(login.body.get("tokens").is_none(), "{}", login.body);
    let session = &login.body["session"];
    assert_eq!(session["user"]["username"], ADMIN);
    assert_eq!(session["user"]["groups"], json!([cognito::ADMIN_GROUP]));
    assert_eq!(session["amr"], json!(["pwd"]));
    assert_eq!(session["logout_url"], "/logout");
    let lifetime =
        session["expires_at"].as_i64().unwrap() - session["created_at"].as_i64().unwrap();
    assert_eq!(lifetime, 43_200, "the default SESSION_MAX_LIFETIME");
    assert_eq!(login.headers.get("cache-control").unwrap(), "no-store");
    assert!(login.headers.get("challenge-handle").is_none());

    let set_cookie = login
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with(SESSION_COOKIE))
        .expect("a session cookie");
    for attribute in [
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/",
        "Max-Age=43200",
    ] {
        assert!(
            set_cookie.contains(attribute),
            "{set_cookie} lacks {attribute}"
        );
    }
    assert!(!set_cookie.contains("Domain"), "{set_cookie}");

    // The session stands in for the token on the routes that take one.
    let me = browser.get("/me").await;
    assert_eq!(me.status, 200, "{me:?}");
    assert_eq!(me.body["username"], ADMIN);
    assert_no_token(&me);
    let current = browser.get("/session").await;
    assert_eq!(current.status, 200, "{current:?}");
    assert_eq!(current.body["user"]["sub"], session["user"]["sub"]);
    assert_no_token(&current);

    // At rest: only the cookie's hash, and the tokens sealed.
    let cookie = browser.session_cookie().unwrap();
    let held = browser.stored().await.unwrap().tokens;
    let rows =
        sqlx::query_as::<_, (String, String)>("SELECT id_hash, tokens FROM browser_sessions")
            .fetch_all(&app.db.pool().await)
            .await
            .unwrap();
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0].0, cookie);
    // Not "eyJ": sealed bytes in base64 hold that now and then by chance.
    for token in [&held.access_token, &held.refresh_token] {
        assert!(
            !rows[0].1.contains(token.as_str()),
            "a token stored in the clear"
        );
    }
}

#[tokio::test]
async fn a_native_app_keeps_getting_tokens_and_may_carry_a_challenge_by_handle() {
    let app = TestApp::start().await;
    let token = app.admin_token().await;
    assert!(!token.is_empty());

    app.user_pool.invite_user("mira", "Temp-Passw0rd!").await;
    let login = app.login("mira", "Temp-Passw0rd!").await;
    assert_eq!(
        login.body["challenge"], "NEW_PASSWORD_REQUIRED",
        "{login:?}"
    );
    let handle = login
        .headers
        .get("challenge-handle")
        .expect("a handle for a client without a cookie jar")
        .to_str()
        .unwrap()
        .to_owned();

    // No cookie: the handle alone names the challenge.
    let answer = app
        .send(
            app.http
                .post(app.url("/challenge"))
                .header("challenge-handle", &handle)
                .json(&json!({"responses": {"NEW_PASSWORD": "N3w-Passw0rd!"}})),
        )
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["status"], "authenticated");
    assert!(answer.body["tokens"]["access_token"].is_string());
    assert_eq!(
        app.user_pool
            .accepts_access_token(&answer.access_token())
            .await,
        Ok("mira".to_owned())
    );

    // Spent: the same handle names nothing now.
    let again = app
        .send(
            app.http
                .post(app.url("/challenge"))
                .header("challenge-handle", &handle)
                .json(&json!({"responses": {"NEW_PASSWORD": "N3w-Passw0rd!"}})),
        )
        .await;
    again.assert_problem(401, "challenge_expired");
}

#[tokio::test]
async fn every_challenge_step_of_a_browser_ends_in_a_session_and_shows_how_it_signed_in() {
    let app = TestApp::start().await;
    app.user_pool.invite_user("sora", "Temp-Passw0rd!").await;
    let browser = Browser::new(&app);

    let login = browser.login("sora", "Temp-Passw0rd!").await;
    assert_eq!(
        login.body["challenge"], "NEW_PASSWORD_REQUIRED",
        "{login:?}"
    );
    assert!(
        login.headers.get("challenge-handle").is_none(),
        "a browser gets no handle"
    );
    assert!(browser.cookie("__Host-cognito-bff-challenge").is_some());

    let answer = browser
        .post(
            "/challenge",
            json!({"responses": {"NEW_PASSWORD": "N3w-Passw0rd!"}}),
        )
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_no_token(&answer);
    assert_eq!(answer.body["session"]["user"]["username"], "sora");
    assert_eq!(answer.body["session"]["amr"], json!(["pwd"]));
    assert!(
        browser.cookie("__Host-cognito-bff-challenge").is_none(),
        "challenge cookie cleared"
    );
    assert!(browser.session_cookie().is_some());
}

#[tokio::test]
async fn the_delivery_setting_overrides_the_browser_signal() {
    let body = TestApp::builder()
        .set("TOKEN_DELIVERY", "body")
        .set("UI", "off")
        .start()
        .await;
    let browser = Browser::new(&body);
    let login = browser.login(ADMIN, ADMIN_PASSWORD).await;
    assert!(
        login.body["tokens"]["access_token"].is_string(),
        "{login:?}"
    );
    assert!(browser.session_cookie().is_none());

    let session = TestApp::builder()
        .set("TOKEN_DELIVERY", "session")
        .start()
        .await;
    let login = session.login(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(login.status, 200, "{login:?}");
    assert_no_token(&login);
    assert!(login.body["session"]["user"]["sub"].is_string());
}

#[tokio::test]
async fn a_cookie_request_that_changes_state_needs_the_csrf_header_and_a_known_origin() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let change = json!({"attributes": {"nickname": "boss"}});

    let no_header = browser
        .request(reqwest::Method::PATCH, "/me", Some(change.clone()), false)
        .await;
    no_header.assert_problem(403, "csrf_header_required");

    let evil = Browser::new(&app).at_origin("https://evil.example");
    evil.plant(SESSION_COOKIE, &browser.session_cookie().unwrap());
    let cross_site = evil
        .request(reqwest::Method::PATCH, "/me", Some(change.clone()), true)
        .await;
    cross_site.assert_problem(403, "origin_not_allowed");

    let (_, attributes) = app.user_pool.admin_get_user(ADMIN).await;
    assert!(
        !attributes.iter().any(|(n, _)| n == "nickname"),
        "nothing changed yet"
    );

    let ok = browser
        .request(reqwest::Method::PATCH, "/me", Some(change), true)
        .await;
    assert!(ok.status < 300, "{ok:?}");
    let (_, attributes) = app.user_pool.admin_get_user(ADMIN).await;
    assert!(attributes.contains(&("nickname".to_owned(), "boss".to_owned())));

    // Reading needs no header.
    assert_eq!(browser.get("/me").await.status, 200);
}

#[tokio::test]
async fn logout_ends_the_session_and_its_tokens_at_once() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let held = browser.stored().await.expect("a live session");
    let cookie = browser.session_cookie().unwrap();
    assert_eq!(app.verify_status(&held.tokens.access_token).await, 200);

    let logout = browser.post("/logout", json!({})).await;
    assert_eq!(logout.status, 204, "{logout:?}");
    assert!(browser.session_cookie().is_none(), "the cookie is cleared");
    assert_eq!(
        app.proxy.calls("RevokeToken")[0]["Token"],
        held.tokens.refresh_token.as_str()
    );
    assert_eq!(app.verify_status(&held.tokens.access_token).await, 401);
    assert_eq!(app.state.sessions.store().count().await.unwrap(), 0);

    // The old cookie names nothing, and a second logout is still a success.
    let replay = Browser::new(&app);
    replay.plant(SESSION_COOKIE, &cookie);
    replay.assert_signed_out().await;
    assert_eq!(replay.post("/logout", json!({})).await.status, 204);
}

#[tokio::test]
async fn each_sign_in_gets_a_new_id_and_ends_the_session_it_replaces() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let first = browser.session_cookie().unwrap();
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let second = browser.session_cookie().unwrap();
    assert_ne!(first, second);

    let old = Browser::new(&app);
    old.plant(SESSION_COOKIE, &first);
    old.assert_signed_out().await;
    browser.assert_signed_in().await;
}

#[tokio::test]
async fn the_user_sees_their_sessions_and_ends_another_one() {
    let app = TestApp::start().await;
    let laptop = Browser::new(&app);
    let phone = Browser::with_agent(
        &app,
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
    );
    laptop.login(ADMIN, ADMIN_PASSWORD).await;
    phone.login(ADMIN, ADMIN_PASSWORD).await;
    let phone_tokens = phone.stored().await.unwrap().tokens;

    let list = laptop.get("/sessions").await;
    assert_eq!(list.status, 200, "{list:?}");
    assert_no_token(&list);
    let sessions = list.body["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2, "{}", list.body);
    let current: Vec<_> = sessions.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["device"], "Chrome on Linux");
    let other = sessions.iter().find(|s| s["current"] == false).unwrap();
    assert_eq!(other["device"], "Chrome on Android");
    assert_eq!(other["ip"], "127.0.0.1");
    let cookie = phone.session_cookie().unwrap();
    assert!(
        !list.body.to_string().contains(&cookie),
        "a cookie in the list"
    );

    let ended = laptop
        .delete(&format!("/sessions/{}", other["id"].as_str().unwrap()))
        .await;
    assert_eq!(ended.status, 204, "{ended:?}");
    phone.assert_signed_out().await;
    assert_eq!(app.verify_status(&phone_tokens.access_token).await, 401);
    laptop.assert_signed_in().await;

    // Someone else's id, or none at all, names nothing.
    laptop
        .delete("/sessions/not-a-session")
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn signing_out_the_other_sessions_keeps_this_one() {
    let app = TestApp::start().await;
    let here = Browser::new(&app);
    let there = Browser::new(&app);
    let elsewhere = Browser::new(&app);
    for browser in [&here, &there, &elsewhere] {
        browser.login(ADMIN, ADMIN_PASSWORD).await;
    }
    let ended = here
        .request(reqwest::Method::DELETE, "/sessions", None, true)
        .await;
    assert_eq!(ended.status, 200, "{ended:?}");
    assert_eq!(ended.body["ended"], 2);
    there.assert_signed_out().await;
    elsewhere.assert_signed_out().await;
    here.assert_signed_in().await;
}

#[tokio::test]
async fn logout_everywhere_from_a_browser_ends_every_session_and_token() {
    let app = TestApp::start().await;
    let here = Browser::new(&app);
    let there = Browser::new(&app);
    here.login(ADMIN, ADMIN_PASSWORD).await;
    there.login(ADMIN, ADMIN_PASSWORD).await;
    let app_token = app.admin_token().await;

    let logout = here.post("/logout", json!({"everywhere": true})).await;
    assert_eq!(logout.status, 204, "{logout:?}");
    assert_eq!(app.proxy.calls("GlobalSignOut").len(), 1);
    here.assert_signed_out().await;
    there.assert_signed_out().await;
    assert_eq!(
        app.verify_status(&app_token).await,
        401,
        "the app's token too"
    );
}

#[tokio::test]
async fn an_idle_session_ends_and_reading_it_does_not_keep_it_alive() {
    let app = TestApp::builder()
        .set("SESSION_IDLE_TIMEOUT", "600")
        .start()
        .await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let before = browser.stored().await.unwrap().last_seen_at;

    // Ten minutes less a bit without use: still there, and `GET /session` doesn't count.
    browser.age("last_seen_at", 590).await;
    browser.assert_signed_in().await;
    assert!(browser.stored().await.unwrap().last_seen_at < before);
    // Asked to, it does.
    assert_eq!(browser.get("/session?extend=true").await.status, 200);
    assert!(browser.stored().await.unwrap().last_seen_at >= before);

    browser.age("last_seen_at", 601).await;
    browser.get("/me").await.assert_problem(401, "no_session");
}

#[tokio::test]
async fn a_session_ends_at_its_lifetime_however_busy() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(browser.get("/me").await.status, 200);
    browser.age("expires_at", 43_200).await;
    browser.get("/me").await.assert_problem(401, "no_session");
}

#[tokio::test]
async fn an_access_token_about_to_expire_is_refreshed_by_the_service() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let before = browser.stored().await.unwrap();
    // The token has less than a minute left.
    browser.about_to_expire().await;

    let me = browser.get("/me").await;
    assert_eq!(me.status, 200, "{me:?}");
    assert_no_token(&me);
    let refreshes = app.proxy.calls("GetTokensFromRefreshToken");
    assert_eq!(refreshes.len(), 1);
    assert_eq!(
        refreshes[0]["ClientSecret"],
        app.user_pool.client_secret.as_deref().unwrap()
    );
    let after = browser.stored().await.unwrap();
    assert_ne!(after.tokens.access_token, before.tokens.access_token);
    assert_eq!(after.version, before.version + 1);
    assert_eq!(app.verify_status(&after.tokens.access_token).await, 200);
}

#[tokio::test]
async fn many_requests_at_once_on_two_replicas_refresh_a_session_once() {
    let app = TestApp::start().await;
    let replica = app.replica().start().await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let before = browser.stored().await.unwrap();
    browser.about_to_expire().await;
    let on_replica = browser.on(&replica);

    four_calls_at_once(&browser, &on_replica, "/me").await;
    let refreshes = app.proxy.calls("GetTokensFromRefreshToken").len()
        + replica.proxy.calls("GetTokensFromRefreshToken").len();
    assert_eq!(
        refreshes, 1,
        "one refresh for the session across both replicas"
    );
    assert_eq!(browser.stored().await.unwrap().version, before.version + 1);
}

#[tokio::test]
async fn a_refresh_cognito_refuses_ends_the_session() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    browser.about_to_expire().await;
    app.proxy.fail(
        "GetTokensFromRefreshToken",
        Reply::error(400, "NotAuthorizedException"),
        1,
    );

    browser.get("/me").await.assert_problem(401, "no_session");
    assert_eq!(app.state.sessions.store().count().await.unwrap(), 0);
}

#[tokio::test]
async fn a_browser_refreshes_its_session_with_the_cookie_and_never_sees_the_new_token() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let before = browser.stored().await.unwrap();
    // About to expire, so any use would refresh it: a forged request must not even do that.
    browser.about_to_expire().await;

    let without_header = browser
        .request(reqwest::Method::POST, "/token/refresh", None, false)
        .await;
    without_header.assert_problem(403, "csrf_header_required");
    assert!(
        app.proxy
            .calls("InitiateAuth")
            .iter()
            .all(|c| c["AuthFlow"] != "REFRESH_TOKEN_AUTH")
    );

    let refreshed = browser
        .request(reqwest::Method::POST, "/token/refresh", None, true)
        .await;
    assert_eq!(refreshed.status, 200, "{refreshed:?}");
    assert_no_token(&refreshed);
    assert_eq!(refreshed.body["session"]["user"]["username"], ADMIN);
    let after = browser.stored().await.unwrap();
    assert_ne!(after.tokens.access_token, before.tokens.access_token);
}

#[tokio::test]
async fn a_browser_holding_a_refresh_token_trades_it_for_a_session() {
    let app = TestApp::start().await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    let refresh_token = login.body["tokens"]["refresh_token"].as_str().unwrap();
    let browser = Browser::new(&app);
    let traded = browser
        .post(
            "/token/refresh",
            json!({"refresh_token": refresh_token, "username": ADMIN}),
        )
        .await;
    assert_eq!(traded.status, 200, "{traded:?}");
    assert_no_token(&traded);
    assert_eq!(traded.body["session"]["user"]["username"], ADMIN);
    assert_eq!(browser.get("/me").await.status, 200);
}

#[tokio::test]
async fn a_lax_session_cookie_where_sign_in_starts_elsewhere() {
    let app = TestApp::builder()
        .set("SESSION_SAME_SITE", "lax")
        .start()
        .await;
    let login = Browser::new(&app).login(ADMIN, ADMIN_PASSWORD).await;
    let set_cookie = login
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with(SESSION_COOKIE))
        .unwrap();
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
}

#[tokio::test]
async fn a_sign_out_everywhere_holds_for_browser_sessions_even_when_cognito_is_down() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let token = app.admin_token().await;
    app.proxy.fail("GlobalSignOut", Reply::SERVER_ERROR, 1);

    let logout = app
        .post_with_bearer("/logout", &token, json!({"everywhere": true}))
        .await;
    assert!(logout.status >= 500, "{logout:?}");
    browser.assert_signed_out().await;
}

#[tokio::test]
async fn a_user_keeps_at_most_fifty_sessions_and_the_oldest_ends() {
    let app = TestApp::start().await;
    let first = Browser::new(&app);
    first.login(ADMIN, ADMIN_PASSWORD).await;
    let first_refresh = first.stored().await.unwrap().tokens.refresh_token.clone();
    let later: Vec<Browser> = (0..50).map(|_| Browser::new(&app)).collect();
    for browser in &later {
        assert_eq!(browser.login(ADMIN, ADMIN_PASSWORD).await.status, 200);
    }
    assert_eq!(app.state.sessions.store().count().await.unwrap(), 50);
    first.assert_signed_out().await;
    assert_eq!(later[0].get("/session").await.status, 200);
    let revoked: Vec<_> = app.proxy.calls("RevokeToken");
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0]["Token"], first_refresh.as_str());
}

#[tokio::test]
async fn a_gateway_asking_verify_about_a_browser_gets_the_sessions_access_token() {
    // The gateway is on this host: it may be handed a session's token.
    let app = TestApp::builder()
        .set("VERIFY_SESSION_GATEWAYS", "127.0.0.1/32")
        .start()
        .await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let token = browser.stored().await.unwrap().tokens.access_token.clone();
    let cookie = format!("{SESSION_COOKIE}={}", browser.session_cookie().unwrap());
    // As a gateway asks: the browser's headers, the original method beside them.
    let ask = |method: reqwest::Method, original: Option<&str>, csrf: bool| {
        let mut request = app
            .http
            .request(method, app.url("/verify/api/orders"))
            .header("cookie", &cookie);
        if let Some(original) = original {
            request = request.header("x-original-method", original);
        }
        if csrf {
            request = request.header("x-csrf", "1");
        }
        app.send(request)
    };

    let read = ask(reqwest::Method::GET, Some("GET"), false).await;
    assert_eq!(read.status, 200, "{read:?}");
    // A page's own fetch of /verify would get the token: refused.
    let from_page = app
        .send(
            app.http
                .get(app.url("/verify"))
                .header("cookie", &cookie)
                .header("sec-fetch-mode", "cors"),
        )
        .await;
    from_page.assert_problem(403, "forbidden");
    assert!(from_page.headers.get("authorization").is_none());
    assert_eq!(
        read.headers.get("authorization").unwrap(),
        format!("Bearer {token}").as_str()
    );
    assert_eq!(read.headers.get("x-auth-username").unwrap(), ADMIN);

    // Changing state: the CSRF header is needed, however the method is told.
    for (method, original) in [
        (reqwest::Method::GET, Some("POST")),
        (reqwest::Method::POST, None),
        (reqwest::Method::DELETE, Some("GET")),
    ] {
        let refused = ask(method.clone(), original, false).await;
        refused.assert_problem(403, "csrf_header_required");
        assert!(refused.headers.get("authorization").is_none());
        let allowed = ask(method, original, true).await;
        assert_eq!(allowed.status, 200, "{allowed:?}");
    }

    // A bearer's own token is handed back as it came.
    let app_token = app.admin_token().await;
    let bearer = app.get_with_bearer("/verify", &app_token).await;
    assert_eq!(bearer.status, 200);
    assert_eq!(
        bearer.headers.get("authorization").unwrap(),
        format!("Bearer {app_token}").as_str()
    );

    assert_eq!(browser.post("/logout", json!({})).await.status, 204);
    ask(reqwest::Method::GET, None, false)
        .await
        .assert_problem(401, "no_session");

    // A peer that is not a listed gateway gets no token.
    let direct = TestApp::start().await;
    let browser = Browser::new(&direct);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let cookie = format!("{SESSION_COOKIE}={}", browser.session_cookie().unwrap());
    let refused = direct
        .send(
            direct
                .http
                .get(direct.url("/verify"))
                .header("cookie", &cookie),
        )
        .await;
    refused.assert_problem(403, "forbidden");
    assert!(refused.headers.get("authorization").is_none());
}

/// `/verify` asked about a browser's session cookie: the answer's status, and whether it
/// held a token.
async fn verify_with_cookie(app: &TestApp, cookie: &str, headers: &[(&str, &str)]) -> (u16, bool) {
    let mut request = app.http.get(app.url("/verify")).header("cookie", cookie);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let answer = app.send(request).await;
    if answer.status != 200 {
        assert_eq!(answer.code(), "forbidden", "{answer:?}");
    }
    let token = answer
        .headers
        .get("authorization")
        .is_some_and(|v| v.as_bytes().starts_with(b"Bearer eyJ"));
    (answer.status, token)
}

#[tokio::test]
async fn verify_hands_a_sessions_token_only_to_a_listed_gateway_never_to_a_trusted_proxy_or_a_page()
{
    // A load balancer is trusted to name the client, not to receive the session's token.
    let app = TestApp::builder()
        .set("TRUSTED_PROXIES", "127.0.0.1/32")
        .start()
        .await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let cookie = format!("{SESSION_COOKIE}={}", browser.session_cookie().unwrap());
    assert_eq!(verify_with_cookie(&app, &cookie, &[]).await, (403, false));

    // A gateway is matched by the address it connects from, never by one it names.
    let app = TestApp::builder()
        .set("TRUSTED_PROXIES", "127.0.0.1/32")
        .set("VERIFY_SESSION_GATEWAYS", "10.0.0.0/8")
        .start()
        .await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let cookie = format!("{SESSION_COOKIE}={}", browser.session_cookie().unwrap());
    let named = [("x-forwarded-for", "10.1.2.3")];
    assert_eq!(
        verify_with_cookie(&app, &cookie, &named).await,
        (403, false)
    );

    let app = TestApp::builder()
        .set("VERIFY_SESSION_GATEWAYS", "192.0.2.0/24, 127.0.0.1")
        .start()
        .await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let cookie = format!("{SESSION_COOKIE}={}", browser.session_cookie().unwrap());
    assert_eq!(verify_with_cookie(&app, &cookie, &[]).await, (200, true));
    // Any Sec-Fetch-* header is a browser's own request (a page's fetch, an old browser's, or
    // one through a CDN that strips some of them): never a token for it.
    for header in [
        ("sec-fetch-site", "same-origin"),
        ("sec-fetch-mode", "cors"),
        ("sec-fetch-dest", "empty"),
        ("sec-fetch-user", "?1"),
    ] {
        assert_eq!(
            verify_with_cookie(&app, &cookie, &[header]).await,
            (403, false),
            "{header:?}"
        );
    }
}

#[tokio::test]
async fn a_browser_trading_the_same_refresh_token_twice_keeps_a_working_session() {
    let app = TestApp::start().await;
    let login = app.login(ADMIN, ADMIN_PASSWORD).await;
    let refresh_token = login.body["tokens"]["refresh_token"].as_str().unwrap();
    let browser = Browser::new(&app);
    let trade = json!({"refresh_token": refresh_token, "username": ADMIN});
    assert_eq!(
        browser.post("/token/refresh", trade.clone()).await.status,
        200
    );
    let first = browser.session_cookie().unwrap();
    let again = browser.post("/token/refresh", trade).await;
    assert_eq!(again.status, 200, "{again:?}");
    assert_ne!(browser.session_cookie().unwrap(), first, "a new id");
    browser.assert_signed_in().await;
    assert_eq!(browser.get("/me").await.status, 200);
}

#[tokio::test]
async fn a_password_change_gives_the_session_a_new_id_and_the_old_cookie_stops_working() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let before = browser.session_cookie().unwrap();
    let held = browser.stored().await.unwrap();

    let changed = browser
        .post(
            "/password/change",
            json!({"previous_password": ADMIN_PASSWORD, "proposed_password": "Changed-Passw0rd!"}),
        )
        .await;
    assert_eq!(changed.status, 200, "{changed:?}");
    assert_eq!(changed.body["session"], "renewed");
    let after = browser.session_cookie().unwrap();
    assert_ne!(before, after, "a new id");
    // The same session, tokens and all, under the new id only.
    let moved = browser.stored().await.unwrap();
    assert_eq!(moved.public_id, held.public_id);
    assert_eq!(moved.tokens.access_token, held.tokens.access_token);
    browser.assert_signed_in().await;
    let old = Browser::new(&app);
    old.plant(SESSION_COOKIE, &before);
    old.assert_signed_out().await;
}
