//! What the browser may see of a session: the user and how they signed in, never a token.

use std::time::Duration;

use cognito_verifier::{AccessClaims, IdClaims};
use serde::Serialize;
use serde_json::{Map, Value};

use super::device::device_label;
use super::stored::StoredSession;

/// `GET /session`, and the answer of a sign-in that ends in a session.
#[derive(Debug, Serialize)]
pub struct SessionView {
    pub user: User,
    /// Seconds since the epoch: when the user last proved who they are.
    pub auth_time: i64,
    /// How they proved it (RFC 8176).
    pub amr: Vec<String>,
    /// Seconds since the epoch, like the two below.
    pub created_at: i64,
    /// The absolute end, however much the session is used.
    pub expires_at: i64,
    /// When it ends if it goes unused from now.
    pub idle_expires_at: i64,
    /// `POST` here (with `X-CSRF: 1`) to sign out.
    pub logout_url: String,
}

#[derive(Debug, Serialize)]
pub struct User {
    pub sub: String,
    pub username: String,
    pub groups: Vec<String>,
    /// The user's attributes as the ID token states them.
    pub attributes: Map<String, Value>,
}

/// Claims of an ID token that describe the token, not the user.
const NOT_ATTRIBUTES: &[&str] = &[
    "iss",
    "aud",
    "exp",
    "iat",
    "nbf",
    "jti",
    "origin_jti",
    "event_id",
    "at_hash",
    "nonce",
    "token_use",
    "auth_time",
    "sub",
];

impl SessionView {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        claims: &AccessClaims,
        id_claims: Option<&IdClaims>,
        auth_time: i64,
        amr: Vec<String>,
        created_at_ms: i64,
        expires_at_ms: i64,
        last_seen_at_ms: i64,
        idle_timeout: Duration,
    ) -> Self {
        let mut attributes = Map::new();
        if let Some(id) = id_claims {
            if let Some(email) = &id.email {
                attributes.insert("email".into(), Value::String(email.clone()));
            }
            for (name, value) in &id.other {
                if !NOT_ATTRIBUTES.contains(&name.as_str()) && !name.starts_with("cognito:") {
                    attributes.insert(name.clone(), value.clone());
                }
            }
        }
        let idle_ends = last_seen_at_ms / 1000 + idle_timeout.as_secs() as i64;
        SessionView {
            user: User {
                sub: claims.sub.clone(),
                username: claims
                    .username
                    .clone()
                    .unwrap_or_else(|| claims.sub.clone()),
                groups: claims.groups.clone(),
                attributes,
            },
            auth_time,
            amr,
            created_at: created_at_ms / 1000,
            expires_at: expires_at_ms / 1000,
            idle_expires_at: idle_ends.min(expires_at_ms / 1000),
            logout_url: "/logout".to_owned(),
        }
    }
}

/// One entry of `GET /sessions`.
#[derive(Debug, Serialize)]
pub struct SessionSummary {
    /// Names the session to `DELETE /sessions/{id}`; not the cookie.
    pub id: String,
    /// The session this request is made with.
    pub current: bool,
    /// A readable device, from the user agent: "Chrome on Android".
    pub device: String,
    pub user_agent: String,
    pub ip: String,
    /// Seconds since the epoch, like the two below.
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

impl SessionSummary {
    pub fn new(session: &StoredSession, current: bool, idle_timeout: Duration) -> Self {
        let idle_ends = session.last_seen_at / 1000 + idle_timeout.as_secs() as i64;
        SessionSummary {
            id: session.public_id.to_string(),
            current,
            device: device_label(&session.user_agent),
            user_agent: session.user_agent.to_string(),
            ip: session.client_ip.to_string(),
            created_at: session.created_at / 1000,
            last_seen_at: session.last_seen_at / 1000,
            expires_at: idle_ends.min(session.expires_at / 1000),
        }
    }
}
