//! Abuse limits. Those that guard accounts are shared by every replica through the database
//! on Postgres (in memory on SQLite, which is one replica); the per-address request rate is
//! counted by each process on its own.
//!
//! - **Per client address** (per replica): every request to a route that calls Cognito for
//!   an anonymous caller. A cheap first line against load, not a guard of accounts: it is
//!   consulted on every such request, and a database write on each would cost more than the
//!   load it turns away.
//! - **Per username, failures only** (shared): wrong passwords and wrong codes. An attempt
//!   takes its place in the budget before Cognito is asked, and gets it back unless it fails,
//!   so a person who signs in correctly uses none, and a burst of parallel guesses can't slip
//!   past. Each budget is kept twice: per (username, client address), of which one address
//!   may use at most half, and per username from every address together. An attacker at one
//!   address runs out long before the person's own budget does. An address that completed a
//!   sign-in as that name in the last 30 days is not held up by the shared part: only by its
//!   own.
//! - **Per username, messages** (shared): requests that make Cognito send a code (sign-up,
//!   resend, forgot password), in their own budget, so flooding those never locks anyone out
//!   of signing in.
//! - **Per username, sign-in codes** (shared): code sign-ins started (choice-based sign-in's
//!   emailed and texted codes), in a budget of the same size apart from the one above, so
//!   flooding sign-up or forgot-password doesn't stop a code sign-in either.
//! - **Per user, MFA failures** (shared): wrong MFA codes across challenges, by Cognito's name
//!   for the user, so new sign-ins don't buy new guesses.
//! - **Per signed-in user** (shared; the token's `sub`): routes that call Cognito with the
//!   user's access token, each sign-in (the token's `origin_jti`) using at most half, so a
//!   stolen token looping calls can't use up what the user's other sessions need.
//!
//! When the database doesn't answer within [`STORE_TIMEOUT`], the budgets that stop guessing
//! (failures, MFA failures) refuse; the others count in this process until it is back. Either
//! way `rate_limit_store_failures_total` counts it.

mod budget;
mod client;
mod counter;
mod store;
mod username;

use std::sync::Arc;
use std::time::Duration;

use ipnet::IpNet;

pub use budget::{Budget, Rate};
pub use client::{ClientAddr, ClientKey, TrustedProxies, parse_hop};
pub use counter::{STORE_TIMEOUT, WhenUnreachable};
pub use store::LimitStore;
pub use username::NameKey;

use counter::{Counter, Key, Refusal, Taken};

/// A limit refused the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Limited {
    /// The budget is spent: how long until it may come again (whole seconds, rounded up).
    #[error("too many requests; try again in {retry_after} s")]
    Spent { retry_after: u64 },
    /// The shared budget couldn't be read, and this limit refuses rather than not count.
    #[error("the shared rate limits are unavailable")]
    Unavailable,
}

impl From<Refusal> for Limited {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Spent(wait) => Limited::Spent {
                retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
            },
            Refusal::Unavailable => Limited::Unavailable,
        }
    }
}

use crate::input::Username;

/// How many keys each budget keeps in memory at most.
const KEYS_PER_BUDGET: u64 = 100_000;
/// How long an address that completed a sign-in stays familiar for that name.
const FAMILIAR_FOR: Duration = Duration::from_secs(30 * 24 * 3600);

/// The limits as configured; 0 turns one off.
#[derive(Debug, Clone, Copy)]
pub struct LimitSettings {
    /// Requests per minute per client address.
    pub per_ip: u32,
    /// Failed sign-ins, confirmation and reset codes, and current passwords per username per
    /// minute.
    pub failures_per_username: u32,
    /// Code-sending requests per username per hour.
    pub messages_per_username: u32,
    /// Wrong MFA codes per user per hour.
    pub mfa_failures_per_user: u32,
    /// Requests per minute per signed-in user to routes that call Cognito with its token.
    pub per_user: u32,
}

/// A budget for one owner (a username, a user) shared by everyone acting for it, of which one
/// part (a client address, a sign-in) may use at most half.
struct Shared<O, P> {
    parts: Option<Counter<(O, P)>>,
    owners: Option<Counter<O>>,
}

/// Where one attempt was counted: in the part's share and in the owner's budget.
#[derive(Debug, Clone, Copy)]
struct Charged {
    part: Option<Taken>,
    owner: Option<Taken>,
}

impl<O: Key, P: Key> Shared<O, P> {
    fn new(
        name: &'static str,
        rate: Rate,
        database: Option<&Arc<LimitStore>>,
        unreachable: WhenUnreachable,
    ) -> Self {
        Shared {
            parts: Counter::new(
                name,
                "part",
                rate.half(),
                KEYS_PER_BUDGET,
                database.cloned(),
                unreachable,
            ),
            owners: Counter::new(
                name,
                "all",
                rate,
                KEYS_PER_BUDGET,
                database.cloned(),
                unreachable,
            ),
        }
    }

    /// Takes one from the part's share, then from the owner's budget unless that is spent
    /// and `familiar` says the part may go on on its share alone.
    async fn take(
        &self,
        owner: O,
        part: P,
        familiar: impl AsyncFnOnce() -> bool,
    ) -> Result<Charged, Limited> {
        // The part first: an address that has used its share is refused without touching
        // what is left for everyone else.
        let part_taken = match &self.parts {
            Some(parts) => Some(parts.take((owner, part)).await?),
            None => None,
        };
        let owner_taken = match &self.owners {
            None => None,
            Some(owners) => match owners.take(owner).await {
                Ok(taken) => Some(taken),
                Err(Refusal::Spent(_)) if familiar().await => None,
                Err(refusal) => {
                    if let (Some(parts), Some(taken)) = (&self.parts, part_taken) {
                        parts.refund((owner, part), taken).await;
                    }
                    return Err(refusal.into());
                }
            },
        };
        Ok(Charged {
            part: part_taken,
            owner: owner_taken,
        })
    }

    async fn refund(&self, owner: O, part: P, charged: Charged) {
        if let (Some(parts), Some(taken)) = (&self.parts, charged.part) {
            parts.refund((owner, part), taken).await;
        }
        if let (Some(owners), Some(taken)) = (&self.owners, charged.owner) {
            owners.refund(owner, taken).await;
        }
    }
}

/// An attempt already counted against its budget. It stays counted unless given back, so
/// a request cut off half-way (the client hung up once Cognito had judged the password, but
/// before the answer went out) costs its place like a failure: hanging up early buys no
/// free guesses.
#[must_use = "an attempt stays counted unless given back"]
pub struct Reservation<'a> {
    budget: &'a Shared<NameKey, ClientKey>,
    name: NameKey,
    client: ClientKey,
    charged: Charged,
}

impl Reservation<'_> {
    /// Gives the attempt back: it succeeded, or Cognito never judged it.
    pub async fn give_back(self) {
        self.budget
            .refund(self.name, self.client, self.charged)
            .await;
    }
}

/// (name, address) pairs that completed a sign-in recently.
enum Familiar {
    Here(moka::sync::Cache<(NameKey, ClientKey), ()>),
    Database(Arc<LimitStore>),
}

pub struct Limits {
    per_ip: Option<Budget<ClientKey>>,
    per_user: Shared<[u8; 16], [u8; 16]>,
    failures: Shared<NameKey, ClientKey>,
    messages: Shared<NameKey, ClientKey>,
    sign_in_codes: Shared<NameKey, ClientKey>,
    mfa: Shared<NameKey, ClientKey>,
    familiar: Familiar,
    proxies: TrustedProxies,
}

/// A token claim as a fixed-size key.
fn digest(text: &str) -> [u8; 16] {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

fn familiar_key(name: NameKey, client: ClientKey) -> String {
    let mut key = String::new();
    (name, client).write_key(&mut key);
    key
}

impl Limits {
    /// Limits counted in this process alone: one replica.
    pub fn new(settings: LimitSettings, trusted_proxies: Vec<IpNet>) -> Self {
        Limits::build(settings, trusted_proxies, None)
    }

    /// Limits whose per-username and per-user budgets live in `store`, shared by every
    /// replica that uses it; the per-address rate is still this process's own.
    pub fn shared(
        settings: LimitSettings,
        trusted_proxies: Vec<IpNet>,
        store: Arc<LimitStore>,
    ) -> Self {
        Limits::build(settings, trusted_proxies, Some(store))
    }

    fn build(
        settings: LimitSettings,
        trusted_proxies: Vec<IpNet>,
        store: Option<Arc<LimitStore>>,
    ) -> Self {
        use WhenUnreachable::{CountHere, Refuse};
        let db = store.as_ref();
        Limits {
            per_ip: Budget::new(Rate::per_minute(settings.per_ip), KEYS_PER_BUDGET),
            per_user: Shared::new(
                "per_user",
                Rate::per_minute(settings.per_user),
                db,
                CountHere,
            ),
            failures: Shared::new(
                "failures",
                Rate::per_minute(settings.failures_per_username),
                db,
                Refuse,
            ),
            messages: Shared::new(
                "messages",
                Rate::per_hour(settings.messages_per_username),
                db,
                CountHere,
            ),
            sign_in_codes: Shared::new(
                "sign_in_codes",
                Rate::per_hour(settings.messages_per_username),
                db,
                CountHere,
            ),
            mfa: Shared::new(
                "mfa_failures",
                Rate::per_hour(settings.mfa_failures_per_user),
                db,
                Refuse,
            ),
            familiar: match store {
                Some(store) => Familiar::Database(store),
                None => Familiar::Here(
                    moka::sync::Cache::builder()
                        .max_capacity(KEYS_PER_BUDGET)
                        .time_to_live(FAMILIAR_FOR)
                        .build(),
                ),
            },
            proxies: TrustedProxies::new(trusted_proxies),
        }
    }

    pub fn proxies(&self) -> &TrustedProxies {
        &self.proxies
    }

    /// Counts one request from `client`.
    pub fn check_ip(&self, client: &ClientAddr) -> Result<(), Limited> {
        match &self.per_ip {
            Some(budget) => budget
                .take(client.key())
                .map_err(|wait| Refusal::Spent(wait).into()),
            None => Ok(()),
        }
    }

    /// Counts one request by a signed-in user (its token's `sub`) in one of its sign-ins
    /// (the token's `origin_jti`).
    pub async fn check_user(&self, sub: &str, sign_in: Option<&str>) -> Result<(), Limited> {
        let sign_in = digest(sign_in.unwrap_or_default());
        self.per_user
            .take(digest(sub), sign_in, async || false)
            .await
            .map(|_| ())
    }

    /// Whether `client` completed a sign-in as `name` lately. If the database can't say, it
    /// is not: the shared budget holds.
    async fn is_familiar(&self, name: NameKey, client: ClientKey) -> bool {
        match &self.familiar {
            Familiar::Here(cache) => cache.contains_key(&(name, client)),
            Familiar::Database(store) => {
                let key = familiar_key(name, client);
                match tokio::time::timeout(STORE_TIMEOUT, store.remembers(&key)).await {
                    Ok(Ok(known)) => known,
                    Ok(Err(error)) => {
                        tracing::warn!(error = %error, "the familiar sign-in addresses could not be read");
                        false
                    }
                    Err(_elapsed) => false,
                }
            }
        }
    }

    /// Notes that `client` completed a sign-in as `username`, the name typed at `/login`,
    /// exactly: a look-alike name is another account, whose owner must not vouch for this
    /// one's addresses.
    pub async fn signed_in(&self, username: &str, client: &ClientAddr) {
        let (name, client) = (NameKey::exact(username), client.key());
        match &self.familiar {
            Familiar::Here(cache) => cache.insert((name, client), ()),
            Familiar::Database(store) => {
                let key = familiar_key(name, client);
                match tokio::time::timeout(STORE_TIMEOUT, store.remember(&key, FAMILIAR_FOR)).await
                {
                    Ok(Ok(())) => {}
                    Ok(Err(error)) => {
                        tracing::warn!(error = %error, "a familiar sign-in address could not be stored")
                    }
                    Err(_elapsed) => {
                        tracing::warn!("a familiar sign-in address could not be stored in time")
                    }
                }
            }
        }
    }

    /// Counts an attempt at a password or code for `username`, refused once the budget is
    /// spent.
    pub async fn attempt(
        &self,
        username: &Username,
        client: &ClientAddr,
    ) -> Result<Reservation<'_>, Limited> {
        self.by_name(&self.failures, username, client).await
    }

    /// Counts an attempt at an MFA code for `user` (Cognito's name for it) by someone who
    /// signed in as `login_name`.
    pub async fn mfa_attempt(
        &self,
        user: &str,
        login_name: &str,
        client: &ClientAddr,
    ) -> Result<Reservation<'_>, Limited> {
        self.start(
            &self.mfa,
            NameKey::of(user),
            client,
            NameKey::exact(login_name),
        )
        .await
    }

    /// Counts one request that may send `username` a code; given back when Cognito sent
    /// nothing.
    pub async fn message(
        &self,
        username: &Username,
        client: &ClientAddr,
    ) -> Result<Reservation<'_>, Limited> {
        self.by_name(&self.messages, username, client).await
    }

    /// Counts one code sign-in started for `username`, which makes Cognito send a code.
    pub async fn sign_in_code(
        &self,
        username: &Username,
        client: &ClientAddr,
    ) -> Result<Reservation<'_>, Limited> {
        self.by_name(&self.sign_in_codes, username, client).await
    }

    /// One of `username`'s budgets, kept by the name as typed.
    async fn by_name<'a>(
        &'a self,
        budget: &'a Shared<NameKey, ClientKey>,
        username: &Username,
        client: &ClientAddr,
    ) -> Result<Reservation<'a>, Limited> {
        let username = username.as_str();
        self.start(
            budget,
            NameKey::of(username),
            client,
            NameKey::exact(username),
        )
        .await
    }

    async fn start<'a>(
        &'a self,
        budget: &'a Shared<NameKey, ClientKey>,
        name: NameKey,
        client: &ClientAddr,
        familiar_as: NameKey,
    ) -> Result<Reservation<'a>, Limited> {
        let client = client.key();
        let charged = budget
            .take(name, client, async || {
                self.is_familiar(familiar_as, client).await
            })
            .await?;
        Ok(Reservation {
            budget,
            name,
            client,
            charged,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(username: &str) -> Username {
        Username::parse(username.to_owned()).unwrap()
    }

    fn settings(failures: u32) -> LimitSettings {
        LimitSettings {
            per_ip: 2,
            failures_per_username: failures,
            messages_per_username: 4,
            mfa_failures_per_user: 4,
            per_user: 2,
        }
    }

    fn limits(failures: u32) -> Limits {
        Limits::new(settings(failures), vec![])
    }

    /// Limits kept in a database (SQLite in memory here; Postgres in deployments).
    async fn in_database(failures: u32) -> Limits {
        sqlx::any::install_default_drivers();
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        crate::db::migrate(&pool).await.unwrap();
        let store = Arc::new(LimitStore::new(pool, crate::db::Backend::Sqlite));
        Limits::shared(settings(failures), vec![], store)
    }

    /// Each story runs twice: counted in memory, and counted in the database.
    macro_rules! on_both_stores {
        ($($story:ident($failures:expr)),* $(,)?) => {$(
            mod $story {
                #[tokio::test]
                async fn in_memory() {
                    super::$story(super::limits($failures)).await
                }

                #[tokio::test]
                async fn in_the_database() {
                    super::$story(super::in_database($failures).await).await
                }
            }
        )*};
    }

    on_both_stores!(
        limits_refuse_with_a_retry_time(10),
        one_sign_in_uses_at_most_half_of_a_users_requests(10),
        only_failures_are_kept_and_one_address_uses_at_most_half(4),
        attempts_in_flight_hold_their_place(4),
        messages_have_their_own_budget(2),
    );

    fn addr(text: &str) -> ClientAddr {
        ClientAddr::Ip(text.parse().unwrap())
    }

    async fn limits_refuse_with_a_retry_time(limits: Limits) {
        let caller = addr("203.0.113.9");
        assert!(limits.check_ip(&caller).is_ok());
        assert!(limits.check_ip(&caller).is_ok());
        match limits.check_ip(&caller) {
            Err(Limited::Spent { retry_after }) => assert!((1..=60).contains(&retry_after)),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(limits.check_ip(&addr("203.0.113.10")).is_ok(), "per caller");
    }

    async fn one_sign_in_uses_at_most_half_of_a_users_requests(limits: Limits) {
        assert!(limits.check_user("sub-1", Some("stolen")).await.is_ok());
        assert!(limits.check_user("sub-1", Some("stolen")).await.is_err());
        assert!(limits.check_user("sub-1", Some("phone")).await.is_ok());
        assert!(limits.check_user("sub-2", Some("stolen")).await.is_ok());
    }

    async fn only_failures_are_kept_and_one_address_uses_at_most_half(limits: Limits) {
        let attacker = addr("198.51.100.66");
        // Attempts that don't fail give their place back.
        for _ in 0..10 {
            limits
                .attempt(&name("ana"), &attacker)
                .await
                .unwrap()
                .give_back()
                .await;
        }
        for _ in 0..2 {
            let _failed = limits.attempt(&name("Ana"), &attacker).await.unwrap();
        }
        assert!(limits.attempt(&name("ANA "), &attacker).await.is_err());
        // The rest is still there for anyone else.
        let owner = addr("203.0.113.5");
        let _failed = limits.attempt(&name("ana"), &owner).await.unwrap();
        let _failed = limits.attempt(&name("ana"), &owner).await.unwrap();
        assert!(limits.attempt(&name("bob"), &attacker).await.is_ok());
        // The name's budget is spent now; only a familiar address gets through, on its share.
        assert!(
            limits
                .attempt(&name("ana"), &addr("192.0.2.1"))
                .await
                .is_err()
        );
        let home = addr("192.0.2.80");
        limits.signed_in("ana", &home).await;
        let _failed = limits.attempt(&name("ana"), &home).await.unwrap();
        let _failed = limits.attempt(&name("ana"), &home).await.unwrap();
        assert!(
            limits.attempt(&name("ana"), &home).await.is_err(),
            "its own share still holds"
        );
    }

    async fn attempts_in_flight_hold_their_place(limits: Limits) {
        let attacker = addr("198.51.100.66");
        let first = limits.attempt(&name("ana"), &attacker).await.unwrap();
        let second = limits.attempt(&name("ana"), &attacker).await.unwrap();
        assert!(
            limits.attempt(&name("ana"), &attacker).await.is_err(),
            "two in flight"
        );
        drop(first);
        second.give_back().await;
        assert!(limits.attempt(&name("ana"), &attacker).await.is_ok());
        // An attempt cut off before its outcome is known stays counted.
        assert!(limits.attempt(&name("ana"), &attacker).await.is_err());
    }

    async fn messages_have_their_own_budget(limits: Limits) {
        let client = addr("198.51.100.66");
        let _sent = limits.message(&name("ana"), &client).await.unwrap();
        let _sent = limits.message(&name("ana"), &client).await.unwrap();
        assert!(
            limits.message(&name("ana"), &client).await.is_err(),
            "half of 4"
        );
        assert!(limits.attempt(&name("ana"), &client).await.is_ok());
        assert!(limits.mfa_attempt("ana", "ana", &client).await.is_ok());
        // Flooding sign-up or forgot-password leaves code sign-in its own budget.
        let _started = limits.sign_in_code(&name("ana"), &client).await.unwrap();
        let _started = limits.sign_in_code(&name("ana"), &client).await.unwrap();
        assert!(limits.sign_in_code(&name("ana"), &client).await.is_err());
    }

    #[tokio::test]
    async fn zero_turns_a_limit_off() {
        let limits = Limits::new(
            LimitSettings {
                per_ip: 0,
                failures_per_username: 0,
                messages_per_username: 0,
                mfa_failures_per_user: 0,
                per_user: 0,
            },
            vec![],
        );
        let client = addr("203.0.113.9");
        for _ in 0..1000 {
            assert!(limits.check_ip(&client).is_ok());
            assert!(limits.check_user("sub", None).await.is_ok());
            let _failed = limits.attempt(&name("ana"), &client).await.unwrap();
            let _sent = limits.message(&name("ana"), &client).await.unwrap();
        }
    }

    async fn store() -> (sqlx::AnyPool, Arc<LimitStore>) {
        sqlx::any::install_default_drivers();
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        crate::db::migrate(&pool).await.unwrap();
        let store = Arc::new(LimitStore::new(pool.clone(), crate::db::Backend::Sqlite));
        (pool, store)
    }

    #[tokio::test]
    async fn replicas_sharing_a_store_share_the_budgets_and_a_restart_forgets_nothing() {
        let (_pool, store) = store().await;
        let replica_a = Limits::shared(settings(4), vec![], store.clone());
        let replica_b = Limits::shared(settings(4), vec![], store.clone());
        let attacker = addr("198.51.100.66");
        let _failed = replica_a.attempt(&name("ana"), &attacker).await.unwrap();
        let _failed = replica_b.attempt(&name("ana"), &attacker).await.unwrap();
        assert!(replica_a.attempt(&name("ana"), &attacker).await.is_err());
        assert!(replica_b.attempt(&name("ana"), &attacker).await.is_err());
        let _failed = replica_b
            .mfa_attempt("ana", "ana", &attacker)
            .await
            .unwrap();
        let _failed = replica_a
            .mfa_attempt("ana", "ana", &attacker)
            .await
            .unwrap();
        assert!(
            replica_b
                .mfa_attempt("ana", "ana", &attacker)
                .await
                .is_err()
        );
        // An address familiar to one replica is familiar to all.
        let home = addr("192.0.2.80");
        replica_a.signed_in("ana", &home).await;
        let owner = addr("203.0.113.5");
        let _failed = replica_b.attempt(&name("ana"), &owner).await.unwrap();
        let _failed = replica_b.attempt(&name("ana"), &owner).await.unwrap();
        assert!(
            replica_a
                .attempt(&name("ana"), &addr("192.0.2.1"))
                .await
                .is_err()
        );
        let _failed = replica_b.attempt(&name("ana"), &home).await.unwrap();
        drop((replica_a, replica_b));

        let restarted = Limits::shared(settings(4), vec![], store);
        assert!(restarted.attempt(&name("ana"), &attacker).await.is_err());
        assert!(
            restarted
                .mfa_attempt("ana", "ana", &attacker)
                .await
                .is_err()
        );
        assert!(restarted.attempt(&name("ana"), &home).await.is_ok());
        assert!(restarted.attempt(&name("bob"), &attacker).await.is_ok());
    }

    #[tokio::test]
    async fn without_the_database_guessing_is_refused_and_the_rest_counts_here() {
        let (pool, store) = store().await;
        let limits = Limits::shared(settings(4), vec![], store);
        pool.close().await;
        let client = addr("198.51.100.66");
        assert_eq!(
            limits.attempt(&name("ana"), &client).await.err(),
            Some(Limited::Unavailable)
        );
        assert_eq!(
            limits.mfa_attempt("ana", "ana", &client).await.err(),
            Some(Limited::Unavailable)
        );
        // Messages and signed-in calls go on, counted by this process: half of 4 each.
        let _sent = limits.message(&name("ana"), &client).await.unwrap();
        let _sent = limits.message(&name("ana"), &client).await.unwrap();
        assert!(matches!(
            limits.message(&name("ana"), &client).await,
            Err(Limited::Spent { .. })
        ));
        assert!(limits.check_user("sub", Some("phone")).await.is_ok());
        assert!(matches!(
            limits.check_user("sub", Some("phone")).await,
            Err(Limited::Spent { .. })
        ));
    }

    #[tokio::test]
    async fn the_database_forgets_budgets_that_are_full_again() {
        let (_pool, store) = store().await;
        let limits = Limits::shared(settings(4), vec![], store.clone());
        let client = addr("198.51.100.66");
        limits
            .attempt(&name("ana"), &client)
            .await
            .unwrap()
            .give_back()
            .await;
        // Given back: both rows are at "now", full again, and go with the next purge.
        assert_eq!(store.purge_expired().await.unwrap(), 2);
        let _failed = limits.attempt(&name("ana"), &client).await.unwrap();
        assert_eq!(store.purge_expired().await.unwrap(), 0, "still counting");
    }
}
