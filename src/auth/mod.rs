//! Verifying Cognito tokens: the JWKS cache, every check, an axum extractor and a tower layer.
//!
//! This module builds without the service (`default-features = false`), so any Rust service
//! can verify the tokens this one hands out:
//!
//! ```no_run
//! use std::sync::Arc;
//! use cognito_bff::auth::{AuthUser, RequireAccessTokenLayer, Verifier, VerifierConfig};
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

pub mod extract;
pub mod jwks;
pub mod layer;
pub mod rejection;
pub mod verifier;

pub use extract::{AuthUser, bearer_token};
pub use jwks::KeySet;
pub use layer::RequireAccessTokenLayer;
pub use rejection::AuthRejection;
pub use verifier::{
    AccessClaims, IdClaims, Revocations, TokenError, TokenIdentity, Verifier, VerifierConfig,
};
