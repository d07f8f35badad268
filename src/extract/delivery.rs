//! `SessionAsked`: a page's own request for a browser session, `X-Token-Delivery: session`.
//!
//! With TOKEN_DELIVERY=auto a browser is told apart by `Origin` or `Sec-Fetch-Site`, which
//! some CDNs strip; the sign-in pages, and any page, can say so themselves. A request may
//! ask for a session, never for tokens: a page's script must not be able to turn a browser's
//! sign-in into tokens it can read.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::ApiError;

const HEADER: &str = "x-token-delivery";

/// True when the request asked for a session.
pub struct SessionAsked(pub bool);

impl<S: Send + Sync> FromRequestParts<S> for SessionAsked {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let mut values = parts.headers.get_all(HEADER).iter();
        match (values.next(), values.next()) {
            (None, _) => Ok(SessionAsked(false)),
            (Some(value), None) if value.as_bytes().eq_ignore_ascii_case(b"session") => {
                Ok(SessionAsked(true))
            }
            _ => Err(ApiError::invalid_field(
                HEADER,
                "`X-Token-Delivery` may only be `session`: a request can ask for a browser \
                 session, never for tokens",
            )),
        }
    }
}
