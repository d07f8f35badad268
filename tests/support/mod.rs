//! The test harness: a Cognito peer, a real store (SQLite, or Postgres when TEST_DATABASE_URL
//! is set), and the service running in-process on a free port behind a typed client.
#![allow(dead_code)]

pub mod binary;
pub mod browser;
pub mod chromium;
pub mod cognito;
pub mod database;
pub mod mfa;
pub mod moto;
pub mod proxy;
pub mod tcp_relay;
pub mod upstream;

use std::net::SocketAddr;
use std::sync::Once;

use clap::{Args, FromArgMatches};
use cognito_bff::config::{Config, Settings};
use cognito_bff::startup::Application;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;

#[allow(unused_imports)]
pub use cognito::UserPool;
#[allow(unused_imports)]
pub use database::TestDatabase;
#[allow(unused_imports)]
pub use moto::Moto;
#[allow(unused_imports)]
pub use proxy::{Proxy, Reply};

pub const ADMIN: &str = "root-admin";
/// Shared by replicas of one test, as operators must share it.
pub const SESSION_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
pub const ADMIN_PASSWORD: &str = "Admin-Passw0rd!";

/// What every test changes from the service's defaults, by the variables operators set.
const BASELINE: &[(&str, &str)] = &[
    ("SESSION_ENCRYPTION_KEY", SESSION_KEY),
    ("LISTEN_ADDR", "127.0.0.1:0"),
    ("METRICS_ADDR", "127.0.0.1:0"),
    // Limits off and no failure floor: the tests that are about them turn them on.
    ("RATE_LIMIT_PER_IP", "0"),
    ("RATE_LIMIT_PER_USERNAME", "0"),
    ("RATE_LIMIT_MESSAGES_PER_USERNAME", "0"),
    ("RATE_LIMIT_MFA_FAILURES_PER_USER", "0"),
    ("RATE_LIMIT_PER_USER", "0"),
    ("LOGIN_FAILURE_FLOOR_MS", "0"),
    // One attempt: a fault injected once is seen by the service, not retried away.
    ("COGNITO_MAX_ATTEMPTS", "1"),
    ("REVOCATION_SYNC_SECONDS", "1"),
    ("DATABASE_MAX_CONNECTIONS", "5"),
];

/// How a test wants the service: the real defaults, the test baseline, and what the test
/// sets, as an operator would, by variable name.
pub struct AppBuilder {
    emulator: String,
    settings: Vec<(&'static str, String)>,
    client_secret: bool,
    email_as_username: bool,
    region: &'static str,
    through_proxy: bool,
    /// A replica's: the pool and database of the app it replicates.
    pool: Option<UserPool>,
    db: Option<TestDatabase>,
}

impl Clone for AppBuilder {
    fn clone(&self) -> Self {
        AppBuilder {
            emulator: self.emulator.clone(),
            settings: self.settings.clone(),
            client_secret: self.client_secret,
            email_as_username: self.email_as_username,
            region: self.region,
            through_proxy: self.through_proxy,
            pool: self.pool.clone(),
            // A clone reaches the same database; only the original handle drops it.
            db: self.db.as_ref().map(TestDatabase::share),
        }
    }
}

impl AppBuilder {
    /// Sets one setting, by its environment variable, e.g. `.set("CHALLENGE_TTL_SECONDS", 2)`.
    pub fn set(mut self, variable: &'static str, value: impl ToString) -> Self {
        self.settings.push((variable, value.to_string()));
        self
    }

    /// An app client without a secret (no SECRET_HASH).
    pub fn without_client_secret(mut self) -> Self {
        self.client_secret = false;
        self
    }

    /// Users sign in with their email; Cognito's internal username is then their `sub`.
    pub fn email_as_username(mut self) -> Self {
        self.email_as_username = true;
        self
    }

    /// Where the pool is made (the service takes the region from the pool id).
    pub fn region(mut self, region: &'static str) -> Self {
        self.region = region;
        self
    }

    /// The service talks to the emulator directly, not through the recording proxy.
    pub fn straight_to_the_emulator(mut self) -> Self {
        self.through_proxy = false;
        self
    }

    /// A moto server of the test's own instead of the shared one.
    pub fn on(mut self, moto: &Moto) -> Self {
        self.emulator = moto.endpoint.clone();
        self
    }

    /// A database the test provides.
    pub fn database(mut self, db: TestDatabase) -> Self {
        self.db = Some(db);
        self
    }

    /// The configuration `start` runs, for the given pool, endpoint and database.
    pub fn config(&self, pool: &UserPool, endpoint: &str, database_url: &str) -> Config {
        let mut given: Vec<(&str, String)> = vec![
            ("COGNITO_USER_POOL_ID", pool.pool_id.clone()),
            ("COGNITO_CLIENT_ID", pool.client_id.clone()),
            ("COGNITO_ENDPOINT", endpoint.to_owned()),
            ("DATABASE_URL", database_url.to_owned()),
        ];
        if self.client_secret {
            let secret = pool.client_secret.clone().expect("the client has a secret");
            given.push(("COGNITO_CLIENT_SECRET", secret));
        }
        given.extend(BASELINE.iter().map(|(k, v)| (*k, v.to_string())));
        // What the test sets wins over the baseline.
        for (variable, value) in &self.settings {
            given.retain(|(v, _)| v != variable);
            given.push((variable, value.clone()));
        }
        settings_from(&given)
            .config()
            .expect("valid test configuration")
    }

    pub async fn start(self) -> TestApp {
        test_credentials();
        let pool = match &self.pool {
            Some(pool) => pool.clone(),
            None => {
                bootstrap_pool(
                    &self.emulator,
                    self.region,
                    self.client_secret,
                    self.email_as_username,
                )
                .await
            }
        };
        let db = match &self.db {
            Some(db) => db.share(),
            None => TestDatabase::create().await,
        };
        let proxy = Proxy::start(&self.emulator).await;
        let endpoint = if self.through_proxy {
            proxy.endpoint.clone()
        } else {
            self.emulator.clone()
        };
        let config = self.config(&pool, &endpoint, &db.url);
        let app = Application::build(config).await.expect("service starts");
        // Load the keys now rather than polling for the background load to finish.
        app.state()
            .verifier
            .keys()
            .refresh()
            .await
            .expect("the pool's JWKS loads");
        let addr = app.local_addr();
        let metrics_addr = app.metrics_addr().expect("a metrics listener");
        let state = app.state().clone();
        tokio::spawn(app.run_until(std::future::pending()));
        TestApp {
            addr,
            metrics_addr,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            user_pool: pool,
            proxy,
            db: self.db.unwrap_or(db),
            state,
            builder: AppBuilder {
                pool: None,
                db: None,
                ..self
            },
        }
    }
}

/// `Settings` as the command line reads them from flags, with no environment variable
/// consulted: only the defaults and `given` count, whatever the test process's environment.
pub fn settings_from(given: &[(&str, String)]) -> Settings {
    let mut command = Settings::augment_args(clap::Command::new("cognito-bff"));
    let flags: Vec<(String, String)> = command
        .get_arguments()
        .filter_map(|arg| {
            let variable = arg.get_env()?.to_str()?.to_owned();
            Some((variable, arg.get_long()?.to_owned()))
        })
        .collect();
    let ids: Vec<String> = command
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        command = command.mut_arg(id, |arg| arg.env(None));
    }
    let mut args = vec!["cognito-bff".to_owned()];
    for (variable, value) in given {
        let (_, long) = flags
            .iter()
            .find(|(v, _)| v == variable)
            .unwrap_or_else(|| panic!("no setting named {variable}"));
        args.push(format!("--{long}={value}"));
    }
    let matches = command.try_get_matches_from(args).expect("settings parse");
    Settings::from_arg_matches(&matches).expect("settings parse")
}

pub struct TestApp {
    pub addr: SocketAddr,
    /// Where the service serves `/metrics`, apart from the API.
    pub metrics_addr: SocketAddr,
    pub http: reqwest::Client,
    pub user_pool: UserPool,
    pub proxy: Proxy,
    pub db: TestDatabase,
    pub state: cognito_bff::state::AppState,
    builder: AppBuilder,
}

/// The SDK's default credential chain reads the environment; the emulator accepts any keys.
fn test_credentials() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: runs once, before any test in this process builds an SDK client.
        unsafe {
            if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
                std::env::set_var("AWS_ACCESS_KEY_ID", "test");
                std::env::set_var("AWS_SECRET_ACCESS_KEY", "test");
            }
            std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
        }
    });
}

/// A pool, its client and (unless it signs in by email) the admin user. The same calls in
/// the same order after `Moto::seed` give the same ids.
pub async fn bootstrap_pool(
    emulator: &str,
    region: &'static str,
    client_secret: bool,
    email_as_username: bool,
) -> UserPool {
    let pool = UserPool::create_in(emulator, region, client_secret, email_as_username).await;
    // Pools that sign in by email get no admin: its username is not an email.
    if !email_as_username {
        pool.create_user(ADMIN, ADMIN_PASSWORD).await;
        pool.add_to_group(ADMIN, cognito::ADMIN_GROUP).await;
    }
    pool
}

impl TestApp {
    /// The service as a test wants it, on the shared emulator and a fresh database.
    pub fn builder() -> AppBuilder {
        AppBuilder {
            emulator: Moto::shared().endpoint.clone(),
            settings: Vec::new(),
            client_secret: true,
            email_as_username: false,
            region: "us-east-1",
            through_proxy: true,
            pool: None,
            db: None,
        }
    }

    /// The service with the test baseline and nothing else changed.
    pub async fn start() -> TestApp {
        TestApp::builder().start().await
    }

    /// A second replica of this app: the same pool, database and settings, its own process
    /// state; the builder can change settings (e.g. another encryption key).
    pub fn replica(&self) -> AppBuilder {
        AppBuilder {
            pool: Some(self.user_pool.clone()),
            db: Some(self.db.share()),
            ..self.builder.clone()
        }
    }
}

/// SECRET_HASH computed here from its definition, independently of the service's code.
pub fn secret_hash(pool: &UserPool, username: &str) -> String {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let secret = pool
        .client_secret
        .as_ref()
        .expect("the client has a secret");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{username}{}", pool.client_id).as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
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

    pub fn access_token(&self) -> String {
        self.body["tokens"]["access_token"]
            .as_str()
            .expect("an access token")
            .to_owned()
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

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Response {
        let response = request.send().await.expect("the service answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Response {
            status,
            headers,
            body,
        }
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

    pub async fn post_with_bearer(&self, path: &str, token: &str, body: Value) -> Response {
        self.send(
            self.http
                .post(self.url(path))
                .bearer_auth(token)
                .json(&body),
        )
        .await
    }

    /// The status a gateway's bearer check of `token` gets at `/verify`.
    pub async fn verify_status(&self, token: &str) -> u16 {
        self.send(self.http.get(self.url("/verify")).bearer_auth(token))
            .await
            .status
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(self.http.get(self.url(path))).await
    }

    /// What Prometheus scrapes from the metrics listener.
    pub async fn scrape(&self) -> String {
        let answer = self
            .send(
                self.http
                    .get(format!("http://{}/metrics", self.metrics_addr)),
            )
            .await;
        assert_eq!(answer.status, 200, "{answer:?}");
        answer.body.as_str().expect("text").to_owned()
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.post(
            "/login",
            serde_json::json!({"username": username, "password": password}),
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
        self.post_with_cookie(
            "/challenge",
            cookie,
            serde_json::json!({"responses": responses}),
        )
        .await
    }
}
