//! The service as an app calls it over HTTP, whether it runs in-process (`TestApp`), as the
//! real binary, or behind a gateway: requests to one base address, each answer read into a
//! `Response`.

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, Request, RequestBuilder};
use serde_json::{Value, json};

use super::{ADMIN, ADMIN_PASSWORD};

/// A client of the service at one address. Redirects are not followed: a test sees them as
/// they were sent. Cheap to clone; clones share their connections.
#[derive(Clone)]
pub struct Client {
    base: String,
    pub http: reqwest::Client,
}

impl Client {
    /// A client of the service at `base`, e.g. `http://127.0.0.1:8080`.
    pub fn new(base: impl Into<String>) -> Client {
        Client {
            base: base.into(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends `request`; fails the test if no answer comes.
    pub async fn send(&self, request: RequestBuilder) -> Response {
        let request = request.build().expect("a well-formed request");
        let sent = describe(&request);
        self.answer(request)
            .await
            .unwrap_or_else(|e| panic!("no answer to {sent}: {e}"))
    }

    /// Sends `request`, for a test in which it may go unanswered.
    pub async fn try_send(&self, request: RequestBuilder) -> reqwest::Result<Response> {
        self.answer(request.build()?).await
    }

    async fn answer(&self, request: Request) -> reqwest::Result<Response> {
        let response = self.http.execute(request).await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await?;
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(self.http.get(self.url(path))).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Response {
        self.send(self.http.post(self.url(path)).json(&body)).await
    }

    pub async fn post_with_cookie(&self, path: &str, cookie: &str, body: Value) -> Response {
        self.send(
            self.http
                .post(self.url(path))
                .header("cookie", HeaderValue::from_str(cookie).unwrap())
                .json(&body),
        )
        .await
    }

    /// A request to `path` that carries `token` as its bearer, as an app holding the
    /// caller's tokens sends it; the other `_with_bearer` calls are this one, sent.
    pub fn with_bearer(&self, method: Method, path: &str, token: &str) -> RequestBuilder {
        self.http.request(method, self.url(path)).bearer_auth(token)
    }

    pub async fn get_with_bearer(&self, path: &str, token: &str) -> Response {
        self.send(self.with_bearer(Method::GET, path, token)).await
    }

    pub async fn post_with_bearer(&self, path: &str, token: &str, body: Value) -> Response {
        self.send(self.with_bearer(Method::POST, path, token).json(&body))
            .await
    }

    pub async fn patch_with_bearer(&self, path: &str, token: &str, body: Value) -> Response {
        self.send(self.with_bearer(Method::PATCH, path, token).json(&body))
            .await
    }

    /// The status a gateway's bearer check of `token` gets at `/verify`.
    pub async fn verify_status(&self, token: &str) -> u16 {
        self.get_with_bearer("/verify", token).await.status
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.post(
            "/login",
            json!({"username": username, "password": password}),
        )
        .await
    }

    /// An access token for the bootstrapped admin.
    pub async fn admin_token(&self) -> String {
        let answer = self.login(ADMIN, ADMIN_PASSWORD).await;
        assert_eq!(answer.status, 200, "admin login: {answer:?}");
        answer.access_token()
    }

    pub async fn answer_challenge(&self, cookie: &str, responses: Value) -> Response {
        self.post_with_cookie("/challenge", cookie, json!({"responses": responses}))
            .await
    }
}

/// `METHOD url`, and the request id it was tagged with if any, for a failure message.
fn describe(request: &reqwest::Request) -> String {
    let tagged = request
        .headers()
        .get("x-request-id")
        .map(|id| format!(" (x-request-id {id:?})"))
        .unwrap_or_default();
    format!("{} {}{tagged}", request.method(), request.url())
}

/// A response as a client sees it.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Response {
    /// The problem's stable `code`.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The `Set-Cookie` header for the challenge cookie, if any.
    pub fn set_cookie(&self) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.contains("cognito-bff-challenge="))
            .map(str::to_owned)
    }

    /// `name=value` of the challenge cookie, ready to send back.
    pub fn cookie(&self) -> String {
        let header = self.set_cookie().expect("a challenge cookie was set");
        header.split(';').next().unwrap().trim().to_owned()
    }

    /// Asserts the challenge cookie was set with the attributes it must always have (the
    /// `__Host-` name, HttpOnly, Secure, SameSite=Strict, Path=/); returns its Max-Age.
    #[track_caller]
    pub fn challenge_cookie_max_age(&self) -> i64 {
        let set_cookie = self.set_cookie().expect("a challenge cookie");
        assert!(
            set_cookie.starts_with("__Host-cognito-bff-challenge="),
            "{set_cookie}"
        );
        for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
            assert!(
                set_cookie.contains(attribute),
                "{set_cookie} lacks {attribute}"
            );
        }
        set_cookie
            .split(';')
            .find_map(|part| part.trim().strip_prefix("Max-Age="))
            .unwrap_or_else(|| panic!("{set_cookie} lacks Max-Age"))
            .parse()
            .expect("Max-Age is a number")
    }

    /// One of the tokens a sign-in answered with: `access_token`, `id_token` or
    /// `refresh_token`.
    pub fn token(&self, name: &str) -> String {
        self.body["tokens"][name]
            .as_str()
            .unwrap_or_else(|| panic!("no {name} in {}", self.body))
            .to_owned()
    }

    pub fn access_token(&self) -> String {
        self.token("access_token")
    }

    /// Asserts this is a problem+json answer with `status` and `code`.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "unexpected answer: {self:?}"
        );
        assert_eq!(self.content_type(), "application/problem+json");
        for member in ["type", "title", "status", "detail", "code"] {
            assert!(
                !self.body[member].is_null(),
                "problem lacks `{member}`: {}",
                self.body
            );
        }
    }
}
