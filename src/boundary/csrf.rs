//! The CSRF rules of a request made with the session cookie: `X-CSRF: 1` on anything that
//! may change state, and an `Origin`, when present, that the service serves or lists.

use axum::http::{HeaderMap, Method};

use crate::config::HttpConfig;
use crate::error::ApiError;

/// Refuses a cookie-bearing request whose `Origin` is present and is neither this service's
/// own origin nor one of `ALLOWED_ORIGINS`. Scheme, host and port must all match: an
/// `http://` page must not act for an `https://` service of the same name.
pub fn check_origin(
    headers: &HeaderMap,
    http: &HttpConfig,
    via_trusted_proxy: bool,
) -> Result<(), ApiError> {
    let Some(origin) = headers.get(axum::http::header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin
        .to_str()
        .ok()
        .and_then(origin_parts)
        .ok_or(ApiError::OriginNotAllowed)?;
    let allowed = http
        .allowed_origins
        .iter()
        .filter_map(|allowed| origin_parts(allowed));
    let own = own_origin(headers, http.cookie_secure, via_trusted_proxy);
    if allowed.chain(own).any(|known| known == origin) {
        Ok(())
    } else {
        Err(ApiError::OriginNotAllowed)
    }
}

/// The CSRF checks on a request authenticated by the session cookie: one that may change
/// state (any method but GET, HEAD and OPTIONS) must carry `X-CSRF: 1`, a header a page on
/// another site can only send after a CORS preflight this service answers for
/// `ALLOWED_ORIGINS` alone, and an `Origin`, when present, that the service serves or lists.
pub fn check_csrf(
    method: &Method,
    headers: &HeaderMap,
    http: &HttpConfig,
    via_trusted_proxy: bool,
) -> Result<(), ApiError> {
    // Only these: TRACE counts as safe in RFC 9110, but nothing here should answer it.
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    if headers.get("x-csrf").map(|v| v.as_bytes()) != Some(b"1") {
        return Err(ApiError::CsrfHeaderRequired);
    }
    check_origin(headers, http, via_trusted_proxy)
}

/// An origin as (scheme, host, port), with the scheme's default port filled in.
fn origin_parts(origin: &str) -> Option<(String, String, u16)> {
    let url = reqwest::Url::parse(origin).ok()?;
    if !matches!(url.scheme(), "http" | "https")
        || !url.username().is_empty()
        || url.password().is_some()
        || url.path() != "/"
        || url.query().is_some()
    {
        return None;
    }
    Some((
        url.scheme().to_owned(),
        url.host_str()?.to_owned(),
        url.port_or_known_default()?,
    ))
}

/// The origin a browser sees this service at: the `Host` it asked for, over the scheme a
/// trusted proxy reports in `X-Forwarded-Proto`, or else https when the cookie is `Secure`
/// (a browser sends that cookie over https only) and http when it is not.
fn own_origin(
    headers: &HeaderMap,
    cookie_secure: bool,
    via_trusted_proxy: bool,
) -> Option<(String, String, u16)> {
    let host = headers.get(axum::http::header::HOST)?.to_str().ok()?;
    let forwarded_proto = via_trusted_proxy
        .then(|| headers.get("x-forwarded-proto")?.to_str().ok())
        .flatten()
        // The nearest proxy's view is the last entry.
        .and_then(|protos| protos.rsplit(',').next())
        .map(|proto| proto.trim().to_ascii_lowercase());
    let scheme = match forwarded_proto.as_deref() {
        Some(proto @ ("http" | "https")) => proto,
        _ if cookie_secure => "https",
        _ => "http",
    };
    origin_parts(&format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    fn headers(host: &str, proto: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("host", host.parse().unwrap());
        if let Some(proto) = proto {
            headers.insert("x-forwarded-proto", proto.parse().unwrap());
        }
        headers
    }

    #[test]
    fn the_own_origin_has_the_scheme_a_browser_used() {
        let parts = |o: &str| origin_parts(o).unwrap();
        let secure = own_origin(&headers("app.example.com", None), true, false);
        assert_eq!(secure, Some(parts("https://app.example.com")));
        assert_eq!(secure, Some(parts("https://APP.example.com:443")));
        assert_ne!(secure, Some(parts("http://app.example.com")));
        assert_ne!(secure, Some(parts("https://app.example.com:8443")));
        let plain = own_origin(&headers("127.0.0.1:8080", None), false, false);
        assert_eq!(plain, Some(parts("http://127.0.0.1:8080")));
        // X-Forwarded-Proto only from a trusted proxy.
        let forwarded = headers("app.example.com", Some("http"));
        assert_eq!(
            own_origin(&forwarded, true, true),
            Some(parts("http://app.example.com"))
        );
        assert_eq!(
            own_origin(&forwarded, true, false),
            Some(parts("https://app.example.com"))
        );
        assert!(origin_parts("null").is_none());
        assert!(origin_parts("https://a.example/path").is_none());
        assert!(own_origin(&headers("evil@app.example.com", None), true, false).is_none());
    }
}
