//! The wall clock, as the stores and the revocation list count time: epoch milliseconds and
//! seconds. (What must agree across replicas is stamped by the database's clock instead.)

use std::time::{SystemTime, UNIX_EPOCH};

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

pub fn now_seconds() -> i64 {
    now_ms() / 1000
}
