//! The service mounted under a path (BASE_PATH), sharing an origin with an app behind one
//! proxy: every route, the pages, the contract and the cookies below it; the probes at the
//! root, where the platform asks.

use crate::support::browser::Browser;
use crate::support::upstream::EchoUpstream;
use crate::support::*;
use serde_json::json;

const SESSION: &str = "__Secure-cognito-bff-session";

#[tokio::test]
async fn under_a_base_path_a_browser_signs_in_calls_an_api_and_signs_out_below_it() {
    let upstream = EchoUpstream::start().await;
    let app = TestApp::builder()
        .set("BASE_PATH", "/auth")
        .set("API_UPSTREAMS", format!("orders={}", upstream.url))
        .start()
        .await;
    let browser = Browser::new(&app);

    // The root is the app's: the service answers nothing there.
    browser
        .login(ADMIN, ADMIN_PASSWORD)
        .await
        .assert_problem(404, "not_found");
    assert_eq!(browser.cookie(SESSION), None);

    let signed_in = browser
        .post(
            "/auth/login",
            json!({"username": ADMIN, "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(signed_in.status, 200, "{signed_in:?}");
    // Scoped to the base, so the app's own paths never receive it; `__Host-` demands
    // `Path=/`, so the name carries `__Secure-`.
    let cookie = signed_in
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|line| line.starts_with(&format!("{SESSION}=")))
        .expect("a session cookie");
    for attribute in ["Path=/auth", "Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");

    let session = browser.get("/auth/session").await;
    assert_eq!(session.status, 200, "{session:?}");
    assert_eq!(session.body["logout_url"], "/auth/logout");

    // The token handler, below the base too; the upstream learns where browsers reach it.
    let called = browser.get("/auth/api/orders/items?page=2").await;
    assert_eq!(called.status, 200, "{called:?}");
    assert_eq!(called.body["path"], "/items");
    let got = &upstream.received()[0];
    assert_eq!(got.header("x-forwarded-prefix"), Some("/auth/api/orders"));
    // A redirect of the upstream's own is sent back below the base.
    let moved = browser
        .get("/auth/api/orders/answer?location=%2Fitems%2F7")
        .await;
    assert_eq!(moved.status, 302, "{moved:?}");
    assert_eq!(moved.headers["location"], "/auth/api/orders/items/7");

    let out = browser.post("/auth/logout", json!({})).await;
    assert_eq!(out.status, 204, "{out:?}");
    assert_eq!(browser.cookie(SESSION), None);
    browser
        .get("/auth/session")
        .await
        .assert_problem(401, "no_session");
}

#[tokio::test]
async fn under_a_base_path_the_probes_stay_at_the_root_and_the_rest_moves_below_it() {
    let app = TestApp::builder().set("BASE_PATH", "/auth").start().await;

    for probe in ["/healthz", "/readyz"] {
        assert_eq!(app.get(probe).await.status, 200, "{probe}");
        app.post(probe, json!({}))
            .await
            .assert_problem(405, "method_not_allowed");
    }
    app.get("/openapi.yaml")
        .await
        .assert_problem(404, "not_found");
    let contract = app.get("/auth/openapi.yaml").await;
    assert_eq!(contract.status, 200);
    let text = contract.body.as_str().expect("the contract as text");
    assert!(
        text.contains("servers:\n  - url: /auth\n"),
        "the contract names its server"
    );

    // An app signs in below the base and gateways ask `/verify` there.
    let login = app
        .post(
            "/auth/login",
            json!({"username": ADMIN, "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(login.status, 200, "{login:?}");
    let token = login.access_token();
    assert_eq!(
        app.get_with_bearer("/auth/verify", &token).await.status,
        200
    );
    assert_eq!(app.get_with_bearer("/verify", &token).await.status, 404);

    // The pages link, style and script below the base, and tell the script where it is.
    let page = app.get("/auth/ui/sign-in").await;
    assert_eq!(page.status, 200, "{page:?}");
    let html = page.body.as_str().expect("a page");
    for below in [
        r#"<html data-base="/auth" lang="en">"#,
        r#"href="/auth/ui/assets/style.css""#,
        r#"src="/auth/ui/assets/app.js""#,
        r#"href="/auth/ui/password/forgot""#,
    ] {
        assert!(html.contains(below), "the page lacks {below}");
    }
    assert!(!html.contains(r#"="/ui/"#), "a link outside the base");
    let start = app.get("/auth/ui/").await;
    assert_eq!(start.status, 303, "{start:?}");
    assert_eq!(start.headers["location"], "/auth/ui/sign-in");
}
