//! TOTP for a signed-in user: set up an authenticator app, confirm it with a first code (it
//! then becomes the preferred MFA), or turn it off.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::answers::no_store;
use super::browser::renewed;
use crate::error::ApiError;
use crate::extract::{ApiJson, Caller, IpLimitedClient};
use crate::state::AppState;
use crate::totp::{TotpSecret, check_totp_code};

pub async fn setup(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    let secret = state
        .cognito
        .associate_software_token(&caller.token)
        .await
        .map_err(ApiError::token_refused)?;
    let body = TotpSecret::new(secret, &state.config.cognito.totp_issuer, caller.name());
    // The secret is shown once; no cache may keep it.
    Ok(no_store(Json(body).into_response()))
}

#[derive(Deserialize)]
pub struct VerifyRequest {
    code: SecretString,
}

#[derive(Serialize)]
pub struct MfaStatus {
    enabled: bool,
    preferred: bool,
}

pub async fn verify(
    State(state): State<AppState>,
    _: IpLimitedClient,
    caller: Caller,
    ApiJson(request): ApiJson<VerifyRequest>,
) -> Result<Response, ApiError> {
    let code = request.code.expose_secret();
    check_totp_code("code", code)?;
    state
        .cognito
        .verify_software_token(&caller.token, code)
        .await
        .map_err(ApiError::token_refused)?;
    // If this fails after the code was accepted, the client's retry verifies again; Cognito
    // may then call the code wrong, and a fresh /mfa/totp/setup starts over.
    state
        .cognito
        .set_totp_mfa(&caller.token, true)
        .await
        .map_err(ApiError::token_refused)?;
    let status = Json(MfaStatus {
        enabled: true,
        preferred: true,
    });
    renewed(&state, &caller, status.into_response()).await
}

pub async fn disable(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    state
        .cognito
        .set_totp_mfa(&caller.token, false)
        .await
        .map_err(ApiError::token_refused)?;
    renewed(&state, &caller, StatusCode::NO_CONTENT.into_response()).await
}
