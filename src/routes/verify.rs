//! `/verify`: forward-auth for gateways (nginx `auth_request`, Traefik `forwardAuth`, Envoy
//! `ext_authz`). 200 with the caller's identity in headers, or 401; never a redirect.
//!
//! Gateways forward the original method and, for Envoy, the original path under the prefix,
//! so any method and any path below `/verify` is answered the same way.
//!
//! Every request behind a gateway passes through here, so this route runs outside the general
//! layers (see `layers`). It is counted with pre-registered counters, and refusals are logged
//! at debug with their reason by the verifier.

use std::sync::{Arc, OnceLock};

use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cognito_verifier::{AccessClaims, AuthRejection, Verifier};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::extract::verified_bearer;

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

/// Counted here, allowed or refused, rather than by the general layers.
pub async fn verify(State(verifier): State<Arc<Verifier>>, headers: HeaderMap) -> Response {
    let headers = verified_bearer(&headers, &verifier)
        .await
        .and_then(|(claims, _)| {
            identity_headers(&claims).ok_or_else(|| {
                // A gateway that passes a client's own X-Auth-* through would otherwise
                // forward a forged value in place of the missing one.
                tracing::debug!(
                    reason = "identity_not_a_header",
                    "access token refused: a claim can't be sent as a header"
                );
                AuthRejection::InvalidToken
            })
        });
    match headers {
        Ok(headers) => {
            counters().allowed.increment(1);
            (StatusCode::OK, headers).into_response()
        }
        Err(rejection) => {
            counters().refused.increment(1);
            rejection.into_response()
        }
    }
}

/// Group names with these bytes percent-encoded, so `,` only ever separates them.
const GROUP_NAME: &AsciiSet = &CONTROLS.add(b' ').add(b',').add(b'%');

/// The caller's identity as headers, or `None` if a value can't be one exactly: sub,
/// username, scope and client id go as they are (UTF-8), and must hold no control
/// characters; each group name is percent-encoded, and the names are joined with `,`.
fn identity_headers(claims: &AccessClaims) -> Option<HeaderMap> {
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
