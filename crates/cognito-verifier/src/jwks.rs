//! The pool's signing keys, fetched from its JWKS and cached by `kid`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::Jwk;
use serde::Deserialize;

/// A JWKS larger than this is refused: a pool publishes two keys.
const MAX_BODY: usize = 64 * 1024;
/// An unknown `kid` may trigger a refetch at most this often, so a flood of forged tokens
/// can't become a flood of fetches.
const MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(10);
const FETCH_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("fetching the JWKS failed: {0}")]
    Fetch(#[from] reqwest::Error),
    #[error("the JWKS answered HTTP {0}")]
    Status(u16),
    #[error("the JWKS is larger than {MAX_BODY} bytes")]
    TooLarge,
    #[error("the JWKS is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the JWKS holds no usable RS256 key")]
    NoKeys,
}

/// A key as the JWKS published it: what verifies, and the key's modulus and exponent, which
/// tell a key published again under its `kid` from another key given that `kid`.
#[derive(Clone)]
struct Published {
    key: Arc<DecodingKey>,
    material: Material,
}

/// An RSA key's modulus and exponent as the JWK writes them (base64url), joined by a `.`:
/// compared as written, as the signature check reads them (a modulus written with a leading
/// zero verifies nothing).
pub(crate) type Material = Arc<str>;

impl Published {
    fn same_key(&self, material: &Material) -> bool {
        Arc::ptr_eq(&self.material, material) || *self.material == **material
    }
}

type Keys = HashMap<String, Published>;

#[derive(Deserialize)]
struct RawJwks {
    keys: Vec<serde_json::Value>,
}

/// Keys by `kid`, refreshed from `url`.
pub struct KeySet {
    url: String,
    http: reqwest::Client,
    keys: RwLock<Arc<Keys>>,
    /// Counts up by two for every store that drops a key the set held or gives its `kid` to
    /// another key: once under the write lock before the store, once after it, so it is odd
    /// while such a store is under way. See [`KeySet::removals`].
    removals: AtomicU64,
    /// Serialises fetches, so concurrent misses share one, and remembers when the last fetch
    /// for an unknown `kid` ran. Scheduled refreshes don't count: a key rotated in right after
    /// one must still be picked up by the first token that uses it.
    last_miss_fetch: tokio::sync::Mutex<Option<Instant>>,
}

impl KeySet {
    pub fn new(url: String) -> Self {
        let http = reqwest::Client::builder()
            .timeout(FETCH_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a TLS backend is compiled in");
        KeySet {
            url,
            http,
            keys: RwLock::new(Arc::new(HashMap::new())),
            removals: AtomicU64::new(0),
            last_miss_fetch: tokio::sync::Mutex::new(None),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn is_loaded(&self) -> bool {
        !self.snapshot().is_empty()
    }

    fn snapshot(&self) -> Arc<Keys> {
        self.keys.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn find(&self, kid: &str) -> Option<Published> {
        self.snapshot().get(kid).cloned()
    }

    pub fn cached(&self, kid: &str) -> Option<Arc<DecodingKey>> {
        self.find(kid).map(|published| published.key)
    }

    /// Whether a key named `kid` is among the cached keys: [`KeySet::cached`] without taking
    /// a share of the key set or of the key. The `kid` alone: the verifier's own check of a
    /// cached token also compares the key it was verified with.
    pub fn contains(&self, kid: &str) -> bool {
        self.keys
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(kid)
    }

    /// Whether `kid` still names the key whose modulus and exponent are `material`.
    pub(crate) fn holds(&self, kid: &str, material: &Material) -> bool {
        self.keys
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(kid)
            .is_some_and(|published| published.same_key(material))
    }

    /// A count that moves whenever a key leaves the set, or its `kid` comes back naming
    /// another key. A key looked up after this returned `n` is still in the set under its
    /// `kid` for as long as it returns `n`: reading it is the whole of the check a key found
    /// before needs, without the lock every reader takes. (While a store that drops a key or
    /// gives its `kid` to another is under way the count is odd, and a lookup waits for the
    /// store, so it finds the new set.)
    pub fn removals(&self) -> u64 {
        self.removals.load(Ordering::SeqCst)
    }

    /// The key for `kid`, refetching the JWKS once if it is unknown and the last fetch is
    /// old enough.
    pub async fn get(&self, kid: &str) -> Option<Arc<DecodingKey>> {
        self.published(kid).await.map(|(key, _)| key)
    }

    /// As [`KeySet::get`], with the key's modulus and exponent, for [`KeySet::holds`].
    pub(crate) async fn published(&self, kid: &str) -> Option<(Arc<DecodingKey>, Material)> {
        let cached = || self.find(kid).map(|found| (found.key, found.material));
        if let Some(found) = cached() {
            return Some(found);
        }
        let mut last_miss_fetch = self.last_miss_fetch.lock().await;
        // Another request may have fetched while this one waited.
        if let Some(found) = cached() {
            return Some(found);
        }
        if last_miss_fetch.is_some_and(|at| at.elapsed() < MIN_REFETCH_INTERVAL) {
            return None;
        }
        *last_miss_fetch = Some(Instant::now());
        if let Err(e) = self.fetch_and_store().await {
            tracing::warn!(error = %e, "JWKS refetch failed");
        }
        cached()
    }

    /// Fetches the JWKS now and replaces the cached keys; on failure the old keys stay.
    pub async fn refresh(&self) -> Result<usize, JwksError> {
        let _one_fetch_at_a_time = self.last_miss_fetch.lock().await;
        self.fetch_and_store().await
    }

    async fn fetch_and_store(&self) -> Result<usize, JwksError> {
        let keys = self.fetch().await.inspect_err(|_| {
            metrics::counter!("jwks_fetches_total", "result" => "error").increment(1);
        })?;
        metrics::counter!("jwks_fetches_total", "result" => "ok").increment(1);
        let count = keys.len();
        let mut held = self.keys.write().unwrap_or_else(|e| e.into_inner());
        // Both moves under the lock, around the store: no check that reads the count after
        // the store began can find it unmoved, and no lookup sees the set in between.
        let drops = held
            .iter()
            .any(|(kid, old)| keys.get(kid).is_none_or(|new| !new.same_key(&old.material)));
        // A key published as before stays the same key, so the check of a cached token finds
        // its material by address, not by comparing it.
        let keys: Keys = keys
            .into_iter()
            .map(|(kid, new)| match held.get(&kid) {
                Some(old) if old.same_key(&new.material) => (kid, old.clone()),
                _ => (kid, new),
            })
            .collect();
        if drops {
            self.removals.fetch_add(1, Ordering::SeqCst);
        }
        *held = Arc::new(keys);
        if drops {
            self.removals.fetch_add(1, Ordering::SeqCst);
        }
        drop(held);
        tracing::debug!(keys = count, "JWKS loaded");
        Ok(count)
    }

    async fn fetch(&self) -> Result<Keys, JwksError> {
        let mut response = self.http.get(&self.url).send().await?;
        if !response.status().is_success() {
            return Err(JwksError::Status(response.status().as_u16()));
        }
        if response
            .content_length()
            .is_some_and(|len| len > MAX_BODY as u64)
        {
            return Err(JwksError::TooLarge);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(JwksError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        parse(&body)
    }
}

/// Keeps the RSA signing keys that have a `kid`; skips anything else rather than failing.
fn parse(body: &[u8]) -> Result<Keys, JwksError> {
    let raw: RawJwks = serde_json::from_slice(body)?;
    let keys: Keys = raw
        .keys
        .into_iter()
        .filter_map(|value| serde_json::from_value::<Jwk>(value).ok())
        .filter_map(|jwk| {
            let jsonwebtoken::jwk::AlgorithmParameters::RSA(rsa) = &jwk.algorithm else {
                return None;
            };
            let material: Material = format!("{}.{}", rsa.n, rsa.e).into();
            let kid = jwk.common.key_id.clone()?;
            let key = DecodingKey::from_jwk(&jwk).ok()?;
            Some((
                kid,
                Published {
                    key: Arc::new(key),
                    material,
                },
            ))
        })
        .collect();
    if keys.is_empty() {
        return Err(JwksError::NoKeys);
    }
    Ok(keys)
}
