//! Ended sessions, told to every replica before the answer goes.
//!
//! Each replica caches the sessions it read lately (`cache.rs`), so ending a session must
//! reach every cache before the request that ended it is answered: the browser's next
//! request may go to any replica. The database carries it:
//!
//! - An end (one session, or every session of a user) is a row of `session_ends`, numbered
//!   by a one-row counter in the same transaction as the delete, so numbers follow commit
//!   order and a replica that has read up to `n` has missed none below it.
//! - Each replica reads new rows as soon as Postgres notifies it (on SQLite, by polling),
//!   drops them from its cache, and then reports the number it has heard up to, with a
//!   lease: it serves from its cache only while the lease it last wrote is running.
//! - The replica that ended a session waits until every replica with a running lease has
//!   heard of it. A replica that stops answering holds the wait at most until its lease runs
//!   out, and then serves nothing from its cache until it has caught up.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use sqlx::{Any, AnyPool, Row, Transaction};

use super::cache::SessionCache;
use crate::db::Backend;

const CHANNEL: &str = "cognito_bff_session_ends";

/// How long a replica's report holds: the longest an end can wait for a replica that has
/// stopped answering.
pub const LEASE: Duration = Duration::from_secs(3);
/// How often a replica renews its lease (and reads new ends, when nothing woke it sooner).
const RENEW_EVERY: Duration = Duration::from_secs(1);
/// How often a replica on SQLite, which has no notifications, looks for new ends.
const POLL: Duration = Duration::from_millis(100);
/// How often an end looks again at which replicas have heard of it.
const WAIT_POLL: Duration = Duration::from_millis(5);
/// Ends and silent replicas' rows are kept this long: far beyond any lease.
const KEEP_MS: i64 = 3_600_000;

/// What ended.
#[derive(Debug, Clone, Copy)]
pub enum End<'a> {
    /// One session, by the hash of its id.
    Session(&'a str),
    /// Every session of a user, by `sub`.
    User(&'a str),
}

pub struct SessionEnds {
    pool: AnyPool,
    backend: Backend,
    /// This process, in `session_replicas`.
    replica: String,
    cache: Option<Arc<SessionCache>>,
    /// The newest end applied to the cache.
    heard: AtomicI64,
    /// Held through each step and the release, so no step renews a lease given back.
    released: tokio::sync::Mutex<bool>,
}

impl SessionEnds {
    pub fn new(pool: AnyPool, backend: Backend, cache: Option<Arc<SessionCache>>) -> Arc<Self> {
        let mut id = [0u8; 12];
        // Only needs to differ between replicas; a clock-based id would do as well.
        let replica = match getrandom::fill(&mut id) {
            Ok(()) => id.iter().map(|b| format!("{b:02x}")).collect(),
            Err(_) => format!("{}-{}", std::process::id(), crate::clock::now_ms()),
        };
        Arc::new(SessionEnds {
            pool,
            backend,
            replica,
            cache,
            heard: AtomicI64::new(0),
            released: tokio::sync::Mutex::new(false),
        })
    }

    pub fn cache(&self) -> Option<&Arc<SessionCache>> {
        self.cache.as_ref()
    }

    /// Records `end` in the transaction that deleted or moved the row: its number.
    pub async fn record(
        &self,
        tx: &mut Transaction<'static, Any>,
        end: End<'_>,
    ) -> Result<i64, sqlx::Error> {
        // The counter's row stays locked until the commit, so ends are numbered in the order
        // they commit.
        let seq: i64 =
            sqlx::query("UPDATE session_end_counter SET seq = seq + 1 WHERE one = 1 RETURNING seq")
                .fetch_one(&mut **tx)
                .await?
                .try_get("seq")?;
        let (id_hash, sub) = match end {
            End::Session(id_hash) => (Some(id_hash), None),
            End::User(sub) => (None, Some(sub)),
        };
        sqlx::query(&format!(
            "INSERT INTO session_ends (seq, id_hash, sub, ended_at) VALUES ($1, $2, $3, {})",
            self.backend.now_ms_sql()
        ))
        .bind(seq)
        .bind(id_hash)
        .bind(sub)
        .execute(&mut **tx)
        .await?;
        if self.backend == Backend::Postgres {
            // Delivered when the transaction commits, and only if it does.
            sqlx::query("SELECT pg_notify($1, '')")
                .bind(CHANNEL)
                .execute(&mut **tx)
                .await?;
        }
        Ok(seq)
    }

    /// Drops what ended from this replica's cache.
    pub fn forget(&self, end: End<'_>) {
        if let Some(cache) = &self.cache {
            match end {
                End::Session(id_hash) => cache.forget(id_hash),
                End::User(sub) => cache.forget_user(sub),
            }
        }
    }

    /// After the commit of end `seq` (and its drop here): waits until every other replica
    /// holding a lease has heard of it, or its lease has run out.
    pub async fn told_everywhere(&self, seq: i64) {
        if seq <= 0 {
            return;
        }
        let started = Instant::now();
        // Past this, every lease written before the end committed has run out; a replica that
        // renews later has caught up first.
        let deadline = started + LEASE + Duration::from_millis(100);
        // Leases that ran out less than a lease ago count too: a database clock that steps
        // forward must not make a running lease look over. The deadline above still bounds
        // the wait.
        let query = format!(
            "SELECT COUNT(*) AS n FROM session_replicas \
             WHERE id <> $1 AND heard < $2 AND lease_until > {} - $3",
            self.backend.now_ms_sql()
        );
        loop {
            let waiting = sqlx::query(&query)
                .bind(&self.replica)
                .bind(seq)
                .bind(LEASE.as_millis() as i64)
                .fetch_one(&self.pool)
                .await
                .and_then(|row| row.try_get::<i64, _>("n"));
            match waiting {
                Ok(0) => return,
                Ok(_) if Instant::now() >= deadline => {
                    tracing::warn!(
                        "a replica did not hear of an ended browser session within its lease"
                    );
                    return;
                }
                Ok(_) => tokio::time::sleep(WAIT_POLL).await,
                Err(e) => {
                    // Can't tell who has heard: wait out every lease instead.
                    tracing::warn!(error = %e, "cannot read which replicas heard of an ended browser session; waiting out their leases");
                    tokio::time::sleep_until(deadline.into()).await;
                    return;
                }
            }
        }
    }

    /// Renews the lease, then reads the ends past the last one heard into the cache, then
    /// reports what it heard. In that order: an end committed before the lease was written is
    /// in what is read after it, and one committed later finds the lease running and waits
    /// for the report. A replica whose lease ran out starts afresh: its whole cache goes.
    async fn step(&self, cache: &SessionCache) -> Result<(), sqlx::Error> {
        let released = self.released.lock().await;
        if *released {
            return Ok(());
        }
        let sent = Instant::now();
        let was_trusted = cache.trusted();
        let reported = self.heard.load(Ordering::Acquire);
        sqlx::query(&format!(
            "INSERT INTO session_replicas (id, heard, lease_until) VALUES ($1, $2, {now} + $3) \
             ON CONFLICT (id) DO UPDATE SET heard = excluded.heard, lease_until = excluded.lease_until",
            now = self.backend.now_ms_sql()
        ))
        .bind(&self.replica)
        .bind(reported)
        .bind(LEASE.as_millis() as i64)
        .execute(&self.pool)
        .await?;
        if was_trusted {
            let rows = sqlx::query(
                "SELECT seq, id_hash, sub FROM session_ends WHERE seq > $1 ORDER BY seq",
            )
            .bind(reported)
            .fetch_all(&self.pool)
            .await?;
            for row in rows {
                let seq: i64 = row.try_get("seq")?;
                let id_hash: Option<String> = row.try_get("id_hash")?;
                let sub: Option<String> = row.try_get("sub")?;
                match (&id_hash, &sub) {
                    (Some(id_hash), _) => cache.forget(id_hash),
                    (None, Some(sub)) => cache.forget_user(sub),
                    (None, None) => {}
                }
                self.heard.fetch_max(seq, Ordering::AcqRel);
            }
        } else {
            let seq = self.counter().await?;
            // Whatever ended up to `seq` is gone from the cache with everything else; a row
            // read before this is not cached after it.
            cache.forget_all();
            self.heard.store(seq, Ordering::Release);
        }
        let heard = self.heard.load(Ordering::Acquire);
        if heard != reported {
            sqlx::query("UPDATE session_replicas SET heard = $1 WHERE id = $2")
                .bind(heard)
                .bind(&self.replica)
                .execute(&self.pool)
                .await?;
        }
        if let Some(gap) = cache.lapsed() {
            // Silent otherwise: the only trace would be more reads from the database.
            lapses().increment(1);
            tracing::warn!(
                gap_ms = u64::try_from(gap.as_millis()).unwrap_or(u64::MAX),
                "the session cache's lease ran out before it was renewed; signed-in requests read the database meanwhile"
            );
        }
        // The lease began at the database after `sent`: this replica's ends no later.
        cache.trust_until(sent + LEASE);
        Ok(())
    }

    /// Takes the first lease, so the cache serves from the first request.
    pub async fn start(&self) -> Result<(), sqlx::Error> {
        match &self.cache {
            Some(cache) => {
                // Shown from the start, at 0, so an alert on its increase has a baseline.
                lapses().increment(0);
                self.step(cache).await
            }
            None => Ok(()),
        }
    }

    /// Keeps this replica's cache in step with every other replica's ends until the process
    /// ends. Without a cache there is nothing to keep, and no lease for others to wait on.
    pub async fn follow(self: Arc<Self>, database_url: String) {
        let Some(cache) = self.cache.clone() else {
            return;
        };
        let mut listener = None;
        let mut tick = tokio::time::interval(match self.backend {
            Backend::Postgres => RENEW_EVERY,
            Backend::Sqlite => POLL,
        });
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut renewed = cache.trusted().then(Instant::now);
        loop {
            if self.backend == Backend::Postgres && listener.is_none() {
                listener = listen(&database_url).await;
            }
            let woken = match listener.as_mut() {
                Some(l) => tokio::select! {
                    heard = l.recv() => {
                        if heard.is_err() {
                            listener = None;
                        }
                        true
                    }
                    _ = tick.tick() => false,
                },
                None => {
                    tick.tick().await;
                    false
                }
            };
            // On SQLite most ticks find nothing new: the lease is written when something was
            // heard, or when it is due.
            let due = renewed.is_none_or(|at| at.elapsed() >= RENEW_EVERY);
            if !woken && !due && self.backend == Backend::Sqlite && !self.news().await {
                continue;
            }
            match self.step(&cache).await {
                Ok(()) => renewed = Some(Instant::now()),
                Err(e) => tracing::warn!(error = %e, "reading ended browser sessions failed"),
            }
        }
    }

    /// The newest end recorded: what a request that found its session already ended waits
    /// for, since the request that ended it may not have been told everywhere yet. Unreadable,
    /// every end there could be (the wait then outlasts every lease).
    pub async fn newest_or_all(&self) -> i64 {
        self.counter().await.unwrap_or(i64::MAX)
    }

    /// The number of the newest end recorded.
    async fn counter(&self) -> Result<i64, sqlx::Error> {
        sqlx::query("SELECT seq FROM session_end_counter WHERE one = 1")
            .fetch_one(&self.pool)
            .await?
            .try_get("seq")
    }

    /// Gives this replica's lease back as it stops, so no end waits for it to run out.
    pub async fn release(&self) {
        let Some(cache) = &self.cache else {
            return;
        };
        let mut released = self.released.lock().await;
        *released = true;
        cache.distrust();
        if let Err(e) = sqlx::query("DELETE FROM session_replicas WHERE id = $1")
            .bind(&self.replica)
            .execute(&self.pool)
            .await
        {
            tracing::warn!(error = %e, "could not give the session cache's lease back");
        }
    }

    /// Whether an end past the last one heard is recorded.
    async fn news(&self) -> bool {
        self.counter()
            .await
            .is_ok_and(|seq| seq > self.heard.load(Ordering::Acquire))
    }

    /// Forgets ends and replicas no lease can still need.
    pub async fn purge_expired(&self) -> Result<u64, sqlx::Error> {
        let now = self.backend.now_ms_sql();
        let ends = sqlx::query(&format!(
            "DELETE FROM session_ends WHERE ended_at < {now} - $1"
        ))
        .bind(KEEP_MS)
        .execute(&self.pool)
        .await?;
        let replicas = sqlx::query(&format!(
            "DELETE FROM session_replicas WHERE lease_until < {now} - $1"
        ))
        .bind(KEEP_MS)
        .execute(&self.pool)
        .await?;
        Ok(ends.rows_affected() + replicas.rows_affected())
    }
}

async fn listen(database_url: &str) -> Option<sqlx::postgres::PgListener> {
    match sqlx::postgres::PgListener::connect(database_url).await {
        Ok(mut listener) => match listener.listen(CHANNEL).await {
            Ok(()) => Some(listener),
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for ended browser sessions");
                None
            }
        },
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for ended browser sessions");
            None
        }
    }
}

/// `browser_session_cache_lapses_total`: how often this replica's lease ran out before it was
/// renewed (a slow or unreachable database), each time leaving its cache unused until then.
fn lapses() -> metrics::Counter {
    metrics::counter!("browser_session_cache_lapses_total")
}
