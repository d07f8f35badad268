//! Self sign-up: register (with a password, or without one where the pool signs users in by
//! a code), confirm with the mailed code, resend the code, and the sign-in a confirmation
//! earns under choice-based sign-in.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::attributes;
use crate::boundary::csrf::check_origin;
use crate::boundary::{Asker, StepRefusal, no_store, with_headers};
use crate::cognito::CodeDelivery;
use crate::error::ApiError;
use crate::extract::{ApiJson, IpLimitedClient, SessionAsked, UserContext};
use crate::input::{MAX_CODE, MAX_PASSWORD, Username, check_text};
use crate::signin::AUTO_SIGN_IN;
use crate::state::AppState;
use crate::vocab::{AuthFlow, NextStep};

#[derive(Deserialize)]
pub struct SignUpRequest {
    username: String,
    /// Left out for a passwordless account, where the pool allows one.
    #[serde(default)]
    password: Option<SecretString>,
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
    if let Some(password) = &request.password {
        check_text("password", password.expose_secret(), MAX_PASSWORD)?;
    }
    let attributes = attributes::to_cognito(&request.attributes)?;
    state
        .config
        .cognito
        .writable_attributes
        .check(&attributes)?;
    // Cognito mails or texts a code to a new account; a refused sign-up sends none.
    let message = state.limits.message(&username, &client).await?;
    let result = match state
        .cognito
        .sign_up(
            username.as_str(),
            request.password.as_ref(),
            attributes,
            &end_user,
        )
        .await
    {
        Ok(result) => result,
        Err(e) => {
            message.give_back().await;
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

/// Confirms the account. Under choice-based sign-in Cognito answers a Session that signs the
/// user in: it is kept on the server behind a challenge cookie (or `Challenge-Handle`), and
/// the answer says `COMPLETE_AUTO_SIGN_IN`, which `POST /signup/auto-sign-in` finishes.
pub async fn confirm(
    State(state): State<AppState>,
    IpLimitedClient {
        client,
        via_trusted_proxy,
    }: IpLimitedClient,
    UserContext(end_user): UserContext,
    SessionAsked(session_asked): SessionAsked,
    headers: HeaderMap,
    ApiJson(request): ApiJson<ConfirmRequest>,
) -> Result<Response, ApiError> {
    // It may set a challenge cookie (auto sign-in): the same origin rule as /challenge.
    check_origin(&headers, &state.config.http, via_trusted_proxy)?;
    let end_user = end_user.with_metadata(
        request.client_metadata.as_ref(),
        &state.config.cognito.client_metadata_keys,
    );
    let username = Username::parse(request.username)?;
    check_text("code", request.code.expose_secret(), MAX_CODE)?;
    let attempt = state.limits.attempt(&username, &client).await?;
    let session = match state
        .cognito
        .confirm_sign_up(username.as_str(), &request.code, &end_user)
        .await
    {
        Ok(session) => session,
        Err(e) => {
            // A refused code keeps its place in the budget; Cognito not answering doesn't.
            if e.kind.is_transient() {
                attempt.give_back().await;
            }
            return Err(e.into());
        }
    };
    attempt.give_back().await;
    let done = Json(ConfirmResponse {
        confirmed: true,
        next_step: NextStep::Done,
    });
    let Some(session) = session.filter(|_| state.signin.flow() == AuthFlow::UserAuth) else {
        return Ok(no_store(done.into_response()));
    };
    // Confirmed either way: if the sign-in can't be kept, the user signs in as usual.
    let outcome = match state.signin.after_sign_up(&username, session).await {
        Ok(outcome) => outcome,
        Err(e) => {
            tracing::warn!(error = %e, "cannot keep a sign-up's sign-in");
            return Ok(no_store(done.into_response()));
        }
    };
    let asker = Asker {
        boundary: &state.boundary,
        headers: &headers,
        client: &client,
        had_cookie: false,
        session_asked,
    };
    let (_, answer_headers) = asker.step(outcome).await?;
    let body = Json(ConfirmResponse {
        confirmed: true,
        next_step: NextStep::CompleteAutoSignIn,
    });
    Ok(with_headers(body.into_response(), answer_headers))
}

#[derive(Deserialize, Default)]
pub struct AutoSignInRequest {
    /// Remember this device once signed in, where the pool tracks devices.
    #[serde(default)]
    remember_device: bool,
}

/// Finishes the sign-in a confirmed sign-up earned (`COMPLETE_AUTO_SIGN_IN`): the cookie or
/// `Challenge-Handle` from the confirmation names it. Answered as any sign-in step.
pub async fn auto_sign_in(
    State(state): State<AppState>,
    caller: IpLimitedClient,
    UserContext(end_user): UserContext,
    SessionAsked(session_asked): SessionAsked,
    headers: HeaderMap,
    ApiJson(request): ApiJson<AutoSignInRequest>,
) -> Result<Response, StepRefusal> {
    check_origin(&headers, &state.config.http, caller.via_trusted_proxy)?;
    let (id, had_cookie) = state.boundary.pending_challenge(&headers)?;
    let device = state
        .boundary
        .sign_in_device(&headers, request.remember_device)
        .await;
    let outcome = state
        .signin
        .respond(
            id,
            Some(AUTO_SIGN_IN),
            &Map::new(),
            &caller.client,
            &end_user,
            &device,
        )
        .await
        .map_err(|refusal| {
            StepRefusal::new(refusal, &state.boundary.challenge_cookies, had_cookie)
        })?;
    let asker = Asker {
        boundary: &state.boundary,
        headers: &headers,
        client: &caller.client,
        had_cookie,
        session_asked,
    };
    Ok(asker.answer(outcome).await?)
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
    let _sent = state.limits.message(&username, &client).await?;
    let code_delivery = state
        .cognito
        .resend_confirmation_code(username.as_str(), &end_user)
        .await?;
    Ok(Json(ResendResponse { code_delivery }))
}
