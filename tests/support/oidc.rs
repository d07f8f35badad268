//! The pool's domain for the federated sign-in tests: a real OpenID Connect server
//! (`tests/oidc-peer`, oidc-provider on Node.js) on Cognito's paths, started by the test, and
//! a browser for its development login page, driven with reqwest and a cookie jar of its
//! own. docs/testing.md ("The OpenID Connect peer") records its choices.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use cognito_verifier::{Verifier, VerifierConfig};
use reqwest::Url;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde::Deserialize;
use serde_json::Value;

/// More redirects than this inside the peer is a loop.
const MAX_HOPS: usize = 10;
/// Node.js starts and makes two RSA keys in well under a second, even on a busy machine.
const START_TIMEOUT: Duration = Duration::from_secs(30);

pub struct OidcPeer {
    /// `http://127.0.0.1:PORT`: what `COGNITO_DOMAIN` names, and the tokens' issuer.
    pub base_url: String,
    pub client_id: String,
    pub client_secret: String,
    http: reqwest::Client,
    process: Mutex<Option<(Child, ChildStdin)>>,
}

/// One `GET /logout` as the peer received it.
#[derive(Debug, Clone, Deserialize)]
pub struct PeerLogout {
    pub client_id: Option<String>,
    pub logout_uri: Option<String>,
    /// `redirected` (to `logout_uri`) or `refused` (unknown client or unregistered URI).
    pub outcome: String,
    /// Whether a managed-login session was there to end.
    #[serde(default)]
    pub signed_out: bool,
}

/// One `POST /oauth2/token` as the peer received and answered it.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    /// `basic` (HTTP Basic), `body` (`client_secret` in the form) or `none`.
    pub client_auth: String,
    pub status: u16,
    pub error: Option<String>,
}

fn peer_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc-peer")
}

impl OidcPeer {
    /// A peer with one app client: its id and secret, its callback URLs and its sign-out URLs.
    pub fn start(
        client_id: &str,
        client_secret: &str,
        redirect_uris: &[&str],
        logout_uris: &[&str],
    ) -> OidcPeer {
        let dir = peer_dir();
        assert!(
            dir.join("node_modules/oidc-provider").exists(),
            "the OpenID Connect peer is not installed: run ./scripts/test.sh, which runs \
             `npm ci --prefix tests/oidc-peer`"
        );
        let debug = std::env::var_os("PEER_DEBUG").is_some();
        let mut child = Command::new("node")
            .arg(dir.join("server.mjs"))
            .env("PEER_PORT", "0")
            .env("PEER_CLIENT_ID", client_id)
            .env("PEER_CLIENT_SECRET", client_secret)
            .env("PEER_REDIRECT_URIS", redirect_uris.join(","))
            .env("PEER_LOGOUT_URIS", logout_uris.join(","))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(if debug {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .expect("start the OpenID Connect peer (is Node.js installed?)");
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        // Read on a thread of its own, so a peer that never gets ready fails the test instead
        // of hanging it.
        let (sender, ready) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = ready.recv_timeout(START_TIMEOUT).unwrap_or_else(|_| {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the OpenID Connect peer was not ready in {START_TIMEOUT:?}")
        });
        let base_url = line.trim().to_owned();
        if !base_url.starts_with("http://127.0.0.1:") {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "the OpenID Connect peer did not report its address: {line:?} \
                 (set PEER_DEBUG=1 to see its errors)"
            );
        }
        OidcPeer {
            base_url,
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
            process: Mutex::new(Some((child, stdin))),
        }
    }

    /// The tokens' `iss`: the base URL, as Cognito's is its pool's URL.
    pub fn issuer(&self) -> &str {
        &self.base_url
    }

    /// What `COGNITO_JWKS_URL` names for these tests.
    pub fn jwks_url(&self) -> String {
        self.url("/.well-known/jwks.json")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The service's own verifier, pointed at the peer's keys, issuer and client.
    pub fn verifier(&self) -> Verifier {
        Verifier::new(VerifierConfig {
            jwks_url: self.jwks_url(),
            issuer: self.base_url.clone(),
            client_ids: vec![self.client_id.clone()],
            leeway: Duration::ZERO,
            cache_capacity: 0,
        })
    }

    /// A browser with no managed-login session yet.
    pub fn browser(&self) -> PeerBrowser<'_> {
        PeerBrowser {
            peer: self,
            jar: Mutex::new(BTreeMap::new()),
        }
    }

    /// Follows `authorize_url` (the service's redirect to `/oauth2/authorize`) in a new
    /// browser, signs in as `username` on the login page, and returns where the peer sends
    /// the browser back: the callback with `code` and `state` (or `error`).
    pub async fn sign_in(&self, authorize_url: &str, username: &str) -> String {
        self.browser().sign_in(authorize_url, username).await
    }

    /// As [`OidcPeer::sign_in`], but the user presses Cancel: the callback gets
    /// `error=access_denied`.
    pub async fn cancel(&self, authorize_url: &str) -> String {
        self.browser().cancel(authorize_url).await
    }

    async fn read<T: for<'de> Deserialize<'de>>(&self, path: &str) -> T {
        self.http
            .get(self.url(path))
            .send()
            .await
            .expect("the peer answers")
            .json()
            .await
            .expect("JSON from the peer")
    }

    /// Every `GET /oauth2/authorize` the peer received, its query as sent.
    pub async fn authorizations(&self) -> Vec<BTreeMap<String, String>> {
        self.read("/peer/authorizations").await
    }

    /// Every `POST /oauth2/token`: grant type, how the client authenticated, the answer.
    pub async fn token_requests(&self) -> Vec<TokenRequest> {
        self.read("/peer/token-requests").await
    }

    /// Every `GET /logout` the peer received.
    pub async fn logouts(&self) -> Vec<PeerLogout> {
        self.read("/peer/logouts").await
    }

    /// Every login page submitted: `outcome` (`signed_in` or `cancelled`),
    /// `identity_provider`, and the user's `username` and `sub`.
    pub async fn sign_ins(&self) -> Vec<Value> {
        self.read("/peer/sign-ins").await
    }

    /// Changes the next successful token response, once: `{"id_token": {"claims": {..}},
    /// "access_token": {..}}` sets claims (null removes one) and signs again with the same
    /// key, or with `"foreign_key": true` with a key the JWKS doesn't hold (same `kid`).
    pub async fn tamper_next_tokens(&self, change: Value) {
        let answer = self
            .http
            .post(self.url("/peer/tamper"))
            .json(&change)
            .send()
            .await
            .expect("the peer answers");
        assert_eq!(answer.status(), 204);
    }

    /// Stops the peer, as if the pool's domain went away.
    pub fn stop(&self) {
        if let Some((mut child, stdin)) = self.process.lock().unwrap().take() {
            drop(stdin);
            let _ = child.wait();
        }
    }
}

impl Drop for OidcPeer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Where a visit to the peer ended, after following the peer's own redirects.
#[derive(Debug)]
pub enum Visit {
    /// The peer sent the browser away: to the client's callback or a sign-out URL.
    Left(String),
    /// The development login page.
    Login(LoginPage),
    /// Any other page, e.g. an error the peer shows instead of redirecting.
    Page { status: u16, body: String },
}

impl Visit {
    pub fn left(self) -> String {
        match self {
            Visit::Left(url) => url,
            other => panic!("the peer did not send the browser away: {other:?}"),
        }
    }

    pub fn login_page(self) -> LoginPage {
        match self {
            Visit::Login(page) => page,
            other => panic!("no login page: {other:?}"),
        }
    }
}

#[derive(Debug)]
pub struct LoginPage {
    /// The `identity_provider` the authorization request asked for, as the page shows it.
    pub identity_provider: Option<String>,
    sign_in: String,
    cancel: String,
}

/// A browser at the peer: its cookies (the managed-login session) kept between visits.
pub struct PeerBrowser<'p> {
    peer: &'p OidcPeer,
    jar: Mutex<BTreeMap<String, String>>,
}

impl PeerBrowser<'_> {
    /// Opens `url` and follows redirects while they stay on the peer.
    pub async fn visit(&self, url: &str) -> Visit {
        self.go(reqwest::Method::GET, url, None).await
    }

    /// Signs in on the login page `authorize_url` leads to (which must be shown: a browser
    /// that still has a session goes straight back, see [`PeerBrowser::visit`]).
    pub async fn sign_in(&self, authorize_url: &str, username: &str) -> String {
        self.sign_in_with(authorize_url, &[("username", username)])
            .await
    }

    /// As [`PeerBrowser::sign_in`], with the login form's other fields: `email`, `groups`
    /// (comma-separated).
    pub async fn sign_in_with(&self, authorize_url: &str, form: &[(&str, &str)]) -> String {
        let page = self.visit(authorize_url).await.login_page();
        self.submit(&page, form).await.left()
    }

    /// Presses Cancel on the login page `authorize_url` leads to.
    pub async fn cancel(&self, authorize_url: &str) -> String {
        let page = self.visit(authorize_url).await.login_page();
        let url = self.peer.url(&page.cancel);
        self.go(reqwest::Method::POST, &url, Some(&[])).await.left()
    }

    pub async fn submit(&self, page: &LoginPage, form: &[(&str, &str)]) -> Visit {
        let url = self.peer.url(&page.sign_in);
        self.go(reqwest::Method::POST, &url, Some(form)).await
    }

    async fn go(
        &self,
        mut method: reqwest::Method,
        url: &str,
        mut form: Option<&[(&str, &str)]>,
    ) -> Visit {
        let mut url = Url::parse(url).expect("an absolute URL");
        for _ in 0..MAX_HOPS {
            if !url
                .as_str()
                .starts_with(&format!("{}/", self.peer.base_url))
            {
                return Visit::Left(url.into());
            }
            let mut request = self.peer.http.request(method.clone(), url.clone());
            let cookies = self.cookies();
            if !cookies.is_empty() {
                request = request.header(COOKIE, cookies);
            }
            if let Some(form) = form.take() {
                request = request.form(form);
            }
            let answer = request.send().await.expect("the peer answers");
            self.keep_cookies(&answer);
            let status = answer.status();
            if status.is_redirection() {
                let location = answer.headers()[LOCATION].to_str().unwrap();
                url = url.join(location).expect("a redirect to a URL");
                method = reqwest::Method::GET;
                continue;
            }
            let body = answer.text().await.unwrap_or_default();
            return match login_page(&body) {
                Some(page) if status == 200 => Visit::Login(page),
                _ => Visit::Page {
                    status: status.as_u16(),
                    body,
                },
            };
        }
        panic!("the peer redirected more than {MAX_HOPS} times");
    }

    fn cookies(&self) -> String {
        let jar = self.jar.lock().unwrap();
        jar.iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// All the peer's cookies go back to it, whatever their path: it reads each by name.
    fn keep_cookies(&self, answer: &reqwest::Response) {
        let mut jar = self.jar.lock().unwrap();
        for line in answer.headers().get_all(SET_COOKIE) {
            let cookie = cookie::Cookie::parse(line.to_str().unwrap().to_owned())
                .expect("a well-formed Set-Cookie");
            let expired = cookie
                .expires_datetime()
                .is_some_and(|at| at <= time::OffsetDateTime::now_utc())
                || cookie.max_age().is_some_and(|age| age.is_zero());
            if expired || cookie.value().is_empty() {
                jar.remove(cookie.name());
            } else {
                jar.insert(cookie.name().to_owned(), cookie.value().to_owned());
            }
        }
    }
}

/// The login page's form, read from the markup tests/oidc-peer/server.mjs writes.
fn login_page(body: &str) -> Option<LoginPage> {
    let sign_in = between(body, r#"<form id="login" method="post" action=""#, "\"")?;
    let cancel = between(body, r#"formaction=""#, "\"")?;
    let identity_provider =
        between(body, r#"<strong id="identity-provider">"#, "</strong>").map(unescape);
    Some(LoginPage {
        identity_provider,
        sign_in: unescape(sign_in),
        cancel: unescape(cancel),
    })
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

/// The page escapes text as `&#NN;`.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("&#") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match after.find(';').and_then(|end| {
            let c = char::from_u32(after[..end].parse().ok()?)?;
            Some((c, end))
        }) {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str("&#");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
