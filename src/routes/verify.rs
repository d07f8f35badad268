//! `/verify`: forward-auth for gateways (nginx `auth_request`, Traefik `forwardAuth`, Envoy
//! `ext_authz`). 200 with the caller's identity in headers, or 401; never a redirect.
//!
//! Gateways forward the original method and, for Envoy, the original path under the prefix,
//! so any method and any path below `/verify` is answered the same way.

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use crate::auth::AuthUser;

pub async fn verify(AuthUser(claims): AuthUser) -> (StatusCode, HeaderMap) {
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
    (StatusCode::OK, headers)
}
