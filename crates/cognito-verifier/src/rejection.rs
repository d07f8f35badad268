//! What a request without a valid bearer token gets: 401 problem+json with
//! `WWW-Authenticate`, never a redirect. The reason stays in the debug log.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::problem::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthRejection {
    #[error("a bearer access token is required")]
    MissingToken,
    #[error("the bearer token is not valid")]
    InvalidToken,
    /// A route asked for `AuthUser` without the layer or the verifier extension: a wiring
    /// mistake, answered as an opaque 500.
    #[error("internal error")]
    NoVerifier,
}

impl AuthRejection {
    pub fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            AuthRejection::MissingToken => {
                (StatusCode::UNAUTHORIZED, "missing_token", "Unauthorized")
            }
            AuthRejection::InvalidToken => {
                (StatusCode::UNAUTHORIZED, "invalid_token", "Unauthorized")
            }
            AuthRejection::NoVerifier => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "Internal server error",
            ),
        }
    }
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        let (status, code, title) = self.parts();
        let mut response = Problem::new(status, code, title, self.to_string()).into_response();
        // RFC 6750: no error code when no credentials were sent at all.
        let challenge = match self {
            AuthRejection::MissingToken => "Bearer",
            AuthRejection::InvalidToken => "Bearer error=\"invalid_token\"",
            AuthRejection::NoVerifier => {
                tracing::error!(
                    "AuthUser used without RequireAccessTokenLayer or a verifier extension"
                );
                return response;
            }
        };
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(challenge),
        );
        response
    }
}
