//! `POST /challenge`: answers the pending challenge named by the cookie.
//! `POST /challenge/totp`: begins TOTP set-up when that challenge is MFA_SETUP.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::boundary::csrf::check_origin;
use crate::boundary::{Asker, SignInBody, StepRefusal, with_headers};
use crate::extract::{ApiJson, IpLimitedClient, SessionAsked, UserContext};
use crate::input::check_text;
use crate::state::AppState;
use crate::totp::TotpSecret;

#[derive(Deserialize)]
pub struct ChallengeRequest {
    /// Cognito's ChallengeResponses, minus what the server fills in.
    responses: Map<String, Value>,
    /// The challenge the client believes it is answering.
    challenge: Option<String>,
    /// For the pool's Lambda triggers: only the keys CLIENT_METADATA_KEYS lists pass.
    #[serde(default)]
    client_metadata: Option<Map<String, Value>>,
    /// Remember this device once signed in, where the pool tracks devices.
    #[serde(default)]
    remember_device: bool,
}

pub async fn respond(
    State(state): State<AppState>,
    caller: IpLimitedClient,
    UserContext(end_user): UserContext,
    SessionAsked(session_asked): SessionAsked,
    headers: HeaderMap,
    ApiJson(request): ApiJson<ChallengeRequest>,
) -> Result<Response, StepRefusal> {
    let end_user = end_user.with_metadata(
        request.client_metadata.as_ref(),
        &state.config.cognito.client_metadata_keys,
    );
    // The cookie is SameSite=Strict and the body must be JSON (a cross-site form can't send
    // that without a CORS preflight); an Origin header, when present, must be one we serve.
    check_origin(&headers, &state.config.http, caller.via_trusted_proxy)?;
    // Echoed in a mismatch answer, so held to what a challenge name can be.
    if let Some(name) = &request.challenge {
        check_text("challenge", name, 64)?;
    }
    let (id, had_cookie) = state.boundary.pending_challenge(&headers)?;
    let device = state
        .boundary
        .sign_in_device(&headers, request.remember_device)
        .await;
    let outcome = state
        .signin
        .respond(
            id,
            request.challenge.as_deref(),
            &request.responses,
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

/// The TOTP secret and the MFA_SETUP step it belongs to.
#[derive(Serialize)]
struct TotpSetupBody {
    #[serde(flatten)]
    totp: TotpSecret,
    #[serde(flatten)]
    step: SignInBody,
}

/// Takes the cookie of a pending MFA_SETUP challenge and answers with a TOTP secret for an
/// authenticator app, under a fresh cookie. The first code from the app then answers the
/// challenge through `POST /challenge` as `TOTP_CODE`.
pub async fn start_totp_setup(
    State(state): State<AppState>,
    caller: IpLimitedClient,
    SessionAsked(session_asked): SessionAsked,
    headers: HeaderMap,
) -> Result<Response, StepRefusal> {
    check_origin(&headers, &state.config.http, caller.via_trusted_proxy)?;
    let (id, had_cookie) = state.boundary.pending_challenge(&headers)?;
    let setup = state.signin.start_totp_setup(id).await.map_err(|refusal| {
        StepRefusal::new(refusal, &state.boundary.challenge_cookies, had_cookie)
    })?;
    let asker = Asker {
        boundary: &state.boundary,
        headers: &headers,
        client: &caller.client,
        had_cookie,
        session_asked,
    };
    let (step, answer_headers) = asker.step(setup.outcome).await?;
    let totp = TotpSecret::new(
        setup.secret,
        &state.config.cognito.totp_issuer,
        &setup.account,
    );
    Ok(with_headers(
        axum::Json(TotpSetupBody { totp, step }).into_response(),
        answer_headers,
    ))
}
