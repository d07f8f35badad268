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
    /// The sign-ins of the refresh tokens this one replaced by rotation, where Cognito gave
    /// them another `origin_jti`.
    pub earlier: Vec<String>,
    /// Seconds: when the refresh token stops working anyway.
    pub expires_at: i64,
    /// Rotation replaced this token with another, whose holder may not be whoever sends this
    /// one.
    pub replaced: bool,
}

impl RefreshOrigin {
    /// Every sign-in whose access tokens this refresh token's logout refuses.
    pub fn sign_ins(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.origin_jti.as_str()).chain(self.earlier.iter().map(String::as_str))
    }
}

/// How many earlier sign-ins a rotated token carries: a chain longer than this keeps its
/// newest links (the oldest tokens are long expired).
const MAX_EARLIER: usize = 16;

/// How long a replaced token's record stays, so a logout with it is still known to be one:
/// the longest grace period (60 s) and then as long as an access token lives. Past that the
/// record goes, and the table keeps about one row per live chain however often it rotates.
const REPLACED_KEPT_SECONDS: i64 = 60 + crate::revocation::MAX_ACCESS_TOKEN_LIFETIME;

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
        let Some(origin) = issued.origin_jti.clone().or(issued.jti.clone()) else {
            return Ok(());
        };
        let expires_at = now_seconds().saturating_add(lifetime.as_secs() as i64);
        self.insert(refresh_token, &issued, &origin, &[], expires_at)
            .await
    }

    /// Records a refresh token that rotation handed out in place of `previous`: it belongs to
    /// the same chain, so it names the sign-ins of the tokens before it too, and it lives as
    /// long as the first one would have (Cognito's rule for a rotated token). A `previous`
    /// not issued here starts a chain of its own.
    pub async fn remember_rotated(
        &self,
        refresh_token: &str,
        access_token: &str,
        previous: &str,
        lifetime: Duration,
    ) -> Result<(), sqlx::Error> {
        let Some(issued) = payload(access_token) else {
            return Ok(());
        };
        // A chain belongs to one user: a record of someone else's (which Cognito would never
        // rotate into this one) starts nothing.
        let before = match self.find(previous).await? {
            Some(before) if before.sub == issued.sub => before,
            _ => return self.remember(refresh_token, access_token, lifetime).await,
        };
        let origin = issued
            .origin_jti
            .clone()
            .or(issued.jti.clone())
            .unwrap_or_else(|| before.origin_jti.clone());
        let mut earlier: Vec<String> = before
            .sign_ins()
            .filter(|id| *id != origin)
            .map(str::to_owned)
            .collect();
        earlier.dedup();
        earlier.truncate(MAX_EARLIER);
        self.insert(refresh_token, &issued, &origin, &earlier, before.expires_at)
            .await?;
        let now = now_seconds();
        for key in &self.keys {
            sqlx::query(
                "UPDATE refresh_tokens SET replaced_at = $1, \
                 expires_at = CASE WHEN expires_at > $2 THEN $2 ELSE expires_at END \
                 WHERE token_hash = $3 AND replaced_at = 0",
            )
            .bind(now)
            .bind(now + REPLACED_KEPT_SECONDS)
            .bind(Self::hash(key, previous))
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    async fn insert(
        &self,
        refresh_token: &str,
        issued: &Issued,
        origin: &str,
        earlier: &[String],
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO refresh_tokens \
             (token_hash, sub, username, origin_jti, earlier_origins, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (token_hash) DO UPDATE SET sub = excluded.sub, \
             username = excluded.username, origin_jti = excluded.origin_jti, \
             earlier_origins = excluded.earlier_origins, \
             expires_at = CASE WHEN excluded.expires_at > refresh_tokens.expires_at \
             THEN excluded.expires_at ELSE refresh_tokens.expires_at END",
        )
        .bind(Self::hash(&self.keys[0], refresh_token))
        .bind(&issued.sub)
        .bind(issued.username.as_deref().unwrap_or(&issued.sub))
        .bind(origin)
        .bind(earlier.join(" "))
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The sign-in `refresh_token` belongs to, if it was issued here and has not expired.
    pub async fn find(&self, refresh_token: &str) -> Result<Option<RefreshOrigin>, sqlx::Error> {
        for key in &self.keys {
            let row = sqlx::query(
                "SELECT sub, username, origin_jti, earlier_origins, expires_at, replaced_at \
                 FROM refresh_tokens \
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
                    earlier: row
                        .try_get::<String, _>("earlier_origins")?
                        .split_whitespace()
                        .map(str::to_owned)
                        .collect(),
                    expires_at: row.try_get("expires_at")?,
                    replaced: row.try_get::<i64, _>("replaced_at")? != 0,
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
