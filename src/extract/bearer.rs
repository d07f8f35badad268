//! Bearer access tokens: one path verifies them for every route that takes one.

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use cognito_verifier::{AccessClaims, AuthRejection, Verifier, bearer_token};

use crate::config::Config;
use crate::error::ApiError;
use crate::limits::Limits;

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
pub struct Caller {
    pub claims: AccessClaims,
    pub token: String,
}

impl Caller {
    /// The user's name as the token gives it (Cognito's internal username), or its `sub`.
    pub fn name(&self) -> &str {
        self.claims.username.as_deref().unwrap_or(&self.claims.sub)
    }
}

impl<S> FromRequestParts<S> for Caller
where
    Arc<Verifier>: FromRef<S>,
    Arc<Limits>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Arc::<Verifier>::from_ref(state);
        let (claims, token) = verified_bearer(&parts.headers, &verifier).await?;
        let sign_in = claims.origin_jti.as_deref().or(claims.jti.as_deref());
        Arc::<Limits>::from_ref(state).check_user(&claims.sub, sign_in)?;
        Ok(Caller {
            token: token.to_owned(),
            claims,
        })
    }
}

/// A caller whose access token is valid and who is in ADMIN_GROUP. Checked before the body
/// is read: a public route calling an admin API would let anyone create users and send mail.
pub struct Admin(pub AccessClaims);

impl<S> FromRequestParts<S> for Admin
where
    Arc<Verifier>: FromRef<S>,
    Arc<Config>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Arc::<Verifier>::from_ref(state);
        let (claims, _) = verified_bearer(&parts.headers, &verifier).await?;
        let admin_group = &Arc::<Config>::from_ref(state).cognito.admin_group;
        if !claims.groups.iter().any(|g| g == admin_group) {
            return Err(ApiError::Forbidden);
        }
        Ok(Admin(claims))
    }
}
