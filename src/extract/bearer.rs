//! Who is calling, as a handler argument: the session boundary reads a bearer access token or
//! a browser's session cookie (`boundary::Boundary::caller`); these only put it in the
//! handler's hands.

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use cognito_verifier::AccessClaims;

use crate::boundary::{Boundary, Caller, Head, Touch};
use crate::error::ApiError;
use crate::limits::Limits;

use super::client::resolve;

/// The caller as the boundary reads it.
async fn read<S>(parts: &Parts, state: &S, touch: Touch) -> Result<Caller, ApiError>
where
    Arc<Boundary>: FromRef<S>,
    Arc<Limits>: FromRef<S>,
{
    let (_, via_trusted_proxy) = resolve(parts, &Arc::<Limits>::from_ref(state));
    let head = Head {
        method: &parts.method,
        headers: &parts.headers,
        via_trusted_proxy,
    };
    Arc::<Boundary>::from_ref(state).caller(head, touch).await
}

/// A verified caller together with its raw access token, for Cognito calls made on its behalf.
/// Each one counts against RATE_LIMIT_PER_USER, each sign-in at most half: a loop of calls on
/// one token must not run up SMS bills or the account's Cognito quota.
///
/// A request with no `Authorization` header may instead carry the session cookie; the
/// session's access token then stands in, and a request that changes anything must pass the
/// CSRF checks (`X-CSRF: 1`, and an `Origin` the service serves).
impl<S> FromRequestParts<S> for Caller
where
    Arc<Boundary>: FromRef<S>,
    Arc<Limits>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // The limit before the touch: a refused call is no activity.
        let caller = read(parts, state, Touch::No).await?;
        Arc::<Limits>::from_ref(state)
            .check_user(&caller.claims.sub, caller.sign_in())
            .await?;
        Arc::<Boundary>::from_ref(state).touch(&caller).await?;
        Ok(caller)
    }
}

/// A [`Caller`] who proved who they are within RECENT_SIGN_IN_SECONDS, for a change that
/// could take the account over (a new authenticator, MFA turned off): a page's script or a
/// stolen cookie can't make one with a session signed in long ago. A token without
/// `auth_time` is never recent.
pub struct RecentCaller(pub Caller);

impl<S> FromRequestParts<S> for RecentCaller
where
    Arc<Boundary>: FromRef<S>,
    Arc<Limits>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let boundary = Arc::<Boundary>::from_ref(state);
        caller.require_recent_sign_in(boundary.config.sessions.recent_sign_in)?;
        Ok(RecentCaller(caller))
    }
}

/// A caller whose access token is valid and who is in ADMIN_GROUP. Checked before the body
/// is read: a public route calling an admin API would let anyone create users and send mail.
pub struct Admin(pub AccessClaims);

impl<S> FromRequestParts<S> for Admin
where
    Arc<Boundary>: FromRef<S>,
    Arc<Limits>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let claims = read(parts, state, Touch::Yes).await?.claims;
        let admin_group = &Arc::<Boundary>::from_ref(state).config.cognito.admin_group;
        if !claims.groups.iter().any(|g| g == admin_group) {
            return Err(ApiError::Forbidden);
        }
        Ok(Admin(claims))
    }
}
