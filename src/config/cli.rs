//! The command line: every setting as a flag and an environment variable, read as text, so
//! that `parse`, not clap, words the errors (one line naming the variable, never a secret's
//! value). The ranges in `--help` come from the same table the checks use.

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use super::ranges::RANGES;

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

    /// Verified tokens remembered to skip repeated RSA checks, one per started KiB of token (0 turns the cache off)
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

    /// The path every route, page and cookie is mounted under, e.g. /auth, to share an origin
    /// with an app behind one proxy; /healthz and /readyz stay at the root [default: none]
    #[arg(long, env = "BASE_PATH", global = true)]
    pub base_path: Option<String>,

    /// Other browser origins allowed to call with credentials (CORS) and to send cookie-bearing
    /// requests, comma-separated, e.g. https://app.example.com; the service's own origin
    /// always may [default: none]
    #[arg(long, env = "ALLOWED_ORIGINS", global = true, hide_env_values = true)]
    pub allowed_origins: Option<String>,

    /// Proxies (CIDRs, comma-separated) whose X-Forwarded-For is believed for the client IP
    /// [default: none]
    #[arg(long, env = "TRUSTED_PROXIES", global = true, hide_env_values = true)]
    pub trusted_proxies: Option<String>,

    /// Gateways (CIDRs, comma-separated) that /verify may hand a browser session's access
    /// token to, matched by the address they connect from; TRUSTED_PROXIES grants nothing
    /// here [default: none: a session cookie at /verify gets 403]
    #[arg(
        long,
        env = "VERIFY_SESSION_GATEWAYS",
        global = true,
        hide_env_values = true
    )]
    pub verify_session_gateways: Option<String>,

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
    /// count, and one client address may use at most half (0: off; shared by every replica on
    /// Postgres)
    #[arg(
        long,
        env = "RATE_LIMIT_PER_USERNAME",
        global = true,
        hide_env_values = true,
        default_value = "10"
    )]
    pub rate_limit_per_username: String,

    /// Requests per hour per username that make Cognito send a code (/signup, /signup/resend,
    /// /password/forgot; code sign-ins have a budget of the same size of their own); one client
    /// address may use at most half (0: off; shared by every replica on Postgres)
    #[arg(
        long,
        env = "RATE_LIMIT_MESSAGES_PER_USERNAME",
        global = true,
        hide_env_values = true,
        default_value = "10"
    )]
    pub rate_limit_messages_per_username: String,

    /// Wrong MFA codes per hour per user, across all of its sign-in challenges; one client
    /// address may use at most half (0: off; shared by every replica on Postgres)
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
    /// off; shared by every replica on Postgres)
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

    /// Threads that serve connections, each with its own runtime and upstream connections (0: one per CPU the process may use)
    #[arg(
        long,
        env = "HTTP_WORKERS",
        global = true,
        hide_env_values = true,
        default_value = "0"
    )]
    pub http_workers: String,

    /// Seconds to keep serving after SIGTERM or SIGINT, with /readyz at 503, before the listener closes
    #[arg(
        long,
        env = "SHUTDOWN_DRAIN_SECONDS",
        global = true,
        hide_env_values = true,
        default_value = "5"
    )]
    pub shutdown_drain_seconds: String,

    /// Seconds for in-flight requests to finish once the listener starts closing
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

    /// Who gets tokens: session (browsers get an HttpOnly session cookie, never a token), body
    /// (every client gets tokens in the answer), or auto (a request a browser sends, which
    /// carries Sec-Fetch-Site or Origin, gets a session; any other client gets tokens)
    #[arg(
        long,
        env = "TOKEN_DELIVERY",
        global = true,
        hide_env_values = true,
        default_value = "auto"
    )]
    pub token_delivery: String,

    /// Days a device confirmed for a user (and the browser's device cookie) is kept, so a
    /// remembered device survives sign-out
    #[arg(
        long,
        env = "DEVICE_LIFETIME_DAYS",
        global = true,
        hide_env_values = true,
        default_value = "365"
    )]
    pub device_lifetime_days: String,

    /// Seconds a browser session may go unused before it ends
    #[arg(
        long,
        env = "SESSION_IDLE_TIMEOUT",
        global = true,
        hide_env_values = true,
        default_value = "1800"
    )]
    pub session_idle_timeout: String,

    /// Seconds a browser session lasts however much it is used; at most the refresh tokens'
    /// lifetime
    #[arg(
        long,
        env = "SESSION_MAX_LIFETIME",
        global = true,
        hide_env_values = true,
        default_value = "43200"
    )]
    pub session_max_lifetime: String,

    /// Browser sessions each replica keeps in memory, so a signed-in browser's calls skip the
    /// database; a session ended on any replica is dropped from every one before the answer
    /// (0 turns the cache off)
    #[arg(
        long,
        env = "SESSION_CACHE_CAPACITY",
        global = true,
        hide_env_values = true,
        default_value = "10000"
    )]
    pub session_cache_capacity: String,

    /// SameSite of the session cookie: strict, or lax where sign-in starts from another site
    #[arg(
        long,
        env = "SESSION_SAME_SITE",
        global = true,
        hide_env_values = true,
        default_value = "strict"
    )]
    pub session_same_site: String,

    /// Seconds since the user last proved who they are (the session's sign-in, or the access
    /// token's auth_time) within which they may change what guards the account: set up or
    /// remove TOTP, turn email MFA on or off, change the email or phone number; past it they
    /// must sign in again
    #[arg(
        long,
        env = "RECENT_SIGN_IN_SECONDS",
        global = true,
        hide_env_values = true,
        default_value = "300"
    )]
    pub recent_sign_in_seconds: String,

    /// After a change of password (or a reset by code) or MFA turned off, end the user's other
    /// browser sessions and refuse their tokens: true or false
    #[arg(
        long,
        env = "END_OTHER_SESSIONS_ON_CHANGE",
        global = true,
        hide_env_values = true,
        default_value = "true"
    )]
    pub end_other_sessions_on_change: String,

    /// Upstream APIs that browsers reach through /api/{name}/… with their session's access
    /// token attached: comma-separated name=url, e.g. orders=http://orders:8080 [default: none]
    #[arg(long, env = "API_UPSTREAMS", global = true, hide_env_values = true)]
    pub api_upstreams: Option<String>,

    /// Request headers one upstream API gets from the browser besides content negotiation,
    /// conditions and Content-*: comma-separated upstream:header-name, e.g.
    /// orders:x-tenant; never one the service sets or that vouches for the caller
    /// [default: none]
    #[arg(
        long,
        env = "API_FORWARD_HEADERS",
        global = true,
        hide_env_values = true
    )]
    pub api_forward_headers: Option<String>,

    /// The origin browsers reach the service at, e.g. https://app.example.com: upstream APIs
    /// get its host in X-Forwarded-Host and its scheme in X-Forwarded-Proto [default: none;
    /// no X-Forwarded-Host is sent]
    #[arg(long, env = "PUBLIC_ORIGIN", global = true, hide_env_values = true)]
    pub public_origin: Option<String>,

    /// Seconds an upstream API may take to answer a call through /api/, its body included
    #[arg(
        long,
        env = "API_UPSTREAM_TIMEOUT_SECONDS",
        global = true,
        hide_env_values = true,
        default_value = "30"
    )]
    pub api_upstream_timeout_seconds: String,

    /// The built-in sign-in pages at /ui/: on or off
    #[arg(
        long,
        env = "UI",
        global = true,
        hide_env_values = true,
        default_value = "on"
    )]
    pub ui: String,

    /// Where the sign-in pages may send a user afterwards (return_to): absolute URLs,
    /// comma-separated, each allowing the paths below it [default: none]
    #[arg(long, env = "UI_RETURN_URLS", global = true, hide_env_values = true)]
    pub ui_return_urls: Option<String>,

    /// The product's name on the sign-in pages
    #[arg(
        long,
        env = "UI_PRODUCT_NAME",
        global = true,
        hide_env_values = true,
        default_value = "cognito-bff"
    )]
    pub ui_product_name: String,

    /// The brand colour of the sign-in pages, #rgb or #rrggbb
    #[arg(
        long,
        env = "UI_BRAND_COLOR",
        global = true,
        hide_env_values = true,
        default_value = "#1f5fbf"
    )]
    pub ui_brand_color: String,

    /// A logo for the sign-in pages: an https URL, or a path on this service [default: none]
    #[arg(long, env = "UI_LOGO_URL", global = true, hide_env_values = true)]
    pub ui_logo_url: Option<String>,

    /// The pool's domain for federated sign-in through managed login: https://auth.example.com
    /// or https://<prefix>.auth.<region>.amazoncognito.com (http only for a localhost
    /// emulator). Unset: /oauth/start and /oauth/callback are off, and the other OAUTH_* and
    /// FEDERATED_PROVIDERS settings are refused [default: none]
    #[arg(long, env = "COGNITO_DOMAIN", global = true, hide_env_values = true)]
    pub cognito_domain: Option<String>,

    /// This service's /oauth/callback as the app client lists it among its callback URLs,
    /// e.g. https://app.example.com/oauth/callback [required with COGNITO_DOMAIN]
    #[arg(
        long,
        env = "OAUTH_REDIRECT_URL",
        global = true,
        hide_env_values = true
    )]
    pub oauth_redirect_url: Option<String>,

    /// The scopes asked for at the pool's authorize endpoint, space-separated; must include
    /// openid [default: openid email profile]
    #[arg(long, env = "OAUTH_SCOPES", global = true, hide_env_values = true)]
    pub oauth_scopes: Option<String>,

    /// The identity providers configured on the pool that users may pick, by the pool's name
    /// for them, comma-separated, e.g. Google,SignInWithApple,AcmeSAML (at most 16)
    /// [default: none; /oauth/start without a provider shows managed login's own page]
    #[arg(
        long,
        env = "FEDERATED_PROVIDERS",
        global = true,
        hide_env_values = true
    )]
    pub federated_providers: Option<String>,

    /// Where the pool's /logout sends the browser after a federated user signs out, as the app
    /// client lists it among its sign-out URLs [required with COGNITO_DOMAIN]
    #[arg(long, env = "OAUTH_LOGOUT_URL", global = true, hide_env_values = true)]
    pub oauth_logout_url: Option<String>,

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

    /// The `client_metadata` keys clients may pass on to the pool's Lambda triggers, as
    /// ClientMetadata (comma-separated, at most 16; values up to 256 characters). Empty: none
    #[arg(long, env = "CLIENT_METADATA_KEYS", global = true)]
    pub client_metadata_keys: Option<String>,
}

impl Cli {
    /// The command line as given, or clap's exit with its message (or `--help`).
    pub fn read() -> Cli {
        let matches = command().get_matches();
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }
}

/// The command with each numeric setting's range added to its help, from the table the
/// checks use, so the two can't drift apart.
pub fn command() -> clap::Command {
    RANGES.iter().fold(Cli::command(), |command, range| {
        let id = range.variable.to_ascii_lowercase();
        command.mut_arg(id, |arg| {
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            arg.help(format!("{help} (range {}–{})", range.min, range.max))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_shows_each_range_the_checks_use() {
        let command = command();
        for range in RANGES {
            let arg = command
                .get_arguments()
                .find(|arg| arg.get_env().is_some_and(|env| env == range.variable))
                .unwrap_or_else(|| panic!("no setting named {}", range.variable));
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            let shown = format!("(range {}–{})", range.min, range.max);
            assert!(help.ends_with(&shown), "{}: {help}", range.variable);
        }
    }
}
