//! The challenge cookie: the only thing the client holds while a challenge is pending.

use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, SameSite};

use super::id::ChallengeId;

/// With `Secure`, the `__Host-` prefix makes browsers refuse the cookie unless it is host-only,
/// secure and scoped to `/`, so no subdomain can plant or read it.
const SECURE_NAME: &str = "__Host-cognito-bff-challenge";
/// Plain-http development cannot use the prefix.
const INSECURE_NAME: &str = "cognito-bff-challenge";

#[derive(Debug, Clone, Copy)]
pub struct CookieSettings {
    pub secure: bool,
}

impl CookieSettings {
    fn name(&self) -> &'static str {
        if self.secure {
            SECURE_NAME
        } else {
            INSECURE_NAME
        }
    }

    fn build<'a>(&self, value: &'a str, max_age_seconds: i64) -> Cookie<'a> {
        Cookie::build((self.name(), value))
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Strict)
            .path("/")
            .max_age(cookie::time::Duration::seconds(max_age_seconds.max(0)))
            .build()
    }

    /// `Set-Cookie` for a new pending challenge, living as long as the challenge.
    pub fn set(&self, id: &ChallengeId, max_age_seconds: i64) -> HeaderValue {
        header_value(&self.build(id.expose(), max_age_seconds))
    }

    /// `Set-Cookie` that removes the cookie.
    pub fn clear(&self) -> HeaderValue {
        header_value(&self.build("", 0))
    }

    /// The challenge id from the request's cookies. A malformed value counts as none. Two
    /// cookies of this name mean one was planted (by a sibling domain, or over plain http):
    /// neither is picked.
    pub fn read(&self, headers: &HeaderMap) -> Result<Option<ChallengeId>, DuplicateCookie> {
        // Read lossily: a planted cookie with a byte that isn't text must not hide ours.
        let lines: Vec<String> = headers
            .get_all(header::COOKIE)
            .iter()
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .collect();
        let mut ours = lines
            .iter()
            .flat_map(|line| Cookie::split_parse(line.as_str()))
            .filter_map(Result::ok)
            .filter(|c| c.name() == self.name());
        match (ours.next(), ours.next()) {
            (Some(_), Some(_)) => Err(DuplicateCookie),
            (cookie, _) => Ok(cookie.and_then(|c| ChallengeId::parse(c.value()))),
        }
    }
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

    #[test]
    fn secure_cookie_has_every_attribute() {
        let id = ChallengeId::generate().unwrap();
        let header = CookieSettings { secure: true }.set(&id, 180);
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
    fn insecure_cookie_drops_secure_and_prefix() {
        let id = ChallengeId::generate().unwrap();
        let text = CookieSettings { secure: false }.set(&id, 60);
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
        let secure = CookieSettings { secure: true };
        assert_eq!(secure.read(&headers).unwrap().unwrap().hash(), id.hash());
        assert!(
            CookieSettings { secure: false }
                .read(&headers)
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
        let read = CookieSettings { secure: false }.read(&headers).unwrap();
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
            CookieSettings { secure: false }.read(&headers).err(),
            Some(DuplicateCookie)
        );
    }
}
