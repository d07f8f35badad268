//! `PathId`: the one path parameter of a route, as text; `PathCredentialId`: a passkey's, as
//! its type. Anything unreadable is a 404.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::vocab::CredentialId;

/// Ids this service hands out are short; a longer one names nothing.
const MAX_ID: usize = 64;

pub struct PathId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound)?;
        match params.iter().next() {
            Some((_, value)) if !value.is_empty() && value.len() <= MAX_ID => {
                Ok(PathId(value.to_owned()))
            }
            _ => Err(ApiError::NotFound),
        }
    }
}

/// A passkey's credential id in the path (`/me/passkeys/{id}`): longer than the ids this
/// service hands out, up to WebAuthn's 1023 bytes, so it is parsed into its own type here.
pub struct PathCredentialId(pub CredentialId);

impl<S: Send + Sync> FromRequestParts<S> for PathCredentialId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::NotFound)?;
        params
            .iter()
            .next()
            .and_then(|(_, value)| CredentialId::parse(value))
            .map(PathCredentialId)
            .ok_or(ApiError::NotFound)
    }
}
