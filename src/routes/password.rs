//! Passwords: forgotten (a code by mail or SMS, then a new password) and changed while signed
//! in. Neither the forgot nor the reset answer tells whether an account exists.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::boundary::AfterChange;

use crate::cognito::{CodeDelivery, CognitoError, CognitoErrorKind};
use crate::error::ApiError;
use crate::extract::{ApiJson, Caller, IpLimitedClient, UserContext};
use crate::input::{MAX_CODE, MAX_PASSWORD, Username, check_text};
use crate::state::AppState;
use crate::vocab::NextStep;

#[derive(Deserialize)]
pub struct ForgotRequest {
    username: String,
    /// For the pool's Lambda triggers: only the keys CLIENT_METADATA_KEYS lists pass.
    #[serde(default)]
    client_metadata: Option<Map<String, Value>>,
}

#[derive(Serialize)]
pub struct ForgotResponse {
    next_step: NextStep,
    /// Only when the app client prevents user-existence errors: Cognito then reports a
    /// plausible destination for unknown users too, so showing it reveals nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    code_delivery: Option<CodeDelivery>,
}

pub async fn forgot(
    State(state): State<AppState>,
    IpLimitedClient { client, .. }: IpLimitedClient,
    UserContext(end_user): UserContext,
    ApiJson(request): ApiJson<ForgotRequest>,
) -> Result<(StatusCode, Json<ForgotResponse>), ApiError> {
    let end_user = end_user.with_metadata(
        request.client_metadata.as_ref(),
        &state.config.cognito.client_metadata_keys,
    );
    let username = Username::parse(request.username)?;
    // Kept whether or not the account exists, so the refusal tells nothing either.
    let _sent = state.limits.message(&username, &client).await?;
    let started = tokio::time::Instant::now();
    let delivery = match state
        .cognito
        .forgot_password(username.as_str(), &end_user)
        .await
    {
        Ok(delivery) => delivery,
        // Cognito never judged the request: say so, since retrying may help.
        Err(e) if e.kind.is_transient() => return Err(e.into()),
        // Unknown user, no verified address, disabled, too many codes: all look like success,
        // or the answer would tell which accounts exist.
        Err(e) => {
            tracing::info!(cognito.error = %e.kind, "password reset not started");
            None
        }
    };
    let code_delivery = if state.cognito.hides_user_existence().await {
        delivery
    } else {
        None
    };
    // Sending a code takes Cognito longer than finding no account; the floor evens that out.
    state.floor.wait_out(started).await;
    Ok((
        StatusCode::ACCEPTED,
        Json(ForgotResponse {
            next_step: NextStep::ConfirmResetPasswordWithCode,
            code_delivery,
        }),
    ))
}

#[derive(Deserialize)]
pub struct ResetRequest {
    username: String,
    code: SecretString,
    new_password: SecretString,
    /// For the pool's Lambda triggers: only the keys CLIENT_METADATA_KEYS lists pass.
    #[serde(default)]
    client_metadata: Option<Map<String, Value>>,
}

/// What a reset with a wrong or stale code says, for a known and an unknown user alike.
const WRONG_CODE: &str = "The code is wrong or has expired; request a new one if needed.";

pub async fn reset(
    State(state): State<AppState>,
    IpLimitedClient { client, .. }: IpLimitedClient,
    UserContext(end_user): UserContext,
    ApiJson(request): ApiJson<ResetRequest>,
) -> Result<Response, ApiError> {
    let end_user = end_user.with_metadata(
        request.client_metadata.as_ref(),
        &state.config.cognito.client_metadata_keys,
    );
    let username = Username::parse(request.username)?;
    check_text("code", request.code.expose_secret(), MAX_CODE)?;
    check_text(
        "new_password",
        request.new_password.expose_secret(),
        MAX_PASSWORD,
    )?;
    let attempt = state.limits.attempt(&username, &client).await?;
    let started = tokio::time::Instant::now();
    match state
        .cognito
        .confirm_forgot_password(
            username.as_str(),
            &request.code,
            &request.new_password,
            &end_user,
        )
        .await
    {
        Ok(()) => {
            attempt.give_back().await;
            // Whoever holds one of the user's sessions may be why the password was reset.
            let after = AfterChange::end_all(&state.boundary, username.as_str()).await;
            let mut body = Map::new();
            body.insert("next_step".into(), json!(NextStep::Done));
            Ok(after.answer(&state.boundary, body))
        }
        // Cognito never judged the request (unreachable, slow, throttled).
        Err(e) if e.kind.is_transient() => {
            attempt.give_back().await;
            Err(e.into())
        }
        Err(mut e) => {
            // An unknown, disabled or unconfirmed user gets the wrong-code answer, in the same
            // time. So do an expired code (Cognito says "expired" to a known user with no code
            // outstanding) and Cognito's lock-out after many wrong codes: an unknown user
            // never hears either.
            if matches!(
                e.kind,
                CognitoErrorKind::CodeMismatch
                    | CognitoErrorKind::ExpiredCode
                    | CognitoErrorKind::UserNotFound
                    | CognitoErrorKind::NotAuthorized
                    | CognitoErrorKind::UserNotConfirmed
                    | CognitoErrorKind::LimitExceeded
                    | CognitoErrorKind::TooManyFailedAttempts
            ) {
                // Operators still see Cognito's own reason.
                tracing::info!(cognito.error = %e.kind, "password reset refused");
                e = CognitoError {
                    kind: CognitoErrorKind::CodeMismatch,
                    message: Some(WRONG_CODE.into()),
                    ..e
                };
            }
            // Every refusal keeps its place in the budget, whatever Cognito's reason: giving
            // some back would let the count tell known accounts from unknown ones.
            let _refused = attempt;
            state.floor.wait_out(started).await;
            Err(e.into())
        }
    }
}

#[derive(Deserialize)]
pub struct ChangeRequest {
    previous_password: SecretString,
    proposed_password: SecretString,
}

pub async fn change(
    State(state): State<AppState>,
    IpLimitedClient { client, .. }: IpLimitedClient,
    caller: Caller,
    ApiJson(request): ApiJson<ChangeRequest>,
) -> Result<Response, ApiError> {
    // Cognito keeps no password for them: the provider does.
    if caller.federated(&state.config.cognito.user_pool_id) {
        return Err(ApiError::FederatedUser);
    }
    check_text(
        "previous_password",
        request.previous_password.expose_secret(),
        MAX_PASSWORD,
    )?;
    check_text(
        "proposed_password",
        request.proposed_password.expose_secret(),
        MAX_PASSWORD,
    )?;
    let attempt = state
        .limits
        .attempt(&Username::issued(caller.name()), &client)
        .await?;
    let started = tokio::time::Instant::now();
    match state
        .cognito
        .change_password(
            &caller.token,
            &request.previous_password,
            &request.proposed_password,
        )
        .await
    {
        Ok(()) => {
            attempt.give_back().await;
            // Cognito's ChangePassword revokes nothing: the sessions are ended here.
            let after = AfterChange::apply(&state.boundary, &caller, true, started).await?;
            Ok(after.answer(&state.boundary, Map::new()))
        }
        // Cognito names a revoked or expired access token in its reason; anything else
        // refused is the previous password, which keeps its place in the budget.
        Err(e) if e.kind == CognitoErrorKind::NotAuthorized && !mentions_token(&e) => {
            state.floor.wait_out(started).await;
            Err(ApiError::IncorrectPassword)
        }
        Err(e) => {
            attempt.give_back().await;
            Err(ApiError::token_refused(e))
        }
    }
}

/// "Access Token has been revoked", "Access Token has expired", "Invalid Access Token".
fn mentions_token(error: &CognitoError) -> bool {
    error
        .message
        .as_deref()
        .is_some_and(|m| m.contains("Access Token"))
}
