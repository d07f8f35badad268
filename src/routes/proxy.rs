//! `/api/{name}/…`: a browser's call to an upstream API (API_UPSTREAMS), made with its
//! session's access token. Only the session cookie authenticates here: apps call their APIs
//! with their own tokens.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;

use crate::boundary::csrf::check_csrf;
use crate::error::ApiError;
use crate::extract::ClientIp;
use crate::state::AppState;
use crate::upstreams::{Forward, safe_path};

use super::verify::identity_headers;

pub async fn forward(
    State(state): State<AppState>,
    ClientIp {
        ip,
        via_trusted_proxy,
    }: ClientIp,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    // The route matched `/api/{name}` or `/api/{name}/…`; the rest goes on as the browser
    // sent it, still percent-encoded.
    let after = uri.path().strip_prefix("/api/").unwrap_or_default();
    let (name, path) = match after.find('/') {
        Some(slash) => after.split_at(slash),
        None => (after, ""),
    };
    // TRACE would echo the token back; CONNECT makes no sense here.
    if method == Method::TRACE || method == Method::CONNECT {
        return Err(ApiError::MethodNotAllowed);
    }
    // Who is asking comes first, so a stranger learns nothing of the upstreams' names. The
    // CSRF checks come before the session is looked up: a forged request must not even
    // refresh it.
    if !state.sessions.has_cookie(&headers) {
        return Err(ApiError::NoSession);
    }
    check_csrf(&method, &headers, &state.config.http, via_trusted_proxy)?;
    let session = state
        .sessions
        .authenticate(&headers)
        .await?
        .ok_or(ApiError::NoSession)?;
    let upstream = state.upstreams.find(name).ok_or(ApiError::NotFound)?;
    if !safe_path(path) {
        return Err(ApiError::invalid_field(
            "path",
            "the path must not hold `.` or `..` segments, separators or encoded ones",
        ));
    }
    state.sessions.touch(&session).await?;
    let proto = if state.config.http.cookie_secure {
        "https"
    } else {
        "http"
    };
    state
        .upstreams
        .forward(Forward {
            upstream,
            path,
            query: uri.query(),
            method,
            headers: &headers,
            body,
            access_token: session.access_token(),
            identity: identity_headers(&session.claims).ok_or(ApiError::NoSession)?,
            client_ip: ip,
            proto,
        })
        .await
}
