//! Verifying Cognito access tokens: the JWKS cache, the checks, and the axum extractor.
//!
//! Other services can use this module to verify the same tokens this service hands out.

pub mod extract;
pub mod jwks;
pub mod verifier;

pub use extract::AuthUser;
pub use jwks::KeySet;
pub use verifier::{AccessClaims, TokenError, Verifier, VerifierConfig};
