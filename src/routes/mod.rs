//! The HTTP surface: one module per area, each a set of thin handlers.

mod admin;
mod challenge;
mod health;
mod login;
mod me;
mod session;
mod signup;
pub mod verify;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;

use crate::challenge::CookieSettings;
use crate::cognito::Tokens;
use crate::error::ApiError;
use crate::signin::Outcome;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", post(signup::sign_up))
        .route("/signup/confirm", post(signup::confirm))
        .route("/signup/resend", post(signup::resend))
        .route("/login", post(login::login))
        .route("/challenge", post(challenge::respond))
        .route("/admin/users", post(admin::create_user))
        .route("/me", get(me::get).patch(me::update))
        .route("/token/refresh", post(session::refresh))
        .route("/logout", post(session::logout))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/openapi.yaml", get(health::openapi))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}

/// Checks a free-text field: present, not too long, no control characters.
fn check_text(field: &'static str, value: &str, max_chars: usize) -> Result<(), ApiError> {
    if value.is_empty() {
        return Err(ApiError::invalid_field(
            field,
            format!("`{field}` must not be empty"),
        ));
    }
    if value.chars().count() > max_chars {
        return Err(ApiError::invalid_field(
            field,
            format!("`{field}` must be at most {max_chars} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::invalid_field(
            field,
            format!("`{field}` must not contain control characters"),
        ));
    }
    Ok(())
}

/// Refuses a cookie-bearing request whose `Origin` is present and neither this service's own
/// origin (the same host as the request's `Host`) nor one of `ALLOWED_ORIGINS`.
fn check_origin(headers: &axum::http::HeaderMap, allowed: &[String]) -> Result<(), ApiError> {
    use axum::http::header::{HOST, ORIGIN};
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    if allowed.iter().any(|a| a == origin) {
        return Ok(());
    }
    let authority = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    let host = headers.get(HOST).and_then(|v| v.to_str().ok());
    match (authority, host) {
        (Some(authority), Some(host)) if authority.eq_ignore_ascii_case(host) => Ok(()),
        _ => Err(ApiError::OriginNotAllowed),
    }
}

/// Cognito's own limits.
const MAX_USERNAME: usize = 128;
const MAX_PASSWORD: usize = 256;
const MAX_CODE: usize = 64;

/// The body of a sign-in step: tokens, or the challenge to answer next.
#[derive(Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum SignInBody {
    Authenticated {
        tokens: Tokens,
    },
    Challenge {
        challenge: String,
        parameters: serde_json::Map<String, serde_json::Value>,
    },
}

/// Turns a sign-in outcome into a response: tokens clear the challenge cookie, a challenge
/// sets a fresh one.
fn sign_in_response(outcome: Outcome, cookies: CookieSettings, had_cookie: bool) -> Response {
    match outcome {
        Outcome::Authenticated(tokens) => {
            let mut response = (
                StatusCode::OK,
                axum::Json(SignInBody::Authenticated { tokens }),
            )
                .into_response();
            if had_cookie {
                response
                    .headers_mut()
                    .insert(axum::http::header::SET_COOKIE, cookies.clear());
            }
            no_store(response)
        }
        Outcome::Challenge {
            name,
            parameters,
            id,
            max_age_seconds,
        } => {
            let mut response = (
                StatusCode::OK,
                axum::Json(SignInBody::Challenge {
                    challenge: name,
                    parameters,
                }),
            )
                .into_response();
            response.headers_mut().insert(
                axum::http::header::SET_COOKIE,
                cookies.set(&id, max_age_seconds),
            );
            no_store(response)
        }
    }
}

/// Responses carrying tokens or challenge cookies must never be cached.
fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}
