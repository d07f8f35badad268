//! Settings: read from flags or environment variables, checked once at start-up.
//!
//! clap reads every value as text so that this module, not clap, words the errors: one line
//! naming the variable and what is wrong with it, never echoing a secret.

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use secrecy::SecretString;

use crate::attributes::WritableAttributes;
use crate::db::Backend;
use crate::limits::LimitSettings;

/// No `Debug`: the settings hold the client secret and the database URL as given.
#[derive(Parser)]
#[command(
    name = "cognito-bff",
    version,
    about = "A backend-for-frontend for AWS Cognito sign-up and sign-in",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub settings: Settings,
}

#[derive(Subcommand)]
pub enum Command {
    /// Apply migrations, then serve HTTP until SIGTERM or SIGINT.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Exit 0 if the local /healthz answers 200 (a container HEALTHCHECK without curl).
    Healthcheck,
}

/// Every setting, as a flag and an environment variable. Values are hidden from `--help` so
/// it never prints a secret from the environment; there is no `Debug` for the same reason.
#[derive(Clone, Args)]
pub struct Settings {
    /// Cognito user pool id, e.g. eu-west-1_AbC123xyz [required by serve]
    #[arg(
        long,
        env = "COGNITO_USER_POOL_ID",
        global = true,
        hide_env_values = true
    )]
    pub cognito_user_pool_id: Option<String>,

    /// App client id [required by serve]
    #[arg(long, env = "COGNITO_CLIENT_ID", global = true, hide_env_values = true)]
    pub cognito_client_id: Option<String>,

    /// App client secret, if the client has one; SECRET_HASH is then sent on every call. Prefer
    /// the environment variable: flags show in process lists [default: none]
    #[arg(
        long,
        env = "COGNITO_CLIENT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub cognito_client_secret: Option<String>,

    /// AWS region [default: the pool id's prefix]
    #[arg(long, env = "AWS_REGION", global = true, hide_env_values = true)]
    pub aws_region: Option<String>,

    /// Base URL of a Cognito-compatible endpoint, such as a local emulator; used for the SDK and
    /// the JWKS [default: AWS]
    #[arg(long, env = "COGNITO_ENDPOINT", global = true, hide_env_values = true)]
    pub cognito_endpoint: Option<String>,

    /// URL of the pool's JWKS [default: {COGNITO_ENDPOINT or AWS}/{pool}/.well-known/jwks.json]
    #[arg(long, env = "COGNITO_JWKS_URL", global = true, hide_env_values = true)]
    pub cognito_jwks_url: Option<String>,

    /// Expected token issuer [default: https://cognito-idp.{region}.amazonaws.com/{pool}]
    #[arg(long, env = "COGNITO_ISSUER", global = true, hide_env_values = true)]
    pub cognito_issuer: Option<String>,

    /// More app client ids whose tokens are accepted, comma-separated [default: none]
    #[arg(
        long,
        env = "ALLOWED_CLIENT_IDS",
        global = true,
        hide_env_values = true
    )]
    pub allowed_client_ids: Option<String>,

    /// Seconds of clock skew allowed on token exp and nbf
    #[arg(
        long,
        env = "JWT_LEEWAY_SECONDS",
        global = true,
        hide_env_values = true,
        default_value = "0"
    )]
    pub jwt_leeway_seconds: String,

    /// Seconds between scheduled JWKS refreshes, so keys removed upstream stop being trusted
    #[arg(
        long,
        env = "JWKS_REFRESH_SECONDS",
        global = true,
        hide_env_values = true,
        default_value = "3600"
    )]
    pub jwks_refresh_seconds: String,

    /// Verified tokens remembered to skip repeated RSA checks (0 turns the cache off)
    #[arg(
        long,
        env = "TOKEN_CACHE_CAPACITY",
        global = true,
        hide_env_values = true,
        default_value = "10000"
    )]
    pub token_cache_capacity: String,

    /// Seconds between polls of the revocation list; on Postgres replicas also hear of each
    /// revocation at once through a notification
    #[arg(
        long,
        env = "REVOCATION_SYNC_SECONDS",
        global = true,
        hide_env_values = true,
        default_value = "5"
    )]
    pub revocation_sync_seconds: String,

    /// Key that encrypts stored Cognito sessions: 32 bytes, base64. Every replica needs the
    /// same one [default: a random key per process; sessions then don't survive restarts]
    #[arg(
        long,
        env = "SESSION_ENCRYPTION_KEY",
        global = true,
        hide_env_values = true
    )]
    pub session_encryption_key: Option<String>,

    /// The key before the last rotation, still accepted for decrypting [default: none]
    #[arg(
        long,
        env = "SESSION_ENCRYPTION_KEY_PREVIOUS",
        global = true,
        hide_env_values = true
    )]
    pub session_encryption_key_previous: Option<String>,

    /// Other browser origins allowed to call with credentials (CORS) and to send cookie-bearing
    /// requests, comma-separated, e.g. https://app.example.com; the service's own origin
    /// always may [default: none]
    #[arg(long, env = "ALLOWED_ORIGINS", global = true, hide_env_values = true)]
    pub allowed_origins: Option<String>,

    /// Proxies (CIDRs, comma-separated) whose X-Forwarded-For is believed for the client IP
    /// [default: none]
    #[arg(long, env = "TRUSTED_PROXIES", global = true, hide_env_values = true)]
    pub trusted_proxies: Option<String>,

    /// Requests per minute per client IP to /login, /challenge, /signup*, /token/refresh and
    /// /logout (0: off; counted per replica)
    #[arg(
        long,
        env = "RATE_LIMIT_PER_IP",
        global = true,
        hide_env_values = true,
        default_value = "60"
    )]
    pub rate_limit_per_ip: String,

    /// Failed attempts per minute per username: wrong passwords at /login and
    /// /password/change, wrong codes at /signup/confirm and /password/reset. Only failures
    /// count, and one client address may use at most half (0: off; counted per replica)
    #[arg(
        long,
        env = "RATE_LIMIT_PER_USERNAME",
        global = true,
        hide_env_values = true,
        default_value = "10"
    )]
    pub rate_limit_per_username: String,

    /// Requests per hour per username that make Cognito send a code (/signup, /signup/resend,
    /// /password/forgot); one client address may use at most half (0: off; per replica)
    #[arg(
        long,
        env = "RATE_LIMIT_MESSAGES_PER_USERNAME",
        global = true,
        hide_env_values = true,
        default_value = "10"
    )]
    pub rate_limit_messages_per_username: String,

    /// Wrong MFA codes per hour per user, across all of its sign-in challenges; one client
    /// address may use at most half (0: off; counted per replica)
    #[arg(
        long,
        env = "RATE_LIMIT_MFA_FAILURES_PER_USER",
        global = true,
        hide_env_values = true,
        default_value = "10"
    )]
    pub rate_limit_mfa_failures_per_user: String,

    /// Requests per minute per signed-in user (the token's sub) to routes that call Cognito
    /// with its access token: /me, /mfa/*, /password/change; one sign-in may use half (0:
    /// off; counted per replica)
    #[arg(
        long,
        env = "RATE_LIMIT_PER_USER",
        global = true,
        hide_env_values = true,
        default_value = "30"
    )]
    pub rate_limit_per_user: String,

    /// Attributes users may set themselves at /signup and PATCH /me, comma-separated standard
    /// or custom:<name> attributes [default: the standard profile attributes, without
    /// email_verified, phone_number_verified or any custom:]
    #[arg(
        long,
        env = "WRITABLE_ATTRIBUTES",
        global = true,
        hide_env_values = true
    )]
    pub writable_attributes: Option<String>,

    /// Minimum milliseconds a refused sign-in takes, so timing doesn't tell whether the
    /// account exists (0: off)
    #[arg(
        long,
        env = "LOGIN_FAILURE_FLOOR_MS",
        global = true,
        hide_env_values = true,
        default_value = "500"
    )]
    pub login_failure_floor_ms: String,

    /// Seconds a request may take in all before it is answered 504; more than
    /// 2 × COGNITO_TIMEOUT_SECONDS + 5
    #[arg(
        long,
        env = "REQUEST_TIMEOUT_SECONDS",
        global = true,
        hide_env_values = true,
        default_value = "30"
    )]
    pub request_timeout_seconds: String,

    /// Seconds to finish in-flight requests after SIGTERM or SIGINT
    #[arg(
        long,
        env = "SHUTDOWN_TIMEOUT",
        global = true,
        hide_env_values = true,
        default_value = "20"
    )]
    pub shutdown_timeout: String,

    /// Days the app client's refresh tokens live; a logged-out session stays refused that long
    #[arg(
        long,
        env = "REFRESH_TOKEN_VALIDITY_DAYS",
        global = true,
        hide_env_values = true,
        default_value = "30"
    )]
    pub refresh_token_validity_days: String,

    /// sqlite://… or postgres://… [default: sqlite://cognito-bff.db, created if missing]
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Maximum database connections per process
    #[arg(
        long,
        env = "DATABASE_MAX_CONNECTIONS",
        global = true,
        hide_env_values = true,
        default_value = "10"
    )]
    pub database_max_connections: String,

    /// Address to bind
    #[arg(
        long,
        env = "LISTEN_ADDR",
        global = true,
        hide_env_values = true,
        default_value = "0.0.0.0:8080"
    )]
    pub listen_addr: String,

    /// Address of the Prometheus /metrics listener, kept off the public API port; empty turns
    /// it off
    #[arg(
        long,
        env = "METRICS_ADDR",
        global = true,
        hide_env_values = true,
        default_value = "127.0.0.1:9090"
    )]
    pub metrics_addr: String,

    /// Mark the challenge cookie Secure with the __Host- prefix; false only for plain-http
    /// local development, on a loopback LISTEN_ADDR unless ALLOW_INSECURE_COOKIES is true
    #[arg(
        long,
        env = "COOKIE_SECURE",
        global = true,
        hide_env_values = true,
        default_value = "true"
    )]
    pub cookie_secure: String,

    /// Allow COOKIE_SECURE=false on an address other than loopback (a plain-http test
    /// environment); any host or sibling domain on the same network can then plant cookies
    #[arg(
        long,
        env = "ALLOW_INSECURE_COOKIES",
        global = true,
        hide_env_values = true,
        default_value = "false"
    )]
    pub allow_insecure_cookies: String,

    /// Cognito group whose members may invite users
    #[arg(
        long,
        env = "ADMIN_GROUP",
        global = true,
        hide_env_values = true,
        default_value = "admin"
    )]
    pub admin_group: String,

    /// Log format: json or pretty. The level comes from RUST_LOG [default filter: info]
    #[arg(
        long,
        env = "LOG_FORMAT",
        global = true,
        hide_env_values = true,
        default_value = "json"
    )]
    pub log_format: String,

    /// Seconds a sign-in challenge stays answerable; match the app client's auth session
    /// validity
    #[arg(
        long,
        env = "CHALLENGE_TTL_SECONDS",
        global = true,
        hide_env_values = true,
        default_value = "180"
    )]
    pub challenge_ttl_seconds: String,

    /// Seconds one Cognito call may take, retries included, before the client gets 504
    #[arg(
        long,
        env = "COGNITO_TIMEOUT_SECONDS",
        global = true,
        hide_env_values = true,
        default_value = "10"
    )]
    pub cognito_timeout_seconds: String,

    /// Attempts per Cognito call for throttling and transient faults (1 disables retries)
    #[arg(
        long,
        env = "COGNITO_MAX_ATTEMPTS",
        global = true,
        hide_env_values = true,
        default_value = "3"
    )]
    pub cognito_max_attempts: String,

    /// How /login proves the password to Cognito: USER_PASSWORD_AUTH sends it, USER_SRP_AUTH
    /// runs the SRP exchange here so it never leaves this service (the app client must allow
    /// the flow chosen)
    #[arg(
        long,
        env = "COGNITO_AUTH_FLOW",
        global = true,
        hide_env_values = true,
        default_value = "USER_PASSWORD_AUTH"
    )]
    pub cognito_auth_flow: String,

    /// Issuer name shown by authenticator apps for TOTP set up through this service (1 to 64
    /// characters, no colon)
    #[arg(
        long,
        env = "TOTP_ISSUER",
        global = true,
        hide_env_values = true,
        default_value = "cognito-bff"
    )]
    pub totp_issuer: String,
}

/// How a password sign-in starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFlow {
    UserPassword,
    UserSrp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

/// The validated configuration of `serve`.
#[derive(Debug, Clone)]
pub struct Config {
    pub user_pool_id: String,
    pub client_id: String,
    pub client_secret: Option<SecretString>,
    pub region: String,
    pub endpoint: Option<String>,
    pub jwks_url: String,
    pub issuer: String,
    /// `client_id` first, then ALLOWED_CLIENT_IDS.
    pub accepted_client_ids: Vec<String>,
    pub jwt_leeway: Duration,
    pub jwks_refresh: Duration,
    pub token_cache_capacity: u64,
    pub revocation_sync: Duration,
    pub refresh_token_validity: Duration,
    /// Base64 of 32 bytes each; checked here, decoded where the cipher is built.
    pub session_encryption_key: Option<SecretString>,
    pub session_encryption_key_previous: Option<SecretString>,
    pub allowed_origins: Vec<String>,
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub limits: LimitSettings,
    pub writable_attributes: WritableAttributes,
    pub login_failure_floor: Duration,
    pub request_timeout: Duration,
    pub shutdown_timeout: Duration,
    pub database: DatabaseConfig,
    pub listen_addr: SocketAddr,
    /// `None`: no metrics listener.
    pub metrics_addr: Option<SocketAddr>,
    pub cookie_secure: bool,
    pub admin_group: String,
    pub challenge_ttl: Duration,
    pub cognito_timeout: Duration,
    pub cognito_max_attempts: u32,
    pub auth_flow: AuthFlow,
    pub totp_issuer: String,
}

#[derive(Clone)]
pub struct DatabaseConfig {
    /// May hold a password.
    pub url: String,
    pub backend: Backend,
    pub max_connections: u32,
}

impl std::fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("backend", &self.backend)
            .field("max_connections", &self.max_connections)
            .finish_non_exhaustive()
    }
}

/// A setting that stops start-up: the variable, and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

fn bad(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

fn required(variable: &'static str, value: &Option<String>) -> Result<String, ConfigError> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v.to_owned()),
        _ => Err(bad(variable, "is required but not set")),
    }
}

fn optional(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The non-empty items of a comma-separated setting.
fn list(value: &Option<String>) -> impl Iterator<Item = String> + '_ {
    value
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
}

fn bool_setting(variable: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        other => Err(bad(
            variable,
            format!("must be true or false, not {other:?}"),
        )),
    }
}

fn number<T: std::str::FromStr + PartialOrd + std::fmt::Display>(
    variable: &'static str,
    value: &str,
    min: T,
    max: T,
) -> Result<T, ConfigError> {
    match value.trim().parse::<T>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        _ => Err(bad(
            variable,
            format!("must be a whole number from {min} to {max}, not {value:?}"),
        )),
    }
}

fn http_url(variable: &'static str, value: String) -> Result<String, ConfigError> {
    match reqwest::Url::parse(&value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            Ok(value.trim_end_matches('/').to_owned())
        }
        _ => Err(bad(variable, "must be an http(s) URL")),
    }
}

impl Settings {
    pub fn log_format(&self) -> Result<LogFormat, ConfigError> {
        match self.log_format.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(LogFormat::Json),
            "pretty" => Ok(LogFormat::Pretty),
            other => Err(bad(
                "LOG_FORMAT",
                format!("must be json or pretty, not {other:?}"),
            )),
        }
    }

    pub fn listen_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.listen_addr.trim().parse().map_err(|_| {
            bad(
                "LISTEN_ADDR",
                format!(
                    "must be an address such as 0.0.0.0:8080, not {:?}",
                    self.listen_addr
                ),
            )
        })
    }

    /// METRICS_ADDR, or `None` when it is empty.
    pub fn metrics_addr(&self) -> Result<Option<SocketAddr>, ConfigError> {
        let text = self.metrics_addr.trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse().map(Some).map_err(|_| {
            bad(
                "METRICS_ADDR",
                format!("must be an address such as 127.0.0.1:9090, or empty, not {text:?}"),
            )
        })
    }

    pub fn database(&self) -> Result<DatabaseConfig, ConfigError> {
        let url = optional(&self.database_url).unwrap_or_else(|| "sqlite://cognito-bff.db".into());
        // The URL may hold a password, so it is never echoed.
        let backend = Backend::of_url(&url)
            .ok_or_else(|| bad("DATABASE_URL", "must start with sqlite:// or postgres://"))?;
        let max_connections = number(
            "DATABASE_MAX_CONNECTIONS",
            &self.database_max_connections,
            1,
            1000,
        )?;
        Ok(DatabaseConfig {
            url,
            backend,
            max_connections,
        })
    }

    /// Checks every setting `serve` needs.
    pub fn config(&self) -> Result<Config, ConfigError> {
        let user_pool_id = required("COGNITO_USER_POOL_ID", &self.cognito_user_pool_id)?;
        let pool_region = pool_region(&user_pool_id).ok_or_else(|| {
            bad(
                "COGNITO_USER_POOL_ID",
                format!("must look like <region>_<id>, such as eu-west-1_AbC123xyz, not {user_pool_id:?}"),
            )
        })?;
        let client_id = required("COGNITO_CLIENT_ID", &self.cognito_client_id)?;
        let region = optional(&self.aws_region).unwrap_or_else(|| pool_region.to_owned());
        let endpoint = optional(&self.cognito_endpoint)
            .map(|url| http_url("COGNITO_ENDPOINT", url))
            .transpose()?;
        let jwks_url = match optional(&self.cognito_jwks_url) {
            Some(url) => http_url("COGNITO_JWKS_URL", url)?,
            None => {
                let base = endpoint
                    .clone()
                    .unwrap_or_else(|| format!("https://cognito-idp.{region}.amazonaws.com"));
                format!("{base}/{user_pool_id}/.well-known/jwks.json")
            }
        };
        // Emulators too write the AWS form of the issuer, so it never follows COGNITO_ENDPOINT.
        let issuer = optional(&self.cognito_issuer).unwrap_or_else(|| {
            format!("https://cognito-idp.{region}.amazonaws.com/{user_pool_id}")
        });
        let mut accepted_client_ids = vec![client_id.clone()];
        for id in optional(&self.allowed_client_ids)
            .iter()
            .flat_map(|ids| ids.split(','))
        {
            let id = id.trim();
            if !id.is_empty() && !accepted_client_ids.iter().any(|known| known == id) {
                accepted_client_ids.push(id.to_owned());
            }
        }
        let session_encryption_key =
            encryption_key("SESSION_ENCRYPTION_KEY", &self.session_encryption_key)?;
        let session_encryption_key_previous = encryption_key(
            "SESSION_ENCRYPTION_KEY_PREVIOUS",
            &self.session_encryption_key_previous,
        )?;
        if session_encryption_key.is_none() && session_encryption_key_previous.is_some() {
            return Err(bad(
                "SESSION_ENCRYPTION_KEY_PREVIOUS",
                "needs SESSION_ENCRYPTION_KEY to be set too",
            ));
        }
        let allowed_origins = list(&self.allowed_origins)
            .map(|origin| {
                let origin = origin.trim_end_matches('/').to_owned();
                match reqwest::Url::parse(&origin) {
                    Ok(url)
                        if matches!(url.scheme(), "http" | "https")
                            && url.host().is_some()
                            && url.path() == "/"
                            && url.query().is_none() =>
                    {
                        Ok(origin)
                    }
                    _ => Err(bad(
                        "ALLOWED_ORIGINS",
                        format!("{origin:?} is not an origin such as https://app.example.com"),
                    )),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let trusted_proxies = list(&self.trusted_proxies)
            .map(|cidr| {
                cidr.parse::<ipnet::IpNet>()
                    .or_else(|_| cidr.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        bad(
                            "TRUSTED_PROXIES",
                            format!("{cidr:?} is not a CIDR such as 10.0.0.0/8"),
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let cognito_timeout = Duration::from_secs(number(
            "COGNITO_TIMEOUT_SECONDS",
            &self.cognito_timeout_seconds,
            1,
            120,
        )?);
        let request_timeout = Duration::from_secs(number(
            "REQUEST_TIMEOUT_SECONDS",
            &self.request_timeout_seconds,
            1,
            600,
        )?);
        // A request cut off mid-call to Cognito could spend a challenge's session and lose
        // the answer; the whole request must outlast the two Cognito calls some steps make in
        // a row (an SRP sign-in, a TOTP set-up answer) and the store's work.
        if request_timeout <= 2 * cognito_timeout + Duration::from_secs(5) {
            return Err(bad(
                "REQUEST_TIMEOUT_SECONDS",
                format!(
                    "must be more than 2 × COGNITO_TIMEOUT_SECONDS + 5 ({} s)",
                    2 * cognito_timeout.as_secs() + 5
                ),
            ));
        }
        let database = self.database()?;
        // Replicas that each pick a random key can't open each other's challenges.
        if database.backend == Backend::Postgres && session_encryption_key.is_none() {
            return Err(bad(
                "SESSION_ENCRYPTION_KEY",
                "is required with a Postgres DATABASE_URL: every replica must share one key",
            ));
        }
        let listen_addr = self.listen_addr()?;
        let cookie_secure = bool_setting("COOKIE_SECURE", &self.cookie_secure)?;
        let allow_insecure_cookies =
            bool_setting("ALLOW_INSECURE_COOKIES", &self.allow_insecure_cookies)?;
        // Without `Secure` the cookie loses its `__Host-` prefix, so any plain-http service or
        // sibling subdomain on the network could plant one for a victim.
        if !cookie_secure && !listen_addr.ip().is_loopback() && !allow_insecure_cookies {
            return Err(bad(
                "COOKIE_SECURE",
                "false is only allowed on a loopback LISTEN_ADDR, unless ALLOW_INSECURE_COOKIES=true",
            ));
        }
        Ok(Config {
            cognito_timeout,
            request_timeout,
            allowed_origins,
            trusted_proxies,
            limits: LimitSettings {
                per_ip: number("RATE_LIMIT_PER_IP", &self.rate_limit_per_ip, 0, 1_000_000)?,
                failures_per_username: number(
                    "RATE_LIMIT_PER_USERNAME",
                    &self.rate_limit_per_username,
                    0,
                    1_000_000,
                )?,
                messages_per_username: number(
                    "RATE_LIMIT_MESSAGES_PER_USERNAME",
                    &self.rate_limit_messages_per_username,
                    0,
                    1_000_000,
                )?,
                mfa_failures_per_user: number(
                    "RATE_LIMIT_MFA_FAILURES_PER_USER",
                    &self.rate_limit_mfa_failures_per_user,
                    0,
                    1_000_000,
                )?,
                per_user: number(
                    "RATE_LIMIT_PER_USER",
                    &self.rate_limit_per_user,
                    0,
                    1_000_000,
                )?,
            },
            writable_attributes: match optional(&self.writable_attributes) {
                None => WritableAttributes::default(),
                Some(list) => WritableAttributes::parse(&list)
                    .map_err(|problem| bad("WRITABLE_ATTRIBUTES", problem))?,
            },
            login_failure_floor: Duration::from_millis(number(
                "LOGIN_FAILURE_FLOOR_MS",
                &self.login_failure_floor_ms,
                0,
                10_000,
            )?),
            shutdown_timeout: Duration::from_secs(number(
                "SHUTDOWN_TIMEOUT",
                &self.shutdown_timeout,
                0,
                3600,
            )?),
            session_encryption_key,
            session_encryption_key_previous,
            accepted_client_ids,
            jwt_leeway: Duration::from_secs(number(
                "JWT_LEEWAY_SECONDS",
                &self.jwt_leeway_seconds,
                0,
                300,
            )?),
            jwks_refresh: Duration::from_secs(number(
                "JWKS_REFRESH_SECONDS",
                &self.jwks_refresh_seconds,
                60,
                86_400,
            )?),
            token_cache_capacity: number(
                "TOKEN_CACHE_CAPACITY",
                &self.token_cache_capacity,
                0,
                10_000_000,
            )?,
            refresh_token_validity: Duration::from_secs(
                86_400
                    * number::<u64>(
                        "REFRESH_TOKEN_VALIDITY_DAYS",
                        &self.refresh_token_validity_days,
                        1,
                        3650,
                    )?,
            ),
            revocation_sync: Duration::from_secs(number(
                "REVOCATION_SYNC_SECONDS",
                &self.revocation_sync_seconds,
                1,
                3600,
            )?),
            client_secret: optional(&self.cognito_client_secret).map(SecretString::from),
            region,
            endpoint,
            jwks_url,
            issuer,
            database,
            listen_addr,
            metrics_addr: self.metrics_addr()?,
            cookie_secure,
            admin_group: required("ADMIN_GROUP", &Some(self.admin_group.clone()))?,
            challenge_ttl: Duration::from_secs(number(
                "CHALLENGE_TTL_SECONDS",
                &self.challenge_ttl_seconds,
                30,
                3600,
            )?),
            cognito_max_attempts: number(
                "COGNITO_MAX_ATTEMPTS",
                &self.cognito_max_attempts,
                1,
                10,
            )?,
            auth_flow: match self.cognito_auth_flow.trim() {
                "USER_PASSWORD_AUTH" => AuthFlow::UserPassword,
                "USER_SRP_AUTH" => AuthFlow::UserSrp,
                other => {
                    return Err(bad(
                        "COGNITO_AUTH_FLOW",
                        format!("must be USER_PASSWORD_AUTH or USER_SRP_AUTH, not {other:?}"),
                    ));
                }
            },
            totp_issuer: totp_issuer(&self.totp_issuer)?,
            user_pool_id,
            client_id,
        })
    }
}

/// The issuer goes into otpauth URIs and authenticator apps' lists; a colon would split the
/// URI's label.
fn totp_issuer(value: &str) -> Result<String, ConfigError> {
    let issuer = value.trim();
    if issuer.is_empty() || issuer.chars().count() > 64 {
        return Err(bad("TOTP_ISSUER", "must be 1 to 64 characters"));
    }
    if issuer.contains(':') || issuer.chars().any(char::is_control) {
        return Err(bad(
            "TOTP_ISSUER",
            "must not contain a colon or control characters",
        ));
    }
    Ok(issuer.to_owned())
}

/// A 32-byte key given as base64 (standard or URL-safe alphabet, padded or not).
pub fn decode_key(text: &str) -> Option<[u8; 32]> {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let text = text.trim();
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
}

fn encryption_key(
    variable: &'static str,
    value: &Option<String>,
) -> Result<Option<SecretString>, ConfigError> {
    match optional(value) {
        None => Ok(None),
        Some(text) if decode_key(&text).is_some() => Ok(Some(SecretString::from(text))),
        // The value is a secret: never echoed.
        Some(_) => Err(bad(
            variable,
            "must be 32 bytes in base64 (e.g. the output of `openssl rand -base64 32`)",
        )),
    }
}

/// The region prefix of a pool id. Lengths are not checked: emulators issue longer ids.
fn pool_region(pool_id: &str) -> Option<&str> {
    let (region, id) = pool_id.split_once('_')?;
    let region_ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let id_ok = !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric());
    (region_ok && id_ok).then_some(region)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn settings(args: &[&str]) -> Settings {
        let mut argv = vec!["cognito-bff", "serve"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv).expect("parses").settings
    }

    #[test]
    fn derives_region_jwks_and_issuer_from_the_pool() {
        let config = settings(&[
            "--cognito-user-pool-id",
            "eu-west-1_AbC123xyz",
            "--cognito-client-id",
            "client",
        ])
        .config()
        .unwrap();
        assert_eq!(config.region, "eu-west-1");
        assert_eq!(
            config.jwks_url,
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz/.well-known/jwks.json"
        );
        assert_eq!(
            config.issuer,
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz"
        );
        assert!(config.cookie_secure);
        assert_eq!(config.accepted_client_ids, vec!["client".to_owned()]);
        assert_eq!(config.challenge_ttl, Duration::from_secs(180));
    }

    #[test]
    fn names_the_auth_flow_and_totp_issuer_it_refuses() {
        let base = [
            "--cognito-user-pool-id",
            "eu-west-1_A",
            "--cognito-client-id",
            "c",
        ];
        let config = settings(&base).config().unwrap();
        assert_eq!(config.auth_flow, AuthFlow::UserPassword);
        assert_eq!(config.totp_issuer, "cognito-bff");

        let srp = [&base[..], &["--cognito-auth-flow", "USER_SRP_AUTH"]].concat();
        assert_eq!(
            settings(&srp).config().unwrap().auth_flow,
            AuthFlow::UserSrp
        );

        let wrong = [&base[..], &["--cognito-auth-flow", "ADMIN_NO_SRP_AUTH"]].concat();
        let err = settings(&wrong).config().expect_err("refused");
        assert_eq!(err.variable, "COGNITO_AUTH_FLOW");

        let colon = [&base[..], &["--totp-issuer", "Acme: Staging"]].concat();
        let err = settings(&colon).config().expect_err("refused");
        assert_eq!(err.variable, "TOTP_ISSUER");
    }

    #[test]
    fn an_endpoint_moves_the_jwks_but_not_the_issuer() {
        let config = settings(&[
            "--cognito-user-pool-id",
            "us-east-1_0123456789abcdef0123456789abcdef",
            "--cognito-client-id",
            "client",
            "--cognito-endpoint",
            "http://127.0.0.1:5000/",
        ])
        .config()
        .unwrap();
        assert_eq!(
            config.jwks_url,
            "http://127.0.0.1:5000/us-east-1_0123456789abcdef0123456789abcdef/.well-known/jwks.json"
        );
        assert!(
            config
                .issuer
                .starts_with("https://cognito-idp.us-east-1.amazonaws.com/")
        );
    }

    #[test]
    fn more_clients_can_be_accepted() {
        let config = settings(&[
            "--cognito-user-pool-id",
            "eu-west-1_abc",
            "--cognito-client-id",
            "web",
            "--allowed-client-ids",
            " mobile, ,service,web",
        ])
        .config()
        .unwrap();
        assert_eq!(config.accepted_client_ids, ["web", "mobile", "service"]);
    }

    #[test]
    fn origins_and_proxies_are_checked() {
        let base = [
            "--cognito-user-pool-id",
            "eu-west-1_abc",
            "--cognito-client-id",
            "c",
        ];
        let mut args = base.to_vec();
        args.extend([
            "--allowed-origins",
            "https://app.example.com/, http://localhost:3000",
            "--trusted-proxies",
            "10.0.0.0/8, 192.168.1.1",
        ]);
        let config = settings(&args).config().unwrap();
        assert_eq!(
            config.allowed_origins,
            ["https://app.example.com", "http://localhost:3000"]
        );
        assert_eq!(config.trusted_proxies.len(), 2);

        for (flag, value, variable) in [
            (
                "--allowed-origins",
                "https://app.example.com/login",
                "ALLOWED_ORIGINS",
            ),
            ("--allowed-origins", "*", "ALLOWED_ORIGINS"),
            ("--trusted-proxies", "10.0.0.0/33", "TRUSTED_PROXIES"),
        ] {
            let mut args = base.to_vec();
            args.extend([flag, value]);
            assert_eq!(settings(&args).config().unwrap_err().variable, variable);
        }
    }

    #[test]
    fn errors_name_the_variable() {
        let err = settings(&[]).config().unwrap_err();
        assert_eq!(err.variable, "COGNITO_USER_POOL_ID");
        let err = settings(&[
            "--cognito-user-pool-id",
            "nonsense",
            "--cognito-client-id",
            "c",
        ])
        .config()
        .unwrap_err();
        assert_eq!(err.variable, "COGNITO_USER_POOL_ID");
        let err = settings(&[
            "--cognito-user-pool-id",
            "eu-west-1_abc",
            "--cognito-client-id",
            "c",
            "--cookie-secure",
            "maybe",
        ])
        .config()
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "COOKIE_SECURE: must be true or false, not \"maybe\""
        );
    }

    #[test]
    fn encryption_keys_must_be_32_bytes_and_are_never_echoed() {
        let base = [
            "--cognito-user-pool-id",
            "eu-west-1_abc",
            "--cognito-client-id",
            "c",
        ];
        let good = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        let mut args = base.to_vec();
        args.extend(["--session-encryption-key", good]);
        let config = settings(&args).config().unwrap();
        assert!(config.session_encryption_key.is_some());
        assert_eq!(decode_key(good).unwrap()[31], 31);

        let mut args = base.to_vec();
        args.extend(["--session-encryption-key", "c2hvcnQtYnV0LXNlY3JldA=="]);
        let err = settings(&args).config().unwrap_err();
        assert_eq!(err.variable, "SESSION_ENCRYPTION_KEY");
        assert!(!err.to_string().contains("c2hvcnQ"));

        let mut args = base.to_vec();
        args.extend(["--session-encryption-key-previous", good]);
        assert_eq!(
            settings(&args).config().unwrap_err().variable,
            "SESSION_ENCRYPTION_KEY_PREVIOUS"
        );
    }

    #[test]
    fn the_request_timeout_must_outlast_a_cognito_call() {
        let err = settings(&[
            "--cognito-user-pool-id",
            "eu-west-1_abc",
            "--cognito-client-id",
            "c",
            "--cognito-timeout-seconds",
            "10",
            "--request-timeout-seconds",
            "25",
        ])
        .config()
        .unwrap_err();
        assert_eq!(err.variable, "REQUEST_TIMEOUT_SECONDS");
    }

    #[test]
    fn insecure_cookies_need_loopback_or_an_explicit_allowance() {
        let base = [
            "--cognito-user-pool-id",
            "eu-west-1_abc",
            "--cognito-client-id",
            "c",
            "--cookie-secure",
            "false",
        ];
        let on = |listen: &str, allow: &str| {
            let args = [
                &base[..],
                &["--listen-addr", listen, "--allow-insecure-cookies", allow],
            ]
            .concat();
            settings(&args).config()
        };
        assert!(on("127.0.0.1:8080", "false").is_ok());
        assert!(on("[::1]:8080", "false").is_ok());
        assert_eq!(
            on("0.0.0.0:8080", "false").unwrap_err().variable,
            "COOKIE_SECURE"
        );
        assert!(on("0.0.0.0:8080", "true").is_ok());
    }

    #[test]
    fn postgres_needs_a_key_shared_by_every_replica() {
        let base = [
            "--cognito-user-pool-id",
            "eu-west-1_abc",
            "--cognito-client-id",
            "c",
            "--database-url",
            "postgres://db/cognito",
        ];
        assert_eq!(
            settings(&base).config().unwrap_err().variable,
            "SESSION_ENCRYPTION_KEY"
        );
        let keyed = [
            &base[..],
            &[
                "--session-encryption-key",
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            ],
        ]
        .concat();
        assert!(settings(&keyed).config().is_ok());
    }

    #[test]
    fn metrics_listen_apart_unless_turned_off() {
        let base = [
            "--cognito-user-pool-id",
            "eu-west-1_abc",
            "--cognito-client-id",
            "c",
        ];
        let config = settings(&base).config().unwrap();
        assert_eq!(config.metrics_addr, Some("127.0.0.1:9090".parse().unwrap()));
        let off = [&base[..], &["--metrics-addr", ""]].concat();
        assert_eq!(settings(&off).config().unwrap().metrics_addr, None);
        let bad = [&base[..], &["--metrics-addr", "9090"]].concat();
        assert_eq!(
            settings(&bad).config().unwrap_err().variable,
            "METRICS_ADDR"
        );
    }

    #[test]
    fn never_echoes_the_database_url() {
        let err = settings(&["--database-url", "mysql://user:hunter2@db/x"])
            .database()
            .unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
    }
}
