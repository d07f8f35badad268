//! `AuthUser`: a handler that names it in its arguments only runs for a valid access token.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::rejection::AuthRejection;
use crate::verifier::{AccessClaims, Verifier};

/// The verified claims of the request's bearer access token.
///
/// Works behind `RequireAccessTokenLayer` (which has verified the token already), or with the
/// verifier provided as `axum::Extension(Arc<Verifier>)`, whatever the router's state.
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
    S: Send + Sync,
{
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        // Already verified by `RequireAccessTokenLayer`.
        if let Some(claims) = parts.extensions.get::<AccessClaims>() {
            return Ok(AuthUser(claims.clone()));
        }
        let verifier = parts
            .extensions
            .get::<Arc<Verifier>>()
            .cloned()
            .ok_or(AuthRejection::NoVerifier)?;
        let token = bearer_token(&parts.headers).ok_or(AuthRejection::MissingToken)?;
        let claims = verifier
            .verify_access(token)
            .await
            .map_err(|_| AuthRejection::InvalidToken)?;
        Ok(AuthUser(claims))
    }
}
