//! The caller's address, for the rate limits.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::HeaderName;
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::limits::{ClientAddr, Limits};

/// A request from an anonymous caller to a rate-limited route: counted against its client
/// address (the peer, or the client a trusted proxy names), which it carries on for the
/// per-username limits.
pub struct IpLimitedClient {
    pub client: ClientAddr,
    /// The peer is a trusted proxy, so its `X-Forwarded-*` headers may be believed.
    pub via_trusted_proxy: bool,
}

impl<S> FromRequestParts<S> for IpLimitedClient
where
    Arc<Limits>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let limits = Arc::<Limits>::from_ref(state);
        let (client, via_trusted_proxy) = resolve(parts, &limits);
        limits.check_ip(&client)?;
        Ok(IpLimitedClient {
            client,
            via_trusted_proxy,
        })
    }
}

/// The caller's address without counting the request against any limit: for the routes that
/// only pass it on (the token handler's `X-Forwarded-For`).
pub struct ClientIp {
    /// `None` when a trusted proxy named the client with something that is not an address.
    pub ip: Option<IpAddr>,
    pub via_trusted_proxy: bool,
}

impl<S> FromRequestParts<S> for ClientIp
where
    Arc<Limits>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let (client, via_trusted_proxy) = resolve(parts, &Arc::<Limits>::from_ref(state));
        Ok(ClientIp {
            ip: match client {
                ClientAddr::Ip(ip) => Some(ip),
                ClientAddr::Named(_) => None,
            },
            via_trusted_proxy,
        })
    }
}

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The client a request comes from, and whether its peer is a trusted proxy.
pub(super) fn resolve(parts: &Parts, limits: &Limits) -> (ClientAddr, bool) {
    {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
            .unwrap_or(IpAddr::from([0, 0, 0, 0]));
        // Every X-Forwarded-For line, in order: a proxy may add its own line after the
        // client's, and only the end of the chain can be believed. A line with a byte that
        // isn't text still ends with what the proxy appended: read it lossily rather than
        // drop it, or the client would count as the proxy.
        let mut lines = parts
            .headers
            .get_all(X_FORWARDED_FOR)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()));
        // One line (or none) is read where it is; only several are joined.
        let forwarded = match (lines.next(), lines.next()) {
            (None, _) => std::borrow::Cow::Borrowed(""),
            (Some(line), None) => line,
            (Some(first), Some(second)) => {
                let mut all = [first, second].join(",");
                for line in lines {
                    all.push(',');
                    all.push_str(&line);
                }
                std::borrow::Cow::Owned(all)
            }
        };
        let proxies = limits.proxies();
        let client = proxies.client(peer, Some(forwarded.as_ref()));
        (client, proxies.is_trusted(peer))
    }
}
