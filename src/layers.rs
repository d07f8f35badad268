//! The layers around the routes: what every request gets (its id, panic catching), and what
//! the API routes get besides (a log line, metrics, a time limit, the body limit, CORS). The
//! gateways' `/verify` takes only the first: it runs on every request behind a gateway, and
//! the rest would cost about twenty times the verification itself.

use std::convert::Infallible;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::header::{AUTHORIZATION, CONNECTION, CONTENT_LENGTH, COOKIE, SET_COOKIE};
use axum::http::{HeaderName, HeaderValue, Method, Request, Response};
use axum::response::IntoResponse;
use tower::{Layer, Service, ServiceBuilder};
use tower_http::sensitive_headers::SetSensitiveHeadersLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::config::HttpConfig;
use crate::error::ApiError;
use crate::extract::BODY_LIMIT;
use crate::shutdown::Draining;
use crate::{prometheus, request_id};

/// What every route gets, outermost: the caller's request id when it is acceptable, a new
/// one otherwise, returned on the answer, and the handler's task's current id. One layer
/// (each layer on a route costs every request a boxed copy of the route).
pub fn with_request_id(router: Router) -> Router {
    router.layer(request_id::ScopedRequestIdLayer)
}

/// A handler with its layers, answering its paths in front of the router (`routes::Front`).
/// Every layer added with `Router::layer` wraps each route in a box of its own, which each
/// request clones: the two routes every signed-in call takes (`/verify` and the token
/// handler) are built as one service each instead.
///
/// An endpoint must always be ready: the front clones it for a request and calls it without
/// waiting for `poll_ready` (checked in debug builds). Every layer here is.
pub trait Endpoint:
    Service<Request<Body>, Response = Response<Body>, Error = Infallible, Future: Send + 'static>
    + Clone
    + Send
    + Sync
    + 'static
{
}

impl<S> Endpoint for S where
    S: Service<
            Request<Body>,
            Response = Response<Body>,
            Error = Infallible,
            Future: Send + 'static,
        > + Clone
        + Send
        + Sync
        + 'static
{
}

/// `Connection: close` on every answer while the replica drains, so clients move to another.
pub fn closing_when_draining(router: Router, draining: &Draining) -> Router {
    router.layer(closing(draining))
}

/// The layer of [`closing_when_draining`], for the services mounted whole too.
fn closing(
    draining: &Draining,
) -> SetResponseHeaderLayer<impl Fn(&Response<Body>) -> Option<HeaderValue> + Clone + use<>> {
    SetResponseHeaderLayer::overriding(CONNECTION, draining.clone().connection_header())
}

/// `/verify`'s lean path: `Connection: close` while draining, an empty body for HEAD, the
/// request id and panic catching, as every route gets them, around the handler as one service (see
/// [`Endpoint`]).
pub fn lean<E: Endpoint>(endpoint: E, draining: &Draining) -> impl Endpoint + use<E> {
    ServiceBuilder::new()
        .layer(closing(draining))
        .layer(HeadWithoutBody)
        .layer(request_id::RequestIdLayer)
        .layer(PanicsAs500)
        .service(endpoint)
}

/// The token handler's path: `Connection: close` while draining, CORS for the configured
/// origins, an empty body for HEAD, the request id (on the answer, and in problem bodies), metrics by route, method
/// and status, and panic catching, around the handler as one service (see
/// [`Endpoint`]); no log line per call and no time limit of the general layers (the
/// call to the upstream has its own, API_UPSTREAM_TIMEOUT_SECONDS). Cookies and tokens are
/// never logged here.
pub fn token_handler<E: Endpoint>(
    endpoint: E,
    http: &HttpConfig,
    draining: &Draining,
) -> impl Endpoint + use<E> {
    ServiceBuilder::new()
        .layer(closing(draining))
        .option_layer(cors(&http.allowed_origins))
        .layer(HeadWithoutBody)
        .layer(request_id::ScopedRequestIdLayer)
        .layer(prometheus::TrackRequestsLayer)
        .layer(PanicsAs500)
        .service(endpoint)
}

/// An answer to HEAD goes without its body, with the `Content-Length` the body would have
/// had: what axum does for the routes it layers itself, and not for a service mounted whole
/// (HTTP/1 drops the body anyway; HTTP/2 would send it).
#[derive(Clone, Copy, Debug)]
struct HeadWithoutBody;

impl<S> Layer<S> for HeadWithoutBody {
    type Service = WithoutBodyOnHead<S>;

    fn layer(&self, inner: S) -> Self::Service {
        WithoutBodyOnHead(inner)
    }
}

#[derive(Clone, Debug)]
struct WithoutBodyOnHead<S>(S);

impl<S, B> Service<Request<B>> for WithoutBodyOnHead<S>
where
    S: Service<Request<B>, Response = Response<Body>>,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = Headed<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        Headed {
            head: request.method() == Method::HEAD,
            inner: self.0.call(request),
        }
    }
}

pin_project_lite::pin_project! {
    struct Headed<F> {
        #[pin]
        inner: F,
        head: bool,
    }
}

impl<F, E> Future for Headed<F>
where
    F: Future<Output = Result<Response<Body>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut response = std::task::ready!(this.inner.poll(cx))?;
        if *this.head {
            let length = axum::body::HttpBody::size_hint(response.body()).exact();
            if let Some(length) = length
                && !response.headers().contains_key(CONTENT_LENGTH)
            {
                response
                    .headers_mut()
                    .insert(CONTENT_LENGTH, HeaderValue::from(length));
            }
            *response.body_mut() = Body::empty();
        }
        Poll::Ready(Ok(response))
    }
}

/// What every route gets, innermost: a panic answered as an opaque 500 (and, on the API
/// routes, logged and counted as one).
pub fn catching_panics(router: Router) -> Router {
    router.layer(PanicsAs500)
}

/// Turns a panic of the service it wraps, while called or while its answer is computed, into
/// an opaque 500, as tower-http's `CatchPanicLayer` does, without boxing every answer's body
/// again. The panic hook (`main`) has already reported where it happened.
#[derive(Clone, Copy, Debug)]
struct PanicsAs500;

impl<S> Layer<S> for PanicsAs500 {
    type Service = CatchingPanics<S>;

    fn layer(&self, inner: S) -> Self::Service {
        CatchingPanics(inner)
    }
}

#[derive(Clone, Debug)]
struct CatchingPanics<S>(S);

impl<S, B> Service<Request<B>> for CatchingPanics<S>
where
    S: Service<Request<B>, Response = Response<Body>>,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = Caught<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        Caught {
            inner: catch_unwind(AssertUnwindSafe(|| self.0.call(request))).ok(),
        }
    }
}

pin_project_lite::pin_project! {
    struct Caught<F> {
        // None: the call itself panicked.
        #[pin]
        inner: Option<F>,
    }
}

impl<F, E> Future for Caught<F>
where
    F: Future<Output = Result<Response<Body>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Some(inner) = self.project().inner.as_pin_mut() else {
            return Poll::Ready(Ok(panicked()));
        };
        catch_unwind(AssertUnwindSafe(|| inner.poll(cx)))
            .unwrap_or_else(|_| Poll::Ready(Ok(panicked())))
    }
}

fn panicked() -> Response<Body> {
    ApiError::Internal("a handler panicked".into()).into_response()
}

/// The API routes' layers: no secret header in any log, one log line and one set of metrics
/// per request, the request id on every log line and problem body, the body limit, a time
/// limit on the whole request, and CORS for the configured origins.
pub fn api(router: Router, http: &HttpConfig) -> Router {
    let request_timeout = http.request_timeout;
    let inner = router
        .layer(axum::middleware::from_fn(move |request, next| {
            time_limit(request_timeout, request, next)
        }))
        .layer(DefaultBodyLimit::max(BODY_LIMIT));
    let observed = catching_panics(inner).layer(
        ServiceBuilder::new()
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(request_span)
                    .on_request(())
                    .on_response(log_response)
                    .on_failure(()),
            )
            .layer(prometheus::TrackRequestsLayer),
    );
    // Secret headers are marked before anything else sees the request.
    let marked = with_request_id(observed).layer(SetSensitiveHeadersLayer::new([
        AUTHORIZATION,
        COOKIE,
        SET_COOKIE,
        HeaderName::from_static("challenge-handle"),
        HeaderName::from_static("device-handle"),
    ]));
    with_cors(marked, &http.allowed_origins)
}

/// Answers 504 when a request as a whole takes longer than `limit`. Cognito calls have their
/// own, shorter timeout, so this catches only what nothing else bounds.
async fn time_limit(
    limit: Duration,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::RequestTimeout.into_response(),
    }
}

/// CORS for the configured browser origins, with credentials; none configured, no CORS
/// layer at all (no CORS headers, nothing to pay per request), and never `*` with
/// credentials.
fn with_cors(router: Router, origins: &[String]) -> Router {
    match cors(origins) {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

fn cors(origins: &[String]) -> Option<tower_http::cors::CorsLayer> {
    use axum::http::{HeaderName, HeaderValue, Method, header};
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let origins: Vec<HeaderValue> = origins.iter().filter_map(|o| o.parse().ok()).collect();
    if origins.is_empty() {
        return None;
    }
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            request_id::HEADER,
            // Requests made with the session cookie that change state must carry it.
            HeaderName::from_static("x-csrf"),
            // A page asking for a browser session rather than tokens.
            HeaderName::from_static("x-token-delivery"),
            // What Cognito's collector gathered in the page, for its threat protection.
            crate::extract::USER_CONTEXT_DATA,
        ])
        .expose_headers([
            request_id::HEADER,
            header::RETRY_AFTER,
            HeaderName::from_static("www-authenticate"),
        ])
        .max_age(Duration::from_secs(600));
    Some(cors)
}

/// One span per request: the matched route and a known method, never the raw URI, a
/// made-up method or any header but the (checked) request id.
fn request_span<B>(request: &Request<B>) -> Span {
    let route = prometheus::route_label(request);
    let id = request
        .headers()
        .get(&request_id::HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        request_id = %id,
        method = prometheus::method_label(request.method()),
        route = %route,
        cognito_operation = tracing::field::Empty,
    )
}

fn log_response<B>(response: &Response<B>, latency: Duration, _span: &Span) {
    tracing::info!(
        status = response.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "request finished"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    async fn send(app: Router, id: &[&str]) -> axum::response::Response {
        let mut request = Request::get("/");
        for id in id {
            request = request.header(&request_id::HEADER, *id);
        }
        app.oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_panic_is_answered_as_an_opaque_500_with_the_request_id() {
        async fn boom() -> &'static str {
            panic!("boom")
        }
        let routes = || Router::new().route("/", get(boom));
        let lean_path = Router::new().route_service(
            "/",
            lean(
                axum::handler::Handler::with_state(boom, ()),
                &Draining::default(),
            ),
        );
        for app in [with_request_id(catching_panics(routes())), lean_path] {
            let response = send(app, &["trace-1"]).await;
            assert_eq!(
                response.status(),
                axum::http::StatusCode::INTERNAL_SERVER_ERROR
            );
            assert_eq!(
                response.headers()[axum::http::header::CONTENT_TYPE],
                "application/problem+json"
            );
            assert_eq!(response.headers()[&request_id::HEADER], "trace-1");
        }
    }

    #[tokio::test]
    async fn an_answer_to_head_on_a_path_mounted_whole_has_no_body_but_its_length() {
        async fn refused() -> ApiError {
            ApiError::NoSession
        }
        let draining = Draining::default();
        let endpoint = || axum::handler::Handler::with_state(refused, ());
        let http = HttpConfig {
            listen_addr: ([127, 0, 0, 1], 0).into(),
            metrics_addr: None,
            request_timeout: Duration::from_secs(30),
            workers: 1,
            shutdown_drain: Duration::ZERO,
            shutdown_timeout: Duration::ZERO,
            allowed_origins: vec!["https://app.example.com".into()],
            cookie_secure: true,
            base_path: String::new(),
            session_gateways: Vec::new(),
        };
        for app in [
            Router::new().route_service("/", lean(endpoint(), &draining)),
            Router::new().route_service("/", token_handler(endpoint(), &http, &draining)),
        ] {
            let get = app
                .clone()
                .oneshot(Request::get("/").body(Body::empty()).unwrap())
                .await
                .unwrap();
            let body = axum::body::to_bytes(get.into_body(), 4096).await.unwrap();
            assert!(!body.is_empty(), "a problem body on GET");
            let head = app
                .oneshot(Request::head("/").body(Body::empty()).unwrap())
                .await
                .unwrap();
            assert_eq!(head.status(), axum::http::StatusCode::UNAUTHORIZED);
            assert_eq!(
                head.headers()[CONTENT_LENGTH],
                body.len().to_string().as_str()
            );
            let head_body = axum::body::to_bytes(head.into_body(), 4096).await.unwrap();
            assert!(head_body.is_empty());
        }
    }

    #[tokio::test]
    async fn the_request_id_is_the_callers_when_acceptable_else_a_fresh_uuid() {
        // The handler answers with the id it was given.
        let echo = || {
            with_request_id(Router::new().route(
                "/",
                get(|headers: axum::http::HeaderMap| async move {
                    headers[&request_id::HEADER].to_str().unwrap().to_owned()
                }),
            ))
        };
        let response = send(echo(), &["trace-4711"]).await;
        assert_eq!(response.headers()[&request_id::HEADER], "trace-4711");

        let long = "x".repeat(request_id::MAX_LEN + 1);
        for given in [&[][..], &["two", "ids"], &[long.as_str()], &["with space"]] {
            let response = send(echo(), given).await;
            let ids: Vec<_> = response
                .headers()
                .get_all(&request_id::HEADER)
                .iter()
                .collect();
            assert_eq!(ids.len(), 1, "{given:?}");
            let id = ids[0].to_str().unwrap().to_owned();
            let uuid = uuid::Uuid::parse_str(&id).expect("a UUID");
            assert_eq!(uuid.get_version_num(), 4);
            assert_eq!(id, uuid.hyphenated().to_string(), "lower-case, hyphenated");
            let body = axum::body::to_bytes(response.into_body(), 1024)
                .await
                .unwrap();
            assert_eq!(body, id.as_bytes(), "the handler saw the same id");
        }

        // An answer that sets its own id keeps it.
        let own = with_request_id(Router::new().route(
            "/",
            get(|| async { ([(request_id::HEADER, "from-the-handler")], "") }),
        ));
        let response = send(own, &["trace-1"]).await;
        assert_eq!(response.headers()[&request_id::HEADER], "from-the-handler");
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_past_the_time_limit_gets_a_504_problem() {
        let app = Router::new()
            .route("/", get(std::future::pending::<&'static str>))
            .layer(axum::middleware::from_fn(|request, next| {
                time_limit(Duration::from_secs(30), request, next)
            }));
        let response = app
            .oneshot(Request::get("/").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), axum::http::StatusCode::GATEWAY_TIMEOUT);
        assert_eq!(
            response.headers()[axum::http::header::CONTENT_TYPE],
            "application/problem+json"
        );
    }
}
