//! A browser calls an API through the service (the token handler): the service attaches the
//! session's access token, so the upstream always gets one and the browser never sees one.

use crate::support::browser::{Browser, SESSION_COOKIE, assert_no_token};
use crate::support::upstream::EchoUpstream;
use crate::support::*;
use cognito_bff::sessions::Found;
use cognito_bff::vocab::{OpaqueId, SessionId};
use serde_json::json;

async fn app_with(upstream: &EchoUpstream) -> TestApp {
    TestApp::builder()
        .set("API_UPSTREAMS", format!("orders={}", upstream.url))
        .start()
        .await
}

/// The access token the session holds now.
async fn session_token(app: &TestApp, browser: &Browser<'_>) -> String {
    let id = SessionId::parse(&browser.session_cookie().unwrap()).unwrap();
    match app.state.sessions.store().find(&id.hash()).await.unwrap() {
        Found::Live(session) => session.tokens.access_token.clone(),
        other => panic!("no live session: {other:?}"),
    }
}

#[tokio::test]
async fn a_browser_calls_an_api_and_only_the_upstream_sees_the_token() {
    let upstream = EchoUpstream::start().await;
    let app = app_with(&upstream).await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    browser.plant("theme", "dark");

    let answer = browser
        .post(
            "/api/orders/items?page=2",
            json!({"sku": "A-1", "count": 3}),
        )
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_no_token(&answer);
    assert_eq!(answer.body["method"], "POST");
    assert_eq!(answer.body["path"], "/items");
    assert_eq!(answer.body["query"], "page=2");
    assert_eq!(answer.body["had_bearer"], true);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(answer.body["body"].as_str().unwrap()).unwrap(),
        json!({"sku": "A-1", "count": 3})
    );

    let got = &upstream.received()[0];
    let token = session_token(&app, &browser).await;
    assert_eq!(
        got.header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    assert_eq!(
        got.header("cookie"),
        None,
        "the browser's cookies stay here"
    );
    assert_eq!(got.header("x-auth-username"), Some(ADMIN));
    assert_eq!(got.header("x-auth-groups"), Some("admin"));
    assert_eq!(got.header("x-csrf"), None);
    assert_eq!(got.header("sec-fetch-site"), None);
    assert_eq!(
        answer.headers.get("content-security-policy").unwrap(),
        "sandbox; default-src 'none'; frame-ancestors 'none'"
    );
    assert_eq!(got.header("x-forwarded-for"), Some("127.0.0.1"));
    assert_eq!(got.header("x-forwarded-proto"), Some("https"));
    assert_eq!(got.header("x-forwarded-prefix"), Some("/api/orders"));
    assert_eq!(got.header("content-type"), Some("application/json"));
    // The upstream's own host, never the one the browser named.
    assert_eq!(
        got.header("host"),
        upstream
            .url
            .strip_prefix("http://")
            .map(|h| h.trim_end_matches('/'))
    );

    // The bare name reaches the upstream's root, with a trailing slash or without.
    for bare in ["/api/orders", "/api/orders/"] {
        let root = browser.get(bare).await;
        assert_eq!(root.status, 200, "{bare}: {root:?}");
        assert_eq!(root.body["path"], "/");
        assert_no_token(&root);
    }
}

#[tokio::test]
async fn an_unsafe_call_without_the_csrf_header_or_from_another_site_never_reaches_the_upstream() {
    let upstream = EchoUpstream::start().await;
    let app = app_with(&upstream).await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;

    browser
        .request(reqwest::Method::DELETE, "/api/orders/items/1", None, false)
        .await
        .assert_problem(403, "csrf_header_required");
    let evil = Browser::new(&app).at_origin("https://evil.example");
    evil.plant(SESSION_COOKIE, &browser.session_cookie().unwrap());
    evil.request(reqwest::Method::DELETE, "/api/orders/items/1", None, true)
        .await
        .assert_problem(403, "origin_not_allowed");
    assert!(upstream.received().is_empty());

    // Reading needs no header.
    assert_eq!(browser.get("/api/orders/items").await.status, 200);
}

#[tokio::test]
async fn without_a_live_session_the_proxy_answers_401_and_calls_nothing() {
    let upstream = EchoUpstream::start().await;
    let app = app_with(&upstream).await;
    let stranger = Browser::new(&app);
    stranger
        .get("/api/orders/items")
        .await
        .assert_problem(401, "no_session");

    // An app's bearer token is no way in: apps call their APIs themselves.
    let token = app.admin_token().await;
    let with_bearer = app.get_with_bearer("/api/orders/items", &token).await;
    with_bearer.assert_problem(401, "no_session");

    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(browser.post("/logout", json!({})).await.status, 204);
    browser
        .get("/api/orders/items")
        .await
        .assert_problem(401, "no_session");
    assert!(upstream.received().is_empty());
}

#[tokio::test]
async fn unknown_upstreams_and_paths_that_climb_are_refused() {
    let upstream = EchoUpstream::start().await;
    let app = app_with(&upstream).await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let unknown = browser.get("/api/billing/invoices").await;
    unknown.assert_problem(404, "not_found");
    // The problem names the request, as every route's does, and the call is counted by
    // the route's template, never by the path sent.
    assert_eq!(
        unknown.body["request_id"].as_str(),
        unknown.headers["x-request-id"].to_str().ok(),
        "{unknown:?}"
    );
    let scrape = app.scrape().await;
    // (The registry is the process's: other tests' calls may be counted in it too.)
    let counted = r#"http_requests_total{route="/api/{name}/{*path}",method="GET",status="404"} "#;
    assert!(scrape.contains(counted), "{scrape}");
    assert!(!scrape.contains("invoices"), "{scrape}");
    // Sent as bytes: an HTTP client library would resolve the dots before sending.
    let cookie = format!("{SESSION_COOKIE}={}", browser.session_cookie().unwrap());
    for path in [
        "/api/orders/../admin",
        "/api/orders/%2e%2e/admin",
        "/api/orders/a/%2E%2E/b",
        "/api/orders/./x",
        "/api/orders/x\\..\\..\\admin",
        "/api/orders/..;/admin",
        "/api/orders/a%2F..%2Fadmin",
    ] {
        let head = raw_get(&app, path, &cookie).await;
        assert!(head.starts_with("HTTP/1.1 400"), "{path}: {head}");
        assert!(head.contains("application/problem+json"), "{path}: {head}");
    }
    assert!(upstream.received().is_empty());
}

/// A GET written byte for byte, path as given; the answer's head.
async fn raw_get(app: &TestApp, path: &str, cookie: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n",
        app.addr
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    answer.split("\r\n\r\n").next().unwrap().to_owned()
}

#[tokio::test]
async fn large_bodies_stream_through_and_oversized_ones_are_refused() {
    let upstream = EchoUpstream::start().await;
    let app = app_with(&upstream).await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let cookie = format!("{SESSION_COOKIE}={}", browser.session_cookie().unwrap());
    let upload = |size: usize| {
        app.http
            .put(app.url("/api/orders/upload"))
            .header("cookie", &cookie)
            .header("x-csrf", "1")
            .header("sec-fetch-site", "same-origin")
            .body((0..size).map(|i| (i % 251) as u8).collect::<Vec<u8>>())
    };

    let three_mib = 3 * 1024 * 1024;
    let answer = app.send(upload(three_mib)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["body_length"], three_mib);
    let got = upstream.received().pop().unwrap();
    assert_eq!(got.body.len(), three_mib);
    assert!(
        got.body
            .iter()
            .enumerate()
            .all(|(i, b)| *b == (i % 251) as u8)
    );

    // Refused without reading the rest, and the connection closed on it: a client still
    // sending may see the close (a reset, the rest being unread) before the answer, as from
    // any server that doesn't read what it refuses. Either way it is refused, and the
    // upstream never gets a whole body.
    let refused = |answer: reqwest::Result<crate::support::Response>| match answer {
        Ok(answer) => answer.assert_problem(413, "payload_too_large"),
        Err(e) => assert!(
            (e.is_request() || e.is_body()) && !e.is_connect() && !e.is_timeout(),
            "not a connection closed while sending: {e}"
        ),
    };
    refused(app.try_send(upload(10 * 1024 * 1024 + 1)).await);
    assert_eq!(upstream.received().len(), 1, "the oversized one never left");

    // Chunked, so its length shows only as it arrives: cut off at the limit.
    let chunks = (0..11).map(|_| Ok::<_, std::io::Error>(vec![7u8; 1024 * 1024]));
    let chunked = app
        .try_send(
            app.http
                .put(app.url("/api/orders/upload"))
                .header("cookie", &cookie)
                .header("x-csrf", "1")
                .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
                    chunks,
                ))),
        )
        .await;
    refused(chunked);
    assert_eq!(
        upstream.received().len(),
        1,
        "the upstream got no whole body"
    );
}

#[tokio::test]
async fn a_slow_or_absent_upstream_is_a_clear_error_and_its_cookies_stay_out() {
    let upstream = EchoUpstream::start().await;
    // Bound but never listening, and kept so for the whole test: connecting is refused, and
    // no other test can take the port meanwhile.
    let closed = tokio::net::TcpSocket::new_v4().unwrap();
    closed.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let nowhere = format!("http://{}", closed.local_addr().unwrap());
    let app = TestApp::builder()
        .set(
            "API_UPSTREAMS",
            format!("orders={},gone={nowhere}", upstream.url),
        )
        .set("API_UPSTREAM_TIMEOUT_SECONDS", "1")
        .start()
        .await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;

    browser
        .get("/api/orders/slow")
        .await
        .assert_problem(504, "upstream_timeout");
    browser
        .get("/api/gone/anything")
        .await
        .assert_problem(502, "upstream_unavailable");

    let cookie = browser.session_cookie();
    let answer = browser.get("/api/orders/sets-a-cookie").await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers.get("x-upstream").unwrap(), "echo");
    for withheld in ["set-cookie", "authorization", "access-control-allow-origin"] {
        assert!(answer.headers.get(withheld).is_none(), "{withheld}");
    }
    assert_eq!(browser.session_cookie(), cookie);

    // TRACE would echo the token back; OPTIONS passes the CSRF rules as a safe method, so a
    // page of any origin could send it with the cookie: neither goes on with the token.
    let before = upstream.received().len();
    for method in [reqwest::Method::TRACE, reqwest::Method::OPTIONS] {
        browser
            .request(method.clone(), "/api/orders/items", None, false)
            .await
            .assert_problem(405, "method_not_allowed");
    }
    assert_eq!(
        upstream.received().len(),
        before,
        "nothing reached the upstream"
    );
}

/// What the browser gets when the upstream answers with these headers.
async fn answered_with(browser: &Browser<'_>, headers: &[(&str, &str)]) -> Response {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(headers)
        .finish();
    browser.get(&format!("/api/orders/answer?{query}")).await
}

/// Every value of a header, as one list.
fn all(response: &Response, name: &str) -> String {
    response
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect::<Vec<_>>()
        .join(", ")
}

#[tokio::test]
async fn an_answer_the_upstream_lets_caches_keep_is_kept_for_the_browser_that_asked_alone() {
    // The upstream saw a token and may say max-age; the browser's request carried only a
    // cookie, which a CDN that forwards cookies without keying on them would not tell apart.
    let upstream = EchoUpstream::start().await;
    let app = app_with(&upstream).await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;

    for (given, sent_on) in [
        (None, "private"),
        (Some("max-age=600"), "private, max-age=600"),
        (Some("no-cache, max-age=0"), "private, no-cache, max-age=0"),
        (
            Some("private=\"x-a\", max-age=60"),
            "private, private=\"x-a\", max-age=60",
        ),
        (Some("private, max-age=60"), "private, max-age=60"),
        // The upstream said outright that anyone may share it.
        (Some("public, max-age=600"), "public, max-age=600"),
        (Some("max-age=60, S-MaxAge=600"), "max-age=60, S-MaxAge=600"),
    ] {
        let headers: Vec<(&str, &str)> = given.map(|v| ("cache-control", v)).into_iter().collect();
        let answer = answered_with(&browser, &headers).await;
        assert_eq!(answer.status, 200, "{given:?}: {answer:?}");
        assert_eq!(all(&answer, "cache-control"), sent_on, "{given:?}");
        let vary = all(&answer, "vary").to_ascii_lowercase();
        assert!(
            vary.split(',').any(|v| v.trim() == "cookie"),
            "{given:?}: {vary}"
        );
    }

    let answer = answered_with(&browser, &[("vary", "Accept")]).await;
    let vary = all(&answer, "vary").to_ascii_lowercase();
    assert!(vary.contains("accept") && vary.contains("cookie"), "{vary}");
    // `*` already says no cache may reuse it: left alone.
    let answer = answered_with(&browser, &[("vary", "*")]).await;
    let vary = all(&answer, "vary").to_ascii_lowercase();
    assert!(vary.split(',').any(|v| v.trim() == "*"), "{vary}");
    assert!(!vary.contains("cookie"), "{vary}");
}

/// Headers a client may send that an upstream, or a proxy before it, may take as the word of
/// the service about who is calling, from where, or for what.
const TRUST_HEADERS: &[(&str, &str)] = &[
    ("true-client-ip", "203.0.113.66"),
    ("cf-connecting-ip", "203.0.113.66"),
    ("x-client-ip", "203.0.113.66"),
    ("client-ip", "203.0.113.66"),
    ("x-cluster-client-ip", "203.0.113.66"),
    ("x-remote-user", "root"),
    ("remote-user", "root"),
    ("x-original-uri", "/admin"),
    ("x-original-host", "admin.internal"),
    ("x-host", "admin.internal"),
    ("x-envoy-original-path", "/admin"),
    ("x-amzn-oidc-identity", "root"),
    ("x-forwarded-host", "admin.internal"),
    ("x-forwarded-for", "203.0.113.66"),
    ("forwarded", "for=203.0.113.66"),
    ("x-real-ip", "203.0.113.66"),
    ("x-http-method-override", "DELETE"),
    ("x-tenant", "someone-else"),
    ("x-anything", "else"),
];

#[tokio::test]
async fn the_upstream_gets_content_negotiation_and_conditions_but_none_of_a_clients_trust_headers()
{
    let upstream = EchoUpstream::start().await;
    let app = app_with(&upstream).await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let mut request = app
        .http
        .get(app.url("/api/orders/items"))
        .header(
            "cookie",
            format!("{SESSION_COOKIE}={}", browser.session_cookie().unwrap()),
        )
        .header("sec-fetch-site", "same-origin")
        // The Host a client names is no word on where the service is reached.
        .header("host", "admin.internal");
    for (name, value) in TRUST_HEADERS {
        request = request.header(*name, *value);
    }
    let passed = [
        ("accept", "application/json"),
        ("accept-charset", "utf-8"),
        ("accept-language", "fr-CH, fr;q=0.9"),
        ("if-none-match", "\"v1\""),
        ("if-modified-since", "Wed, 21 Oct 2015 07:28:00 GMT"),
        ("range", "bytes=0-99"),
        ("content-language", "fr"),
        ("user-agent", "Mozilla/5.0 (test)"),
        ("origin", "https://app.example.com"),
        ("x-request-id", "req-7f3a"),
        ("cache-control", "no-cache"),
        ("pragma", "no-cache"),
    ];
    for (name, value) in passed {
        request = request.header(name, value);
    }
    let answer = app.send(request).await;
    assert_eq!(answer.status, 200, "{answer:?}");

    let got = upstream.received().pop().unwrap();
    let leaked: Vec<_> = TRUST_HEADERS
        .iter()
        .filter_map(|(name, _)| Some((*name, got.header(name)?)))
        // Set by the service from what it knows: the peer, here.
        .filter(|leak| *leak != ("x-forwarded-for", "127.0.0.1"))
        .collect();
    assert!(leaked.is_empty(), "the upstream got {leaked:?}");
    let lost: Vec<_> = passed
        .iter()
        .filter(|(name, value)| got.header(name) != Some(value))
        .collect();
    assert!(lost.is_empty(), "the upstream did not get {lost:?}");
    assert_eq!(got.header("x-forwarded-proto"), Some("https"));
    assert_eq!(got.header("x-forwarded-prefix"), Some("/api/orders"));
    assert_eq!(got.header("x-auth-username"), Some(ADMIN));
}

#[tokio::test]
async fn an_operator_passes_a_header_to_the_one_upstream_that_needs_it_and_names_the_public_host() {
    let upstream = EchoUpstream::start().await;
    let app = TestApp::builder()
        .set(
            "API_UPSTREAMS",
            format!("orders={},billing={}", upstream.url, upstream.url),
        )
        .set(
            "API_FORWARD_HEADERS",
            "orders:X-Tenant, orders:x-feature-flags",
        )
        .set("PUBLIC_ORIGIN", "https://app.example.com")
        .start()
        .await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let cookie = format!("{SESSION_COOKIE}={}", browser.session_cookie().unwrap());
    for api in ["orders", "billing"] {
        let answer = app
            .send(
                app.http
                    .get(app.url(&format!("/api/{api}/items")))
                    .header("cookie", &cookie)
                    .header("x-tenant", "acme")
                    .header("x-feature-flags", "beta")
                    .header("host", "admin.internal"),
            )
            .await;
        assert_eq!(answer.status, 200, "{api}: {answer:?}");
        let got = upstream.received().pop().unwrap();
        let listed = (api == "orders").then_some("acme");
        assert_eq!(got.header("x-tenant"), listed, "{api}");
        assert_eq!(got.header("x-feature-flags"), listed.map(|_| "beta"));
        assert_eq!(got.header("x-forwarded-host"), Some("app.example.com"));
        assert_eq!(got.header("x-forwarded-proto"), Some("https"));
    }
}

#[tokio::test]
async fn an_upstream_can_neither_wipe_the_services_cookies_nor_send_the_browser_outside_its_prefix()
{
    let upstream = EchoUpstream::start().await;
    let app = TestApp::builder()
        .set("API_UPSTREAMS", format!("orders={}/v1", upstream.url))
        .start()
        .await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;

    let wipe = answered_with(&browser, &[("clear-site-data", "\"cookies\", \"storage\"")]).await;
    assert_eq!(wipe.status, 200, "{wipe:?}");
    assert!(wipe.headers.get("clear-site-data").is_none(), "{wipe:?}");
    // Nor send it elsewhere, nor set a policy for the service's whole origin.
    for (name, value) in [
        ("refresh", "0; url=https://elsewhere.example/"),
        ("nel", r#"{"report_to":"g","max_age":31536000}"#),
        (
            "report-to",
            r#"{"group":"g","max_age":31536000,"endpoints":[{"url":"https://collector.example/"}]}"#,
        ),
        ("service-worker-allowed", "/"),
        ("strict-transport-security", "max-age=0"),
        ("cdn-cache-control", "max-age=600"),
    ] {
        let answer = answered_with(&browser, &[(name, value)]).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        assert!(answer.headers.get(name).is_none(), "{name}: {answer:?}");
    }

    let own = &upstream.url;
    let host = own.trim_start_matches("http:");
    let inside = [
        (
            format!("{own}/v1/items/2?page=3"),
            "/api/orders/items/2?page=3",
        ),
        (format!("{own}/v1"), "/api/orders"),
        ("/v1/items#top".to_owned(), "/api/orders/items#top"),
        // Relative to the answered URL, /v1/answer.
        ("items/2".to_owned(), "/api/orders/items/2"),
        (
            "https://elsewhere.example/x?y=1".to_owned(),
            "https://elsewhere.example/x?y=1",
        ),
    ];
    for (location, sent_on) in inside {
        let answer = answered_with(&browser, &[("location", &location)]).await;
        assert_eq!(answer.status, 302, "{location}: {answer:?}");
        assert_eq!(
            answer.headers.get("location").map(|v| v.to_str().unwrap()),
            Some(sent_on),
            "{location}"
        );
    }
    // Each would send the browser to the service's own routes, or show where the upstream
    // lives outside the part the operator made reachable.
    let outside = [
        "/logout".to_owned(),
        "/v10/x".to_owned(),
        "../../ui/".to_owned(),
        format!("{own}/admin"),
        format!("{host}/admin"),
        format!("{own}/v1/../admin"),
    ];
    for location in outside {
        let answer = answered_with(&browser, &[("location", &location)]).await;
        assert_eq!(answer.status, 302, "{location}: {answer:?}");
        assert!(
            answer.headers.get("location").is_none(),
            "{location}: {:?}",
            answer.headers.get("location")
        );
    }
}

#[tokio::test]
async fn a_path_that_climbs_once_decoded_again_or_normalised_never_reaches_the_upstream() {
    let upstream = EchoUpstream::start().await;
    let app = app_with(&upstream).await;
    let browser = Browser::new(&app);
    browser.login(ADMIN, ADMIN_PASSWORD).await;
    let cookie = format!("{SESSION_COOKIE}={}", browser.session_cookie().unwrap());
    // What a server that decodes twice, or folds compatibility characters, reads as `..`,
    // `/` or `\`.
    for path in [
        "/api/orders/%252e%252e/admin",
        "/api/orders/%252E%252E/admin",
        "/api/orders/a%252fb",
        "/api/orders/a%255Cb",
        // Full-width full stops (U+FF0E), solidus (U+FF0F) and reverse solidus (U+FF3C).
        "/api/orders/%EF%BC%8E%EF%BC%8E/admin",
        "/api/orders/%ef%bc%8e/admin",
        "/api/orders/a%EF%BC%8F..%EF%BC%8Fadmin",
        "/api/orders/a%EF%BC%BCb",
        // The two dot leader (U+2025) is `..` once normalised.
        "/api/orders/%E2%80%A5/admin",
    ] {
        let head = raw_get(&app, path, &cookie).await;
        assert!(head.starts_with("HTTP/1.1 400"), "{path}: {head}");
        assert!(head.contains("application/problem+json"), "{path}: {head}");
    }
    assert!(upstream.received().is_empty(), "{:?}", upstream.received());
    // Other text is a path like any other.
    for path in [
        "/api/orders/caf%C3%A9",
        "/api/orders/%EF%BC%A1",
        "/api/orders/v1.2/..x",
    ] {
        let head = raw_get(&app, path, &cookie).await;
        assert!(head.starts_with("HTTP/1.1 200"), "{path}: {head}");
    }
}
