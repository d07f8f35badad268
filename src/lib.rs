//! cognito-bff: AWS Cognito sign-up and sign-in behind a small REST API, with every Cognito
//! challenge session kept on the server. The token verifier it uses is its own crate,
//! `cognito-verifier`, for other services that check the same tokens.
//!
//! `docs/architecture.md` names each module's job and follows one request through them.

pub mod attributes;
pub mod boundary;
pub mod challenge;
pub mod clock;
pub mod cognito;
pub mod config;
pub mod cookies;
pub mod db;
pub mod devices;
pub mod error;
pub mod extract;
pub mod failure_floor;
pub mod input;
pub mod layers;
pub mod limits;
pub mod oauth;
pub mod prometheus;
pub mod request_id;
pub mod revocation;
pub mod routes;
pub mod sessions;
pub mod shutdown;
pub mod signin;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod totp;
pub mod ui;
pub mod upstreams;
pub mod vocab;
pub mod workers;
