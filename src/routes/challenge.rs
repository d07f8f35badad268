//! `POST /challenge`: answers the pending challenge named by the cookie.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{check_origin, sign_in_response};
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::limits::Throttled;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct ChallengeRequest {
    /// Cognito's ChallengeResponses, minus what the server fills in.
    responses: Map<String, Value>,
    /// The challenge the client believes it is answering.
    challenge: Option<String>,
}

pub async fn respond(
    State(state): State<AppState>,
    _: Throttled,
    headers: HeaderMap,
    ApiJson(request): ApiJson<ChallengeRequest>,
) -> Response {
    // The cookie is SameSite=Strict and the body must be JSON (a cross-site form can't send
    // that without a CORS preflight); an Origin header, when present, must be one we serve.
    if let Err(refused) = check_origin(&headers, &state.config.allowed_origins) {
        return refused.into_response();
    }
    let id = state.cookies.read(&headers);
    let had_cookie = id.is_some();
    match state
        .signin
        .respond(id, request.challenge.as_deref(), &request.responses)
        .await
    {
        Ok(outcome) => sign_in_response(outcome, state.cookies, had_cookie),
        Err(ApiError::ChallengeExpired) => {
            // A dead cookie is useless to the client; drop it with the answer.
            let mut response = ApiError::ChallengeExpired.into_response();
            if had_cookie {
                response
                    .headers_mut()
                    .insert(SET_COOKIE, state.cookies.clear());
            }
            response
        }
        Err(e) => e.into_response(),
    }
}
