//! Verifying AWS Cognito tokens: the JWKS cache, every check, an axum extractor and a tower
//! layer, with no AWS SDK and no database, so any Rust service can check the access tokens
//! cognito-bff hands out with one dependency line:
//!
//! ```toml
//! cognito-verifier = { git = "…", package = "cognito-verifier" }
//! ```
//!
//! ```no_run
//! use std::sync::Arc;
//! use cognito_verifier::{AuthUser, RequireAccessTokenLayer, Verifier, VerifierConfig};
//!
//! let verifier = Arc::new(Verifier::new(VerifierConfig::for_pool(
//!     "eu-west-1_AbC123xyz",
//!     vec!["my-app-client-id".into()],
//! )));
//! let app: axum::Router = axum::Router::new()
//!     .route("/hello", axum::routing::get(|AuthUser(claims): AuthUser| async move {
//!         format!("hello {}", claims.sub)
//!     }))
//!     .layer(RequireAccessTokenLayer::new(verifier));
//! ```
//!
//! Without the layer, add the verifier as `axum::Extension(verifier)` and `AuthUser` verifies
//! the token itself; routes without `AuthUser` then stay public. See `examples/`.
//!
//! Refusals are RFC 9457 problem+json ([`problem`]) carrying the request's id
//! ([`request_id`]), the same shape cognito-bff answers every error with.

pub mod extract;
pub mod jwks;
pub mod layer;
pub mod problem;
pub mod rejection;
pub mod request_id;
pub mod verifier;

pub use extract::{AuthUser, bearer_token};
pub use jwks::KeySet;
pub use layer::RequireAccessTokenLayer;
pub use problem::Problem;
pub use rejection::AuthRejection;
pub use verifier::{
    AccessClaims, IdClaims, Revocations, TokenError, TokenIdentity, VerifiedAccess, Verifier,
    VerifierConfig,
};
