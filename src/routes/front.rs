//! What a connection's requests go to first: `/verify` and the paths below it straight to
//! `/verify`'s endpoint, everything else to the router.
//!
//! Every request behind a gateway is a `/verify`, and it reads nothing the router gives a
//! route: no path parameters, no matched path. Through axum's router it paid for them anyway,
//! and for a boxed copy of the route: about a tenth of the instructions a `/verify` with a
//! cached token costs (`benches/instructions.sh`). Under BASE_PATH it gets the whole path,
//! where the router would have taken the base off; it reads no path.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use tower::Service;

use crate::layers::Endpoint;

/// `/verify` in front of the router. Mounted at the root or, under BASE_PATH, below it.
#[derive(Clone)]
pub struct Front<V> {
    base_path: Arc<str>,
    verify: V,
    router: Router,
}

impl<V: Endpoint> Front<V> {
    /// `verify` answers `{base_path}/verify` and `{base_path}/verify/{*path}`, as the router
    /// would have matched them; `router` everything else.
    pub fn new(base_path: &str, verify: V, router: Router) -> Self {
        Front {
            base_path: base_path.into(),
            verify,
            router,
        }
    }
}

/// The paths `/verify` answers: the router's `/verify` and `/verify/{*path}`, compared as the
/// router compares, byte for byte and not decoded. A catch-all needs at least one character,
/// so `/verify/` is not one of them.
fn is_verify(path: &str, base_path: &str) -> bool {
    match path
        .strip_prefix(base_path)
        .and_then(|rest| rest.strip_prefix("/verify"))
    {
        Some("") => true,
        Some(rest) => rest
            .strip_prefix('/')
            .is_some_and(|below| !below.is_empty()),
        None => false,
    }
}

impl<V: Endpoint> Service<Request> for Front<V> {
    type Response = Response;
    type Error = Infallible;
    type Future = Routed<V::Future, <Router as Service<Request>>::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // Both are always ready: the router clones its routes per call, and the endpoint is
        // layers over a handler.
        ready!(self.verify.poll_ready(cx))?;
        Service::<Request>::poll_ready(&mut self.router, cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        if is_verify(request.uri().path(), &self.base_path) {
            Routed::Verify {
                future: self.verify.call(request),
            }
        } else {
            Routed::Other {
                future: self.router.call(request),
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// The answer of whichever of the two took the request.
    #[project = Taken]
    pub enum Routed<V, R> {
        Verify { #[pin] future: V },
        Other { #[pin] future: R },
    }
}

impl<V, R> Future for Routed<V, R>
where
    V: Future<Output = Result<Response<Body>, Infallible>>,
    R: Future<Output = Result<Response<Body>, Infallible>>,
{
    type Output = Result<Response<Body>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            Taken::Verify { future } => future.poll(cx),
            Taken::Other { future } => future.poll(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::extract::Request;
    use axum::http::StatusCode;
    use axum::routing::any;
    use tower::ServiceExt;

    use super::is_verify;

    /// Whether axum's router, with `/verify`'s routes as they were mounted, matches `path`.
    async fn router_matches(path: &str, base_path: &str) -> bool {
        let verify = Router::new()
            .route("/verify", any(|| async { StatusCode::OK }))
            .route("/verify/{*path}", any(|| async { StatusCode::OK }));
        let router = if base_path.is_empty() {
            verify
        } else {
            Router::new().nest(base_path, verify)
        };
        let request = Request::get(path).body(Body::empty()).unwrap();
        router.oneshot(request).await.unwrap().status() == StatusCode::OK
    }

    #[tokio::test]
    async fn verify_takes_the_paths_the_router_matched_for_it_and_no_other() {
        let paths = [
            "/verify",
            "/verify/x",
            "/verify/api/orders/42",
            "/verify//",
            "/verify//x",
            "/verify/%2F",
            "/",
            "/verify/",
            "/verifyx",
            "/verify.json",
            "/Verify",
            "/%76erify",
            "/api/verify",
            "//verify",
            "/auth",
            "/auth/",
            "/auth/verify",
            "/auth/verify/x",
            "/auth/verify/",
            "/authverify",
            "/auth//verify",
        ];
        let mut taken = 0;
        for base_path in ["", "/auth", "/a/b"] {
            for path in paths {
                let expected = router_matches(path, base_path).await;
                assert_eq!(is_verify(path, base_path), expected, "{base_path} {path}");
                taken += usize::from(expected);
            }
        }
        assert_eq!(taken, 6 + 2, "six at the root, two under /auth");
    }
}
