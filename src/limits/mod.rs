//! Abuse limits, counted per replica (each process on its own).
//!
//! - **Per client address**: every request to a route that calls Cognito for an anonymous
//!   caller.
//! - **Per username, failures only**: wrong passwords and wrong codes. A request is let through
//!   while the name has budget left and charged only if it fails, so a person who signs in
//!   correctly never uses any. Each budget is kept twice: per (username, client address), of
//!   which one address may use at most half, and per username from every address together. An
//!   attacker at one address therefore runs out before the person's own budget does.
//! - **Per username, messages**: requests that make Cognito send a code (sign-up, resend,
//!   forgot password), in their own budget, so flooding those never locks anyone out of
//!   signing in.
//! - **Per user, MFA failures**: wrong MFA codes across challenges, by Cognito's name for the
//!   user, so new sign-ins don't buy new guesses.
//! - **Per signed-in user** (the token's `sub`): routes that call Cognito with the user's
//!   access token.

mod budget;
mod client;
mod username;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use ipnet::IpNet;

pub use budget::{Budget, Rate};
pub use client::{ClientAddr, ClientKey, TrustedProxies, parse_hop};
pub use username::NameKey;

use crate::error::ApiError;
use crate::state::AppState;

/// How many keys each budget keeps at most.
const KEYS_PER_BUDGET: u64 = 100_000;

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

/// A budget per username shared by every client, of which one client may use at most half.
struct PerUsername {
    pairs: Option<Budget<(NameKey, ClientKey)>>,
    names: Option<Budget<NameKey>>,
}

impl PerUsername {
    fn new(rate: Rate) -> Self {
        PerUsername {
            pairs: Budget::new(rate.half(), KEYS_PER_BUDGET),
            names: Budget::new(rate, KEYS_PER_BUDGET),
        }
    }

    /// Whether one more failure would be within both budgets; counts nothing.
    fn check(&self, name: NameKey, client: ClientKey) -> Result<(), ApiError> {
        // The pair first: an address that has used its share is refused without touching
        // (or even looking at) what is left for everyone else.
        if let Some(wait) = self.pairs.as_ref().and_then(|b| b.wait(&(name, client))) {
            return Err(refused(wait));
        }
        match self.names.as_ref().and_then(|b| b.wait(&name)) {
            Some(wait) => Err(refused(wait)),
            None => Ok(()),
        }
    }

    fn charge(&self, name: NameKey, client: ClientKey) {
        if let Some(pairs) = &self.pairs {
            pairs.charge((name, client));
        }
        if let Some(names) = &self.names {
            names.charge(name);
        }
    }

    /// Counts one request if both budgets have room.
    fn take(&self, name: NameKey, client: ClientKey) -> Result<(), ApiError> {
        if let Some(pairs) = &self.pairs {
            pairs.take((name, client)).map_err(refused)?;
        }
        if let Some(names) = &self.names {
            names.take(name).map_err(refused)?;
        }
        Ok(())
    }
}

pub struct Limits {
    per_ip: Option<Budget<ClientKey>>,
    per_user: Option<Budget<String>>,
    failures: PerUsername,
    messages: PerUsername,
    mfa: PerUsername,
    proxies: TrustedProxies,
}

fn refused(wait: Duration) -> ApiError {
    ApiError::RateLimited {
        retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
    }
}

impl Limits {
    pub fn new(settings: LimitSettings, trusted_proxies: Vec<IpNet>) -> Self {
        Limits {
            per_ip: Budget::new(Rate::per_minute(settings.per_ip), KEYS_PER_BUDGET),
            per_user: Budget::new(Rate::per_minute(settings.per_user), KEYS_PER_BUDGET),
            failures: PerUsername::new(Rate::per_minute(settings.failures_per_username)),
            messages: PerUsername::new(Rate::per_hour(settings.messages_per_username)),
            mfa: PerUsername::new(Rate::per_hour(settings.mfa_failures_per_user)),
            proxies: TrustedProxies::new(trusted_proxies),
        }
    }

    pub fn proxies(&self) -> &TrustedProxies {
        &self.proxies
    }

    /// Counts one request from `client`.
    pub fn check_ip(&self, client: &ClientAddr) -> Result<(), ApiError> {
        match &self.per_ip {
            Some(budget) => budget.take(client.key()).map_err(refused),
            None => Ok(()),
        }
    }

    /// Counts one request by a signed-in user, by the `sub` of its verified token.
    pub fn check_user(&self, sub: &str) -> Result<(), ApiError> {
        match &self.per_user {
            Some(budget) => budget.take(sub.to_owned()).map_err(refused),
            None => Ok(()),
        }
    }

    /// Refuses when `username` has no failures left, from this client or from all.
    pub fn failures_left(&self, username: &str, client: &ClientAddr) -> Result<(), ApiError> {
        self.failures.check(NameKey::of(username), client.key())
    }

    /// Charges a wrong password or code to `username`.
    pub fn failed(&self, username: &str, client: &ClientAddr) {
        self.failures.charge(NameKey::of(username), client.key());
    }

    /// Counts one request that sends `username` a code.
    pub fn message(&self, username: &str, client: &ClientAddr) -> Result<(), ApiError> {
        self.messages.take(NameKey::of(username), client.key())
    }

    /// Refuses when the user (Cognito's name for it) has no wrong MFA codes left.
    pub fn mfa_failures_left(&self, user: &str, client: &ClientAddr) -> Result<(), ApiError> {
        self.mfa.check(NameKey::of(user), client.key())
    }

    /// Charges a wrong MFA code to the user.
    pub fn mfa_failed(&self, user: &str, client: &ClientAddr) {
        self.mfa.charge(NameKey::of(user), client.key());
    }
}

/// A request from an anonymous caller to a rate-limited route: counted against its client
/// address, which it carries on for the per-username limits.
pub struct Throttled {
    pub client: ClientAddr,
    /// The peer is a trusted proxy, so its `X-Forwarded-*` headers may be believed.
    pub via_trusted_proxy: bool,
}

impl FromRequestParts<AppState> for Throttled {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        // Every X-Forwarded-For line, in order: a proxy may add its own line after the
        // client's, and only the end of the chain can be believed.
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        let proxies = state.limits.proxies();
        let client = proxies.client(peer, Some(forwarded.as_str()));
        state.limits.check_ip(&client)?;
        Ok(Throttled {
            client,
            via_trusted_proxy: proxies.is_trusted(peer),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(failures: u32) -> Limits {
        Limits::new(
            LimitSettings {
                per_ip: 2,
                failures_per_username: failures,
                messages_per_username: 4,
                mfa_failures_per_user: 4,
                per_user: 1,
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
            Err(ApiError::RateLimited { retry_after }) => assert!((1..=60).contains(&retry_after)),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(limits.check_ip(&addr("203.0.113.10")).is_ok(), "per caller");
        assert!(limits.check_user("sub-1").is_ok());
        assert!(limits.check_user("sub-1").is_err());
        assert!(limits.check_user("sub-2").is_ok());
    }

    #[test]
    fn one_address_uses_at_most_half_of_a_names_failures() {
        let limits = limits(4);
        let attacker = addr("198.51.100.66");
        for _ in 0..2 {
            assert!(limits.failures_left("ana", &attacker).is_ok());
            limits.failed("Ana", &attacker);
        }
        assert!(limits.failures_left("ANA ", &attacker).is_err());
        // The rest is still there for anyone else.
        assert!(limits.failures_left("ana", &addr("203.0.113.5")).is_ok());
        assert!(limits.failures_left("bob", &attacker).is_ok());
    }

    #[test]
    fn messages_have_their_own_budget() {
        let limits = limits(2);
        let client = addr("198.51.100.66");
        assert!(limits.message("ana", &client).is_ok());
        assert!(limits.message("ana", &client).is_ok());
        assert!(limits.message("ana", &client).is_err(), "half of 4");
        assert!(limits.failures_left("ana", &client).is_ok());
        assert!(limits.mfa_failures_left("ana", &client).is_ok());
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
            assert!(limits.check_user("sub").is_ok());
            limits.failed("ana", &client);
            assert!(limits.failures_left("ana", &client).is_ok());
            assert!(limits.message("ana", &client).is_ok());
        }
    }
}
