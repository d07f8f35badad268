//! Keyed budgets: so many events per period, each key on its own, in a cache of bounded size.
//!
//! The arithmetic is GCRA (the "theoretical arrival time" form of a token bucket): one atomic
//! number per key, a burst of the whole budget, then one event per `period / limit`. Unlike a
//! plain rate limiter it can give an event back, which is what counting only failures needs:
//! an attempt takes its place in the budget before Cognito is asked (so a burst of parallel
//! attempts can't all slip past a check), and gets it back if it did not fail.
//!
//! Keys live in a moka cache with a size cap and an idle expiry of one period (after which a
//! key's budget is full again anyway), so no stream of keys, however chosen, grows memory past
//! the cap. When full, moka's TinyLFU admission keeps keys that are used often over keys seen
//! once, so a flood of new keys does not push out the ones being counted.

use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// `limit` events per `period`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub limit: u32,
    pub period: Duration,
}

impl Rate {
    pub const fn per_minute(limit: u32) -> Rate {
        Rate {
            limit,
            period: Duration::from_secs(60),
        }
    }

    pub const fn per_hour(limit: u32) -> Rate {
        Rate {
            limit,
            period: Duration::from_secs(3600),
        }
    }

    /// Half the budget, rounded up: what one client address may use of a shared one.
    pub fn half(self) -> Rate {
        Rate {
            limit: self.limit.div_ceil(2),
            period: self.period,
        }
    }
}

pub struct Budget<K> {
    /// Nanoseconds one event takes from the budget.
    interval: u64,
    /// How far ahead of now a key's arrival time may run: the burst, less one event.
    tolerance: u64,
    /// Per key: the theoretical arrival time of its next event, in nanoseconds after `epoch`.
    keys: moka::sync::Cache<K, Arc<AtomicU64>>,
    epoch: Instant,
}

impl<K> Budget<K>
where
    K: Hash + Eq + Send + Sync + 'static,
{
    /// `None` when the limit is 0 (turned off). `capacity` bounds the keys kept.
    pub fn new(rate: Rate, capacity: u64) -> Option<Self> {
        if rate.limit == 0 {
            return None;
        }
        let period = u64::try_from(rate.period.as_nanos()).unwrap_or(u64::MAX);
        let interval = (period / u64::from(rate.limit)).max(1);
        Some(Budget {
            interval,
            tolerance: interval * u64::from(rate.limit - 1),
            keys: moka::sync::Cache::builder()
                .max_capacity(capacity)
                .time_to_idle(rate.period)
                .build(),
            epoch: Instant::now(),
        })
    }

    /// What one event costs.
    pub fn interval(&self) -> Duration {
        Duration::from_nanos(self.interval)
    }

    /// How far ahead of now the budget may run: the burst, less one event.
    pub fn tolerance(&self) -> Duration {
        Duration::from_nanos(self.tolerance)
    }

    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    fn wait_at(&self, arrival: u64, now: u64) -> Option<Duration> {
        let allowed_from = arrival.saturating_sub(self.tolerance);
        (now < allowed_from).then(|| Duration::from_nanos(allowed_from - now))
    }

    /// Counts one event against `key` if the budget has room; otherwise how long to wait.
    pub fn take(&self, key: K) -> Result<(), Duration> {
        let now = self.now();
        let cell = self.keys.get_with(key, || Arc::new(AtomicU64::new(0)));
        let mut refused = None;
        let _ = cell.fetch_update(Ordering::AcqRel, Ordering::Acquire, |arrival| {
            refused = self.wait_at(arrival, now);
            refused
                .is_none()
                .then(|| arrival.max(now).saturating_add(self.interval))
        });
        match refused {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    /// Gives one event back to `key`, as if it had not been taken; never more than a full
    /// budget.
    pub fn refund(&self, key: &K) {
        let Some(cell) = self.keys.get(key) else {
            return;
        };
        let now = self.now();
        let _ = cell.fetch_update(Ordering::AcqRel, Ordering::Acquire, |arrival| {
            Some(arrival.saturating_sub(self.interval).max(now))
        });
    }

    /// Applies pending evictions and expiries now, rather than on moka's own schedule.
    pub fn run_pending_tasks(&self) {
        self.keys.run_pending_tasks();
    }

    /// How many keys are held (after pending tasks have run).
    pub fn len(&self) -> u64 {
        self.keys.entry_count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_burst_of_the_whole_budget_then_refuses_with_a_wait() {
        let budget = Budget::new(Rate::per_minute(3), 100).unwrap();
        for _ in 0..3 {
            assert_eq!(budget.take("k"), Ok(()));
        }
        let wait = budget.take("k").expect_err("over budget");
        assert!(wait <= Duration::from_secs(20), "{wait:?}");
        assert!(wait > Duration::from_secs(19), "{wait:?}");
        assert_eq!(budget.take("other"), Ok(()), "keys are counted apart");
    }

    #[test]
    fn a_refund_gives_back_what_was_taken_and_no_more() {
        let budget = Budget::new(Rate::per_minute(2), 100).unwrap();
        budget.take("k").unwrap();
        budget.take("k").unwrap();
        assert!(budget.take("k").is_err());
        budget.refund(&"k");
        assert_eq!(budget.take("k"), Ok(()), "one given back");
        assert!(budget.take("k").is_err());
        // Refunds never build up credit beyond a full budget.
        for _ in 0..10 {
            budget.refund(&"k");
        }
        budget.take("k").unwrap();
        budget.take("k").unwrap();
        assert!(budget.take("k").is_err());
        budget.refund(&"unknown");
    }

    #[test]
    fn zero_turns_it_off_and_half_rounds_up() {
        assert!(Budget::<u8>::new(Rate::per_minute(0), 10).is_none());
        assert_eq!(Rate::per_minute(5).half().limit, 3);
        assert_eq!(Rate::per_minute(1).half().limit, 1);
    }

    #[test]
    fn the_number_of_keys_held_is_capped() {
        let budget = Budget::new(Rate::per_minute(1), 1_000).unwrap();
        for key in 0..20_000u32 {
            let _ = budget.take(key);
        }
        budget.run_pending_tasks();
        assert!(budget.len() <= 1_000, "{} keys", budget.len());
    }
}
