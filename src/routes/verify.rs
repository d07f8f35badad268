//! `/verify`: forward-auth for gateways (nginx `auth_request`, Traefik `forwardAuth`, Envoy
//! `ext_authz`). 200 with the access token and the caller's identity in headers, or 401;
//! never a redirect. A browser's request carries the session cookie instead of a token: the
//! answer then hands the gateway the session's access token to attach.
//!
//! Gateways forward the original method and, for Envoy, the original path under the prefix,
//! so any method and any path below `/verify` is answered the same way.
//!
//! Every request behind a gateway passes through here, so this route runs outside the general
//! layers (see `layers`). It is counted with pre-registered counters, and refusals are logged
//! at debug with their reason by the verifier.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use cognito_verifier::{AccessClaims, AuthRejection, Verifier};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::browser::BrowserSessions;
use crate::config::HttpConfig;
use crate::error::ApiError;
use crate::extract::verified_bearer;
use crate::input::check_csrf;
use crate::limits::Limits;

/// What `/verify` needs, behind one pointer: the state is cloned for every request.
pub struct VerifyState {
    pub verifier: Arc<Verifier>,
    pub sessions: BrowserSessions,
    pub http: HttpConfig,
    pub limits: Arc<Limits>,
}

struct Counters {
    allowed: metrics::Counter,
    refused: metrics::Counter,
    forbidden: metrics::Counter,
    failed: metrics::Counter,
    unavailable: metrics::Counter,
}

fn counters() -> &'static Counters {
    static COUNTERS: OnceLock<Counters> = OnceLock::new();
    COUNTERS.get_or_init(|| Counters {
        allowed: metrics::counter!("http_requests_total", "route" => "/verify", "method" => "ANY", "status" => "200"),
        refused: metrics::counter!("http_requests_total", "route" => "/verify", "method" => "ANY", "status" => "401"),
        forbidden: metrics::counter!("http_requests_total", "route" => "/verify", "method" => "ANY", "status" => "403"),
        failed: metrics::counter!("http_requests_total", "route" => "/verify", "method" => "ANY", "status" => "500"),
        unavailable: metrics::counter!("http_requests_total", "route" => "/verify", "method" => "ANY", "status" => "503"),
    })
}

/// Counted here by status, rather than by the general layers.
pub async fn verify(State(state): State<Arc<VerifyState>>, request: Request) -> Response {
    let headers = request.headers();
    let response = if !headers.contains_key(AUTHORIZATION) && state.sessions.has_cookie(headers) {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
        match by_session(&state, request.method(), peer, headers).await {
            Ok(headers) => (StatusCode::OK, headers).into_response(),
            Err(error) => error.into_response(),
        }
    } else {
        match by_bearer(&state.verifier, headers).await {
            Ok(headers) => (StatusCode::OK, headers).into_response(),
            Err(rejection) => rejection.into_response(),
        }
    };
    let counter = match response.status().as_u16() {
        200 => &counters().allowed,
        401 => &counters().refused,
        403 => &counters().forbidden,
        503 => &counters().unavailable,
        _ => &counters().failed,
    };
    counter.increment(1);
    response
}

/// The bearer token's identity, and the token itself for the gateway to pass on (the very
/// header that came: a shared buffer, no copy).
async fn by_bearer(verifier: &Verifier, headers: &HeaderMap) -> Result<HeaderMap, AuthRejection> {
    let (claims, _) = verified_bearer(headers, verifier).await?;
    let mut answer = identity(&claims)?;
    if let Some(authorization) = headers.get(AUTHORIZATION) {
        answer.insert(AUTHORIZATION, authorization.clone());
    }
    Ok(answer)
}

/// A browser session's identity, and its access token for the gateway to attach. The CSRF
/// rule holds for the original request: gateways send its method as the request's own
/// (Envoy), in `X-Original-Method` (the shipped nginx configuration) or in
/// `X-Forwarded-Method` (Traefik). The most unsafe of them counts, so a header a client adds
/// can only make the check stricter.
async fn by_session(
    state: &VerifyState,
    method: &Method,
    peer: IpAddr,
    headers: &HeaderMap,
) -> Result<HeaderMap, ApiError> {
    // The answer carries a token: only for a gateway (a peer in TRUSTED_PROXIES), never for
    // a page's own `fetch`, which always carries `Sec-Fetch-Mode` on a secure origin (a
    // forbidden header; the shipped gateway configurations don't pass it on).
    let from_gateway = state.limits.proxies().is_trusted(peer);
    if !from_gateway || headers.contains_key("sec-fetch-mode") {
        return Err(ApiError::Forbidden);
    }
    let mut original = [method.clone()].into_iter().chain(
        ["x-original-method", "x-forwarded-method"]
            .iter()
            .flat_map(|name| headers.get_all(*name))
            .map(|value| Method::from_bytes(value.as_bytes()).unwrap_or(Method::POST)),
    );
    let strictest = original
        .find(|m| !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS))
        .unwrap_or(Method::GET);
    check_csrf(&strictest, headers, &state.http, from_gateway)?;
    let session = state
        .sessions
        .authenticate(headers)
        .await?
        .ok_or(ApiError::NoSession)?;
    state.sessions.touch(&session).await?;
    let mut answer = identity(&session.claims)?;
    let bearer = HeaderValue::from_str(&format!("Bearer {}", session.access_token()))
        .map_err(|_| AuthRejection::InvalidToken)?;
    answer.insert(AUTHORIZATION, bearer);
    Ok(answer)
}

/// The identity headers, all five or none.
fn identity(claims: &AccessClaims) -> Result<HeaderMap, AuthRejection> {
    identity_headers(claims).ok_or_else(|| {
        // A gateway that passes a client's own X-Auth-* through would otherwise forward a
        // forged value in place of the missing one.
        tracing::debug!(
            reason = "identity_not_a_header",
            "access token refused: a claim can't be sent as a header"
        );
        AuthRejection::InvalidToken
    })
}

/// Group names with these bytes percent-encoded, so `,` only ever separates them.
const GROUP_NAME: &AsciiSet = &CONTROLS.add(b' ').add(b',').add(b'%');

/// The caller's identity as headers, or `None` if a value can't be one exactly: sub,
/// username, scope and client id go as they are (UTF-8), and must hold no control
/// characters; each group name is percent-encoded, and the names are joined with `,`.
pub(super) fn identity_headers(claims: &AccessClaims) -> Option<HeaderMap> {
    let mut headers = HeaderMap::new();
    let mut put = |name: &'static str, value: &str| -> Option<()> {
        if value.chars().any(char::is_control) {
            return None;
        }
        let value = HeaderValue::from_bytes(value.as_bytes()).ok()?;
        headers.insert(HeaderName::from_static(name), value);
        Some(())
    };
    put("x-auth-sub", &claims.sub)?;
    put(
        "x-auth-username",
        claims.username.as_deref().unwrap_or(&claims.sub),
    )?;
    let groups = claims
        .groups
        .iter()
        .map(|g| utf8_percent_encode(g, GROUP_NAME).to_string())
        .collect::<Vec<_>>()
        .join(",");
    put("x-auth-groups", &groups)?;
    put("x-auth-scope", claims.scope.as_deref().unwrap_or(""))?;
    put("x-auth-client-id", &claims.client_id)?;
    Some(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(username: &str, groups: &[&str]) -> AccessClaims {
        serde_json::from_value(serde_json::json!({
            "sub": "6f1c0f5e-2b7e-4a55-9d1e-0d3f1b2a9c11",
            "username": username,
            "cognito:groups": groups,
            "client_id": "client",
            "token_use": "access",
            "exp": 0,
        }))
        .unwrap()
    }

    #[test]
    fn group_names_are_percent_encoded_so_commas_only_separate() {
        let headers = identity_headers(&claims("jin", &["a,b", "50% off", "관리자", "plain"]))
            .expect("headers");
        assert_eq!(
            headers["x-auth-groups"],
            "a%2Cb,50%25%20off,%EA%B4%80%EB%A6%AC%EC%9E%90,plain"
        );
        assert_eq!(headers["x-auth-username"], "jin");
    }

    #[test]
    fn a_value_that_cant_be_a_header_refuses_the_token() {
        assert!(identity_headers(&claims("jin\r\nx-auth-groups: admin", &[])).is_none());
        assert!(identity_headers(&claims("tab\tbed", &[])).is_none());
        assert!(
            identity_headers(&claims("jin", &["a\nb"])).is_some(),
            "encoded"
        );
        assert!(
            identity_headers(&claims("지민", &[])).is_some(),
            "UTF-8 is fine"
        );
    }
}
