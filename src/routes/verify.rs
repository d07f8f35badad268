//! `/verify`: forward-auth for gateways (nginx `auth_request`, Traefik `forwardAuth`, Envoy
//! `ext_authz`). 200 with the caller's identity in headers, or 401; never a redirect.
//!
//! Gateways forward the original method and, for Envoy, the original path under the prefix,
//! so any method and any path below `/verify` is answered the same way.
//!
//! Every request behind a gateway passes through here, so this route runs outside the general
//! layers (per-request log line, labelled metrics, timeout, CORS): those cost about twenty
//! times the verification itself. It is counted with pre-registered counters, and refusals
//! are logged at debug with their reason by the verifier.

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;

use crate::auth::{AuthRejection, AuthUser, Verifier};

/// The lean router for `/verify` and `/verify/*`: the verifier, the request id (the
/// gateway's, or a new one) and panic catching, nothing else.
pub fn router(verifier: Arc<Verifier>) -> Router {
    use tower_http::catch_panic::CatchPanicLayer;
    use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
    Router::new()
        .route("/verify", any(verify))
        .route("/verify/{*path}", any(verify))
        .layer(axum::Extension(verifier))
        .layer(CatchPanicLayer::custom(|_panic| {
            crate::error::ApiError::Internal("a handler panicked".into()).into_response()
        }))
        .layer(PropagateRequestIdLayer::new(crate::request_id::HEADER))
        .layer(SetRequestIdLayer::new(
            crate::request_id::HEADER,
            crate::request_id::MakeUuid,
        ))
}

struct Counters {
    allowed: metrics::Counter,
    refused: metrics::Counter,
}

fn counters() -> &'static Counters {
    static COUNTERS: OnceLock<Counters> = OnceLock::new();
    COUNTERS.get_or_init(|| Counters {
        allowed: metrics::counter!("http_requests_total", "route" => "/verify", "method" => "ANY", "status" => "200"),
        refused: metrics::counter!("http_requests_total", "route" => "/verify", "method" => "ANY", "status" => "401"),
    })
}

/// `AuthUser`, or the rejection to answer with, so both outcomes are counted here.
struct Checked(Result<AuthUser, AuthRejection>);

impl<S: Send + Sync> FromRequestParts<S> for Checked {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Ok(Checked(AuthUser::from_request_parts(parts, state).await))
    }
}

async fn verify(Checked(user): Checked) -> Response {
    let AuthUser(claims) = match user {
        Ok(user) => user,
        Err(rejection) => {
            counters().refused.increment(1);
            return rejection.into_response();
        }
    };
    counters().allowed.increment(1);
    let mut headers = HeaderMap::new();
    let mut put = |name: &'static str, value: &str| {
        // Non-ASCII usernames are sent as UTF-8 bytes; a value no header can hold is left out.
        if let Ok(value) = HeaderValue::from_bytes(value.as_bytes()) {
            headers.insert(HeaderName::from_static(name), value);
        }
    };
    put("x-auth-sub", &claims.sub);
    put(
        "x-auth-username",
        claims.username.as_deref().unwrap_or(&claims.sub),
    );
    put("x-auth-groups", &claims.groups.join(","));
    put("x-auth-scope", claims.scope.as_deref().unwrap_or(""));
    put("x-auth-client-id", &claims.client_id);
    (StatusCode::OK, headers).into_response()
}
