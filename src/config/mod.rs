//! Settings: read from flags or environment variables (`cli`), checked and turned into typed
//! values once at start-up (`parse`), and handed out grouped by who uses them.

pub mod cli;
mod parse;
mod ranges;
pub mod ui;
pub mod upstreams;
mod values;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretBox, SecretString};

use crate::attributes::WritableAttributes;
use crate::cognito::MetadataKeys;
use crate::db::Backend;
use crate::limits::LimitSettings;
use crate::vocab::AuthFlow;
use crate::vocab::TokenDelivery;

pub use cli::{Cli, Command, Settings};
pub use ranges::{RANGES, Range};
pub use ui::UiConfig;
pub use upstreams::Upstream;
pub use values::ConfigError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

/// The checked configuration of `serve`.
#[derive(Debug, Clone)]
pub struct Config {
    pub cognito: CognitoConfig,
    pub tokens: TokenConfig,
    pub limits: LimitsConfig,
    pub http: HttpConfig,
    pub challenges: ChallengeConfig,
    pub sessions: SessionConfig,
    pub api: ApiConfig,
    pub ui: UiConfig,
    /// Federated sign-in through the pool's domain; `None` when COGNITO_DOMAIN is unset.
    pub oauth: Option<OAuthConfig>,
    pub database: DatabaseConfig,
}

/// Federated sign-in through the pool's managed login (COGNITO_DOMAIN and the OAUTH_*
/// settings), checked: the service is the app client's confidential client.
#[derive(Debug, Clone)]
pub struct OAuthConfig {
    /// The pool's domain, `scheme://host[:port]`, without a trailing slash.
    pub domain: String,
    /// This service's callback as the app client lists it (OAUTH_REDIRECT_URL).
    pub redirect_url: String,
    /// The scopes asked for, `openid` among them.
    pub scopes: Vec<String>,
    /// The identity providers users may pick, by the pool's names for them.
    pub providers: Vec<String>,
    /// Where the pool's `/logout` sends the browser afterwards (OAUTH_LOGOUT_URL).
    pub logout_url: String,
}

/// The upstream APIs browsers reach through `/api/{name}/…`.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    pub upstreams: Vec<Upstream>,
    /// One call, body included.
    pub timeout: Duration,
    /// Where browsers reach the service (PUBLIC_ORIGIN): the only source of the upstreams'
    /// `X-Forwarded-Host`.
    pub public_origin: Option<reqwest::Url>,
}

/// The user pool, its app client, and how the service talks to Cognito.
#[derive(Debug, Clone)]
pub struct CognitoConfig {
    pub user_pool_id: String,
    pub client_id: String,
    pub client_secret: Option<SecretString>,
    pub region: String,
    /// A Cognito-compatible endpoint, such as a local emulator; `None` is AWS.
    pub endpoint: Option<String>,
    /// One call, retries included.
    pub timeout: Duration,
    pub max_attempts: u32,
    pub auth_flow: AuthFlow,
    /// The group whose members may invite users.
    pub admin_group: String,
    /// What users may set on their own account.
    pub writable_attributes: WritableAttributes,
    /// The issuer authenticator apps show.
    pub totp_issuer: String,
    /// The `client_metadata` keys passed on to Lambda triggers (CLIENT_METADATA_KEYS).
    pub client_metadata_keys: MetadataKeys,
}

/// Which tokens are accepted, and how long revocations must last.
#[derive(Debug, Clone)]
pub struct TokenConfig {
    pub jwks_url: String,
    /// Exactly the `iss` Cognito writes.
    pub issuer: String,
    /// The app client first, then ALLOWED_CLIENT_IDS.
    pub accepted_client_ids: Vec<String>,
    pub leeway: Duration,
    pub jwks_refresh: Duration,
    pub cache_capacity: u64,
    pub revocation_sync: Duration,
    pub refresh_token_validity: Duration,
}

/// Abuse limits and the failure floor.
#[derive(Debug, Clone)]
pub struct LimitsConfig {
    pub rates: LimitSettings,
    pub failure_floor: Duration,
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// The listeners and what every request gets.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub listen_addr: SocketAddr,
    /// `None`: no metrics listener.
    pub metrics_addr: Option<SocketAddr>,
    pub request_timeout: Duration,
    /// Threads serving connections (`crate::workers`), at least one.
    pub workers: usize,
    /// Serving on after the first signal, while load balancers take the replica out.
    pub shutdown_drain: Duration,
    /// For in-flight requests, from the moment the listener starts closing.
    pub shutdown_timeout: Duration,
    pub allowed_origins: Vec<String>,
    pub cookie_secure: bool,
    /// BASE_PATH: `/auth`, or empty for the root. Every route but the probes is under it.
    pub base_path: String,
    /// The peers `/verify` hands a session's token to (VERIFY_SESSION_GATEWAYS).
    pub session_gateways: Vec<ipnet::IpNet>,
}

/// Pending sign-in challenges.
#[derive(Debug, Clone)]
pub struct ChallengeConfig {
    pub ttl: Duration,
    /// `None`: a random key per process (SQLite only).
    pub keys: Option<SessionKeys>,
}

/// Browser sessions: who gets one, and how long it lasts.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    pub delivery: TokenDelivery,
    pub idle_timeout: Duration,
    /// Never longer than the refresh tokens live.
    pub max_lifetime: Duration,
    /// `SameSite=Lax` instead of `Strict` on the session cookie.
    pub same_site_lax: bool,
    /// How long ago the user may have signed in to change what guards the account.
    pub recent_sign_in: Duration,
    /// A change of password or MFA ends the user's other browser sessions.
    pub end_others_on_change: bool,
    /// How long a confirmed device (and the browser's device cookie) is kept.
    pub device_lifetime: Duration,
    /// Sessions each replica keeps in memory (0: every request reads the database).
    pub cache_capacity: u64,
}

/// The key that seals stored Cognito sessions and keys the refresh-token record, and the one
/// before the last rotation.
#[derive(Debug, Clone)]
pub struct SessionKeys {
    pub current: SessionKey,
    pub previous: Option<SessionKey>,
}

/// 32 key bytes, decoded once at start-up, zeroed when dropped, never printed.
#[derive(Debug, Clone)]
pub struct SessionKey(Arc<SecretBox<[u8; 32]>>);

impl SessionKey {
    pub fn new(bytes: [u8; 32]) -> Self {
        SessionKey(Arc::new(SecretBox::new(Box::new(bytes))))
    }

    pub fn bytes(&self) -> &[u8; 32] {
        self.0.expose_secret()
    }
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
