//! A browser session as a request sees it: the row's fields and its Cognito tokens, opened.
//! What the store reads and the cache keeps.

use std::sync::{Arc, OnceLock};

use cognito_verifier::VerifiedAccess;
use serde::{Deserialize, Serialize};

use crate::vocab::{Amr, IdHash};

/// The Cognito tokens a session holds. Sealed at rest; never printed; zeroed when dropped.
#[derive(Clone, Serialize, Deserialize)]
pub struct SessionTokens {
    pub access_token: String,
    pub id_token: Option<String>,
    pub refresh_token: String,
    /// The device the tokens were issued to, where the pool tracks devices: a refresh must
    /// name it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_key: Option<String>,
    /// The access token as the verifier verified it, kept with the tokens from their first
    /// use on, so that a request using the same tokens (a session this replica keeps in
    /// memory) checks it again rather than looks it up (see `BrowserSessions::verified`).
    /// Never sealed, never copied.
    #[serde(skip)]
    pub verified: VerifiedSlot,
}

/// Room for the access token's verification. A copy starts empty: a copy of the tokens may
/// be changed, and must never carry the verification of another token.
#[derive(Default)]
pub struct VerifiedSlot(OnceLock<Arc<VerifiedAccess>>);

impl VerifiedSlot {
    pub fn get(&self) -> Option<&Arc<VerifiedAccess>> {
        self.0.get()
    }

    /// Keeps `verified` unless one is kept already.
    pub fn keep(&self, verified: Arc<VerifiedAccess>) {
        let _ = self.0.set(verified);
    }
}

impl Clone for VerifiedSlot {
    fn clone(&self) -> Self {
        VerifiedSlot::default()
    }
}

impl Drop for SessionTokens {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        self.access_token.zeroize();
        self.id_token.zeroize();
        self.refresh_token.zeroize();
        self.device_key.zeroize();
    }
}

impl std::fmt::Debug for SessionTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionTokens(redacted)")
    }
}

/// A session as stored, its tokens opened (shared with this replica's cache, if it keeps the
/// session).
#[derive(Debug, Clone)]
pub struct StoredSession {
    pub id_hash: IdHash,
    pub public_id: Arc<str>,
    pub sub: Arc<str>,
    pub username: Arc<str>,
    pub tokens: Arc<SessionTokens>,
    /// Seconds since the epoch.
    pub access_expires_at: i64,
    /// Seconds since the epoch.
    pub auth_time: i64,
    pub amr: Arc<str>,
    /// Milliseconds since the epoch, like the two below.
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub client_ip: Arc<str>,
    pub user_agent: Arc<str>,
    pub version: i64,
}

impl StoredSession {
    /// Signed in through an identity provider at the pool's managed login (amr `fed`).
    pub fn federated(&self) -> bool {
        Amr::from_column(Some(&self.amr)).is_federated()
    }

    /// Signed in at the pool's managed login (amr `fed` or `hosted`).
    pub fn at_managed_login(&self) -> bool {
        Amr::from_column(Some(&self.amr)).at_managed_login()
    }
}
