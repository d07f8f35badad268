//! `/api/{name}/…`: a browser's call to an upstream API (API_UPSTREAMS), made with its
//! session's access token. Only the session cookie authenticates here: apps call their APIs
//! with their own tokens.

use axum::extract::{Request, State};
use axum::http::Method;
use axum::http::request::Parts;
use axum::response::Response;

use crate::boundary::{Head, Touch};
use crate::error::ApiError;
use crate::extract::ClientIp;
use crate::state::TokenHandler;
use crate::upstreams::{Forward, SafePath};

use super::verify::session_identity;

pub async fn forward(
    State(state): State<TokenHandler>,
    ClientIp {
        ip,
        via_trusted_proxy,
    }: ClientIp,
    request: Request,
) -> Result<Response, ApiError> {
    // Taken apart rather than extracted piece by piece, which would copy the headers.
    let (
        Parts {
            method,
            uri,
            headers,
            ..
        },
        body,
    ) = request.into_parts();
    // The front took `/api/{name}` or `/api/{name}/…`, under BASE_PATH if set, with the whole
    // path; the rest goes on as the browser sent it, still percent-encoded.
    let after = uri
        .path()
        .strip_prefix(state.boundary.config.http.base_path.as_str())
        .and_then(|path| path.strip_prefix("/api/"))
        .unwrap_or_default();
    let (name, path) = match after.find('/') {
        Some(slash) => after.split_at(slash),
        None => (after, ""),
    };
    // TRACE would echo the token back; CONNECT makes no sense here. OPTIONS is taken as safe
    // by the CSRF rules, so a page of any origin could send one with the cookie: it never goes
    // on with the token (a browser's preflight comes without the cookie, and is the CORS
    // layer's to answer when origins are configured).
    if method == Method::TRACE || method == Method::CONNECT || method == Method::OPTIONS {
        return Err(ApiError::MethodNotAllowed);
    }
    // Who is asking comes first, so a stranger learns nothing of the upstreams' names. Only
    // the session cookie counts here; its idle timer restarts once the call is known to go.
    let head = Head {
        method: &method,
        headers: &headers,
        via_trusted_proxy,
    };
    let cookie = state.boundary.session_cookie(&headers);
    let session = state.boundary.live_session(head, cookie, Touch::No).await?;
    let upstream = state.upstreams.find(name).ok_or(ApiError::NotFound)?;
    let path = SafePath::parse(path).ok_or_else(|| {
        ApiError::invalid_field(
            "path",
            "the path must not hold `.` or `..` segments, separators or encoded ones",
        )
    })?;
    state.boundary.touch_session(&session).await?;
    let proto = if state.boundary.config.http.cookie_secure {
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
            identity: session_identity(&session).ok_or(ApiError::NoSession)?,
            client_ip: ip,
            proto,
        })
        .await
}
