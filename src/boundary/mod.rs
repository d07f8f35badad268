//! The session boundary: where a request becomes a caller, and where a sign-in ends and a
//! sign-out happens. Everything that reads a bearer token, the session cookie or its CSRF
//! rules, and everything that starts or ends a session for a client, goes through here.

mod change;
pub mod csrf;
mod federated;
mod read;
mod refresh;
mod sign_in;
mod sign_out;

pub use change::AfterChange;
pub use read::{Caller, Head, SessionCookie, Touch, verified_bearer};
pub use refresh::RefreshRequest;
pub use sign_in::{
    AnswerHeaders, Asker, CHALLENGE_HANDLE, DEVICE_HANDLE, SignInBody, SignedIn, StepRefusal,
    no_store, with_headers,
};
pub use sign_out::LogoutRequest;

use std::sync::Arc;

use axum::http::HeaderMap;
use cognito_verifier::Verifier;

use crate::cognito::Cognito;
use crate::config::Config;
use crate::cookies::CookieSettings;
use crate::devices::Devices;
use crate::oauth::Federation;
use crate::revocation::{RefreshIndex, RevocationList};
use crate::sessions::BrowserSessions;

/// What the boundary works with, built once at start-up and shared by the API's routes and
/// `/verify`.
pub struct Boundary {
    pub config: Arc<Config>,
    pub sessions: BrowserSessions,
    pub verifier: Arc<Verifier>,
    pub cognito: Cognito,
    pub revocations: Arc<RevocationList>,
    pub refresh_tokens: Arc<RefreshIndex>,
    /// The browser session's cookie.
    pub session_cookies: CookieSettings,
    /// The pending challenge's cookie.
    pub challenge_cookies: CookieSettings,
    /// Devices confirmed for users, where the pool tracks devices.
    pub devices: Devices,
    /// The device's cookie.
    pub device_cookies: CookieSettings,
    /// Federated sign-in through the pool's domain, when COGNITO_DOMAIN is set.
    pub federation: Option<Arc<Federation>>,
    /// A federated sign-in's cookie, while the browser is at the pool's domain.
    pub flow_cookies: CookieSettings,
}

/// The request came from a browser's fetch machinery.
///
/// The signal is `Sec-Fetch-Site` or `Origin`. Browsers send `Sec-Fetch-Site` with every
/// request to an https (or localhost) origin, and `Origin` with every POST; both are forbidden
/// header names, so page scripts can neither set nor remove them. A script therefore can't
/// make a browser request look like a native app's to be handed tokens, and a proxy in front
/// that drops one of the two still passes the other. A client that is not a browser may send
/// either; it then gets a session, which costs it nothing but the tokens it asked to do
/// without.
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
    fn browsers_are_told_by_sec_fetch_site_or_origin() {
        assert!(from_browser(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(!from_browser(&headers(&[("user-agent", "MyApp/1.0")])));
        // Behind a proxy that drops Sec-Fetch-Site, a browser's POST still has Origin.
        assert!(from_browser(&headers(&[(
            "origin",
            "https://app.example.com"
        )])));
    }
}
