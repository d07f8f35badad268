//! The route table: every path the service answers, and the handler that answers it. One
//! module per area holds the handlers, each thin: it parses the request, calls the one thing
//! that does the work, and maps the result.

mod admin;
mod challenge;
mod devices;
mod front;
mod health;
mod login;
mod logout;
mod me;
mod mfa;
mod oauth;
mod passkeys;
mod password;
mod proxy;
mod refresh;
mod sessions;
mod signup;
mod verify;

use std::sync::Arc;

use axum::Router;
use axum::handler::Handler;
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::routing::{delete, get, post};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::boundary::Boundary;
use crate::error::ApiError;
use crate::layers::Endpoint;
use crate::state::{AppState, TokenHandler};

pub use front::Front;

/// The API, behind the general layers (`layers::api`).
pub fn api() -> Router<AppState> {
    Router::new()
        .route("/signup", post(signup::sign_up))
        .route("/signup/confirm", post(signup::confirm))
        .route("/signup/resend", post(signup::resend))
        .route("/signup/auto-sign-in", post(signup::auto_sign_in))
        .route("/login", post(login::login))
        .route("/challenge", post(challenge::respond))
        .route("/challenge/totp", post(challenge::start_totp_setup))
        .route("/password/forgot", post(password::forgot))
        .route("/password/reset", post(password::reset))
        .route("/token/refresh", post(refresh::refresh))
        .route("/logout", post(logout::logout))
        .route("/oauth/start", get(oauth::start))
        .route("/oauth/callback", get(oauth::callback))
        .merge(signed_in())
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/openapi.yaml", get(health::openapi))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}

/// The routes that answer about a signed-in user: whatever they answer is that user's alone,
/// so no cache on the way (a CDN, a shared proxy) may keep it.
fn signed_in() -> Router<AppState> {
    Router::new()
        .route("/password/change", post(password::change))
        .route("/mfa/totp/setup", post(mfa::setup))
        .route("/mfa/totp/verify", post(mfa::verify))
        .route("/mfa/totp", delete(mfa::disable))
        .route(
            "/mfa/email",
            post(mfa::enable_email).delete(mfa::disable_email),
        )
        .route("/admin/users", post(admin::create_user))
        .route("/me", get(me::get).patch(me::update))
        .route("/me/devices", get(devices::list))
        .route(
            "/me/devices/{key}",
            delete(devices::forget).patch(devices::update),
        )
        .route("/me/passkeys", get(passkeys::list).post(passkeys::start))
        .route("/me/passkeys/complete", post(passkeys::complete))
        .route("/me/passkeys/{id}", delete(passkeys::remove))
        .route("/session", get(sessions::current))
        .route(
            "/sessions",
            get(sessions::list).delete(sessions::end_others),
        )
        .route("/sessions/{id}", delete(sessions::end))
        .route_layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// The token handler with its state, any method: for `layers::token_handler` to wrap and
/// [`Front`] to answer on `/api/{name}`, `/api/{name}/` and `/api/{name}/{*path}` (a
/// browser's every call to an API comes through it).
pub fn token_handler(state: TokenHandler) -> impl Endpoint {
    proxy::forward.with_state(state)
}

/// Forward-auth for gateways with its state, any method: for `layers::lean` to wrap and
/// [`Front`] to answer on `/verify` and any path below it (gateways forward the original
/// method and path).
pub fn verify(state: Arc<Boundary>) -> impl Endpoint {
    verify::verify.with_state(state)
}

/// The probes alone: at the root when the rest is under BASE_PATH.
pub fn probes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
}

/// The metrics listener: `/metrics` and nothing else.
pub fn metrics() -> Router<AppState> {
    Router::new()
        .route("/metrics", get(health::metrics))
        .fallback(|| async { ApiError::NotFound })
}
