//! A browser as the service sees one: every request carries `Sec-Fetch-Site` (which page
//! scripts cannot set or remove) and the page's `Origin`, and a cookie jar keeps what the
//! service sets. Every cookie set must be HttpOnly, so scripts on the page read only what the
//! answers' bodies show.

use std::collections::BTreeMap;
use std::sync::Mutex;

use cognito_bff::sessions::{Found, StoredSession};
use cognito_bff::vocab::{IdHash, OpaqueId, SessionId};
use reqwest::Method;
use serde_json::Value;

use super::{Response, TestApp};

pub const SESSION_COOKIE: &str = "__Host-cognito-bff-session";
pub const DEVICE_COOKIE: &str = "__Host-cognito-bff-device";

pub struct Browser<'a> {
    app: &'a TestApp,
    jar: Mutex<BTreeMap<String, String>>,
    user_agent: &'static str,
    /// The page's origin: the service behind TLS, as in production.
    origin: String,
}

/// The same browser's requests spread over two replicas, four at once (a page loading), each
/// answered 200.
pub async fn four_calls_at_once(here: &Browser<'_>, there: &Browser<'_>, path: &str) {
    let (a, b, c, d) = tokio::join!(
        here.get(path),
        there.get(path),
        here.get(path),
        there.get(path)
    );
    for answer in [a, b, c, d] {
        assert_eq!(answer.status, 200, "{answer:?}");
    }
}

impl<'a> Browser<'a> {
    /// This browser as `replica` sees it: its cookies (the session's, and the device's if
    /// any), sent there.
    pub fn on<'r>(&self, replica: &'r TestApp) -> Browser<'r> {
        let there = Browser::new(replica);
        *there.jar.lock().unwrap() = self.jar.lock().unwrap().clone();
        there
    }

    pub fn new(app: &'a TestApp) -> Self {
        Browser::with_agent(
            app,
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        )
    }

    pub fn with_agent(app: &'a TestApp, user_agent: &'static str) -> Self {
        Browser {
            app,
            jar: Mutex::new(BTreeMap::new()),
            user_agent,
            origin: format!("https://{}", app.addr),
        }
    }

    /// A page on another site, sending this browser's cookies (as `SameSite=Lax` would for a
    /// top-level navigation, or a planted request would try).
    pub fn at_origin(mut self, origin: &str) -> Self {
        self.origin = origin.to_owned();
        self
    }

    /// The value of a cookie in the jar.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar.lock().unwrap().get(name).cloned()
    }

    /// Puts a cookie in the jar, as another tab, a stolen copy or a planted one would.
    pub fn plant(&self, name: &str, value: &str) {
        self.jar
            .lock()
            .unwrap()
            .insert(name.to_owned(), value.to_owned());
    }

    pub fn session_cookie(&self) -> Option<String> {
        self.cookie(SESSION_COOKIE)
    }

    /// What the store holds for the session this browser's cookie names.
    pub async fn stored(&self) -> Option<StoredSession> {
        let cookie = self.session_cookie()?;
        let id = SessionId::parse(&cookie).expect("a well-formed session cookie");
        match self
            .app
            .state
            .sessions
            .store()
            .find(&id.hash())
            .await
            .unwrap()
        {
            Found::Live(session) => Some(*session),
            _ => None,
        }
    }

    /// Moves the stored session's clock: as if `seconds` had passed for `column` (a
    /// millisecond column, or `access_expires_at` and `auth_time` in seconds).
    pub async fn age(&self, column: &str, seconds: i64) {
        let cookie = self.session_cookie().unwrap();
        let id_hash = SessionId::parse(&cookie).unwrap().hash();
        let delta = if matches!(column, "access_expires_at" | "auth_time") {
            seconds
        } else {
            seconds * 1000
        };
        sqlx::query(&format!(
            "UPDATE browser_sessions SET {column} = {column} - $1 WHERE id_hash = $2"
        ))
        .bind(delta)
        .bind(id_hash.as_str())
        .execute(&self.app.db.pool().await)
        .await
        .unwrap();
        // This app's memory of the row would not have aged with it; a replica's is the
        // test's to drop.
        self.app.state.sessions.store().forget_cached();
    }

    /// The app this browser talks to serves its session from memory now.
    pub fn cached_on(&self, app: &TestApp) -> bool {
        let Some(cookie) = self.session_cookie() else {
            return false;
        };
        let id = SessionId::parse(&cookie).expect("a well-formed session cookie");
        app.state.sessions.store().holds(&id.hash())
    }

    /// Leaves the session's access token half a minute to live, so its next use refreshes it.
    pub async fn about_to_expire(&self) {
        let held = self.stored().await.unwrap();
        let left = held.access_expires_at - cognito_bff::clock::now_seconds();
        self.age("access_expires_at", left - 30).await;
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        csrf: bool,
    ) -> Response {
        let mut request = self
            .app
            .http
            .request(method, self.app.url(path))
            .header("sec-fetch-site", "same-origin")
            .header("sec-fetch-mode", "cors")
            .header("user-agent", self.user_agent)
            .header("origin", &self.origin);
        if csrf {
            request = request.header("x-csrf", "1");
            // What a page's script might add, to be trusted upstream.
            request = request.header("x-auth-groups", "forged");
        }
        let cookies = self
            .jar
            .lock()
            .unwrap()
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ");
        if !cookies.is_empty() {
            request = request.header("cookie", cookies);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = self.app.send(request).await;
        self.keep_cookies(&response);
        response
    }

    fn keep_cookies(&self, response: &Response) {
        let mut jar = self.jar.lock().unwrap();
        for line in response.headers.get_all("set-cookie") {
            let line = line.to_str().expect("Set-Cookie is text");
            assert!(
                line.contains("HttpOnly"),
                "a cookie scripts can read: {line}"
            );
            let pair = line.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if line.contains("Max-Age=0") || value.is_empty() {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path, None, false).await
    }

    /// A `fetch` from the page's own code, which adds `X-CSRF: 1` as the docs say.
    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.request(Method::POST, path, Some(body), true).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Response {
        self.request(Method::PATCH, path, Some(body), true).await
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.request(Method::DELETE, path, None, true).await
    }

    /// `GET /session` finds the session this browser holds.
    pub async fn assert_signed_in(&self) {
        let answer = self.get("/session").await;
        assert_eq!(answer.status, 200, "{answer:?}");
    }

    /// `GET /session` finds none: signed out, ended, or never signed in.
    pub async fn assert_signed_out(&self) {
        self.get("/session").await.assert_problem(401, "no_session");
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.post(
            "/login",
            serde_json::json!({"username": username, "password": password}),
        )
        .await
    }
}

/// No JWT anywhere in an answer a page receives: not in the body, not in a header.
#[track_caller]
pub fn assert_no_token(response: &Response) {
    let body = response.body.to_string();
    assert!(!body.contains("eyJ"), "a token in the body: {body}");
    for (name, value) in &response.headers {
        if name == "set-cookie" {
            continue;
        }
        let value = String::from_utf8_lossy(value.as_bytes());
        assert!(!value.contains("eyJ"), "a token in header {name}");
    }
}

/// Every token the service holds for a browser session now.
pub async fn held_tokens(app: &TestApp) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id_hash FROM browser_sessions")
        .fetch_all(&app.db.pool().await)
        .await
        .unwrap();
    let mut tokens = Vec::new();
    for (id_hash,) in rows {
        if let Found::Live(session) = app
            .state
            .sessions
            .store()
            .find(&IdHash::from_stored(id_hash))
            .await
            .unwrap()
        {
            tokens.push(session.tokens.access_token.clone());
            tokens.extend(session.tokens.id_token.clone());
            tokens.push(session.tokens.refresh_token.clone());
        }
    }
    tokens
}
