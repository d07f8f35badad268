//! Who gets tokens and who gets a session (TOKEN_DELIVERY).
//!
//! The signal for `auto` is `Sec-Fetch-Site` or `Origin`. Browsers send `Sec-Fetch-Site` with
//! every request to an https (or localhost) origin, and `Origin` with every POST; both are
//! forbidden header names, so page scripts can neither set nor remove them. A script therefore
//! can't make a browser request look like a native app's to be handed tokens, and a proxy in
//! front that drops one of the two still passes the other. A client that is not a browser may
//! send either; it then gets a session, which costs it nothing but the tokens it asked to do
//! without.

use axum::http::HeaderMap;

/// The setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenDelivery {
    /// Browsers (requests with `Sec-Fetch-Site` or `Origin`) get a session; everyone else,
    /// tokens.
    Auto,
    /// Every sign-in ends in a session; no token is ever in an answer.
    Session,
    /// Every sign-in answers with tokens in the body.
    Body,
}

/// What one request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Session,
    Body,
}

impl TokenDelivery {
    pub fn for_request(self, headers: &HeaderMap) -> Delivery {
        match self {
            TokenDelivery::Session => Delivery::Session,
            TokenDelivery::Body => Delivery::Body,
            TokenDelivery::Auto if from_browser(headers) => Delivery::Session,
            TokenDelivery::Auto => Delivery::Body,
        }
    }
}

/// The request came from a browser's fetch machinery.
pub fn from_browser(headers: &HeaderMap) -> bool {
    headers.contains_key("sec-fetch-site") || headers.contains_key(axum::http::header::ORIGIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn auto_gives_browsers_a_session_and_others_tokens() {
        let browser = headers(&[("sec-fetch-site", "same-origin")]);
        let app = headers(&[("user-agent", "MyApp/1.0")]);
        assert_eq!(TokenDelivery::Auto.for_request(&browser), Delivery::Session);
        assert_eq!(TokenDelivery::Auto.for_request(&app), Delivery::Body);
        // Behind a proxy that drops Sec-Fetch-Site, a browser's POST still has Origin.
        let stripped = headers(&[("origin", "https://app.example.com")]);
        assert_eq!(
            TokenDelivery::Auto.for_request(&stripped),
            Delivery::Session
        );
    }

    #[test]
    fn a_fixed_setting_ignores_the_signal() {
        let browser = headers(&[("sec-fetch-site", "same-origin")]);
        assert_eq!(TokenDelivery::Body.for_request(&browser), Delivery::Body);
        assert_eq!(
            TokenDelivery::Session.for_request(&HeaderMap::new()),
            Delivery::Session
        );
    }
}
