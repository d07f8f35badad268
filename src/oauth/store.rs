//! The flow table, shared by every replica through the database: one row per federated
//! sign-in under way, found by the hash of the id in the browser's cookie, everything else
//! sealed and bound to that hash. A row is used once: the callback claims it with a
//! `DELETE … RETURNING`, so two callbacks with the same cookie can never both get it, and an
//! expired row is gone as soon as anyone asks for it.

use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, Row};

use crate::clock::now_ms;
use crate::vocab::{IdHash, SessionCipher};

/// What a flow's row holds, sealed. Never printed.
#[derive(Clone, Serialize, Deserialize)]
pub struct Flow {
    /// The `state` sent to the authorize endpoint, which the callback must bring back.
    pub state: String,
    /// PKCE's `code_verifier` (RFC 7636), sent only to the token endpoint.
    pub verifier: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// Where the browser goes once signed in, checked against UI_RETURN_URLS when the flow
    /// began.
    pub return_to: String,
}

impl std::fmt::Debug for Flow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Flow(redacted)")
    }
}

/// What claiming a flow found.
#[derive(Debug)]
pub enum Claimed {
    /// The flow, now gone from the table.
    Live(Flow),
    /// Unknown, already claimed, or expired (and now gone).
    Gone,
    /// Sealed under a key this process doesn't have; gone too, as a claim is final.
    Unreadable,
}

#[derive(Clone)]
pub struct FlowStore {
    pool: AnyPool,
    cipher: Arc<SessionCipher>,
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl FlowStore {
    pub fn new(pool: AnyPool, cipher: Arc<SessionCipher>) -> Self {
        FlowStore { pool, cipher }
    }

    /// Stores a flow for `ttl`; returns when it expires (milliseconds since the epoch).
    pub async fn insert(
        &self,
        id_hash: &IdHash,
        flow: &Flow,
        ttl: Duration,
    ) -> Result<i64, sqlx::Error> {
        let json = SecretString::from(
            serde_json::to_string(flow).map_err(|e| sqlx::Error::Encode(Box::new(e)))?,
        );
        let sealed = self
            .cipher
            .seal(&json, id_hash.as_str())
            .map_err(|e| sqlx::Error::Protocol(format!("no randomness for a nonce: {e}")))?;
        let now = now_ms();
        let expires_at = now.saturating_add(millis(ttl));
        sqlx::query(
            "INSERT INTO oauth_flows (id_hash, sealed, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id_hash.as_str())
        .bind(sealed)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(expires_at)
    }

    /// How many flows are under way (not yet expired).
    pub async fn live(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT COUNT(*) FROM oauth_flows WHERE expires_at > $1")
            .bind(now_ms())
            .fetch_one(&self.pool)
            .await
    }

    /// Takes the flow out of the table: whatever the callback makes of it, it is never
    /// there for a second one.
    pub async fn claim(&self, id_hash: &IdHash) -> Result<Claimed, sqlx::Error> {
        let row =
            sqlx::query("DELETE FROM oauth_flows WHERE id_hash = $1 RETURNING sealed, expires_at")
                .bind(id_hash.as_str())
                .fetch_optional(&self.pool)
                .await?;
        let Some(row) = row else {
            return Ok(Claimed::Gone);
        };
        let expires_at: i64 = row.try_get("expires_at")?;
        if expires_at <= now_ms() {
            return Ok(Claimed::Gone);
        }
        let sealed: String = row.try_get("sealed")?;
        let opened = self
            .cipher
            .open(&sealed, id_hash.as_str())
            .and_then(|json| serde_json::from_str(json.expose_secret()).ok());
        Ok(match opened {
            Some(flow) => Claimed::Live(flow),
            None => {
                tracing::warn!(
                    "a federated sign-in's record can't be decrypted; check SESSION_ENCRYPTION_KEY on every replica"
                );
                Claimed::Unreadable
            }
        })
    }

    /// How many flows are stored, expired ones included until the purge.
    pub async fn count(&self) -> Result<u64, sqlx::Error> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM oauth_flows")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>("n")?.max(0) as u64)
    }

    /// Deletes expired flows (sign-ins abandoned at the provider); returns how many.
    pub async fn purge_expired(&self) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM oauth_flows WHERE expires_at <= $1")
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
