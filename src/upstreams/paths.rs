//! Where a proxied call may go: paths that stay below the upstream's prefix, the URL it is
//! sent to, and where an upstream's redirect may send the browser.

use axum::http::{HeaderValue, Uri};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::config::Upstream;

/// The part of a call's path after `/api/{name}`, as the browser sent it (still
/// percent-encoded): empty or from a `/`, and [`safe_path`]. Only such a path reaches
/// [`target`], which relies on it to stay below the upstream's prefix.
#[derive(Clone, Copy, Debug)]
pub struct SafePath<'a>(&'a str);

impl<'a> SafePath<'a> {
    pub fn parse(path: &'a str) -> Option<Self> {
        ((path.is_empty() || path.starts_with('/')) && safe_path(path)).then_some(SafePath(path))
    }
}

/// A path the upstream may be sent: no `.` or `..` segment, encoded or not, and no
/// backslash, `;` or encoded slash that some servers read as a separator, so a request can't
/// climb out of the upstream's prefix. Servers that decode more than once, fold
/// compatibility characters (`．` is `.` in NFKC), trim trailing dots and spaces (Windows),
/// or read `%u002e` (IIS) see more of them; see [`safe_segment`].
fn safe_path(path: &str) -> bool {
    !path.contains(['\\', ';']) && path.split('/').all(safe_segment)
}

/// Each form a server might read a segment as (decoded up to three times, each also
/// NFKC-normalised) must be an ordinary name: valid UTF-8, no control character, no `/`,
/// `\` or `;`, no encoded dot, slash or backslash left after a decoding, no `%u` escape, and
/// not made of dots and spaces alone.
fn safe_segment(raw: &str) -> bool {
    plain_segment(raw).unwrap_or_else(|| safe_in_every_form(raw))
}

/// The common case, answered without copies: visible ASCII with no `%` or separator reads the
/// same in every form [`safe_in_every_form`] tries (no escape to decode, nothing NFKC
/// changes), so only dots alone make it unsafe. `None` for any other segment.
fn plain_segment(raw: &str) -> Option<bool> {
    raw.bytes()
        .all(|b| b.is_ascii_graphic() && !matches!(b, b'%' | b'/' | b'\\' | b';'))
        .then(|| raw.is_empty() || !raw.bytes().all(|b| b == b'.'))
}

fn safe_in_every_form(raw: &str) -> bool {
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

/// What a URL's path has percent-encoded, as a browser encodes it (WHATWG's path set):
/// clients other than browsers may send these raw, and strict servers refuse them so.
/// Bytes outside ASCII are always encoded.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// The same for a query (WHATWG's special-query set).
const QUERY: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'\'');

/// The upstream URL for `path` and `query`: the upstream's base with the path and query
/// appended as they came, with what a browser would have percent-encoded encoded. A
/// [`SafePath`] has no dot segment and no separator a server could read otherwise, which is
/// what keeps the URL below the upstream's prefix; the check after parsing only guards
/// against the parser reading the text otherwise than it was built. A query with a `#` is
/// refused rather than cut at it.
pub(super) fn target(upstream: &Upstream, path: SafePath<'_>, query: Option<&str>) -> Option<Uri> {
    let mut text = String::with_capacity(
        upstream.base.len() + path.0.len() + query.map_or(0, |q| q.len() + 1),
    );
    text.push_str(&upstream.base);
    text.extend(utf8_percent_encode(path.0, PATH));
    if let Some(query) = query {
        if query.contains('#') {
            return None;
        }
        text.push('?');
        text.extend(utf8_percent_encode(query, QUERY));
    }
    let uri = Uri::try_from(text).ok()?;
    let prefix = upstream.base_url.path().trim_end_matches('/');
    let below = match uri.path().strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || rest.starts_with('/'),
        None => false,
    };
    let authority = uri.authority().map(|a| a.as_str().as_bytes());
    let on_base = authority == Some(upstream.host.as_bytes());
    (on_base && below).then_some(uri)
}

/// Where an upstream's redirect may send the browser. A `Location` is read as the browser
/// would, against the URL that was answered: on the upstream's origin and below its path, it
/// is rewritten below `/api/{name}` (under BASE_PATH, if set); anywhere else on the upstream's host it is dropped, since
/// the browser would take a path of the upstream's for one of this service's own routes (or
/// learn where the upstream lives outside the part made reachable); on another host it goes
/// as it came. One that can't be read is dropped.
///
/// A `Location` on the service's own public origin (an upstream that builds it from
/// `X-Forwarded-Host`) stays only below `/api/{name}`; one to another host only if it is
/// http(s).
pub(super) fn relocated(
    upstream: &Upstream,
    answered: &Uri,
    public: Option<&str>,
    location: HeaderValue,
) -> Option<HeaderValue> {
    // Read as a browser reads it: against the URL answered, parsed only when a `Location`
    // came.
    let answered = reqwest::Url::parse(&answered.to_string()).ok()?;
    let url = answered.join(location.to_str().ok()?).ok()?;
    let base = &upstream.base_url;
    let host = |url: &reqwest::Url| url.host_str().map(|h| h.trim_end_matches('.').to_owned());
    let authority = url.host_str().map(|h| match url.port() {
        Some(port) => format!("{h}:{port}"),
        None => h.to_owned(),
    });
    if public.is_some() && authority.as_deref() == public {
        let own = &upstream.mount;
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
    let inside = with_query_and_fragment(format!("{}{rest}", upstream.mount), &url);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::upstreams::parse;

    #[test]
    fn a_redirect_stays_below_the_upstreams_prefix_or_is_dropped() {
        let upstream = &parse("billing=https://billing.internal/v1").unwrap()[0];
        let answered = Uri::from_static("https://billing.internal/v1/invoices/7");
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
    fn a_plain_segment_is_judged_as_every_form_would_judge_it() {
        for segment in [
            "",
            ".",
            "..",
            "...",
            "orders",
            "a.b",
            ".hidden",
            "v1.2.3",
            "~user",
            "a-b_c",
            "x..",
            "!$&'()*+,=:@",
            "%2e",
            "a%20b",
            "a;b",
            "a\\b",
            " ",
            ". .",
            "a b",
            "é",
        ] {
            if let Some(plain) = plain_segment(segment) {
                assert_eq!(plain, safe_in_every_form(segment), "{segment:?}");
            }
        }
        assert_eq!(plain_segment("orders"), Some(true));
        assert_eq!(plain_segment(".."), Some(false));
        assert_eq!(plain_segment("a%20b"), None);
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
        let path = |p| SafePath::parse(p).unwrap();
        let ok = target(upstream, path("/invoices/7"), Some("page=2")).unwrap();
        assert_eq!(ok, "https://billing.internal/v1/invoices/7?page=2");
        assert_eq!(target(upstream, path(""), None).unwrap().path(), "/v1");
        assert!(target(upstream, path("/x"), Some("a#b")).is_none());
        // What a browser would have encoded is encoded; what it sent encoded stays as it was.
        assert_eq!(
            target(
                upstream,
                path("/a{\"b\"}/caf\u{e9}/%41"),
                Some("q='x y'&r=%27")
            )
            .unwrap(),
            "https://billing.internal/v1/a%7B%22b%22%7D/caf%C3%A9/%41?q=%27x%20y%27&r=%27"
        );
        // A base without a path, or with a trailing slash.
        let bare = &parse("up=http://10.0.0.7:8080").unwrap()[0];
        assert_eq!(
            target(bare, path(""), Some("x=1")).unwrap(),
            "http://10.0.0.7:8080/?x=1"
        );
        assert_eq!(
            target(bare, path("//evil.example/x"), None).unwrap().host(),
            Some("10.0.0.7")
        );
        let slash = &parse("up=https://api.internal/v2/").unwrap()[0];
        assert_eq!(target(slash, path(""), None).unwrap().path(), "/v2");
        assert_eq!(
            target(slash, path("/a"), None).unwrap(),
            "https://api.internal/v2/a"
        );
        // None of these is a path a call can carry to the upstream.
        for escape in [
            "/../admin",
            "\\..\\admin",
            "@evil.example/x",
            "/%2e%2e/x",
            "x",
            "/a;b",
        ] {
            assert!(SafePath::parse(escape).is_none(), "{escape}");
        }
    }
}
