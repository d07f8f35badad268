//! `POST /logout`: with the session cookie, or with tokens; this sign-in or every one.

use axum::extract::State;
use axum::http::{HeaderMap, Method};
use axum::response::Response;

use crate::boundary::{Head, LogoutRequest};
use crate::error::ApiError;
use crate::extract::{IpLimitedClient, OptionalJson};
use crate::state::AppState;

pub async fn logout(
    State(state): State<AppState>,
    caller: IpLimitedClient,
    method: Method,
    headers: HeaderMap,
    OptionalJson(request): OptionalJson<LogoutRequest>,
) -> Result<Response, ApiError> {
    let head = Head {
        method: &method,
        headers: &headers,
        via_trusted_proxy: caller.via_trusted_proxy,
    };
    state.boundary.logout(head, request).await
}
