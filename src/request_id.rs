//! Request ids: accepted from `x-request-id` or generated, returned on the response, written to
//! every log line of the request, and put in problem bodies so a user's report finds its logs.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue};
use tower::{Layer, Service};

pub use cognito_verifier::request_id::{HEADER, current};

/// The longest caller-supplied id kept.
pub const MAX_LEN: usize = 128;

/// A caller's id is kept only if it is 1 to 128 visible ASCII characters: it is echoed in
/// headers, bodies and every log line of the request.
pub fn is_acceptable(value: &[u8]) -> bool {
    !value.is_empty() && value.len() <= MAX_LEN && value.iter().all(|b| b.is_ascii_graphic())
}

/// The caller's request id, when it sent exactly one and it is acceptable.
fn acceptable(headers: &HeaderMap) -> Option<&HeaderValue> {
    let mut ids = headers.get_all(&HEADER).iter();
    match (ids.next(), ids.next()) {
        (Some(id), None) if is_acceptable(id.as_bytes()) => Some(id),
        _ => None,
    }
}

/// A new request id: a random (v4) UUID.
///
/// The random bits come from a userspace CSPRNG (uuid's `fast-rng`: `rand`'s thread-local
/// ChaCha generator, seeded from the OS) rather than a `getrandom` system call per request:
/// as unpredictable, at a fraction of the cost. An id needs to be unique and to reveal
/// nothing (no counter, no clock); it is no secret.
fn fresh_id() -> HeaderValue {
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    uuid::Uuid::new_v4().hyphenated().encode_lower(&mut text);
    // Shared from the start: the request and the answer each get a handle, one allocation.
    HeaderValue::from_maybe_shared(Bytes::from_owner(text)).expect("a UUID is a header value")
}

/// The request id, in one layer: the caller's id in `x-request-id` when it is acceptable,
/// else a fresh one in its place (an unacceptable or repeated id is dropped), and the same id
/// on the answer unless the answer set its own.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestIdLayer;

impl<S> Layer<S> for RequestIdLayer {
    type Service = WithRequestId<S>;

    fn layer(&self, inner: S) -> Self::Service {
        WithRequestId(inner)
    }
}

#[derive(Clone, Debug)]
pub struct WithRequestId<S>(S);

impl<S, B, R> Service<axum::http::Request<B>> for WithRequestId<S>
where
    S: Service<axum::http::Request<B>, Response = axum::http::Response<R>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Answered<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, mut request: axum::http::Request<B>) -> Self::Future {
        let id = match acceptable(request.headers()) {
            Some(id) => id.clone(),
            None => {
                let id = fresh_id();
                request.headers_mut().insert(HEADER, id.clone());
                id
            }
        };
        Answered {
            inner: self.0.call(request),
            id: Some(id),
        }
    }
}

pin_project_lite::pin_project! {
    /// The answer with the request's id on it.
    pub struct Answered<F> {
        #[pin]
        inner: F,
        id: Option<HeaderValue>,
    }
}

impl<F, R, E> Future for Answered<F>
where
    F: Future<Output = Result<axum::http::Response<R>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut response = ready!(this.inner.poll(cx))?;
        if let Some(id) = this.id.take()
            && !response.headers().contains_key(HEADER)
        {
            response.headers_mut().insert(HEADER, id);
        }
        Poll::Ready(Ok(response))
    }
}

/// `RequestIdLayer`, and the id made the current one of the task that handles the request
/// (`current`), for problem bodies and log lines. A layer of its own rather than a
/// middleware function, which would box the rest of the stack's future on every request.
#[derive(Clone, Copy, Debug, Default)]
pub struct ScopedRequestIdLayer;

impl<S> Layer<S> for ScopedRequestIdLayer {
    type Service = WithRequestId<Scoped<S>>;

    fn layer(&self, inner: S) -> Self::Service {
        WithRequestId(Scoped(inner))
    }
}

/// Runs the inner service's answer with the request's id (set by `WithRequestId` around it)
/// as the task's current one. The inner `call` itself runs before the scope: it only makes
/// the future (a route, a layer's wrapper); what logs or answers does so while it is polled.
#[derive(Clone, Debug)]
pub struct Scoped<S>(S);

impl<S, B> Service<axum::http::Request<B>> for Scoped<S>
where
    S: Service<axum::http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = tokio::task::futures::TaskLocalFuture<String, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: axum::http::Request<B>) -> Self::Future {
        let id = request
            .headers()
            .get(&HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        cognito_verifier::request_id::scoped(id, self.0.call(request))
    }
}
