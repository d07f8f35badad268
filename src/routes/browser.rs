//! The browser session and the user's sessions: `GET /session`, `GET /sessions`,
//! `DELETE /sessions/{id}` and `DELETE /sessions` (every other one); and a new session id
//! after a change of what the user can do.

use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::answers::no_store;
use crate::browser::SessionSummary;
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

/// After a change of what the user can do, a browser session gets a new id (no fixation):
/// the answer sets the new cookie.
pub async fn renewed(
    state: &AppState,
    caller: &Caller,
    mut response: Response,
) -> Result<Response, ApiError> {
    if let Some(session) = &caller.session
        && let Some(cookie) = state.sessions.rotate(session).await?
    {
        response
            .headers_mut()
            .insert(axum::http::header::SET_COOKIE, cookie);
    }
    Ok(response)
}
