//! The answers of the sign-in steps (`/login`, `/challenge`, `/token/refresh`): tokens, or
//! the next challenge under a fresh cookie, never cached; and a refused step, which clears a
//! cookie whose challenge it ended.

use axum::http::header::{CACHE_CONTROL, SET_COOKIE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::challenge::CookieSettings;
use crate::cognito::Tokens;
use crate::error::ApiError;
use crate::signin::{NextStep, Outcome, StepError};

/// The body of a sign-in step: tokens, or the challenge to answer next. `next_step` is what
/// the client does next; `challenge` keeps Cognito's own name for it.
#[derive(Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SignInBody {
    Authenticated {
        next_step: NextStep,
        tokens: Tokens,
    },
    Challenge {
        next_step: NextStep,
        challenge: String,
        parameters: serde_json::Map<String, serde_json::Value>,
    },
}

impl SignInBody {
    pub fn signed_in(tokens: Tokens) -> Self {
        SignInBody::Authenticated {
            next_step: NextStep::Done,
            tokens,
        }
    }
}

/// A sign-in step's answer: tokens clear the challenge cookie, a challenge sets a fresh one.
pub fn sign_in_response(outcome: Outcome, cookies: CookieSettings, had_cookie: bool) -> Response {
    let (body, cookie) = sign_in_body(outcome, &cookies, had_cookie);
    with_cookie((StatusCode::OK, axum::Json(body)).into_response(), cookie)
}

/// The body of a sign-in step and the cookie header that goes with it, if any.
pub fn sign_in_body(
    outcome: Outcome,
    cookies: &CookieSettings,
    had_cookie: bool,
) -> (SignInBody, Option<HeaderValue>) {
    match outcome {
        Outcome::Authenticated(tokens) => (
            SignInBody::signed_in(tokens),
            had_cookie.then(|| cookies.clear()),
        ),
        Outcome::Challenge {
            name,
            next_step,
            parameters,
            id,
            max_age_seconds,
        } => (
            SignInBody::Challenge {
                next_step,
                challenge: name,
                parameters,
            },
            Some(cookies.set(&id, max_age_seconds)),
        ),
    }
}

/// Sets (or clears) the challenge cookie on a sign-in answer, which is never cached.
pub fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().insert(SET_COOKIE, cookie);
    }
    no_store(response)
}

/// Answers carrying tokens, secrets or challenge cookies must never be cached.
pub fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A refused challenge step: its problem, and the cookie cleared when the refusal ended the
/// challenge and the request carried one (a dead cookie is useless to the client).
#[derive(Debug)]
pub struct StepRefusal {
    error: ApiError,
    /// Set when the cookie is to be cleared.
    clear: Option<CookieSettings>,
}

impl StepRefusal {
    pub fn new(refusal: StepError, cookies: &CookieSettings, had_cookie: bool) -> Self {
        StepRefusal {
            clear: (refusal.ended && had_cookie).then_some(*cookies),
            error: refusal.error,
        }
    }
}

impl From<ApiError> for StepRefusal {
    fn from(error: ApiError) -> Self {
        StepRefusal { error, clear: None }
    }
}

impl IntoResponse for StepRefusal {
    fn into_response(self) -> Response {
        let mut response = self.error.into_response();
        if let Some(cookies) = self.clear {
            response.headers_mut().insert(SET_COOKIE, cookies.clear());
        }
        response
    }
}
