//! cognito-bff: AWS Cognito sign-up and sign-in behind a small REST API, with every Cognito
//! challenge session kept on the server.
//!
//! With the default `server` feature this is the whole service. Without it, only [`auth`] is
//! built: the Cognito token verifier, its axum extractor and its tower layer, for other
//! services that check the same tokens.

pub mod auth;
pub mod problem;
pub mod request_id;

#[cfg(feature = "server")]
pub mod attributes;
#[cfg(feature = "server")]
pub mod challenge;
#[cfg(feature = "server")]
pub mod cognito;
#[cfg(feature = "server")]
pub mod config;
#[cfg(feature = "server")]
pub mod db;
#[cfg(feature = "server")]
pub mod error;
#[cfg(feature = "server")]
pub mod json;
#[cfg(feature = "server")]
pub mod limits;
#[cfg(feature = "server")]
pub mod prometheus;
#[cfg(feature = "server")]
pub mod revocation;
#[cfg(feature = "server")]
pub mod routes;
#[cfg(feature = "server")]
pub mod signin;
#[cfg(feature = "server")]
pub mod startup;
#[cfg(feature = "server")]
pub mod state;
#[cfg(feature = "server")]
pub mod telemetry;
#[cfg(feature = "server")]
pub mod totp;
