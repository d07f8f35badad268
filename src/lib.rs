//! cognito-bff: AWS Cognito sign-up and sign-in behind a small REST API, with every Cognito
//! challenge session kept on the server.

pub mod attributes;
pub mod auth;
pub mod challenge;
pub mod cognito;
pub mod config;
pub mod db;
pub mod error;
pub mod json;
pub mod request_id;
pub mod routes;
pub mod signin;
pub mod startup;
pub mod state;
pub mod telemetry;
