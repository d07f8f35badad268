//! API_UPSTREAMS and API_FORWARD_HEADERS: the upstream APIs browsers reach through
//! `/api/{name}/…`, checked once at start-up.

use reqwest::header::{HeaderName, HeaderValue};

/// One upstream API: its name in `/api/{name}/…` and where it lives.
#[derive(Debug, Clone)]
pub struct Upstream {
    pub name: String,
    /// `scheme://host[:port][/prefix]`, without a trailing slash.
    pub base: String,
    /// The same, parsed once: every call's URL is checked against its origin and path.
    pub(crate) base_url: reqwest::Url,
    /// Request headers the operator lets through to this upstream (API_FORWARD_HEADERS),
    /// besides those every upstream gets.
    pub(crate) forward_headers: Vec<HeaderName>,
    /// `host[:port]` of the base: the `Host` every call carries.
    pub(crate) host: HeaderValue,
    /// Where browsers reach it: `/api/{name}`, under BASE_PATH if set.
    pub(crate) mount: String,
    /// The same, as `X-Forwarded-Prefix`.
    pub(crate) prefix: HeaderValue,
}

impl Upstream {
    /// Mounted under `base` (BASE_PATH; empty: the root).
    pub(crate) fn under(mut self, base: &str) -> Self {
        self.mount = format!("{base}/api/{}", self.name);
        // BASE_PATH and the name are checked to be header text.
        if let Ok(prefix) = HeaderValue::from_str(&self.mount) {
            self.prefix = prefix;
        }
        self
    }
}

/// Parses `name=url` pairs. Names are 1–32 of `a-z`, `0-9` and `-`; URLs are http(s) with a
/// host, no query, no user info.
pub fn parse(list: &str) -> Result<Vec<Upstream>, String> {
    let mut upstreams: Vec<Upstream> = Vec::new();
    for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let Some((name, url)) = item.split_once('=') else {
            return Err(format!("{item:?} is not name=url"));
        };
        let name = name.trim();
        if name.is_empty()
            || name.len() > 32
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(format!("{name:?} is not a name: 1 to 32 of a-z, 0-9 and -"));
        }
        let parsed = reqwest::Url::parse(url.trim()).map_err(|_| format!("{name}: not a URL"))?;
        if !matches!(parsed.scheme(), "http" | "https")
            || parsed.host().is_none()
            || parsed.query().is_some()
            || parsed.fragment().is_some()
            || !parsed.username().is_empty()
            || parsed.password().is_some()
        {
            return Err(format!(
                "{name}: must be an http(s) URL with a host and no query or user info"
            ));
        }
        if upstreams.iter().any(|u| u.name == name) {
            return Err(format!("{name} is named twice"));
        }
        let host = match parsed.port() {
            Some(port) => format!("{}:{port}", parsed.host_str().unwrap_or_default()),
            None => parsed.host_str().unwrap_or_default().to_owned(),
        };
        upstreams.push(Upstream {
            name: name.to_owned(),
            base: parsed.as_str().trim_end_matches('/').to_owned(),
            base_url: parsed,
            forward_headers: Vec::new(),
            host: HeaderValue::from_str(&host)
                .map_err(|_| format!("{name}: the host is not one a request can name"))?,
            mount: format!("/api/{name}"),
            prefix: HeaderValue::from_str(&format!("/api/{name}"))
                .map_err(|_| format!("{name} is not a name"))?,
        });
    }
    Ok(upstreams)
}

/// Adds API_FORWARD_HEADERS, comma-separated `upstream:header-name` items, to the upstreams
/// they name. A header the service sets itself, or one an upstream (or a proxy before it) may
/// take as the service's word on who is calling, from where or for what, is refused: a
/// browser could send it.
pub fn add_forward_headers(upstreams: &mut [Upstream], list: &str) -> Result<(), String> {
    for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let Some((name, header)) = item.split_once(':') else {
            return Err(format!("{item:?} is not upstream:header-name"));
        };
        let upstream = upstreams
            .iter_mut()
            .find(|u| u.name == name.trim())
            .ok_or_else(|| format!("{:?} is no upstream in API_UPSTREAMS", name.trim()))?;
        let header = HeaderName::from_bytes(header.trim().as_bytes())
            .map_err(|_| format!("{:?} is not a header name", header.trim()))?;
        // CGI, WSGI and PHP read `x_auth_groups` as the same variable as `x-auth-groups`.
        if header.as_str().contains('_') {
            return Err(format!(
                "{header}: a name with `_` is read by some servers as one with `-`; use `-`"
            ));
        }
        if carries_trust(&header) {
            return Err(format!(
                "{header} is set by the service or vouches for the caller: never passed on"
            ));
        }
        if !upstream.forward_headers.contains(&header) {
            upstream.forward_headers.push(header);
        }
    }
    Ok(())
}

/// Headers an operator may not pass on: those the service sets (the token, the forwarding
/// headers, the identity, the body's length, the request id), connection-level ones
/// (RFC 9110 §7.6.1), and those some proxy or framework takes as a word on the caller, its
/// address, or the URL or method it asked for.
fn carries_trust(name: &HeaderName) -> bool {
    const EXACT: &[&str] = &[
        "authorization",
        "cookie",
        "host",
        "forwarded",
        "via",
        "x-real-ip",
        "x-request-id",
        "content-length",
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "expect",
        "true-client-ip",
        "client-ip",
        "x-client-ip",
        "x-cluster-client-ip",
        "remote-user",
        "x-user",
        "x-host",
        "x-url-scheme",
        "x-rewrite-url",
        "x-http-method",
        "x-http-method-override",
        "x-method-override",
    ];
    const PREFIXES: &[&str] = &[
        "x-forwarded-",
        "x-auth-",
        "x-original-",
        "x-remote-",
        "x-envoy-",
        "x-amzn-",
        "cf-",
        "proxy-",
        "x-goog-authenticated-",
        "x-ms-client-principal",
        "x-consumer-",
        "x-authenticated-",
        "x-ssl-",
        "ssl-client",
        "x-client-cert",
        "x-tls-",
        "fastly-",
        "x-appengine-",
    ];
    let name = name.as_str();
    EXACT.contains(&name) || PREFIXES.iter().any(|prefix| name.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_call_names_the_upstreams_host_as_its_url_does() {
        let list = parse(
            "a=https://h.internal:443/v1,b=http://h.internal:443,c=http://[::1]:8080,d=http://[::1]:80",
        )
        .unwrap();
        let hosts: Vec<_> = list.iter().map(|u| u.host.to_str().unwrap()).collect();
        assert_eq!(
            hosts,
            ["h.internal", "h.internal:443", "[::1]:8080", "[::1]"]
        );
        assert_eq!(list[0].prefix, "/api/a");
    }

    #[test]
    fn parses_names_and_urls_and_refuses_the_rest() {
        let list =
            parse("orders=http://orders:8080, billing=https://billing.internal/v1/").unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].base, "http://orders:8080");
        assert_eq!(list[1].base, "https://billing.internal/v1");
        for bad in [
            "orders",
            "Orders=http://o",
            "o=ftp://o",
            "o=http://o?x=1",
            "o=http://u:p@o",
            "o=http://a,o=http://b",
            "a/b=http://o",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse("").unwrap().is_empty());
    }

    #[test]
    fn an_operator_lists_headers_for_an_upstream_but_none_that_vouch_for_the_caller() {
        let mut list = parse("orders=http://orders,billing=http://billing").unwrap();
        add_forward_headers(&mut list, " orders:X-Tenant, orders:x-tenant,billing:x-b ").unwrap();
        assert_eq!(list[0].forward_headers, ["x-tenant"]);
        assert_eq!(list[1].forward_headers, ["x-b"]);
        for (bad, says) in [
            ("x-tenant", "is not upstream:header-name"),
            ("shipping:x-tenant", "is no upstream"),
            ("orders:x tenant", "is not a header name"),
            ("orders:", "is not a header name"),
            ("orders:Authorization", "vouches for the caller"),
            ("orders:cookie", "vouches"),
            ("orders:host", "vouches"),
            ("orders:forwarded", "vouches"),
            ("orders:X-Forwarded-Host", "vouches"),
            ("orders:x-real-ip", "vouches"),
            ("orders:x-auth-groups", "vouches"),
            ("orders:transfer-encoding", "vouches"),
            ("orders:proxy-authorization", "vouches"),
            ("orders:cf-connecting-ip", "vouches"),
            ("orders:x-original-uri", "vouches"),
            ("orders:x-amzn-oidc-identity", "vouches"),
            ("orders:x_auth_groups", "with `_`"),
            ("orders:x_tenant", "with `_`"),
            ("orders:x-goog-authenticated-user-email", "vouches"),
            ("orders:x-ms-client-principal-name", "vouches"),
            ("orders:x-consumer-id", "vouches"),
            ("orders:x-ssl-client-verify", "vouches"),
            ("orders:fastly-client-ip", "vouches"),
        ] {
            let error = add_forward_headers(&mut list, bad).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }
}
