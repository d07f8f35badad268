//! `POST /challenge`: answers the pending challenge named by the cookie.
//! `POST /challenge/totp`: begins TOTP set-up when that challenge is MFA_SETUP.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{SignInBody, check_origin, check_text, sign_in_body, sign_in_response, with_cookie};
use crate::json::ApiJson;
use crate::limits::Throttled;
use crate::signin::StepError;
use crate::state::AppState;
use crate::totp::TotpSecret;

#[derive(Deserialize)]
pub struct ChallengeRequest {
    /// Cognito's ChallengeResponses, minus what the server fills in.
    responses: Map<String, Value>,
    /// The challenge the client believes it is answering.
    challenge: Option<String>,
}

pub async fn respond(
    State(state): State<AppState>,
    throttled: Throttled,
    headers: HeaderMap,
    ApiJson(request): ApiJson<ChallengeRequest>,
) -> Response {
    // The cookie is SameSite=Strict and the body must be JSON (a cross-site form can't send
    // that without a CORS preflight); an Origin header, when present, must be one we serve.
    if let Err(refused) = check_origin(&headers, &state, throttled.via_trusted_proxy) {
        return refused.into_response();
    }
    // Echoed in a mismatch answer, so held to what a challenge name can be.
    if let Some(Err(refused)) = request
        .challenge
        .as_deref()
        .map(|name| check_text("challenge", name, 64))
    {
        return refused.into_response();
    }
    let id = match state.cookies.read(&headers) {
        Ok(id) => id,
        Err(duplicate) => return refused(duplicate.into(), &state, true),
    };
    let had_cookie = id.is_some();
    match state
        .signin
        .respond(
            id,
            request.challenge.as_deref(),
            &request.responses,
            &throttled.client,
        )
        .await
    {
        Ok(outcome) => sign_in_response(outcome, state.cookies, had_cookie),
        Err(e) => refused(e, &state, had_cookie),
    }
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
    throttled: Throttled,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = check_origin(&headers, &state, throttled.via_trusted_proxy) {
        return refused.into_response();
    }
    let id = match state.cookies.read(&headers) {
        Ok(id) => id,
        Err(duplicate) => return refused(duplicate.into(), &state, true),
    };
    let had_cookie = id.is_some();
    match state.signin.start_totp_setup(id).await {
        Ok(setup) => {
            let (step, cookie) = sign_in_body(setup.outcome, &state.cookies, had_cookie);
            let totp = TotpSecret::new(setup.secret, &state.config.totp_issuer, &setup.account);
            with_cookie(
                axum::Json(TotpSetupBody { totp, step }).into_response(),
                cookie,
            )
        }
        Err(e) => refused(e, &state, had_cookie),
    }
}

fn refused(refusal: StepError, state: &AppState, had_cookie: bool) -> Response {
    let mut response = refusal.error.into_response();
    // A cookie whose challenge is over is useless to the client; drop it with the answer.
    if refusal.ended && had_cookie {
        response
            .headers_mut()
            .insert(SET_COOKIE, state.cookies.clear());
    }
    response
}
