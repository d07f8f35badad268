//! The test harness: a Cognito peer, a real store (SQLite, or Postgres when TEST_DATABASE_URL
//! is set), and the service running in-process on a free port behind a typed client.
#![allow(dead_code)]

pub mod binary;
pub mod cognito;
pub mod database;
pub mod mfa;
pub mod moto;
pub mod proxy;
pub mod tcp_proxy;

use std::net::SocketAddr;
use std::sync::Once;
use std::time::Duration;

use cognito_bff::config::Config;
use cognito_bff::startup::Application;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;

#[allow(unused_imports)]
pub use cognito::Pool;
#[allow(unused_imports)]
pub use database::TestDatabase;
#[allow(unused_imports)]
pub use moto::Moto;
#[allow(unused_imports)]
pub use proxy::{Fault, Proxy};

pub const ADMIN: &str = "root-admin";
/// Shared by replicas of one test, as operators must share it.
pub const SESSION_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
pub const ADMIN_PASSWORD: &str = "Admin-Passw0rd!";

/// How a test wants the service set up.
#[derive(Clone)]
pub struct Options {
    pub client_secret: bool,
    pub cookie_secure: bool,
    pub challenge_ttl: Duration,
    pub cognito_max_attempts: u32,
    pub cognito_timeout: Duration,
    /// Users sign in with their email; Cognito's internal username is then their `sub`.
    pub email_as_username: bool,
    /// SESSION_ENCRYPTION_KEY.
    pub session_key: &'static str,
    /// Requests per minute per IP, failures per minute per username, code-sending requests
    /// per hour per username, wrong MFA codes per hour per user, requests per minute per
    /// signed-in user; 0 (the tests' default) is off.
    pub rate_limit_per_ip: u32,
    pub rate_limit_per_username: u32,
    pub rate_limit_messages_per_username: u32,
    pub rate_limit_mfa_failures_per_user: u32,
    pub rate_limit_per_user: u32,
    /// TRUSTED_PROXIES.
    pub trusted_proxies: Option<&'static str>,
    /// WRITABLE_ATTRIBUTES; `None` keeps the default.
    pub writable_attributes: Option<&'static str>,
    pub allowed_origins: Option<&'static str>,
    /// LOGIN_FAILURE_FLOOR_MS; off in most tests to keep them quick.
    pub login_failure_floor_ms: u64,
    /// Talk to the peer through the recording proxy (default) or straight to it.
    pub through_proxy: bool,
    /// COGNITO_AUTH_FLOW.
    pub auth_flow: &'static str,
    /// Where the pool is made (the service takes the region from the pool id).
    pub region: &'static str,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            client_secret: true,
            cookie_secure: true,
            challenge_ttl: Duration::from_secs(180),
            // One attempt: a fault injected once is seen by the service, not retried away.
            cognito_max_attempts: 1,
            cognito_timeout: Duration::from_secs(10),
            email_as_username: false,
            session_key: SESSION_KEY,
            rate_limit_per_ip: 0,
            rate_limit_per_username: 0,
            rate_limit_messages_per_username: 0,
            rate_limit_mfa_failures_per_user: 0,
            rate_limit_per_user: 0,
            trusted_proxies: None,
            writable_attributes: None,
            allowed_origins: None,
            login_failure_floor_ms: 0,
            through_proxy: true,
            auth_flow: "USER_PASSWORD_AUTH",
            region: "us-east-1",
        }
    }
}

pub struct TestApp {
    pub addr: SocketAddr,
    /// Where the service serves `/metrics`, apart from the API.
    pub metrics_addr: SocketAddr,
    pub http: reqwest::Client,
    pub pool: Pool,
    pub proxy: Proxy,
    pub db: TestDatabase,
    pub options: Options,
    pub state: cognito_bff::state::AppState,
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

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    spawn_app_on(Moto::shared(), options).await
}

/// The service on a pool of its own on `moto`, reached through a recording proxy.
pub async fn spawn_app_on(moto: &Moto, options: Options) -> TestApp {
    spawn_app_using(moto, options, TestDatabase::create().await).await
}

/// The same, on a database the test provides.
pub async fn spawn_app_using(moto: &Moto, options: Options, db: TestDatabase) -> TestApp {
    test_credentials();
    let pool = bootstrap_pool(moto, &options).await;
    start(moto, pool, db, options).await
}

/// A pool, its client and (unless it signs in by email) the admin user. The same calls in
/// the same order after `Moto::seed` give the same ids.
pub async fn bootstrap_pool(moto: &Moto, options: &Options) -> Pool {
    let pool = Pool::create_in(
        &moto.endpoint,
        options.region,
        options.client_secret,
        options.email_as_username,
    )
    .await;
    // Pools that sign in by email get no admin: its username is not an email.
    if !options.email_as_username {
        pool.create_user(ADMIN, ADMIN_PASSWORD).await;
        pool.add_to_group(ADMIN, cognito::ADMIN_GROUP).await;
    }
    pool
}

/// A second replica of `app`: the same pool and the same database, its own process state.
pub async fn spawn_replica(app: &TestApp) -> TestApp {
    spawn_replica_with(app, app.options.clone()).await
}

/// A second replica of `app` with other options (e.g. another encryption key).
pub async fn spawn_replica_with(app: &TestApp, options: Options) -> TestApp {
    let pool = Pool {
        idp: app.pool.idp.clone(),
        pool_id: app.pool.pool_id.clone(),
        client_id: app.pool.client_id.clone(),
        client_secret: app.pool.client_secret.clone(),
    };
    start(Moto::shared(), pool, app.db.share(), options).await
}

async fn start(moto: &Moto, pool: Pool, db: TestDatabase, options: Options) -> TestApp {
    let proxy = Proxy::start(&moto.endpoint).await;
    let endpoint = if options.through_proxy {
        &proxy.endpoint
    } else {
        &moto.endpoint
    };
    let config = config_for(&pool, endpoint, &db.url, &options);
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
        pool,
        proxy,
        db,
        options,
        state,
    }
}

pub fn config_for(pool: &Pool, endpoint: &str, database_url: &str, options: &Options) -> Config {
    let settings = cognito_bff::config::Settings {
        cognito_user_pool_id: Some(pool.pool_id.clone()),
        cognito_client_id: Some(pool.client_id.clone()),
        cognito_client_secret: if options.client_secret {
            pool.client_secret.clone()
        } else {
            None
        },
        aws_region: None,
        cognito_endpoint: Some(endpoint.to_owned()),
        cognito_jwks_url: None,
        cognito_issuer: None,
        allowed_client_ids: None,
        jwt_leeway_seconds: "0".into(),
        jwks_refresh_seconds: "3600".into(),
        token_cache_capacity: "10000".into(),
        revocation_sync_seconds: "1".into(),
        refresh_token_validity_days: "30".into(),
        session_encryption_key: Some(options.session_key.into()),
        session_encryption_key_previous: None,
        allowed_origins: options.allowed_origins.map(str::to_owned),
        trusted_proxies: options.trusted_proxies.map(str::to_owned),
        rate_limit_per_ip: options.rate_limit_per_ip.to_string(),
        rate_limit_per_username: options.rate_limit_per_username.to_string(),
        rate_limit_messages_per_username: options.rate_limit_messages_per_username.to_string(),
        rate_limit_mfa_failures_per_user: options.rate_limit_mfa_failures_per_user.to_string(),
        rate_limit_per_user: options.rate_limit_per_user.to_string(),
        writable_attributes: options.writable_attributes.map(str::to_owned),
        login_failure_floor_ms: options.login_failure_floor_ms.to_string(),
        request_timeout_seconds: (options.cognito_timeout.as_secs() + 20).to_string(),
        shutdown_timeout: "20".into(),
        database_url: Some(database_url.to_owned()),
        database_max_connections: "5".into(),
        listen_addr: "127.0.0.1:0".into(),
        metrics_addr: "127.0.0.1:0".into(),
        cookie_secure: options.cookie_secure.to_string(),
        allow_insecure_cookies: "false".into(),
        admin_group: cognito::ADMIN_GROUP.into(),
        log_format: "json".into(),
        challenge_ttl_seconds: options.challenge_ttl.as_secs().to_string(),
        cognito_timeout_seconds: options.cognito_timeout.as_secs().to_string(),
        cognito_max_attempts: options.cognito_max_attempts.to_string(),
        cognito_auth_flow: options.auth_flow.into(),
        totp_issuer: "cognito-bff".into(),
    };
    settings.config().expect("valid test configuration")
}

/// SECRET_HASH computed here from its definition, independently of the service's code.
pub fn secret_hash(pool: &Pool, username: &str) -> String {
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
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
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

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
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
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(self.http.post(self.url(path)).json(&body)).await
    }

    pub async fn post_with_cookie(&self, path: &str, cookie: &str, body: Value) -> Answer {
        self.send(
            self.http
                .post(self.url(path))
                .header("cookie", HeaderValue::from_str(cookie).unwrap())
                .json(&body),
        )
        .await
    }

    pub async fn post_with_bearer(&self, path: &str, token: &str, body: Value) -> Answer {
        self.send(
            self.http
                .post(self.url(path))
                .bearer_auth(token)
                .json(&body),
        )
        .await
    }

    pub async fn get(&self, path: &str) -> Answer {
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

    pub async fn login(&self, username: &str, password: &str) -> Answer {
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

    pub async fn answer_challenge(&self, cookie: &str, responses: Value) -> Answer {
        self.post_with_cookie(
            "/challenge",
            cookie,
            serde_json::json!({"responses": responses}),
        )
        .await
    }
}
