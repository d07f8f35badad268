//! MFA for a signed-in user. TOTP: set up an authenticator app, confirm it with a first code
//! (it then becomes the preferred MFA), or turn it off. Email: turn it on (preferred as asked,
//! else only when no other MFA is) or off; the codes go to the account's verified address.

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Map, json};

use crate::boundary::{AfterChange, no_store};
use crate::error::ApiError;
use crate::extract::{ApiJson, Caller, IpLimitedClient, OptionalJson, RecentCaller};
use crate::state::AppState;
use crate::totp::{TotpSecret, check_totp_code};

/// A new authenticator could take the account over: only after a recent sign-in.
pub async fn setup(
    State(state): State<AppState>,
    RecentCaller(caller): RecentCaller,
) -> Result<Response, ApiError> {
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

/// `{"enabled": …, "preferred": …}`.
fn status(enabled: bool) -> Map<String, serde_json::Value> {
    preference(enabled, enabled)
}

fn preference(enabled: bool, preferred: bool) -> Map<String, serde_json::Value> {
    let mut body = Map::new();
    body.insert("enabled".into(), json!(enabled));
    body.insert("preferred".into(), json!(preferred));
    body
}

pub async fn verify(
    State(state): State<AppState>,
    _: IpLimitedClient,
    caller: Caller,
    ApiJson(request): ApiJson<VerifyRequest>,
) -> Result<Response, ApiError> {
    let started = tokio::time::Instant::now();
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
    let after = AfterChange::apply(&state.boundary, &caller, false, started).await?;
    Ok(after.answer(&state.boundary, status(true)))
}

/// Turning MFA off leaves a password alone between a thief and the account: only after a
/// recent sign-in, and the user's other sessions end.
pub async fn disable(
    State(state): State<AppState>,
    RecentCaller(caller): RecentCaller,
) -> Result<Response, ApiError> {
    let started = tokio::time::Instant::now();
    state
        .cognito
        .set_totp_mfa(&caller.token, false)
        .await
        .map_err(ApiError::token_refused)?;
    let after = AfterChange::apply(&state.boundary, &caller, true, started).await?;
    Ok(after.answer(&state.boundary, status(false)))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct EmailRequest {
    /// Whether Cognito asks for email first when the user has other MFA too. Unsaid: only
    /// when no other MFA is preferred.
    preferred: Option<bool>,
}

/// Codes sent to the account's (verified) address become a second factor. As with a new
/// authenticator, only after a recent sign-in: whoever turns it on decides what every later
/// sign-in needs. Made preferred in place of another MFA (TOTP, say), it lowers what a
/// sign-in asks for, so the user's other sessions end, as when MFA is turned off.
pub async fn enable_email(
    State(state): State<AppState>,
    RecentCaller(caller): RecentCaller,
    OptionalJson(request): OptionalJson<EmailRequest>,
) -> Result<Response, ApiError> {
    let started = tokio::time::Instant::now();
    let on = state
        .cognito
        .enable_email_mfa(&caller.token, request.preferred)
        .await
        .map_err(ApiError::token_refused)?;
    let after = AfterChange::apply(&state.boundary, &caller, on.demoted, started).await?;
    Ok(after.answer(&state.boundary, preference(true, on.preferred)))
}

/// As `DELETE /mfa/totp`: only after a recent sign-in, and the user's other sessions end.
pub async fn disable_email(
    State(state): State<AppState>,
    RecentCaller(caller): RecentCaller,
) -> Result<Response, ApiError> {
    let started = tokio::time::Instant::now();
    state
        .cognito
        .set_email_mfa(&caller.token, false, false)
        .await
        .map_err(ApiError::token_refused)?;
    let after = AfterChange::apply(&state.boundary, &caller, true, started).await?;
    Ok(after.answer(&state.boundary, status(false)))
}
