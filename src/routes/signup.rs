//! Self sign-up: register, confirm with the mailed code, resend the code.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::attributes;
use crate::cognito::CodeDelivery;
use crate::error::ApiError;
use crate::extract::{ApiJson, IpLimitedClient, UserContext};
use crate::input::{MAX_CODE, MAX_PASSWORD, Username, check_text};
use crate::state::AppState;
use crate::vocab::NextStep;

#[derive(Deserialize)]
pub struct SignUpRequest {
    username: String,
    password: SecretString,
    #[serde(default)]
    attributes: Map<String, Value>,
    /// For the pool's Lambda triggers: only the keys CLIENT_METADATA_KEYS lists pass.
    #[serde(default)]
    client_metadata: Option<Map<String, Value>>,
}

#[derive(Serialize)]
pub struct SignUpResponse {
    user_sub: String,
    confirmed: bool,
    next_step: NextStep,
    code_delivery: Option<CodeDelivery>,
}

pub async fn sign_up(
    State(state): State<AppState>,
    IpLimitedClient { client, .. }: IpLimitedClient,
    UserContext(end_user): UserContext,
    ApiJson(request): ApiJson<SignUpRequest>,
) -> Result<(StatusCode, Json<SignUpResponse>), ApiError> {
    let end_user = end_user.with_metadata(
        request.client_metadata.as_ref(),
        &state.config.cognito.client_metadata_keys,
    );
    let username = Username::parse(request.username)?;
    check_text("password", request.password.expose_secret(), MAX_PASSWORD)?;
    let attributes = attributes::to_cognito(&request.attributes)?;
    state
        .config
        .cognito
        .writable_attributes
        .check(&attributes)?;
    // Cognito mails or texts a code to a new account; a refused sign-up sends none.
    let message = state.limits.message(&username, &client)?;
    let result = match state
        .cognito
        .sign_up(username.as_str(), &request.password, attributes, &end_user)
        .await
    {
        Ok(result) => result,
        Err(e) => {
            message.give_back();
            return Err(e.into());
        }
    };
    Ok((
        StatusCode::CREATED,
        Json(SignUpResponse {
            user_sub: result.user_sub,
            confirmed: result.confirmed,
            next_step: if result.confirmed {
                NextStep::Done
            } else {
                NextStep::ConfirmSignUp
            },
            code_delivery: result.code_delivery,
        }),
    ))
}

#[derive(Deserialize)]
pub struct ConfirmRequest {
    username: String,
    code: SecretString,
    /// For the pool's Lambda triggers: only the keys CLIENT_METADATA_KEYS lists pass.
    #[serde(default)]
    client_metadata: Option<Map<String, Value>>,
}

#[derive(Serialize)]
pub struct ConfirmResponse {
    confirmed: bool,
    next_step: NextStep,
}

pub async fn confirm(
    State(state): State<AppState>,
    IpLimitedClient { client, .. }: IpLimitedClient,
    UserContext(end_user): UserContext,
    ApiJson(request): ApiJson<ConfirmRequest>,
) -> Result<Json<ConfirmResponse>, ApiError> {
    let end_user = end_user.with_metadata(
        request.client_metadata.as_ref(),
        &state.config.cognito.client_metadata_keys,
    );
    let username = Username::parse(request.username)?;
    check_text("code", request.code.expose_secret(), MAX_CODE)?;
    let attempt = state.limits.attempt(&username, &client)?;
    if let Err(e) = state
        .cognito
        .confirm_sign_up(username.as_str(), &request.code, &end_user)
        .await
    {
        // A refused code keeps its place in the budget; Cognito not answering doesn't.
        if e.kind.is_transient() {
            attempt.give_back();
        }
        return Err(e.into());
    }
    attempt.give_back();
    Ok(Json(ConfirmResponse {
        confirmed: true,
        next_step: NextStep::Done,
    }))
}

#[derive(Deserialize)]
pub struct ResendRequest {
    username: String,
    /// For the pool's Lambda triggers: only the keys CLIENT_METADATA_KEYS lists pass.
    #[serde(default)]
    client_metadata: Option<Map<String, Value>>,
}

#[derive(Serialize)]
pub struct ResendResponse {
    code_delivery: Option<CodeDelivery>,
}

pub async fn resend(
    State(state): State<AppState>,
    IpLimitedClient { client, .. }: IpLimitedClient,
    UserContext(end_user): UserContext,
    ApiJson(request): ApiJson<ResendRequest>,
) -> Result<Json<ResendResponse>, ApiError> {
    let end_user = end_user.with_metadata(
        request.client_metadata.as_ref(),
        &state.config.cognito.client_metadata_keys,
    );
    let username = Username::parse(request.username)?;
    // Kept whatever Cognito answers: giving it back only for unknown names would tell them
    // apart.
    let _sent = state.limits.message(&username, &client)?;
    let code_delivery = state
        .cognito
        .resend_confirmation_code(username.as_str(), &end_user)
        .await?;
    Ok(Json(ResendResponse { code_delivery }))
}
