//! Abuse limits: per client IP and per username, on the routes that talk to Cognito on an
//! anonymous caller's behalf. Limits are per replica (each process counts on its own).

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use ipnet::IpNet;

use crate::error::ApiError;
use crate::state::AppState;

pub struct Limits {
    per_ip: Option<DefaultKeyedRateLimiter<IpAddr>>,
    per_username: Option<DefaultKeyedRateLimiter<String>>,
    trusted_proxies: Vec<IpNet>,
}

fn limiter<K: std::hash::Hash + Eq + Clone>(per_minute: u32) -> Option<DefaultKeyedRateLimiter<K>> {
    NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n)))
}

fn refused(not_until: governor::NotUntil<<DefaultClock as Clock>::Instant>) -> ApiError {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    ApiError::RateLimited {
        retry_after: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
    }
}

impl Limits {
    /// 0 turns a limit off.
    pub fn new(
        per_ip_per_minute: u32,
        per_username_per_minute: u32,
        trusted_proxies: Vec<IpNet>,
    ) -> Self {
        Limits {
            per_ip: limiter(per_ip_per_minute),
            per_username: limiter(per_username_per_minute),
            trusted_proxies,
        }
    }

    /// IPv6 callers are counted by /64: one host is usually given a whole /64.
    pub fn check_ip(&self, ip: IpAddr) -> Result<(), ApiError> {
        let key = match ip {
            IpAddr::V6(v6) => {
                let mut octets = v6.octets();
                octets[8..].fill(0);
                IpAddr::V6(octets.into())
            }
            v4 => v4,
        };
        match &self.per_ip {
            Some(limiter) => limiter.check_key(&key).map_err(refused),
            None => Ok(()),
        }
    }

    /// Usernames are compared case-insensitively, as Cognito does by default.
    pub fn check_username(&self, username: &str) -> Result<(), ApiError> {
        match &self.per_username {
            Some(limiter) => limiter.check_key(&username.to_lowercase()).map_err(refused),
            None => Ok(()),
        }
    }

    /// Forgets keys that are back to full allowance, so memory follows the active callers.
    pub fn shrink(&self) {
        if let Some(l) = &self.per_ip {
            l.retain_recent();
        }
        if let Some(l) = &self.per_username {
            l.retain_recent();
        }
    }

    /// The caller's address: the peer, or, when the peer is a trusted proxy, the nearest
    /// address in `X-Forwarded-For` that is not one.
    pub fn client_ip(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        if !self.is_trusted(peer) {
            return peer;
        }
        let Some(header) = forwarded_for else {
            return peer;
        };
        let mut nearest = peer;
        for hop in header.rsplit(',') {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) if self.is_trusted(ip) => nearest = ip,
                Ok(ip) => return ip,
                // A malformed hop ends the chain that can be believed.
                Err(_) => return nearest,
            }
        }
        nearest
    }

    fn is_trusted(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|net| net.contains(&ip))
    }
}

/// A request from an anonymous caller to a rate-limited route: counts against its IP.
pub struct Throttled {
    pub ip: IpAddr,
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
        let forwarded = (!forwarded.is_empty()).then_some(forwarded.as_str());
        let ip = state.limits.client_ip(peer, forwarded);
        state.limits.check_ip(ip)?;
        Ok(Throttled { ip })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(trusted: &[&str]) -> Limits {
        Limits::new(2, 1, trusted.iter().map(|n| n.parse().unwrap()).collect())
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let limits = limits(&["10.0.0.0/8"]);
        let header = Some("203.0.113.9, 10.0.0.7");
        assert_eq!(
            limits.client_ip(ip("198.51.100.1"), header),
            ip("198.51.100.1")
        );
        assert_eq!(limits.client_ip(ip("10.0.0.1"), header), ip("203.0.113.9"));
        assert_eq!(limits.client_ip(ip("10.0.0.1"), None), ip("10.0.0.1"));
        // A client can't hide behind a forged hop placed before the real one.
        assert_eq!(
            limits.client_ip(ip("10.0.0.1"), Some("1.2.3.4, 203.0.113.9")),
            ip("203.0.113.9")
        );
        assert_eq!(
            limits.client_ip(ip("10.0.0.1"), Some("junk, 10.0.0.9")),
            ip("10.0.0.9")
        );
    }

    #[test]
    fn limits_refuse_with_a_retry_time() {
        let limits = limits(&[]);
        let caller = ip("203.0.113.9");
        assert!(limits.check_ip(caller).is_ok());
        assert!(limits.check_ip(caller).is_ok());
        match limits.check_ip(caller) {
            Err(ApiError::RateLimited { retry_after }) => assert!((1..=60).contains(&retry_after)),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert!(limits.check_ip(ip("203.0.113.10")).is_ok(), "per caller");
        assert!(limits.check_username("Ana").is_ok());
        assert!(limits.check_username("ana").is_err(), "case-insensitive");
    }

    #[test]
    fn ipv6_callers_share_their_64() {
        let limits = Limits::new(1, 0, vec![]);
        assert!(limits.check_ip(ip("2001:db8:1:2::1")).is_ok());
        assert!(limits.check_ip(ip("2001:db8:1:2:ffff::9")).is_err());
        assert!(limits.check_ip(ip("2001:db8:1:3::1")).is_ok());
    }

    #[test]
    fn zero_turns_a_limit_off() {
        let limits = Limits::new(0, 0, vec![]);
        for _ in 0..1000 {
            assert!(limits.check_ip(ip("203.0.113.9")).is_ok());
            assert!(limits.check_username("ana").is_ok());
        }
    }
}
