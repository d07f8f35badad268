//! Every numeric setting's range, in one table: the checks use it, and `--help` shows it.

/// The range of a numeric setting.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub variable: &'static str,
    pub min: u64,
    pub max: u64,
}

const fn range(variable: &'static str, min: u64, max: u64) -> Range {
    Range { variable, min, max }
}

/// Every numeric setting's range: the checks below use it, and `--help` shows it.
pub const RANGES: &[Range] = &[
    range("JWT_LEEWAY_SECONDS", 0, 300),
    range("JWKS_REFRESH_SECONDS", 60, 86_400),
    range("TOKEN_CACHE_CAPACITY", 0, 10_000_000),
    range("REVOCATION_SYNC_SECONDS", 1, 3_600),
    range("RATE_LIMIT_PER_IP", 0, 1_000_000),
    range("RATE_LIMIT_PER_USERNAME", 0, 1_000_000),
    range("RATE_LIMIT_MESSAGES_PER_USERNAME", 0, 1_000_000),
    range("RATE_LIMIT_MFA_FAILURES_PER_USER", 0, 1_000_000),
    range("RATE_LIMIT_PER_USER", 0, 1_000_000),
    range("LOGIN_FAILURE_FLOOR_MS", 0, 10_000),
    range("REQUEST_TIMEOUT_SECONDS", 1, 600),
    range("HTTP_WORKERS", 0, 1_024),
    range("SHUTDOWN_DRAIN_SECONDS", 0, 3_600),
    range("SHUTDOWN_TIMEOUT", 0, 3_600),
    range("REFRESH_TOKEN_VALIDITY_DAYS", 1, 3_650),
    range("DATABASE_MAX_CONNECTIONS", 1, 1_000),
    range("CHALLENGE_TTL_SECONDS", 30, 3_600),
    range("COGNITO_TIMEOUT_SECONDS", 1, 120),
    range("COGNITO_MAX_ATTEMPTS", 1, 10),
    range("SESSION_IDLE_TIMEOUT", 60, 2_592_000),
    range("SESSION_MAX_LIFETIME", 300, 315_360_000),
    range("SESSION_CACHE_CAPACITY", 0, 10_000_000),
    range("RECENT_SIGN_IN_SECONDS", 30, 86_400),
    range("DEVICE_LIFETIME_DAYS", 1, 3_650),
    range("API_UPSTREAM_TIMEOUT_SECONDS", 1, 3_600),
];
