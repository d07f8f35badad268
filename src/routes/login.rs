//! `POST /login`: a sign-in by password, or (choice-based) by a code or a passkey, answered
//! with tokens, a browser session or a challenge.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::boundary::Asker;
use crate::error::ApiError;
use crate::extract::{ApiJson, IpLimitedClient, SessionAsked, UserContext};
use crate::input::{InvalidInput, MAX_PASSWORD, Username, check_text};
use crate::signin::Start;
use crate::state::AppState;
use crate::vocab::FirstFactor;

#[derive(Deserialize)]
pub struct LoginRequest {
    username: String,
    #[serde(default)]
    password: Option<SecretString>,
    /// Choice-based sign-in: the first factor wanted (PASSWORD, PASSWORD_SRP, EMAIL_OTP,
    /// SMS_OTP or WEB_AUTHN).
    #[serde(default)]
    preferred_challenge: Option<String>,
    /// For the pool's Lambda triggers: only the keys CLIENT_METADATA_KEYS lists pass.
    #[serde(default)]
    client_metadata: Option<Map<String, Value>>,
    /// Remember this device once signed in, where the pool tracks devices.
    #[serde(default)]
    remember_device: bool,
}

pub async fn login(
    State(state): State<AppState>,
    IpLimitedClient { client, .. }: IpLimitedClient,
    UserContext(end_user): UserContext,
    SessionAsked(session_asked): SessionAsked,
    headers: HeaderMap,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let end_user = end_user.with_metadata(
        request.client_metadata.as_ref(),
        &state.config.cognito.client_metadata_keys,
    );
    let username = Username::parse(request.username)?;
    if let Some(password) = &request.password {
        check_text("password", password.expose_secret(), MAX_PASSWORD)?;
    }
    let preferred = request
        .preferred_challenge
        .as_deref()
        .map(|name| {
            FirstFactor::parse(name).ok_or_else(|| {
                InvalidInput::new(
                    "preferred_challenge",
                    "`preferred_challenge` must be PASSWORD, PASSWORD_SRP, EMAIL_OTP, SMS_OTP or \
                     WEB_AUTHN",
                )
            })
        })
        .transpose()?;
    let start = Start::parse(state.signin.flow(), request.password.as_ref(), preferred)?;
    let device = state
        .boundary
        .sign_in_device(&headers, request.remember_device)
        .await;
    let outcome = state
        .signin
        .login(&username, &start, &client, &end_user, &device)
        .await?;
    // A new sign-in supersedes a challenge cookie left from an earlier one (or two).
    let had_cookie = state.boundary.challenge_cookie_came(&headers);
    Asker {
        boundary: &state.boundary,
        headers: &headers,
        client: &client,
        had_cookie,
        session_asked,
    }
    .answer(outcome)
    .await
}
