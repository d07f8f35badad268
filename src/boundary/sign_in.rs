//! The write half of the session boundary, for signing in: the answer of each sign-in step
//! (`/login`, `/challenge`, `/token/refresh`). A step that signs the user in ends here, in one
//! function: tokens in the body, or a browser session started under a new id with its cookie
//! (TOKEN_DELIVERY). Otherwise the next challenge under a fresh cookie; never cached. A
//! refused step clears a cookie whose challenge it ended.

use axum::http::header::{CACHE_CONTROL, SET_COOKIE, USER_AGENT};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::{Boundary, SessionCookie, from_browser};
use crate::cognito::Tokens;
use crate::cookies::CookieSettings;
use crate::devices::DeviceAfter;
use crate::error::ApiError;
use crate::input::InvalidInput;
use crate::limits::ClientAddr;
use crate::sessions::SessionView;
use crate::signin::{Outcome, StepError};
use crate::vocab::{Amr, NextStep};
use crate::vocab::{Delivery, OpaqueId};

/// Names the pending challenge for a client without a cookie jar: returned to requests that
/// are not from a browser, and accepted in place of the cookie.
pub const CHALLENGE_HANDLE: HeaderName = HeaderName::from_static("challenge-handle");

/// Names the device an app signs in from, where the pool tracks devices: returned once as
/// `device_handle` in the answer that confirmed the device, and sent back in this header on
/// every later sign-in step and refresh.
pub const DEVICE_HANDLE: HeaderName = HeaderName::from_static("device-handle");

/// The body of a sign-in step: tokens or a session, or the challenge to answer next.
/// `next_step` is what the client does next; `challenge` keeps Cognito's own name for it.
#[derive(Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SignInBody {
    Authenticated {
        next_step: NextStep,
        #[serde(flatten)]
        signed_in: SignedIn,
        /// A device just confirmed for an app: the `Device-Handle` to send from now on.
        #[serde(skip_serializing_if = "Option::is_none")]
        device_handle: Option<String>,
    },
    Challenge {
        next_step: NextStep,
        challenge: String,
        parameters: serde_json::Map<String, serde_json::Value>,
        /// SELECT_CHALLENGE: the first factors the user may pick.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        available_challenges: Vec<String>,
        /// A code or passkey step of choice-based sign-in: how to pick another factor.
        #[serde(skip_serializing_if = "Option::is_none")]
        switch_factor: Option<&'static str>,
    },
}

/// Cognito keeps a sign-in to the factor picked; another means a new one.
const SWITCH_FACTOR: &str =
    "To use another way of signing in, start again: POST /login with another preferred_challenge.";

/// What a client holds once signed in: the tokens, or (a browser) only a session, described.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SignedIn {
    Tokens(Tokens),
    Session(SessionView),
}

impl SignInBody {
    pub fn signed_in(signed_in: SignedIn) -> Self {
        SignInBody::Authenticated {
            next_step: NextStep::Done,
            signed_in,
            device_handle: None,
        }
    }
}

/// Whom a sign-in step answers.
pub struct Asker<'a> {
    pub boundary: &'a Boundary,
    pub headers: &'a HeaderMap,
    pub client: &'a ClientAddr,
    /// A challenge cookie came with the request (a signed-in answer clears it).
    pub had_cookie: bool,
    /// The request asked for a browser session (`X-Token-Delivery: session`).
    pub session_asked: bool,
}

/// Headers a sign-in answer sets: cookies, and the `Challenge-Handle`.
pub type AnswerHeaders = Vec<(HeaderName, HeaderValue)>;

impl Asker<'_> {
    /// A sign-in step's answer: tokens or a session, or the next challenge under a fresh
    /// cookie.
    pub async fn answer(&self, outcome: Outcome) -> Result<Response, ApiError> {
        let (body, headers) = self.step(outcome).await?;
        Ok(with_headers(
            (StatusCode::OK, axum::Json(body)).into_response(),
            headers,
        ))
    }

    /// The body of a sign-in step and the headers that go with it.
    pub async fn step(&self, outcome: Outcome) -> Result<(SignInBody, AnswerHeaders), ApiError> {
        match outcome {
            Outcome::Authenticated {
                tokens,
                amr,
                device,
            } => self.signed_in(tokens, None, &amr, device).await,
            Outcome::Challenge {
                name,
                next_step,
                parameters,
                available,
                first_factor,
                id,
                max_age_seconds,
            } => {
                let mut headers = vec![(
                    SET_COOKIE,
                    self.boundary.challenge_cookies.set(&id, max_age_seconds),
                )];
                // A browser keeps the id in its cookie jar only, out of reach of scripts.
                if !self.session_asked
                    && !from_browser(self.headers)
                    && let Ok(handle) = HeaderValue::from_str(id.expose())
                {
                    headers.push((CHALLENGE_HANDLE, handle));
                }
                let body = SignInBody::Challenge {
                    next_step,
                    challenge: name,
                    parameters,
                    available_challenges: available,
                    switch_factor: first_factor.then_some(SWITCH_FACTOR),
                };
                Ok((body, headers))
            }
        }
    }

    /// Signed in: tokens in the body, or a new browser session. `refresh_token` stands in
    /// for one Cognito didn't return (a refresh). The device goes to a browser (or any client
    /// that takes a session) as the device cookie, set again at each sign-in as its lifetime
    /// starts again; an app that gets tokens learns a new device's `device_handle` once. A
    /// browser never gets the handle in a body, whatever TOKEN_DELIVERY says.
    pub async fn signed_in(
        &self,
        tokens: Tokens,
        refresh_token: Option<&str>,
        amr: &Amr,
        device: Option<DeviceAfter>,
    ) -> Result<(SignInBody, AnswerHeaders), ApiError> {
        let boundary = self.boundary;
        let mut headers = Vec::new();
        if self.had_cookie {
            headers.push((SET_COOKIE, boundary.challenge_cookies.clear()));
        }
        let delivery = if self.session_asked {
            Delivery::Session
        } else {
            boundary
                .config
                .sessions
                .delivery
                .for_request(from_browser(self.headers))
        };
        let device_key = device.as_ref().map(|d| d.key.as_str());
        let mut device_handle = None;
        if let Some(DeviceAfter {
            id: Some(id), new, ..
        }) = &device
        {
            let by_cookie = from_browser(self.headers) || matches!(delivery, Delivery::Session);
            if by_cookie {
                let lifetime = boundary.devices.lifetime().as_secs() as i64;
                headers.push((SET_COOKIE, boundary.device_cookies.set(id, lifetime)));
            } else if *new {
                device_handle = Some(id.expose().to_owned());
            }
        }
        let signed_in = match delivery {
            Delivery::Body => SignedIn::Tokens(tokens),
            Delivery::Session => {
                // A sign-in replaces the session the browser had: a new id, the old one ended.
                // A refresh token traded again keeps the sign-in the old session shares with it.
                let kept = tokens
                    .refresh_token
                    .as_deref()
                    .or(refresh_token)
                    .unwrap_or_default();
                if let SessionCookie::One(old) = boundary.session_cookie(self.headers)
                    && let Ok(old) = boundary.sessions.stored(&old).await
                    && let Err(e) = boundary.sessions.end_unless_sharing(&old, kept).await
                {
                    tracing::warn!(error = %e, "cannot end the session a sign-in replaces");
                }
                let user_agent = self
                    .headers
                    .get(USER_AGENT)
                    .map_or(&[][..], |v| v.as_bytes());
                let started = boundary
                    .sessions
                    .start(
                        &tokens,
                        refresh_token,
                        amr,
                        &self.client.to_string(),
                        user_agent,
                        device_key,
                    )
                    .await?;
                let cookie = boundary
                    .session_cookies
                    .set(&started.id, started.max_age_seconds);
                headers.push((SET_COOKIE, cookie));
                SignedIn::Session(started.view)
            }
        };
        let body = SignInBody::Authenticated {
            next_step: NextStep::Done,
            signed_in,
            device_handle,
        };
        Ok((body, headers))
    }
}

/// Adds a sign-in answer's headers; such an answer is never cached.
pub fn with_headers(mut response: Response, headers: AnswerHeaders) -> Response {
    for (name, value) in headers {
        response.headers_mut().append(name, value);
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
            error: refusal.error.into(),
        }
    }
}

impl From<InvalidInput> for StepRefusal {
    fn from(error: InvalidInput) -> Self {
        ApiError::from(error).into()
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
