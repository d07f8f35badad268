//! The budgets in the database, for replicas that must agree: the same GCRA arithmetic as
//! [`super::Budget`], one row per key, every decision taken by one statement on the row (so
//! parallel attempts on any replicas are serialised by the row's lock) and timed by the
//! database's clock (so replicas whose clocks differ agree, and a restart forgets nothing).

use std::time::Duration;

use sqlx::{AnyPool, Row};

use crate::db::Backend;

pub struct LimitStore {
    pool: AnyPool,
    backend: Backend,
}

/// Milliseconds, as the database counts them.
fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl LimitStore {
    pub fn new(pool: AnyPool, backend: Backend) -> Self {
        LimitStore { pool, backend }
    }

    /// Counts one event against `key` if its budget has room (`Ok(None)`); otherwise how long
    /// until it has. `interval` is what one event costs, `tolerance` how far ahead of now the
    /// budget may run (the burst, less one event).
    pub async fn take(
        &self,
        key: &str,
        interval: Duration,
        tolerance: Duration,
    ) -> Result<Option<Duration>, sqlx::Error> {
        let (now, greatest) = (self.backend.now_ms_sql(), self.backend.greatest());
        // The upsert changes the row only when the budget has room; otherwise it returns
        // nothing, and a second statement reads how long to wait.
        let taken = sqlx::query(&format!(
            "INSERT INTO limit_budgets AS b (key, tat) VALUES ($1, {now} + $2) \
             ON CONFLICT (key) DO UPDATE SET tat = {greatest}(b.tat, {now}) + $2 \
             WHERE b.tat - $3 <= {now} \
             RETURNING tat"
        ))
        .bind(key)
        .bind(millis(interval))
        .bind(millis(tolerance))
        .fetch_optional(&self.pool)
        .await?;
        if taken.is_some() {
            return Ok(None);
        }
        let wait: Option<i64> = sqlx::query(&format!(
            "SELECT tat - $2 - {now} AS wait FROM limit_budgets WHERE key = $1"
        ))
        .bind(key)
        .bind(millis(tolerance))
        .fetch_optional(&self.pool)
        .await?
        .map(|row| row.try_get("wait"))
        .transpose()?;
        // Room came back between the two statements: say "at once" rather than count again.
        Ok(Some(Duration::from_millis(
            wait.unwrap_or(0).max(1).unsigned_abs(),
        )))
    }

    /// Gives one event back to `key`; never more than a full budget.
    pub async fn refund(&self, key: &str, interval: Duration) -> Result<(), sqlx::Error> {
        let (now, greatest) = (self.backend.now_ms_sql(), self.backend.greatest());
        sqlx::query(&format!(
            "UPDATE limit_budgets SET tat = {greatest}(tat - $2, {now}) WHERE key = $1"
        ))
        .bind(key)
        .bind(millis(interval))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Remembers `key` (a name and an address that completed a sign-in) for `ttl`.
    pub async fn remember(&self, key: &str, ttl: Duration) -> Result<(), sqlx::Error> {
        let now = self.backend.now_ms_sql();
        sqlx::query(&format!(
            "INSERT INTO limit_familiar (key, expires_at) VALUES ($1, {now} + $2) \
             ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at"
        ))
        .bind(key)
        .bind(millis(ttl))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Whether `key` was remembered and has not expired.
    pub async fn remembers(&self, key: &str) -> Result<bool, sqlx::Error> {
        let now = self.backend.now_ms_sql();
        let row = sqlx::query(&format!(
            "SELECT 1 AS found FROM limit_familiar WHERE key = $1 AND expires_at > {now}"
        ))
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// Deletes budgets that are full again and pairs no longer remembered; returns how many.
    pub async fn purge_expired(&self) -> Result<u64, sqlx::Error> {
        let now = self.backend.now_ms_sql();
        let budgets = sqlx::query(&format!("DELETE FROM limit_budgets WHERE tat <= {now}"))
            .execute(&self.pool)
            .await?;
        let familiar = sqlx::query(&format!(
            "DELETE FROM limit_familiar WHERE expires_at <= {now}"
        ))
        .execute(&self.pool)
        .await?;
        Ok(budgets.rows_affected() + familiar.rows_affected())
    }
}
