//! The browser session and the user's sessions: `GET /session`, `GET /sessions`,
//! `DELETE /sessions/{id}` and `DELETE /sessions` (every other one); and what a change of
//! what the user can do does to their sessions.

use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::time::Duration;
use tokio::time::Instant;

use super::answers::no_store;
use crate::browser::{Renewal, SessionSummary};
use crate::error::ApiError;
use crate::extract::{Caller, PathId};
use crate::state::AppState;

/// The signed-in user of this browser session. Reading it does not count as activity unless
/// the query says `extend=true`, so a page polling it doesn't keep an idle session alive.
pub async fn current(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let session = state
        .sessions
        .authenticate(&headers)
        .await?
        .ok_or(ApiError::NoSession)?;
    let extend = uri
        .query()
        .is_some_and(|q| q.split('&').any(|pair| pair == "extend=true"));
    if extend {
        state.sessions.touch(&session).await?;
    }
    let view = state.sessions.view(&session).await;
    Ok(no_store(Json(view).into_response()))
}

#[derive(Serialize)]
pub struct SessionList {
    sessions: Vec<SessionSummary>,
}

/// The caller's live browser sessions, the one in use marked `current`.
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    let current = caller.session.as_ref().map(|s| &s.stored.id_hash);
    let sessions = state.sessions.list(&caller.claims.sub, current).await?;
    Ok(no_store(Json(SessionList { sessions }).into_response()))
}

/// Ends one of the caller's sessions: its tokens stop working at once on every replica.
pub async fn end(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<Response, ApiError> {
    let session = state
        .sessions
        .find_public(&caller.claims.sub, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    state.sessions.end(&session).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    if caller
        .session
        .is_some_and(|current| current.stored.id_hash == session.id_hash)
    {
        response
            .headers_mut()
            .insert(SET_COOKIE, state.sessions.cookies.clear());
    }
    Ok(response)
}

#[derive(Serialize)]
pub struct Ended {
    ended: usize,
}

/// Ends every session of the caller but the one this request is made with.
pub async fn end_others(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Ended>, ApiError> {
    let keep = caller.session.as_ref().map(|s| &s.stored.id_hash);
    let ended = state.sessions.end_others(&caller.claims.sub, keep).await?;
    Ok(Json(Ended { ended }))
}

/// Time kept, before a request's limit, for what follows the change of a session's id.
const ANSWER_MARGIN: Duration = Duration::from_secs(2);

/// What a change of what the user can do (a password, MFA) did to their sessions.
pub struct AfterChange {
    /// How many other browser sessions ended; `None` where the change ends none (MFA turned
    /// on), or where they could not be ended (then the answer leaves the count out).
    signed_out_others: Option<usize>,
    /// The browser session the request came with, when it came with one.
    session: Option<Renewal>,
}

impl AfterChange {
    /// The session the request came with gets a new id (or ends, never keeping the old one);
    /// with `end_others` and END_OTHER_SESSIONS_ON_CHANGE, the user's other browser sessions
    /// end first, and their tokens are refused on every replica.
    ///
    /// `started` is when the request began: the new id is settled within its time limit.
    pub async fn apply(
        state: &AppState,
        caller: &Caller,
        end_others: bool,
        started: Instant,
    ) -> Result<AfterChange, ApiError> {
        let current = caller.session.as_ref();
        let signed_out_others = if !end_others {
            None
        } else if state.config.sessions.end_others_on_change {
            let keep = current.map(|s| &s.stored.id_hash);
            Some(state.sessions.end_others(&caller.claims.sub, keep).await?)
        } else {
            Some(0)
        };
        // A margin for what the request still does after: one database write at most.
        let deadline = started
            + state
                .config
                .http
                .request_timeout
                .saturating_sub(ANSWER_MARGIN);
        let session = match current {
            Some(session) => Some(state.sessions.renew(session, deadline).await?),
            None => None,
        };
        Ok(AfterChange {
            signed_out_others,
            session,
        })
    }

    /// The user has no session here (a reset by code): every browser session of the user
    /// Cognito knows as `username` ends. The change is made already, so what fails here is
    /// logged and the count left out, rather than the change answered as failed.
    pub async fn end_all(state: &AppState, username: &str) -> AfterChange {
        if !state.config.sessions.end_others_on_change {
            return AfterChange {
                signed_out_others: Some(0),
                session: None,
            };
        }
        let ended = match state.cognito.sub_of(username).await {
            Ok(Some(sub)) => state.sessions.end_others(&sub, None).await.map_err(|e| {
                tracing::warn!(error = %e, "the browser sessions of a user whose password was reset were not ended");
            }),
            Ok(None) | Err(_) => {
                tracing::warn!(
                    "the user whose password was reset can't be looked up, so their browser \
                     sessions live on (does the role allow cognito-idp:AdminGetUser?)"
                );
                Err(())
            }
        };
        AfterChange {
            signed_out_others: ended.ok(),
            session: None,
        }
    }

    /// `body` (a JSON object) with what happened to the sessions, and the new cookie; never
    /// cached.
    pub fn answer(self, mut body: Map<String, Value>) -> Response {
        if let Some(n) = self.signed_out_others {
            body.insert("signed_out_others".into(), n.into());
        }
        let set_cookie = self.session.map(|renewal| {
            body.insert("session".into(), json!(renewal.after));
            renewal.set_cookie
        });
        let mut response = Json(body).into_response();
        if let Some(cookie) = set_cookie {
            response.headers_mut().insert(SET_COOKIE, cookie);
        }
        no_store(response)
    }
}
