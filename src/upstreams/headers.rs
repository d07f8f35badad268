//! Which headers cross the token handler, each way: what an upstream gets of a browser's
//! request, and what a browser gets of an upstream's answer.

use std::net::IpAddr;

use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};

use crate::config::Upstream;

/// Request headers every upstream gets as the browser sent them: what it wants and in which
/// form (content negotiation), on which condition or which part (conditional and range
/// requests), who made the request (user agent, origin). `Cache-Control` and `Pragma` too:
/// they only ask caches on the way to revalidate, and vouch for nothing.
const PASSED: &[&str] = &[
    "accept",
    "accept-charset",
    "accept-encoding",
    "accept-language",
    "if-match",
    "if-none-match",
    "if-modified-since",
    "if-unmodified-since",
    "if-range",
    "range",
    "user-agent",
    "origin",
    "cache-control",
    "pragma",
];

/// Whether the browser never gets this answer header from an upstream: its cookie jar (which
/// `Clear-Site-Data` would wipe), its CORS decisions and every policy it keeps for the whole
/// origin (reporting, HSTS, other services, client hints, service-worker scope) belong to the
/// service, a token stays out of its reach, and `Refresh` would send it anywhere as a
/// `Location` outside the prefix would. Hop-by-hop headers end here too.
pub(super) fn not_returned(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "connection"
            | "keep-alive"
            | "proxy-connection"
            | "proxy-authenticate"
            | "te"
            | "trailer"
            | "transfer-encoding"
            | "upgrade"
            | "set-cookie"
            | "clear-site-data"
            | "refresh"
            | "authorization"
            | "nel"
            | "report-to"
            | "reporting-endpoints"
            | "strict-transport-security"
            | "alt-svc"
            | "accept-ch"
            | "critical-ch"
            | "service-worker-allowed"
            | "set-login"
    )
}

/// Cache headers for a CDN alone, which CDNs obey before `Cache-Control`: passed on only with
/// an answer the upstream said may be shared.
pub(super) const CDN_CACHE_HEADERS: [HeaderName; 3] = [
    HeaderName::from_static("cdn-cache-control"),
    HeaderName::from_static("cloudflare-cdn-cache-control"),
    HeaderName::from_static("surrogate-control"),
];

/// The upstream answered a request that carried this session's token, and may have let
/// caches keep the answer; the browser's request carried only a cookie, which a shared cache
/// that doesn't key on cookies would not tell apart from anyone else's. Unless the upstream
/// said outright that the answer may be shared (`public`, `s-maxage`), it is `private`, and
/// it varies by `Cookie` (unless it varies by everything: `*`).
pub(super) fn kept_for_the_session(headers: &mut HeaderMap) {
    let given: Vec<HeaderValue> = headers
        .get_all(header::CACHE_CONTROL)
        .iter()
        .cloned()
        .collect();
    let directives: Vec<&[u8]> = given
        .iter()
        .flat_map(|v| directives(v.as_bytes()))
        .collect();
    let named = |wanted: &str| {
        directives
            .iter()
            .any(|d| directive_name(d).eq_ignore_ascii_case(wanted.as_bytes()))
    };
    // `private="field"` makes only those fields private: the answer is still shared.
    let private = directives
        .iter()
        .any(|d| d.trim_ascii().eq_ignore_ascii_case(b"private"));
    // Looked for among the few names there are before any is removed by name (each removal
    // hashes its name).
    if !named("public")
        && !named("s-maxage")
        && headers.keys().any(|name| CDN_CACHE_HEADERS.contains(name))
    {
        for name in &CDN_CACHE_HEADERS {
            headers.remove(name);
        }
    }
    if given.is_empty() {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    } else if !named("public") && !named("s-maxage") && !private {
        let mut value = b"private".to_vec();
        for part in given
            .iter()
            .filter(|v| !v.as_bytes().trim_ascii().is_empty())
        {
            value.extend_from_slice(b", ");
            value.extend_from_slice(part.as_bytes().trim_ascii());
        }
        let value =
            HeaderValue::from_bytes(&value).unwrap_or_else(|_| HeaderValue::from_static("private"));
        headers.insert(header::CACHE_CONTROL, value);
    }
    let varies = headers
        .get_all(header::VARY)
        .iter()
        .flat_map(|v| v.as_bytes().split(|b| *b == b','))
        .map(<[u8]>::trim_ascii)
        .any(|name| name == b"*" || name.eq_ignore_ascii_case(b"cookie"));
    if !varies {
        headers.append(header::VARY, HeaderValue::from_static("Cookie"));
    }
}

/// The directives of a `Cache-Control` value: split on the commas outside quoted strings.
fn directives(value: &[u8]) -> Vec<&[u8]> {
    let mut found = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, &byte) in value.iter().enumerate() {
        match byte {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' => quoted = !quoted,
            b',' if !quoted => {
                found.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    found.push(&value[start..]);
    found
}

fn directive_name(directive: &[u8]) -> &[u8] {
    directive
        .split(|b| *b == b'=')
        .next()
        .unwrap_or_default()
        .trim_ascii()
}

/// The header names a `Connection` header lists: hop-by-hop for this one message.
pub(super) fn connection_listed(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|name| name.trim().to_ascii_lowercase())
        .filter(|name| !name.is_empty())
        .take(64)
        .collect()
}

/// The client's address as `X-Forwarded-For` gives it. An IPv4 address is written digit by
/// digit: the formatting machinery of `to_string` cost more than the rest of the header work
/// of a call.
pub(super) fn address_value(ip: IpAddr) -> Option<HeaderValue> {
    let IpAddr::V4(v4) = ip else {
        return HeaderValue::from_str(&ip.to_string()).ok();
    };
    let mut text = [0u8; 15];
    let mut len = 0;
    for (i, octet) in v4.octets().into_iter().enumerate() {
        if i > 0 {
            text[len] = b'.';
            len += 1;
        }
        for (digit, shown) in [
            (octet / 100, octet >= 100),
            (octet / 10 % 10, octet >= 10),
            (octet % 10, true),
        ] {
            if shown {
                text[len] = b'0' + digit;
                len += 1;
            }
        }
    }
    HeaderValue::from_bytes(&text[..len]).ok()
}

/// Whether a browser's request header goes on to this upstream: those every upstream gets,
/// the body's own `Content-*` (but its length, which is set from what is known), the request
/// id, and what the operator lists for this upstream.
pub(super) fn passed(upstream: &Upstream, name: &HeaderName) -> bool {
    let text = name.as_str();
    PASSED.contains(&text)
        || (text.starts_with("content-") && *name != header::CONTENT_LENGTH)
        || *name == crate::request_id::HEADER
        || upstream.forward_headers.contains(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(cache_control: &[&str], vary: &[&str]) -> (Vec<String>, Vec<String>) {
        let mut headers = HeaderMap::new();
        for value in cache_control {
            headers.append(header::CACHE_CONTROL, HeaderValue::from_str(value).unwrap());
        }
        for value in vary {
            headers.append(header::VARY, HeaderValue::from_str(value).unwrap());
        }
        kept_for_the_session(&mut headers);
        let all = |name| {
            headers
                .get_all(name)
                .iter()
                .map(|v| v.to_str().unwrap().to_owned())
                .collect()
        };
        (all(header::CACHE_CONTROL), all(header::VARY))
    }

    #[test]
    fn the_address_is_written_as_rust_writes_it() {
        let addresses = (0..=255u8)
            .map(|n| IpAddr::from([n, 255 - n, n / 3, 0]))
            .chain(
                [
                    "10.0.0.1",
                    "255.255.255.255",
                    "0.0.0.0",
                    "2001:db8::1",
                    "::ffff:1.2.3.4",
                ]
                .map(|a| a.parse().unwrap()),
            );
        for ip in addresses {
            assert_eq!(address_value(ip).unwrap(), ip.to_string().as_str());
        }
    }

    #[test]
    fn an_answer_is_private_to_the_session_unless_the_upstream_said_it_may_be_shared() {
        assert_eq!(
            kept(&[], &[]),
            (vec!["private".into()], vec!["Cookie".into()])
        );
        assert_eq!(
            kept(&["max-age=600", "no-transform"], &["Accept"]).0,
            ["private, max-age=600, no-transform"]
        );
        assert_eq!(
            kept(&["no-cache=\"a, public, b\", max-age=5"], &[]).0,
            ["private, no-cache=\"a, public, b\", max-age=5"],
            "a quoted comma separates nothing"
        );
        assert_eq!(kept(&["PRIVATE"], &[]).0, ["PRIVATE"]);
        for shared in [
            "Public, max-age=60",
            "s-maxage=60",
            "max-age=5, s-maxage = 9",
        ] {
            assert_eq!(kept(&[shared], &[]).0, [shared]);
        }
        assert_eq!(kept(&[], &["Accept"]).1, ["Accept", "Cookie"]);
        assert_eq!(kept(&[], &["accept, COOKIE"]).1, ["accept, COOKIE"]);
        assert_eq!(kept(&[], &["*"]).1, ["*"]);
    }

    #[test]
    fn cache_headers_for_a_cdn_alone_go_only_with_an_answer_that_may_be_shared() {
        let cdn = |cache_control: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_str(cache_control).unwrap(),
            );
            for name in &CDN_CACHE_HEADERS {
                headers.insert(name, HeaderValue::from_static("max-age=60"));
            }
            kept_for_the_session(&mut headers);
            CDN_CACHE_HEADERS
                .iter()
                .filter(|name| headers.contains_key(*name))
                .count()
        };
        assert_eq!(cdn("max-age=60"), 0);
        assert_eq!(cdn("private"), 0);
        assert_eq!(cdn("public, max-age=60"), CDN_CACHE_HEADERS.len());
        assert_eq!(cdn("s-maxage=60"), CDN_CACHE_HEADERS.len());
    }

    #[test]
    fn an_upstream_gets_what_every_upstream_gets_and_what_the_operator_listed_for_it() {
        let mut list =
            crate::config::upstreams::parse("orders=http://orders,billing=http://billing").unwrap();
        crate::config::upstreams::add_forward_headers(&mut list, "orders:x-tenant").unwrap();
        let tenant = HeaderName::from_static("x-tenant");
        assert!(passed(&list[0], &tenant) && !passed(&list[1], &tenant));
        for always in [
            "accept-language",
            "if-none-match",
            "content-type",
            "x-request-id",
        ] {
            assert!(
                passed(&list[1], &HeaderName::from_static(always)),
                "{always}"
            );
        }
        for never in [
            "content-length",
            "host",
            "x-forwarded-host",
            "true-client-ip",
        ] {
            assert!(
                !passed(&list[0], &HeaderName::from_static(never)),
                "{never}"
            );
        }
    }
}
