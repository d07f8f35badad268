//! The service's story, told against real parts: the HTTP API in-process on a local Cognito
//! emulator and a real store, the command-line binary, and the parsers under fuzzing. One test
//! binary, so the AWS SDK is linked once; tests that need a process of their own (the logs,
//! shutdown, replica and process-global metrics tests) are binaries of their own beside it.

#[path = "../support/mod.rs"]
mod support;

mod api_proxy;
mod bad_input;
mod base_path;
mod browser_sessions;
mod challenge;
mod cli;
mod cognito_errors;
mod devices;
mod email_mfa;
mod emulator;
mod faults;
mod federated;
mod gateway;
mod hardening;
mod iam;
mod invite_flow;
mod layout;
mod mfa;
mod next_steps;
mod oidc_peer;
mod passkeys;
mod passwordless;
mod passwords;
mod properties;
mod rotation;
mod scripted_signin;
mod session;
mod session_cache;
mod signup;
mod spa;
mod srp;
mod stolen_cookie;
mod store;
mod tokens;
mod ui;
mod user_context;
