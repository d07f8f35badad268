//! `PathId`: the one path parameter of a route, as text; anything unreadable is a 404.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;

use crate::error::ApiError;

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
