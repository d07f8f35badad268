//! The built-in sign-in pages at `/ui/` (UI=on): plain HTML from the server, one small script
//! and one style sheet embedded in the binary, talking to the service's own JSON API. A strict
//! Content-Security-Policy: no inline script or style, nothing from elsewhere but the logo.

mod i18n;
mod pages;

pub use i18n::{LANG_COOKIE, Lang};
pub use pages::{Offers, Page, escape};

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::config::UiConfig;
use crate::error::ApiError;
use crate::state::AppState;
use crate::vocab::FirstFactor;

const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/style.css");

/// The Content-Security-Policy of every page: scripts, styles and requests only from
/// here, images from here, `data:` (the QR code) and the logo's origin, no framing.
fn content_security_policy(ui: &UiConfig) -> String {
    let logo = ui
        .logo_url
        .as_deref()
        .and_then(|url| reqwest::Url::parse(url).ok())
        .map(|url| format!(" {}", url.origin().ascii_serialization()))
        .unwrap_or_default();
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:{logo}; \
         connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; \
         require-trusted-types-for 'script'"
    )
}

/// The routes of the pages, their script, style and theme.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/ui",
            get(|State(state): State<AppState>| async move {
                Redirect::to(&format!("{}/ui/", state.config.http.base_path))
            }),
        )
        .route("/ui/", get(start))
        .route("/ui/assets/app.js", get(script))
        .route("/ui/assets/style.css", get(style))
        .route("/ui/theme.css", get(theme))
        .route("/ui/{*page}", get(page))
}

/// `/ui/`: the account page for a browser with a session, the sign-in page for one without.
async fn start(State(state): State<AppState>, headers: HeaderMap) -> Redirect {
    let base = &state.config.http.base_path;
    if state.boundary.has_session(&headers).await {
        Redirect::to(&format!("{base}/ui/account"))
    } else {
        Redirect::to(&format!("{base}/ui/sign-in"))
    }
}

async fn page(
    State(state): State<AppState>,
    uri: Uri,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let path = uri.path().strip_prefix("/ui/").unwrap_or_default();
    let page = Page::from_path(path).ok_or(ApiError::NotFound)?;
    if page == Page::Account && !state.boundary.has_session(&headers).await {
        let sign_in = format!("{}/ui/sign-in", state.config.http.base_path);
        return Ok(Redirect::to(&sign_in).into_response());
    }
    let params: Vec<(String, String)> = query
        .as_deref()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .take(8)
                .collect()
        })
        .unwrap_or_default();
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let chosen = param("lang").and_then(Lang::parse);
    let lang = chosen.unwrap_or_else(|| Lang::of_request(&headers));
    let ui = &state.config.ui;
    let return_to = param("return_to").and_then(|r| ui.allowed_return(r));
    let offers = match page {
        Page::SignIn | Page::SignUp | Page::Account => offers(&state).await,
        _ => Offers::default(),
    };
    // Federated sign-in's buttons, when COGNITO_DOMAIN is set.
    let providers = state.config.oauth.as_ref().map(|o| o.providers.as_slice());
    let html = pages::render(page, lang, ui, return_to.as_deref(), offers, providers);
    let html = pages::under(html, &state.config.http.base_path);
    let mut response = (
        [
            (CONTENT_TYPE, "text/html; charset=utf-8"),
            (CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response();
    let headers = response.headers_mut();
    for (name, value) in security_headers(ui) {
        headers.insert(name, value);
    }
    if let Some(lang) = chosen {
        let secure = if state.config.http.cookie_secure {
            "; Secure"
        } else {
            ""
        };
        let cookie = format!(
            "{LANG_COOKIE}={}; Path={}/ui; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
            lang.code(),
            state.config.http.base_path
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.insert(SET_COOKIE, value);
        }
    }
    Ok(response)
}

/// What the pool allows beside the password, as the pages offer it.
async fn offers(state: &AppState) -> Offers {
    let factors = state.signin.first_factors().await;
    if factors.is_empty() {
        return Offers::default();
    }
    Offers {
        password: factors.contains(&FirstFactor::Password),
        email_code: factors.contains(&FirstFactor::EmailOtp),
        sms_code: factors.contains(&FirstFactor::SmsOtp),
        passkey: factors.contains(&FirstFactor::WebAuthn),
    }
}

fn security_headers(ui: &UiConfig) -> Vec<(HeaderName, HeaderValue)> {
    let mut headers = vec![
        (
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ),
        (
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ),
        (
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("no-referrer"),
        ),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
    ];
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(ui)) {
        headers.push((HeaderName::from_static("content-security-policy"), csp));
    }
    headers
}

fn asset(content_type: &'static str, body: String) -> Response {
    (
        StatusCode::OK,
        [
            (CONTENT_TYPE, content_type),
            (CACHE_CONTROL, "no-cache"),
            (HeaderName::from_static("x-content-type-options"), "nosniff"),
        ],
        body,
    )
        .into_response()
}

async fn script() -> Response {
    asset("text/javascript; charset=utf-8", SCRIPT.to_owned())
}

async fn style() -> Response {
    asset("text/css; charset=utf-8", STYLE.to_owned())
}

/// The operator's brand colour as a CSS variable, after the style sheet.
async fn theme(State(state): State<AppState>) -> Response {
    asset(
        "text/css; charset=utf-8",
        format!(":root {{ --brand: {}; }}\n", state.config.ui.brand_color),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_to_must_be_listed_or_below_a_listed_url() {
        let ui = UiConfig {
            return_urls: vec![
                reqwest::Url::parse("https://app.example.com/dashboard").unwrap(),
                reqwest::Url::parse("https://shop.example.com/").unwrap(),
            ],
            ..UiConfig::default()
        };
        for ok in [
            "https://app.example.com/dashboard",
            "https://app.example.com/dashboard/orders?id=1",
            "https://shop.example.com/cart",
        ] {
            assert_eq!(ui.allowed_return(ok).as_deref(), Some(ok), "{ok}");
        }
        for bad in [
            "https://app.example.com/dashboardx",
            "https://app.example.com/",
            "http://app.example.com/dashboard",
            "https://app.example.com:8443/dashboard",
            "https://evil.example/dashboard",
            "https://app.example.com.evil.example/dashboard",
            "https://user@app.example.com/dashboard",
            "//evil.example",
            "/ui/account",
            "javascript:alert(1)",
        ] {
            assert_eq!(ui.allowed_return(bad), None, "{bad}");
        }
    }

    /// A key the script names but no language has would show as nothing at all.
    #[test]
    fn every_message_the_script_names_exists() {
        let spoken = Lang::En.messages_json();
        let spoken: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&spoken).unwrap();
        let mut named = 0;
        for line in SCRIPT.lines().filter(|line| {
            ["text(", "leaveNotice(", "changedThen("]
                .iter()
                .any(|call| line.contains(call))
        }) {
            // Single-quoted literals on the line; `signed-out` stands for the count's sentence.
            for literal in line.split('\'').skip(1).step_by(2) {
                if literal.trim().is_empty() || literal == "signed-out" {
                    continue;
                }
                assert!(
                    spoken.contains_key(literal),
                    "no message {literal:?}: {line}"
                );
                named += 1;
            }
        }
        assert!(named >= 10, "only {named} keys found");
    }

    #[test]
    fn the_policy_allows_no_inline_code_and_no_framing() {
        let ui = UiConfig {
            logo_url: Some("https://cdn.example.com/logo.svg".into()),
            ..UiConfig::default()
        };
        let csp = content_security_policy(&ui);
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(!csp.contains("unsafe"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(
            csp.contains("img-src 'self' data: https://cdn.example.com;"),
            "{csp}"
        );
    }
}
