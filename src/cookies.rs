//! The service's cookies, the only things a browser holds: the pending challenge's, while a
//! sign-in is under way; a federated sign-in's, while the browser is at the pool's domain; the
//! browser session's, once it is done; and, where the user pool tracks devices, the device's,
//! which outlives them all. All are opaque ids, HttpOnly, host-only and scoped to `/`, or to
//! BASE_PATH when the service is mounted under one.

use std::borrow::Cow;

use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, SameSite};

use crate::vocab::OpaqueId;

/// With `Secure`, the `__Host-` prefix makes browsers refuse a cookie unless it is host-only,
/// secure and scoped to `/`, so no subdomain can plant or read it. Plain-http development
/// cannot use the prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Challenge,
    Session,
    Device,
    Flow,
}

#[derive(Debug, Clone, Copy)]
pub struct CookieSettings {
    pub secure: bool,
    kind: Kind,
    same_site: SameSite,
    /// `/`, or BASE_PATH. Under a base path the `__Host-` prefix (which demands `Path=/`)
    /// gives way to `__Secure-`: the cookie then never goes to the app's own paths on the
    /// shared origin, but a sibling subdomain could plant one of the same name; two of a
    /// name are refused (see [`CookieSettings::read`]).
    path: &'static str,
}

impl CookieSettings {
    /// The pending challenge's cookie: always `SameSite=Strict`.
    pub fn challenge(secure: bool) -> Self {
        CookieSettings {
            secure,
            kind: Kind::Challenge,
            same_site: SameSite::Strict,
            path: "/",
        }
    }

    /// The browser session's cookie: `SameSite=Strict`, or `Lax` where sign-in starts from
    /// another site (SESSION_SAME_SITE).
    pub fn session(secure: bool, lax: bool) -> Self {
        CookieSettings {
            secure,
            kind: Kind::Session,
            same_site: if lax { SameSite::Lax } else { SameSite::Strict },
            path: "/",
        }
    }

    /// A federated sign-in's cookie: `SameSite=Lax`, because it must come back with the
    /// callback, a top-level navigation that the pool's domain (another site) starts; `Strict`
    /// would leave it behind and every callback would look foreign. `Lax` still keeps it off
    /// any cross-site request but a top-level GET, and the callback it names is single use.
    pub fn flow(secure: bool) -> Self {
        CookieSettings {
            secure,
            kind: Kind::Flow,
            same_site: SameSite::Lax,
            path: "/",
        }
    }

    /// The device's cookie: `SameSite=Strict`, only ever needed by the sign-in calls.
    pub fn device(secure: bool) -> Self {
        CookieSettings {
            secure,
            kind: Kind::Device,
            same_site: SameSite::Strict,
            path: "/",
        }
    }

    /// The same cookie scoped to `base` (BASE_PATH; empty: the root). Called once at start-up.
    pub fn under(self, base: &str) -> Self {
        if base.is_empty() {
            return self;
        }
        CookieSettings {
            path: Box::leak(base.to_owned().into_boxed_str()),
            ..self
        }
    }

    pub fn name(&self) -> &'static str {
        let prefix = match (self.secure, self.path) {
            (false, _) => 0,
            (true, "/") => 1,
            (true, _) => 2,
        };
        let names = match self.kind {
            Kind::Challenge => [
                "cognito-bff-challenge",
                "__Host-cognito-bff-challenge",
                "__Secure-cognito-bff-challenge",
            ],
            Kind::Session => [
                "cognito-bff-session",
                "__Host-cognito-bff-session",
                "__Secure-cognito-bff-session",
            ],
            Kind::Device => [
                "cognito-bff-device",
                "__Host-cognito-bff-device",
                "__Secure-cognito-bff-device",
            ],
            Kind::Flow => [
                "cognito-bff-oauth",
                "__Host-cognito-bff-oauth",
                "__Secure-cognito-bff-oauth",
            ],
        };
        names[prefix]
    }

    fn build<'a>(&self, value: &'a str, max_age_seconds: i64) -> Cookie<'a> {
        Cookie::build((self.name(), value))
            .http_only(true)
            .secure(self.secure)
            .same_site(self.same_site)
            .path(self.path)
            .max_age(cookie::time::Duration::seconds(max_age_seconds.max(0)))
            .build()
    }

    /// `Set-Cookie` for a new id, living `max_age_seconds`.
    pub fn set(&self, id: &impl OpaqueId, max_age_seconds: i64) -> HeaderValue {
        header_value(&self.build(id.expose(), max_age_seconds))
    }

    /// `Set-Cookie` that removes the cookie.
    pub fn clear(&self) -> HeaderValue {
        header_value(&self.build("", 0))
    }

    /// The id from the request's cookies. A malformed value counts as none. Two
    /// cookies of this name mean one was planted (by a sibling domain, or over plain http):
    /// neither is picked.
    pub fn read<Id: OpaqueId>(&self, headers: &HeaderMap) -> Result<Option<Id>, DuplicateCookie> {
        // Read lossily: a planted cookie with a byte that isn't text must not hide ours.
        // Borrowed, not copied, when the line is text (as nearly every line is).
        let lines: Vec<Cow<'_, str>> = headers
            .get_all(header::COOKIE)
            .iter()
            .map(|value| match std::str::from_utf8(value.as_bytes()) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(value.as_bytes()),
            })
            .collect();
        let mut ours = lines
            .iter()
            .flat_map(|line| values_named(line, self.name()));
        match (ours.next(), ours.next()) {
            (Some(_), Some(_)) => Err(DuplicateCookie),
            (value, _) => Ok(value.and_then(Id::parse)),
        }
    }
}

/// The values of the cookies named `name` in one `Cookie` line, read as the `cookie` crate's
/// `Cookie::split_parse` reads them (pairs split at `;`, then at the first `=`, name and value
/// trimmed, pairs without `=` or with an empty name skipped; a value's quotes kept), without
/// building a cookie for every pair: every call through a signed-in page reads this line.
fn values_named<'a>(line: &'a str, name: &'a str) -> impl Iterator<Item = &'a str> {
    line.split(';').filter_map(move |pair| {
        let (key, value) = pair.split_once('=')?;
        (key.trim() == name).then(|| value.trim())
    })
}

/// More than one challenge cookie arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuplicateCookie;

fn header_value(cookie: &Cookie<'_>) -> HeaderValue {
    // Names and base64url values are always valid header text.
    HeaderValue::from_str(&cookie.to_string()).expect("cookie is valid header text")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{ChallengeId, FlowId, SessionId};

    #[test]
    fn a_cookie_line_is_read_as_the_cookie_crate_reads_it() {
        let name = "cognito-bff-session";
        for line in [
            "cognito-bff-session=abc",
            " cognito-bff-session = abc ; other=1",
            "a=1;cognito-bff-session=abc;cognito-bff-session=def",
            "cognito-bff-session=\"abc\"",
            "cognito-bff-session",
            "=abc; ;;  ; cognito-bff-session=",
            "cognito-bff-session=a=b",
            "Cognito-Bff-Session=abc",
            "x=1; cognito-bff-session\t=\tabc\t",
            "cognito-bff-session=한글; k=v",
            "",
        ] {
            let ours: Vec<&str> = values_named(line, name).collect();
            let crates: Vec<String> = Cookie::split_parse(line)
                .filter_map(Result::ok)
                .filter(|c| c.name() == name)
                .map(|c| c.value().to_owned())
                .collect();
            assert_eq!(ours, crates, "{line:?}");
        }
    }

    #[test]
    fn secure_cookie_has_every_attribute() {
        let id = ChallengeId::generate().unwrap();
        let header = CookieSettings::challenge(true).set(&id, 180);
        let text = header.to_str().unwrap();
        assert!(text.starts_with(&format!("__Host-cognito-bff-challenge={}", id.expose())));
        for attribute in [
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
            "Path=/",
            "Max-Age=180",
        ] {
            assert!(text.contains(attribute), "{text} lacks {attribute}");
        }
        assert!(!text.contains("Domain"));
    }

    #[test]
    fn session_cookie_has_its_own_name_and_may_be_lax() {
        let id = SessionId::generate().unwrap();
        let strict = CookieSettings::session(true, false).set(&id, 60);
        let strict = strict.to_str().unwrap();
        assert!(strict.starts_with("__Host-cognito-bff-session="));
        assert!(strict.contains("SameSite=Strict") && strict.contains("HttpOnly"));
        let lax = CookieSettings::session(true, true).set(&id, 60);
        assert!(lax.to_str().unwrap().contains("SameSite=Lax"));
    }

    #[test]
    fn the_flow_cookie_is_lax_to_come_back_from_the_pools_domain() {
        let id = FlowId::generate().unwrap();
        let header = CookieSettings::flow(true).set(&id, 600);
        let text = header.to_str().unwrap();
        assert!(text.starts_with(&format!("__Host-cognito-bff-oauth={}", id.expose())));
        for attribute in [
            "HttpOnly",
            "Secure",
            "SameSite=Lax",
            "Path=/",
            "Max-Age=600",
        ] {
            assert!(text.contains(attribute), "{text} lacks {attribute}");
        }
        assert!(!text.contains("Domain"));
        let cleared = CookieSettings::flow(true).clear();
        assert!(cleared.to_str().unwrap().contains("Max-Age=0"));
    }

    #[test]
    fn under_a_base_path_the_cookie_is_scoped_to_it_and_loses_the_host_prefix() {
        let id = SessionId::generate().unwrap();
        let text = CookieSettings::session(true, false)
            .under("/auth")
            .set(&id, 60);
        let text = text.to_str().unwrap();
        assert!(text.starts_with("__Secure-cognito-bff-session="), "{text}");
        assert!(
            text.contains("Path=/auth") && text.contains("Secure"),
            "{text}"
        );
        let root = CookieSettings::session(true, false).under("");
        assert_eq!(root.name(), "__Host-cognito-bff-session");
        let plain = CookieSettings::challenge(false).under("/auth");
        assert_eq!(plain.name(), "cognito-bff-challenge");
    }

    #[test]
    fn insecure_cookie_drops_secure_and_prefix() {
        let id = ChallengeId::generate().unwrap();
        let text = CookieSettings::challenge(false).set(&id, 60);
        let text = text.to_str().unwrap();
        assert!(text.starts_with("cognito-bff-challenge="));
        assert!(!text.contains("Secure"));
    }

    #[test]
    fn reads_only_its_own_cookie() {
        let id = ChallengeId::generate().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            format!("other=1; __Host-cognito-bff-challenge={}", id.expose())
                .parse()
                .unwrap(),
        );
        let secure = CookieSettings::challenge(true);
        assert_eq!(
            secure
                .read::<ChallengeId>(&headers)
                .unwrap()
                .unwrap()
                .hash(),
            id.hash()
        );
        assert!(
            CookieSettings::challenge(false)
                .read::<ChallengeId>(&headers)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_cookie_that_isnt_text_does_not_hide_ours() {
        let id = ChallengeId::generate().unwrap();
        let mut line = b"planted=\xff\xfe; ".to_vec();
        line.extend_from_slice(format!("cognito-bff-challenge={}", id.expose()).as_bytes());
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_bytes(&line).unwrap());
        let read = CookieSettings::challenge(false)
            .read::<ChallengeId>(&headers)
            .unwrap();
        assert_eq!(read.unwrap().hash(), id.hash());
    }

    #[test]
    fn two_cookies_of_its_name_are_refused_not_picked() {
        let (a, b) = (
            ChallengeId::generate().unwrap(),
            ChallengeId::generate().unwrap(),
        );
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            format!("cognito-bff-challenge={}", a.expose())
                .parse()
                .unwrap(),
        );
        headers.append(
            header::COOKIE,
            format!("x=1; cognito-bff-challenge={}", b.expose())
                .parse()
                .unwrap(),
        );
        assert_eq!(
            CookieSettings::challenge(false)
                .read::<ChallengeId>(&headers)
                .err(),
            Some(DuplicateCookie)
        );
    }
}
