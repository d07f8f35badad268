//! Token checks. Every check is explicit, and the algorithm is pinned to RS256 here, never
//! taken from the token.

use std::any::Any;
use std::collections::HashSet;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::jwks::{KeySet, Material};

/// Cognito's tokens are around 1 KiB; anything this large is not one.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// Where the verifier finds keys and what it accepts.
#[derive(Debug, Clone)]
pub struct VerifierConfig {
    pub jwks_url: String,
    /// Exactly the `iss` Cognito writes: `https://cognito-idp.{region}.amazonaws.com/{pool}`.
    pub issuer: String,
    /// App clients whose tokens are accepted: `client_id` of access tokens, `aud` of ID tokens.
    pub client_ids: Vec<String>,
    /// Clock skew allowed on `exp` and `nbf`.
    pub leeway: Duration,
    /// The bound of the verified-token cache, which lets a repeated token skip the RSA
    /// check: a token counts once per started KiB of its length. 0 turns the cache off.
    pub cache_capacity: u64,
}

impl VerifierConfig {
    /// The settings for a pool on AWS: its JWKS and issuer follow from the pool id.
    pub fn for_pool(user_pool_id: &str, client_ids: Vec<String>) -> Self {
        let region = user_pool_id.split('_').next().unwrap_or_default();
        let issuer = format!("https://cognito-idp.{region}.amazonaws.com/{user_pool_id}");
        VerifierConfig {
            jwks_url: format!("{issuer}/.well-known/jwks.json"),
            issuer,
            client_ids,
            leeway: Duration::ZERO,
            cache_capacity: 10_000,
        }
    }
}

/// Why a token was refused. Logged at debug; clients only ever see `invalid_token`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("token too large")]
    TooLarge,
    #[error("malformed token")]
    Malformed,
    #[error("algorithm not allowed")]
    Algorithm,
    #[error("critical header present")]
    CriticalHeader,
    #[error("missing kid")]
    MissingKid,
    #[error("unknown kid")]
    UnknownKid,
    #[error("bad signature")]
    Signature,
    #[error("expired")]
    Expired,
    #[error("not yet valid")]
    NotYetValid,
    #[error("missing or malformed claim")]
    Claims,
    #[error("wrong issuer")]
    Issuer,
    #[error("wrong token_use")]
    TokenUse,
    #[error("wrong client")]
    Client,
    #[error("revoked")]
    Revoked,
}

impl TokenError {
    /// A stable name for logs and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::TooLarge => "token_too_large",
            TokenError::Malformed => "token_malformed",
            TokenError::Algorithm => "token_algorithm",
            TokenError::CriticalHeader => "token_crit",
            TokenError::MissingKid => "token_missing_kid",
            TokenError::UnknownKid => "token_unknown_kid",
            TokenError::Signature => "token_signature",
            TokenError::Expired => "token_expired",
            TokenError::NotYetValid => "token_not_yet_valid",
            TokenError::Claims => "token_claims",
            TokenError::Issuer => "token_issuer",
            TokenError::TokenUse => "token_use",
            TokenError::Client => "token_client",
            TokenError::Revoked => "token_revoked",
        }
    }
}

/// The verified claims of a Cognito access token.
#[derive(Debug, Clone, Deserialize)]
pub struct AccessClaims {
    pub sub: String,
    /// Cognito's internal username (for pools that sign in by email, the same as `sub`).
    #[serde(default)]
    pub username: Option<String>,
    #[serde(rename = "cognito:groups", default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub scope: Option<String>,
    pub client_id: String,
    pub token_use: String,
    pub exp: i64,
    /// Typed so that a string `nbf` fails to parse instead of being skipped.
    #[serde(default)]
    pub nbf: Option<i64>,
    #[serde(default)]
    pub iat: Option<i64>,
    /// When the user last proved who they are (seconds); a refresh keeps it.
    #[serde(default)]
    pub auth_time: Option<i64>,
    #[serde(default)]
    pub jti: Option<String>,
    /// The id of the sign-in this token descends from; shared with its refresh token.
    #[serde(default)]
    pub origin_jti: Option<String>,
}

impl AccessClaims {
    pub fn identity(&self) -> TokenIdentity<'_> {
        TokenIdentity {
            sub: &self.sub,
            jti: self.jti.as_deref(),
            origin_jti: self.origin_jti.as_deref(),
            issued_at: self.iat,
        }
    }
}

/// The verified claims of a Cognito ID token. `Debug` shows no personal data.
#[derive(Clone, Deserialize)]
pub struct IdClaims {
    pub sub: String,
    pub aud: String,
    pub token_use: String,
    pub exp: i64,
    #[serde(default)]
    pub nbf: Option<i64>,
    #[serde(rename = "cognito:username", default)]
    pub username: Option<String>,
    #[serde(rename = "cognito:groups", default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub iat: Option<i64>,
    #[serde(default)]
    pub jti: Option<String>,
    #[serde(default)]
    pub origin_jti: Option<String>,
    /// When the user last proved who they are, seconds since the epoch.
    #[serde(default)]
    pub auth_time: Option<i64>,
    /// Every other claim: the user's attributes (`name`, `phone_number`, `custom:…`) and
    /// Cognito's own (`cognito:…`, `event_id`, `at_hash`).
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl std::fmt::Debug for IdClaims {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdClaims")
            .field("sub", &self.sub)
            .field("aud", &self.aud)
            .field("exp", &self.exp)
            .finish_non_exhaustive()
    }
}

impl IdClaims {
    pub fn identity(&self) -> TokenIdentity<'_> {
        TokenIdentity {
            sub: &self.sub,
            jti: self.jti.as_deref(),
            origin_jti: self.origin_jti.as_deref(),
            issued_at: self.iat,
        }
    }
}

/// What a revocation source needs to know about a token.
#[derive(Debug, Clone, Copy)]
pub struct TokenIdentity<'a> {
    pub sub: &'a str,
    pub jti: Option<&'a str>,
    pub origin_jti: Option<&'a str>,
    /// `iat`, seconds since the epoch.
    pub issued_at: Option<i64>,
}

/// A source of revoked tokens, consulted on every verification (cached or not). It must
/// answer from memory: it sits on the hot path of every request.
pub trait Revocations: Send + Sync + 'static {
    fn is_revoked(&self, token: TokenIdentity<'_>) -> bool;
}

#[derive(Deserialize)]
struct RawHeader {
    alg: Option<String>,
    kid: Option<String>,
    /// Present at all (even `null`) means refused: no extension is understood here.
    #[serde(default, deserialize_with = "present")]
    crit: bool,
}

fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    serde::de::IgnoredAny::deserialize(deserializer).map(|_| true)
}

/// A verified access token as the verifier keeps it: its claims, the key that signed it and,
/// once a caller asked for it, a value derived from the claims ([`VerifiedAccess::derived`]).
/// The cache hands out the same one for every request with the token, never a copy.
pub struct VerifiedAccess {
    claims: AccessClaims,
    kid: String,
    /// The signing key's modulus and exponent, as the JWKS published them under `kid`.
    material: Material,
    /// [`KeySet::removals`] read before the key was looked up.
    removals: u64,
    derived: OnceLock<Box<dyn Any + Send + Sync>>,
}

impl std::fmt::Debug for VerifiedAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifiedAccess")
            .field("claims", &self.claims)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl VerifiedAccess {
    pub fn claims(&self) -> &AccessClaims {
        &self.claims
    }

    /// A value computed from the claims by `make` the first time it is asked for, then kept
    /// with the token's cache entry, so that later requests with the token get it ready-made
    /// (cognito-bff keeps the identity headers of `/verify` here). It lives and dies with the
    /// entry, and the verifier only hands an entry out after checking expiry, revocation and
    /// the signing key, so the value is never served for a token that no longer passes.
    ///
    /// The type is the key: one type per verifier, and a private one, so that no other
    /// caller's value can be taken for it. `None` when a value of another type was kept first.
    pub fn derived<T: Send + Sync + 'static>(
        &self,
        make: impl FnOnce(&AccessClaims) -> T,
    ) -> Option<&T> {
        self.derived
            .get_or_init(|| Box::new(make(&self.claims)))
            .downcast_ref()
    }
}

/// The verified-token cache, keyed by the token itself, hashed by its last [`HASHED_TAIL`]
/// bytes with a randomly seeded fast hash.
///
/// A hit is an exact match of the whole token (the map compares keys by equality), so a
/// hash collision can only cost a comparison, never answer for another token; the hash need
/// not be cryptographic. SHA-256 over a token of about 1 KiB cost more than half a
/// microsecond per request; foldhash over all of it a few hundred instructions, over its tail
/// a few dozen. The tail is the end of the RS256 signature: 188 bits that differ from one
/// token to the next as random bits do.
///
/// Hash flooding: only tokens that passed the full check (the pool's RS256 signature) are
/// inserted, so nobody outside Cognito chooses the keys, nor their tails; forged tokens are
/// only looked up, which inserts nothing. The seeds come from the standard library's random
/// keys (drawn from the OS once per thread), so hash values are unknown outside the process as
/// well.
///
/// Memory: each entry holds its token besides the claims and what was derived from them,
/// about 2.3 KiB resident in all for a token of 1 KiB as Cognito issues them, with the
/// identity headers cognito-bff derives (about 23 MiB for the default 10,000 entries).
/// `cache_capacity` counts a token once per started KiB (`TokenWeight`), so larger tokens,
/// which carry larger claims and headers, take a share of the bound in proportion; only
/// tokens the pool signed get an entry at all.
///
/// The keys are the tokens' bytes, so that a token read from a header can be looked up before
/// its characters are checked (`Verifier::verify_bearer_shared`): a key passed that check
/// when it was verified, and a hit is equal to it byte for byte.
///
/// A hit takes its shard's read lock, reads the entry where it lies and marks it used: a few
/// dependent reads, where moka's hit went through about twice as many and queued a record of
/// the read for later upkeep (BENCHMARKS.md, seventh round). The cache has no expiry of its
/// own: a hit past `exp` (and the leeway) is refused and removed there, and
/// `Verifier::forget_expired`, which the owner runs on a schedule, removes the rest.
type TokenCache = quick_cache::sync::Cache<Box<[u8]>, Arc<VerifiedAccess>, TokenWeight, TailHash>;

/// About how many tokens a shard of the cache holds at most (see `Verifier::new`).
const SHARD_ITEMS: usize = 4096;
/// The most shards a cache gets, whatever its capacity.
const MAX_SHARDS: usize = 1 << 16;

/// How much of the end of a token its hash reads: 32 characters of base64, the last 188 bits
/// of the signature.
const HASHED_TAIL: usize = 32;

/// Builds hashers that read only the last [`HASHED_TAIL`] bytes of what they are given.
#[derive(Clone)]
struct TailHash(foldhash::fast::SeedableRandomState);

impl BuildHasher for TailHash {
    type Hasher = TailHasher;

    fn build_hasher(&self) -> TailHasher {
        TailHasher(self.0.build_hasher())
    }
}

struct TailHasher(foldhash::fast::FoldHasher<'static>);

impl Hasher for TailHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0
            .write(&bytes[bytes.len().saturating_sub(HASHED_TAIL)..]);
    }

    fn write_u8(&mut self, byte: u8) {
        self.0.write_u8(byte);
    }

    fn finish(&self) -> u64 {
        self.0.finish()
    }
}

fn token_hasher() -> TailHash {
    static SHARED: OnceLock<foldhash::SharedSeed> = OnceLock::new();
    let random = || RandomState::new().hash_one(0u8);
    let shared = SHARED.get_or_init(|| foldhash::SharedSeed::from_u64(random()));
    TailHash(foldhash::fast::SeedableRandomState::with_seed(
        random(),
        shared,
    ))
}

/// A token's share of `cache_capacity`: one per started KiB, so that the bound holds memory,
/// not only entries, whatever the size of the tokens (up to `MAX_TOKEN_LEN`).
#[derive(Clone, Copy)]
struct TokenWeight;

impl quick_cache::Weighter<Box<[u8]>, Arc<VerifiedAccess>> for TokenWeight {
    fn weight(&self, token: &Box<[u8]>, _: &Arc<VerifiedAccess>) -> u64 {
        token.len().div_ceil(1024).max(1) as u64
    }
}

fn now_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// Verifies Cognito access and ID tokens against a pool's JWKS.
pub struct Verifier {
    keys: KeySet,
    validation: Validation,
    /// The same checks without `exp`, to identify the owner of an expired token.
    validation_ignoring_exp: Validation,
    leeway: i64,
    client_ids: HashSet<String>,
    revocations: Option<Arc<dyn Revocations>>,
    cache: Option<TokenCache>,
}

impl Verifier {
    pub fn new(config: VerifierConfig) -> Self {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[config.issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.leeway = config.leeway.as_secs();
        validation.validate_nbf = true;
        // Cognito access tokens carry `client_id` instead of `aud`; both are checked below.
        validation.validate_aud = false;
        let cache = (config.cache_capacity > 0).then(|| {
            // Sized for tokens of 1 KiB, Cognito's usual size.
            let items = usize::try_from(config.cache_capacity).unwrap_or(usize::MAX);
            // Shards of at most about `SHARD_ITEMS`, more than the default for a large cache:
            // a sweep holds one shard's write lock while it reads that shard's entries. Bounded,
            // for a capacity far beyond any memory.
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            let shards = (items / SHARD_ITEMS)
                .min(MAX_SHARDS)
                .max(threads * 4)
                .next_power_of_two();
            let options = quick_cache::OptionsBuilder::new()
                .estimated_items_capacity(items)
                .weight_capacity(config.cache_capacity)
                .shards(shards)
                .build()
                .expect("both capacities are set");
            TokenCache::with_options(options, TokenWeight, token_hasher(), Default::default())
        });
        let mut validation_ignoring_exp = validation.clone();
        validation_ignoring_exp.validate_exp = false;
        Verifier {
            keys: KeySet::new(config.jwks_url),
            validation,
            validation_ignoring_exp,
            leeway: config.leeway.as_secs() as i64,
            client_ids: config.client_ids.into_iter().collect(),
            revocations: None,
            cache,
        }
    }

    /// Refuses tokens whose `jti` or `origin_jti` the given source reports as revoked.
    pub fn with_revocations(mut self, revocations: Arc<dyn Revocations>) -> Self {
        self.revocations = Some(revocations);
        self
    }

    pub fn keys(&self) -> &KeySet {
        &self.keys
    }

    /// Verifies a Cognito access token and returns its claims.
    pub async fn verify_access(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let verified = self.verify_access_shared(token).await?;
        Ok(Arc::try_unwrap(verified).map_or_else(|shared| shared.claims.clone(), |v| v.claims))
    }

    /// Verifies a Cognito access token, every check as [`Verifier::verify_access`] makes
    /// them, and returns the verified token as the cache shares it: no copy of the claims,
    /// and what [`VerifiedAccess::derived`] kept for this token.
    pub async fn verify_access_shared(
        &self,
        token: &str,
    ) -> Result<Arc<VerifiedAccess>, TokenError> {
        let result = self.verify_access_inner(token).await;
        if let Err(e) = &result {
            tracing::debug!(reason = e.code(), "access token refused");
        }
        result
    }

    /// Verifies a Cognito ID token: `token_use=id` and `aud` among the accepted clients.
    pub async fn verify_id(&self, token: &str) -> Result<IdClaims, TokenError> {
        let result = async {
            let (claims, ..) = self.decode_as::<IdClaims>(token, "id").await?;
            if !self.client_ids.contains(&claims.aud) {
                return Err(TokenError::Client);
            }
            self.check_revoked(claims.identity())?;
            Ok(claims)
        }
        .await;
        if let Err(e) = &result {
            tracing::debug!(reason = e.code(), "ID token refused");
        }
        result
    }

    /// Every check of `verify_access` except expiry: who an expired access token belongs to.
    /// Only for decisions that Cognito checks again, such as computing a refresh's SECRET_HASH.
    pub async fn identify_access(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let (claims, ..) = self
            .decode_with::<AccessClaims>(token, "access", &self.validation_ignoring_exp)
            .await?;
        if !self.client_ids.contains(&claims.client_id) {
            return Err(TokenError::Client);
        }
        Ok(claims)
    }

    /// Forgets a cached verification, e.g. after the token was revoked.
    pub fn forget(&self, token: &str) {
        if let Some(cache) = &self.cache {
            cache.remove(token.as_bytes());
        }
    }

    /// Removes the cached tokens past their `exp` (and the leeway). Such a token is refused
    /// at its next use anyway, and removed then; this lets none of them stay in memory unused.
    /// Run it on a schedule (cognito-bff does every minute), off the async workers for a large
    /// cache: it takes each shard's write lock in turn and reads every entry. Returns about how
    /// many went (entries added meanwhile lower the count, entries evicted raise it).
    pub fn forget_expired(&self) -> usize {
        let Some(cache) = &self.cache else {
            return 0;
        };
        let before = cache.len();
        let now = now_seconds();
        cache.retain(|_, verified| !self.expired(verified, now));
        before.saturating_sub(cache.len())
    }

    fn expired(&self, verified: &VerifiedAccess, now: i64) -> bool {
        verified.claims.exp.saturating_add(self.leeway) < now
    }

    async fn verify_access_inner(&self, token: &str) -> Result<Arc<VerifiedAccess>, TokenError> {
        match self.cached(token.as_bytes()) {
            Some(cached) => cached,
            None => self.verify_access_missed(token).await,
        }
    }

    /// Every check of a token just looked up in the cache and not found, without a second
    /// lookup. (A token too large to be one is never cached.)
    pub(crate) async fn verify_access_missed(
        &self,
        token: &str,
    ) -> Result<Arc<VerifiedAccess>, TokenError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(TokenError::TooLarge);
        }
        // Boxed: the full check can wait on the key set and fetch it (a large future), while a
        // cached token is answered without waiting. Inline, every verification's future would
        // be that large, and each layer above copies it.
        Box::pin(self.verify_uncached(token)).await
    }

    /// The cached verification of exactly this token, checked again; `None` if none is kept.
    pub(crate) fn cached(&self, token: &[u8]) -> Option<Result<Arc<VerifiedAccess>, TokenError>> {
        let cache = self.cache.as_ref()?;
        let verified = cache.get(token)?;
        let checked = self.still_good(&verified);
        if checked == Err(TokenError::Expired) {
            cache.remove(token);
        }
        Some(checked.map(|()| verified))
    }

    async fn verify_uncached(&self, token: &str) -> Result<Arc<VerifiedAccess>, TokenError> {
        let removals = self.keys.removals();
        let (claims, kid, material) = self.decode_as::<AccessClaims>(token, "access").await?;
        if !self.client_ids.contains(&claims.client_id) {
            return Err(TokenError::Client);
        }
        self.check_revoked(claims.identity())?;
        let verified = Arc::new(VerifiedAccess {
            claims,
            kid,
            material,
            removals,
            derived: OnceLock::new(),
        });
        if let Some(cache) = &self.cache {
            cache.insert(token.as_bytes().into(), verified.clone());
        }
        Ok(verified)
    }

    /// Whether the verified-token cache is on (`cache_capacity` above 0).
    pub fn caches(&self) -> bool {
        self.cache.is_some()
    }

    /// Checks again what a verification the caller kept may no longer pass: every check a
    /// token found in the verifier's own cache gets (expiry, its signing key still in the
    /// JWKS, revocation). For a caller that holds on to what [`Verifier::verify_access_shared`]
    /// gave it for as long as the verifier itself would, rather than look the token up again.
    pub fn recheck_access(&self, verified: &VerifiedAccess) -> Result<(), TokenError> {
        let result = self.still_good(verified);
        if let Err(e) = &result {
            tracing::debug!(reason = e.code(), "access token refused");
        }
        result
    }

    fn still_good(&self, verified: &VerifiedAccess) -> Result<(), TokenError> {
        let claims = &verified.claims;
        // The cache keeps an entry past `exp` until it is swept or used again.
        if self.expired(verified, now_seconds()) {
            return Err(TokenError::Expired);
        }
        // A key removed upstream, or whose `kid` now names another key, stops vouching for the
        // tokens it signed. While no key has left the set or given its `kid` to another since
        // this one was found, it is still there.
        if self.keys.removals() != verified.removals
            && !self.keys.holds(&verified.kid, &verified.material)
        {
            return Err(TokenError::UnknownKid);
        }
        self.check_revoked(claims.identity())
    }

    fn check_revoked(&self, token: TokenIdentity<'_>) -> Result<(), TokenError> {
        match &self.revocations {
            Some(r) if r.is_revoked(token) => Err(TokenError::Revoked),
            _ => Ok(()),
        }
    }

    /// The checks common to every token (shape, header, key, signature, time, issuer), then
    /// `token_use`, then the claims of that kind of token. Returns the claims, the `kid` and
    /// the key's modulus and exponent.
    async fn decode_as<T: DeserializeOwned>(
        &self,
        token: &str,
        token_use: &str,
    ) -> Result<(T, String, Material), TokenError> {
        self.decode_with(token, token_use, &self.validation).await
    }

    async fn decode_with<T: DeserializeOwned>(
        &self,
        token: &str,
        token_use: &str,
        validation: &Validation,
    ) -> Result<(T, String, Material), TokenError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(TokenError::TooLarge);
        }
        let mut segments = token.split('.');
        let (Some(header), Some(_), Some(_), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return Err(TokenError::Malformed);
        };
        let header: RawHeader = URL_SAFE_NO_PAD
            .decode(header)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or(TokenError::Malformed)?;
        // `jku`, `x5u` and `jwk` are never read: keys come only from the configured JWKS.
        if header.alg.as_deref() != Some("RS256") {
            return Err(TokenError::Algorithm);
        }
        if header.crit {
            return Err(TokenError::CriticalHeader);
        }
        let kid = header.kid.ok_or(TokenError::MissingKid)?;
        let (key, material) = self
            .keys
            .published(&kid)
            .await
            .ok_or(TokenError::UnknownKid)?;
        let claims = jsonwebtoken::decode::<serde_json::Map<String, serde_json::Value>>(
            token, &key, validation,
        )
        .map_err(|e| classify(e.kind()))?
        .claims;
        // Checked before the typed parse: an ID token has no `client_id` and an access token
        // no `aud`, and the wrong kind of token must be refused as such.
        if claims.get("token_use").and_then(|v| v.as_str()) != Some(token_use) {
            return Err(TokenError::TokenUse);
        }
        let claims = serde_json::from_value(serde_json::Value::Object(claims))
            .map_err(|_| TokenError::Claims)?;
        Ok((claims, kid, material))
    }
}

fn classify(kind: &jsonwebtoken::errors::ErrorKind) -> TokenError {
    use jsonwebtoken::errors::ErrorKind as K;
    match kind {
        K::InvalidSignature => TokenError::Signature,
        K::ExpiredSignature => TokenError::Expired,
        K::ImmatureSignature => TokenError::NotYetValid,
        K::InvalidIssuer => TokenError::Issuer,
        K::InvalidAlgorithm | K::InvalidAlgorithmName | K::MissingAlgorithm => {
            TokenError::Algorithm
        }
        K::MissingRequiredClaim(_) | K::InvalidClaimFormat(_) | K::Json(_) => TokenError::Claims,
        _ => TokenError::Malformed,
    }
}
