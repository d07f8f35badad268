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
    /// The same, parsed once: every call's URL is checked against its origin and path.
    base_url: reqwest::Url,
    /// Request headers the operator lets through to this upstream (API_FORWARD_HEADERS),
    /// besides those every upstream gets.
    forward_headers: Vec<HeaderName>,
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
            base_url: parsed,
            forward_headers: Vec::new(),
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

/// Answer headers the browser never gets from an upstream: its cookie jar (which
/// `Clear-Site-Data` would wipe), its CORS decisions and every policy it keeps for the whole
/// origin (reporting, HSTS, other services, client hints, service-worker scope) belong to the
/// service, a token stays out of its reach, and `Refresh` would send it anywhere as a
/// `Location` outside the prefix would.
const NOT_RETURNED: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "set-cookie",
    "clear-site-data",
    "refresh",
    "authorization",
    "nel",
    "report-to",
    "reporting-endpoints",
    "strict-transport-security",
    "alt-svc",
    "accept-ch",
    "critical-ch",
    "service-worker-allowed",
    "set-login",
];

/// Cache headers for a CDN alone, which CDNs obey before `Cache-Control`: passed on only with
/// an answer the upstream said may be shared.
const CDN_CACHE_HEADERS: &[&str] = &[
    "cdn-cache-control",
    "cloudflare-cdn-cache-control",
    "surrogate-control",
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
    /// The caller's identity, as `/verify` gives it to gateways: APIs behind a gateway read
    /// the same headers either way.
    pub identity: HeaderMap,
    pub client_ip: Option<IpAddr>,
    /// `https` or `http`: how the browser reached the service.
    pub proto: &'static str,
}

/// A path the upstream may be sent: no `.` or `..` segment, encoded or not, and no
/// backslash, `;` or encoded slash that some servers read as a separator, so a request can't
/// climb out of the upstream's prefix. Servers that decode more than once, fold
/// compatibility characters (`．` is `.` in NFKC), trim trailing dots and spaces (Windows),
/// or read `%u002e` (IIS) see more of them; see [`safe_segment`].
pub fn safe_path(path: &str) -> bool {
    !path.contains(['\\', ';']) && path.split('/').all(safe_segment)
}

/// Each form a server might read a segment as (decoded up to three times, each also
/// NFKC-normalised) must be an ordinary name: valid UTF-8, no control character, no `/`,
/// `\` or `;`, no encoded dot, slash or backslash left after a decoding, no `%u` escape, and
/// not made of dots and spaces alone.
fn safe_segment(raw: &str) -> bool {
    use unicode_normalization::UnicodeNormalization;
    let lower = raw.to_ascii_lowercase();
    if ["%2f", "%5c", "%u"].iter().any(|e| lower.contains(e)) {
        return false;
    }
    let mut form = raw.to_owned();
    for _ in 0..3 {
        let Ok(decoded) = percent_encoding::percent_decode_str(&form).decode_utf8() else {
            return false;
        };
        let decoded = decoded.into_owned();
        let normal: String = decoded.nfkc().collect();
        for text in [&decoded, &normal] {
            let lower = text.to_ascii_lowercase();
            if text
                .chars()
                .any(|c| c.is_control() || matches!(c, '/' | '\\' | ';'))
                || ["%2e", "%2f", "%5c", "%u"]
                    .iter()
                    .any(|e| lower.contains(e))
                || (text.contains('.') && text.chars().all(|c| c == '.' || c == ' '))
            {
                return false;
            }
        }
        if decoded == form {
            break;
        }
        form = decoded;
    }
    true
}

#[derive(Clone)]
pub struct Upstreams {
    client: reqwest::Client,
    list: Vec<Upstream>,
    /// The scheme and `host[:port]` of PUBLIC_ORIGIN, for `X-Forwarded-Proto` and
    /// `X-Forwarded-Host`: only what the operator said, never a `Host` a client sent.
    public: Option<(&'static str, HeaderValue)>,
}

impl Upstreams {
    pub fn new(
        list: Vec<Upstream>,
        timeout: Duration,
        public_origin: Option<&reqwest::Url>,
    ) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            // An upstream's redirect goes back to the browser, not followed here with the
            // token attached.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let public = public_origin.and_then(|origin| {
            let scheme = if origin.scheme() == "https" {
                "https"
            } else {
                "http"
            };
            let host = match origin.port() {
                Some(port) => format!("{}:{port}", origin.host_str()?),
                None => origin.host_str()?.to_owned(),
            };
            Some((scheme, HeaderValue::from_str(&host).ok()?))
        });
        Ok(Upstreams {
            client,
            list,
            public,
        })
    }

    /// PUBLIC_ORIGIN's `host[:port]`, if set.
    fn public_host(&self) -> Option<&str> {
        self.public
            .as_ref()
            .and_then(|(_, host)| host.to_str().ok())
    }

    pub fn find(&self, name: &str) -> Option<&Upstream> {
        self.list.iter().find(|u| u.name == name)
    }

    /// Sends the request on and streams the answer back.
    pub async fn forward(&self, forward: Forward<'_>) -> Result<Response<Body>, ApiError> {
        let url = target(forward.upstream, forward.path, forward.query).ok_or_else(|| {
            ApiError::invalid_field("path", "the path must stay below the upstream's own")
        })?;
        // A body announced as too large is refused before the upstream is called; one that
        // only turns out too large is cut off at the limit.
        let announced = forward
            .headers
            .get(header::CONTENT_LENGTH)
            .map(|v| v.to_str().ok().and_then(|v| v.parse::<u64>().ok()));
        let announced = match announced {
            Some(None) => return Err(ApiError::invalid_field("content-length", "not a length")),
            Some(Some(length)) if length > MAX_BODY as u64 => {
                return Err(ApiError::PayloadTooLarge { limit: MAX_BODY });
            }
            Some(Some(length)) => Some(length),
            None => None,
        };
        let mut headers = self.request_headers(&forward)?;
        let mut request = self.client.request(forward.method, url.clone());
        // No body announced and none on its way: none goes on (a GET stays a plain GET).
        if announced.is_some() || !axum::body::HttpBody::is_end_stream(&forward.body) {
            if let Some(length) = announced {
                headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
            }
            let body = http_body_util::Limited::new(forward.body, MAX_BODY);
            let stream = http_body_util::BodyDataStream::new(body);
            request = request.body(reqwest::Body::wrap_stream(stream));
        }
        let answer = request
            .headers(headers)
            .send()
            .await
            .map_err(|e| upstream_error(&forward.upstream.name, e))?;
        let (mut parts, body) = axum::http::Response::<reqwest::Body>::from(answer).into_parts();
        let upstream_headers = std::mem::take(&mut parts.headers);
        let listed = connection_listed(&upstream_headers);
        for (name, value) in &upstream_headers {
            let name_text = name.as_str();
            if NOT_RETURNED.contains(&name_text)
                || name_text.starts_with("access-control-")
                || listed.iter().any(|l| l.eq_ignore_ascii_case(name_text))
            {
                continue;
            }
            parts.headers.append(name.clone(), value.clone());
        }
        if let Some(location) = parts.headers.remove(header::LOCATION)
            && let Some(location) = relocated(forward.upstream, &url, self.public_host(), location)
        {
            parts.headers.insert(header::LOCATION, location);
        }
        kept_for_the_session(&mut parts.headers);
        // Whatever the upstream sends is shown on this service's origin: never as a page that
        // could run script here.
        parts.headers.insert(
            HeaderName::from_static("content-security-policy"),
            HeaderValue::from_static("sandbox; default-src 'none'; frame-ancestors 'none'"),
        );
        parts.headers.insert(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        );
        Ok(Response::from_parts(parts, Body::new(body)))
    }
}

/// The upstream URL for `path` and `query`, parsed as it will be sent, and only if it stays
/// on the upstream's origin and below its path.
fn target(upstream: &Upstream, path: &str, query: Option<&str>) -> Option<reqwest::Url> {
    let base = &upstream.base_url;
    let mut text = format!("{}{path}", upstream.base);
    if let Some(query) = query {
        text.push('?');
        text.push_str(query);
    }
    let url = reqwest::Url::parse(&text).ok()?;
    let prefix = base.path().trim_end_matches('/');
    let below = url.path() == base.path()
        || url.path() == prefix
        || url.path().starts_with(&format!("{prefix}/"));
    (url.origin() == base.origin() && below && url.fragment().is_none()).then_some(url)
}

/// Where an upstream's redirect may send the browser. A `Location` is read as the browser
/// would, against the URL that was answered: on the upstream's origin and below its path, it
/// is rewritten below `/api/{name}`; anywhere else on the upstream's host it is dropped, since
/// the browser would take a path of the upstream's for one of this service's own routes (or
/// learn where the upstream lives outside the part made reachable); on another host it goes
/// as it came. One that can't be read is dropped.
///
/// A `Location` on the service's own public origin (an upstream that builds it from
/// `X-Forwarded-Host`) stays only below `/api/{name}`; one to another host only if it is
/// http(s).
fn relocated(
    upstream: &Upstream,
    answered: &reqwest::Url,
    public: Option<&str>,
    location: HeaderValue,
) -> Option<HeaderValue> {
    let url = answered.join(location.to_str().ok()?).ok()?;
    let base = &upstream.base_url;
    let host = |url: &reqwest::Url| url.host_str().map(|h| h.trim_end_matches('.').to_owned());
    let authority = url.host_str().map(|h| match url.port() {
        Some(port) => format!("{h}:{port}"),
        None => h.to_owned(),
    });
    if public.is_some() && authority.as_deref() == public {
        let own = format!("/api/{}", upstream.name);
        let below = url.path() == own || url.path().starts_with(&format!("{own}/"));
        return below
            .then(|| with_query_and_fragment(url.path().to_owned(), &url))
            .and_then(|inside| HeaderValue::from_str(&inside).ok());
    }
    if host(&url) != host(base) {
        return matches!(url.scheme(), "http" | "https").then_some(location);
    }
    let prefix = base.path().trim_end_matches('/');
    let rest = match url.path().strip_prefix(prefix) {
        Some(rest)
            if url.origin() == base.origin() && (rest.is_empty() || rest.starts_with('/')) =>
        {
            rest
        }
        _ => return None,
    };
    let inside = with_query_and_fragment(format!("/api/{}{rest}", upstream.name), &url);
    HeaderValue::from_str(&inside).ok()
}

fn with_query_and_fragment(mut path: String, url: &reqwest::Url) -> String {
    if let Some(query) = url.query() {
        path.push('?');
        path.push_str(query);
    }
    if let Some(fragment) = url.fragment() {
        path.push('#');
        path.push_str(fragment);
    }
    path
}

/// The upstream answered a request that carried this session's token, and may have let
/// caches keep the answer; the browser's request carried only a cookie, which a shared cache
/// that doesn't key on cookies would not tell apart from anyone else's. Unless the upstream
/// said outright that the answer may be shared (`public`, `s-maxage`), it is `private`, and
/// it varies by `Cookie` (unless it varies by everything: `*`).
fn kept_for_the_session(headers: &mut HeaderMap) {
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
    if !named("public") && !named("s-maxage") {
        for name in CDN_CACHE_HEADERS {
            headers.remove(*name);
        }
    }
    if !named("public") && !named("s-maxage") && !private {
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
fn connection_listed(headers: &HeaderMap) -> Vec<String> {
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

/// Whether a browser's request header goes on to this upstream: those every upstream gets,
/// the body's own `Content-*` (but its length, which is set from what is known), the request
/// id, and what the operator lists for this upstream.
fn passed(upstream: &Upstream, name: &HeaderName) -> bool {
    let text = name.as_str();
    PASSED.contains(&text)
        || (text.starts_with("content-") && *name != header::CONTENT_LENGTH)
        || *name == crate::request_id::HEADER
        || upstream.forward_headers.contains(name)
}

impl Upstreams {
    /// What the upstream gets: the browser's headers it may have, then what the service
    /// knows (the token, the identity, the client's address, the service's public origin).
    fn request_headers(&self, forward: &Forward<'_>) -> Result<HeaderMap, ApiError> {
        let mut headers = HeaderMap::new();
        let listed = connection_listed(forward.headers);
        for (name, value) in forward.headers {
            if passed(forward.upstream, name) && !listed.iter().any(|l| l == name.as_str()) {
                headers.append(name.clone(), value.clone());
            }
        }
        for (name, value) in &forward.identity {
            headers.insert(name.clone(), value.clone());
        }
        let mut bearer = HeaderValue::from_str(&format!("Bearer {}", forward.access_token))
            .map_err(|_| ApiError::NoSession)?;
        // Kept out of HTTP/2 header compression tables and of any header dump.
        bearer.set_sensitive(true);
        headers.insert(header::AUTHORIZATION, bearer);
        if let Some(ip) = forward.client_ip
            && let Ok(value) = HeaderValue::from_str(&ip.to_string())
        {
            headers.insert(HeaderName::from_static("x-forwarded-for"), value);
        }
        let proto = self
            .public
            .as_ref()
            .map_or(forward.proto, |(scheme, _)| scheme);
        headers.insert(
            HeaderName::from_static("x-forwarded-proto"),
            HeaderValue::from_static(proto),
        );
        if let Some((_, host)) = &self.public {
            headers.insert(HeaderName::from_static("x-forwarded-host"), host.clone());
        }
        headers.insert(
            HeaderName::from_static("x-forwarded-prefix"),
            HeaderValue::from_str(&format!("/api/{}", forward.upstream.name))
                .map_err(|e| ApiError::internal(std::io::Error::other(e.to_string())))?,
        );
        Ok(headers)
    }
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
            for name in CDN_CACHE_HEADERS {
                headers.insert(*name, HeaderValue::from_static("max-age=60"));
            }
            kept_for_the_session(&mut headers);
            CDN_CACHE_HEADERS
                .iter()
                .filter(|name| headers.contains_key(**name))
                .count()
        };
        assert_eq!(cdn("max-age=60"), 0);
        assert_eq!(cdn("private"), 0);
        assert_eq!(cdn("public, max-age=60"), CDN_CACHE_HEADERS.len());
        assert_eq!(cdn("s-maxage=60"), CDN_CACHE_HEADERS.len());
    }

    #[test]
    fn an_operator_lists_headers_for_an_upstream_but_none_that_vouch_for_the_caller() {
        let mut list = parse("orders=http://orders,billing=http://billing").unwrap();
        add_forward_headers(&mut list, " orders:X-Tenant, orders:x-tenant,billing:x-b ").unwrap();
        assert_eq!(list[0].forward_headers, ["x-tenant"]);
        assert_eq!(list[1].forward_headers, ["x-b"]);
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

    #[test]
    fn a_redirect_stays_below_the_upstreams_prefix_or_is_dropped() {
        let upstream = &parse("billing=https://billing.internal/v1").unwrap()[0];
        let answered = reqwest::Url::parse("https://billing.internal/v1/invoices/7").unwrap();
        let relocate = |location: &str| {
            relocated(
                upstream,
                &answered,
                Some("app.example.com"),
                HeaderValue::from_str(location).unwrap(),
            )
            .map(|v| v.to_str().unwrap().to_owned())
        };
        for (location, sent_on) in [
            (
                "https://billing.internal/v1/invoices?page=2",
                "/api/billing/invoices?page=2",
            ),
            ("https://BILLING.internal/v1", "/api/billing"),
            ("/v1/a/b#c", "/api/billing/a/b#c"),
            ("8", "/api/billing/invoices/8"),
            ("?page=3", "/api/billing/invoices/7?page=3"),
            (
                "https://pay.example/checkout",
                "https://pay.example/checkout",
            ),
            ("//pay.example/x", "//pay.example/x"),
            (
                "https://app.example.com/api/billing/x?y#z",
                "/api/billing/x?y#z",
            ),
        ] {
            assert_eq!(relocate(location).as_deref(), Some(sent_on), "{location}");
        }
        for location in [
            "/logout",
            "/v10",
            "../../admin",
            "/v1/%2e%2e/admin",
            "https://billing.internal/admin",
            "http://billing.internal/v1/x",
            "https://billing.internal:8443/v1/x",
            "//billing.internal/other",
            "https://billing.internal./admin",
            "http://[::1",
            "https://app.example.com/login",
            "//app.example.com/ui/",
            "https://app.example.com/api/billingx",
            "javascript:alert(1)",
            "data:text/html,x",
        ] {
            assert_eq!(relocate(location), None, "{location}");
        }
    }

    #[test]
    fn dot_segments_never_reach_an_upstream() {
        for path in ["/orders/1", "/", "", "/a.b/..c"] {
            assert!(safe_path(path), "{path}");
        }
        for path in [
            "/../admin",
            "/a/./b",
            "/%2e%2e/admin",
            "/%2E%2e",
            "/a/..",
            "/x\\..\\..\\admin",
            "/..;/admin",
            "/a%2F..%2Fb",
            "/a%5cb",
            // Decoded twice.
            "/%252e%252e/admin",
            "/%252E./admin",
            "/a%252fb",
            "/a%252F..%252Fb",
            "/a%255cb",
            "/x%25%32%65",
            // Normalised: full-width and leader dots, full-width solidus and reverse solidus.
            "/\u{ff0e}\u{ff0e}/admin",
            "/%EF%BC%8E%EF%BC%8E/admin",
            "/%ef%bc%8e",
            "/%E2%80%A5",
            "/a\u{ff0f}b",
            "/a%EF%BC%8Fb",
            "/a%EF%BC%BCb",
            "/a%3Bb",
            "/a%EF%BC%9Bb",
            // IIS's %u, overlong UTF-8, what Windows trims, a NUL, encoded three times, and
            // full-width percent escapes that normalise into encoded dots.
            "/%u002e%u002e/admin",
            "/%U002E",
            "/%c0%ae%c0%ae/admin",
            "/..%00/admin",
            "/..%09",
            "/..%20/admin",
            "/.../admin",
            "/%25252e%25252e/admin",
            "/\u{ff05}\u{ff12}\u{ff45}\u{ff05}\u{ff12}\u{ff45}/admin",
        ] {
            assert!(!safe_path(path), "{path}");
        }
        for path in [
            "/caf%C3%A9",
            "/%EF%BC%A1",
            "/100%25",
            "/%2525",
            "/\u{ff0e}x",
        ] {
            assert!(safe_path(path), "{path}");
        }
    }

    #[test]
    fn a_target_stays_on_the_upstreams_origin_and_below_its_path() {
        let upstream = &parse("billing=https://billing.internal/v1").unwrap()[0];
        let ok = target(upstream, "/invoices/7", Some("page=2")).unwrap();
        assert_eq!(ok.as_str(), "https://billing.internal/v1/invoices/7?page=2");
        assert_eq!(target(upstream, "", None).unwrap().path(), "/v1");
        for escape in ["/../admin", "\\..\\admin", "@evil.example/x", "/%2e%2e/x"] {
            let url = target(upstream, escape, None);
            assert!(
                url.as_ref()
                    .is_none_or(|u| u.host_str() == Some("billing.internal")
                        && u.path().starts_with("/v1/")),
                "{escape}: {url:?}"
            );
        }
    }
}
