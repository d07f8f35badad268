//! The browser sessions this replica read lately, kept in memory so that a signed-in
//! browser's every call does not read the database.
//!
//! What is kept is the session as a request reads it, its tokens opened, so a request pays
//! neither the read nor the opening. The tokens are shared with the requests using them and
//! zeroed when the last one lets go; they are kept at most the time-to-live (a minute) after the database last
//! returned them, and only while the session is in use. An entry is only ever made from a
//! row the database just returned, so what clients send can't fill the cache, and it holds
//! at most `capacity` entries.
//!
//! An entry is trusted only while this replica holds its lease on the ended-sessions feed
//! (see `ends.rs`): every replica that ends a session waits, before it answers, until each
//! replica holding a lease has dropped the session here. A replica that loses its lease
//! reads every session from the database again until it catches up.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use moka::sync::Cache;

use super::stored::StoredSession;

/// Between three quarters of `every` and all of it, by the session. What is done for many
/// sessions at once (their entries here after a restart or a lost lease, their last-seen
/// writes) then falls due again spread over a quarter of `every`, not in one burst each time.
/// The id's hash is a SHA-256, so its first digits are uniform; any other id keeps `every`.
pub fn staggered(every: Duration, id_hash: &str) -> Duration {
    let Some(share) = id_hash
        .get(..4)
        .and_then(|digits| u16::from_str_radix(digits, 16).ok())
    else {
        return every;
    };
    let quarter = every / 4;
    let cut = quarter.checked_mul(u32::from(share)).map_or_else(
        || quarter / u32::from(u16::MAX) * u32::from(share),
        |cut| cut / u32::from(u16::MAX),
    );
    every.saturating_sub(cut)
}

/// A session as read; `last_seen_at` moves when this replica touches it.
pub struct Cached {
    session: StoredSession,
    last_seen_at: AtomicI64,
    /// `SessionCache::cleared` when it was kept: an entry kept before the cache was last
    /// cleared is never served, whatever the clock's resolution.
    cleared: u64,
    /// Until when (milliseconds since `SessionCache::epoch`) it is served: the row's read plus
    /// its session's [`staggered`] time-to-live. The cache's own time-to-live, the longest,
    /// frees it.
    until: u64,
}

impl Cached {
    /// The session for one request: its text and tokens shared, its last use as this
    /// replica knows it.
    pub fn session(&self) -> StoredSession {
        StoredSession {
            last_seen_at: self.last_seen_at.load(Ordering::Relaxed),
            ..self.session.clone()
        }
    }
}

/// Proof that nothing was dropped from the cache between a database read and the insert of
/// what it returned: taken before the read.
#[derive(Debug, Clone, Copy)]
pub struct ReadTicket(u64);

/// Keyed by the session id's hash, itself a SHA-256: a seeded fast hash suffices (entries are
/// only made from rows the database returned, so nobody picks the keys), and SipHash over its
/// 64 characters was a visible share of each call.
type Entries = Cache<String, Arc<Cached>, foldhash::fast::RandomState>;

pub struct SessionCache {
    entries: Entries,
    /// Bumped, under the lock, by every drop; an insert checks it under the same lock, so a
    /// row read before a session ended is never cached after the end was applied.
    generation: Mutex<u64>,
    /// How many times everything was dropped (`forget_all`).
    cleared: AtomicU64,
    /// The longest an entry is served after its row was read.
    ttl: Duration,
    /// Until when (milliseconds since `epoch`) entries may be served: this replica's lease.
    trusted_until: AtomicU64,
    epoch: Instant,
}

impl SessionCache {
    /// `None` when `capacity` is 0: every request reads the database. `ttl`: the longest an
    /// entry is kept, whatever happens to its row, the backstop for a change a replica is not
    /// told of (the store passes how often `last_seen_at` is written); each entry keeps
    /// between three quarters of it and all of it ([`staggered`]).
    pub fn new(capacity: u64, ttl: Duration) -> Option<Arc<Self>> {
        (capacity > 0).then(|| {
            Arc::new(SessionCache {
                entries: Cache::builder()
                    .max_capacity(capacity)
                    .time_to_live(ttl)
                    .support_invalidation_closures()
                    .build_with_hasher(foldhash::fast::RandomState::default()),
                generation: Mutex::new(0),
                cleared: AtomicU64::new(0),
                ttl,
                trusted_until: AtomicU64::new(0),
                epoch: Instant::now(),
            })
        })
    }

    fn since_epoch(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.epoch).as_millis()).unwrap_or(u64::MAX)
    }

    /// Whether entries may be served now.
    pub fn trusted(&self) -> bool {
        self.trusted_at(self.since_epoch(Instant::now()))
    }

    fn trusted_at(&self, at: u64) -> bool {
        at < self.trusted_until.load(Ordering::Acquire)
    }

    /// Entries may be served until `until`. Called once this replica has applied every end
    /// up to the one it reports as heard.
    pub fn trust_until(&self, until: Instant) {
        self.trusted_until
            .store(self.since_epoch(until), Ordering::Release);
    }

    /// How long ago this replica's lease ran out, when it has and no other has followed yet:
    /// `None` while it runs, before the first, and once given back.
    pub fn lapsed(&self) -> Option<Duration> {
        self.lapsed_at(self.since_epoch(Instant::now()))
    }

    fn lapsed_at(&self, at: u64) -> Option<Duration> {
        let until = self.trusted_until.load(Ordering::Acquire);
        (until != 0 && at >= until).then(|| Duration::from_millis(at - until))
    }

    /// Stops serving entries at once (the feed was lost); `forget_all` follows before trust
    /// returns.
    pub fn distrust(&self) {
        self.trusted_until.store(0, Ordering::Release);
    }

    /// The live entry for `id_hash`: not idle past `idle`, not past its lifetime, its access
    /// token good until at least `access_until` (seconds), read within its time-to-live, and
    /// the lease held.
    pub fn get(
        &self,
        id_hash: &str,
        now_ms: i64,
        idle: Duration,
        access_until: i64,
    ) -> Option<Arc<Cached>> {
        self.get_at(id_hash, now_ms, idle, access_until, Instant::now())
    }

    fn get_at(
        &self,
        id_hash: &str,
        now_ms: i64,
        idle: Duration,
        access_until: i64,
        at: Instant,
    ) -> Option<Arc<Cached>> {
        let at = self.since_epoch(at);
        if !self.trusted_at(at) {
            return None;
        }
        let entry = self.entries.get(id_hash)?;
        if entry.cleared != self.cleared.load(Ordering::Acquire) || at >= entry.until {
            return None;
        }
        let idle_ms = i64::try_from(idle.as_millis()).unwrap_or(i64::MAX);
        let live = entry.session.expires_at > now_ms
            && entry.last_seen_at.load(Ordering::Relaxed) > now_ms.saturating_sub(idle_ms)
            && entry.session.access_expires_at > access_until;
        live.then_some(entry)
    }

    pub fn ticket(&self) -> ReadTicket {
        ReadTicket(*self.generation.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Keeps a row read after `ticket` was taken, unless anything was dropped since.
    pub fn insert(&self, ticket: ReadTicket, session: StoredSession) {
        self.insert_at(ticket, session, Instant::now());
    }

    fn insert_at(&self, ticket: ReadTicket, session: StoredSession, at: Instant) {
        let generation = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        if *generation != ticket.0 {
            return;
        }
        let last_seen_at = AtomicI64::new(session.last_seen_at);
        let cleared = self.cleared.load(Ordering::Acquire);
        let until = at
            .checked_add(staggered(self.ttl, session.id_hash.as_str()))
            .map_or(u64::MAX, |until| self.since_epoch(until));
        self.entries.insert(
            session.id_hash.as_str().to_owned(),
            Arc::new(Cached {
                session,
                last_seen_at,
                cleared,
                until,
            }),
        );
    }

    /// This replica wrote `at` as the session's `last_seen_at`.
    pub fn touched(&self, id_hash: &str, at: i64) {
        if let Some(entry) = self.entries.get(id_hash) {
            entry.last_seen_at.fetch_max(at, Ordering::Relaxed);
        }
    }

    fn dropping(&self, drop: impl FnOnce(&Entries)) {
        let mut generation = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        *generation += 1;
        drop(&self.entries);
    }

    pub fn forget(&self, id_hash: &str) {
        self.dropping(|entries| entries.invalidate(id_hash));
    }

    /// Drops every session of `sub`: reads see none of them from now on, though the entries
    /// are swept out later.
    pub fn forget_user(&self, sub: &str) {
        let sub = sub.to_owned();
        self.dropping(|entries| {
            if entries
                .invalidate_entries_if(move |_, cached| *cached.session.sub == *sub)
                .is_err()
            {
                entries.invalidate_all();
            }
        });
    }

    pub fn forget_all(&self) {
        self.dropping(|entries| {
            self.cleared.fetch_add(1, Ordering::AcqRel);
            entries.invalidate_all();
        });
    }

    /// Entries held, for the benchmarks and tests (moka counts lazily: run pending tasks).
    pub fn len(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.entry_count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;
    const IDLE: Duration = Duration::from_secs(1800);

    fn row(id: &str, sub: &str) -> StoredSession {
        StoredSession {
            id_hash: crate::vocab::IdHash::from_stored(id.to_owned()),
            public_id: "p".into(),
            sub: sub.into(),
            username: sub.into(),
            tokens: Arc::new(super::super::SessionTokens {
                access_token: "a".to_owned(),
                id_token: None,
                refresh_token: "r".to_owned(),
                device_key: None,
                verified: Default::default(),
            }),
            access_expires_at: NOW / 1000 + 3600,
            auth_time: NOW / 1000,
            amr: "pwd".into(),
            created_at: NOW,
            last_seen_at: NOW,
            expires_at: NOW + 43_200_000,
            client_ip: "192.0.2.1".into(),
            user_agent: "test".into(),
            version: 0,
        }
    }

    fn trusted_cache(capacity: u64) -> Arc<SessionCache> {
        let cache = SessionCache::new(capacity, Duration::from_secs(60)).expect("a cache");
        cache.trust_until(Instant::now() + Duration::from_secs(60));
        cache
    }

    #[test]
    fn nothing_is_served_without_the_lease() {
        let cache = SessionCache::new(10, Duration::from_secs(60)).unwrap();
        cache.insert(cache.ticket(), row("a", "ana"));
        assert!(cache.get("a", NOW, IDLE, 0).is_none(), "no lease yet");
        cache.trust_until(Instant::now() + Duration::from_secs(60));
        assert!(cache.get("a", NOW, IDLE, 0).is_some());
        cache.trust_until(Instant::now());
        assert!(cache.get("a", NOW, IDLE, 0).is_none(), "the lease ran out");
        cache.trust_until(Instant::now() + Duration::from_secs(60));
        cache.distrust();
        assert!(cache.get("a", NOW, IDLE, 0).is_none(), "the feed was lost");
    }

    #[test]
    fn a_lease_that_ran_out_is_told_with_how_long_ago_and_only_then() {
        let cache = SessionCache::new(10, Duration::from_secs(60)).unwrap();
        let epoch = cache.epoch;
        assert_eq!(cache.lapsed(), None, "no lease yet: nothing ran out");
        cache.trust_until(epoch + Duration::from_secs(3));
        assert_eq!(cache.lapsed_at(2_999), None, "running");
        assert_eq!(cache.lapsed_at(3_000), Some(Duration::ZERO));
        assert_eq!(cache.lapsed_at(4_250), Some(Duration::from_millis(1_250)));
        cache.distrust();
        assert_eq!(cache.lapsed_at(4_250), None, "given back: not a lapse");
    }

    #[test]
    fn an_entry_idle_past_the_timeout_or_past_its_lifetime_or_about_to_need_a_refresh_is_not_served()
     {
        let cache = trusted_cache(10);
        cache.insert(cache.ticket(), row("a", "ana"));
        let idle_ms = IDLE.as_millis() as i64;
        assert!(cache.get("a", NOW + idle_ms - 1, IDLE, 0).is_some());
        assert!(cache.get("a", NOW + idle_ms, IDLE, 0).is_none(), "idle");
        // Touched here: the idle timer restarts for the cache too.
        cache.touched("a", NOW + 60_000);
        assert!(cache.get("a", NOW + idle_ms, IDLE, 0).is_some());
        assert!(
            cache.get("a", NOW + 43_200_000, IDLE, 0).is_none(),
            "past its lifetime, however busy"
        );
        let expiry = NOW / 1000 + 3600;
        assert!(cache.get("a", NOW, IDLE, expiry - 1).is_some());
        assert!(
            cache.get("a", NOW, IDLE, expiry).is_none(),
            "its token needs a refresh, which reads the database"
        );
    }

    #[test]
    fn a_row_read_before_an_end_is_not_kept_after_it() {
        let cache = trusted_cache(10);
        let before_the_end = cache.ticket();
        cache.forget("a");
        cache.insert(before_the_end, row("a", "ana"));
        assert!(cache.get("a", NOW, IDLE, 0).is_none());
        // Any drop counts, even of another session: the insert can't tell.
        let ticket = cache.ticket();
        cache.forget_user("someone else");
        cache.insert(ticket, row("a", "ana"));
        assert!(cache.get("a", NOW, IDLE, 0).is_none());
        cache.insert(cache.ticket(), row("a", "ana"));
        assert!(cache.get("a", NOW, IDLE, 0).is_some());
    }

    #[test]
    fn ending_a_users_sessions_drops_theirs_and_no_one_elses() {
        let cache = trusted_cache(10);
        for (id, sub) in [("a1", "ana"), ("a2", "ana"), ("b1", "ben")] {
            cache.insert(cache.ticket(), row(id, sub));
        }
        cache.forget_user("ana");
        assert!(cache.get("a1", NOW, IDLE, 0).is_none());
        assert!(cache.get("a2", NOW, IDLE, 0).is_none());
        assert!(cache.get("b1", NOW, IDLE, 0).is_some());
        cache.forget_all();
        assert!(cache.get("b1", NOW, IDLE, 0).is_none());
    }

    #[test]
    fn sessions_made_together_fall_due_spread_over_a_quarter_of_the_period() {
        let every = Duration::from_secs(60);
        // 1,000 ids whose first digits step across the whole range.
        let due: Vec<Duration> = (0..1000u32)
            .map(|i| {
                let digits = format!("{:04x}{}", i * 4099 % 65_536, "0".repeat(60));
                staggered(every, &digits)
            })
            .collect();
        assert!(due.iter().all(|d| *d >= every * 3 / 4 && *d <= every));
        // Each fifth of the quarter gets about a fifth of them.
        let mut fifths = [0; 5];
        for d in &due {
            let into = (every - *d).as_millis() * 5 / (every / 4).as_millis();
            fifths[usize::try_from(into.min(4)).unwrap()] += 1;
        }
        assert!(fifths.iter().all(|n| (150..=250).contains(n)), "{fifths:?}");
        assert_eq!(staggered(every, &format!("0000{}", "a".repeat(60))), every);
        assert_eq!(
            staggered(every, &format!("ffff{}", "a".repeat(60))),
            every * 3 / 4
        );
        assert_eq!(
            staggered(every, "not hex"),
            every,
            "any other id keeps the period"
        );
        // No period is too long to share out.
        let longest = staggered(Duration::MAX, &format!("ffff{}", "a".repeat(60)));
        let three_quarters = Duration::MAX - Duration::MAX / 4;
        assert!(longest >= three_quarters && longest - three_quarters < Duration::from_secs(1));
        // 0x0100 of 0xffff: about a 256th of the quarter, however long the period.
        let shortly = staggered(Duration::MAX, &format!("0100{}", "a".repeat(60)));
        assert!(
            shortly > Duration::MAX - Duration::MAX / 4 / 200,
            "still shared out"
        );
    }

    #[test]
    fn an_entry_is_served_for_its_sessions_share_of_the_time_to_live_from_its_read() {
        let cache = trusted_cache(10);
        let ttl = Duration::from_secs(60);
        let (early, late) = (
            format!("ffff{}", "0".repeat(60)),
            format!("0000{}", "0".repeat(60)),
        );
        let read = Instant::now();
        cache.trust_until(read + ttl * 10);
        for id in [&early, &late] {
            cache.insert_at(cache.ticket(), row(id, "ana"), read);
        }
        let get = |id: &str, after: Duration| cache.get_at(id, NOW, IDLE, 0, read + after);
        assert!(get(&early, ttl * 3 / 4 - Duration::from_millis(1)).is_some());
        assert!(
            get(&early, ttl * 3 / 4).is_none(),
            "its share is three quarters"
        );
        assert!(get(&late, ttl - Duration::from_millis(1)).is_some());
        assert!(get(&late, ttl).is_none(), "never past the whole");
        // Read again, it starts afresh.
        cache.insert_at(cache.ticket(), row(&early, "ana"), read + ttl);
        assert!(get(&early, ttl + ttl / 2).is_some());
    }

    #[test]
    fn the_cache_holds_at_most_its_capacity() {
        let cache = trusted_cache(100);
        for i in 0..1000 {
            cache.insert(cache.ticket(), row(&format!("s{i}"), "ana"));
        }
        assert!(cache.len() <= 100, "{} entries", cache.len());
        assert!(
            SessionCache::new(0, Duration::from_secs(60)).is_none(),
            "0 turns it off"
        );
    }
}
