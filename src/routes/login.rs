//! `POST /login`: password sign-in, answered with tokens or a challenge cookie.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::{MAX_PASSWORD, MAX_USERNAME, check_text, sign_in_response};
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::limits::Throttled;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct LoginRequest {
    username: String,
    password: SecretString,
}

pub async fn login(
    State(state): State<AppState>,
    _: Throttled,
    headers: HeaderMap,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    check_text("username", &request.username, MAX_USERNAME)?;
    state.limits.check_username(&request.username)?;
    check_text("password", request.password.expose_secret(), MAX_PASSWORD)?;
    let outcome = state
        .signin
        .login(&request.username, &request.password)
        .await?;
    // A new sign-in supersedes a challenge cookie left from an earlier one.
    let had_cookie = state.cookies.read(&headers).is_some();
    Ok(sign_in_response(outcome, state.cookies, had_cookie))
}
