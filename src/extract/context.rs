//! What Cognito's threat protection learns of the caller (`UserContextData`).

use std::sync::Arc;

use axum::extract::{FromRef, FromRequestParts};
use axum::http::HeaderName;
use axum::http::request::Parts;

use crate::cognito::EndUser;
use crate::error::ApiError;
use crate::limits::{ClientAddr, Limits};

use super::client::resolve;

/// Where a page puts what Cognito's browser collector gathered (its `EncodedData`).
pub const USER_CONTEXT_DATA: HeaderName = HeaderName::from_static("x-user-context-data");

/// The collector's output is a few KiB of base64; anything longer is not its.
const MAX_ENCODED_DATA: usize = 8 * 1024;

/// The caller as Cognito's threat protection should see it: the client's address as the
/// limits derive it (a trusted proxy's `X-Forwarded-For`, else the peer), never a proxy's
/// own; and `X-User-Context-Data`, checked as text and bounded. A header that fails the
/// check is `400 invalid_request`, before anything reaches Cognito. The handler adds the
/// body's `client_metadata` (`EndUser::with_metadata`).
pub struct UserContext(pub EndUser);

impl<S> FromRequestParts<S> for UserContext
where
    Arc<Limits>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let (client, _) = resolve(parts, &Arc::<Limits>::from_ref(state));
        let ip_address = match client {
            ClientAddr::Ip(ip) => Some(ip.to_canonical().to_string()),
            // A trusted proxy named the client with something that is not an address.
            ClientAddr::Named(_) => None,
        };
        let encoded_data = match parts.headers.get(&USER_CONTEXT_DATA) {
            None => None,
            Some(value)
                if !value.is_empty()
                    && value.len() <= MAX_ENCODED_DATA
                    && value.as_bytes().iter().all(u8::is_ascii_graphic) =>
            {
                Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
            }
            Some(_) => {
                return Err(ApiError::invalid_field(
                    USER_CONTEXT_DATA.as_str(),
                    format!(
                        "`{USER_CONTEXT_DATA}` must be 1 to {MAX_ENCODED_DATA} visible ASCII \
                         characters, as Cognito's collector gives them"
                    ),
                ));
            }
        };
        Ok(UserContext(EndUser {
            ip_address,
            encoded_data,
            ..EndUser::default()
        }))
    }
}
