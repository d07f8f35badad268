//! The HTTP surface: one module per area, each a set of thin handlers.

mod admin;
mod challenge;
mod health;
mod login;
mod me;
mod mfa;
mod password;
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
        .route("/challenge/totp", post(challenge::start_totp_setup))
        .route("/password/forgot", post(password::forgot))
        .route("/password/reset", post(password::reset))
        .route("/password/change", post(password::change))
        .route("/mfa/totp/setup", post(mfa::setup))
        .route("/mfa/totp/verify", post(mfa::verify))
        .route("/mfa/totp", axum::routing::delete(mfa::disable))
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

/// The body of a sign-in step: tokens, or the challenge to answer next. `next_step` is what
/// the client does next; `challenge` keeps Cognito's own name for it.
#[derive(Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum SignInBody {
    Authenticated {
        next_step: &'static str,
        tokens: Tokens,
    },
    Challenge {
        next_step: &'static str,
        challenge: String,
        parameters: serde_json::Map<String, serde_json::Value>,
    },
}

/// Turns a sign-in outcome into a response: tokens clear the challenge cookie, a challenge
/// sets a fresh one.
fn sign_in_response(outcome: Outcome, cookies: CookieSettings, had_cookie: bool) -> Response {
    let (body, cookie) = sign_in_body(outcome, &cookies, had_cookie);
    with_cookie((StatusCode::OK, axum::Json(body)).into_response(), cookie)
}

/// The body of a sign-in step and the cookie header that goes with it, if any.
fn sign_in_body(
    outcome: Outcome,
    cookies: &CookieSettings,
    had_cookie: bool,
) -> (SignInBody, Option<axum::http::HeaderValue>) {
    match outcome {
        Outcome::Authenticated(tokens) => (
            SignInBody::Authenticated {
                next_step: crate::signin::DONE,
                tokens,
            },
            had_cookie.then(|| cookies.clear()),
        ),
        Outcome::Challenge {
            name,
            next_step,
            parameters,
            id,
            max_age_seconds,
        } => (
            SignInBody::Challenge {
                next_step,
                challenge: name,
                parameters,
            },
            Some(cookies.set(&id, max_age_seconds)),
        ),
    }
}

/// Sets (or clears) the challenge cookie on a sign-in response, which is never cached.
fn with_cookie(mut response: Response, cookie: Option<axum::http::HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response
            .headers_mut()
            .insert(axum::http::header::SET_COOKIE, cookie);
    }
    no_store(response)
}

/// Responses carrying tokens or challenge cookies must never be cached.
fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}
