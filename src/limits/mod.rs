//! Abuse limits, counted per replica (each process on its own).
//!
//! - **Per client address**: every request to a route that calls Cognito for an anonymous
//!   caller.
//! - **Per username, failures only**: wrong passwords and wrong codes. An attempt takes its
//!   place in the budget before Cognito is asked, and gets it back unless it fails, so a
//!   person who signs in correctly uses none, and a burst of parallel guesses can't slip past.
//!   Each budget is kept twice: per (username, client address), of which one address may use
//!   at most half, and per username from every address together. An attacker at one address
//!   runs out long before the person's own budget does. An address that completed a sign-in
//!   as that name in the last 30 days is not held up by the shared part: only by its own.
//! - **Per username, messages**: requests that make Cognito send a code (sign-up, resend,
//!   forgot password), in their own budget, so flooding those never locks anyone out of
//!   signing in.
//! - **Per username, sign-in codes**: code sign-ins started (choice-based sign-in's emailed
//!   and texted codes), in a budget of the same size apart from the one above, so flooding
//!   sign-up or forgot-password doesn't stop a code sign-in either.
//! - **Per user, MFA failures**: wrong MFA codes across challenges, by Cognito's name for the
//!   user, so new sign-ins don't buy new guesses.
//! - **Per signed-in user** (the token's `sub`): routes that call Cognito with the user's
//!   access token, each sign-in (the token's `origin_jti`) using at most half, so a stolen
//!   token looping calls can't use up what the user's other sessions need.

mod budget;
mod client;
mod username;

use std::hash::Hash;
use std::time::Duration;

use ipnet::IpNet;

pub use budget::{Budget, Rate};
pub use client::{ClientAddr, ClientKey, TrustedProxies, parse_hop};
pub use username::NameKey;

/// A limit refused the request: how long until it may come again (whole seconds, rounded up).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many requests; try again in {retry_after} s")]
pub struct Limited {
    pub retry_after: u64,
}
use crate::input::Username;

/// How many keys each budget keeps at most.
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
    parts: Option<Budget<(O, P)>>,
    owners: Option<Budget<O>>,
}

impl<O, P> Shared<O, P>
where
    O: Hash + Eq + Copy + Send + Sync + 'static,
    P: Hash + Eq + Copy + Send + Sync + 'static,
{
    fn new(rate: Rate) -> Self {
        Shared {
            parts: Budget::new(rate.half(), KEYS_PER_BUDGET),
            owners: Budget::new(rate, KEYS_PER_BUDGET),
        }
    }

    /// Takes one from the part's share, then from the owner's budget unless `familiar`.
    /// Returns whether the owner's budget was charged.
    fn take(&self, owner: O, part: P, familiar: bool) -> Result<bool, Limited> {
        // The part first: an address that has used its share is refused without touching
        // what is left for everyone else.
        if let Some(parts) = &self.parts {
            parts.take((owner, part)).map_err(refused)?;
        }
        let Some(owners) = &self.owners else {
            return Ok(false);
        };
        match owners.take(owner) {
            Ok(()) => Ok(true),
            Err(_) if familiar => Ok(false),
            Err(wait) => {
                if let Some(parts) = &self.parts {
                    parts.refund(&(owner, part));
                }
                Err(refused(wait))
            }
        }
    }

    fn refund(&self, owner: O, part: P, owner_charged: bool) {
        if let Some(parts) = &self.parts {
            parts.refund(&(owner, part));
        }
        if owner_charged && let Some(owners) = &self.owners {
            owners.refund(&owner);
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
    owner_charged: bool,
}

impl Reservation<'_> {
    /// Gives the attempt back: it succeeded, or Cognito never judged it.
    pub fn give_back(self) {
        self.budget
            .refund(self.name, self.client, self.owner_charged);
    }
}

pub struct Limits {
    per_ip: Option<Budget<ClientKey>>,
    per_user: Shared<[u8; 16], [u8; 16]>,
    failures: Shared<NameKey, ClientKey>,
    messages: Shared<NameKey, ClientKey>,
    sign_in_codes: Shared<NameKey, ClientKey>,
    mfa: Shared<NameKey, ClientKey>,
    /// (name, address) pairs that completed a sign-in recently.
    familiar: moka::sync::Cache<(NameKey, ClientKey), ()>,
    proxies: TrustedProxies,
}

fn refused(wait: Duration) -> Limited {
    Limited {
        retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
    }
}

/// A token claim as a fixed-size key.
fn digest(text: &str) -> [u8; 16] {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

impl Limits {
    pub fn new(settings: LimitSettings, trusted_proxies: Vec<IpNet>) -> Self {
        Limits {
            per_ip: Budget::new(Rate::per_minute(settings.per_ip), KEYS_PER_BUDGET),
            per_user: Shared::new(Rate::per_minute(settings.per_user)),
            failures: Shared::new(Rate::per_minute(settings.failures_per_username)),
            messages: Shared::new(Rate::per_hour(settings.messages_per_username)),
            sign_in_codes: Shared::new(Rate::per_hour(settings.messages_per_username)),
            mfa: Shared::new(Rate::per_hour(settings.mfa_failures_per_user)),
            familiar: moka::sync::Cache::builder()
                .max_capacity(KEYS_PER_BUDGET)
                .time_to_live(FAMILIAR_FOR)
                .build(),
            proxies: TrustedProxies::new(trusted_proxies),
        }
    }

    pub fn proxies(&self) -> &TrustedProxies {
        &self.proxies
    }

    /// Counts one request from `client`.
    pub fn check_ip(&self, client: &ClientAddr) -> Result<(), Limited> {
        match &self.per_ip {
            Some(budget) => budget.take(client.key()).map_err(refused),
            None => Ok(()),
        }
    }

    /// Counts one request by a signed-in user (its token's `sub`) in one of its sign-ins
    /// (the token's `origin_jti`).
    pub fn check_user(&self, sub: &str, sign_in: Option<&str>) -> Result<(), Limited> {
        let sign_in = digest(sign_in.unwrap_or_default());
        self.per_user.take(digest(sub), sign_in, false).map(|_| ())
    }

    fn is_familiar(&self, name: NameKey, client: ClientKey) -> bool {
        self.familiar.contains_key(&(name, client))
    }

    /// Notes that `client` completed a sign-in as `username`, the name typed at `/login`,
    /// exactly: a look-alike name is another account, whose owner must not vouch for this
    /// one's addresses.
    pub fn signed_in(&self, username: &str, client: &ClientAddr) {
        self.familiar
            .insert((NameKey::exact(username), client.key()), ());
    }

    /// Counts an attempt at a password or code for `username`, refused once the budget is
    /// spent.
    pub fn attempt(
        &self,
        username: &Username,
        client: &ClientAddr,
    ) -> Result<Reservation<'_>, Limited> {
        self.by_name(&self.failures, username, client)
    }

    /// Counts an attempt at an MFA code for `user` (Cognito's name for it) by someone who
    /// signed in as `login_name`.
    pub fn mfa_attempt(
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
    }

    /// Counts one request that may send `username` a code; given back when Cognito sent
    /// nothing.
    pub fn message(
        &self,
        username: &Username,
        client: &ClientAddr,
    ) -> Result<Reservation<'_>, Limited> {
        self.by_name(&self.messages, username, client)
    }

    /// Counts one code sign-in started for `username`, which makes Cognito send a code.
    pub fn sign_in_code(
        &self,
        username: &Username,
        client: &ClientAddr,
    ) -> Result<Reservation<'_>, Limited> {
        self.by_name(&self.sign_in_codes, username, client)
    }

    /// One of `username`'s budgets, kept by the name as typed.
    fn by_name<'a>(
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
    }

    fn start<'a>(
        &'a self,
        budget: &'a Shared<NameKey, ClientKey>,
        name: NameKey,
        client: &ClientAddr,
        familiar_as: NameKey,
    ) -> Result<Reservation<'a>, Limited> {
        let client = client.key();
        let owner_charged = budget.take(name, client, self.is_familiar(familiar_as, client))?;
        Ok(Reservation {
            budget,
            name,
            client,
            owner_charged,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(username: &str) -> Username {
        Username::parse(username.to_owned()).unwrap()
    }

    fn limits(failures: u32) -> Limits {
        Limits::new(
            LimitSettings {
                per_ip: 2,
                failures_per_username: failures,
                messages_per_username: 4,
                mfa_failures_per_user: 4,
                per_user: 2,
            },
            vec![],
        )
    }

    fn addr(text: &str) -> ClientAddr {
        ClientAddr::Ip(text.parse().unwrap())
    }

    #[test]
    fn limits_refuse_with_a_retry_time() {
        let limits = limits(10);
        let caller = addr("203.0.113.9");
        assert!(limits.check_ip(&caller).is_ok());
        assert!(limits.check_ip(&caller).is_ok());
        match limits.check_ip(&caller) {
            Err(Limited { retry_after }) => assert!((1..=60).contains(&retry_after)),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(limits.check_ip(&addr("203.0.113.10")).is_ok(), "per caller");
    }

    #[test]
    fn one_sign_in_uses_at_most_half_of_a_users_requests() {
        let limits = limits(10);
        assert!(limits.check_user("sub-1", Some("stolen")).is_ok());
        assert!(limits.check_user("sub-1", Some("stolen")).is_err());
        assert!(limits.check_user("sub-1", Some("phone")).is_ok());
        assert!(limits.check_user("sub-2", Some("stolen")).is_ok());
    }

    #[test]
    fn only_failures_are_kept_and_one_address_uses_at_most_half() {
        let limits = limits(4);
        let attacker = addr("198.51.100.66");
        // Attempts that don't fail give their place back.
        for _ in 0..10 {
            limits.attempt(&name("ana"), &attacker).unwrap().give_back();
        }
        for _ in 0..2 {
            let _failed = limits.attempt(&name("Ana"), &attacker).unwrap();
        }
        assert!(limits.attempt(&name("ANA "), &attacker).is_err());
        // The rest is still there for anyone else.
        let owner = addr("203.0.113.5");
        let _failed = limits.attempt(&name("ana"), &owner).unwrap();
        let _failed = limits.attempt(&name("ana"), &owner).unwrap();
        assert!(limits.attempt(&name("bob"), &attacker).is_ok());
        // The name's budget is spent now; only a familiar address gets through, on its share.
        assert!(limits.attempt(&name("ana"), &addr("192.0.2.1")).is_err());
        let home = addr("192.0.2.80");
        limits.signed_in("ana", &home);
        let _failed = limits.attempt(&name("ana"), &home).unwrap();
        let _failed = limits.attempt(&name("ana"), &home).unwrap();
        assert!(
            limits.attempt(&name("ana"), &home).is_err(),
            "its own share still holds"
        );
    }

    #[test]
    fn attempts_in_flight_hold_their_place() {
        let limits = limits(4);
        let attacker = addr("198.51.100.66");
        let first = limits.attempt(&name("ana"), &attacker).unwrap();
        let second = limits.attempt(&name("ana"), &attacker).unwrap();
        assert!(
            limits.attempt(&name("ana"), &attacker).is_err(),
            "two in flight"
        );
        drop(first);
        second.give_back();
        assert!(limits.attempt(&name("ana"), &attacker).is_ok());
        // An attempt cut off before its outcome is known stays counted.
        assert!(limits.attempt(&name("ana"), &attacker).is_err());
    }

    #[test]
    fn messages_have_their_own_budget() {
        let limits = limits(2);
        let client = addr("198.51.100.66");
        let _sent = limits.message(&name("ana"), &client).unwrap();
        let _sent = limits.message(&name("ana"), &client).unwrap();
        assert!(limits.message(&name("ana"), &client).is_err(), "half of 4");
        assert!(limits.attempt(&name("ana"), &client).is_ok());
        assert!(limits.mfa_attempt("ana", "ana", &client).is_ok());
        // Flooding sign-up or forgot-password leaves code sign-in its own budget.
        let _started = limits.sign_in_code(&name("ana"), &client).unwrap();
        let _started = limits.sign_in_code(&name("ana"), &client).unwrap();
        assert!(limits.sign_in_code(&name("ana"), &client).is_err());
    }

    #[test]
    fn zero_turns_a_limit_off() {
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
            assert!(limits.check_user("sub", None).is_ok());
            let _failed = limits.attempt(&name("ana"), &client).unwrap();
            let _sent = limits.message(&name("ana"), &client).unwrap();
        }
    }
}
