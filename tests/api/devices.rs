//! Remembered devices on a pool that tracks them: the service confirms the device a sign-in
//! is issued to, names it on every refresh and sign-in, proves a remembered one itself so the
//! user skips TOTP, and lets the user list and forget devices. A browser holds only a device
//! cookie, an app a `Device-Handle`; a cookie or handle that names nothing of the user's is
//! ignored.

use aws_sdk_cognitoidentityprovider::types::UserPoolMfaType;
use cognito_bff::vocab::{DeviceId, OpaqueId};
use serde_json::json;

use crate::support::browser::{Browser, DEVICE_COOKIE};
use crate::support::mfa::{totp_code, user_with_totp};
use crate::support::*;

const PASSWORD: &str = "Passw0rd!device";

/// The device cookie a sign-in answer sets.
fn device_cookie_line(answer: &Response) -> String {
    answer
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|line| line.starts_with(&format!("{DEVICE_COOKIE}=")))
        .unwrap_or_else(|| panic!("a device cookie in {answer:?}"))
}

fn names(calls: &[serde_json::Value]) -> Vec<String> {
    calls
        .iter()
        .map(|c| c["ChallengeName"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn an_app_gets_a_device_handle_at_first_sign_in_and_names_the_device_on_refresh() {
    let app = TestApp::start().await;
    app.user_pool.track_devices(true, true).await;
    app.user_pool.create_user("ana", PASSWORD).await;

    let first = app.login("ana", PASSWORD).await;
    assert_eq!(first.body["status"], "authenticated", "{first:?}");
    let handle = first.body["device_handle"]
        .as_str()
        .expect("a device handle for the app")
        .to_owned();
    let devices = app.user_pool.devices_of("ana").await;
    assert_eq!(devices.len(), 1, "one device confirmed: {devices:?}");
    let key = devices[0].0.clone();
    let confirmed = app.proxy.calls("ConfirmDevice");
    assert_eq!(confirmed.len(), 1);
    assert_eq!(confirmed[0]["DeviceKey"], key.as_str());
    assert_eq!(confirmed[0]["AccessToken"], first.access_token().as_str());
    let verifier = &confirmed[0]["DeviceSecretVerifierConfig"];
    assert!(
        verifier["PasswordVerifier"]
            .as_str()
            .is_some_and(|v| v.len() > 100)
    );
    assert!(verifier["Salt"].as_str().is_some_and(|s| !s.is_empty()));
    // Only the handle reaches the app: not Cognito's key for the device, nor its secret.
    assert!(!first.body.to_string().contains(&key));
    assert!(!devices[0].1, "not remembered unless asked");

    // Cognito refreshes only for the device the sign-in was issued to.
    let refresh_token = first.token("refresh_token");
    app.post("/token/refresh", json!({"refresh_token": refresh_token}))
        .await
        .assert_problem(401, "invalid_refresh_token");
    let refreshed = app
        .send(
            app.http
                .post(app.url("/token/refresh"))
                .header("device-handle", &handle)
                .json(&json!({"refresh_token": refresh_token})),
        )
        .await;
    assert_eq!(refreshed.status, 200, "{refreshed:?}");
    let sent = app.proxy.calls("GetTokensFromRefreshToken");
    assert_eq!(sent.last().unwrap()["DeviceKey"], key.as_str());

    // The next sign-in names the device; nothing new is confirmed.
    let again = app
        .send(
            app.http
                .post(app.url("/login"))
                .header("device-handle", &handle)
                .json(&json!({"username": "ana", "password": PASSWORD})),
        )
        .await;
    assert_eq!(again.body["status"], "authenticated", "{again:?}");
    assert!(again.body.get("device_handle").is_none());
    let initiated = app.proxy.calls("InitiateAuth");
    assert_eq!(
        initiated.last().unwrap()["AuthParameters"]["DEVICE_KEY"],
        key.as_str()
    );
    assert!(initiated[0]["AuthParameters"].get("DEVICE_KEY").is_none());
    assert_eq!(app.proxy.calls("ConfirmDevice").len(), 1);
}

#[tokio::test]
async fn a_remembered_device_skips_totp_on_either_replica_until_it_is_forgotten() {
    let app = TestApp::start().await;
    app.user_pool
        .enable_totp_mfa(UserPoolMfaType::Optional)
        .await;
    app.user_pool.track_devices(true, true).await;
    let secret = user_with_totp(&app, "ana", PASSWORD).await;
    let replica = app.replica().start().await;

    // First sign-in from this browser: the TOTP code, and "remember this device".
    let browser = Browser::new(&app);
    let asked = browser.login("ana", PASSWORD).await;
    assert_eq!(asked.body["challenge"], "SOFTWARE_TOKEN_MFA", "{asked:?}");
    let done = browser
        .post(
            "/challenge",
            json!({
                "responses": {"SOFTWARE_TOKEN_MFA_CODE": totp_code(&secret).await},
                "remember_device": true,
            }),
        )
        .await;
    assert_eq!(done.body["status"], "authenticated", "{done:?}");
    assert!(
        done.body.get("device_handle").is_none(),
        "a browser gets a cookie"
    );
    let line = device_cookie_line(&done);
    for attribute in [
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/",
        "Max-Age=31536000",
    ] {
        assert!(line.contains(attribute), "{attribute} in {line}");
    }
    assert!(!line.contains("Domain="), "host-only: {line}");
    // The set-up's own sign-in (an app's) made a device too; this browser's is remembered.
    let status = app.proxy.calls("UpdateDeviceStatus");
    assert_eq!(status.len(), 1, "{status:?}");
    assert_eq!(status[0]["DeviceRememberedStatus"], "remembered");
    let key = status[0]["DeviceKey"].as_str().unwrap().to_owned();
    let devices = app.user_pool.devices_of("ana").await;
    assert!(devices.contains(&(key.clone(), true)), "{devices:?}");
    assert_eq!(devices.len(), 2, "{devices:?}");

    // Signing out leaves the device.
    assert_eq!(browser.post("/logout", json!({})).await.status, 204);
    browser.assert_signed_out().await;
    assert!(browser.cookie(DEVICE_COOKIE).is_some());

    // Signing in again, on the other replica: the service proves the device, no TOTP.
    let there = browser.on(&replica);
    let again = there.login("ana", PASSWORD).await;
    assert_eq!(again.body["status"], "authenticated", "{again:?}");
    // The same device, its cookie's lifetime started again.
    assert!(device_cookie_line(&again).starts_with(&format!(
        "{DEVICE_COOKIE}={};",
        browser.cookie(DEVICE_COOKIE).unwrap()
    )));
    assert_eq!(
        names(&replica.proxy.calls("RespondToAuthChallenge")),
        ["DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"]
    );
    assert!(replica.proxy.calls("ConfirmDevice").is_empty());
    let scraped = replica.scrape().await;
    assert!(
        scraped.contains(r#"device_outcomes_total{outcome="proved"}"#),
        "{scraped}"
    );

    // The session refreshes naming the device.
    there.about_to_expire().await;
    assert_eq!(there.get("/me").await.status, 200);
    let refreshed = replica.proxy.calls("GetTokensFromRefreshToken");
    assert_eq!(refreshed.last().unwrap()["DeviceKey"], key.as_str());

    // The list, this device marked.
    let listed = there.get("/me/devices").await;
    assert_eq!(listed.status, 200, "{listed:?}");
    let listed = listed.body["devices"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 2, "{listed:?}");
    let device = listed.iter().find(|d| d["key"] == key.as_str()).unwrap();
    let other = listed.iter().find(|d| d["key"] != key.as_str()).unwrap();
    assert_eq!(other["current"], false);
    assert_eq!(other["remembered"], false);
    assert_eq!(device["name"], "Chrome on Linux");
    assert_eq!(device["remembered"], true);
    assert_eq!(device["current"], true);
    assert!(device["last_used_at"].as_i64().is_some());

    // Forgotten: the cookie is cleared, and the next sign-in asks for TOTP again.
    let forgot = there.delete(&format!("/me/devices/{key}")).await;
    assert_eq!(forgot.status, 204, "{forgot:?}");
    assert!(there.cookie(DEVICE_COOKIE).is_none(), "cookie cleared");
    let left = app.user_pool.devices_of("ana").await;
    assert!(left.iter().all(|(k, _)| *k != key), "{left:?}");
    there.post("/logout", json!({})).await;
    let asked_again = there.login("ana", PASSWORD).await;
    assert_eq!(
        asked_again.body["challenge"], "SOFTWARE_TOKEN_MFA",
        "{asked_again:?}"
    );
}

#[tokio::test]
async fn a_forged_stale_or_foreign_device_is_ignored_and_a_new_one_confirmed() {
    let app = TestApp::start().await;
    app.user_pool.track_devices(true, true).await;
    app.user_pool.create_user("ana", PASSWORD).await;
    app.user_pool.create_user("ben", PASSWORD).await;
    let browser = Browser::new(&app);

    // A forged cookie (well-formed, naming nothing): the sign-in goes on as from a new device.
    let forged = DeviceId::generate().unwrap();
    browser.plant(DEVICE_COOKIE, forged.expose());
    let ana = browser.login("ana", PASSWORD).await;
    assert_eq!(ana.body["status"], "authenticated", "{ana:?}");
    let ana_cookie = browser.cookie(DEVICE_COOKIE).unwrap();
    assert_ne!(ana_cookie, forged.expose());
    assert!(
        app.proxy.calls("InitiateAuth")[0]["AuthParameters"]
            .get("DEVICE_KEY")
            .is_none()
    );
    let ana_key = app.user_pool.devices_of("ana").await[0].0.clone();

    // Another user on this browser: ana's device is not named for ben; he gets his own.
    browser.post("/logout", json!({})).await;
    let ben = browser.login("ben", PASSWORD).await;
    assert_eq!(ben.body["status"], "authenticated", "{ben:?}");
    assert!(
        app.proxy.calls("InitiateAuth")[1]["AuthParameters"]
            .get("DEVICE_KEY")
            .is_none()
    );
    assert_ne!(browser.cookie(DEVICE_COOKIE).unwrap(), ana_cookie);
    assert_eq!(app.user_pool.devices_of("ben").await.len(), 1);

    // Nor can ben act on ana's device.
    browser
        .delete(&format!("/me/devices/{ana_key}"))
        .await
        .assert_problem(404, "not_found");
    browser
        .patch(
            &format!("/me/devices/{ana_key}"),
            json!({"remembered": true}),
        )
        .await
        .assert_problem(404, "not_found");
    browser
        .delete("/me/devices/not-a-key")
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.user_pool.devices_of("ana").await,
        vec![(ana_key.clone(), false)]
    );

    // Stale: ben's device forgotten elsewhere (by an app with his token). The cookie still
    // names it; Cognito refuses the device (not the sign-in), the service drops it and signs
    // in once more without it, and a new device replaces it.
    let stale_cookie = browser.cookie(DEVICE_COOKIE).unwrap();
    let ben_key = app.user_pool.devices_of("ben").await[0].0.clone();
    let token = app.login("ben", PASSWORD).await.access_token();
    let forgot = app
        .send(app.with_bearer(
            reqwest::Method::DELETE,
            &format!("/me/devices/{ben_key}"),
            &token,
        ))
        .await;
    assert_eq!(forgot.status, 204, "{forgot:?}");
    browser.post("/logout", json!({})).await;
    let fresh = browser.login("ben", PASSWORD).await;
    assert_eq!(fresh.body["status"], "authenticated", "{fresh:?}");
    let tried: Vec<_> = app
        .proxy
        .calls("InitiateAuth")
        .iter()
        .rev()
        .take(2)
        .map(|call| call["AuthParameters"].get("DEVICE_KEY").cloned())
        .collect();
    assert_eq!(
        tried,
        [None, Some(json!(ben_key))],
        "the retry names no device"
    );
    assert_ne!(browser.cookie(DEVICE_COOKIE).unwrap(), stale_cookie);
    let ben_devices = app.user_pool.devices_of("ben").await;
    assert!(
        ben_devices.iter().all(|(key, _)| *key != ben_key),
        "{ben_devices:?}"
    );
}

#[tokio::test]
async fn a_browser_never_gets_the_device_handle_even_where_it_gets_tokens() {
    let app = TestApp::builder()
        .set("TOKEN_DELIVERY", "body")
        .set("UI", "off")
        .start()
        .await;
    app.user_pool.track_devices(true, true).await;
    app.user_pool.create_user("ana", PASSWORD).await;
    let answer = Browser::new(&app).login("ana", PASSWORD).await;
    assert!(answer.body["tokens"].is_object(), "{answer:?}");
    assert!(answer.body.get("device_handle").is_none(), "{answer:?}");
    assert!(device_cookie_line(&answer).contains("HttpOnly"));
}
