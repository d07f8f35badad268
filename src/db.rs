//! The database: SQLite embedded by default, Postgres for replicas. Both are reached through
//! sqlx's `Any` driver so the store has one implementation. The migrations are plain SQL both
//! backends read alike, so there is one copy of them; the day one must differ, it gets a
//! directory per backend.

use std::time::Duration;

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use sqlx::migrate::{MigrateError, Migrator};

static MIGRATIONS: Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    /// Milliseconds of the database's clock, as SQL: the one clock every replica shares, so
    /// replicas whose own clocks differ still agree on what is recent. Fixed for the length
    /// of one statement.
    pub fn now_ms_sql(self) -> &'static str {
        match self {
            Backend::Postgres => "(EXTRACT(EPOCH FROM statement_timestamp()) * 1000)::BIGINT",
            Backend::Sqlite => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
        }
    }

    /// The larger of two values, in this database's SQL.
    pub fn greatest(self) -> &'static str {
        match self {
            Backend::Postgres => "GREATEST",
            Backend::Sqlite => "MAX",
        }
    }
}

/// A SQLite URL without a `mode` opens read-write and creates the file if it is missing, so
/// the service starts in an empty directory.
pub fn normalize_url(url: &str) -> String {
    if Backend::of_url(url) == Some(Backend::Sqlite) && !url.contains("mode=") {
        let separator = if url.contains('?') { '&' } else { '?' };
        format!("{url}{separator}mode=rwc")
    } else {
        url.to_owned()
    }
}

pub async fn connect(url: &str, max_connections: u32) -> Result<AnyPool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let pool = AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(3))
        .connect(&normalize_url(url))
        .await?;
    if Backend::of_url(url) == Some(Backend::Sqlite) {
        // WAL lets readers proceed while a writer commits; the mode persists in the file.
        sqlx::query("PRAGMA journal_mode = WAL")
            .execute(&pool)
            .await?;
    }
    Ok(pool)
}

pub async fn migrate(pool: &AnyPool) -> Result<(), MigrateError> {
    MIGRATIONS.run(pool).await
}
