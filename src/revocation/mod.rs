//! Revocation that takes effect at once: Cognito's JWTs stay cryptographically valid until
//! `exp` after a logout, so revoked sign-ins and signed-out users are recorded here and refused
//! by the verifier on every replica.
//!
//! The database is the source of truth. Each replica keeps the live rows in memory, because
//! the check sits on the path of every request; the replica that revokes updates its memory
//! at once, and the others learn of it from a Postgres notification (milliseconds) or, as a
//! backstop and on SQLite, from polling every `sync_interval`.

mod refresh_index;
mod set;

pub use refresh_index::{RefreshIndex, RefreshOrigin};
pub use set::{Entry, Id, RevocationSet};

use std::sync::{Arc, RwLock};
use std::time::Duration;

use sqlx::{AnyPool, Row};
use tokio::sync::watch;

use crate::clock::now_seconds;
use crate::db::Backend;
use cognito_verifier::{Revocations, TokenIdentity};

const CHANNEL: &str = "cognito_bff_revocations";
/// Rows are re-read this far behind the newest seen, so a row committed late, or stamped by a
/// replica whose clock runs behind, is not missed.
const OVERLAP_MS: i64 = 10_000;
/// How far a confirmed sign-out's `not_before` reaches past the moment it is confirmed: room
/// for Cognito's clock running that much ahead of the database's, so a token minted just
/// before the sign-out took effect is still covered.
const CLOCK_MARGIN_SECONDS: i64 = 1;
/// The longest an access token can live in Cognito: what a revocation that only has to
/// outlast the tokens already issued must cover.
pub const MAX_ACCESS_TOKEN_LIFETIME: i64 = 24 * 3600;

/// How many revoked sign-ins one user may have on the list before a logout ends all of the
/// user's tokens instead, which one entry covers: someone signing in and out in a loop would
/// otherwise grow the list on every replica without end.
pub const MAX_REVOKED_SIGN_INS_PER_USER: i64 = 32;

pub struct RevocationList {
    pool: AnyPool,
    backend: Backend,
    live: RwLock<RevocationSet>,
    /// Newest `revoked_at` read from the database, milliseconds of the database's clock.
    cursor: std::sync::atomic::AtomicI64,
    /// Bumped whenever the live set changes; lets tests and metrics watch propagation.
    changes: watch::Sender<u64>,
}

/// A sign-out everywhere as recorded: the database's instant, which `confirm_sign_out` needs.
#[derive(Debug, Clone, Copy)]
pub struct SignOut {
    revoked_at_ms: i64,
}

impl Revocations for RevocationList {
    fn is_revoked(&self, token: TokenIdentity<'_>) -> bool {
        let live = self.live.read().unwrap_or_else(|e| e.into_inner());
        live.is_revoked(token, now_seconds())
    }
}

impl RevocationList {
    pub fn new(pool: AnyPool, backend: Backend) -> Arc<Self> {
        Arc::new(RevocationList {
            pool,
            backend,
            live: RwLock::new(RevocationSet::default()),
            cursor: std::sync::atomic::AtomicI64::new(0),
            changes: watch::channel(0).0,
        })
    }

    /// Notified whenever the live set changes.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// How many revocations are live in memory.
    pub fn len(&self) -> usize {
        self.live.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// How many of `sub`'s sign-ins are on the list, by every replica's count.
    pub async fn sessions_of(&self, sub: &str) -> Result<i64, sqlx::Error> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM revocations WHERE sub = $1 AND id LIKE 'jti:%' \
             AND expires_at > $2",
        )
        .bind(sub)
        .bind(now_seconds())
        .fetch_one(&self.pool)
        .await?;
        row.try_get("n")
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Milliseconds of the database's clock, so a replica whose own clock runs ahead can't
    /// push the others' cursors past rows.
    fn database_now_ms(&self) -> &'static str {
        self.backend.now_ms_sql()
    }

    fn greatest(&self) -> &'static str {
        self.backend.greatest()
    }

    /// Refuses every token of one of `sub`'s sign-in sessions (its `origin_jti`, or a lone
    /// token's `jti`) until `expires_at` (seconds). Recording it again changes the expiry.
    pub async fn revoke_session(
        &self,
        sub: &str,
        id: &str,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        let row = sqlx::query(&format!(
            "INSERT INTO revocations (id, sub, not_before, expires_at, revoked_at) \
             VALUES ($1, $2, 0, $3, {now}) \
             ON CONFLICT (id) DO UPDATE SET sub = excluded.sub, \
             expires_at = excluded.expires_at, revoked_at = excluded.revoked_at \
             RETURNING revoked_at",
            now = self.database_now_ms()
        ))
        .bind(format!("jti:{id}"))
        .bind(sub)
        .bind(expires_at)
        .fetch_one(&self.pool)
        .await?;
        let entry = Entry::Session {
            sub: Some(sub.to_owned()),
            id: id.to_owned(),
            expires_at,
            revoked_at_ms: row.try_get("revoked_at")?,
        };
        self.publish(&entry, id).await;
        Ok(())
    }

    /// Refuses every token of `sub` issued up to now (by the database's clock) until
    /// `expires_at` (seconds). An earlier sign-out's reach is never shortened.
    pub async fn revoke_user(&self, sub: &str, expires_at: i64) -> Result<SignOut, sqlx::Error> {
        let greatest = self.greatest();
        let row = sqlx::query(&format!(
            "INSERT INTO revocations (id, sub, not_before, expires_at, revoked_at, supersedes_before) \
             VALUES ($1, $2, {now} / 1000, $3, {now}, NULL) \
             ON CONFLICT (id) DO UPDATE SET sub = excluded.sub, \
             not_before = {greatest}(revocations.not_before, excluded.not_before), \
             expires_at = {greatest}(revocations.expires_at, excluded.expires_at), \
             revoked_at = excluded.revoked_at \
             RETURNING not_before, expires_at, revoked_at, supersedes_before",
            now = self.database_now_ms()
        ))
        .bind(format!("sub:{sub}"))
        .bind(sub)
        .bind(expires_at)
        .fetch_one(&self.pool)
        .await?;
        let revoked_at_ms = row.try_get("revoked_at")?;
        let entry = Entry::User {
            sub: sub.to_owned(),
            not_before: row.try_get("not_before")?,
            expires_at: row.try_get("expires_at")?,
            supersedes_before_ms: row.try_get("supersedes_before")?,
        };
        self.publish(&entry, sub).await;
        Ok(SignOut { revoked_at_ms })
    }

    /// The database's clock now, to begin a sign-out everywhere that is recorded only once
    /// Cognito has done it: sessions revoked before this began are the ones it supersedes.
    pub async fn begin_sign_out(&self) -> Result<SignOut, sqlx::Error> {
        let row = sqlx::query(&format!("SELECT {} AS now", self.database_now_ms()))
            .fetch_one(&self.pool)
            .await?;
        Ok(SignOut {
            revoked_at_ms: row.try_get("now")?,
        })
    }

    /// Cognito has ended every refresh token of `sub`. Tokens minted until then are refused
    /// from now on: the sign-out's `not_before` moves to now (by the database's clock, with a
    /// margin). The sessions revoked before the sign-out began can mint nothing more, and
    /// every token they issued is older than that, so their entries are dropped here and,
    /// through the next sync, everywhere. "Before" includes the sign-out's own millisecond:
    /// Cognito's sign-out came after it, so it ended those sessions' refresh tokens too.
    pub async fn confirm_sign_out(&self, sub: &str, sign_out: SignOut) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(&format!(
            "UPDATE revocations SET not_before = {greatest}(not_before, {now} / 1000 + {margin}), \
             expires_at = {greatest}(expires_at, {now} / 1000 + {margin} + {lifetime}), \
             supersedes_before = $1, revoked_at = {now} \
             WHERE id = $2 RETURNING not_before, expires_at",
            now = self.database_now_ms(),
            greatest = self.greatest(),
            margin = CLOCK_MARGIN_SECONDS,
            lifetime = MAX_ACCESS_TOKEN_LIFETIME,
        ))
        .bind(sign_out.revoked_at_ms)
        .bind(format!("sub:{sub}"))
        .fetch_optional(&mut *tx)
        .await?;
        // Gone already (purged, or replaced): nothing to confirm.
        let Some(row) = row else {
            return Ok(());
        };
        sqlx::query(
            "DELETE FROM revocations WHERE sub = $1 AND id LIKE 'jti:%' AND revoked_at <= $2",
        )
        .bind(sub)
        .bind(sign_out.revoked_at_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let entry = Entry::User {
            sub: sub.to_owned(),
            not_before: row.try_get("not_before")?,
            expires_at: row.try_get("expires_at")?,
            supersedes_before_ms: Some(sign_out.revoked_at_ms),
        };
        self.publish(&entry, sub).await;
        Ok(())
    }

    /// Applies a recorded row here, and tells the other replicas.
    async fn publish(&self, entry: &Entry, name: &str) {
        self.apply(entry);
        if self.backend == Backend::Postgres {
            // Other replicas listen; a lost notification is caught by their next poll.
            if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(name)
                .execute(&self.pool)
                .await
            {
                tracing::warn!(error = %e, "revocation notification failed");
            }
        }
    }

    fn apply(&self, entry: &Entry) -> bool {
        let changed = self
            .live
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .apply(entry);
        if changed {
            self.changes.send_modify(|n| *n += 1);
        }
        changed
    }

    /// Reads rows revoked since the last sync into memory.
    pub async fn sync(&self) -> Result<(), sqlx::Error> {
        use std::sync::atomic::Ordering;
        let since = self.cursor.load(Ordering::Relaxed) - OVERLAP_MS;
        let rows = sqlx::query(
            "SELECT id, sub, not_before, expires_at, revoked_at, supersedes_before \
             FROM revocations WHERE revoked_at > $1 AND expires_at > $2",
        )
        .bind(since)
        .bind(now_seconds())
        .fetch_all(&self.pool)
        .await?;
        for row in rows {
            let id: String = row.try_get("id")?;
            let sub: Option<String> = row.try_get("sub")?;
            let revoked_at_ms: i64 = row.try_get("revoked_at")?;
            let expires_at: i64 = row.try_get("expires_at")?;
            let entry = if let Some(session) = id.strip_prefix("jti:") {
                Entry::Session {
                    sub,
                    id: session.to_owned(),
                    expires_at,
                    revoked_at_ms,
                }
            } else if let Some(user) = id.strip_prefix("sub:") {
                Entry::User {
                    sub: user.to_owned(),
                    not_before: row.try_get("not_before")?,
                    expires_at,
                    supersedes_before_ms: row.try_get("supersedes_before")?,
                }
            } else {
                continue;
            };
            self.apply(&entry);
            self.cursor.fetch_max(revoked_at_ms, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Drops expired revocations from memory and the database.
    pub async fn purge_expired(&self) -> Result<u64, sqlx::Error> {
        let now = now_seconds();
        self.live
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .purge(now);
        let done = sqlx::query("DELETE FROM revocations WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Keeps this replica's memory in step with the database until the process ends.
    pub async fn follow(self: Arc<Self>, database_url: String, sync_interval: Duration) {
        if self.backend == Backend::Postgres {
            let list = self.clone();
            tokio::spawn(async move { list.listen(database_url).await });
        }
        let mut every = tokio::time::interval(sync_interval);
        loop {
            every.tick().await;
            if let Err(e) = self.sync().await {
                tracing::warn!(error = %e, "revocation sync failed");
            }
        }
    }

    /// Syncs as soon as another replica announces a revocation.
    async fn listen(self: Arc<Self>, database_url: String) {
        let mut backoff = Duration::from_millis(500);
        loop {
            match sqlx::postgres::PgListener::connect(&database_url).await {
                Ok(mut listener) => {
                    if listener.listen(CHANNEL).await.is_ok() {
                        backoff = Duration::from_millis(500);
                        // Anything announced while not listening.
                        let _ = self.sync().await;
                        while listener.recv().await.is_ok() {
                            if let Err(e) = self.sync().await {
                                tracing::warn!(error = %e, "revocation sync failed");
                            }
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot listen for revocations"),
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(30));
        }
    }
}
