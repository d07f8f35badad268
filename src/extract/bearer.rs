//! Who is calling: a bearer access token, or a browser's session cookie. One path verifies
//! either for every route that takes a signed-in caller.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use cognito_verifier::{AccessClaims, AuthRejection, Verifier, bearer_token};

use crate::boundary::csrf::check_csrf;
use crate::browser::{BrowserSessions, LiveSession};
use crate::config::Config;
use crate::error::ApiError;
use crate::limits::Limits;

use super::client::resolve;

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

/// A verified caller together with its raw access token, for Cognito calls made on its behalf.
/// Each one counts against RATE_LIMIT_PER_USER, each sign-in at most half: a loop of calls on
/// one token must not run up SMS bills or the account's Cognito quota.
///
/// A request with no `Authorization` header may instead carry the session cookie; the
/// session's access token then stands in, and a request that changes anything must pass the
/// CSRF checks (`X-CSRF: 1`, and an `Origin` the service serves).
pub struct Caller {
    pub claims: AccessClaims,
    pub token: String,
    /// The browser session the request was made with, if it came with the cookie.
    pub session: Option<LiveSession>,
}

impl Caller {
    /// The user's name as the token gives it (Cognito's internal username), or its `sub`.
    pub fn name(&self) -> &str {
        self.claims.username.as_deref().unwrap_or(&self.claims.sub)
    }

    /// When the user last proved who they are (seconds): the browser session's sign-in, or the
    /// access token's `auth_time`, which a refresh keeps.
    pub fn signed_in_at(&self) -> Option<i64> {
        match &self.session {
            Some(session) => Some(session.stored.auth_time),
            None => self.claims.auth_time,
        }
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

impl<S> FromRequestParts<S> for Caller
where
    Arc<Verifier>: FromRef<S>,
    Arc<Limits>: FromRef<S>,
    Arc<Config>: FromRef<S>,
    BrowserSessions: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let caller = signed_in(parts, state).await?;
        let sign_in = caller
            .claims
            .origin_jti
            .as_deref()
            .or(caller.claims.jti.as_deref());
        Arc::<Limits>::from_ref(state).check_user(&caller.claims.sub, sign_in)?;
        if let Some(session) = &caller.session {
            BrowserSessions::from_ref(state).touch(session).await?;
        }
        Ok(caller)
    }
}

/// The bearer token when an `Authorization` header came, else the session cookie.
async fn signed_in<S>(parts: &Parts, state: &S) -> Result<Caller, ApiError>
where
    Arc<Verifier>: FromRef<S>,
    Arc<Limits>: FromRef<S>,
    Arc<Config>: FromRef<S>,
    BrowserSessions: FromRef<S>,
{
    let sessions = BrowserSessions::from_ref(state);
    if !parts
        .headers
        .contains_key(axum::http::header::AUTHORIZATION)
        && sessions.has_cookie(&parts.headers)
    {
        // Before the session is looked up: a forged request must not even refresh it.
        let config = Arc::<Config>::from_ref(state);
        let (_, via_trusted_proxy) = resolve(parts, &Arc::<Limits>::from_ref(state));
        check_csrf(
            &parts.method,
            &parts.headers,
            &config.http,
            via_trusted_proxy,
        )?;
        if let Some(session) = sessions.authenticate(&parts.headers).await? {
            return Ok(Caller {
                claims: session.claims.clone(),
                token: session.access_token().to_owned(),
                session: Some(session),
            });
        }
    }
    let verifier = Arc::<Verifier>::from_ref(state);
    let (claims, token) = verified_bearer(&parts.headers, &verifier).await?;
    Ok(Caller {
        token: token.to_owned(),
        claims,
        session: None,
    })
}

/// A [`Caller`] who proved who they are within RECENT_SIGN_IN_SECONDS, for a change that
/// could take the account over (a new authenticator, MFA turned off): a page's script or a
/// stolen cookie can't make one with a session signed in long ago. A token without
/// `auth_time` is never recent.
pub struct RecentCaller(pub Caller);

impl<S> FromRequestParts<S> for RecentCaller
where
    Arc<Verifier>: FromRef<S>,
    Arc<Limits>: FromRef<S>,
    Arc<Config>: FromRef<S>,
    BrowserSessions: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.require_recent_sign_in(Arc::<Config>::from_ref(state).sessions.recent_sign_in)?;
        Ok(RecentCaller(caller))
    }
}

/// A caller whose access token is valid and who is in ADMIN_GROUP. Checked before the body
/// is read: a public route calling an admin API would let anyone create users and send mail.
pub struct Admin(pub AccessClaims);

impl<S> FromRequestParts<S> for Admin
where
    Arc<Verifier>: FromRef<S>,
    Arc<Limits>: FromRef<S>,
    Arc<Config>: FromRef<S>,
    BrowserSessions: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let caller = signed_in(parts, state).await?;
        if let Some(session) = &caller.session {
            BrowserSessions::from_ref(state).touch(session).await?;
        }
        let claims = caller.claims;
        let admin_group = &Arc::<Config>::from_ref(state).cognito.admin_group;
        if !claims.groups.iter().any(|g| g == admin_group) {
            return Err(ApiError::Forbidden);
        }
        Ok(Admin(claims))
    }
}
