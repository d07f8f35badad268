//! A fresh database per test: a SQLite file in a temporary directory, or, when
//! TEST_DATABASE_URL is set, a new Postgres database on that server, dropped afterwards.

use std::sync::Arc;
use std::time::Duration;

use cognito_bff::challenge::ChallengeStore;
use cognito_bff::vocab::SessionCipher;
use sqlx::Connection;

pub struct TestDatabase {
    pub url: String,
    /// Set on the handle that created a Postgres database; it drops the database.
    postgres: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    pub async fn create() -> TestDatabase {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = format!("cognito_bff_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .expect("connect to TEST_DATABASE_URL");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .expect("create a test database");
                let mut url = reqwest::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
                url.set_path(&format!("/{name}"));
                TestDatabase {
                    url: url.to_string(),
                    postgres: Some((admin_url, name)),
                    _dir: None,
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                TestDatabase {
                    url,
                    postgres: None,
                    _dir: Some(dir),
                }
            }
        }
    }

    /// The same database for a second replica; only the first handle drops it.
    pub fn share(&self) -> TestDatabase {
        TestDatabase {
            url: self.url.clone(),
            postgres: None,
            _dir: None,
        }
    }

    /// The same Postgres database reached through another local port (a relay).
    pub fn via_port(&self, port: u16) -> TestDatabase {
        let mut url = reqwest::Url::parse(&self.url).expect("a URL");
        url.set_port(Some(port)).expect("a port can be set");
        TestDatabase {
            url: url.to_string(),
            postgres: None,
            _dir: None,
        }
    }

    /// host:port of the Postgres server.
    pub fn address(&self) -> String {
        let url = reqwest::Url::parse(&self.url).expect("a URL");
        format!(
            "{}:{}",
            url.host_str().unwrap_or("127.0.0.1"),
            url.port().unwrap_or(5432)
        )
    }

    /// The service's own connection to this database, migrated as `serve` would.
    pub async fn migrated(&self) -> sqlx::AnyPool {
        let pool = cognito_bff::db::connect(&self.url, 5)
            .await
            .expect("connect to the test database");
        cognito_bff::db::migrate(&pool)
            .await
            .expect("migrations apply");
        pool
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }

    /// A connection to the same database, to look at or change what the service stored.
    pub async fn pool(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(&cognito_bff::db::normalize_url(&self.url))
            .await
            .expect("connect to the test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.postgres.take() {
            // Drop runs inside the test's runtime; a thread of its own may block.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                        let _ =
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&mut conn)
                                .await;
                    }
                });
            })
            .join();
        }
    }
}

/// A challenge store on a fresh, migrated database, as the service sets one up.
pub async fn challenge_store() -> (ChallengeStore, TestDatabase, sqlx::AnyPool) {
    let db = TestDatabase::create().await;
    let pool = db.migrated().await;
    let store = ChallengeStore::new(
        pool.clone(),
        Duration::from_secs(30),
        Arc::new(SessionCipher::new(&[7; 32], None)),
    );
    (store, db, pool)
}
