//! The write half of the session boundary for a federated sign-in (`/oauth/start`,
//! `/oauth/callback`): the flow's cookie set and cleared, the callback's tokens turned into a
//! browser session by the same code that ends a `/login`, and every answer a redirect, or a
//! refusal as a small page for a browser that navigated here and as problem+json for anyone
//! else. Tokens never reach the browser.

use axum::http::header::{
    ACCEPT, CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION, REFERRER_POLICY,
    SET_COOKIE,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{Asker, Boundary};
use crate::error::{ApiError, escape_html};
use crate::input::InvalidInput;
use crate::limits::ClientAddr;
use crate::vocab::FlowId;

/// Where a browser goes after signing in when `/oauth/start` named no `return_to`: the
/// account page, when the pages are on (below BASE_PATH, if set).
const DEFAULT_RETURN: &str = "/ui/";

/// The longest `return_to` a flow keeps: a URL of the app, not a payload.
const MAX_RETURN_TO: usize = 2048;

impl Boundary {
    /// `GET /oauth/start`: a new flow for `provider`, its cookie, and a 302 to the pool's
    /// authorize endpoint.
    pub async fn federated_start(
        &self,
        headers: &HeaderMap,
        provider: Option<&str>,
        return_to: Option<&str>,
    ) -> Response {
        let started = async {
            let federation = self.federation.as_ref().ok_or(ApiError::NotFound)?;
            // A page to navigate to, not something to embed: an image or a script fetching
            // it on every visit to some page would start flows for nobody.
            if headers
                .get("sec-fetch-dest")
                .is_some_and(|dest| dest.as_bytes() != b"document")
            {
                return Err(InvalidInput::new(
                    "sec-fetch-dest",
                    "/oauth/start is a page to navigate to",
                )
                .into());
            }
            if return_to.is_some_and(|r| r.len() > MAX_RETURN_TO) {
                return Err(InvalidInput::new(
                    "return_to",
                    format!("`return_to` must be at most {MAX_RETURN_TO} characters"),
                )
                .into());
            }
            let return_to = self.return_to(return_to)?;
            Ok::<_, ApiError>(federation.start(provider, return_to).await?)
        }
        .await;
        match started {
            Ok(started) => {
                let mut response = redirect(&started.authorize_url);
                response.headers_mut().append(
                    SET_COOKIE,
                    self.flow_cookies.set(&started.id, started.max_age_seconds),
                );
                response
            }
            Err(refusal) => self.refuse(headers, refusal, false),
        }
    }

    /// `GET /oauth/callback`: the flow the cookie names, ended with the callback's query;
    /// signed in, a new browser session and a page that goes on to where the flow was to end. Whatever
    /// happens, the flow's cookie is cleared: the flow is over.
    pub async fn federated_callback(
        &self,
        headers: &HeaderMap,
        client: &ClientAddr,
        query: Option<&str>,
    ) -> Response {
        let cookie = self.flow_cookies.read::<FlowId>(headers);
        // Two cookies of its name (one planted): neither is used.
        let came = !matches!(cookie, Ok(None));
        let id = cookie.ok().flatten();
        let finished = async {
            let federation = self.federation.as_ref().ok_or(ApiError::NotFound)?;
            let finished = federation.finish(id.as_ref(), query).await?;
            let asker = Asker {
                boundary: self,
                headers,
                client,
                had_cookie: false,
                // A browser session whatever TOKEN_DELIVERY says: this is a browser's
                // navigation, and no token goes to a browser.
                session_asked: true,
            };
            let (_, answer) = asker
                .signed_in(finished.tokens, None, &finished.amr, None)
                .await?;
            Ok::<_, ApiError>((finished.return_to, answer))
        }
        .await;
        let mut response = match finished {
            Ok((return_to, answer)) => {
                tracing::info!("signed in through an identity provider");
                let mut response = onward(&return_to);
                for (name, value) in answer {
                    response.headers_mut().append(name, value);
                }
                response
            }
            Err(refusal) => self.refuse(headers, refusal, true),
        };
        if came {
            response
                .headers_mut()
                .append(SET_COOKIE, self.flow_cookies.clear());
        }
        response
    }

    /// `return_to` if UI_RETURN_URLS allows it; none given, the account page.
    fn return_to(&self, return_to: Option<&str>) -> Result<String, ApiError> {
        match return_to.filter(|r| !r.is_empty()) {
            Some(given) => self.config.ui.allowed_return(given).ok_or_else(|| {
                ApiError::invalid_field(
                    "return_to",
                    "`return_to` must be one of UI_RETURN_URLS or below one",
                )
            }),
            None if self.config.ui.enabled => {
                Ok(format!("{}{DEFAULT_RETURN}", self.config.http.base_path))
            }
            None => Err(ApiError::invalid_field(
                "return_to",
                "`return_to` is required: where to send the user once signed in",
            )),
        }
    }

    /// A refusal: a page for a browser's navigation (it asks for HTML), problem+json for
    /// anyone else. Never cached, and the callback's URL (its code) never sent on as a
    /// referrer.
    fn refuse(&self, headers: &HeaderMap, refusal: ApiError, at_callback: bool) -> Response {
        let wants_page = headers
            .get_all(ACCEPT)
            .iter()
            .any(|v| v.to_str().is_ok_and(|v| v.contains("text/html")));
        let mut response = if wants_page {
            let back = (self.config.ui.enabled)
                .then(|| format!("{}/ui/sign-in", self.config.http.base_path));
            refusal.into_page(back.as_deref())
        } else {
            refusal.into_response()
        };
        let headers = response.headers_mut();
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if at_callback {
            headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
        }
        response
    }
}

/// Signed in: a page of this site that goes on to `return_to` at once. Not a redirect: the
/// callback is the end of a chain of redirects another site (the pool's domain) began, and a
/// browser keeps a `SameSite=Strict` session cookie off every navigation of such a chain,
/// the one to `return_to` included, so the page there would find nobody signed in. A
/// navigation this page starts is this site's own, and carries the cookie. A refresh, not a
/// script: the strict CSP allows no script here, and the link is there for a browser that
/// doesn't follow refreshes.
fn onward(return_to: &str) -> Response {
    let href = escape_html(return_to);
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0;url={href}\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Signed in</title></head><body><main><h1>Signed in</h1>\
         <p><a href=\"{href}\">Continue</a></p></main></body></html>"
    );
    let mut response = (StatusCode::OK, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// A 302 to `location`, never cached, with no referrer sent on (the callback's query holds
/// the code).
fn redirect(location: &str) -> Response {
    let mut response = StatusCode::FOUND.into_response();
    let headers = response.headers_mut();
    match HeaderValue::from_str(location) {
        Ok(value) => {
            headers.insert(LOCATION, value);
        }
        // Every location here was parsed as a URL or built from one: never reached.
        Err(_) => return ApiError::internal(std::io::Error::other("bad location")).into_response(),
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}
