//! `POST /login`: password sign-in, answered with tokens or a challenge cookie.

use axum::extract::State;
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
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    check_text("username", &request.username, MAX_USERNAME)?;
    state.limits.check_username(&request.username)?;
    check_text("password", request.password.expose_secret(), MAX_PASSWORD)?;
    let outcome = state
        .signin
        .login(&request.username, &request.password)
        .await?;
    Ok(sign_in_response(outcome, state.cookies, false))
}
