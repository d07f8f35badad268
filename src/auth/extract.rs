//! `AuthUser`: a handler that names it in its arguments only runs for a valid access token.

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::rejection::AuthRejection;
use super::verifier::{AccessClaims, Verifier};

/// The verified claims of the request's bearer access token.
#[derive(Debug, Clone)]
pub struct AuthUser(pub AccessClaims);

/// The token from `Authorization: Bearer <token>`. The scheme is required and matched
/// case-insensitively.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

impl<S> FromRequestParts<S> for AuthUser
where
    Arc<Verifier>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // Already verified by `RequireAccessTokenLayer`.
        if let Some(claims) = parts.extensions.get::<AccessClaims>() {
            return Ok(AuthUser(claims.clone()));
        }
        let token = bearer_token(&parts.headers).ok_or(AuthRejection::MissingToken)?;
        let verifier = Arc::<Verifier>::from_ref(state);
        let claims = verifier
            .verify_access(token)
            .await
            .map_err(|_| AuthRejection::InvalidToken)?;
        Ok(AuthUser(claims))
    }
}
