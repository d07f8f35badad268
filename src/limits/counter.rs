//! One budget, wherever its counts live: in this process, or in the database when replicas
//! must agree; and what it does when the database can't answer in time.

use std::fmt::Write as _;
use std::hash::Hash;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::budget::{Budget, Rate};
use super::store::LimitStore;
use super::{ClientKey, NameKey};

/// How long a budget waits for the database before it counts as unreachable: a statement on
/// one row takes a millisecond; anything near this means the database is in trouble.
pub const STORE_TIMEOUT: Duration = Duration::from_secs(1);

/// What a budget kept in the database does when the database doesn't answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenUnreachable {
    /// Refuse the request (503 database_unavailable): for the budgets that stop guessing.
    Refuse,
    /// Count in this process alone until the database is back, as a single replica would.
    CountHere,
}

impl WhenUnreachable {
    fn label(self) -> &'static str {
        match self {
            WhenUnreachable::Refuse => "refused",
            WhenUnreachable::CountHere => "counted_per_replica",
        }
    }
}

/// Why an event was not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The budget is spent; it has room again after this long.
    Spent(Duration),
    /// The database didn't answer, and this budget refuses when it can't count.
    Unavailable,
}

/// Where an event was counted, so it is given back to the same place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    Here,
    Database,
}

/// A budget key written out as the database's row key: fixed-size digests and addresses,
/// never a name as typed.
pub trait Key: Hash + Eq + Copy + Send + Sync + 'static {
    fn write_key(&self, out: &mut String);
}

impl Key for [u8; 16] {
    fn write_key(&self, out: &mut String) {
        URL_SAFE_NO_PAD.encode_string(self, out);
    }
}

impl Key for NameKey {
    fn write_key(&self, out: &mut String) {
        self.bytes().write_key(out);
    }
}

impl Key for ClientKey {
    fn write_key(&self, out: &mut String) {
        match self {
            ClientKey::Ip(ip) => {
                let _ = write!(out, "ip:{ip}");
            }
            ClientKey::Named(digest) => {
                out.push_str("named:");
                digest.write_key(out);
            }
        }
    }
}

impl<A: Key, B: Key> Key for (A, B) {
    fn write_key(&self, out: &mut String) {
        self.0.write_key(out);
        out.push('|');
        self.1.write_key(out);
    }
}

/// The database counts in whole milliseconds: an event costs at least one, rounded up, and
/// the burst stays the same number of events. Rounded down, a rate above 60,000 a minute
/// would cost nothing and never fill.
fn in_whole_millis(interval: Duration, tolerance: Duration) -> (Duration, Duration) {
    let events =
        u32::try_from(tolerance.as_nanos() / interval.as_nanos().max(1)).unwrap_or(u32::MAX);
    let millis = u64::try_from(interval.as_nanos().div_ceil(1_000_000))
        .unwrap_or(u64::MAX)
        .max(1);
    let interval = Duration::from_millis(millis);
    (interval, interval.saturating_mul(events))
}

pub struct Counter<K> {
    /// The limit's name: a metric label, and the start of its rows' keys.
    name: &'static str,
    /// Keeps the part and owner budgets of one limit apart in the database.
    level: &'static str,
    interval: Duration,
    tolerance: Duration,
    /// The counts in this process: all of them, or, with a database, those made while it
    /// can't answer.
    here: Budget<K>,
    database: Option<Arc<LimitStore>>,
    unreachable: WhenUnreachable,
}

impl<K: Key> Counter<K> {
    /// `None` when the limit is 0 (turned off).
    pub fn new(
        name: &'static str,
        level: &'static str,
        rate: Rate,
        capacity: u64,
        database: Option<Arc<LimitStore>>,
        unreachable: WhenUnreachable,
    ) -> Option<Self> {
        let here = Budget::new(rate, capacity)?;
        let (interval, tolerance) = in_whole_millis(here.interval(), here.tolerance());
        Some(Counter {
            name,
            level,
            interval,
            tolerance,
            here,
            database,
            unreachable,
        })
    }

    fn row_key(&self, key: &K) -> String {
        let mut text = format!("{}/{}:", self.name, self.level);
        key.write_key(&mut text);
        text
    }

    /// The database failed or was too slow: count it, and say so once per event.
    fn unreachable(&self, error: Option<sqlx::Error>) {
        metrics::counter!(
            "rate_limit_store_failures_total",
            "limit" => self.name,
            "then" => self.unreachable.label(),
        )
        .increment(1);
        match error {
            Some(error) => tracing::warn!(
                limit = self.name, then = self.unreachable.label(), error = %error,
                "the shared rate limits could not be read"
            ),
            None => tracing::warn!(
                limit = self.name,
                then = self.unreachable.label(),
                "the shared rate limits did not answer in time"
            ),
        }
    }

    /// Counts one event against `key`.
    pub async fn take(&self, key: K) -> Result<Taken, Refusal> {
        let Some(database) = &self.database else {
            return self
                .here
                .take(key)
                .map(|()| Taken::Here)
                .map_err(Refusal::Spent);
        };
        let row = self.row_key(&key);
        let taken = tokio::time::timeout(
            STORE_TIMEOUT,
            database.take(&row, self.interval, self.tolerance),
        )
        .await;
        match taken {
            Ok(Ok(None)) => Ok(Taken::Database),
            Ok(Ok(Some(wait))) => Err(Refusal::Spent(wait)),
            Ok(Err(error)) => self.fall_back(key, Some(error)),
            Err(_elapsed) => self.fall_back(key, None),
        }
    }

    fn fall_back(&self, key: K, error: Option<sqlx::Error>) -> Result<Taken, Refusal> {
        self.unreachable(error);
        match self.unreachable {
            WhenUnreachable::Refuse => Err(Refusal::Unavailable),
            WhenUnreachable::CountHere => self
                .here
                .take(key)
                .map(|()| Taken::Here)
                .map_err(Refusal::Spent),
        }
    }

    /// Gives one event back to where it was counted. If the database can't take it back,
    /// the event stays counted: the budget errs towards refusing.
    pub async fn refund(&self, key: K, taken: Taken) {
        match (taken, &self.database) {
            (Taken::Database, Some(database)) => {
                let row = self.row_key(&key);
                match tokio::time::timeout(STORE_TIMEOUT, database.refund(&row, self.interval))
                    .await
                {
                    Ok(Ok(())) => {}
                    Ok(Err(error)) => self.unreachable(Some(error)),
                    Err(_elapsed) => self.unreachable(None),
                }
            }
            _ => self.here.refund(&key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_rounds_an_event_up_to_a_millisecond_and_keeps_the_burst() {
        let budget = |rate| Budget::<u8>::new(rate, 1).unwrap();
        let fast = budget(Rate::per_minute(1_000_000));
        let (interval, tolerance) = in_whole_millis(fast.interval(), fast.tolerance());
        assert_eq!(interval, Duration::from_millis(1));
        assert_eq!(tolerance, Duration::from_millis(999_999));

        let slow = budget(Rate::per_minute(7_000));
        let (interval, tolerance) = in_whole_millis(slow.interval(), slow.tolerance());
        assert_eq!(interval, Duration::from_millis(9), "8.57 ms rounded up");
        assert_eq!(tolerance, interval * 6_999, "still a burst of 7,000");

        let usual = budget(Rate::per_minute(10));
        assert_eq!(
            in_whole_millis(usual.interval(), usual.tolerance()),
            (Duration::from_secs(6), Duration::from_secs(54))
        );
    }
}
