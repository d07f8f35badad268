//! The browser-session table, shared by every replica through the database.
//!
//! A refresh is claimed with a short lease in one conditional UPDATE, like a pending
//! challenge: with Cognito's refresh-token rotation a second refresh of the same token would
//! sign the user out, so exactly one request on any replica refreshes, and the others wait for
//! its result (the row's `version` moves on).

use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::cache::{SessionCache, staggered};
use super::ends::{End, SessionEnds};
use super::stored::{SessionTokens, StoredSession};
use crate::clock::now_ms;
use crate::db::Backend;
use crate::vocab::{IdHash, SessionCipher};

pub struct NewSession<'a> {
    pub id_hash: &'a IdHash,
    pub public_id: &'a str,
    pub sub: &'a str,
    pub username: &'a str,
    pub tokens: &'a SessionTokens,
    pub access_expires_at: i64,
    pub auth_time: i64,
    pub amr: &'a str,
    pub lifetime: Duration,
    pub client_ip: &'a str,
    pub user_agent: &'a str,
}

/// The result of looking a session up.
#[derive(Debug)]
pub enum Found {
    Live(Box<StoredSession>),
    /// Unknown, idle too long, past its lifetime, or ended.
    Gone,
    /// Sealed under a key this process doesn't have.
    Unreadable,
}

#[derive(Clone)]
pub struct SessionStore {
    pool: AnyPool,
    cipher: Arc<SessionCipher>,
    idle: Duration,
    refresh_lease: Duration,
    ends: Arc<SessionEnds>,
}

const COLUMNS: &str = "id_hash, public_id, sub, username, tokens, access_expires_at, auth_time, \
                       amr, created_at, last_seen_at, expires_at, client_ip, user_agent, version";

/// `last_seen_at` is written about this often per session (or a quarter of the idle timeout,
/// if that is shorter), each session on its own share of it, three quarters to all
/// ([`staggered`]): the idle timer is that coarse, and a busy session costs about one write a
/// minute, not one per request.
pub const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// Proof of holding a session's refresh claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshLease(i64);

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl SessionStore {
    /// `refresh_lease` must outlast one Cognito refresh, retries included. Up to
    /// `cache_capacity` sessions are kept in memory (0: none; see `cache.rs`).
    pub fn new(
        pool: AnyPool,
        backend: Backend,
        cipher: Arc<SessionCipher>,
        idle: Duration,
        refresh_lease: Duration,
        cache_capacity: u64,
    ) -> Self {
        let ends = SessionEnds::new(
            pool.clone(),
            backend,
            SessionCache::new(cache_capacity, TOUCH_EVERY),
        );
        SessionStore {
            pool,
            cipher,
            idle,
            refresh_lease,
            ends,
        }
    }

    /// The feed of ended sessions, which `SessionEnds::follow` keeps this replica's cache in
    /// step with.
    pub fn ends(&self) -> &Arc<SessionEnds> {
        &self.ends
    }

    fn cache(&self) -> Option<&Arc<SessionCache>> {
        self.ends.cache()
    }

    /// Whether this replica would serve the session from memory now.
    pub fn holds(&self, id_hash: &IdHash) -> bool {
        // `get` serves nothing without the lease.
        self.cache().is_some_and(|cache| {
            cache
                .get(id_hash.as_str(), now_ms(), self.idle, 0)
                .is_some()
        })
    }

    /// Sessions held in this replica's memory.
    pub fn cached(&self) -> u64 {
        self.cache().map_or(0, |cache| cache.len())
    }

    /// Drops every session from this replica's memory, so the next request reads the
    /// database: for a row changed underneath the service (the tests' way to let time pass).
    pub fn forget_cached(&self) {
        if let Some(cache) = self.cache() {
            cache.forget_all();
        }
    }

    pub fn refresh_lease(&self) -> Duration {
        self.refresh_lease
    }

    fn seal(&self, tokens: &SessionTokens, id_hash: &IdHash) -> Result<String, sqlx::Error> {
        let json = SecretString::from(
            serde_json::to_string(tokens).map_err(|e| sqlx::Error::Encode(Box::new(e)))?,
        );
        self.cipher
            .seal(&json, id_hash.as_str())
            .map_err(|e| sqlx::Error::Protocol(format!("no randomness for a nonce: {e}")))
    }

    fn open(&self, sealed: &str, id_hash: &str) -> Option<SessionTokens> {
        let json = self.cipher.open(sealed, id_hash)?;
        serde_json::from_str(json.expose_secret()).ok()
    }

    pub async fn insert(&self, new: NewSession<'_>) -> Result<(), sqlx::Error> {
        let sealed = self.seal(new.tokens, new.id_hash)?;
        let now = now_ms();
        sqlx::query(
            "INSERT INTO browser_sessions \
             (id_hash, public_id, sub, username, tokens, access_expires_at, auth_time, amr, \
              created_at, last_seen_at, expires_at, client_ip, user_agent, refresh_leased_until, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, 0, 0)",
        )
        .bind(new.id_hash.as_str())
        .bind(new.public_id)
        .bind(new.sub)
        .bind(new.username)
        .bind(sealed)
        .bind(new.access_expires_at)
        .bind(new.auth_time)
        .bind(new.amr)
        .bind(now)
        .bind(now.saturating_add(millis(new.lifetime)))
        .bind(new.client_ip)
        .bind(new.user_agent)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The live session under `id_hash` for a request to use, its access token good until at
    /// least `access_until` (seconds): from this replica's cache when it holds it, else as
    /// `find` reads it, and then kept.
    pub async fn find_for_use(
        &self,
        id_hash: &IdHash,
        access_until: i64,
    ) -> Result<Found, sqlx::Error> {
        let Some(cache) = self.cache() else {
            return self.find(id_hash).await;
        };
        let now = now_ms();
        if let Some(cached) = cache.get(id_hash.as_str(), now, self.idle, access_until) {
            reads().memory.increment(1);
            return Ok(Found::Live(Box::new(cached.session())));
        }
        reads().database.increment(1);
        let ticket = cache.ticket();
        // Boxed: a query's future is large, and a hit should not carry it.
        let found = Box::pin(self.find(id_hash)).await?;
        if let Found::Live(session) = &found {
            cache.insert(ticket, StoredSession::clone(session));
        }
        Ok(found)
    }

    /// The live session under `id_hash`, read from the database: not idle past the timeout,
    /// not past its lifetime.
    pub async fn find(&self, id_hash: &IdHash) -> Result<Found, sqlx::Error> {
        Ok(match self.read(id_hash).await? {
            Some(row) => self.opened(row),
            None => Found::Gone,
        })
    }

    fn opened(&self, row: SealedRow) -> Found {
        match self.open_row(row) {
            Some(session) => Found::Live(Box::new(session)),
            None => {
                tracing::warn!(
                    "a browser session can't be decrypted; check SESSION_ENCRYPTION_KEY on every replica"
                );
                Found::Unreadable
            }
        }
    }

    async fn read(&self, id_hash: &IdHash) -> Result<Option<SealedRow>, sqlx::Error> {
        let now = now_ms();
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM browser_sessions \
             WHERE id_hash = $1 AND expires_at > $2 AND last_seen_at > $3"
        ))
        .bind(id_hash.as_str())
        .bind(now)
        .bind(now.saturating_sub(millis(self.idle)))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(sealed_row).transpose()
    }

    fn row(&self, row: &AnyRow) -> Result<Option<StoredSession>, sqlx::Error> {
        Ok(self.open_row(sealed_row(row)?))
    }

    fn open_row(&self, row: SealedRow) -> Option<StoredSession> {
        let tokens = self.open(&row.sealed, &row.id_hash)?;
        Some(StoredSession {
            id_hash: IdHash::from_stored(row.id_hash),
            public_id: row.public_id.into(),
            sub: row.sub.into(),
            username: row.username.into(),
            tokens: Arc::new(tokens),
            access_expires_at: row.access_expires_at,
            auth_time: row.auth_time,
            amr: row.amr.into(),
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
            client_ip: row.client_ip.into(),
            user_agent: row.user_agent.into(),
            version: row.version,
        })
    }

    /// Restarts the idle timer, at most once per the session's own period: between three
    /// quarters of `TOUCH_EVERY` (or of a quarter of the idle timeout, if shorter) and all of
    /// it ([`staggered`]), so the idle timer is no coarser than before.
    pub async fn touch(&self, session: &StoredSession) -> Result<(), sqlx::Error> {
        let now = now_ms();
        if !last_seen_due(session, now, self.idle) {
            return Ok(());
        }
        // Boxed: most requests don't write, and should not carry the query's future.
        let done = Box::pin(
            sqlx::query(
                "UPDATE browser_sessions SET last_seen_at = $1 WHERE id_hash = $2 AND last_seen_at < $1",
            )
            .bind(now)
            .bind(session.id_hash.as_str())
            .execute(&self.pool),
        )
        .await?;
        // No row written: the row is gone (purged as idle by a replica whose clock runs
        // ahead) or another replica's touch was later; either way, read it again next time
        // rather than let memory outlive it.
        if let Some(cache) = self.cache() {
            if done.rows_affected() == 1 {
                cache.touched(session.id_hash.as_str(), now);
            } else {
                cache.forget(session.id_hash.as_str());
            }
        }
        Ok(())
    }

    /// Claims the right to refresh the session's tokens as they were at `version`. `None`
    /// when another request holds it, or has refreshed since.
    pub async fn claim_refresh(
        &self,
        id_hash: &IdHash,
        version: i64,
    ) -> Result<Option<RefreshLease>, sqlx::Error> {
        self.claim(id_hash, Some(version)).await
    }

    /// Claims the session's lease whatever its version, to change the row itself: while it is
    /// held no refresh on any replica writes the tokens. `None` while another request holds it.
    pub async fn claim_lease(&self, id_hash: &IdHash) -> Result<Option<RefreshLease>, sqlx::Error> {
        self.claim(id_hash, None).await
    }

    async fn claim(
        &self,
        id_hash: &IdHash,
        version: Option<i64>,
    ) -> Result<Option<RefreshLease>, sqlx::Error> {
        let now = now_ms();
        let lease = RefreshLease(now.saturating_add(millis(self.refresh_lease)));
        // `version = version` when any version will do.
        let done = sqlx::query(
            "UPDATE browser_sessions SET refresh_leased_until = $1 \
             WHERE id_hash = $2 AND version = COALESCE($3, version) AND refresh_leased_until <= $4",
        )
        .bind(lease.0)
        .bind(id_hash.as_str())
        .bind(version)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok((done.rows_affected() == 1).then_some(lease))
    }

    /// Stores refreshed tokens and lets the next refresh be claimed; only while `lease` is
    /// still this request's, so a request whose lease ran out never overwrites what the next
    /// holder stored. False when nothing was written.
    pub async fn store_refreshed(
        &self,
        id_hash: &IdHash,
        lease: RefreshLease,
        tokens: &SessionTokens,
        access_expires_at: i64,
    ) -> Result<bool, sqlx::Error> {
        let sealed = self.seal(tokens, id_hash)?;
        let done = sqlx::query(
            "UPDATE browser_sessions SET tokens = $1, access_expires_at = $2, \
             version = version + 1, refresh_leased_until = 0 \
             WHERE id_hash = $3 AND refresh_leased_until = $4",
        )
        .bind(sealed)
        .bind(access_expires_at)
        .bind(id_hash.as_str())
        .bind(lease.0)
        .execute(&self.pool)
        .await?;
        // Other replicas' copies keep the old access token, still good until they refresh
        // from the database.
        if let Some(cache) = self.cache() {
            cache.forget(id_hash.as_str());
        }
        Ok(done.rows_affected() == 1)
    }

    /// Gives a refresh claim back unused (Cognito could not be reached).
    pub async fn release_refresh(
        &self,
        id_hash: &IdHash,
        lease: RefreshLease,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE browser_sessions SET refresh_leased_until = 0 \
             WHERE id_hash = $1 AND refresh_leased_until = $2",
        )
        .bind(id_hash.as_str())
        .bind(lease.0)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Moves a session to a new id, its tokens sealed afresh for it, under `lease` (so the
    /// tokens read under it are still the stored ones), and gives the lease back. False when
    /// the lease ran out and someone else claimed the row, or the session is gone.
    pub async fn move_to(
        &self,
        session: &StoredSession,
        lease: RefreshLease,
        new_id_hash: &IdHash,
    ) -> Result<bool, sqlx::Error> {
        let sealed = self.seal(&session.tokens, new_id_hash)?;
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE browser_sessions SET id_hash = $1, tokens = $2, refresh_leased_until = 0 \
             WHERE id_hash = $3 AND refresh_leased_until = $4",
        )
        .bind(new_id_hash.as_str())
        .bind(sealed)
        .bind(session.id_hash.as_str())
        .bind(lease.0)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        // The old id names nothing now, on every replica.
        self.end(tx, End::Session(session.id_hash.as_str())).await?;
        Ok(true)
    }

    /// Records `end` in `tx`, commits, and returns once every replica has heard of it.
    async fn end(
        &self,
        tx: sqlx::Transaction<'static, sqlx::Any>,
        end: End<'_>,
    ) -> Result<(), sqlx::Error> {
        let seq = self.end_recorded(tx, end).await?;
        self.ends.told_everywhere(seq).await;
        Ok(())
    }

    /// Records `end` in `tx`, commits and drops it here: its number, for
    /// [`SessionStore::told_everywhere`].
    async fn end_recorded(
        &self,
        mut tx: sqlx::Transaction<'static, sqlx::Any>,
        end: End<'_>,
    ) -> Result<i64, sqlx::Error> {
        let seq = self.ends.record(&mut tx, end).await?;
        let committed = tx.commit().await;
        // After the commit, never before: a row read before it could be kept after the drop.
        self.ends.forget(end);
        if let Err(e) = committed {
            // The commit may have happened all the same (the connection lost on the way):
            // wait out every replica's lease before the error goes up.
            self.ends.told_everywhere(i64::MAX).await;
            return Err(e);
        }
        Ok(seq)
    }

    /// Returns once every replica has heard of the ends up to `seq` (see `ends.rs`).
    pub async fn told_everywhere(&self, seq: i64) {
        self.ends.told_everywhere(seq).await;
    }

    /// Deletes one session; true if it was there. It is gone from every replica's cache when
    /// this returns.
    pub async fn delete(&self, id_hash: &IdHash) -> Result<bool, sqlx::Error> {
        let (existed, seq) = self.delete_recorded(id_hash).await?;
        self.ends.told_everywhere(seq).await;
        Ok(existed)
    }

    /// Deletes one session and drops it here, not waiting for the other replicas: whether it
    /// was there, and the end to wait for with [`SessionStore::told_everywhere`]. When it was
    /// already gone, that is the newest end recorded, since whoever ended it may still be
    /// telling the replicas.
    pub async fn delete_recorded(&self, id_hash: &IdHash) -> Result<(bool, i64), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("DELETE FROM browser_sessions WHERE id_hash = $1")
            .bind(id_hash.as_str())
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() != 1 {
            drop(tx);
            self.ends.forget(End::Session(id_hash.as_str()));
            return Ok((false, self.ends.newest_or_all().await));
        }
        let seq = self
            .end_recorded(tx, End::Session(id_hash.as_str()))
            .await?;
        Ok((true, seq))
    }

    /// A user's live sessions, the most recently used first.
    pub async fn of_user(&self, sub: &str) -> Result<Vec<StoredSession>, sqlx::Error> {
        let now = now_ms();
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM browser_sessions \
             WHERE sub = $1 AND expires_at > $2 AND last_seen_at > $3 \
             ORDER BY last_seen_at DESC, created_at DESC"
        ))
        .bind(sub)
        .bind(now)
        .bind(now.saturating_sub(millis(self.idle)))
        .fetch_all(&self.pool)
        .await?;
        let mut sessions = Vec::with_capacity(rows.len());
        for row in &rows {
            if let Some(session) = self.row(row)? {
                sessions.push(session);
            }
        }
        Ok(sessions)
    }

    /// One of a user's live sessions, by the id the user sees; only that row is read.
    pub async fn of_user_by_public_id(
        &self,
        sub: &str,
        public_id: &str,
    ) -> Result<Option<StoredSession>, sqlx::Error> {
        let now = now_ms();
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM browser_sessions \
             WHERE sub = $1 AND public_id = $2 AND expires_at > $3 AND last_seen_at > $4"
        ))
        .bind(sub)
        .bind(public_id)
        .bind(now)
        .bind(now.saturating_sub(millis(self.idle)))
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => self.row(&row),
            None => Ok(None),
        }
    }

    /// Deletes every session of a user, gone from every replica's cache when this returns.
    pub async fn delete_user(&self, sub: &str) -> Result<u64, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("DELETE FROM browser_sessions WHERE sub = $1")
            .bind(sub)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            drop(tx);
            self.ends.forget(End::User(sub));
            // Whoever deleted them may still be telling the replicas.
            self.ends
                .told_everywhere(self.ends.newest_or_all().await)
                .await;
            return Ok(0);
        }
        self.end(tx, End::User(sub)).await?;
        Ok(done.rows_affected())
    }

    /// A user's sessions past the `keep` most recent, live or not: the ones to end so that
    /// signing in over and over can't grow the table without end.
    pub async fn beyond(&self, sub: &str, keep: i64) -> Result<Vec<StoredSession>, sqlx::Error> {
        let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM browser_sessions WHERE sub = $1")
            .bind(sub)
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        if count <= keep {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM browser_sessions WHERE sub = $1 \
             ORDER BY created_at, id_hash LIMIT $2"
        ))
        .bind(sub)
        .bind(count - keep)
        .fetch_all(&self.pool)
        .await?;
        let mut sessions = Vec::with_capacity(rows.len());
        for row in &rows {
            match self.row(row)? {
                Some(session) => sessions.push(session),
                // Sealed under a key this process lacks: deleted all the same.
                None => {
                    let id_hash: String = row.try_get("id_hash")?;
                    self.delete(&IdHash::from_stored(id_hash)).await?;
                }
            }
        }
        Ok(sessions)
    }

    /// Deletes sessions past their lifetime or idle too long (a cache refuses those by
    /// itself), and ends no replica can still need.
    pub async fn purge_expired(&self) -> Result<u64, sqlx::Error> {
        self.ends.purge_expired().await?;
        let now = now_ms();
        let done = sqlx::query(
            "DELETE FROM browser_sessions WHERE expires_at <= $1 OR last_seen_at <= $2",
        )
        .bind(now)
        .bind(now.saturating_sub(millis(self.idle)))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    pub async fn count(&self) -> Result<u64, sqlx::Error> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM browser_sessions")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>("n")?.max(0) as u64)
    }
}

/// `browser_session_reads_total` by where the row came from, registered once: it is counted
/// on every signed-in browser's request.
struct Reads {
    memory: metrics::Counter,
    database: metrics::Counter,
}

fn reads() -> &'static Reads {
    static READS: std::sync::OnceLock<Reads> = std::sync::OnceLock::new();
    READS.get_or_init(|| Reads {
        memory: metrics::counter!("browser_session_reads_total", "from" => "memory"),
        database: metrics::counter!("browser_session_reads_total", "from" => "database"),
    })
}

/// A row as read, its tokens still sealed.
struct SealedRow {
    id_hash: String,
    public_id: String,
    sub: String,
    username: String,
    sealed: String,
    access_expires_at: i64,
    auth_time: i64,
    amr: String,
    created_at: i64,
    last_seen_at: i64,
    expires_at: i64,
    client_ip: String,
    user_agent: String,
    version: i64,
}

fn sealed_row(row: &AnyRow) -> Result<SealedRow, sqlx::Error> {
    Ok(SealedRow {
        id_hash: row.try_get("id_hash")?,
        public_id: row.try_get("public_id")?,
        sub: row.try_get("sub")?,
        username: row.try_get("username")?,
        sealed: row.try_get("tokens")?,
        access_expires_at: row.try_get("access_expires_at")?,
        auth_time: row.try_get("auth_time")?,
        amr: row.try_get("amr")?,
        created_at: row.try_get("created_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
        expires_at: row.try_get("expires_at")?,
        client_ip: row.try_get("client_ip")?,
        user_agent: row.try_get("user_agent")?,
        version: row.try_get("version")?,
    })
}

/// Whether `session`'s last-seen time is to be written at `now`: its own share of
/// `TOUCH_EVERY` (or of a quarter of the idle timeout, if shorter) has passed since the last.
fn last_seen_due(session: &StoredSession, now: i64, idle: Duration) -> bool {
    let every = millis(staggered(
        TOUCH_EVERY.min(idle / 4),
        session.id_hash.as_str(),
    ));
    now.saturating_sub(session.last_seen_at) >= every
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen_at(id_hash: &str, last_seen_at: i64) -> StoredSession {
        StoredSession {
            id_hash: IdHash::from_stored(id_hash.to_owned()),
            public_id: "p".into(),
            sub: "ana".into(),
            username: "ana".into(),
            tokens: Arc::new(SessionTokens {
                access_token: "a".to_owned(),
                id_token: None,
                refresh_token: "r".to_owned(),
                device_key: None,
                verified: Default::default(),
            }),
            access_expires_at: 0,
            auth_time: 0,
            amr: "pwd".into(),
            created_at: last_seen_at,
            last_seen_at,
            expires_at: i64::MAX,
            client_ip: "192.0.2.1".into(),
            user_agent: "test".into(),
            version: 0,
        }
    }

    #[test]
    fn each_session_writes_its_last_seen_time_on_its_own_period_never_later_than_before() {
        let idle = Duration::from_secs(1800);
        let (early, late) = (
            format!("ffff{}", "0".repeat(60)),
            format!("0000{}", "0".repeat(60)),
        );
        let due = |id: &str, after_ms: i64| last_seen_due(&seen_at(id, 0), after_ms, idle);
        assert!(!due(&early, 44_999));
        assert!(due(&early, 45_000), "three quarters of a minute");
        assert!(!due(&late, 59_999));
        assert!(due(&late, 60_000), "a minute, as before");
        // A short idle timeout: a quarter of it, shared out the same way.
        let idle = Duration::from_secs(120);
        assert!(last_seen_due(&seen_at(&late, 0), 30_000, idle));
        assert!(!last_seen_due(&seen_at(&early, 0), 22_499, idle));
        assert!(last_seen_due(&seen_at(&early, 0), 22_500, idle));
    }
}
