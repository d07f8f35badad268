//! The browser session and the user's sessions: `GET /session`, `GET /sessions`,
//! `DELETE /sessions/{id}` and `DELETE /sessions` (every other one).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::boundary::{Head, Touch, no_store};
use crate::error::ApiError;
use crate::extract::{Caller, ClientIp, PathId};
use crate::sessions::SessionSummary;
use crate::state::AppState;

/// The signed-in user of this browser session. Reading it does not count as activity unless
/// the query says `extend=true`, so a page polling it doesn't keep an idle session alive.
pub async fn current(
    State(state): State<AppState>,
    client: ClientIp,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let extend = uri
        .query()
        .is_some_and(|q| q.split('&').any(|pair| pair == "extend=true"));
    let head = Head {
        method: &method,
        headers: &headers,
        via_trusted_proxy: client.via_trusted_proxy,
    };
    let cookie = state.boundary.session_cookie(&headers);
    let touch = if extend { Touch::Yes } else { Touch::No };
    let caller = state.boundary.session(head, cookie, touch).await?;
    let session = caller.session.ok_or(ApiError::NoSession)?;
    let mut view = state.sessions.view(&session).await;
    view.logout_url = format!("{}{}", state.config.http.base_path, view.logout_url);
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
    state.boundary.end_listed(&caller, &id).await
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
    let ended = state.boundary.end_others(&caller).await?;
    Ok(Json(Ended { ended }))
}
