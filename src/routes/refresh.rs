//! `POST /token/refresh`: with the session cookie, or with a refresh token.

use axum::extract::State;
use axum::http::{HeaderMap, Method};
use axum::response::Response;

use crate::boundary::{Head, RefreshRequest};
use crate::error::ApiError;
use crate::extract::{IpLimitedClient, OptionalJson, SessionAsked};
use crate::state::AppState;

pub async fn refresh(
    State(state): State<AppState>,
    caller: IpLimitedClient,
    SessionAsked(session_asked): SessionAsked,
    method: Method,
    headers: HeaderMap,
    OptionalJson(request): OptionalJson<RefreshRequest>,
) -> Result<Response, ApiError> {
    let head = Head {
        method: &method,
        headers: &headers,
        via_trusted_proxy: caller.via_trusted_proxy,
    };
    state
        .boundary
        .refresh(head, &caller.client, session_asked, request)
        .await
}
