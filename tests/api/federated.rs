//! Federated sign-in through the pool's managed login: the flow's store on SQLite and (with
//! TEST_DATABASE_URL) Postgres, and the routes as a browser and an attacker meet them.

use std::sync::Arc;
use std::time::Duration;

use cognito_bff::oauth::{Claimed, Flow, FlowStore};
use cognito_bff::vocab::{FlowId, OpaqueId, SessionCipher};
use sqlx::Row;

use crate::support::browser::SESSION_COOKIE;
use crate::support::{AppBuilder, Response, TestApp, TestDatabase, free_port};

async fn flow_store(key: [u8; 32]) -> (FlowStore, TestDatabase, sqlx::AnyPool) {
    let db = TestDatabase::create().await;
    let pool = db.migrated().await;
    let store = FlowStore::new(pool.clone(), Arc::new(SessionCipher::new(&key, None)));
    (store, db, pool)
}

fn flow(n: u8) -> Flow {
    Flow {
        state: format!("state-{n}-abcdefghijklmnopqrstuvwxyz0123456"),
        verifier: format!("verifier-{n}-abcdefghijklmnopqrstuvwxyz0123"),
        nonce: format!("nonce-{n}-abcdefghijklmnopqrstuvwxyz0123456"),
        return_to: format!("https://app.example.test/orders/{n}"),
    }
}

#[tokio::test]
async fn a_flow_is_claimed_once_and_then_gone() {
    let (store, _db, _pool) = flow_store([7; 32]).await;
    let id = FlowId::generate().unwrap();
    store
        .insert(&id.hash(), &flow(1), Duration::from_secs(600))
        .await
        .unwrap();
    assert_eq!(store.count().await.unwrap(), 1);

    let Claimed::Live(claimed) = store.claim(&id.hash()).await.unwrap() else {
        panic!("the first claim gets the flow");
    };
    assert_eq!(claimed.state, flow(1).state);
    assert_eq!(claimed.verifier, flow(1).verifier);
    assert_eq!(claimed.nonce, flow(1).nonce);
    assert_eq!(claimed.return_to, flow(1).return_to);
    assert!(matches!(
        store.claim(&id.hash()).await.unwrap(),
        Claimed::Gone
    ));
    assert_eq!(store.count().await.unwrap(), 0);
    // An id never stored finds nothing either.
    let other = FlowId::generate().unwrap();
    assert!(matches!(
        store.claim(&other.hash()).await.unwrap(),
        Claimed::Gone
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_yield_exactly_one_flow() {
    let (store, _db, _pool) = flow_store([7; 32]).await;
    let id = FlowId::generate().unwrap();
    store
        .insert(&id.hash(), &flow(2), Duration::from_secs(600))
        .await
        .unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            let hash = id.hash();
            tokio::spawn(async move { store.claim(&hash).await.unwrap() })
        })
        .collect();
    let mut live = 0;
    for task in tasks {
        if matches!(task.await.unwrap(), Claimed::Live(_)) {
            live += 1;
        }
    }
    assert_eq!(live, 1);
}

#[tokio::test]
async fn an_expired_flow_is_refused_and_purged() {
    let (store, _db, _pool) = flow_store([7; 32]).await;
    let expired = FlowId::generate().unwrap();
    let live = FlowId::generate().unwrap();
    store
        .insert(&expired.hash(), &flow(3), Duration::ZERO)
        .await
        .unwrap();
    store
        .insert(&live.hash(), &flow(4), Duration::from_secs(600))
        .await
        .unwrap();
    assert_eq!(store.purge_expired().await.unwrap(), 1);
    assert_eq!(store.count().await.unwrap(), 1);

    let stale = FlowId::generate().unwrap();
    store
        .insert(&stale.hash(), &flow(5), Duration::ZERO)
        .await
        .unwrap();
    assert!(matches!(
        store.claim(&stale.hash()).await.unwrap(),
        Claimed::Gone
    ));
    assert!(matches!(
        store.claim(&live.hash()).await.unwrap(),
        Claimed::Live(_)
    ));
}

#[tokio::test]
async fn a_row_holds_no_secret_in_the_clear_and_opens_only_under_its_own_id_and_key() {
    let (store, db, pool) = flow_store([7; 32]).await;
    let id = FlowId::generate().unwrap();
    store
        .insert(&id.hash(), &flow(6), Duration::from_secs(600))
        .await
        .unwrap();
    let row = sqlx::query("SELECT id_hash, sealed FROM oauth_flows")
        .fetch_one(&pool)
        .await
        .unwrap();
    let id_hash: String = row.try_get("id_hash").unwrap();
    let sealed: String = row.try_get("sealed").unwrap();
    assert_eq!(id_hash, id.hash().as_str());
    assert!(!id_hash.contains(id.expose()));
    for secret in ["state-6", "verifier-6", "nonce-6", "orders/6"] {
        assert!(!sealed.contains(secret), "{secret} in the clear");
    }

    // The sealed text moved under another id does not open there.
    let other = FlowId::generate().unwrap();
    sqlx::query("UPDATE oauth_flows SET id_hash = $1")
        .bind(other.hash().as_str())
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(
        store.claim(&other.hash()).await.unwrap(),
        Claimed::Unreadable
    ));

    // A replica with another key can't read it, and the claim still ends the flow.
    let elsewhere = FlowStore::new(
        db.migrated().await,
        Arc::new(SessionCipher::new(&[8; 32], None)),
    );
    let id = FlowId::generate().unwrap();
    store
        .insert(&id.hash(), &flow(7), Duration::from_secs(600))
        .await
        .unwrap();
    assert!(matches!(
        elsewhere.claim(&id.hash()).await.unwrap(),
        Claimed::Unreadable
    ));
    assert_eq!(store.count().await.unwrap(), 0);
}

// The routes, before the pool's domain is ever reached: everything the service decides on its
// own. The whole flow, through a real OpenID Connect server, is further down.

/// The service with federated sign-in on, its domain a port where nothing listens.
fn with_an_unreachable_domain() -> AppBuilder {
    TestApp::builder()
        .set(
            "COGNITO_DOMAIN",
            format!("http://127.0.0.1:{}", free_port()),
        )
        .set("OAUTH_REDIRECT_URL", "http://127.0.0.1:9/oauth/callback")
        .set("OAUTH_LOGOUT_URL", "http://127.0.0.1:9/signed-out")
        .set("FEDERATED_PROVIDERS", "Google,AcmeSAML")
        .set("UI_RETURN_URLS", RETURN_URL)
}

const RETURN_URL: &str = "https://app.example.test/";
const FLOW_COOKIE: &str = "__Host-cognito-bff-oauth";

/// A top-level navigation, as a browser makes one: HTML accepted, cookies as given.
fn navigate(app: &TestApp, path: &str, cookie: Option<&str>) -> reqwest::RequestBuilder {
    let mut request = app
        .http
        .get(app.url(path))
        .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .header("sec-fetch-mode", "navigate")
        .header("sec-fetch-site", "cross-site");
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("{FLOW_COOKIE}={cookie}"));
    }
    request
}

/// An API client's request: no HTML accepted, the flow's cookie as given.
fn call(app: &TestApp, path: &str, cookie: Option<&str>) -> reqwest::RequestBuilder {
    let mut request = app.http.get(app.url(path));
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("{FLOW_COOKIE}={cookie}"));
    }
    request
}

/// What `/oauth/start` set: the flow's cookie and the `state` it sent to the pool.
struct Begun {
    cookie: String,
    state: String,
    authorize: reqwest::Url,
}

async fn begin(app: &TestApp, query: &str) -> Begun {
    let answer = app
        .send(call(app, &format!("/oauth/start?{query}"), None))
        .await;
    assert_eq!(answer.status, 302, "{answer:?}");
    let authorize = reqwest::Url::parse(header(&answer, "location")).unwrap();
    let state = authorize
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    Begun {
        cookie: set_cookie(&answer, FLOW_COOKIE).expect("the flow's cookie"),
        state,
        authorize,
    }
}

/// A header of the answer, as text ("" when absent).
/// Where the page that ends a sign-in sends the browser on: 200, this site's own page with an
/// immediate refresh (and a link) to it, never cached, with no referrer.
#[track_caller]
fn onward(answer: &Response) -> String {
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(answer.content_type().starts_with("text/html"), "{answer:?}");
    assert_eq!(header(answer, "cache-control"), "no-store");
    assert_eq!(header(answer, "referrer-policy"), "no-referrer");
    assert!(header(answer, "location").is_empty(), "not a redirect");
    let html = answer.body.as_str().expect("a page");
    let refresh = html
        .split("content=\"0;url=")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("an immediate refresh in {html}"));
    let target = refresh.replace("&amp;", "&");
    assert!(html.contains(&format!("<a href=\"{refresh}\">")), "{html}");
    target
}

fn header<'r>(answer: &'r Response, name: &str) -> &'r str {
    answer
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// The value a `Set-Cookie` of the answer gives `name` (empty when it clears it).
fn set_cookie(answer: &Response, name: &str) -> Option<String> {
    answer
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|line| line.strip_prefix(&format!("{name}=")))
        .map(|rest| rest.split(';').next().unwrap().to_owned())
}

fn cleared(answer: &Response, name: &str) -> bool {
    answer
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|line| line.starts_with(&format!("{name}=;")) && line.contains("Max-Age=0"))
}

/// A refusal with `status` and `code`: problem+json, or the page a browser's navigation gets.
trait Refused {
    fn assert_problem_or_page(&self, status: u16, code: &str);
}

impl Refused for Response {
    #[track_caller]
    fn assert_problem_or_page(&self, status: u16, code: &str) {
        if self.content_type().starts_with("text/html") {
            assert_eq!(self.status, status, "{self:?}");
            let html = self.body.as_str().unwrap_or_default();
            assert!(html.contains(&format!("<code>{code}</code>")), "{html}");
        } else {
            self.assert_problem(status, code);
        }
    }
}

async fn flows(app: &TestApp) -> u64 {
    let federation = app.state.boundary.federation.as_ref().expect("on");
    federation.store().count().await.unwrap()
}

async fn sessions(app: &TestApp) -> i64 {
    sqlx::query("SELECT COUNT(*) AS n FROM browser_sessions")
        .fetch_one(&app.db.pool().await)
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

#[tokio::test]
async fn federated_sign_in_is_off_without_a_domain() {
    let app = TestApp::start().await;
    assert!(app.state.boundary.federation.is_none());
    for path in [
        "/oauth/start?provider=Google",
        "/oauth/callback?code=c&state=s",
    ] {
        app.get(path).await.assert_problem(404, "not_found");
    }
}

#[tokio::test]
async fn start_sends_the_browser_to_the_pools_authorize_endpoint_with_a_lax_cookie() {
    let app = with_an_unreachable_domain().start().await;
    let domain = &app.state.config.oauth.as_ref().unwrap().domain;
    let answer = app
        .send(navigate(
            &app,
            "/oauth/start?provider=Google&return_to=https%3A%2F%2Fapp.example.test%2Forders%3Fid%3D7",
            None,
        ))
        .await;
    assert_eq!(answer.status, 302, "{answer:?}");
    assert_eq!(header(&answer, "cache-control"), "no-store");
    let location = header(&answer, "location");
    assert!(
        location.starts_with(&format!("{domain}/oauth2/authorize?")),
        "{location}"
    );
    let url = reqwest::Url::parse(location).unwrap();
    let query: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["client_id"], app.user_pool.client_id);
    assert_eq!(query["redirect_uri"], "http://127.0.0.1:9/oauth/callback");
    assert_eq!(query["scope"], "openid email profile");
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["identity_provider"], "Google");
    for random in ["state", "nonce", "code_challenge"] {
        assert_eq!(query[random].len(), 43, "{random}");
    }
    assert_ne!(query["state"], query["nonce"]);

    let line = answer
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|l| l.starts_with(FLOW_COOKIE))
        .expect("the flow's cookie");
    for attribute in [
        "HttpOnly",
        "Secure",
        "SameSite=Lax",
        "Path=/",
        "Max-Age=600",
    ] {
        assert!(line.contains(attribute), "{line} lacks {attribute}");
    }
    // Nothing of the flow but its id is in the cookie, and no session yet.
    let cookie = set_cookie(&answer, FLOW_COOKIE).unwrap();
    assert!(!location.contains(&cookie));
    assert_eq!(flows(&app).await, 1);
    assert_eq!(sessions(&app).await, 0);

    // No provider: managed login's own page, and each start a flow of its own.
    let own = begin(&app, "return_to=https%3A%2F%2Fapp.example.test%2F").await;
    assert!(
        own.authorize
            .query_pairs()
            .all(|(k, _)| k != "identity_provider")
    );
    assert_ne!(own.cookie, cookie);
    assert_eq!(flows(&app).await, 2);
}

#[tokio::test]
async fn start_refuses_an_unknown_provider_and_a_return_to_it_does_not_list() {
    let app = with_an_unreachable_domain().start().await;
    for (query, field) in [
        (
            "provider=Facebook&return_to=https%3A%2F%2Fapp.example.test%2F",
            "provider",
        ),
        // Provider names are the pool's, exactly.
        (
            "provider=google&return_to=https%3A%2F%2Fapp.example.test%2F",
            "provider",
        ),
        (
            "provider=Google&return_to=https%3A%2F%2Fevil.example%2F",
            "return_to",
        ),
        (
            "provider=Google&return_to=%2F%2Fevil.example%2F",
            "return_to",
        ),
        (
            "provider=Google&return_to=https%3A%2F%2Fapp.example.test.evil.example%2F",
            "return_to",
        ),
        (
            "provider=Google&return_to=javascript%3Aalert(1)",
            "return_to",
        ),
    ] {
        let answer = app
            .send(call(&app, &format!("/oauth/start?{query}"), None))
            .await;
        answer.assert_problem(400, "invalid_request");
        assert_eq!(answer.body["field"], field, "{query}");
        assert!(answer.headers.get("location").is_none());
        assert!(set_cookie(&answer, FLOW_COOKIE).is_none());
        assert!(!answer.body.to_string().contains("evil"), "{query}");
    }
    // A browser gets a page saying the same, with nothing of what it sent in it.
    let page = app
        .send(navigate(
            &app,
            "/oauth/start?provider=Google&return_to=https%3A%2F%2Fevil.example%2F%3Cscript%3E",
            None,
        ))
        .await;
    assert_eq!(page.status, 400);
    assert!(page.content_type().starts_with("text/html"), "{page:?}");
    let html = page.body.as_str().unwrap();
    assert!(html.contains("invalid_request"), "{html}");
    assert!(
        !html.contains("evil") && !html.contains("<script"),
        "{html}"
    );
    assert_eq!(flows(&app).await, 0);
}

#[tokio::test]
async fn start_is_a_page_to_navigate_to_with_a_return_to_of_bounded_size() {
    let app = with_an_unreachable_domain().start().await;
    // An image on some page, fetched by each of its visitors: no flow for it.
    let embedded = app
        .send(
            call(
                &app,
                "/oauth/start?provider=Google&return_to=https%3A%2F%2Fapp.example.test%2F",
                None,
            )
            .header("sec-fetch-dest", "image"),
        )
        .await;
    embedded.assert_problem(400, "invalid_request");
    assert_eq!(embedded.body["field"], "sec-fetch-dest");
    // A path under an allowed URL, but a payload rather than a place.
    let long = format!(
        "/oauth/start?provider=Google&return_to=https%3A%2F%2Fapp.example.test%2F{}",
        "a".repeat(2100)
    );
    let refused = app.send(call(&app, &long, None)).await;
    refused.assert_problem(400, "invalid_request");
    assert_eq!(refused.body["field"], "return_to");
    assert_eq!(flows(&app).await, 0);
    // A navigation says so, and is taken.
    let navigated = app
        .send(
            call(
                &app,
                "/oauth/start?provider=Google&return_to=https%3A%2F%2Fapp.example.test%2F",
                None,
            )
            .header("sec-fetch-dest", "document"),
        )
        .await;
    assert_eq!(navigated.status, 302, "{navigated:?}");
    assert_eq!(flows(&app).await, 1);
}

#[tokio::test]
async fn a_callback_without_this_browsers_flow_is_refused_and_nothing_is_stored() {
    let app = with_an_unreachable_domain().start().await;

    // No cookie at all: a callback this browser never started.
    let answer = app
        .send(call(&app, "/oauth/callback?code=c0de&state=s7a7e", None))
        .await;
    answer.assert_problem(400, "oauth_state_invalid");
    assert!(set_cookie(&answer, SESSION_COOKIE).is_none());

    // The flow's cookie with a wrong state: refused, the flow is over, the cookie cleared.
    let begun = begin(&app, "provider=Google").await;
    let answer = app
        .send(call(
            &app,
            "/oauth/callback?code=c0de&state=not-the-state",
            Some(&begun.cookie),
        ))
        .await;
    answer.assert_problem(400, "oauth_state_invalid");
    assert!(cleared(&answer, FLOW_COOKIE), "{answer:?}");
    assert_eq!(flows(&app).await, 0);
    // ... so the right state no longer helps: the flow was used.
    let replayed = app
        .send(call(
            &app,
            &format!("/oauth/callback?code=c0de&state={}", begun.state),
            Some(&begun.cookie),
        ))
        .await;
    replayed.assert_problem(400, "oauth_state_invalid");

    // No state in the callback.
    let begun = begin(&app, "provider=Google").await;
    app.send(call(&app, "/oauth/callback?code=c0de", Some(&begun.cookie)))
        .await
        .assert_problem(400, "oauth_state_invalid");

    // Another browser's state, with this browser's cookie (a login CSRF, or a mix-up).
    let mine = begin(&app, "provider=Google").await;
    let theirs = begin(&app, "provider=Google").await;
    app.send(call(
        &app,
        &format!("/oauth/callback?code=c0de&state={}", theirs.state),
        Some(&mine.cookie),
    ))
    .await
    .assert_problem(400, "oauth_state_invalid");

    // An expired flow.
    let begun = begin(&app, "provider=Google").await;
    sqlx::query("UPDATE oauth_flows SET expires_at = 0")
        .execute(&app.db.pool().await)
        .await
        .unwrap();
    app.send(call(
        &app,
        &format!("/oauth/callback?code=c0de&state={}", begun.state),
        Some(&begun.cookie),
    ))
    .await
    .assert_problem(400, "oauth_state_invalid");

    // Two cookies of its name (one planted): neither is used.
    let begun = begin(&app, "provider=Google").await;
    let answer = app
        .send(
            app.http
                .get(app.url(&format!("/oauth/callback?code=c0de&state={}", begun.state)))
                .header(
                    "cookie",
                    format!(
                        "{FLOW_COOKIE}={}; {FLOW_COOKIE}={}",
                        begun.cookie, theirs.cookie
                    ),
                ),
        )
        .await;
    answer.assert_problem(400, "oauth_state_invalid");
    assert!(cleared(&answer, FLOW_COOKIE));

    assert_eq!(sessions(&app).await, 0);
}

#[tokio::test]
async fn the_right_state_reaches_the_pools_token_endpoint_and_an_unreachable_one_is_a_502() {
    let app = with_an_unreachable_domain().start().await;
    let begun = begin(&app, "provider=AcmeSAML").await;
    let answer = app
        .send(call(
            &app,
            &format!("/oauth/callback?code=c0de&state={}", begun.state),
            Some(&begun.cookie),
        ))
        .await;
    answer.assert_problem(502, "oauth_unavailable");
    assert!(cleared(&answer, FLOW_COOKIE));
    assert_eq!(flows(&app).await, 0);
    assert_eq!(sessions(&app).await, 0);
}

#[tokio::test]
async fn a_providers_error_is_answered_in_the_services_words() {
    let app = with_an_unreachable_domain().start().await;
    let described =
        "error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E%20Evil%20Corp%20says%20no";

    let begun = begin(&app, "provider=Google").await;
    let answer = app
        .send(call(
            &app,
            &format!(
                "/oauth/callback?error=access_denied&{described}&state={}",
                begun.state
            ),
            Some(&begun.cookie),
        ))
        .await;
    answer.assert_problem(403, "oauth_access_denied");
    assert!(cleared(&answer, FLOW_COOKIE));
    let text = answer.body.to_string();
    assert!(!text.contains("script") && !text.contains("Evil"), "{text}");

    // A browser: a page, with the same code and none of the provider's words.
    let begun = begin(&app, "provider=Google").await;
    let page = app
        .send(navigate(
            &app,
            &format!(
                "/oauth/callback?error=access_denied&{described}&state={}",
                begun.state
            ),
            Some(&begun.cookie),
        ))
        .await;
    assert_eq!(page.status, 403);
    assert!(page.content_type().starts_with("text/html"));
    assert_eq!(header(&page, "referrer-policy"), "no-referrer");
    let html = page.body.as_str().unwrap();
    assert!(html.contains("oauth_access_denied"), "{html}");
    assert!(html.contains("href=\"/ui/sign-in\""), "{html}");
    assert!(!html.contains("script") && !html.contains("Evil"), "{html}");

    // Any other error is the provider's failure, by no name of its own.
    let begun = begin(&app, "provider=Google").await;
    app.send(call(
        &app,
        &format!(
            "/oauth/callback?error=server_error&{described}&state={}",
            begun.state
        ),
        Some(&begun.cookie),
    ))
    .await
    .assert_problem(502, "oauth_provider_error");

    // An error with another browser's state is no answer to this one's flow.
    let begun = begin(&app, "provider=Google").await;
    app.send(call(
        &app,
        "/oauth/callback?error=access_denied&state=forged",
        Some(&begun.cookie),
    ))
    .await
    .assert_problem(400, "oauth_state_invalid");

    assert_eq!(flows(&app).await, 0);
    assert_eq!(sessions(&app).await, 0);
}

#[tokio::test]
async fn a_federated_user_is_told_their_password_lives_with_their_provider() {
    let app = TestApp::start().await;
    let pool = &app.user_pool;
    // Cognito puts every user who signed in through a provider in `{pool id}_{provider}`.
    let group = format!("{}_Google", pool.pool_id);
    pool.idp
        .create_group()
        .user_pool_id(&pool.pool_id)
        .group_name(&group)
        .send()
        .await
        .unwrap();
    pool.create_user("fed-ana", "Passw0rd!-x").await;
    pool.add_to_group("fed-ana", &group).await;
    let token = app.login("fed-ana", "Passw0rd!-x").await.access_token();
    app.post_with_bearer(
        "/password/change",
        &token,
        serde_json::json!({"previous_password": "Passw0rd!-x", "proposed_password": "Passw0rd!-y"}),
    )
    .await
    .assert_problem(409, "federated_user");
    // The password is unchanged.
    assert_eq!(app.login("fed-ana", "Passw0rd!-x").await.status, 200);
}

// The checks on the pool's tokens, with tokens signed here by a throwaway key (the verifier
// crate's fixture) and published by a JWKS served here: every way an ID token can be wrong
// for this sign-in, one at a time.

mod tokens {
    use std::time::{SystemTime, UNIX_EPOCH};

    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use cognito_bff::cognito::Tokens;
    use cognito_bff::oauth::{OAuthError, check_tokens};
    use cognito_verifier::{Verifier, VerifierConfig};
    use ring::rand::SystemRandom;
    use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
    use serde_json::{Value, json};

    const ISSUER: &str = "http://127.0.0.1:1/pool";
    const CLIENT: &str = "this-client";
    /// Another app client of the pool whose tokens the API accepts (ALLOWED_CLIENT_IDS), but
    /// whose sign-ins are not this service's.
    const OTHER_CLIENT: &str = "another-client";
    const SUB: &str = "0b7c5b6e-1111-4000-8000-00000000fed1";
    const NONCE: &str = "the-nonce-this-flow-sent-abcdefghijklmnopq";

    const KEY_1: &[u8] =
        include_bytes!("../../crates/cognito-verifier/tests/fixtures/signing-key-1.der");
    const JWK_1: &str =
        include_str!("../../crates/cognito-verifier/tests/fixtures/signing-key-1.jwk.json");
    const KEY_2: &[u8] =
        include_bytes!("../../crates/cognito-verifier/tests/fixtures/signing-key-2.der");

    fn now() -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
    }

    /// An RS256 JWT of `claims`, signed by `key` under `kid`.
    fn sign(key: &[u8], kid: &str, claims: &Value) -> String {
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": kid});
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let pair = RsaKeyPair::from_der(key).expect("a PKCS#1 key");
        let mut signature = vec![0; pair.public().modulus_len()];
        pair.sign(
            &RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            input.as_bytes(),
            &mut signature,
        )
        .unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// The verifier the service builds, trusting the JWKS served here: key 1 as `k1`.
    async fn verifier() -> Verifier {
        let mut jwk: Value = serde_json::from_str(JWK_1).unwrap();
        jwk["kid"] = json!("k1");
        jwk["alg"] = json!("RS256");
        jwk["use"] = json!("sig");
        let jwks = json!({"keys": [jwk]}).to_string();
        let app = axum::Router::new().route(
            "/.well-known/jwks.json",
            axum::routing::get(move || {
                let jwks = jwks.clone();
                async move { ([("content-type", "application/json")], jwks) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/.well-known/jwks.json",
            listener.local_addr().unwrap()
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        let verifier = Verifier::new(VerifierConfig {
            jwks_url: url,
            issuer: ISSUER.to_owned(),
            client_ids: vec![CLIENT.to_owned(), OTHER_CLIENT.to_owned()],
            leeway: std::time::Duration::ZERO,
            cache_capacity: 0,
        });
        verifier.keys().refresh().await.expect("the JWKS loads");
        verifier
    }

    fn id_claims() -> Value {
        json!({
            "sub": SUB,
            "aud": CLIENT,
            "iss": ISSUER,
            "token_use": "id",
            "auth_time": now() - 5,
            "iat": now() - 5,
            "exp": now() + 3600,
            "nonce": NONCE,
            "cognito:username": "Google_1234567890",
            "email": "fed@example.com",
            "identities": [{"providerName": "Google", "userId": "1234567890"}],
        })
    }

    fn access_claims() -> Value {
        json!({
            "sub": SUB,
            "iss": ISSUER,
            "client_id": CLIENT,
            "token_use": "access",
            "scope": "openid email profile",
            "username": "Google_1234567890",
            "auth_time": now() - 5,
            "iat": now() - 5,
            "exp": now() + 3600,
            "jti": "a1",
            "origin_jti": "o1",
            "cognito:groups": ["us-east-1_Pool_Google"],
        })
    }

    fn tokens(id: Option<Value>, access: Value) -> Tokens {
        Tokens {
            new_device: None,
            access_token: sign(KEY_1, "k1", &access),
            id_token: id.map(|claims| sign(KEY_1, "k1", &claims)),
            refresh_token: Some("opaque-refresh-token".into()),
            expires_in: 3600,
            token_type: "Bearer".into(),
        }
    }

    fn with(mut claims: Value, name: &str, value: Value) -> Value {
        if value.is_null() {
            claims.as_object_mut().unwrap().remove(name);
        } else {
            claims[name] = value;
        }
        claims
    }

    async fn refusal(verifier: &Verifier, tokens: &Tokens) -> &'static str {
        match check_tokens(verifier, CLIENT, tokens, NONCE).await {
            Err(OAuthError::TokenInvalid(check)) => check,
            other => panic!("not refused as a token: {other:?}"),
        }
    }

    #[tokio::test]
    async fn the_pools_tokens_for_this_flow_pass() {
        let verifier = verifier().await;
        check_tokens(
            &verifier,
            CLIENT,
            &tokens(Some(id_claims()), access_claims()),
            NONCE,
        )
        .await
        .expect("good tokens pass");
    }

    #[tokio::test]
    async fn an_id_token_for_another_flow_client_or_issuer_is_refused() {
        let verifier = verifier().await;
        for (name, value, check) in [
            // Another flow's ID token (a code injected from another sign-in).
            ("nonce", json!("another-flows-nonce"), "token_nonce"),
            ("nonce", Value::Null, "token_nonce"),
            // Another app client of the same pool: the verifier accepts its tokens for the
            // API, but its sign-ins are not this service's.
            ("aud", json!(OTHER_CLIENT), "token_audience"),
            // A client the pool doesn't know here at all.
            ("aud", json!("stranger"), "token_client"),
            ("iss", json!("https://evil.example/pool"), "token_issuer"),
            ("exp", json!(now() - 60), "token_expired"),
            ("token_use", json!("access"), "token_use"),
        ] {
            let id = with(id_claims(), name, value.clone());
            let refused = refusal(&verifier, &tokens(Some(id), access_claims())).await;
            assert_eq!(refused, check, "{name} = {value}");
        }
    }

    #[tokio::test]
    async fn tokens_that_dont_belong_together_or_to_the_pool_are_refused() {
        let verifier = verifier().await;
        // No ID token at all (a scope without openid, or a token endpoint that dropped it).
        assert_eq!(
            refusal(&verifier, &tokens(None, access_claims())).await,
            "id_token_missing"
        );
        // Signed by a key the pool doesn't publish.
        let mut forged = tokens(Some(id_claims()), access_claims());
        forged.id_token = Some(sign(KEY_2, "k1", &id_claims()));
        assert_eq!(refusal(&verifier, &forged).await, "token_signature");
        // The access token of another user, or of another client.
        let other_user = with(access_claims(), "sub", json!("someone-else"));
        assert_eq!(
            refusal(&verifier, &tokens(Some(id_claims()), other_user)).await,
            "token_subject"
        );
        let other_client = with(access_claims(), "client_id", json!(OTHER_CLIENT));
        assert_eq!(
            refusal(&verifier, &tokens(Some(id_claims()), other_client)).await,
            "token_client"
        );
        let expired = with(access_claims(), "exp", json!(now() - 60));
        assert_eq!(
            refusal(&verifier, &tokens(Some(id_claims()), expired)).await,
            "token_expired"
        );
        // No refresh token: a session would die with its first access token.
        let mut short = tokens(Some(id_claims()), access_claims());
        short.refresh_token = None;
        assert_eq!(refusal(&verifier, &short).await, "refresh_token_missing");
    }
}

#[tokio::test]
async fn the_sign_in_page_offers_each_provider_with_where_the_user_was_going() {
    let app = with_an_unreachable_domain().start().await;
    let page = app
        .send(navigate(
            &app,
            "/ui/sign-in?return_to=https%3A%2F%2Fapp.example.test%2Forders",
            None,
        ))
        .await;
    assert_eq!(page.status, 200);
    let html = page.body.as_str().unwrap();
    for provider in ["Google", "AcmeSAML"] {
        let link = format!(
            "href=\"/oauth/start?provider={provider}&amp;return_to=https%3A%2F%2Fapp.example.test%2Forders\" data-provider=\"{provider}\">Continue with {provider}</a>"
        );
        assert!(html.contains(&link), "{html}");
    }
    // A return_to the service doesn't list is not carried on.
    let page = app
        .send(navigate(
            &app,
            "/ui/sign-in?return_to=https%3A%2F%2Fevil.example%2F",
            None,
        ))
        .await;
    let html = page.body.as_str().unwrap();
    assert!(
        html.contains("href=\"/oauth/start?provider=Google\""),
        "{html}"
    );
    assert!(!html.contains("evil"));

    // Without COGNITO_DOMAIN the page has no such links.
    let plain = TestApp::start().await;
    let page = plain.send(navigate(&plain, "/ui/sign-in", None)).await;
    assert!(!page.body.as_str().unwrap().contains("/oauth/start"));
}

// The whole flow, through a real OpenID Connect server standing in for the pool's domain
// (tests/oidc-peer, on Cognito's paths): the service's verifier trusts the peer's keys and
// issuer, and its app client is the peer's.

mod through_the_peer {
    use serde_json::{Value, json};

    use super::{
        Begun, FLOW_COOKIE, RETURN_URL, Refused, begin, call, cleared, flows, header, navigate,
        onward, sessions, set_cookie,
    };
    use crate::support::browser::{Browser, SESSION_COOKIE, assert_no_token};
    use crate::support::oidc::OidcPeer;
    use crate::support::{AppBuilder, Response, TestApp, free_port};

    /// The peer, and the service pointed at it as at a pool's domain.
    struct Federated {
        peer: OidcPeer,
        app: TestApp,
        /// The service's own base URL.
        base: String,
    }

    fn signed_out_url(base: &str) -> String {
        format!("{base}/ui/sign-in")
    }

    async fn federated(change: impl FnOnce(AppBuilder) -> AppBuilder) -> Federated {
        // The peer must know the service's callback before the service runs.
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        let client_id = format!("bff-{}", uuid::Uuid::new_v4().simple());
        let secret = format!("secret-{}", uuid::Uuid::new_v4().simple());
        let peer = OidcPeer::start(
            &client_id,
            &secret,
            &[&format!("{base}/oauth/callback")],
            &[&signed_out_url(&base)],
        );
        let builder = TestApp::builder()
            .set("LISTEN_ADDR", format!("127.0.0.1:{port}"))
            .set("COGNITO_CLIENT_ID", &client_id)
            .set("COGNITO_CLIENT_SECRET", &secret)
            .set("COGNITO_DOMAIN", &peer.base_url)
            .set("COGNITO_JWKS_URL", peer.jwks_url())
            .set("COGNITO_ISSUER", peer.issuer())
            .set("OAUTH_REDIRECT_URL", format!("{base}/oauth/callback"))
            .set("OAUTH_LOGOUT_URL", signed_out_url(&base))
            .set("FEDERATED_PROVIDERS", "Google,AcmeOIDC")
            .set("UI_RETURN_URLS", format!("{RETURN_URL},{base}/ui/"));
        let app = change(builder).start().await;
        Federated { peer, app, base }
    }

    impl Federated {
        /// The callback's path and query, from where the peer sent the browser.
        fn callback_path(&self, url: &str) -> String {
            let path = url
                .strip_prefix(&self.base)
                .unwrap_or_else(|| panic!("not back at the service: {url}"));
            assert!(path.starts_with("/oauth/callback?"), "{url}");
            path.to_owned()
        }

        /// The browser's navigation to the callback the peer sent it to, with its flow cookie.
        async fn come_back(&self, begun: &Begun, url: &str) -> Response {
            self.app
                .send(navigate(
                    &self.app,
                    &self.callback_path(url),
                    Some(&begun.cookie),
                ))
                .await
        }

        /// A whole sign-in as `username` at `provider`: the callback's answer, the flow, and
        /// the peer's browser (with its managed-login session).
        async fn sign_in(&self, provider: &str, username: &str) -> (Response, Begun, String) {
            let begun = begin(
                &self.app,
                &format!("provider={provider}&return_to=https%3A%2F%2Fapp.example.test%2Forders"),
            )
            .await;
            let back = self.peer.sign_in(begun.authorize.as_str(), username).await;
            let answer = self.come_back(&begun, &back).await;
            (answer, begun, back)
        }
    }

    /// The `code` the peer sent back.
    fn code_of(url: &str) -> String {
        reqwest::Url::parse(url)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == "code")
            .expect("a code")
            .1
            .into_owned()
    }

    /// A browser of the service holding `session`.
    fn holding<'a>(app: &'a TestApp, answer: &Response) -> Browser<'a> {
        let browser = Browser::new(app);
        browser.plant(
            SESSION_COOKIE,
            &set_cookie(answer, SESSION_COOKIE).expect("a session cookie"),
        );
        browser
    }

    #[tokio::test]
    async fn a_user_of_the_pools_own_directory_at_managed_login_is_not_federated() {
        let f = federated(|b| b).await;
        // No provider: managed login's own page, where a pool user signs in.
        let begun = begin(&f.app, "return_to=https%3A%2F%2Fapp.example.test%2F").await;
        let back = f.peer.sign_in(begun.authorize.as_str(), "minji").await;
        let answer = f.come_back(&begun, &back).await;
        onward(&answer);
        let browser = holding(&f.app, &answer);
        let session = browser.get("/session").await;
        assert_eq!(session.body["amr"], json!(["hosted"]), "{session:?}");
        // Their password is theirs to change here; the sign-out still ends managed login's.
        let change = browser
            .post(
                "/password/change",
                json!({"previous_password": "x", "proposed_password": "Passw0rd!new"}),
            )
            .await;
        assert_ne!(change.code(), "federated_user", "{change:?}");
        let out = browser.post("/logout", json!({})).await;
        assert_eq!(out.status, 200, "{out:?}");
        assert!(
            out.body["logout_url"]
                .as_str()
                .is_some_and(|url| url.contains("/logout?client_id=")),
            "{out:?}"
        );
    }

    #[tokio::test]
    async fn a_browser_signs_in_through_a_provider_and_holds_only_a_session() {
        let f = federated(|b| b).await;
        let begun = begin(
            &f.app,
            "provider=Google&return_to=https%3A%2F%2Fapp.example.test%2Forders",
        )
        .await;
        // The provider's login page is the one asked for.
        let at_peer = f.peer.browser();
        let page = at_peer.visit(begun.authorize.as_str()).await.login_page();
        assert_eq!(page.identity_provider.as_deref(), Some("Google"));
        let back = at_peer.submit(&page, &[("username", "ana")]).await.left();

        let answer = f.come_back(&begun, &back).await;
        assert_eq!(onward(&answer), "https://app.example.test/orders");
        assert_eq!(header(&answer, "cache-control"), "no-store");
        assert_eq!(header(&answer, "referrer-policy"), "no-referrer");
        assert!(cleared(&answer, FLOW_COOKIE));
        let line = answer
            .headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap())
            .find(|l| l.starts_with(SESSION_COOKIE))
            .expect("a session cookie");
        assert!(
            line.contains("HttpOnly") && line.contains("Secure"),
            "{line}"
        );
        assert_no_token(&answer);

        // What reached the pool: PKCE and the nonce asked for, the code traded once with the
        // secret in HTTP Basic.
        let asked = f.peer.authorizations().await;
        assert_eq!(asked.len(), 1);
        assert_eq!(asked[0]["code_challenge_method"], "S256");
        assert_eq!(asked[0]["identity_provider"], "Google");
        assert_eq!(asked[0]["state"], begun.state);
        let traded = f.peer.token_requests().await;
        assert_eq!(traded.len(), 1, "{traded:?}");
        assert_eq!(traded[0].grant_type.as_deref(), Some("authorization_code"));
        assert_eq!(traded[0].client_auth, "basic");
        assert_eq!(traded[0].status, 200);

        // The browser holds a session of the federated user, and never a token.
        let browser = holding(&f.app, &answer);
        let session = browser.get("/session").await;
        assert_eq!(session.status, 200, "{session:?}");
        assert_eq!(session.body["amr"], json!(["fed"]));
        assert_eq!(session.body["user"]["username"], "Google_ana");
        assert_eq!(
            session.body["user"]["attributes"]["email"],
            "ana@example.com"
        );
        assert_no_token(&session);
        assert_eq!(sessions(&f.app).await, 1);
        assert_eq!(flows(&f.app).await, 0);
        let listed = browser.get("/sessions").await;
        assert_eq!(listed.status, 200, "{listed:?}");

        // The same callback again (a replay, or the back button): the flow is used up.
        f.come_back(&begun, &back)
            .await
            .assert_problem_or_page(400, "oauth_state_invalid");
        assert_eq!(sessions(&f.app).await, 1);
        assert_eq!(
            f.peer.token_requests().await.len(),
            1,
            "the pool was not asked again"
        );
    }

    #[tokio::test]
    async fn managed_logins_own_page_signs_in_without_a_provider() {
        let f = federated(|b| b).await;
        let begun = begin(&f.app, "").await;
        let page = f
            .peer
            .browser()
            .visit(begun.authorize.as_str())
            .await
            .login_page();
        assert_eq!(page.identity_provider, None);
        let back = f.peer.sign_in(begun.authorize.as_str(), "jin").await;
        let answer = f.come_back(&begun, &back).await;
        // No return_to: the sign-in pages' own start.
        assert_eq!(onward(&answer), "/ui/");
    }

    #[tokio::test]
    async fn a_code_replayed_or_injected_into_another_flow_is_refused_by_the_pool() {
        let f = federated(|b| b).await;
        let (answer, _, first) = f.sign_in("Google", "ana").await;
        onward(&answer);
        let used = code_of(&first);

        // The used code, with a new flow's cookie and state: the pool refuses it.
        let next = begin(&f.app, "provider=Google").await;
        let replayed = f
            .app
            .send(call(
                &f.app,
                &format!("/oauth/callback?code={used}&state={}", next.state),
                Some(&next.cookie),
            ))
            .await;
        replayed.assert_problem(400, "oauth_code_invalid");
        assert!(cleared(&replayed, FLOW_COOKIE));

        // A fresh code of one flow, brought to another browser's flow (a code injection): its
        // PKCE verifier is not the one the code was issued for.
        let victim = begin(&f.app, "provider=Google").await;
        let attacker = begin(&f.app, "provider=Google").await;
        let stolen = code_of(&f.peer.sign_in(attacker.authorize.as_str(), "mallory").await);
        let injected = f
            .app
            .send(call(
                &f.app,
                &format!("/oauth/callback?code={stolen}&state={}", victim.state),
                Some(&victim.cookie),
            ))
            .await;
        injected.assert_problem(400, "oauth_code_invalid");

        let refused: Vec<_> = f
            .peer
            .token_requests()
            .await
            .into_iter()
            .filter(|t| t.status != 200)
            .collect();
        assert_eq!(refused.len(), 2, "{refused:?}");
        assert!(
            refused
                .iter()
                .all(|t| t.error.as_deref() == Some("invalid_grant"))
        );
        assert_eq!(sessions(&f.app).await, 1, "only the first sign-in");
    }

    #[tokio::test]
    async fn the_user_cancelling_at_the_provider_is_refused_with_nothing_stored() {
        let f = federated(|b| b).await;
        let begun = begin(&f.app, "provider=AcmeOIDC").await;
        let back = f.peer.cancel(begun.authorize.as_str()).await;
        assert!(back.contains("error=access_denied"), "{back}");
        let answer = f.come_back(&begun, &back).await;
        assert_eq!(answer.status, 403);
        assert!(answer.content_type().starts_with("text/html"));
        assert!(
            answer
                .body
                .as_str()
                .unwrap()
                .contains("oauth_access_denied")
        );
        assert!(cleared(&answer, FLOW_COOKIE));
        assert!(set_cookie(&answer, SESSION_COOKIE).is_none());
        assert!(f.peer.token_requests().await.is_empty());
        assert_eq!(sessions(&f.app).await, 0);
        assert_eq!(flows(&f.app).await, 0);
    }

    #[tokio::test]
    async fn tokens_for_another_flow_client_or_issuer_are_refused_with_nothing_stored() {
        let f = federated(|b| b).await;
        for change in [
            // Another flow's ID token: its nonce is not this flow's.
            json!({"id_token": {"claims": {"nonce": "another-flows-nonce"}}}),
            json!({"id_token": {"claims": {"nonce": null}}}),
            // An ID token for another app client of the pool.
            json!({"id_token": {"claims": {"aud": "another-client"}}}),
            // From another issuer.
            json!({"id_token": {"claims": {"iss": "https://evil.example"}}}),
            json!({"id_token": {"claims": {"exp": 1}}}),
            // Signed by a key the pool doesn't publish.
            json!({"id_token": {"foreign_key": true}}),
            // An access token of another user than the ID token's.
            json!({"access_token": {"claims": {"sub": "someone-else"}}}),
        ] {
            f.peer.tamper_next_tokens(change.clone()).await;
            let (answer, _, _) = f.sign_in("Google", "ana").await;
            answer.assert_problem_or_page(502, "oauth_token_invalid");
            assert!(cleared(&answer, FLOW_COOKIE), "{change}");
            assert!(set_cookie(&answer, SESSION_COOKIE).is_none(), "{change}");
            assert_eq!(sessions(&f.app).await, 0, "{change}");
        }
        assert_eq!(flows(&f.app).await, 0);
    }

    #[tokio::test]
    async fn a_pool_whose_issuer_is_not_the_expected_one_signs_nobody_in() {
        let f = federated(|b| {
            b.set(
                "COGNITO_ISSUER",
                "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other",
            )
        })
        .await;
        let (answer, _, _) = f.sign_in("Google", "ana").await;
        answer.assert_problem_or_page(502, "oauth_token_invalid");
        assert_eq!(sessions(&f.app).await, 0);
    }

    #[tokio::test]
    async fn a_federated_sessions_logout_ends_managed_logins_session_too() {
        let f = federated(|b| b).await;
        let begun = begin(&f.app, "provider=Google").await;
        let at_peer = f.peer.browser();
        let back = at_peer.sign_in(begun.authorize.as_str(), "ana").await;
        let answer = f.come_back(&begun, &back).await;
        let browser = holding(&f.app, &answer);

        // No password to change: the provider keeps it.
        browser
            .post(
                "/password/change",
                json!({"previous_password": "x", "proposed_password": "Passw0rd!-y"}),
            )
            .await
            .assert_problem(409, "federated_user");

        // While managed login's session lives, a new sign-in goes through without a question.
        let again = begin(&f.app, "provider=Google").await;
        let straight = at_peer.visit(again.authorize.as_str()).await.left();
        assert!(straight.contains("code="), "{straight}");

        let out = browser.post("/logout", json!({})).await;
        assert_eq!(out.status, 200, "{out:?}");
        assert!(cleared(&out, SESSION_COOKIE));
        let logout_url = out.body["logout_url"].as_str().unwrap().to_owned();
        let expected = reqwest::Url::parse(&format!("{}/logout", f.peer.base_url)).unwrap();
        let url = reqwest::Url::parse(&logout_url).unwrap();
        assert_eq!(url.origin(), expected.origin());
        assert_eq!(url.path(), "/logout");
        let query: std::collections::HashMap<String, String> =
            url.query_pairs().into_owned().collect();
        assert_eq!(query["client_id"], f.peer.client_id);
        assert_eq!(query["logout_uri"], signed_out_url(&f.base));
        browser.assert_signed_out().await;

        // The browser goes there, and on to OAUTH_LOGOUT_URL; managed login's session is over.
        assert_eq!(
            at_peer.visit(&logout_url).await.left(),
            signed_out_url(&f.base)
        );
        let logouts = f.peer.logouts().await;
        assert_eq!(logouts.len(), 1, "{logouts:?}");
        assert_eq!(logouts[0].outcome, "redirected");
        assert!(logouts[0].signed_out);
        let after = begin(&f.app, "provider=Google").await;
        at_peer.visit(after.authorize.as_str()).await.login_page();
    }

    #[tokio::test]
    async fn a_password_sessions_logout_still_answers_204() {
        let f = federated(|b| b).await;
        let (answer, _, _) = f.sign_in("Google", "ana").await;
        onward(&answer);
        // A session whose amr is the password's, as /login would have stored it.
        sqlx::query("UPDATE browser_sessions SET amr = 'pwd'")
            .execute(&f.app.db.pool().await)
            .await
            .unwrap();
        f.app.state.sessions.store().forget_cached();
        let browser = holding(&f.app, &answer);
        let out = browser.post("/logout", json!({})).await;
        assert_eq!(out.status, 204, "{out:?}");
        assert_eq!(out.body, Value::Null);
        assert!(f.peer.logouts().await.is_empty());
    }
}

/// Headless Chromium through the whole flow, as a person goes: the provider's button on the
/// sign-in page, the provider's login page, back signed in; then signing out reaches the
/// pool's logout and ends on OAUTH_LOGOUT_URL.
mod in_chromium {
    use serde_json::json;

    use crate::support::TestApp;
    use crate::support::browser::held_tokens;
    use crate::support::chromium::Chromium;
    use crate::support::oidc::OidcPeer;

    #[tokio::test]
    async fn a_person_signs_in_with_a_provider_and_out_through_the_pools_logout() {
        let port = crate::support::free_port();
        // The service's pages at `localhost`, the pool's domain at `127.0.0.1`: two sites, so
        // SameSite rules apply to the round trip as they will between the service and the
        // pool's domain in production.
        let base = format!("http://localhost:{port}");
        let signed_out = format!("{base}/ui/sign-in");
        let peer = OidcPeer::start(
            "bff-chromium",
            "bff-chromium-secret",
            &[&format!("{base}/oauth/callback")],
            &[&signed_out],
        );
        let app = TestApp::builder()
            .set("COOKIE_SECURE", "false")
            .set("LISTEN_ADDR", format!("127.0.0.1:{port}"))
            .set("COGNITO_CLIENT_ID", "bff-chromium")
            .set("COGNITO_CLIENT_SECRET", "bff-chromium-secret")
            .set("COGNITO_DOMAIN", &peer.base_url)
            .set("COGNITO_JWKS_URL", peer.jwks_url())
            .set("COGNITO_ISSUER", peer.issuer())
            .set("OAUTH_REDIRECT_URL", format!("{base}/oauth/callback"))
            .set("OAUTH_LOGOUT_URL", &signed_out)
            .set("FEDERATED_PROVIDERS", "Google")
            .start()
            .await;

        let browser = Chromium::start("en-US").await;
        browser.open(&format!("{base}/ui/sign-in")).await;
        browser.wait_for_heading("Sign in").await;
        browser.click_link("Continue with Google").await;

        // The provider's login page, which names the provider asked for.
        browser.wait_for_text("#identity-provider", "Google").await;
        browser.type_into("Username", "ana").await;
        browser.click("Sign in").await;

        // Back at the service, signed in: the account page, without a password to change.
        browser.wait_for_heading("Your account").await;
        browser.wait_for_text("#whoami", "ana@example.com").await;
        browser
            .wait_for_value(
                "return document.getElementById('password-section').hidden",
                json!(true),
            )
            .await;
        browser
            .assert_no_token_reachable(&held_tokens(&app).await)
            .await;

        browser.click("Sign out").await;
        browser.wait_for_url(&signed_out).await;
        browser.wait_for_heading("Sign in").await;
        let logouts = peer.logouts().await;
        assert_eq!(logouts.len(), 1, "{logouts:?}");
        assert_eq!(logouts[0].outcome, "redirected");
        assert!(logouts[0].signed_out, "managed login's session ended");
        let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM browser_sessions")
            .fetch_one(&app.db.pool().await)
            .await
            .unwrap();
        assert_eq!(held, 0);
        browser.close().await;
    }
}
