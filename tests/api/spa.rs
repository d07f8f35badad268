//! The example single-page app (examples/spa, built by examples/spa/build.sh) in headless
//! Chromium, in the two deployments docs/frontends.md describes: on the service's origin
//! behind one nginx with the service under BASE_PATH, and on another origin of the same site
//! with CORS and credentials; and at `localhost`, where the pool's passkeys belong. Either way
//! the page signs in, shows the user, calls an API through the token handler and never holds
//! a token.

use std::path::{Path, PathBuf};

use crate::support::browser::{Browser, held_tokens};
use crate::support::chromium::Chromium;
use crate::support::mfa::{secret_of, totp_code};
use crate::support::nginx;
use crate::support::passwordless::passkey_sent;
use crate::support::upstream::EchoUpstream;
use crate::support::*;
use aws_sdk_cognitoidentityprovider::types::{AuthFactorType, UserPoolMfaType};
use serde_json::{Value, json};

/// The built app, copied into `dir` with this deployment's `config.json`.
fn deploy(dir: &Path, settings: Value) -> PathBuf {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/spa/dist");
    assert!(
        dist.join("index.html").exists(),
        "the example app is not built: run examples/spa/build.sh (scripts/test.sh does)"
    );
    let site = dir.join("site");
    copy_dir(&dist, &site);
    std::fs::write(site.join("config.json"), settings.to_string()).unwrap();
    site
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// nginx on `port` serving the app at the root and passing `/auth/` to `app` (which runs
/// with `BASE_PATH=/auth`), as docs/deployment.md shows; the origin the browser opens.
async fn on_one_origin(app: &TestApp, dir: &Path, port: u16) -> (tokio::process::Child, String) {
    let site = deploy(
        dir,
        json!({"endpoint": "/auth", "credentials": "same-origin", "api": "orders"}),
    );
    let server = format!(
        "server {{\n listen 127.0.0.1:{port};\n \
         location /auth/verify {{ return 404; }}\n \
         location /auth/ {{ proxy_pass http://127.0.0.1:{service}; proxy_set_header Host $http_host; \
         proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto $scheme; }}\n \
         location / {{ root {site}; try_files $uri /index.html; }}\n}}",
        service = app.addr.port(),
        site = site.display(),
    );
    let nginx = nginx::start(dir, &server, port).await;
    (nginx, format!("http://127.0.0.1:{port}"))
}

async fn sign_in(browser: &Chromium, username: &str, password: &str) {
    browser.wait_for_heading("Sign in").await;
    browser.type_into("Username", username).await;
    browser.type_into("Password", password).await;
    browser.click("Sign in").await;
}

/// The account page calls the upstream through the service, which attaches the token.
async fn call_the_api(browser: &Chromium, upstream: &EchoUpstream) {
    browser.click("Call the API").await;
    browser
        .wait_for_text("#api-answer", r#""path": "/items""#)
        .await;
    browser
        .wait_for_text("#api-answer", r#""had_bearer": true"#)
        .await;
    let got = upstream.received().pop().expect("the upstream was called");
    assert!(
        got.header("authorization")
            .is_some_and(|a| a.starts_with("Bearer eyJ")),
        "the upstream got the session's token"
    );
}

#[tokio::test]
#[ignore = "needs nginx"]
async fn on_one_origin_an_invited_user_sets_a_password_and_totp_edits_the_profile_and_calls_an_api()
{
    let upstream = EchoUpstream::start().await;
    let port = free_port();
    let app = TestApp::builder()
        .set("COOKIE_SECURE", "false")
        .set("BASE_PATH", "/auth")
        .set("API_UPSTREAMS", format!("orders={}", upstream.url))
        .start()
        .await;
    app.user_pool.enable_totp_mfa(UserPoolMfaType::On).await;
    app.user_pool.invite_user("hana", "Temp-Passw0rd!").await;
    let dir = tempfile::tempdir().unwrap();
    let (_nginx, origin) = on_one_origin(&app, dir.path(), port).await;
    let browser = Chromium::start("en-US").await;

    browser.open(&format!("{origin}/")).await;
    sign_in(&browser, "hana", "Temp-Passw0rd!").await;
    browser.wait_for_heading("Choose a new password").await;
    browser.type_into("New password", "N3w-Passw0rd!").await;
    browser.click("Continue").await;
    browser
        .wait_for_heading("Set up your authenticator app")
        .await;
    let secret = browser.text_when_shown("#secret").await;
    browser.screenshots("spa-totp-setup").await;
    browser.type_into("Code", &totp_code(&secret).await).await;
    browser.click("Continue").await;

    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "hana").await;
    browser.wait_for_text("#sessions", "(This device)").await;
    browser.type_into("Nickname", "sky").await;
    browser.click("Save").await;
    browser.wait_for_text("#status", "Saved.").await;
    let (_, attributes) = app.user_pool.admin_get_user("hana").await;
    assert!(attributes.contains(&("nickname".to_owned(), "sky".to_owned())));
    call_the_api(&browser, &upstream).await;
    browser.screenshots("spa-same-origin-account").await;
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;

    // Signed out, and back in with the authenticator's code.
    browser.click("Sign out").await;
    sign_in(&browser, "hana", "N3w-Passw0rd!").await;
    browser
        .wait_for_heading("Enter your authenticator code")
        .await;
    browser.type_into("Code", &totp_code(&secret).await).await;
    browser.click("Continue").await;
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "hana").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs nginx"]
async fn on_a_pool_requiring_mfa_an_invited_user_chooses_emailed_codes_and_gives_the_address() {
    let port = free_port();
    let app = TestApp::builder()
        .set("COOKIE_SECURE", "false")
        .set("BASE_PATH", "/auth")
        .start()
        .await;
    app.user_pool
        .enable_totp_and_email_mfa(UserPoolMfaType::On)
        .await;
    app.user_pool.invite_user("kai", "Temp-Passw0rd!").await;
    let dir = tempfile::tempdir().unwrap();
    let (_nginx, origin) = on_one_origin(&app, dir.path(), port).await;
    let browser = Chromium::start("en-US").await;

    browser.open(&format!("{origin}/")).await;
    sign_in(&browser, "kai", "Temp-Passw0rd!").await;
    browser.wait_for_heading("Choose a new password").await;
    browser.type_into("New password", "N3w-Passw0rd!").await;
    browser.click("Continue").await;
    // The pool requires MFA and the user has none: set one up, of the pool's.
    browser
        .wait_for_heading("Choose how to confirm it is you")
        .await;
    assert_eq!(
        browser
            .read("return [...document.querySelectorAll('main button')].map((b) => b.textContent);")
            .await,
        json!(["Authenticator app", "Email"])
    );
    browser.click("Email").await;
    browser
        .wait_for_heading("Add an email address for codes")
        .await;
    browser.type_into("Email", "kai@example.com").await;
    browser.click("Continue").await;
    browser.wait_for_heading("Enter the code we sent").await;
    let code = app.user_pool.code_sent("kai", "EMAIL_MFA").await;
    browser.type_into("Code", &code).await;
    browser.click("Continue").await;
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "kai").await;
    browser
        .wait_for_text("#attributes", "kai@example.com")
        .await;
    let setup = app.proxy.calls("RespondToAuthChallenge");
    let setup = setup
        .iter()
        .find(|call| call["ChallengeName"] == "MFA_SETUP")
        .expect("the address reached Cognito");
    assert_eq!(setup["ChallengeResponses"]["EMAIL"], "kai@example.com");
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs nginx"]
async fn on_another_origin_of_the_same_site_the_cookie_goes_with_cors_and_no_token_is_reachable() {
    let upstream = EchoUpstream::start().await;
    let port = free_port();
    let app_origin = format!("http://127.0.0.1:{port}");
    let app = TestApp::builder()
        .set("COOKIE_SECURE", "false")
        .set("ALLOWED_ORIGINS", &app_origin)
        .set("API_UPSTREAMS", format!("orders={}", upstream.url))
        .start()
        .await;
    app.user_pool.create_user("sora", "Sora-Passw0rd!").await;
    let dir = tempfile::tempdir().unwrap();
    // Another port of the same host: another origin, the same site.
    let site = deploy(
        dir.path(),
        json!({
            "endpoint": format!("http://127.0.0.1:{}", app.addr.port()),
            "credentials": "include",
            "api": "orders",
        }),
    );
    let server = format!(
        "server {{\n listen 127.0.0.1:{port};\n \
         location / {{ root {site}; try_files $uri /index.html; }}\n}}",
        site = site.display(),
    );
    let _nginx = nginx::start(dir.path(), &server, port).await;
    let browser = Chromium::start("en-US").await;

    browser.open(&format!("{app_origin}/")).await;
    sign_in(&browser, "sora", "Sora-Passw0rd!").await;
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "sora").await;
    call_the_api(&browser, &upstream).await;

    // An authenticator app, set up from the account page.
    browser.click("Set up an authenticator app").await;
    let secret = browser.text_when_shown("#totp-secret").await;
    let code = totp_code(&secret).await;
    browser.type_into("Authenticator code", &code).await;
    browser.click("Turn on").await;
    browser
        .wait_for_text("#status", "The authenticator app is on.")
        .await;
    let verified = app.proxy.calls("VerifySoftwareToken");
    assert_eq!(verified.len(), 1, "{verified:?}");
    assert_eq!(verified[0]["UserCode"], code.as_str());

    // The page comes back signed in: the session cookie, held for the service's origin,
    // goes with the app's calls.
    browser.open(&format!("{app_origin}/")).await;
    browser.wait_for_heading("Your account").await;
    browser
        .wait_for_text("#totp", "The authenticator app is on.")
        .await;
    browser.wait_for_text("#sessions", "(This device)").await;
    browser.screenshots("spa-same-site-account").await;
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;

    browser.click("Sign out").await;
    browser.wait_for_heading("Sign in").await;
    assert!(held_tokens(&app).await.is_empty());
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs nginx"]
async fn signing_in_by_choice_the_app_offers_the_pools_factors_and_asks_for_what_was_chosen() {
    let port = free_port();
    let app = TestApp::builder()
        .set("COOKIE_SECURE", "false")
        .set("BASE_PATH", "/auth")
        .set("COGNITO_AUTH_FLOW", "USER_AUTH")
        .start()
        .await;
    app.user_pool
        .allow_first_factors(&[AuthFactorType::Password, AuthFactorType::EmailOtp])
        .await;
    app.user_pool.create_user("jun", "Jun-Passw0rd!").await;
    app.user_pool.verify_email("jun").await;
    let dir = tempfile::tempdir().unwrap();
    let (_nginx, origin) = on_one_origin(&app, dir.path(), port).await;
    let browser = Chromium::start("en-US").await;

    // No password: the pool's first factors are offered, and an emailed code is chosen.
    browser.open(&format!("{origin}/")).await;
    sign_in(&browser, "jun", "").await;
    browser.wait_for_heading("Choose how to sign in").await;
    browser.screenshots("spa-choose-factor").await;
    browser.click("Email me a code").await;
    browser.wait_for_heading("Enter the code we sent").await;
    let code = app.user_pool.code_sent("jun", "EMAIL_OTP").await;
    browser.type_into("Code", &code).await;
    browser.click("Continue").await;
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "jun").await;

    // Next time the password, asked for once chosen.
    browser.click("Sign out").await;
    sign_in(&browser, "jun", "").await;
    browser.wait_for_heading("Choose how to sign in").await;
    browser.click("Password").await;
    browser.wait_for_heading("Enter your password").await;
    browser.type_into("Password", "Jun-Passw0rd!").await;
    browser.click("Continue").await;
    browser.wait_for_heading("Your account").await;
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs nginx"]
async fn a_second_factor_mailed_chosen_or_texted_is_asked_for_and_taken() {
    let browser = Chromium::start("en-US").await;

    // A mailed code: email MFA turned on by the user, as the API does (the pool also offers
    // an authenticator app, set up below).
    let mailed = TestApp::builder()
        .set("COOKIE_SECURE", "false")
        .set("BASE_PATH", "/auth")
        .start()
        .await;
    mailed
        .user_pool
        .enable_totp_and_email_mfa(UserPoolMfaType::Optional)
        .await;
    mailed.user_pool.create_user("ana", "Ana-Passw0rd!").await;
    mailed.user_pool.verify_email("ana").await;
    let token = mailed
        .post(
            "/auth/login",
            json!({"username": "ana", "password": "Ana-Passw0rd!"}),
        )
        .await
        .access_token();
    let on = mailed
        .post_with_bearer("/auth/mfa/email", &token, json!({}))
        .await;
    assert_eq!(on.status, 200, "{on:?}");
    let dir = tempfile::tempdir().unwrap();
    let (_nginx, origin) = on_one_origin(&mailed, dir.path(), free_port()).await;
    browser.open(&format!("{origin}/")).await;
    sign_in(&browser, "ana", "Ana-Passw0rd!").await;
    browser.wait_for_heading("Enter the code we sent").await;
    let code = mailed.user_pool.code_sent("ana", "EMAIL_MFA").await;
    browser.type_into("Code", &code).await;
    browser.click("Continue").await;
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "ana").await;

    // An authenticator app beside the mailed code, neither preferred: the user chooses.
    let setup = mailed
        .post_with_bearer("/auth/mfa/totp/setup", &token, json!({}))
        .await;
    let secret = secret_of(&setup);
    let verified = mailed
        .post_with_bearer(
            "/auth/mfa/totp/verify",
            &token,
            json!({"code": totp_code(&secret).await}),
        )
        .await;
    assert_eq!(verified.status, 200, "{verified:?}");
    mailed
        .user_pool
        .prefer_no_mfa("ana", &["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"])
        .await;
    browser.click("Sign out").await;
    sign_in(&browser, "ana", "Ana-Passw0rd!").await;
    browser
        .wait_for_heading("Choose how to confirm it is you")
        .await;
    browser.screenshots("spa-choose-mfa").await;
    browser.click("Authenticator app").await;
    browser
        .wait_for_heading("Enter your authenticator code")
        .await;
    let code = totp_code(&secret).await;
    browser.type_into("Code", &code).await;
    browser.click("Continue").await;
    browser.wait_for_heading("Your account").await;
    let answers = mailed.proxy.calls("RespondToAuthChallenge");
    let [.., choice, answer] = answers.as_slice() else {
        panic!("a choice and an answer: {answers:?}");
    };
    assert_eq!(choice["ChallengeName"], "SELECT_MFA_TYPE", "{choice}");
    assert_eq!(choice["ChallengeResponses"]["ANSWER"], "SOFTWARE_TOKEN_MFA");
    assert_eq!(answer["ChallengeName"], "SOFTWARE_TOKEN_MFA", "{answer}");
    assert_eq!(
        answer["ChallengeResponses"]["SOFTWARE_TOKEN_MFA_CODE"],
        code
    );

    // A texted code, on another pool. The emulator takes any code; the one typed is the one
    // that reaches Cognito.
    let texted = TestApp::builder()
        .set("COOKIE_SECURE", "false")
        .set("BASE_PATH", "/auth")
        .start()
        .await;
    texted.user_pool.create_user("bo", "Bo-Passw0rd!").await;
    texted.user_pool.enable_sms_mfa("bo", "+15555550100").await;
    let dir = tempfile::tempdir().unwrap();
    let (_nginx, origin) = on_one_origin(&texted, dir.path(), free_port()).await;
    browser.open(&format!("{origin}/")).await;
    sign_in(&browser, "bo", "Bo-Passw0rd!").await;
    browser.wait_for_heading("Enter the code we sent").await;
    browser.type_into("Code", "246810").await;
    browser.click("Continue").await;
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "bo").await;
    let answers = texted.proxy.calls("RespondToAuthChallenge");
    assert_eq!(
        answers.last().expect("the code was sent on")["ChallengeResponses"]["SMS_MFA_CODE"],
        "246810"
    );
    browser
        .assert_no_token_reachable(&held_tokens(&texted).await)
        .await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs nginx"]
async fn at_localhost_a_user_adds_a_passkey_ends_another_session_and_signs_in_with_the_passkey() {
    let port = free_port();
    let app = TestApp::builder()
        .set("COOKIE_SECURE", "false")
        .set("BASE_PATH", "/auth")
        .set("COGNITO_AUTH_FLOW", "USER_AUTH")
        .start()
        .await;
    // Passkeys belong to `localhost`: the page must be opened there.
    app.user_pool.allow_passkeys("localhost").await;
    app.user_pool
        .allow_first_factors(&[AuthFactorType::Password, AuthFactorType::WebAuthn])
        .await;
    app.user_pool.create_user("mina", "Mina-Passw0rd!").await;
    let phone = Browser::with_agent(
        &app,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    );
    let signed_in = phone
        .post(
            "/auth/login",
            json!({"username": "mina", "password": "Mina-Passw0rd!"}),
        )
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    let session = phone.get("/auth/session").await;
    assert_eq!(session.status, 200, "{session:?}");
    let dir = tempfile::tempdir().unwrap();
    let (_nginx, _) = on_one_origin(&app, dir.path(), port).await;
    let origin = format!("http://localhost:{port}");
    let browser = Chromium::start("en-US").await;
    let authenticator = browser.add_virtual_authenticator().await;

    browser.open(&format!("{origin}/")).await;
    sign_in(&browser, "mina", "Mina-Passw0rd!").await;
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#passkeys", "None yet.").await;
    browser.click("Add a passkey").await;
    browser
        .wait_for_text("#status", "The passkey was added.")
        .await;
    let held = browser.passkeys_held(&authenticator).await;
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!(held[0]["rpId"], "localhost");
    assert_eq!(app.proxy.calls("CompleteWebAuthnRegistration").len(), 1);
    browser.wait_for_count("#passkeys li button", 1).await;

    // The phone's session, ended from this one.
    browser.wait_for_text("#sessions", "Safari on iOS").await;
    browser
        .full_page_screenshot("spa-passkey-and-sessions")
        .await;
    browser.click("End Safari on iOS").await;
    browser
        .wait_for_text("#status", "The session was ended.")
        .await;
    phone
        .get("/auth/session")
        .await
        .assert_problem(401, "no_session");
    // The list, read again, holds this device alone.
    browser.wait_for_count("#sessions li", 1).await;
    browser.wait_for_text("#sessions", "(This device)").await;
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;

    // Back in with the passkey: first refused by the authenticator, then given.
    browser.click("Sign out").await;
    browser.wait_for_heading("Sign in").await;
    browser.type_into("Username", "mina").await;
    let answered = app.proxy.calls("RespondToAuthChallenge").len();
    browser.set_user_verified(&authenticator, false).await;
    browser.click("Sign in with a passkey").await;
    browser.wait_for_text("#status", "(passkey_failed)").await;
    assert_eq!(
        app.proxy.calls("RespondToAuthChallenge").len(),
        answered,
        "no assertion went to Cognito"
    );
    browser.set_user_verified(&authenticator, true).await;
    browser.click("Sign in with a passkey").await;
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "mina").await;
    let answers = app.proxy.calls("RespondToAuthChallenge");
    assert_eq!(answers.len(), answered + 1, "{answers:?}");
    let credential = passkey_sent(answers.last().unwrap());
    assert_eq!(credential["id"], held[0]["credentialId"], "{credential}");
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;

    // Removed: gone from the list and from Cognito.
    browser.wait_for_count("#passkeys li button", 1).await;
    browser.click_at("#passkeys li button").await;
    browser
        .wait_for_text("#status", "The passkey was removed.")
        .await;
    browser.wait_for_text("#passkeys", "None yet.").await;
    assert_eq!(app.proxy.calls("DeleteWebAuthnCredential").len(), 1);
    browser.close().await;
}
