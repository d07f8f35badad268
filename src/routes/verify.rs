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

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use cognito_verifier::{AccessClaims, AuthRejection, Verifier};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::boundary::{Boundary, Head, SessionCookie, Touch};
use crate::error::ApiError;
use crate::sessions::LiveSession;

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
pub async fn verify(State(state): State<Arc<Boundary>>, request: Request) -> Response {
    let headers = request.headers();
    // Read once; without a session cookie, or with a token, the bearer path answers.
    let cookie = if headers.contains_key(AUTHORIZATION) {
        SessionCookie::None
    } else {
        state.session_cookie(headers)
    };
    let response = if cookie.came() {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
        // Boxed: the session's store lookup is a large future, and inline it would make the
        // bearer path's future as large, copied by every layer on every request.
        match Box::pin(by_session(&state, request.method(), peer, headers, cookie)).await {
            Ok(headers) => allowed(headers),
            Err(error) => error.into_response(),
        }
    } else {
        match by_bearer(&state.verifier, headers).await {
            Ok(headers) => allowed(headers),
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

/// 200 with these headers and no body. The map becomes the answer's own, as it is.
fn allowed(headers: HeaderMap) -> Response {
    let mut response = Response::new(Body::empty());
    *response.headers_mut() = headers;
    response
}

/// The bearer token's identity, and the token itself for the gateway to pass on (the very
/// header that came: a shared buffer, no copy).
///
/// The identity headers are built once per token, the first time it is verified here, and
/// kept with its entry in the verifier's cache: later requests with the token copy them (a
/// few reference counts) instead of building them from the claims again. The verifier hands
/// out the entry only after its checks (expiry, revocation, signing key), so the kept headers
/// are never answered for a token it refuses; they go with the entry when the token expires,
/// is forgotten or is evicted.
async fn by_bearer(verifier: &Verifier, headers: &HeaderMap) -> Result<HeaderMap, AuthRejection> {
    let verified = verifier.verify_bearer_shared(headers).await?;
    let mut answer = match verified.derived(Identity::of) {
        Some(kept) => identity_or_refusal(kept.as_ref().map(Identity::headers))?,
        // Another type kept first: never in this service, but then built each time.
        None => identity(verified.claims())?,
    };
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
    state: &Boundary,
    method: &Method,
    peer: IpAddr,
    headers: &HeaderMap,
    cookie: SessionCookie,
) -> Result<HeaderMap, ApiError> {
    // The answer carries a token: only for a gateway the operator listed, by the address it
    // connects from, and never for a browser's own request, which any `Sec-Fetch-*` header
    // gives away (a page's `fetch` sends them on a secure origin; the shipped gateway
    // configurations don't pass them on). TRUSTED_PROXIES grants nothing here: a load
    // balancer trusted to name the client may be a CDN that strips some of those headers.
    let peer = peer.to_canonical();
    let gateway = state
        .config
        .http
        .session_gateways
        .iter()
        .any(|net| net.contains(&peer));
    if !gateway
        || headers
            .keys()
            .any(|name| name.as_str().starts_with("sec-fetch-"))
    {
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
    // A listed gateway's `X-Forwarded-Proto` is believed, as a trusted proxy's is.
    let head = Head {
        method: &strictest,
        headers,
        via_trusted_proxy: true,
    };
    let session = state.live_session(head, cookie, Touch::Yes).await?;
    // The identity headers kept with the token's cache entry, as on the bearer path.
    let mut answer = identity_or_refusal(session_identity(&session))?;
    let mut bearer = HeaderValue::from_str(&format!("Bearer {}", session.access_token()))
        .map_err(|_| AuthRejection::InvalidToken)?;
    bearer.set_sensitive(true);
    answer.insert(AUTHORIZATION, bearer);
    Ok(answer)
}

/// The identity headers, all five or none.
fn identity(claims: &AccessClaims) -> Result<HeaderMap, AuthRejection> {
    identity_or_refusal(identity_headers(claims))
}

fn identity_or_refusal(headers: Option<HeaderMap>) -> Result<HeaderMap, AuthRejection> {
    headers.ok_or_else(|| {
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

/// The identity headers' names, in the order [`Identity`] holds their values.
const IDENTITY_NAMES: [HeaderName; 5] = [
    HeaderName::from_static("x-auth-sub"),
    HeaderName::from_static("x-auth-username"),
    HeaderName::from_static("x-auth-groups"),
    HeaderName::from_static("x-auth-scope"),
    HeaderName::from_static("x-auth-client-id"),
];

/// How many headers join the identity in `/verify`'s answer: the token, the request id and,
/// while the replica drains, `Connection`.
const ANSWER_JOINS: usize = 3;

/// The caller's identity as the five header values, kept with the token's cache entry and
/// put into a copy of one shared map of the five names for each answer.
///
/// A request with any of 10,000 users' tokens finds that token's entry cold in the CPU's
/// caches, and each cache line read from memory costs more than many instructions. Kept as
/// a map of its own, the identity was an index and five entries of a hundred bytes each, all
/// read for each copy; the shared map is read by every answer and stays warm, and the values
/// are five slices of one buffer (a copy is a reference count). No name is hashed again
/// either way.
struct Identity([HeaderValue; 5]);

impl Identity {
    /// `None` if a value can't be a header exactly: sub, username, scope and client id go as
    /// they are (UTF-8), and must hold no control characters; each group name is
    /// percent-encoded, and the names are joined with `,`.
    fn of(claims: &AccessClaims) -> Option<Self> {
        let groups = claims
            .groups
            .iter()
            .map(|g| utf8_percent_encode(g, GROUP_NAME).to_string())
            .collect::<Vec<_>>()
            .join(",");
        let values = [
            claims.sub.as_str(),
            claims.username.as_deref().unwrap_or(&claims.sub),
            &groups,
            claims.scope.as_deref().unwrap_or(""),
            &claims.client_id,
        ];
        if values.iter().any(|v| v.chars().any(char::is_control)) {
            return None;
        }
        let buffer = Bytes::from(values.concat());
        let mut start = 0;
        let headers: Vec<HeaderValue> = values
            .iter()
            .map(|value| {
                let slice = buffer.slice(start..start + value.len());
                start += value.len();
                HeaderValue::from_maybe_shared(slice)
            })
            .collect::<Result<_, _>>()
            .ok()?;
        headers.try_into().ok().map(Identity)
    }

    /// The five headers, in a map of their own with room for the answer's others.
    fn headers(&self) -> HeaderMap {
        let mut headers = names().clone();
        // The shared map's entries come in the order they were put in; were that ever not so,
        // the map is built name by name instead.
        for ((name, slot), (expected, value)) in
            headers.iter_mut().zip(IDENTITY_NAMES.iter().zip(&self.0))
        {
            if name != expected {
                return self.built();
            }
            *slot = value.clone();
        }
        headers
    }

    fn built(&self) -> HeaderMap {
        let mut headers = HeaderMap::with_capacity(IDENTITY_NAMES.len() + ANSWER_JOINS);
        for (name, value) in IDENTITY_NAMES.into_iter().zip(&self.0) {
            headers.insert(name, value.clone());
        }
        headers
    }
}

/// The five names with empty values, in [`IDENTITY_NAMES`]' order. Its index has room for
/// what joins them in an answer (16 slots), and a copy keeps the index, so the answer's
/// headers go in without rehashing; the entries, copied at exactly five, grow once.
fn names() -> &'static HeaderMap {
    static NAMES: OnceLock<HeaderMap> = OnceLock::new();
    NAMES.get_or_init(|| Identity(std::array::from_fn(|_| HeaderValue::from_static(""))).built())
}

/// The caller's identity as headers, or `None` if a value can't be one exactly (see
/// [`Identity::of`]).
pub(super) fn identity_headers(claims: &AccessClaims) -> Option<HeaderMap> {
    Identity::of(claims).map(|identity| identity.headers())
}

/// A browser session's identity as headers, kept with its access token's cache entry as on
/// the bearer path; `None` as for [`identity_headers`].
pub(super) fn session_identity(session: &LiveSession) -> Option<HeaderMap> {
    match session.verified().derived(Identity::of) {
        Some(kept) => kept.as_ref().map(Identity::headers),
        None => identity_headers(session.claims()),
    }
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
    fn each_answer_gets_the_five_names_with_this_tokens_values() {
        let jin = Identity::of(&claims("jin", &["admins"])).unwrap();
        let min = Identity::of(&claims("min", &[])).unwrap();
        for (identity, username, groups) in [(&jin, "jin", "admins"), (&min, "min", "")] {
            let headers = identity.headers();
            assert_eq!(headers, identity.built(), "as if built name by name");
            assert_eq!(headers.len(), 5);
            assert_eq!(headers["x-auth-username"], username);
            assert_eq!(headers["x-auth-groups"], groups);
            assert_eq!(
                headers["x-auth-sub"],
                "6f1c0f5e-2b7e-4a55-9d1e-0d3f1b2a9c11"
            );
            assert_eq!(headers["x-auth-client-id"], "client");
        }
        assert!(
            names().values().all(HeaderValue::is_empty),
            "the shared map stays empty"
        );
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
