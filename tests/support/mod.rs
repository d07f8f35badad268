//! The test harness: a Cognito peer, a real store (SQLite, or Postgres when TEST_DATABASE_URL
//! is set), and the service running in-process on a free port behind a typed client.
#![allow(dead_code)]

pub mod binary;
pub mod browser;
pub mod chromium;
pub mod client;
pub mod cognito;
pub mod database;
pub mod mfa;
pub mod moto;
pub mod nginx;
pub mod oidc;
pub mod passkey;
pub mod passwordless;
pub mod proxy;
pub mod tcp_relay;
pub mod upstream;

use std::net::SocketAddr;
use std::sync::Once;

use clap::{Args, FromArgMatches};
use cognito_bff::config::{Config, Settings};
use cognito_bff::startup::Application;

pub use client::{Client, Response};
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
    // As many as this machine's CPUs would give here, whatever machine runs the tests.
    ("HTTP_WORKERS", "2"),
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
        tokio::spawn(app.run_until(std::future::pending(), std::future::pending()));
        TestApp {
            addr,
            metrics_addr,
            client: Client::new(format!("http://{addr}")),
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
    /// How the tests call it.
    pub client: Client,
    pub user_pool: UserPool,
    pub proxy: Proxy,
    pub db: TestDatabase,
    pub state: cognito_bff::state::AppState,
    builder: AppBuilder,
}

/// A test calls the app through its client: `app.login(..)`, `app.send(app.http.get(..))`.
impl std::ops::Deref for TestApp {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
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

impl TestApp {
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
}

/// A port on which nothing listens now (bound, then released): for a server to be told to
/// take, or for a request to find closed. It is drawn from below Linux's ephemeral range
/// (32768–60999), which the kernel hands to port-0 listeners and outgoing connections: a
/// port from that range, once released, could be taken by another test's connection before
/// the server it was meant for binds it.
pub fn free_port() -> u16 {
    loop {
        let port = 20_000 + (uuid::Uuid::new_v4().as_u128() % 12_000) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}
