//! A gateway's forward-auth in front of an API: the nginx configuration the README ships
//! (docker/gateways/nginx.conf), run by a real nginx against the service's /verify.

use std::sync::{Arc, Mutex};

use crate::support::browser::{Browser, SESSION_COOKIE};
use crate::support::nginx;
use crate::support::*;
use axum::http::HeaderMap;
use tokio::process::Child;

/// An API behind the gateway that records the identity headers it was given.
async fn api() -> (u16, Arc<Mutex<Vec<HeaderMap>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new().fallback({
        let seen = seen.clone();
        move |headers: HeaderMap| {
            seen.lock().unwrap().push(headers);
            async { "hello from the api" }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (port, seen)
}

/// The shipped server block, pointed at this test's service and API, inside a minimal
/// nginx.conf of its own.
async fn start_gateway(dir: &std::path::Path, service: u16, api: u16) -> (Child, u16) {
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docker/gateways/nginx.conf"),
    )
    .unwrap();
    let port = free_port();
    let server = shipped
        .replace("cognito-bff:8080", &format!("127.0.0.1:{service}"))
        .replace("api:8000", &format!("127.0.0.1:{api}"))
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"));
    let child = nginx::start(dir, &server, port).await;
    (child, port)
}

#[tokio::test]
#[ignore = "needs nginx"]
async fn nginx_auth_request_lets_tokens_and_browser_sessions_through_with_the_callers_identity() {
    // nginx runs on this host: it is the gateway that may ask for a session's token.
    let app = TestApp::builder()
        .set("VERIFY_SESSION_GATEWAYS", "127.0.0.1/32")
        .start()
        .await;
    let (api_port, seen) = api().await;
    let dir = tempfile::tempdir().unwrap();
    let (_nginx, port) = start_gateway(dir.path(), app.addr.port(), api_port).await;
    let gateway = Client::new(format!("http://127.0.0.1:{port}"));
    let token = app.admin_token().await;

    let allowed = gateway.get_with_bearer("/api/orders", &token).await;
    assert_eq!(allowed.status, 200);
    assert_eq!(allowed.body, "hello from the api");
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0]["x-auth-username"], ADMIN);
        assert_eq!(seen[0]["x-auth-groups"], "admin");
        assert_eq!(
            seen[0]["x-auth-client-id"],
            app.user_pool.client_id.as_str()
        );
        assert!(!seen[0]["x-auth-sub"].is_empty());
    }

    for (bad, challenge) in [
        (None, "Bearer"),
        (Some("garbage"), "Bearer error=\"invalid_token\""),
        (Some("a.b.c"), "Bearer error=\"invalid_token\""),
    ] {
        let refused = match bad {
            Some(token) => gateway.get_with_bearer("/api/orders", token).await,
            None => gateway.get("/api/orders").await,
        };
        assert_eq!(refused.status, 401, "{bad:?}");
        let challenges: Vec<_> = refused.headers.get_all("www-authenticate").iter().collect();
        assert_eq!(challenges, [challenge], "{bad:?}");
    }
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "refused calls never reach the api"
    );

    // A browser: no token, the session cookie. The API gets the session's access token and
    // none of the browser's cookies.
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let cookie = format!(
        "{SESSION_COOKIE}={}; theme=dark",
        browser.session_cookie().unwrap()
    );
    // As a browser sends it: the shipped configuration keeps its Sec-Fetch-* headers from
    // /verify, which would refuse a token to a request that carries any.
    let read = gateway
        .send(
            gateway
                .http
                .get(gateway.url("/api/orders"))
                .header("cookie", &cookie)
                .header("sec-fetch-site", "same-origin")
                .header("sec-fetch-mode", "cors")
                .header("sec-fetch-dest", "empty")
                .header("sec-fetch-user", "?1")
                // One no browser sends yet: the configuration passes only what /verify reads.
                .header("sec-fetch-storage-access", "active"),
        )
        .await;
    assert_eq!(read.status, 200);
    {
        let seen = seen.lock().unwrap();
        let got = seen.last().unwrap();
        let authorization = got["authorization"].to_str().unwrap();
        assert!(authorization.starts_with("Bearer eyJ"), "{authorization}");
        assert_eq!(got["x-auth-username"], ADMIN);
        assert!(got.get("cookie").is_none(), "cookies stay at the edge");
    }
    let forged = gateway
        .send(
            gateway
                .http
                .post(gateway.url("/api/orders"))
                .header("cookie", &cookie),
        )
        .await;
    assert_eq!(forged.status, 403, "no X-CSRF on a POST");
    let posted = gateway
        .send(
            gateway
                .http
                .post(gateway.url("/api/orders"))
                .header("cookie", &cookie)
                .header("x-csrf", "1"),
        )
        .await;
    assert_eq!(posted.status, 200);
    assert_eq!(seen.lock().unwrap().len(), 3);
}
