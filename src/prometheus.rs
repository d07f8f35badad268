//! Metrics in the Prometheus text format at `/metrics`, recorded with the `metrics` crate and
//! served on a listener of their own (METRICS_ADDR), never on the public API port.
//!
//! Every label value comes from a fixed set: the matched route (never the raw path), one of
//! the methods the API serves or `other`, the status the service chose, a Cognito operation
//! and a folded outcome. Whatever clients send, the number of series stays bounded.
//!
//! What is counted: requests and their latency by route and status; Cognito calls and their
//! latency by operation and outcome; challenge outcomes; JWKS fetches; and the sizes of the
//! challenge store and the revocation list. (JWKS fetches are counted by the verifier itself,
//! as `jwks_fetches_total`, so that it records them wherever it is used.)

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll, ready};
use std::time::Instant;

use axum::extract::MatchedPath;
use axum::http::Method;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tower::{Layer, Service};

const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process-wide recorder; installed once, however many apps a process builds.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
            .expect("static buckets are valid");
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        // Another recorder may be installed already (in tests); ours still renders what it
        // was given, and the first one wins globally.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// A request's method as a label or log field: the methods the API serves, or `other`, so a
/// client inventing methods can't mint a series (or a log value) per invention.
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::PUT => "PUT",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The route template of a request taken in front of the router (`routes::Front`), where the
/// router would have put its `MatchedPath`.
#[derive(Clone, Copy, Debug)]
pub struct RouteTemplate(pub &'static str);

/// Where a request's route label comes from.
#[derive(Debug)]
enum Route {
    Matched(MatchedPath),
    Template(&'static str),
    Unmatched,
}

impl Route {
    fn of<B>(request: &axum::http::Request<B>) -> Self {
        let extensions = request.extensions();
        if let Some(RouteTemplate(template)) = extensions.get::<RouteTemplate>() {
            return Route::Template(template);
        }
        extensions
            .get::<MatchedPath>()
            .map_or(Route::Unmatched, |matched| Route::Matched(matched.clone()))
    }

    fn label(&self) -> &str {
        match self {
            Route::Matched(matched) => matched.as_str(),
            Route::Template(template) => template,
            Route::Unmatched => "unmatched",
        }
    }
}

/// The route template the router matched (`/me`, never `/me/anything`) or the front took,
/// or `unmatched`.
pub fn route_label<B>(request: &axum::http::Request<B>) -> String {
    Route::of(request).label().to_owned()
}

/// Counts each request and its latency by route, method and status. A layer of its own
/// rather than a middleware function, which would box the rest of the stack's future on
/// every request.
#[derive(Clone, Copy, Debug, Default)]
pub struct TrackRequestsLayer;

impl<S> Layer<S> for TrackRequestsLayer {
    type Service = TrackRequests<S>;

    fn layer(&self, inner: S) -> Self::Service {
        TrackRequests(inner)
    }
}

#[derive(Clone, Debug)]
pub struct TrackRequests<S>(S);

impl<S, B, R> Service<axum::http::Request<B>> for TrackRequests<S>
where
    S: Service<axum::http::Request<B>, Response = axum::http::Response<R>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Tracked<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: axum::http::Request<B>) -> Self::Future {
        Tracked {
            route: Route::of(&request),
            method: method_label(request.method()),
            started: Instant::now(),
            inner: self.0.call(request),
        }
    }
}

pin_project_lite::pin_project! {
    /// A request's answer, counted once it comes.
    pub struct Tracked<F> {
        #[pin]
        inner: F,
        route: Route,
        method: &'static str,
        started: Instant,
    }
}

impl<F, R, E> Future for Tracked<F>
where
    F: Future<Output = Result<axum::http::Response<R>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let answer = ready!(this.inner.poll(cx));
        if let Ok(response) = &answer {
            record(
                this.route.label(),
                this.method,
                response.status().as_u16(),
                this.started.elapsed().as_secs_f64(),
            );
        }
        Poll::Ready(answer)
    }
}

/// One route's series: by method and status.
type RouteSeries = HashMap<(&'static str, u16), Handles, foldhash::fast::RandomState>;
type Handles = (metrics::Counter, metrics::Histogram);

thread_local! {
    /// The handles of the series this thread has recorded, so a request is counted without
    /// building its labels and looking them up in the registry again. Bounded as the series
    /// are: route templates, the method labels, three-digit statuses.
    static SERIES: RefCell<HashMap<Box<str>, RouteSeries, foldhash::fast::RandomState>> =
        RefCell::new(HashMap::default());
}

fn record(route: &str, method: &'static str, status: u16, seconds: f64) {
    SERIES.with_borrow_mut(|routes| {
        let by_status = match routes.get_mut(route) {
            Some(by_status) => by_status,
            None => routes.entry(route.into()).or_default(),
        };
        let handles = by_status.entry((method, status)).or_insert_with(|| {
            let labels = [
                ("route", route.to_owned()),
                ("method", method.to_owned()),
                ("status", status.to_string()),
            ];
            (
                metrics::counter!("http_requests_total", &labels),
                metrics::histogram!("http_request_duration_seconds", &labels),
            )
        });
        handles.0.increment(1);
        handles.1.record(seconds);
    });
}

pub fn store_sizes(challenges: u64, revocations: usize) {
    metrics::gauge!("challenge_store_size").set(challenges as f64);
    metrics::gauge!("revocation_list_size").set(revocations as f64);
}
