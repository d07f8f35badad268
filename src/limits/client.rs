//! Who a request comes from: the peer's address, or, when the peer is a trusted proxy, the
//! client that proxy names in `X-Forwarded-For`.

use std::collections::HashSet;
use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Mutex;

use ipnet::IpNet;
use sha2::{Digest, Sha256};

/// The client of a request, as far as it can be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientAddr {
    Ip(IpAddr),
    /// A trusted proxy named the client with something that is not an address (`unknown`, an
    /// obfuscated name). Kept (shortened) so that client is counted on its own rather than as
    /// the proxy, which would put everyone behind the proxy in one bucket.
    Named(String),
}

impl fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientAddr::Ip(ip) => ip.fmt(f),
            ClientAddr::Named(name) => write!(f, "{name:?}"),
        }
    }
}

/// A client as a rate-limit key: IPv6 addresses by their /64 (one host usually holds a whole
/// /64), names by a digest, so every key has a fixed, small size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientKey {
    Ip(IpAddr),
    Named([u8; 16]),
}

impl ClientAddr {
    pub fn key(&self) -> ClientKey {
        match self {
            ClientAddr::Ip(IpAddr::V6(v6)) => {
                let mut octets = v6.octets();
                octets[8..].fill(0);
                ClientKey::Ip(IpAddr::V6(Ipv6Addr::from(octets)))
            }
            ClientAddr::Ip(v4) => ClientKey::Ip(*v4),
            ClientAddr::Named(name) => {
                let digest = Sha256::digest(name.as_bytes());
                let mut key = [0u8; 16];
                key.copy_from_slice(&digest[..16]);
                ClientKey::Named(key)
            }
        }
    }
}

/// The longest client name kept from a forwarded header.
const MAX_NAME: usize = 64;
/// How many distinct peers get the warning about an untrusted `X-Forwarded-For`.
const MAX_WARNED_PEERS: usize = 16;

pub struct TrustedProxies {
    nets: Vec<IpNet>,
    /// Peers already warned about, so the log gets one line per peer, for a bounded number.
    warned: Mutex<HashSet<IpAddr>>,
}

impl TrustedProxies {
    pub fn new(nets: Vec<IpNet>) -> Self {
        TrustedProxies {
            nets,
            warned: Mutex::default(),
        }
    }

    /// IPv4 clients seen through a dual-stack socket arrive as `::ffff:a.b.c.d`; they are
    /// matched, and counted, as the IPv4 address they are.
    pub fn is_trusted(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.nets.iter().any(|net| net.contains(&ip))
    }

    /// The client: the peer, or, when the peer is a trusted proxy, the nearest hop of
    /// `forwarded_for` (read from the right) that is not one. A hop that is not an address
    /// ends the chain there and is the client.
    pub fn client(&self, peer: IpAddr, forwarded_for: Option<&str>) -> ClientAddr {
        let peer = peer.to_canonical();
        let Some(header) = forwarded_for.filter(|h| !h.trim().is_empty()) else {
            return ClientAddr::Ip(peer);
        };
        if !self.is_trusted(peer) {
            self.warn_once(peer);
            return ClientAddr::Ip(peer);
        }
        let mut nearest = peer;
        for hop in header.rsplit(',').map(str::trim).filter(|h| !h.is_empty()) {
            match parse_hop(hop) {
                Some(ip) if self.is_trusted(ip) => nearest = ip,
                Some(ip) => return ClientAddr::Ip(ip),
                None => return ClientAddr::Named(hop.chars().take(MAX_NAME).collect()),
            }
        }
        ClientAddr::Ip(nearest)
    }

    /// Behind a load balancer that is not in TRUSTED_PROXIES, every client shares the
    /// balancer's address and so one budget; say so once per peer.
    fn warn_once(&self, peer: IpAddr) {
        let mut warned = self.warned.lock().unwrap_or_else(|e| e.into_inner());
        if warned.len() >= MAX_WARNED_PEERS || !warned.insert(peer) {
            return;
        }
        let last = warned.len() == MAX_WARNED_PEERS;
        drop(warned);
        tracing::warn!(
            %peer,
            "a request carries X-Forwarded-For from a peer outside TRUSTED_PROXIES; if this is \
             your proxy or load balancer, add it to TRUSTED_PROXIES, or every client behind it \
             is rate-limited as one"
        );
        if last {
            tracing::warn!(
                peers = MAX_WARNED_PEERS,
                "no more peers sending untrusted X-Forwarded-For will be reported"
            );
        }
    }
}

/// One `X-Forwarded-For` hop as an address: bare (`1.2.3.4`, `2001:db8::1`), with a port
/// (`1.2.3.4:5678`, `[2001:db8::1]:443`) or bracketed (`[2001:db8::1]`).
pub fn parse_hop(hop: &str) -> Option<IpAddr> {
    let ip = hop
        .parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| {
            hop.strip_prefix('[')?
                .strip_suffix(']')?
                .parse::<Ipv6Addr>()
                .ok()
                .map(IpAddr::V6)
        })?;
    Some(ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(trusted: &[&str]) -> TrustedProxies {
        TrustedProxies::new(trusted.iter().map(|n| n.parse().unwrap()).collect())
    }

    fn ip(text: &str) -> ClientAddr {
        ClientAddr::Ip(text.parse().unwrap())
    }

    fn peer(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxies = proxies(&["10.0.0.0/8"]);
        let header = Some("203.0.113.9, 10.0.0.7");
        assert_eq!(
            proxies.client(peer("198.51.100.1"), header),
            ip("198.51.100.1")
        );
        assert_eq!(proxies.client(peer("10.0.0.1"), header), ip("203.0.113.9"));
        assert_eq!(proxies.client(peer("10.0.0.1"), None), ip("10.0.0.1"));
        // A client can't hide behind a forged hop placed before the real one.
        assert_eq!(
            proxies.client(peer("10.0.0.1"), Some("1.2.3.4, 203.0.113.9")),
            ip("203.0.113.9")
        );
        // Only proxies all the way: the farthest proxy is the client.
        assert_eq!(
            proxies.client(peer("10.0.0.1"), Some("10.0.0.9")),
            ip("10.0.0.9")
        );
    }

    #[test]
    fn hops_with_ports_or_brackets_are_addresses() {
        let proxies = proxies(&["10.0.0.0/8"]);
        for (hop, client) in [
            ("1.2.3.4:5678", "1.2.3.4"),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("::ffff:192.0.2.7", "192.0.2.7"),
        ] {
            assert_eq!(proxies.client(peer("10.0.0.1"), Some(hop)), ip(client));
        }
    }

    #[test]
    fn a_hop_that_is_not_an_address_is_its_own_client_never_the_proxy() {
        let proxies = proxies(&["10.0.0.0/8"]);
        let unknown = proxies.client(peer("10.0.0.1"), Some("unknown"));
        assert_eq!(unknown, ClientAddr::Named("unknown".into()));
        assert_ne!(unknown.key(), ip("10.0.0.1").key());
        // Even behind a forged address further left.
        assert_eq!(
            proxies.client(peer("10.0.0.1"), Some("203.0.113.9, _hidden, 10.0.0.7")),
            ClientAddr::Named("_hidden".into())
        );
        let long = "x".repeat(500);
        match proxies.client(peer("10.0.0.1"), Some(&long)) {
            ClientAddr::Named(name) => assert_eq!(name.len(), MAX_NAME),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ipv4_mapped_peers_are_their_ipv4_address() {
        let proxies = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            proxies.client(peer("::ffff:203.0.113.9"), None),
            ip("203.0.113.9")
        );
        // Mapped proxies are trusted as the IPv4 address they are.
        assert_eq!(
            proxies.client(peer("::ffff:10.0.0.1"), Some("198.51.100.4")),
            ip("198.51.100.4")
        );
        // And two IPv4 clients are never one IPv6 /64.
        assert_ne!(
            ClientAddr::Ip(peer("::ffff:203.0.113.9").to_canonical()).key(),
            ClientAddr::Ip(peer("::ffff:198.51.100.4").to_canonical()).key()
        );
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        assert_eq!(
            ip("2001:db8:1:2::1").key(),
            ip("2001:db8:1:2:ffff::9").key()
        );
        assert_ne!(ip("2001:db8:1:2::1").key(), ip("2001:db8:1:3::1").key());
    }

    #[test]
    fn untrusted_forwarders_are_remembered_up_to_a_bound() {
        let proxies = proxies(&[]);
        for n in 0..100u8 {
            proxies.client(peer(&format!("198.51.100.{n}")), Some("1.2.3.4"));
            proxies.client(peer(&format!("198.51.100.{n}")), Some("1.2.3.4"));
        }
        assert_eq!(proxies.warned.lock().unwrap().len(), MAX_WARNED_PEERS);
    }
}
