//! The read half of the session boundary: a request turned into its caller, by a bearer
//! access token or by the session cookie with its CSRF rules. Every route that takes a
//! signed-in caller reads it here, so the same failure is the same answer everywhere.

use std::time::Duration;

use axum::http::header::{AUTHORIZATION, USER_AGENT};
use axum::http::{HeaderMap, HeaderValue, Method};
use cognito_verifier::{AccessClaims, AuthRejection, Verifier, bearer_token};

use super::csrf::check_csrf;
use super::{Boundary, CHALLENGE_HANDLE, DEVICE_HANDLE, StepRefusal, from_browser};
use crate::devices::SignInDevice;
use crate::error::ApiError;
use crate::sessions::{LiveSession, StoredSession, device_label};
use crate::signin::{SignInError, StepError};
use crate::vocab::{ChallengeId, DeviceId, OpaqueId, SessionId};

/// What the boundary reads of a request.
#[derive(Clone, Copy)]
pub struct Head<'a> {
    /// The method the CSRF rules judge: the request's own, or (at `/verify`) the original
    /// request's.
    pub method: &'a Method,
    pub headers: &'a HeaderMap,
    /// The peer is trusted to say which scheme the browser used (`X-Forwarded-Proto`).
    pub via_trusted_proxy: bool,
}

/// The session cookie as it came, read once.
pub enum SessionCookie {
    None,
    One(SessionId),
    /// Two of its name: one was planted. Neither is used.
    Planted,
}

impl SessionCookie {
    /// A session cookie came (well-formed, or two of them): the checks that come before a
    /// session is looked up, such as CSRF, key off this.
    pub fn came(&self) -> bool {
        !matches!(self, SessionCookie::None)
    }
}

/// Whether reading the session counts as activity, restarting its idle timer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Touch {
    Yes,
    /// Not now: the route decides (a poll of `GET /session`, a call still to be checked).
    No,
}

/// A verified caller together with its raw access token, for calls made on its behalf.
pub struct Caller {
    pub claims: AccessClaims,
    pub token: String,
    /// The browser session the request was made with, if it came with the cookie.
    pub session: Option<LiveSession>,
}

impl Caller {
    fn of_session(session: LiveSession) -> Caller {
        Caller {
            claims: session.claims().clone(),
            token: session.access_token().to_owned(),
            session: Some(session),
        }
    }

    /// The user's name as the token gives it (Cognito's internal username), or its `sub`.
    pub fn name(&self) -> &str {
        self.claims.username.as_deref().unwrap_or(&self.claims.sub)
    }

    /// The sign-in the access token belongs to: its `origin_jti`, or a lone token's `jti`.
    pub fn sign_in(&self) -> Option<&str> {
        self.claims
            .origin_jti
            .as_deref()
            .or(self.claims.jti.as_deref())
    }

    /// When the user last proved who they are (seconds): the browser session's sign-in, or the
    /// access token's `auth_time`, which a refresh keeps.
    pub fn signed_in_at(&self) -> Option<i64> {
        match &self.session {
            Some(session) => Some(session.stored.auth_time),
            None => self.claims.auth_time,
        }
    }

    /// The user signs in through an identity provider, and has no password at the pool: a
    /// browser session started by a federated sign-in, or an access token of a user in the
    /// group Cognito puts every federated user in (`{user pool id}_{provider}`), such as a
    /// native app's own code flow hands out.
    pub fn federated(&self, user_pool_id: &str) -> bool {
        if self.session.as_ref().is_some_and(|s| s.stored.federated()) {
            return true;
        }
        let prefix = format!("{user_pool_id}_");
        self.claims.groups.iter().any(|g| g.starts_with(&prefix))
    }

    /// `RecentSignInRequired` unless the user proved who they are within `bound`.
    pub fn require_recent_sign_in(&self, bound: Duration) -> Result<(), ApiError> {
        let oldest = crate::clock::now_seconds() - bound.as_secs() as i64;
        match self.signed_in_at() {
            Some(at) if at >= oldest => Ok(()),
            _ => Err(ApiError::RecentSignInRequired),
        }
    }
}

impl Boundary {
    /// The session cookie of a request, read once.
    pub fn session_cookie(&self, headers: &HeaderMap) -> SessionCookie {
        match self.session_cookies.read::<SessionId>(headers) {
            Ok(None) => SessionCookie::None,
            Ok(Some(id)) => SessionCookie::One(id),
            Err(_) => SessionCookie::Planted,
        }
    }

    /// The caller: the bearer token when an `Authorization` header came, else the session
    /// cookie's session (see [`Boundary::session`]). Neither: `missing_token`.
    pub async fn caller(&self, head: Head<'_>, touch: Touch) -> Result<Caller, ApiError> {
        if !head.headers.contains_key(AUTHORIZATION) {
            let cookie = self.session_cookie(head.headers);
            if cookie.came() {
                return self.session(head, cookie, touch).await;
            }
        }
        let (claims, token) = verified_bearer(head.headers, &self.verifier).await?;
        Ok(Caller {
            token: token.to_owned(),
            claims,
            session: None,
        })
    }

    /// The live session `cookie` names, as a caller: the CSRF rules first (a forged request
    /// must not even refresh the session), then the session, its access token refreshed if
    /// it is about to expire, and its idle timer restarted unless `touch` says not now. No
    /// cookie, or one naming no live session: `no_session`.
    pub async fn session(
        &self,
        head: Head<'_>,
        cookie: SessionCookie,
        touch: Touch,
    ) -> Result<Caller, ApiError> {
        Ok(Caller::of_session(
            self.live_session(head, cookie, touch).await?,
        ))
    }

    /// As [`Boundary::session`], the session itself: for `/verify`, which needs no copy of
    /// the claims.
    pub async fn live_session(
        &self,
        head: Head<'_>,
        cookie: SessionCookie,
        touch: Touch,
    ) -> Result<LiveSession, ApiError> {
        let id = self.session_id(head, &cookie)?.ok_or(ApiError::NoSession)?;
        let session = self.sessions.authenticate(id).await?;
        if touch == Touch::Yes {
            self.sessions.touch(&session).await?;
        }
        Ok(session)
    }

    /// The one id the session cookie names, once the CSRF rules pass: they are checked
    /// whenever a session cookie came, even two of them, before anything is looked up.
    fn session_id<'c>(
        &self,
        head: Head<'_>,
        cookie: &'c SessionCookie,
    ) -> Result<Option<&'c SessionId>, ApiError> {
        if cookie.came() {
            check_csrf(
                head.method,
                head.headers,
                &self.config.http,
                head.via_trusted_proxy,
            )?;
        }
        Ok(match cookie {
            SessionCookie::One(id) => Some(id),
            SessionCookie::None | SessionCookie::Planted => None,
        })
    }

    /// The request's cookie names a stored session (for a page choosing where to send the
    /// browser; nothing is refreshed or touched, and a page that acts reads the caller).
    pub async fn has_session(&self, headers: &HeaderMap) -> bool {
        match self.session_cookie(headers) {
            SessionCookie::One(id) => self.sessions.stored(&id).await.is_ok(),
            _ => false,
        }
    }

    /// Restarts the idle timer of a session read without.
    pub async fn touch_session(&self, session: &LiveSession) -> Result<(), ApiError> {
        Ok(self.sessions.touch(session).await?)
    }

    /// Restarts the idle timer of the caller's session, if it came with one.
    pub async fn touch(&self, caller: &Caller) -> Result<(), ApiError> {
        match &caller.session {
            Some(session) => self.touch_session(session).await,
            None => Ok(()),
        }
    }

    /// The session `cookie` names as it is stored, to end it: the CSRF rules first, then
    /// nothing refreshed or touched. `None` when there is none to end.
    pub async fn stored_session(
        &self,
        head: Head<'_>,
        cookie: &SessionCookie,
    ) -> Result<Option<StoredSession>, ApiError> {
        let Some(id) = self.session_id(head, cookie)? else {
            return Ok(None);
        };
        match self.sessions.stored(id).await {
            Ok(stored) => Ok(Some(stored)),
            Err(crate::sessions::SessionError::NoSession) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

/// The pending challenge of a sign-in under way: by the `Challenge-Handle` a client without a
/// cookie jar carries, or by the challenge cookie.
impl Boundary {
    /// The challenge the `Challenge-Handle` header or else the cookie names, and whether a cookie
    /// came; two cookies of its name end the challenge and are refused.
    pub fn pending_challenge(
        &self,
        headers: &HeaderMap,
    ) -> Result<(Option<ChallengeId>, bool), StepRefusal> {
        let cookie = self.challenge_cookies.read(headers);
        // A page script can't read the handle (browsers never get it) and a page on another site
        // can't send the header without a preflight, so it needs no origin check of its own.
        if let Some(handle) = headers.get(CHALLENGE_HANDLE) {
            let id = handle.to_str().ok().and_then(ChallengeId::parse);
            return Ok((id, matches!(cookie, Ok(Some(_)))));
        }
        match cookie {
            Ok(id) => {
                let had_cookie = id.is_some();
                Ok((id, had_cookie))
            }
            // Neither cookie is used, and the one this service set is cleared: signing in again
            // starts clean.
            Err(_duplicate) => Err(StepRefusal::new(
                StepError::ended(SignInError::DuplicateChallengeCookie),
                &self.challenge_cookies,
                true,
            )),
        }
    }

    /// The device a sign-in comes from: the one `Device-Handle` or the device cookie names
    /// (anything else reads as a new device), what to call a new one, and whether to remember
    /// it.
    pub async fn sign_in_device(&self, headers: &HeaderMap, remember: bool) -> SignInDevice {
        let agent = headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        // A browser by its browser and system; an app by the first word of its agent
        // ("MyApp/2.1"), which is what its user would recognise.
        let name = if from_browser(headers) {
            device_label(agent)
        } else {
            agent
                .split_whitespace()
                .next()
                .filter(|word| word.len() <= 64)
                .unwrap_or("App")
                .to_owned()
        };
        SignInDevice {
            known: self.devices.find(self.device_id(headers).as_ref()).await,
            remember,
            name,
        }
    }

    /// The id of the request's device: `Device-Handle`, else the device cookie. Two device
    /// cookies (one planted) name none.
    pub fn device_id(&self, headers: &HeaderMap) -> Option<DeviceId> {
        if let Some(handle) = headers.get(DEVICE_HANDLE) {
            return handle.to_str().ok().and_then(DeviceId::parse);
        }
        self.device_cookies.read(headers).ok().flatten()
    }

    /// Cognito's key for the device the caller's request comes from: the browser session's
    /// own, or the one the request's handle or cookie names if it is the caller's.
    pub async fn current_device_key(&self, caller: &Caller, headers: &HeaderMap) -> Option<String> {
        if let Some(session) = &caller.session {
            return session.stored.tokens.device_key.clone();
        }
        let device = self.devices.find(self.device_id(headers).as_ref()).await?;
        let username = caller.claims.username.as_deref()?;
        device.serves(username).then(|| device.key().to_owned())
    }

    /// After the user forgot device `key` at Cognito: if the request comes from it, it is
    /// dropped here too, and the `Set-Cookie` that clears a browser's device cookie returned.
    pub async fn drop_device(&self, headers: &HeaderMap, key: &str) -> Option<HeaderValue> {
        let device = self.devices.find(self.device_id(headers).as_ref()).await?;
        if device.key() != key {
            return None;
        }
        self.devices.forget(&device).await;
        matches!(self.device_cookies.read::<DeviceId>(headers), Ok(Some(_)))
            .then(|| self.device_cookies.clear())
    }

    /// A challenge cookie came (one, or two of its name): a sign-in that ends
    /// clears it.
    pub fn challenge_cookie_came(&self, headers: &HeaderMap) -> bool {
        !matches!(
            self.challenge_cookies.read::<ChallengeId>(headers),
            Ok(None)
        )
    }
}

/// The request's bearer access token and its verified claims: signature, expiry, issuer,
/// client, `token_use`, and not signed out.
pub async fn verified_bearer<'h>(
    headers: &'h HeaderMap,
    verifier: &Verifier,
) -> Result<(AccessClaims, &'h str), AuthRejection> {
    let token = bearer_token(headers).ok_or(AuthRejection::MissingToken)?;
    let claims = verifier
        .verify_access(token)
        .await
        .map_err(|_| AuthRejection::InvalidToken)?;
    Ok((claims, token))
}
