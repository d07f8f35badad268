//! The HTTP surface: one module per area, each a set of thin handlers.

mod admin;
mod challenge;
mod health;
mod login;
mod me;
mod mfa;
mod password;
mod session;
mod signup;
pub mod verify;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;

use crate::challenge::CookieSettings;
use crate::cognito::Tokens;
use crate::error::ApiError;
use crate::signin::Outcome;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", post(signup::sign_up))
        .route("/signup/confirm", post(signup::confirm))
        .route("/signup/resend", post(signup::resend))
        .route("/login", post(login::login))
        .route("/challenge", post(challenge::respond))
        .route("/challenge/totp", post(challenge::start_totp_setup))
        .route("/password/forgot", post(password::forgot))
        .route("/password/reset", post(password::reset))
        .route("/password/change", post(password::change))
        .route("/mfa/totp/setup", post(mfa::setup))
        .route("/mfa/totp/verify", post(mfa::verify))
        .route("/mfa/totp", axum::routing::delete(mfa::disable))
        .route("/admin/users", post(admin::create_user))
        .route("/me", get(me::get).patch(me::update))
        .route("/token/refresh", post(session::refresh))
        .route("/logout", post(session::logout))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/openapi.yaml", get(health::openapi))
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}

/// The metrics listener's routes: `/metrics` and nothing else.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(health::metrics))
        .fallback(|| async { ApiError::NotFound })
        .with_state(state)
}

/// Checks a free-text field: present, not too long, no control characters.
fn check_text(field: &'static str, value: &str, max_chars: usize) -> Result<(), ApiError> {
    if value.is_empty() {
        return Err(ApiError::invalid_field(
            field,
            format!("`{field}` must not be empty"),
        ));
    }
    if value.chars().count() > max_chars {
        return Err(ApiError::invalid_field(
            field,
            format!("`{field}` must be at most {max_chars} characters"),
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::invalid_field(
            field,
            format!("`{field}` must not contain control characters"),
        ));
    }
    Ok(())
}

/// Refuses a cookie-bearing request whose `Origin` is present and is neither this service's
/// own origin nor one of `ALLOWED_ORIGINS`. Scheme, host and port must all match: an
/// `http://` page must not act for an `https://` service of the same name.
fn check_origin(
    headers: &axum::http::HeaderMap,
    state: &AppState,
    via_trusted_proxy: bool,
) -> Result<(), ApiError> {
    let Some(origin) = headers.get(axum::http::header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin
        .to_str()
        .ok()
        .and_then(origin_parts)
        .ok_or(ApiError::OriginNotAllowed)?;
    let allowed = state
        .config
        .allowed_origins
        .iter()
        .filter_map(|allowed| origin_parts(allowed));
    let own = own_origin(headers, state.config.cookie_secure, via_trusted_proxy);
    if allowed.chain(own).any(|known| known == origin) {
        Ok(())
    } else {
        Err(ApiError::OriginNotAllowed)
    }
}

/// An origin as (scheme, host, port), with the scheme's default port filled in.
fn origin_parts(origin: &str) -> Option<(String, String, u16)> {
    let url = reqwest::Url::parse(origin).ok()?;
    if !matches!(url.scheme(), "http" | "https")
        || !url.username().is_empty()
        || url.password().is_some()
        || url.path() != "/"
        || url.query().is_some()
    {
        return None;
    }
    Some((
        url.scheme().to_owned(),
        url.host_str()?.to_owned(),
        url.port_or_known_default()?,
    ))
}

/// The origin a browser sees this service at: the `Host` it asked for, over the scheme a
/// trusted proxy reports in `X-Forwarded-Proto`, or else https when the cookie is `Secure`
/// (a browser sends that cookie over https only) and http when it is not.
fn own_origin(
    headers: &axum::http::HeaderMap,
    cookie_secure: bool,
    via_trusted_proxy: bool,
) -> Option<(String, String, u16)> {
    let host = headers.get(axum::http::header::HOST)?.to_str().ok()?;
    let forwarded_proto = via_trusted_proxy
        .then(|| headers.get("x-forwarded-proto")?.to_str().ok())
        .flatten()
        // The nearest proxy's view is the last entry.
        .and_then(|protos| protos.rsplit(',').next())
        .map(|proto| proto.trim().to_ascii_lowercase());
    let scheme = match forwarded_proto.as_deref() {
        Some(proto @ ("http" | "https")) => proto,
        _ if cookie_secure => "https",
        _ => "http",
    };
    origin_parts(&format!("{scheme}://{host}"))
}

/// Cognito's own limits.
const MAX_USERNAME: usize = 128;
const MAX_PASSWORD: usize = 256;
const MAX_CODE: usize = 64;

/// The body of a sign-in step: tokens, or the challenge to answer next. `next_step` is what
/// the client does next; `challenge` keeps Cognito's own name for it.
#[derive(Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum SignInBody {
    Authenticated {
        next_step: &'static str,
        tokens: Tokens,
    },
    Challenge {
        next_step: &'static str,
        challenge: String,
        parameters: serde_json::Map<String, serde_json::Value>,
    },
}

/// Turns a sign-in outcome into a response: tokens clear the challenge cookie, a challenge
/// sets a fresh one.
fn sign_in_response(outcome: Outcome, cookies: CookieSettings, had_cookie: bool) -> Response {
    let (body, cookie) = sign_in_body(outcome, &cookies, had_cookie);
    with_cookie((StatusCode::OK, axum::Json(body)).into_response(), cookie)
}

/// The body of a sign-in step and the cookie header that goes with it, if any.
fn sign_in_body(
    outcome: Outcome,
    cookies: &CookieSettings,
    had_cookie: bool,
) -> (SignInBody, Option<axum::http::HeaderValue>) {
    match outcome {
        Outcome::Authenticated(tokens) => (
            SignInBody::Authenticated {
                next_step: crate::signin::DONE,
                tokens,
            },
            had_cookie.then(|| cookies.clear()),
        ),
        Outcome::Challenge {
            name,
            next_step,
            parameters,
            id,
            max_age_seconds,
        } => (
            SignInBody::Challenge {
                next_step,
                challenge: name,
                parameters,
            },
            Some(cookies.set(&id, max_age_seconds)),
        ),
    }
}

/// Sets (or clears) the challenge cookie on a sign-in response, which is never cached.
fn with_cookie(mut response: Response, cookie: Option<axum::http::HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response
            .headers_mut()
            .insert(axum::http::header::SET_COOKIE, cookie);
    }
    no_store(response)
}

/// Responses carrying tokens or challenge cookies must never be cached.
fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    fn headers(host: &str, proto: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("host", host.parse().unwrap());
        if let Some(proto) = proto {
            headers.insert("x-forwarded-proto", proto.parse().unwrap());
        }
        headers
    }

    #[test]
    fn the_own_origin_has_the_scheme_a_browser_used() {
        let parts = |o: &str| origin_parts(o).unwrap();
        let secure = own_origin(&headers("app.example.com", None), true, false);
        assert_eq!(secure, Some(parts("https://app.example.com")));
        assert_eq!(secure, Some(parts("https://APP.example.com:443")));
        assert_ne!(secure, Some(parts("http://app.example.com")));
        assert_ne!(secure, Some(parts("https://app.example.com:8443")));
        let plain = own_origin(&headers("127.0.0.1:8080", None), false, false);
        assert_eq!(plain, Some(parts("http://127.0.0.1:8080")));
        // X-Forwarded-Proto only from a trusted proxy.
        let forwarded = headers("app.example.com", Some("http"));
        assert_eq!(
            own_origin(&forwarded, true, true),
            Some(parts("http://app.example.com"))
        );
        assert_eq!(
            own_origin(&forwarded, true, false),
            Some(parts("https://app.example.com"))
        );
        assert!(origin_parts("null").is_none());
        assert!(origin_parts("https://a.example/path").is_none());
        assert!(own_origin(&headers("evil@app.example.com", None), true, false).is_none());
    }
}
