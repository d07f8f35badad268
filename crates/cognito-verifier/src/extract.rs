//! `AuthUser`: a handler that names it in its arguments only runs for a valid access token.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::rejection::AuthRejection;
use crate::verifier::{AccessClaims, VerifiedAccess, Verifier};

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

/// [`bearer_token`]'s token as the header's bytes, before they are checked to be visible ASCII:
/// the same scheme rule, the same spaces trimmed (the only whitespace a header value can
/// hold). Only for looking up tokens that passed that check when they were verified.
fn bearer_bytes(headers: &HeaderMap) -> Option<&[u8]> {
    let value = headers.get(AUTHORIZATION)?.as_bytes();
    let space = value.iter().position(|&b| b == b' ')?;
    let token = value[space + 1..].trim_ascii();
    (value[..space].eq_ignore_ascii_case(b"bearer") && !token.is_empty()).then_some(token)
}

impl Verifier {
    /// The token of the request's `Authorization: Bearer …` verified, as [`bearer_token`] then
    /// [`Verifier::verify_access_shared`] would verify it, with either refusal of
    /// [`AuthRejection`].
    ///
    /// A token verified before is found in the cache by the header's bytes, before they are
    /// checked to be visible ASCII: for a token of 1 KiB that check costs about as much as the
    /// rest of a cache hit. A hit is the same answer: the cached token passed the check when it
    /// was verified, equals these bytes exactly, and the scheme and the spaces around the token
    /// are read the same way as text. Any other token goes the whole way.
    pub async fn verify_bearer_shared(
        &self,
        headers: &HeaderMap,
    ) -> Result<Arc<VerifiedAccess>, AuthRejection> {
        let result = match bearer_bytes(headers).and_then(|token| self.cached(token)) {
            Some(cached) => cached,
            // Not in the cache as bytes, so not as text either (the same token when both read
            // one): verified the whole way, without looking it up again.
            None => {
                let token = bearer_token(headers).ok_or(AuthRejection::MissingToken)?;
                self.verify_access_missed(token).await
            }
        };
        if let Err(e) = &result {
            tracing::debug!(reason = e.code(), "access token refused");
        }
        result.map_err(|_| AuthRejection::InvalidToken)
    }
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
