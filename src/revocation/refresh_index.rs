//! Which sign-in a refresh token belongs to, so a logout that sends only the refresh token
//! can refuse that sign-in's access tokens here at once, not just ask Cognito to revoke it.
//!
//! Each refresh token the service hands out is recorded, until it expires, as a keyed hash
//! (HMAC-SHA-256 under a key derived from SESSION_ENCRYPTION_KEY) beside its user and
//! `origin_jti`. The token itself is never stored, and without the key a copy of the table
//! can't even confirm a guess.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use sqlx::{AnyPool, Row};

use crate::clock::now_seconds;

const KEY_INFO: &[u8] = b"cognito-bff refresh-token index v1";

/// The sign-in a refresh token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshOrigin {
    pub sub: String,
    /// Cognito's internal username.
    pub username: String,
    pub origin_jti: String,
    /// Seconds: when the refresh token stops working anyway.
    pub expires_at: i64,
}

pub struct RefreshIndex {
    pool: AnyPool,
    /// The current key first, then the previous one, so rows written before a key rotation
    /// are still found.
    keys: Vec<[u8; 32]>,
}

/// What this needs of an access token Cognito just issued. Not verified: it came straight
/// from Cognito, and only says which sign-in to remember.
#[derive(Deserialize)]
struct Issued {
    sub: String,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    origin_jti: Option<String>,
    #[serde(default)]
    jti: Option<String>,
}

impl RefreshIndex {
    pub fn new(pool: AnyPool, current: &[u8; 32], previous: Option<&[u8; 32]>) -> Self {
        let derive = |key: &[u8; 32]| {
            let mut out = [0u8; 32];
            Hkdf::<Sha256>::new(None, key)
                .expand(KEY_INFO, &mut out)
                .expect("32 bytes is a valid HKDF-SHA-256 length");
            out
        };
        RefreshIndex {
            pool,
            keys: std::iter::once(current)
                .chain(previous)
                .map(derive)
                .collect(),
        }
    }

    fn hash(key: &[u8; 32], refresh_token: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(refresh_token.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Records the refresh token issued with `access_token`, for `lifetime`. Tokens that
    /// don't say which sign-in they belong to are skipped.
    pub async fn remember(
        &self,
        refresh_token: &str,
        access_token: &str,
        lifetime: Duration,
    ) -> Result<(), sqlx::Error> {
        let Some(issued) = payload(access_token) else {
            return Ok(());
        };
        let Some(origin) = issued.origin_jti.or(issued.jti) else {
            return Ok(());
        };
        let expires_at = now_seconds().saturating_add(lifetime.as_secs() as i64);
        sqlx::query(
            "INSERT INTO refresh_tokens (token_hash, sub, username, origin_jti, expires_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (token_hash) DO UPDATE SET sub = excluded.sub, \
             username = excluded.username, origin_jti = excluded.origin_jti, \
             expires_at = excluded.expires_at",
        )
        .bind(Self::hash(&self.keys[0], refresh_token))
        .bind(&issued.sub)
        .bind(issued.username.as_deref().unwrap_or(&issued.sub))
        .bind(origin)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The sign-in `refresh_token` belongs to, if it was issued here and has not expired.
    pub async fn find(&self, refresh_token: &str) -> Result<Option<RefreshOrigin>, sqlx::Error> {
        for key in &self.keys {
            let row = sqlx::query(
                "SELECT sub, username, origin_jti, expires_at FROM refresh_tokens \
                 WHERE token_hash = $1 AND expires_at > $2",
            )
            .bind(Self::hash(key, refresh_token))
            .bind(now_seconds())
            .fetch_optional(&self.pool)
            .await?;
            if let Some(row) = row {
                return Ok(Some(RefreshOrigin {
                    sub: row.try_get("sub")?,
                    username: row.try_get("username")?,
                    origin_jti: row.try_get("origin_jti")?,
                    expires_at: row.try_get("expires_at")?,
                }));
            }
        }
        Ok(None)
    }

    /// Forgets a refresh token that no longer works.
    pub async fn forget(&self, refresh_token: &str) -> Result<(), sqlx::Error> {
        for key in &self.keys {
            sqlx::query("DELETE FROM refresh_tokens WHERE token_hash = $1")
                .bind(Self::hash(key, refresh_token))
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Drops records of expired refresh tokens; returns how many.
    pub async fn purge_expired(&self) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM refresh_tokens WHERE expires_at <= $1")
            .bind(now_seconds())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}

/// The claims of a JWT, read without checking it.
fn payload(token: &str) -> Option<Issued> {
    let encoded = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(encoded).ok()?;
    serde_json::from_slice(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_depend_on_the_key() {
        let token = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.refresh";
        let a = RefreshIndex::hash(&[1; 32], token);
        assert_eq!(a, RefreshIndex::hash(&[1; 32], token));
        assert_ne!(a, RefreshIndex::hash(&[2; 32], token));
        assert!(!a.contains("refresh"));
    }

    #[test]
    fn reads_the_sign_in_from_an_access_token() {
        let claims = URL_SAFE_NO_PAD.encode(br#"{"sub":"s","origin_jti":"o","jti":"j"}"#);
        let issued = payload(&format!("h.{claims}.sig")).unwrap();
        assert_eq!(
            (issued.sub.as_str(), issued.origin_jti.as_deref()),
            ("s", Some("o"))
        );
        assert!(payload("not a token").is_none());
    }
}
