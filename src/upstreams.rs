//! The token handler: `/api/{name}/…` forwarded to the upstream API named `name`
//! (API_UPSTREAMS) with the browser session's access token attached, so the browser calls
//! APIs without ever holding a token. Bodies stream both ways.

use std::net::IpAddr;
use std::time::Duration;

use axum::body::Body;
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, Response};

use crate::error::ApiError;

/// Request bodies forwarded to an upstream are capped here; the upstream may cap lower.
pub const MAX_BODY: usize = 10 * 1024 * 1024;

/// One upstream API: its name in `/api/{name}/…` and where it lives.
#[derive(Debug, Clone)]
pub struct Upstream {
    pub name: String,
    /// `scheme://host[:port][/prefix]`, without a trailing slash.
    pub base: String,
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
        upstreams.push(Upstream {
            name: name.to_owned(),
            base: parsed.as_str().trim_end_matches('/').to_owned(),
        });
    }
    Ok(upstreams)
}

/// Connection-level headers (RFC 9110 §7.6.1), never forwarded either way, plus the ones the
/// proxy sets itself.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
];

/// What the upstream gets of a browser's request.
pub struct Forward<'a> {
    pub upstream: &'a Upstream,
    /// The path after `/api/{name}`, as the browser sent it (still percent-encoded), and the
    /// query.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub method: Method,
    pub headers: &'a HeaderMap,
    pub body: Body,
    pub access_token: &'a str,
    /// Names of the cookies that are the service's own, removed before forwarding.
    pub own_cookies: &'a [&'static str],
    pub client_ip: Option<IpAddr>,
    /// `https` or `http`: how the browser reached the service.
    pub proto: &'static str,
}

/// A path the upstream may be sent: no `.` or `..` segment, encoded or not, so a request
/// can't climb out of the upstream's prefix.
pub fn safe_path(path: &str) -> bool {
    path.split('/').all(|segment| {
        let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
        decoded != "." && decoded != ".."
    })
}

#[derive(Clone)]
pub struct Upstreams {
    client: reqwest::Client,
    list: Vec<Upstream>,
}

impl Upstreams {
    pub fn new(list: Vec<Upstream>, timeout: Duration) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            // An upstream's redirect goes back to the browser, not followed here with the
            // token attached.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Upstreams { client, list })
    }

    pub fn find(&self, name: &str) -> Option<&Upstream> {
        self.list.iter().find(|u| u.name == name)
    }

    /// Sends the request on and streams the answer back.
    pub async fn forward(&self, forward: Forward<'_>) -> Result<Response<Body>, ApiError> {
        let mut url = format!("{}{}", forward.upstream.base, forward.path);
        if let Some(query) = forward.query {
            url.push('?');
            url.push_str(query);
        }
        // A body announced as too large is refused before the upstream is called; one that
        // only turns out too large is cut off at the limit.
        let announced = forward
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if announced.is_some_and(|length| length > MAX_BODY as u64) {
            return Err(ApiError::PayloadTooLarge { limit: MAX_BODY });
        }
        let headers = request_headers(&forward)?;
        let body = http_body_util::Limited::new(forward.body, MAX_BODY);
        let stream = http_body_util::BodyDataStream::new(body);
        let answer = self
            .client
            .request(forward.method, url)
            .headers(headers)
            .body(reqwest::Body::wrap_stream(stream))
            .send()
            .await
            .map_err(|e| upstream_error(&forward.upstream.name, e))?;
        let (mut parts, body) = axum::http::Response::<reqwest::Body>::from(answer).into_parts();
        let upstream_headers = std::mem::take(&mut parts.headers);
        for (name, value) in &upstream_headers {
            // The browser's cookie jar for this origin belongs to the service.
            if is_hop_by_hop(name, &upstream_headers) || name == header::SET_COOKIE {
                continue;
            }
            parts.headers.append(name.clone(), value.clone());
        }
        Ok(Response::from_parts(parts, Body::new(body)))
    }
}

fn request_headers(forward: &Forward<'_>) -> Result<HeaderMap, ApiError> {
    let mut headers = HeaderMap::new();
    for (name, value) in forward.headers {
        if is_hop_by_hop(name, forward.headers)
            || name == header::AUTHORIZATION
            || name == header::COOKIE
            || name.as_str().starts_with("x-forwarded-")
            || name == header::FORWARDED
        {
            continue;
        }
        headers.append(name.clone(), value.clone());
    }
    // The browser's other cookies for this origin go on; the service's own do not.
    let cookies: Vec<String> = forward
        .headers
        .get_all(header::COOKIE)
        .iter()
        .flat_map(|line| {
            String::from_utf8_lossy(line.as_bytes())
                .split(';')
                .map(|c| c.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .filter(|c| {
            let name = c.split('=').next().unwrap_or_default();
            !c.is_empty() && !forward.own_cookies.contains(&name)
        })
        .collect();
    if !cookies.is_empty()
        && let Ok(value) = HeaderValue::from_str(&cookies.join("; "))
    {
        headers.insert(header::COOKIE, value);
    }
    let bearer = HeaderValue::from_str(&format!("Bearer {}", forward.access_token))
        .map_err(|_| ApiError::NoSession)?;
    headers.insert(header::AUTHORIZATION, bearer);
    if let Some(ip) = forward.client_ip
        && let Ok(value) = HeaderValue::from_str(&ip.to_string())
    {
        headers.insert(HeaderName::from_static("x-forwarded-for"), value);
    }
    headers.insert(
        HeaderName::from_static("x-forwarded-proto"),
        HeaderValue::from_static(forward.proto),
    );
    if let Some(host) = forward.headers.get(header::HOST) {
        headers.insert(HeaderName::from_static("x-forwarded-host"), host.clone());
    }
    headers.insert(
        HeaderName::from_static("x-forwarded-prefix"),
        HeaderValue::from_str(&format!("/api/{}", forward.upstream.name))
            .map_err(|e| ApiError::internal(std::io::Error::other(e.to_string())))?,
    );
    Ok(headers)
}

/// A hop-by-hop header, by the fixed list or because `Connection` names it.
fn is_hop_by_hop(name: &HeaderName, headers: &HeaderMap) -> bool {
    HOP_BY_HOP.contains(&name.as_str())
        || headers
            .get_all(header::CONNECTION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|listed| listed.trim().eq_ignore_ascii_case(name.as_str()))
}

fn upstream_error(name: &str, error: reqwest::Error) -> ApiError {
    let too_large = std::iter::successors(std::error::Error::source(&error), |e| e.source())
        .any(|e| e.is::<http_body_util::LengthLimitError>());
    if too_large {
        return ApiError::PayloadTooLarge { limit: MAX_BODY };
    }
    if error.is_timeout() {
        tracing::warn!(upstream = %name, "an upstream API did not answer in time");
        return ApiError::UpstreamTimeout;
    }
    // The URL may carry a path the user typed; the error's text is not logged.
    tracing::warn!(upstream = %name, connect = error.is_connect(), "an upstream API could not be reached");
    ApiError::UpstreamUnavailable
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn dot_segments_never_reach_an_upstream() {
        for path in ["/orders/1", "/", "", "/a.b/..c"] {
            assert!(safe_path(path), "{path}");
        }
        for path in ["/../admin", "/a/./b", "/%2e%2e/admin", "/%2E%2e", "/a/.."] {
            assert!(!safe_path(path), "{path}");
        }
    }
}
