//! Passkeys for the signed-in user: a browser session or an app registers one with the options
//! Cognito makes, lists it and removes it. A software authenticator makes the credentials and
//! the emulator verifies them for real; the relying party is `localhost`, the pages at
//! `http://localhost:PORT`. Registration and removal need a recent sign-in and, with the
//! session cookie, the CSRF rules; a malformed credential or a passkey of someone else's is
//! refused before it does anything. With COGNITO_AUTH_FLOW=USER_AUTH, the passkey then signs
//! the user in.

use serde_json::{Value, json};

use crate::support::browser::{Browser, assert_no_token};
use crate::support::mfa::{assert_challenge, assert_signed_in};
use crate::support::passkey::Authenticator;
use crate::support::proxy::Reply;
use crate::support::*;

const PASSWORD: &str = "Passw0rd!passkey";

/// The service on a pool whose users may register passkeys for `localhost`, and `users`.
async fn app_with(users: &[&str]) -> TestApp {
    let app = TestApp::start().await;
    app.user_pool.allow_passkeys("localhost").await;
    for user in users {
        app.user_pool.create_user(user, PASSWORD).await;
    }
    app
}

/// The page the ceremony runs on: the service's own port, under the relying party id.
fn authenticator(app: &TestApp) -> Authenticator {
    Authenticator::new(format!("http://localhost:{}", app.addr.port()))
}

fn listed(answer: &Response) -> Vec<Value> {
    assert_eq!(answer.status, 200, "{answer:?}");
    answer.body["passkeys"]
        .as_array()
        .unwrap_or_else(|| panic!("a list of passkeys: {answer:?}"))
        .clone()
}

/// Registers a passkey for the app holding `token`: the options, the ceremony, the credential.
async fn register(app: &TestApp, token: &str, device: &mut Authenticator) {
    let started = app.post_with_bearer("/me/passkeys", token, json!({})).await;
    assert_eq!(started.status, 200, "{started:?}");
    let credential = device.register(&started.body["creation_options"]);
    let completed = app
        .post_with_bearer(
            "/me/passkeys/complete",
            token,
            json!({"credential": credential}),
        )
        .await;
    assert_eq!(completed.status, 200, "{completed:?}");
    assert_eq!(completed.body["registered"], true, "{completed:?}");
}

#[tokio::test]
async fn a_browser_registers_a_passkey_lists_it_and_removes_it() {
    let app = app_with(&["ana"]).await;
    let browser = Browser::new(&app);
    assert_eq!(browser.login("ana", PASSWORD).await.status, 200);

    let started = browser.post("/me/passkeys", json!({})).await;
    assert_eq!(started.status, 200, "{started:?}");
    assert_eq!(started.headers["cache-control"], "no-store");
    let options = &started.body["creation_options"];
    assert_eq!(options["rp"]["id"], "localhost", "{options}");
    assert_eq!(options["user"]["name"], "ana");
    assert!(options["challenge"].as_str().is_some_and(|c| c.len() >= 43));
    assert_eq!(options["excludeCredentials"], json!([]));

    let mut device = authenticator(&app);
    let credential = device.register(options);
    let completed = browser
        .post("/me/passkeys/complete", json!({"credential": credential}))
        .await;
    assert_eq!(completed.status, 200, "{completed:?}");
    assert_eq!(completed.body["registered"], true, "{completed:?}");
    // Cognito got the browser's credential as it was sent.
    let sent = app.proxy.calls("CompleteWebAuthnRegistration");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["Credential"], credential);

    let passkeys = listed(&browser.get("/me/passkeys").await);
    assert_eq!(passkeys.len(), 1, "{passkeys:?}");
    let passkey = &passkeys[0];
    assert_eq!(passkey["id"], device.credential_id().as_str());
    assert_eq!(passkey["name"], "Platform passkey");
    assert_eq!(passkey["relying_party_id"], "localhost");
    assert_eq!(passkey["attachment"], "platform");
    assert_eq!(passkey["transports"], json!(["internal"]));
    let now = cognito_bff::clock::now_seconds();
    let created = passkey["created_at"].as_i64().expect("seconds");
    assert!(
        (now - 60..=now + 5).contains(&created),
        "{created} vs {now}"
    );

    // A second registration leaves the first out of the ceremony.
    let again = browser.post("/me/passkeys", json!({})).await;
    assert_eq!(
        again.body["creation_options"]["excludeCredentials"][0]["id"],
        device.credential_id().as_str()
    );

    // Whoever signed in elsewhere (with the passkey, say) is signed out by its removal.
    let elsewhere = Browser::new(&app);
    elsewhere.login("ana", PASSWORD).await;
    elsewhere.assert_signed_in().await;
    let removed = browser
        .delete(&format!("/me/passkeys/{}", device.credential_id()))
        .await;
    assert_eq!(removed.status, 200, "{removed:?}");
    assert_eq!(removed.body["removed"], true, "{removed:?}");
    assert_eq!(removed.body["signed_out_others"], 1, "{removed:?}");
    assert_eq!(removed.body["session"], "renewed", "{removed:?}");
    elsewhere.assert_signed_out().await;
    browser.assert_signed_in().await;
    assert!(listed(&browser.get("/me/passkeys").await).is_empty());
    let deleted = app.proxy.calls("DeleteWebAuthnCredential");
    assert_eq!(deleted[0]["CredentialId"], device.credential_id().as_str());
}

#[tokio::test]
async fn an_app_registers_passkeys_with_its_bearer_token() {
    let app = app_with(&["ana"]).await;
    let token = app.login("ana", PASSWORD).await.access_token();
    let mut phone = authenticator(&app);
    let mut key = authenticator(&app);
    register(&app, &token, &mut phone).await;
    register(&app, &token, &mut key).await;

    let passkeys = listed(&app.get_with_bearer("/me/passkeys", &token).await);
    let ids: Vec<&str> = passkeys.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [phone.credential_id(), key.credential_id()]);
    assert_eq!(
        app.user_pool.passkeys_of(&token).await,
        [phone.credential_id(), key.credential_id()]
    );

    let removed = app
        .send(app.with_bearer(
            reqwest::Method::DELETE,
            &format!("/me/passkeys/{}", phone.credential_id()),
            &token,
        ))
        .await;
    assert_eq!(removed.status, 200, "{removed:?}");
    assert_eq!(removed.body["removed"], true, "{removed:?}");
    assert_eq!(
        app.user_pool.passkeys_of(&token).await,
        [key.credential_id()]
    );
}

#[tokio::test]
async fn registering_or_removing_a_passkey_needs_a_recent_sign_in() {
    let app = app_with(&["ana"]).await;
    let browser = Browser::new(&app);
    browser.login("ana", PASSWORD).await;
    let mut device = authenticator(&app);
    let started = browser.post("/me/passkeys", json!({})).await;
    let credential = device.register(&started.body["creation_options"]);
    assert_eq!(
        browser
            .post("/me/passkeys/complete", json!({"credential": credential}))
            .await
            .status,
        200
    );
    let calls = app.proxy.operations().len();
    // Six minutes since the user last proved who they are; the default bound is five.
    browser.age("auth_time", 360).await;

    for (method, path, body) in [
        (reqwest::Method::POST, "/me/passkeys".to_owned(), json!({})),
        (
            reqwest::Method::POST,
            "/me/passkeys/complete".to_owned(),
            json!({"credential": credential}),
        ),
        (
            reqwest::Method::DELETE,
            format!("/me/passkeys/{}", device.credential_id()),
            Value::Null,
        ),
    ] {
        let body = (!body.is_null()).then_some(body);
        let refused = browser.request(method, &path, body, true).await;
        refused.assert_problem(403, "recent_sign_in_required");
        assert_eq!(refused.body["next_step"], "SIGN_IN", "{refused:?}");
    }
    assert_eq!(
        app.proxy.operations().len(),
        calls,
        "nothing reached Cognito"
    );
    // The list needs no fresh proof.
    assert_eq!(listed(&browser.get("/me/passkeys").await).len(), 1);
}

#[tokio::test]
async fn a_passkey_that_is_not_the_callers_is_not_found() {
    let app = app_with(&["ana", "bo"]).await;
    let ana = app.login("ana", PASSWORD).await.access_token();
    let bo = app.login("bo", PASSWORD).await.access_token();
    let mut device = authenticator(&app);
    register(&app, &ana, &mut device).await;

    let delete = |path: String, token: &str| {
        app.send(app.with_bearer(reqwest::Method::DELETE, &path, token))
    };
    // Ana's passkey, by Bo; a well-formed id nobody has.
    for id in [device.credential_id(), authenticator(&app).credential_id()] {
        delete(format!("/me/passkeys/{id}"), &bo)
            .await
            .assert_problem(404, "not_found");
    }
    assert_eq!(app.proxy.calls("DeleteWebAuthnCredential").len(), 2);
    // Ids that can't be credential ids never reach Cognito.
    for id in [
        "not%20base64".to_owned(),
        "AQID%3D".to_owned(),
        "A".repeat(1400),
    ] {
        delete(format!("/me/passkeys/{id}"), &bo)
            .await
            .assert_problem(404, "not_found");
    }
    assert_eq!(app.proxy.calls("DeleteWebAuthnCredential").len(), 2);
    assert_eq!(
        app.user_pool.passkeys_of(&ana).await,
        [device.credential_id()]
    );
}

#[tokio::test]
async fn a_malformed_credential_is_refused_naming_the_member_at_fault() {
    let app = app_with(&["ana"]).await;
    let token = app.login("ana", PASSWORD).await.access_token();
    let started = app
        .post_with_bearer("/me/passkeys", &token, json!({}))
        .await;
    let good = authenticator(&app).register(&started.body["creation_options"]);

    let mut cases = vec![
        (json!({"credential": "a string"}), "credential"),
        (json!({"credential": {}}), "credential.id"),
    ];
    let mut broken = |pointer: &str, value: Value, field: &'static str| {
        let mut credential = good.clone();
        *credential.pointer_mut(pointer).unwrap() = value;
        cases.push((json!({"credential": credential}), field));
    };
    broken("/type", json!("password"), "credential.type");
    broken("/rawId", json!("AQID"), "credential.rawId");
    broken(
        "/response/attestationObject",
        json!("not base64!"),
        "credential.response.attestationObject",
    );
    broken(
        "/response/clientDataJSON",
        json!(null),
        "credential.response.clientDataJSON",
    );
    for (body, field) in cases {
        let refused = app
            .post_with_bearer("/me/passkeys/complete", &token, body)
            .await;
        refused.assert_problem(400, "invalid_request");
        assert_eq!(refused.body["field"], field, "{refused:?}");
    }
    app.post_with_bearer("/me/passkeys/complete", &token, json!({}))
        .await
        .assert_problem(400, "invalid_request");
    assert!(app.proxy.calls("CompleteWebAuthnRegistration").is_empty());

    // The registration still waits: the well-formed credential completes it.
    let completed = app
        .post_with_bearer("/me/passkeys/complete", &token, json!({"credential": good}))
        .await;
    assert_eq!(completed.status, 200, "{completed:?}");
    assert_eq!(completed.body["registered"], true, "{completed:?}");
}

#[tokio::test]
async fn a_page_on_another_site_cant_use_the_session_cookie_for_passkeys() {
    let app = app_with(&["ana"]).await;
    let browser = Browser::new(&app);
    browser.login("ana", PASSWORD).await;
    let mut device = authenticator(&app);
    let started = browser.post("/me/passkeys", json!({})).await;
    browser
        .post(
            "/me/passkeys/complete",
            json!({"credential": device.register(&started.body["creation_options"])}),
        )
        .await;
    let calls = app.proxy.operations().len();
    let path = format!("/me/passkeys/{}", device.credential_id());

    let elsewhere = browser.on(&app).at_origin("https://evil.example");
    elsewhere
        .post("/me/passkeys", json!({}))
        .await
        .assert_problem(403, "origin_not_allowed");
    elsewhere
        .delete(&path)
        .await
        .assert_problem(403, "origin_not_allowed");
    // The page's own script without `X-CSRF: 1` (a form post, say) is refused too.
    for (method, path) in [
        (reqwest::Method::POST, "/me/passkeys"),
        (reqwest::Method::DELETE, path.as_str()),
    ] {
        browser
            .request(method, path, None, false)
            .await
            .assert_problem(403, "csrf_header_required");
    }
    assert_eq!(
        app.proxy.operations().len(),
        calls,
        "nothing reached Cognito"
    );
    assert_eq!(listed(&browser.get("/me/passkeys").await).len(), 1);
}

#[tokio::test]
async fn cognitos_refusals_of_a_registration_are_problems_of_their_own() {
    let app = app_with(&["ana"]).await;
    let token = app.login("ana", PASSWORD).await.access_token();
    let complete = |credential: Value| {
        app.post_with_bearer(
            "/me/passkeys/complete",
            &token,
            json!({"credential": credential}),
        )
    };

    // Made on a page the relying party doesn't cover.
    let started = app
        .post_with_bearer("/me/passkeys", &token, json!({}))
        .await;
    let foreign =
        Authenticator::new("https://evil.example").register(&started.body["creation_options"]);
    let refused = complete(foreign).await;
    refused.assert_problem(400, "passkey_origin_not_allowed");
    // The reason would quote what the caller wrote into the credential: not passed on.
    assert!(
        refused.body["detail"]
            .as_str()
            .is_some_and(|d| !d.contains("evil.example")),
        "{refused:?}"
    );

    // That used the registration up; no other waits.
    let late = authenticator(&app).register(&started.body["creation_options"]);
    complete(late)
        .await
        .assert_problem(409, "passkey_registration_not_found");

    // The same passkey twice.
    let mut device = authenticator(&app);
    register(&app, &token, &mut device).await;
    let again = app
        .post_with_bearer("/me/passkeys", &token, json!({}))
        .await;
    complete(device.register(&again.body["creation_options"]))
        .await
        .assert_problem(400, "passkey_rejected");

    // Cognito's limit on a user's passkeys is no rate limit: no Retry-After.
    app.proxy.then(
        "StartWebAuthnRegistration",
        Reply::error(400, "LimitExceededException"),
    );
    let full = app
        .post_with_bearer("/me/passkeys", &token, json!({}))
        .await;
    full.assert_problem(409, "passkey_limit_reached");
    assert!(full.headers.get("retry-after").is_none());

    // Options that aren't an object never reach the browser.
    app.proxy.then(
        "StartWebAuthnRegistration",
        Reply::Ok(json!({"CredentialCreationOptions": "{\"challenge\":\"x\"}"})),
    );
    app.post_with_bearer("/me/passkeys", &token, json!({}))
        .await
        .assert_problem(502, "cognito_error");
}

#[tokio::test]
async fn a_pool_without_passkeys_says_so() {
    let app = TestApp::start().await;
    app.user_pool.create_user("ana", PASSWORD).await;
    let token = app.login("ana", PASSWORD).await.access_token();
    app.post_with_bearer("/me/passkeys", &token, json!({}))
        .await
        .assert_problem(403, "passkeys_not_enabled");
    // Nothing registered: an empty list.
    assert!(listed(&app.get_with_bearer("/me/passkeys", &token).await).is_empty());

    // Passkeys allowed, but no relying party (no WebAuthnConfiguration, no domain): the
    // operator's to fix.
    use aws_sdk_cognitoidentityprovider::types::AuthFactorType;
    app.user_pool
        .allow_first_factors(&[AuthFactorType::Password, AuthFactorType::WebAuthn])
        .await;
    let unconfigured = app
        .post_with_bearer("/me/passkeys", &token, json!({}))
        .await;
    unconfigured.assert_problem(503, "passkeys_not_configured");
    assert!(unconfigured.headers.get("retry-after").is_none());
}

/// A service signing in by choice (COGNITO_AUTH_FLOW=USER_AUTH) on a pool with passkeys, and
/// Ana with a passkey registered after a password sign-in.
async fn ana_with_a_passkey() -> (TestApp, Authenticator) {
    let app = TestApp::builder()
        .set("COGNITO_AUTH_FLOW", "USER_AUTH")
        .start()
        .await;
    app.user_pool.allow_passkeys("localhost").await;
    app.user_pool.create_user("ana", PASSWORD).await;
    let token = app.login("ana", PASSWORD).await.access_token();
    let mut device = authenticator(&app);
    register(&app, &token, &mut device).await;
    (app, device)
}

/// `POST /login` asking for the passkey: the options it answers with, checked.
#[track_caller]
fn request_options(asked: &Response, device: &Authenticator) -> Value {
    assert_challenge(asked, "WEB_AUTHN", "CONFIRM_SIGN_IN_WITH_PASSKEY");
    let options = asked.body["parameters"]["CREDENTIAL_REQUEST_OPTIONS"].clone();
    assert!(options.is_object(), "{asked:?}");
    assert_eq!(options["rpId"], "localhost");
    assert_eq!(
        options["allowCredentials"][0]["id"],
        device.credential_id().as_str(),
        "{options}"
    );
    options
}

#[tokio::test]
async fn an_app_signs_in_with_the_passkey_it_registered() {
    let (app, mut device) = ana_with_a_passkey().await;

    let asked = app
        .post(
            "/login",
            json!({"username": "ana", "preferred_challenge": "WEB_AUTHN"}),
        )
        .await;
    let options = request_options(&asked, &device);
    let credential = device.sign_in(&options);
    let done = app
        .post_with_cookie(
            "/challenge",
            &asked.cookie(),
            json!({"challenge": "WEB_AUTHN", "responses": {"CREDENTIAL": credential}}),
        )
        .await;
    assert_signed_in(&done);
    assert_eq!(
        app.get_with_bearer("/me", &done.access_token())
            .await
            .status,
        200
    );

    // Cognito got the assertion as the JSON text it takes.
    let answered = app.proxy.calls("RespondToAuthChallenge");
    let sent = answered.last().unwrap();
    assert_eq!(sent["ChallengeName"], "WEB_AUTHN");
    let text = sent["ChallengeResponses"]["CREDENTIAL"]
        .as_str()
        .expect("CREDENTIAL as text");
    assert_eq!(serde_json::from_str::<Value>(text).unwrap(), credential);
}

#[tokio::test]
async fn a_browser_signs_in_with_a_passkey_until_it_is_removed() {
    let (app, mut phone) = ana_with_a_passkey().await;
    let browser = Browser::new(&app);
    let passkey_sign_in = |options: &Value, device: &mut Authenticator| {
        let credential = device.sign_in(options);
        browser.post(
            "/challenge",
            json!({"challenge": "WEB_AUTHN", "responses": {"CREDENTIAL": credential}}),
        )
    };
    let ask = || {
        browser.post(
            "/login",
            json!({"username": "ana", "preferred_challenge": "WEB_AUTHN"}),
        )
    };

    let options = request_options(&ask().await, &phone);
    let done = passkey_sign_in(&options, &mut phone).await;
    assert_eq!(done.body["status"], "authenticated", "{done:?}");
    assert_eq!(done.body["session"]["amr"], json!(["hwk"]), "{done:?}");
    assert_no_token(&done);

    // A passkey sign-in is a recent one: this session adds a security key and removes the
    // phone's passkey.
    let mut key = authenticator(&app);
    let started = browser.post("/me/passkeys", json!({})).await;
    let credential = key.register(&started.body["creation_options"]);
    let added = browser
        .post("/me/passkeys/complete", json!({"credential": credential}))
        .await;
    assert_eq!(added.status, 200, "{added:?}");
    let removed = browser
        .delete(&format!("/me/passkeys/{}", phone.credential_id()))
        .await;
    assert_eq!(removed.status, 200, "{removed:?}");
    assert_eq!(removed.body["removed"], true, "{removed:?}");
    assert_eq!(browser.post("/logout", json!({})).await.status, 204);

    // The removed passkey signs nobody in: the options name only the key, and the phone's
    // assertion is refused, ending that sign-in.
    let options = request_options(&ask().await, &key);
    assert_eq!(
        options["allowCredentials"].as_array().map(Vec::len),
        Some(1),
        "{options}"
    );
    passkey_sign_in(&options, &mut phone)
        .await
        .assert_problem(401, "challenge_expired");
    browser.assert_signed_out().await;
    let options = request_options(&ask().await, &key);
    let done = passkey_sign_in(&options, &mut key).await;
    assert_eq!(done.body["status"], "authenticated", "{done:?}");

    // With none left, asking for a passkey gets the factors the user has.
    let removed = browser
        .delete(&format!("/me/passkeys/{}", key.credential_id()))
        .await;
    assert_eq!(removed.status, 200, "{removed:?}");
    assert_eq!(removed.body["removed"], true, "{removed:?}");
    let asked = ask().await;
    assert_challenge(
        &asked,
        "SELECT_CHALLENGE",
        "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION",
    );
    assert_eq!(
        asked.body["available_challenges"],
        json!(["PASSWORD", "PASSWORD_SRP"])
    );
}
