//! Memory per revocation held in memory on every replica, and the time of the check that runs
//! on every verification, for the list as kept now (two maps of 16-byte ids: revoked sign-ins
//! with their user, users signed out everywhere) beside the earlier layout (a map from the id
//! string to its expiry), built in the same run.
//!
//! Memory is counted by a global allocator that tracks live bytes, so the figures are the
//! heap the structures hold, without allocator slack or page rounding.
//!
//! Run: `cargo bench --bench revocations` (REVOCATIONS=N sets how many, default 100000;
//! ROUNDS=N how many times each is built and measured, default 5).

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;

use cognito_bff::revocation::{Entry, RevocationSet};
use cognito_verifier::TokenIdentity;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwards the caller's layout to the system allocator unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // SAFETY: as for `alloc` and `dealloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A distinct UUID for each (n, salt), in Cognito's lower-case hyphenated form.
fn uuid(n: u64, salt: u64) -> String {
    uuid::Uuid::from_u128(u128::from(n) << 64 | u128::from(salt))
        .hyphenated()
        .to_string()
}

/// `n` revoked sign-ins, as `n / 2` users with two each (a user's phone and laptop).
fn sessions(n: u64) -> Vec<(String, String)> {
    (0..n).map(|i| (uuid(i / 2, 1), uuid(i, 2))).collect()
}

/// How many times each probe is checked, so the time is not dominated by the clock read.
const REPEAT: usize = 200;

/// Heap bytes held by what `build` returns.
fn held<T>(build: impl FnOnce() -> T) -> (T, isize) {
    let before = LIVE.load(Ordering::Relaxed);
    let built = build();
    (built, LIVE.load(Ordering::Relaxed) - before)
}

fn main() {
    let count: u64 = std::env::var("REVOCATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let input = sessions(count);
    let hits: Vec<(String, String)> = input.iter().step_by(97).cloned().collect();
    // Signed-in users' live tokens: not on the list, as nearly every token checked is.
    let misses: Vec<(String, String)> = (0..hits.len() as u64)
        .map(|i| (uuid(i, 3), uuid(i, 4)))
        .collect();
    println!(
        "{count} revoked sign-ins ({} users), {rounds} rounds",
        count / 2
    );
    println!("round\tlayout\tbytes/entry\tns per check: revoked\tnot revoked");
    for round in 1..=rounds {
        let (now, bytes) = held(|| {
            let mut set = RevocationSet::default();
            for (i, (sub, id)) in input.iter().enumerate() {
                set.apply(&Entry::Session {
                    sub: Some(sub.clone()),
                    id: id.clone(),
                    expires_at: i64::MAX,
                    revoked_at_ms: i as i64,
                });
            }
            set
        });
        let check = |(sub, id): &(String, String)| {
            black_box(&now).is_revoked(
                TokenIdentity {
                    sub,
                    jti: None,
                    origin_jti: Some(id),
                    issued_at: Some(1),
                },
                0,
            )
        };
        let (hit, miss) = (time(&hits, check, true), time(&misses, check, false));
        println!(
            "{round}\t16-byte ids\t{:.1}\t{hit}\t{miss}",
            per(bytes, count)
        );
        drop(now);

        let (before, bytes) = held(|| {
            let mut map: HashMap<String, i64> = HashMap::new();
            for (_, id) in &input {
                map.insert(id.clone(), i64::MAX);
            }
            map
        });
        let check = |(_, id): &(String, String)| {
            black_box(&before)
                .get(id.as_str())
                .is_some_and(|expires| *expires > 0)
        };
        let (hit, miss) = (time(&hits, check, true), time(&misses, check, false));
        println!(
            "{round}\tid strings (before)\t{:.1}\t{hit}\t{miss}",
            per(bytes, count)
        );
    }
}

fn per(bytes: isize, count: u64) -> f64 {
    bytes as f64 / count as f64
}

/// Nanoseconds per check over `REPEAT` passes of `tokens`, each expected to be `revoked`.
fn time(
    tokens: &[(String, String)],
    check: impl Fn(&(String, String)) -> bool,
    revoked: bool,
) -> u128 {
    let started = Instant::now();
    for _ in 0..REPEAT {
        for token in tokens {
            assert_eq!(check(token), revoked);
        }
    }
    started.elapsed().as_nanos() / (REPEAT * tokens.len()) as u128
}
