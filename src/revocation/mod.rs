//! Revocation that takes effect at once: Cognito's JWTs stay cryptographically valid until
//! `exp` after a logout, so revoked sign-ins and signed-out users are recorded here and refused
//! by the verifier on every replica.
//!
//! The database is the source of truth. Each replica keeps the live rows in memory, because
//! the check sits on the path of every request; the replica that revokes updates its memory
//! at once, and the others learn of it from a Postgres notification (milliseconds) or, as a
//! backstop and on SQLite, from polling every `sync_interval`.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sqlx::{AnyPool, Row};
use tokio::sync::watch;

use crate::auth::{Revocations, TokenIdentity};
use crate::challenge::store::now_ms;
use crate::db::Backend;

const CHANNEL: &str = "cognito_bff_revocations";
/// Rows are re-read this far behind the newest seen, so a row committed late, or stamped by a
/// replica whose clock runs behind, is not missed.
const OVERLAP_MS: i64 = 10_000;

#[derive(Default)]
struct Live {
    /// Sign-in sessions (origin_jti) or single tokens (jti) → expiry, seconds.
    ids: HashMap<String, i64>,
    /// Users signed out everywhere → (tokens issued before this are refused, expiry), seconds.
    users: HashMap<String, (i64, i64)>,
}

pub struct RevocationList {
    pool: AnyPool,
    backend: Backend,
    live: RwLock<Live>,
    /// Newest `revoked_at` read from the database, milliseconds of the database's clock.
    cursor: std::sync::atomic::AtomicI64,
    /// Bumped whenever the live set changes; lets tests and metrics watch propagation.
    changes: watch::Sender<u64>,
}

pub fn now_seconds() -> i64 {
    now_ms() / 1000
}

impl Revocations for RevocationList {
    fn is_revoked(&self, token: TokenIdentity<'_>) -> bool {
        let live = self.live.read().unwrap_or_else(|e| e.into_inner());
        if live.ids.is_empty() && live.users.is_empty() {
            return false;
        }
        let now = now_seconds();
        let id_revoked = |id: Option<&str>| {
            id.and_then(|id| live.ids.get(id))
                .is_some_and(|expires| *expires > now)
        };
        if id_revoked(token.origin_jti) || id_revoked(token.jti) {
            return true;
        }
        match (live.users.get(token.sub), token.issued_at) {
            // `iat` has whole seconds: a token from the second of the sign-out is refused too.
            (Some((not_before, expires)), Some(iat)) => *expires > now && iat <= *not_before,
            // A token without `iat` can't prove it came after the sign-out.
            (Some((_, expires)), None) => *expires > now,
            _ => false,
        }
    }
}

impl RevocationList {
    pub fn new(pool: AnyPool, backend: Backend) -> Arc<Self> {
        Arc::new(RevocationList {
            pool,
            backend,
            live: RwLock::new(Live::default()),
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
        let live = self.live.read().unwrap_or_else(|e| e.into_inner());
        live.ids.len() + live.users.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Refuses every token of one sign-in session (its `origin_jti`, or the token's `jti`)
    /// until `expires_at` (seconds).
    pub async fn revoke_session(&self, id: &str, expires_at: i64) -> Result<(), sqlx::Error> {
        self.record(&format!("jti:{id}"), 0, expires_at).await
    }

    /// Refuses every token of `sub` issued before now, until `expires_at` (seconds).
    pub async fn revoke_user(&self, sub: &str, expires_at: i64) -> Result<(), sqlx::Error> {
        self.record(&format!("sub:{sub}"), now_seconds(), expires_at)
            .await
    }

    async fn record(&self, id: &str, not_before: i64, expires_at: i64) -> Result<(), sqlx::Error> {
        // `revoked_at` comes from the database's clock, the one clock every replica shares,
        // so a replica whose own clock runs ahead can't push the others' cursors past rows.
        let database_now_ms = match self.backend {
            Backend::Postgres => "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT",
            Backend::Sqlite => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
        };
        sqlx::query(&format!(
            "INSERT INTO revocations (id, not_before, expires_at, revoked_at) \
             VALUES ($1, $2, $3, {database_now_ms}) \
             ON CONFLICT (id) DO UPDATE SET not_before = excluded.not_before, \
             expires_at = excluded.expires_at, revoked_at = excluded.revoked_at"
        ))
        .bind(id)
        .bind(not_before)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        self.apply(id, not_before, expires_at);
        if self.backend == Backend::Postgres {
            // Other replicas listen; a lost notification is caught by their next poll.
            if let Err(e) = sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(id)
                .execute(&self.pool)
                .await
            {
                tracing::warn!(error = %e, "revocation notification failed");
            }
        }
        Ok(())
    }

    fn apply(&self, id: &str, not_before: i64, expires_at: i64) -> bool {
        let mut live = self.live.write().unwrap_or_else(|e| e.into_inner());
        let changed = if let Some(jti) = id.strip_prefix("jti:") {
            live.ids.insert(jti.to_owned(), expires_at) != Some(expires_at)
        } else if let Some(sub) = id.strip_prefix("sub:") {
            live.users.insert(sub.to_owned(), (not_before, expires_at))
                != Some((not_before, expires_at))
        } else {
            false
        };
        drop(live);
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
            "SELECT id, not_before, expires_at, revoked_at FROM revocations \
             WHERE revoked_at > $1 AND expires_at > $2",
        )
        .bind(since)
        .bind(now_seconds())
        .fetch_all(&self.pool)
        .await?;
        for row in rows {
            let id: String = row.try_get("id")?;
            let revoked_at: i64 = row.try_get("revoked_at")?;
            self.apply(&id, row.try_get("not_before")?, row.try_get("expires_at")?);
            self.cursor.fetch_max(revoked_at, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Drops expired revocations from memory and the database.
    pub async fn purge_expired(&self) -> Result<u64, sqlx::Error> {
        let now = now_seconds();
        {
            let mut live = self.live.write().unwrap_or_else(|e| e.into_inner());
            live.ids.retain(|_, expires| *expires > now);
            live.users.retain(|_, (_, expires)| *expires > now);
        }
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
