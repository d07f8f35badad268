//! Pending challenges, shared by every replica through the database.
//!
//! A row is claimed with a short lease before Cognito is called, in one conditional UPDATE, so
//! two requests carrying the same cookie can never both reach Cognito. The outcome then
//! consumes the row (an answer), counts an attempt (a wrong answer the user may retry), or just
//! drops the lease (Cognito was unreachable), so a transient failure never costs the user the
//! challenge.

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use sqlx::{AnyPool, Row};

use crate::clock::now_ms;
use crate::vocab::Amr;
use crate::vocab::{IdHash, SessionCipher};

/// A pending challenge as stored.
#[derive(Debug)]
pub struct Pending {
    pub session: SecretString,
    pub username: String,
    /// The name typed at sign-in, when it was stored.
    pub login_name: Option<String>,
    pub challenge_name: String,
    /// MFA_SETUP only: the first TOTP code was accepted, and `session` is the one to answer
    /// MFA_SETUP with.
    pub totp_verified: bool,
    /// The attributes Cognito asked for (`userAttributes.<name>`), the only ones an answer may
    /// set.
    pub required_attributes: Vec<String>,
    /// How the user has proved themselves so far in this sign-in.
    pub amr: Amr,
    /// This claim's lease, which only its holder may give back.
    pub lease: Lease,
}

/// Proof of holding a claimed challenge: a request whose lease ran out can no longer release
/// or count an attempt on a challenge that another request has claimed since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lease(i64);

pub struct NewChallenge<'a> {
    pub id_hash: &'a IdHash,
    pub session: &'a SecretString,
    pub username: &'a str,
    pub login_name: &'a str,
    pub challenge_name: &'a str,
    /// Cognito's `requiredAttributes` parameter, as it sent it (a JSON list).
    pub required_attributes: Option<&'a str>,
    pub amr: &'a Amr,
    pub ttl: Duration,
}

/// What a wrong answer did to the challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Counted; the challenge can be answered again.
    Usable,
    /// That was the last allowed: the challenge is gone.
    Exhausted,
    /// Another request holds the challenge now (this one's lease ran out): nothing changed.
    LeaseLost,
}

/// The result of trying to claim a challenge.
#[derive(Debug)]
pub enum Claim {
    Claimed(Pending),
    /// Another request holds the lease right now.
    Busy,
    /// Unknown, expired or already consumed.
    Gone,
    /// Stored under an encryption key this process doesn't have (a key rotation in progress,
    /// or replicas configured differently). Left in place for a replica that has the key.
    Unreadable,
}

#[derive(Clone)]
pub struct ChallengeStore {
    pool: AnyPool,
    lease: Duration,
    cipher: Arc<SessionCipher>,
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl ChallengeStore {
    /// `lease` must outlast one Cognito call, retries included.
    pub fn new(pool: AnyPool, lease: Duration, cipher: Arc<SessionCipher>) -> Self {
        ChallengeStore {
            pool,
            lease,
            cipher,
        }
    }

    pub async fn insert(&self, new: NewChallenge<'_>) -> Result<i64, sqlx::Error> {
        let sealed = self
            .cipher
            .seal(new.session, new.id_hash.as_str())
            .map_err(|e| sqlx::Error::Protocol(format!("no randomness for a nonce: {e}")))?;
        let now = now_ms();
        let expires_at = now.saturating_add(millis(new.ttl));
        sqlx::query(
            "INSERT INTO challenges \
             (id_hash, session, username, login_name, challenge_name, required_attributes, amr, attempts, created_at, expires_at, leased_until) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, 0)",
        )
        .bind(new.id_hash.as_str())
        .bind(sealed)
        .bind(new.username)
        .bind(new.login_name)
        .bind(new.challenge_name)
        .bind(new.required_attributes)
        .bind(new.amr.to_column())
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(expires_at)
    }

    pub async fn claim(&self, id_hash: &IdHash) -> Result<Claim, sqlx::Error> {
        let now = now_ms();
        let lease = Lease(now.saturating_add(millis(self.lease)));
        let row = sqlx::query(
            "UPDATE challenges SET leased_until = $1 \
             WHERE id_hash = $2 AND expires_at > $3 AND leased_until <= $3 \
             RETURNING session, username, login_name, challenge_name, totp_verified, required_attributes, amr",
        )
        .bind(lease.0)
        .bind(id_hash.as_str())
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(row) = row {
            let sealed: String = row.try_get("session")?;
            let Some(session) = self.cipher.open(&sealed, id_hash.as_str()) else {
                tracing::warn!(
                    "a pending challenge can't be decrypted; check SESSION_ENCRYPTION_KEY on every replica"
                );
                self.release(id_hash, lease).await?;
                return Ok(Claim::Unreadable);
            };
            return Ok(Claim::Claimed(Pending {
                session,
                username: row.try_get("username")?,
                login_name: row.try_get("login_name")?,
                challenge_name: row.try_get("challenge_name")?,
                totp_verified: row.try_get::<i64, _>("totp_verified")? != 0,
                // Rows from before the column existed, or a list that doesn't parse, allow none.
                required_attributes: row
                    .try_get::<Option<String>, _>("required_attributes")?
                    .and_then(|text| serde_json::from_str(&text).ok())
                    .unwrap_or_default(),
                amr: Amr::from_column(row.try_get::<Option<String>, _>("amr")?.as_deref()),
                lease,
            }));
        }
        let live = sqlx::query("SELECT 1 FROM challenges WHERE id_hash = $1 AND expires_at > $2")
            .bind(id_hash.as_str())
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        Ok(if live.is_some() {
            Claim::Busy
        } else {
            Claim::Gone
        })
    }

    /// Gives the challenge back untouched: Cognito never judged the answer.
    pub async fn release(&self, id_hash: &IdHash, lease: Lease) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE challenges SET leased_until = 0 WHERE id_hash = $1 AND leased_until = $2",
        )
        .bind(id_hash.as_str())
        .bind(lease.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Counts a wrong answer and gives the challenge back, or deletes it once `max_attempts`
    /// answers were wrong.
    pub async fn record_failed_attempt(
        &self,
        id_hash: &IdHash,
        lease: Lease,
        max_attempts: i64,
    ) -> Result<Attempt, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "UPDATE challenges SET attempts = attempts + 1, leased_until = 0 \
             WHERE id_hash = $1 AND leased_until = $2 RETURNING attempts",
        )
        .bind(id_hash.as_str())
        .bind(lease.0)
        .fetch_optional(&mut *tx)
        .await?;
        let attempts: i64 = match row {
            Some(row) => row.try_get("attempts")?,
            None => return Ok(Attempt::LeaseLost),
        };
        if attempts < max_attempts {
            tx.commit().await?;
            return Ok(Attempt::Usable);
        }
        sqlx::query("DELETE FROM challenges WHERE id_hash = $1")
            .bind(id_hash.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Attempt::Exhausted)
    }

    /// Keeps the session Cognito returned for a verified first TOTP code, under the caller's
    /// lease: a later retry then answers MFA_SETUP with it without checking the code again.
    pub async fn record_totp_verified(
        &self,
        id_hash: &IdHash,
        lease: Lease,
        session: &SecretString,
    ) -> Result<(), sqlx::Error> {
        let sealed = self
            .cipher
            .seal(session, id_hash.as_str())
            .map_err(|e| sqlx::Error::Protocol(format!("no randomness for a nonce: {e}")))?;
        sqlx::query(
            "UPDATE challenges SET session = $1, totp_verified = 1 \
             WHERE id_hash = $2 AND leased_until = $3",
        )
        .bind(sealed)
        .bind(id_hash.as_str())
        .bind(lease.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Moves a claimed challenge to a new id and session in one step (the session changed at
    /// Cognito, and the old cookie must stop working), keeping its count of wrong answers and
    /// its expiry, so moving it never buys time. Returns the expiry, or `None` if the lease was
    /// lost and nothing changed.
    pub async fn replace(
        &self,
        old: &IdHash,
        lease: Lease,
        new: NewChallenge<'_>,
    ) -> Result<Option<i64>, sqlx::Error> {
        let sealed = self
            .cipher
            .seal(new.session, new.id_hash.as_str())
            .map_err(|e| sqlx::Error::Protocol(format!("no randomness for a nonce: {e}")))?;
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(
            "DELETE FROM challenges WHERE id_hash = $1 AND leased_until = $2 \
             RETURNING attempts, created_at, expires_at",
        )
        .bind(old.as_str())
        .bind(lease.0)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let attempts: i64 = row.try_get("attempts")?;
        let created_at: i64 = row.try_get("created_at")?;
        let expires_at: i64 = row.try_get("expires_at")?;
        sqlx::query(
            "INSERT INTO challenges \
             (id_hash, session, username, login_name, challenge_name, required_attributes, amr, attempts, created_at, expires_at, leased_until) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0)",
        )
        .bind(new.id_hash.as_str())
        .bind(sealed)
        .bind(new.username)
        .bind(new.login_name)
        .bind(new.challenge_name)
        .bind(new.required_attributes)
        .bind(new.amr.to_column())
        .bind(attempts)
        .bind(created_at)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(expires_at))
    }

    /// Removes a challenge: answered, or dead at Cognito.
    pub async fn consume(&self, id_hash: &IdHash) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM challenges WHERE id_hash = $1")
            .bind(id_hash.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many challenges are stored, expired ones included until the purge.
    pub async fn count(&self) -> Result<u64, sqlx::Error> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM challenges")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>("n")?.max(0) as u64)
    }

    /// Deletes expired challenges; returns how many.
    pub async fn purge_expired(&self) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM challenges WHERE expires_at <= $1")
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
