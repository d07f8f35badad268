//! The device table, shared by every replica through the database. A row is found by the hash
//! of the id its holder presents; everything about the device is sealed, bound to that hash.

use std::sync::Arc;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, Row};

use crate::clock::now_ms;
use crate::vocab::{IdHash, SessionCipher};

/// What a device row holds, sealed. Never printed.
#[derive(Clone, Serialize, Deserialize)]
pub struct DeviceSecretsStored {
    /// Cognito's name for the user the device was confirmed for.
    pub username: String,
    /// The name typed at the sign-in that last used the device.
    pub login_name: String,
    pub device_key: String,
    pub group_key: String,
    pub secret: String,
}

impl std::fmt::Debug for DeviceSecretsStored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceSecretsStored(redacted)")
    }
}

#[derive(Clone)]
pub struct DeviceStore {
    pool: AnyPool,
    cipher: Arc<SessionCipher>,
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

impl DeviceStore {
    pub fn new(pool: AnyPool, cipher: Arc<SessionCipher>) -> Self {
        DeviceStore { pool, cipher }
    }

    fn seal(&self, device: &DeviceSecretsStored, id_hash: &IdHash) -> Result<String, sqlx::Error> {
        let json = SecretString::from(
            serde_json::to_string(device).map_err(|e| sqlx::Error::Encode(Box::new(e)))?,
        );
        self.cipher
            .seal(&json, id_hash.as_str())
            .map_err(|e| sqlx::Error::Protocol(format!("no randomness for a nonce: {e}")))
    }

    pub async fn insert(
        &self,
        id_hash: &IdHash,
        device: &DeviceSecretsStored,
        lifetime: Duration,
    ) -> Result<(), sqlx::Error> {
        let sealed = self.seal(device, id_hash)?;
        let now = now_ms();
        sqlx::query(
            "INSERT INTO devices (id_hash, sealed, created_at, last_used_at, expires_at) \
             VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(id_hash.as_str())
        .bind(sealed)
        .bind(now)
        .bind(now.saturating_add(millis(lifetime)))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The live device under `id_hash`; `None` when unknown, expired, or sealed under a key
    /// this process doesn't have.
    pub async fn find(&self, id_hash: &IdHash) -> Result<Option<DeviceSecretsStored>, sqlx::Error> {
        let row = sqlx::query("SELECT sealed FROM devices WHERE id_hash = $1 AND expires_at > $2")
            .bind(id_hash.as_str())
            .bind(now_ms())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let sealed: String = row.try_get("sealed")?;
        let opened = self
            .cipher
            .open(&sealed, id_hash.as_str())
            .and_then(|json| serde_json::from_str(json.expose_secret()).ok());
        if opened.is_none() {
            tracing::warn!(
                "a device can't be decrypted; check SESSION_ENCRYPTION_KEY on every replica"
            );
        }
        Ok(opened)
    }

    /// Notes a sign-in from the device, under the name typed at it: its lifetime starts again.
    pub async fn used(
        &self,
        id_hash: &IdHash,
        device: &DeviceSecretsStored,
        lifetime: Duration,
    ) -> Result<(), sqlx::Error> {
        let sealed = self.seal(device, id_hash)?;
        let now = now_ms();
        sqlx::query(
            "UPDATE devices SET sealed = $1, last_used_at = $2, expires_at = $3 \
             WHERE id_hash = $4",
        )
        .bind(sealed)
        .bind(now)
        .bind(now.saturating_add(millis(lifetime)))
        .bind(id_hash.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn delete(&self, id_hash: &IdHash) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM devices WHERE id_hash = $1")
            .bind(id_hash.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn purge_expired(&self) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("DELETE FROM devices WHERE expires_at <= $1")
            .bind(now_ms())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }
}
