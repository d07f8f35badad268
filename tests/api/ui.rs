//! The built-in sign-in pages, used in headless Chromium as a person uses them: typing,
//! clicking, reading the screen. In every story nothing a page script can reach holds a token.

use std::sync::{Arc, Mutex};

use crate::support::browser::{Browser, held_tokens};
use crate::support::chromium::Chromium;
use crate::support::mfa::{totp_code, user_with_totp};
use crate::support::passwordless::passkey_sent;
use crate::support::upstream::EchoUpstream;
use crate::support::*;
use aws_sdk_cognitoidentityprovider::types::{AuthFactorType, UserPoolMfaType};
use axum::http::HeaderMap;

/// The service as a developer runs it locally: plain http on loopback, so the browser's
/// Origin is the service's own.
async fn app() -> TestApp {
    TestApp::builder()
        .set("COOKIE_SECURE", "false")
        .start()
        .await
}

fn page(app: &TestApp, path: &str) -> String {
    format!("http://{}{path}", app.addr)
}

/// Signs in on the sign-in page, which must be open.
async fn sign_in(browser: &Chromium, username: &str, password: &str) {
    browser.wait_for_heading("Sign in").await;
    browser.type_into("Username", username).await;
    browser.type_into("Password", password).await;
    browser.click("Sign in").await;
}

/// The account page offers only what can be done with the authenticator app: turn it on when
/// it is off, turn it off when it is on.
async fn assert_totp_shown(browser: &Chromium, on: bool) {
    let shown = |action: &str| {
        format!("return !document.querySelector('[data-action=\"{action}\"]').hidden")
    };
    // The page sets it once /me has answered.
    browser
        .wait_for_value(&shown("totp-start"), serde_json::json!(!on))
        .await;
    browser
        .wait_for_value(&shown("totp-off"), serde_json::json!(on))
        .await;
}

/// As if every browser session's sign-in had happened `seconds` earlier.
async fn age_sign_ins(app: &TestApp, seconds: i64) {
    sqlx::query("UPDATE browser_sessions SET auth_time = auth_time - $1")
        .bind(seconds)
        .execute(&app.db.pool().await)
        .await
        .unwrap();
    app.state.sessions.store().forget_cached();
}

/// A CDN in front of the service that strips `Origin` and `Sec-Fetch-*` from every request, as
/// some do, so the service can't tell the browser's requests from a script's. It keeps the
/// headers of each request as it passes it on: as the service receives them.
struct StrippingCdn {
    url: String,
    passed: Arc<Mutex<Vec<(String, HeaderMap)>>>,
}

impl StrippingCdn {
    async fn start(app: &TestApp) -> StrippingCdn {
        use hyper_util::client::legacy::Client;
        use hyper_util::rt::TokioExecutor;

        let service = app.addr;
        let passed = Arc::new(Mutex::new(Vec::new()));
        let kept = passed.clone();
        let client = Client::builder(TokioExecutor::new()).build_http::<axum::body::Body>();
        let cdn = axum::Router::new().fallback(move |mut request: axum::extract::Request| {
            let client = client.clone();
            let kept = kept.clone();
            async move {
                let headers = request.headers_mut();
                for name in [
                    "origin",
                    "sec-fetch-site",
                    "sec-fetch-mode",
                    "sec-fetch-dest",
                ] {
                    headers.remove(name);
                }
                let path = request
                    .uri()
                    .path_and_query()
                    .map(|p| p.to_string())
                    .unwrap_or_default();
                kept.lock()
                    .unwrap()
                    .push((request.uri().path().to_owned(), request.headers().clone()));
                *request.uri_mut() = format!("http://{service}{path}").parse().unwrap();
                let answer = client.request(request).await.expect("the service answers");
                answer.map(axum::body::Body::new)
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, cdn).await.unwrap() });
        StrippingCdn { url, passed }
    }

    /// The headers of every request for `path` the service received through the CDN.
    fn passed(&self, path: &str) -> Vec<HeaderMap> {
        self.passed
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, headers)| headers.clone())
            .collect()
    }
}

#[tokio::test]
async fn an_invited_user_sets_a_password_and_totp_signs_out_and_back_in_with_the_code() {
    let app = app().await;
    app.user_pool.enable_totp_mfa(UserPoolMfaType::On).await;
    app.user_pool.invite_user("hana", "Temp-Passw0rd!").await;
    let browser = Chromium::start("en-US").await;

    browser.open(&page(&app, "/ui/")).await;
    browser.wait_for_heading("Sign in").await;
    browser.screenshots("sign-in").await;
    browser.type_into("Username", "hana").await;
    browser.type_into("Password", "Temp-Passw0rd!").await;
    browser.click("Sign in").await;

    browser.wait_for_heading("Choose a new password").await;
    browser.screenshots("new-password").await;
    browser.type_into("New password", "N3w-Passw0rd!").await;
    browser.click("Continue").await;

    // The page shows the key; the "app" is the test computing the code from it.
    browser
        .wait_for_heading("Set up your authenticator app")
        .await;
    let secret = browser.text_when_shown("#totp-setup .totp-key").await;
    let qr_width = browser
        .read("return document.querySelector('#totp-setup .qr').naturalWidth")
        .await;
    assert!(
        qr_width.as_u64().unwrap_or(0) >= 200,
        "the QR code shows: {qr_width}"
    );
    browser.screenshots("totp-setup").await;
    browser.type_into("Code", &totp_code(&secret).await).await;
    browser.click("Continue").await;

    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "hana").await;
    browser.screenshots("account").await;
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;

    browser.click("Sign out").await;
    browser.wait_for_heading("Sign in").await;
    browser.type_into("Username", "hana").await;
    browser.type_into("Password", "N3w-Passw0rd!").await;
    browser.click("Sign in").await;
    browser
        .wait_for_heading("Enter your authenticator code")
        .await;
    browser.screenshots("totp").await;
    browser.type_into("Code", &totp_code(&secret).await).await;
    browser.click("Continue").await;
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "hana").await;
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_remembered_device_skips_the_code_until_the_user_forgets_it() {
    let app = app().await;
    app.user_pool
        .enable_totp_mfa(UserPoolMfaType::Optional)
        .await;
    app.user_pool.track_devices(true, true).await;
    let secret = user_with_totp(&app, "mina", "Mina-Passw0rd!").await;
    let browser = Chromium::start("en-US").await;

    browser.open(&page(&app, "/ui/sign-in")).await;
    sign_in(&browser, "mina", "Mina-Passw0rd!").await;
    browser
        .wait_for_heading("Enter your authenticator code")
        .await;
    browser.type_into("Code", &totp_code(&secret).await).await;
    browser.click_at("#totp-remember_device").await;
    browser.screenshots("totp-remember-device").await;
    browser.click("Continue").await;
    browser.wait_for_heading("Your account").await;
    browser
        .wait_for_text("#devices", "Chrome on Linux (This device)")
        .await;
    browser.wait_for_text("#devices", "Remembered").await;
    browser.full_page_screenshot("account-devices").await;
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;

    // Signed out and back in: the device is remembered, so no code is asked.
    browser.click("Sign out").await;
    sign_in(&browser, "mina", "Mina-Passw0rd!").await;
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "mina").await;

    // Forgotten (this device, not the one the set-up's sign-in made): the next sign-in asks
    // for the code again.
    browser.wait_for_count("#devices li", 2).await;
    browser
        .click_at(r#"button[aria-label="Forget: Chrome on Linux"]"#)
        .await;
    browser
        .wait_for_text("#status", "The device was forgotten.")
        .await;
    browser.click("Sign out").await;
    sign_in(&browser, "mina", "Mina-Passw0rd!").await;
    browser
        .wait_for_heading("Enter your authenticator code")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_visitor_signs_up_confirms_with_the_code_and_signs_in() {
    let app = app().await;
    let browser = Chromium::start("en-US").await;
    browser.open(&page(&app, "/ui/sign-in")).await;
    browser.click_link("Create an account").await;
    browser.wait_for_heading("Create an account").await;
    browser.screenshots("sign-up").await;
    browser.type_into("Username", "minji").await;
    browser.type_into("Email", "minji@example.com").await;
    browser.type_into("New password", "Minji-Passw0rd!").await;
    browser.click("Create account").await;

    browser.wait_for_heading("Confirm your account").await;
    browser.screenshots("confirm").await;
    // The emulator takes any code; Cognito would have mailed one.
    browser.type_into("Code", "123456").await;
    browser.click("Confirm").await;

    browser.wait_for_heading("Sign in").await;
    browser
        .wait_for_text("#status", "Your account is confirmed")
        .await;
    browser.type_into("Password", "Minji-Passw0rd!").await;
    browser.click("Sign in").await;
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "minji").await;
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_user_who_forgot_the_password_resets_it_with_the_mailed_code() {
    let app = app().await;
    app.user_pool.create_user("joon", "Old-Passw0rd!").await;
    // Signed in elsewhere, perhaps by whoever learnt the old password.
    let elsewhere = Browser::new(&app);
    elsewhere.login("joon", "Old-Passw0rd!").await;
    elsewhere.assert_signed_in().await;
    let browser = Chromium::start("en-US").await;
    browser.open(&page(&app, "/ui/sign-in")).await;
    browser.click_link("Forgot your password?").await;
    browser.wait_for_heading("Forgot your password?").await;
    browser.screenshots("forgot").await;
    browser.type_into("Username", "joon").await;
    browser.click("Send a reset code").await;

    browser.wait_for_heading("Set a new password").await;
    browser.screenshots("reset").await;
    let code = app
        .proxy
        .reply_headers("ForgotPassword", "x-moto-forgot-password-confirmation-code")
        .pop()
        .expect("the emulator's reset code");
    browser.type_into("Code", &code).await;
    browser.type_into("New password", "New-Passw0rd!").await;
    browser.click("Set password").await;

    browser.wait_for_heading("Sign in").await;
    browser
        .wait_for_text(
            "#status",
            "Your password was reset. You were signed out on 1 other device. Sign in.",
        )
        .await;
    elsewhere.assert_signed_out().await;
    browser.type_into("Password", "New-Passw0rd!").await;
    browser.click("Sign in").await;
    browser.wait_for_heading("Your account").await;
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_user_edits_the_profile_and_ends_a_session_on_another_device() {
    let upstream = EchoUpstream::start().await;
    let app = TestApp::builder()
        .set("COOKIE_SECURE", "false")
        .set("API_UPSTREAMS", format!("orders={}", upstream.url))
        .start()
        .await;
    app.user_pool.create_user("sora", "Sora-Passw0rd!").await;
    let laptop = Chromium::start("en-US").await;
    let phone = Chromium::start("en-US").await;
    for browser in [&laptop, &phone] {
        browser.open(&page(&app, "/ui/sign-in")).await;
        browser.type_into("Username", "sora").await;
        browser.type_into("Password", "Sora-Passw0rd!").await;
        browser.click("Sign in").await;
        browser.wait_for_heading("Your account").await;
    }

    laptop.type_into("Nickname", "sky").await;
    laptop.click("Save").await;
    laptop.wait_for_text("#status", "Saved.").await;
    let (_, attributes) = app.user_pool.admin_get_user("sora").await;
    assert!(attributes.contains(&("nickname".to_owned(), "sky".to_owned())));

    // The laptop sees both sessions, and ends the phone's.
    laptop.open(&page(&app, "/ui/account")).await;
    laptop.wait_for_text("#sessions", "(This device)").await;
    laptop.wait_for_text("#sessions", "Last active").await;
    laptop.wait_for_count("#sessions li", 2).await;
    laptop.screenshots("account-sessions").await;
    laptop.full_page_screenshot("account-sessions").await;
    laptop.click_at("#sessions li button").await;
    laptop.wait_for_count("#sessions li", 1).await;
    phone.open(&page(&app, "/ui/account")).await;
    phone.wait_for_heading("Sign in").await;

    // The page's own code calls an API through the service, which adds the token.
    let answer = laptop
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             fetch('/api/orders/items?page=1', {credentials: 'same-origin', headers: {'x-csrf': '1'}})\
               .then((r) => r.json()).then(done, (e) => done(String(e)));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(answer["path"], "/items", "{answer}");
    assert_eq!(answer["had_bearer"], true);
    let got = upstream.received().pop().unwrap();
    assert!(
        got.header("authorization")
            .unwrap()
            .starts_with("Bearer eyJ")
    );
    laptop
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;
    laptop.close().await;
    phone.close().await;
}

#[tokio::test]
async fn the_pages_speak_korean_to_a_korean_browser_and_switch_on_request() {
    let app = app().await;
    app.user_pool.create_user("jiwoo", "Jiwoo-Passw0rd!").await;
    let browser = Chromium::start("ko-KR").await;
    browser.open(&page(&app, "/ui/sign-in")).await;
    browser.wait_for_heading("로그인").await;
    browser.screenshots("sign-in-ko").await;
    browser.type_into("사용자 이름", "jiwoo").await;
    browser.type_into("비밀번호", "wrong-Passw0rd!").await;
    browser.click("로그인").await;
    browser
        .wait_for_text("#status", "사용자 이름 또는 비밀번호가 올바르지 않습니다.")
        .await;
    browser.screenshots("sign-in-ko-error").await;

    browser.click_link("English").await;
    browser.wait_for_heading("Sign in").await;
    // The choice sticks.
    browser.open(&page(&app, "/ui/password/forgot")).await;
    browser.wait_for_heading("Forgot your password?").await;
    browser.close().await;
}

#[tokio::test]
async fn after_signing_in_the_user_goes_where_they_were_going_if_it_is_listed() {
    let app = TestApp::builder()
        .set("COOKIE_SECURE", "false")
        .set("UI_RETURN_URLS", "https://shop.example.test/orders")
        .start()
        .await;
    app.user_pool.create_user("yuna", "Yuna-Passw0rd!").await;
    for (return_to, lands_on) in [
        (
            "https://shop.example.test/orders/42",
            "https://shop.example.test/orders/42".to_owned(),
        ),
        (
            "https://evil.example.test/orders",
            page(&app, "/ui/account"),
        ),
    ] {
        let browser = Chromium::start("en-US").await;
        let start = format!(
            "{}?return_to={}",
            page(&app, "/ui/sign-in"),
            percent_encoding::utf8_percent_encode(return_to, percent_encoding::NON_ALPHANUMERIC)
        );
        browser.open(&start).await;
        browser.type_into("Username", "yuna").await;
        browser.type_into("Password", "Yuna-Passw0rd!").await;
        browser.click("Sign in").await;
        browser.wait_for_url(&lands_on).await;
        browser.close().await;
    }
}

#[tokio::test]
async fn every_page_forbids_framing_inline_code_and_caching() {
    let app = app().await;
    for (path, _) in cognito_bff::ui::Page::ALL {
        let answer = app
            .send(app.http.get(app.url(&format!("/ui/{path}"))))
            .await;
        if path == "account" {
            assert_eq!(answer.status, 303, "no session: to sign in");
            continue;
        }
        assert_eq!(answer.status, 200, "{path}");
        let header = |name: &str| {
            answer
                .headers
                .get(name)
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        };
        let csp = header("content-security-policy");
        assert!(
            csp.contains("script-src 'self';") && !csp.contains("unsafe"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(header("x-frame-options"), "DENY");
        assert_eq!(header("cache-control"), "no-store");
        let html = answer.body.as_str().unwrap();
        assert!(
            !html.contains("<script>") && !html.contains(" style=\""),
            "{path}"
        );
        // No form can send anything before the script enables it.
        assert!(
            !html.contains("type=\"submit\">"),
            "{path}: an enabled button"
        );
    }
    // The language switch's cookie names a language and nothing else.
    let switched = app.send(app.http.get(app.url("/ui/sign-in?lang=ko"))).await;
    let cookie = switched
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(cookie.starts_with("cognito-bff-lang=ko;"), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("Path=/ui"),
        "{cookie}"
    );
    let odd = app
        .send(app.http.get(app.url("/ui/sign-in?lang=%3Cscript%3E")))
        .await;
    assert!(odd.headers.get("set-cookie").is_none());
    app.send(app.http.get(app.url("/ui/nowhere")))
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn a_user_with_sms_mfa_enters_the_texted_code_and_a_wrong_one_is_shown_at_the_field() {
    let app = app().await;
    app.user_pool.create_user("ana", "Ana-Passw0rd!").await;
    app.user_pool.enable_sms_mfa("ana", "+15555550100").await;
    // The emulator takes any code; Cognito's answer to a wrong one stands in, once.
    app.proxy.fail(
        "RespondToAuthChallenge",
        Reply::error(400, "CodeMismatchException"),
        1,
    );
    let browser = Chromium::start("en-US").await;
    browser.open(&page(&app, "/ui/sign-in")).await;
    browser.type_into("Username", "ana").await;
    browser.type_into("Password", "Ana-Passw0rd!").await;
    browser.click("Sign in").await;

    browser.wait_for_heading("Enter the code we sent you").await;
    browser.type_into("Code", "111111").await;
    browser.click("Continue").await;
    browser
        .wait_for_text("#code-code-error", "That code isn't right. Try again.")
        .await;
    let invalid = browser
        .read(
            "const field = document.getElementById('code-code');\
             return [field.getAttribute('aria-invalid'), document.activeElement === field];",
        )
        .await;
    assert_eq!(
        invalid,
        serde_json::json!(["true", true]),
        "the field is marked and focused"
    );
    browser.screenshots("code-error").await;

    browser.type_into("Code", "123456").await;
    browser.click("Continue").await;
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "ana").await;
    let answers = app.proxy.calls("RespondToAuthChallenge");
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[1]["ChallengeResponses"]["SMS_MFA_CODE"], "123456");
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;
    browser.close().await;
}

#[tokio::test]
async fn the_pages_get_a_session_where_a_cdn_strips_origin_and_fetch_metadata() {
    let app = app().await;
    app.user_pool.create_user("dami", "Dami-Passw0rd!").await;
    let cdn = StrippingCdn::start(&app).await;
    let browser = Chromium::start("en-US").await;
    browser.open(&format!("{}/ui/sign-in", cdn.url)).await;
    sign_in(&browser, "dami", "Dami-Passw0rd!").await;

    // The account page opens only with a session.
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "dami").await;
    let logins = cdn.passed("/login");
    assert_eq!(logins.len(), 1);
    let login = &logins[0];
    assert_eq!(
        login.get("x-token-delivery").map(|v| v.as_bytes()),
        Some(&b"session"[..]),
        "{login:?}"
    );
    assert!(
        login.get("origin").is_none() && login.get("sec-fetch-site").is_none(),
        "nothing tells the service a browser asked: {login:?}"
    );
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_password_change_says_how_many_devices_it_signed_out_and_an_ended_session_signs_in_again()
{
    let app = TestApp::builder()
        .set("COOKIE_SECURE", "false")
        // How long a session's new id may wait for another replica's refresh.
        .set("COGNITO_TIMEOUT_SECONDS", 2)
        .start()
        .await;
    app.user_pool.create_user("hyun", "First-Passw0rd!").await;
    let browser = Chromium::start("en-US").await;
    browser.open(&page(&app, "/ui/sign-in")).await;
    sign_in(&browser, "hyun", "First-Passw0rd!").await;
    browser.wait_for_heading("Your account").await;
    let tablet = Browser::new(&app);
    let phone = Browser::new(&app);
    for other in [&tablet, &phone] {
        other.login("hyun", "First-Passw0rd!").await;
        other.assert_signed_in().await;
    }
    browser.open(&page(&app, "/ui/account")).await;
    browser.wait_for_count("#sessions li", 3).await;

    browser
        .type_into("Current password", "First-Passw0rd!")
        .await;
    browser.type_into("New password", "Second-Passw0rd!").await;
    browser.click("Change password").await;
    browser
        .wait_for_text(
            "#status",
            "Your password was changed. You were signed out on 2 other devices.",
        )
        .await;
    // The list is shown again: this device only.
    browser.wait_for_count("#sessions li", 1).await;
    browser.wait_for_text("#sessions", "(This device)").await;
    tablet.assert_signed_out().await;
    phone.assert_signed_out().await;
    browser.screenshots("password-changed").await;

    // Another replica holds the session's refresh for as long as anyone waits: the session
    // can't get a new id, so it ends; the change itself stands.
    sqlx::query("UPDATE browser_sessions SET refresh_leased_until = $1")
        .bind(cognito_bff::clock::now_ms() + 3_600_000)
        .execute(&app.db.pool().await)
        .await
        .unwrap();
    browser
        .type_into("Current password", "Second-Passw0rd!")
        .await;
    browser.type_into("New password", "Third-Passw0rd!").await;
    browser.click("Change password").await;
    browser.wait_for_heading("Sign in").await;
    browser
        .wait_for_text(
            "#status",
            "Your password was changed. Sign in again to continue.",
        )
        .await;
    assert_eq!(browser.value_of("Username").await, "hyun");
    browser.type_into("Password", "Third-Passw0rd!").await;
    browser.click("Sign in").await;
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "hyun").await;
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_change_that_needs_a_recent_sign_in_signs_in_again_and_carries_on() {
    let app = app().await;
    app.user_pool
        .enable_totp_mfa(UserPoolMfaType::Optional)
        .await;
    app.user_pool.create_user("nari", "Nari-Passw0rd!").await;
    let elsewhere = Browser::new(&app);
    elsewhere.login("nari", "Nari-Passw0rd!").await;
    elsewhere.assert_signed_in().await;
    let browser = Chromium::start("en-US").await;
    browser.open(&page(&app, "/ui/sign-in")).await;
    sign_in(&browser, "nari", "Nari-Passw0rd!").await;
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "nari").await;
    // The page shows the authenticator app's real state: off, so only "turn on".
    assert_totp_shown(&browser, false).await;

    // Six minutes later, past RECENT_SIGN_IN_SECONDS.
    age_sign_ins(&app, 360).await;
    browser.click("Turn on authenticator app").await;
    browser.wait_for_heading("Sign in").await;
    browser
        .wait_for_text("#status", "For your security, sign in again to continue.")
        .await;
    assert_eq!(browser.value_of("Username").await, "nari");
    browser.screenshots("sign-in-again").await;
    browser.type_into("Password", "Nari-Passw0rd!").await;
    browser.click("Sign in").await;

    // Back on the account page, the setup goes on without another click.
    browser.wait_for_heading("Your account").await;
    let secret = browser.text_when_shown("#totp-account .totp-key").await;
    let qr_width = browser
        .read("return document.querySelector('#totp-account .qr').naturalWidth")
        .await;
    assert!(
        qr_width.as_u64().unwrap_or(0) >= 200,
        "the QR code shows: {qr_width}"
    );
    assert_eq!(
        app.proxy.calls("AssociateSoftwareToken").len(),
        1,
        "asked of Cognito once, after the sign-in"
    );
    browser.screenshots("totp-resumed").await;
    browser.type_into("Code", &totp_code(&secret).await).await;
    browser.click("Confirm").await;
    browser
        .wait_for_text("#status", "The authenticator app is on.")
        .await;
    assert_totp_shown(&browser, true).await;
    browser.open(&page(&app, "/ui/account")).await;
    browser.wait_for_text("#whoami", "nari").await;
    assert_totp_shown(&browser, true).await;

    // Turning it off, later again: signing in now takes the app's code too.
    age_sign_ins(&app, 360).await;
    browser.click("Turn off authenticator app").await;
    browser.wait_for_heading("Sign in").await;
    browser
        .wait_for_text("#status", "For your security, sign in again to continue.")
        .await;
    browser.type_into("Password", "Nari-Passw0rd!").await;
    browser.click("Sign in").await;
    browser
        .wait_for_heading("Enter your authenticator code")
        .await;
    browser.type_into("Code", &totp_code(&secret).await).await;
    browser.click("Continue").await;
    browser.wait_for_heading("Your account").await;
    browser
        .wait_for_text(
            "#status",
            "The authenticator app is off. You were signed out on 1 other device.",
        )
        .await;
    browser.wait_for_count("#sessions li", 1).await;
    elsewhere.assert_signed_out().await;
    let preference = app.proxy.calls("SetUserMFAPreference");
    assert_eq!(
        preference.last().unwrap()["SoftwareTokenMfaSettings"]["Enabled"],
        false,
        "{preference:?}"
    );
    assert_totp_shown(&browser, false).await;
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;
    browser.close().await;
}

/// The service on a pool with choice-based sign-in (USER_AUTH): passwords, emailed codes and
/// passkeys, MFA as `mfa` says. Pages are opened at `http://localhost:PORT` (see `local`).
async fn choice_app(mfa: UserPoolMfaType) -> TestApp {
    let app = TestApp::builder()
        .set("COOKIE_SECURE", "false")
        .set("COGNITO_AUTH_FLOW", "USER_AUTH")
        .start()
        .await;
    app.user_pool.enable_totp_and_email_mfa(mfa).await;
    app.user_pool.allow_passkeys("localhost").await;
    app.user_pool
        .allow_first_factors(&[
            AuthFactorType::Password,
            AuthFactorType::EmailOtp,
            AuthFactorType::WebAuthn,
        ])
        .await;
    app
}

/// A page at `localhost`, the relying party id of the pool's passkeys: a browser uses a
/// passkey only on a page whose host is the relying party or under it.
fn local(app: &TestApp, path: &str) -> String {
    format!("http://localhost:{}{path}", app.addr.port())
}

/// The texts of the buttons the page shows.
async fn buttons_shown(browser: &Chromium) -> Vec<String> {
    let shown = browser
        .read(
            "return [...document.querySelectorAll('main button')]\
               .filter((b) => b.offsetParent !== null).map((b) => b.textContent.trim());",
        )
        .await;
    serde_json::from_value(shown).unwrap()
}

/// Saves the page in English, then in Korean by its own language switch, and switches back:
/// `name` and `name-ko`. What the pages keep between them stays, so the Korean page shows
/// the same step.
async fn screenshots_in_both_languages(
    browser: &Chromium,
    name: &str,
    english: &str,
    korean: &str,
) {
    browser.wait_for_heading(english).await;
    browser.screenshots(name).await;
    browser.click_link("한국어").await;
    browser.wait_for_heading(korean).await;
    browser.screenshots(&format!("{name}-ko")).await;
    browser.click_link("English").await;
    browser.wait_for_heading(english).await;
}

/// The account page offers only the change to email codes that applies, and says which.
async fn assert_email_mfa_shown(browser: &Chromium, on: bool) {
    let shown = |action: &str| {
        format!("return !document.querySelector('[data-action=\"{action}\"]').hidden")
    };
    browser
        .wait_for_value(&shown("email-on"), serde_json::json!(!on))
        .await;
    browser
        .wait_for_value(&shown("email-off"), serde_json::json!(on))
        .await;
    let said = if on {
        "Email codes are on."
    } else {
        "Email codes are off."
    };
    browser.wait_for_text("#email-mfa-state", said).await;
}

#[tokio::test]
async fn a_visitor_signs_up_without_a_password_and_signs_in_with_a_passkey_and_an_emailed_code() {
    let app = choice_app(UserPoolMfaType::Optional).await;
    let browser = Chromium::start("en-US").await;
    let authenticator = browser.add_virtual_authenticator().await;

    browser.open(&local(&app, "/ui/sign-in")).await;
    screenshots_in_both_languages(&browser, "sign-in-choices", "Sign in", "로그인").await;
    // What the pool allows: passkeys and emailed codes, not texted ones.
    assert_eq!(
        buttons_shown(&browser).await,
        ["Sign in", "Sign in with a passkey", "Email me a code"]
    );

    browser.click_link("Create an account").await;
    screenshots_in_both_languages(
        &browser,
        "sign-up-passwordless",
        "Create an account",
        "계정 만들기",
    )
    .await;
    browser.type_into("Username", "daeun").await;
    browser.type_into("Email", "daeun@example.com").await;
    // The password left out.
    browser.click("Create account").await;
    browser.wait_for_heading("Confirm your account").await;
    let sign_up = app.proxy.calls("SignUp");
    assert_eq!(sign_up.len(), 1);
    assert!(sign_up[0].get("Password").is_none(), "{sign_up:?}");
    // The emulator takes any code; Cognito would have mailed one.
    browser.type_into("Code", "123456").await;
    browser.click("Confirm").await;

    // Signed in by the confirmation, without being asked again: Cognito's ConfirmSignUp
    // Session began the sign-in.
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "daeun").await;
    let started = app.proxy.calls("InitiateAuth");
    let started = started.last().expect("a sign-in");
    assert_eq!(started["AuthFlow"], "USER_AUTH", "{started}");
    assert!(started["Session"].is_string(), "{started}");
    assert_totp_shown(&browser, false).await;
    // No password to change, nor email codes, which follow a password.
    browser
        .wait_for_value(
            "return document.getElementById('password-section').hidden",
            serde_json::json!(true),
        )
        .await;
    browser
        .wait_for_value(
            "return document.getElementById('email-mfa-section').hidden",
            serde_json::json!(true),
        )
        .await;
    browser
        .wait_for_text("#passkeys-section", "You have no passkeys yet.")
        .await;
    browser.full_page_screenshot("account-passwordless").await;
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;

    browser.click("Add a passkey").await;
    browser
        .wait_for_text("#status", "Your passkey was added.")
        .await;
    browser.wait_for_count("#passkeys li", 1).await;
    browser.wait_for_text("#passkeys", "Added").await;
    let held = browser.passkeys_held(&authenticator).await;
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!(held[0]["rpId"], "localhost");
    assert_eq!(app.proxy.calls("CompleteWebAuthnRegistration").len(), 1);
    browser.full_page_screenshot("account-passkey").await;
    screenshots_in_both_languages(&browser, "account-passkey", "Your account", "내 계정").await;

    browser.click("Sign out").await;
    browser.wait_for_heading("Sign in").await;
    browser.type_into("Username", "daeun").await;
    // A fingerprint not recognised: the browser gives no passkey, and the page says so.
    let before_failure = app.proxy.calls("RespondToAuthChallenge").len();
    browser.set_user_verified(&authenticator, false).await;
    browser.click("Sign in with a passkey").await;
    browser
        .wait_for_text(
            "#status",
            "Your passkey wasn't used. Try again, or sign in another way.",
        )
        .await;
    browser.screenshots("sign-in-passkey-failed").await;
    let answered = app.proxy.calls("RespondToAuthChallenge").len();
    assert_eq!(answered, before_failure, "no credential went to Cognito");
    browser.set_user_verified(&authenticator, true).await;
    browser.click("Sign in with a passkey").await;
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "daeun").await;
    let answers = app.proxy.calls("RespondToAuthChallenge");
    assert_eq!(
        answers.len(),
        answered + 1,
        "only the passkey given was sent"
    );
    let credential = passkey_sent(answers.last().unwrap());
    assert_eq!(credential["id"], held[0]["credentialId"], "{credential}");
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;

    // Removed: gone from the list and from Cognito.
    browser.wait_for_count("#passkeys li", 1).await;
    browser.click_at("#passkeys li button").await;
    browser
        .wait_for_text("#status", "The passkey was removed.")
        .await;
    browser.wait_for_count("#passkeys li", 0).await;
    browser
        .wait_for_text("#passkeys-section", "You have no passkeys yet.")
        .await;
    assert_eq!(app.proxy.calls("DeleteWebAuthnCredential").len(), 1);

    // An emailed code: asked for, given up for another way, asked for again and typed.
    browser.click("Sign out").await;
    browser.wait_for_heading("Sign in").await;
    browser.type_into("Username", "daeun").await;
    browser.click("Email me a code").await;
    browser.wait_for_heading("Enter the code we sent you").await;
    // Asked for by name alone: the page doesn't say where the code went.
    browser
        .wait_for_text("#code-destination", "If this account can get codes")
        .await;
    screenshots_in_both_languages(
        &browser,
        "code-first-factor",
        "Enter the code we sent you",
        "받은 코드 입력",
    )
    .await;
    browser.click_link("Sign in another way").await;
    browser.wait_for_heading("Sign in").await;
    assert_eq!(browser.value_of("Username").await, "daeun");
    browser.click("Email me a code").await;
    browser.wait_for_heading("Enter the code we sent you").await;
    let code = app.user_pool.code_sent("daeun", "EMAIL_OTP").await;
    browser.type_into("Code", &code).await;
    browser.click("Continue").await;
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "daeun").await;
    let answers = app.proxy.calls("RespondToAuthChallenge");
    assert_eq!(
        answers.last().unwrap()["ChallengeResponses"]["EMAIL_OTP_CODE"],
        code.as_str()
    );
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;
    browser.close().await;
}

#[tokio::test]
async fn an_invited_user_picks_the_password_after_the_username_and_sets_up_email_codes() {
    let app = choice_app(UserPoolMfaType::On).await;
    // Invited: the new password, then the MFA the pool requires, are set at the first sign-in.
    app.user_pool.invite_user("hyejin", "Temp-Passw0rd!").await;
    let browser = Chromium::start("en-US").await;
    browser.open(&local(&app, "/ui/sign-in")).await;
    browser.wait_for_heading("Sign in").await;
    browser.type_into("Username", "hyejin").await;
    // No password typed: the service asks which of this user's ways.
    browser.click("Sign in").await;
    browser.wait_for_heading("Choose how to sign in").await;
    // With MFA required a code is no first factor, and hyejin has no passkey.
    assert_eq!(buttons_shown(&browser).await, ["Use my password"]);
    screenshots_in_both_languages(
        &browser,
        "select-factor",
        "Choose how to sign in",
        "로그인 방법 선택",
    )
    .await;
    browser.click("Use my password").await;

    screenshots_in_both_languages(&browser, "password", "Enter your password", "비밀번호 입력")
        .await;
    browser.type_into("Password", "Temp-Passw0rd!").await;
    browser.click("Sign in").await;
    browser.wait_for_heading("Choose a new password").await;
    browser.type_into("New password", "Hyejin-Passw0rd!").await;
    browser.click("Continue").await;

    // MFA is required and hyejin has none: the app or email, set up now.
    screenshots_in_both_languages(
        &browser,
        "mfa-setup",
        "Set up a second step",
        "2단계 인증 설정",
    )
    .await;
    browser.click_at(r#"input[value="EMAIL_OTP"]"#).await;
    browser.click("Continue").await;
    screenshots_in_both_languages(
        &browser,
        "email-setup",
        "Get sign-in codes by email",
        "이메일로 로그인 코드 받기",
    )
    .await;
    browser.type_into("Email", "hyejin@example.com").await;
    browser.click("Send me a code").await;
    browser.wait_for_heading("Enter the code we sent you").await;
    // A second step: there is no other way to start over with.
    browser
        .wait_for_value(
            "return document.getElementById('another-way').hidden",
            serde_json::json!(true),
        )
        .await;
    let code = app.user_pool.code_sent("hyejin", "EMAIL_MFA").await;
    browser.type_into("Code", &code).await;
    browser.click("Continue").await;

    // The account page says what is on: email codes, not the app.
    browser.wait_for_heading("Your account").await;
    browser.wait_for_text("#whoami", "hyejin").await;
    assert_email_mfa_shown(&browser, true).await;
    assert_totp_shown(&browser, false).await;
    browser.full_page_screenshot("account-email-mfa").await;

    browser.click("Turn off email codes").await;
    browser
        .wait_for_text("#status", "Email codes are off.")
        .await;
    assert_email_mfa_shown(&browser, false).await;
    browser.click("Turn on email codes").await;
    browser
        .wait_for_text("#status", "Email codes are on.")
        .await;
    assert_email_mfa_shown(&browser, true).await;
    let preference = app.proxy.calls("SetUserMFAPreference");
    assert_eq!(
        preference.last().unwrap()["EmailMfaSettings"]["Enabled"],
        true,
        "{preference:?}"
    );
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;
    browser.close().await;
}

#[tokio::test]
async fn under_a_base_path_the_pages_sign_in_and_out_below_it() {
    let app = TestApp::builder()
        .set("COOKIE_SECURE", "false")
        .set("BASE_PATH", "/auth")
        .start()
        .await;
    app.user_pool.create_user("yuna", "Yuna-Passw0rd!").await;
    let browser = Chromium::start("en-US").await;

    browser.open(&page(&app, "/auth/ui/")).await;
    browser.wait_for_url(&page(&app, "/auth/ui/sign-in")).await;
    sign_in(&browser, "yuna", "Yuna-Passw0rd!").await;
    browser.wait_for_heading("Your account").await;
    browser.wait_for_url(&page(&app, "/auth/ui/account")).await;
    browser.wait_for_text("#whoami", "yuna").await;
    browser.wait_for_count("#sessions li", 1).await;
    browser.screenshots("account-under-base-path").await;
    browser
        .assert_no_token_reachable(&held_tokens(&app).await)
        .await;

    browser.click("Sign out").await;
    browser.wait_for_heading("Sign in").await;
    browser.wait_for_url(&page(&app, "/auth/ui/sign-in")).await;
    assert!(held_tokens(&app).await.is_empty());
    browser.close().await;
}
