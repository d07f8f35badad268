//! `AuthUser`: a handler that names it in its arguments only runs for a valid access token.

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::verifier::{AccessClaims, Verifier};
use crate::error::ApiError;

/// The verified claims of the request's bearer access token.
#[derive(Debug, Clone)]
pub struct AuthUser(pub AccessClaims);

/// The token from `Authorization: Bearer <token>`; the scheme is case-insensitive.
pub fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
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
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts).ok_or(ApiError::MissingToken)?;
        let verifier = Arc::<Verifier>::from_ref(state);
        let claims = verifier
            .verify_access(token)
            .await
            .map_err(|_| ApiError::InvalidToken)?;
        Ok(AuthUser(claims))
    }
}
