//! What a connection's requests go to first: `/verify` and the paths below it straight to
//! `/verify`'s endpoint, the token handler's `/api/{name}/…` straight to its own, everything
//! else to the router.
//!
//! Every request behind a gateway is a `/verify`, and every call a signed-in page makes to an
//! API goes through the token handler. Neither reads what the router gives a route (path
//! parameters, the matched path, a path with the base taken off), and through axum's router
//! they paid for it anyway, and for a boxed copy of the route: about a tenth of the
//! instructions of a `/verify` with a cached token, and 3,000 of the token handler's
//! (`benches/instructions.sh`). Under BASE_PATH both get the whole path: `/verify` reads no
//! path, and the token handler takes the base off itself. The token handler's metrics read
//! the route template from [`RouteTemplate`], put here where the router would have put its
//! matched path.

use std::collections::HashSet;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use tower::Service;

use crate::layers::Endpoint;
use crate::prometheus::RouteTemplate;

/// `/verify` and the token handler in front of the router. Mounted at the root or, under
/// BASE_PATH, below it.
///
/// The server clones its service for every request; this is one shared reference, and only
/// the endpoint that takes the request is cloned (a clone of each of the three would cost
/// every request their reference counts, contended between cores).
#[derive(Clone)]
pub struct Front<V, T>(Arc<Routes<V, T>>);

struct Routes<V, T> {
    base_path: Box<str>,
    verify: V,
    token_handler: T,
    /// The token handler's route templates, as the router would have named them under
    /// BASE_PATH: `/api/{name}`, `/api/{name}/` and `/api/{name}/{*path}`.
    templates: [&'static str; 3],
    router: Router,
}

impl<V: Endpoint, T: Endpoint> Front<V, T> {
    /// `verify` answers `{base_path}/verify` and `{base_path}/verify/{*path}`, `token_handler`
    /// `{base_path}/api/{name}`, `{base_path}/api/{name}/` and `{base_path}/api/{name}/{*path}`,
    /// as the router would have matched them; `router` everything else.
    pub fn new(base_path: &str, verify: V, token_handler: T, router: Router) -> Self {
        Front(Arc::new(Routes {
            base_path: base_path.into(),
            verify,
            token_handler,
            templates: TOKEN_HANDLER_TEMPLATES.map(|template| under(base_path, template)),
            router,
        }))
    }
}

/// The token handler's paths as the router would have named them: a name alone, a name and a
/// slash, a name and a path.
const TOKEN_HANDLER_TEMPLATES: [&str; 3] = ["/api/{name}", "/api/{name}/", "/api/{name}/{*path}"];

/// `template` below `base_path`, kept for the life of the process: metrics keep their labels
/// as `&'static str`, and each BASE_PATH a process is configured with adds its three once.
fn under(base_path: &str, template: &'static str) -> &'static str {
    if base_path.is_empty() {
        return template;
    }
    static KEPT: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let label = format!("{base_path}{template}");
    let mut kept = KEPT
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match kept.get(label.as_str()) {
        Some(kept) => kept,
        None => {
            let label: &'static str = Box::leak(label.into_boxed_str());
            kept.insert(label);
            label
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

/// Which of the token handler's paths `path` is, if any: the router's `/api/{name}`,
/// `/api/{name}/` and `/api/{name}/{*path}` (an index into [`TOKEN_HANDLER_TEMPLATES`]),
/// compared as the router compares, byte for byte and not decoded. As in the router, a
/// catch-all needs at least one character, and so does a name that ends the path, but a
/// name followed by a slash may be empty (`/api//x`); no upstream has that name.
fn token_handler_path(path: &str, base_path: &str) -> Option<usize> {
    let rest = path.strip_prefix(base_path)?.strip_prefix("/api/")?;
    match rest.split_once('/') {
        None if rest.is_empty() => None,
        None => Some(0),
        Some((_, "")) => Some(1),
        Some(_) => Some(2),
    }
}

impl<V: Endpoint, T: Endpoint> Service<Request> for Front<V, T> {
    type Response = Response;
    type Error = Infallible;
    type Future = Routed<V::Future, T::Future, <Router as Service<Request>>::Future>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // Each of the three is always ready (`ready`): the router clones its routes per call,
        // and an `Endpoint` is layers that are always ready over a handler, which clones it
        // per call. A layer that can be unready (a concurrency limit, a buffer) would have to
        // go around the front, not inside an endpoint.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let routes = &*self.0;
        let path = request.uri().path();
        if is_verify(path, &routes.base_path) {
            Routed::Verify {
                future: ready(routes.verify.clone()).call(request),
            }
        } else if let Some(template) = token_handler_path(path, &routes.base_path) {
            request
                .extensions_mut()
                .insert(RouteTemplate(routes.templates[template]));
            Routed::TokenHandler {
                future: ready(routes.token_handler.clone()).call(request),
            }
        } else {
            Routed::Other {
                future: ready(routes.router.clone()).call(request),
            }
        }
    }
}

/// `service`, which is always ready: checked in debug builds (the tests), not polled in
/// release ones.
fn ready<S: Service<Request>>(mut service: S) -> S {
    debug_assert!(
        service
            .poll_ready(&mut Context::from_waker(std::task::Waker::noop()))
            .is_ready()
    );
    service
}

pin_project_lite::pin_project! {
    /// The answer of whichever took the request.
    #[project = Taken]
    pub enum Routed<V, T, R> {
        Verify { #[pin] future: V },
        TokenHandler { #[pin] future: T },
        Other { #[pin] future: R },
    }
}

impl<V, T, R> Future for Routed<V, T, R>
where
    V: Future<Output = Result<Response<Body>, Infallible>>,
    T: Future<Output = Result<Response<Body>, Infallible>>,
    R: Future<Output = Result<Response<Body>, Infallible>>,
{
    type Output = Result<Response<Body>, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            Taken::Verify { future } => future.poll(cx),
            Taken::TokenHandler { future } => future.poll(cx),
            Taken::Other { future } => future.poll(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::extract::{MatchedPath, Request};
    use axum::http::StatusCode;
    use axum::routing::any;
    use tower::ServiceExt;

    use super::{TOKEN_HANDLER_TEMPLATES, is_verify, token_handler_path, under};

    /// The route template axum's router matches for `path`, with `/verify`'s and the token
    /// handler's routes as they were mounted, under `base_path`; `None` where it matches none.
    async fn router_matches(path: &str, base_path: &str) -> Option<String> {
        let template = |matched: MatchedPath| async move { matched.as_str().to_owned() };
        let routes = Router::new()
            .route("/verify", any(template))
            .route("/verify/{*path}", any(template))
            .route("/api/{name}", any(template))
            .route("/api/{name}/", any(template))
            .route("/api/{name}/{*path}", any(template));
        let router = if base_path.is_empty() {
            routes
        } else {
            Router::new().nest(base_path, routes)
        };
        let request = Request::get(path).body(Body::empty()).unwrap();
        let answer = router.oneshot(request).await.unwrap();
        if answer.status() != StatusCode::OK {
            return None;
        }
        let body = axum::body::to_bytes(answer.into_body(), 1024)
            .await
            .unwrap();
        Some(String::from_utf8(body.to_vec()).unwrap())
    }

    /// What the front takes `path` to, named as the router would have named the route.
    fn front_takes(path: &str, base_path: &str) -> Option<String> {
        if is_verify(path, base_path) {
            let below = path.len() > base_path.len() + "/verify".len();
            let template = if below { "/verify/{*path}" } else { "/verify" };
            return Some(format!("{base_path}{template}"));
        }
        token_handler_path(path, base_path)
            .map(|template| under(base_path, TOKEN_HANDLER_TEMPLATES[template]).to_owned())
    }

    #[tokio::test]
    async fn the_front_takes_the_paths_the_router_matched_for_verify_and_the_token_handler() {
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
            "/api",
            "/api/",
            "/api//",
            "/api//x",
            "/api/orders",
            "/api/orders/",
            "/api/orders//",
            "/api/orders/42",
            "/api/orders/42/",
            "/api/orders/a/b",
            "/api/or%2Fders/x",
            "/api/.",
            "/api/../x",
            "/apix/orders",
            "/API/orders",
            "/%61pi/orders",
            "//api/orders",
            "/auth/api/orders",
            "/auth/api/orders/",
            "/auth/api/orders/42",
            "/auth/api/",
            "/authapi/orders",
            "/auth//api/orders",
        ];
        let mut taken = 0;
        for base_path in ["", "/auth", "/a/b"] {
            for path in paths {
                let expected = router_matches(path, base_path).await;
                assert_eq!(front_takes(path, base_path), expected, "{base_path} {path}");
                taken += usize::from(expected.is_some());
            }
        }
        assert_eq!(taken, 18 + 5, "18 at the root, 5 under /auth");
    }

    #[test]
    fn a_base_paths_templates_are_kept_once() {
        let first = under("/auth", "/api/{name}");
        assert_eq!(first, "/auth/api/{name}");
        assert!(std::ptr::eq(first, under("/auth", "/api/{name}")));
        let template: &'static str = "/api/{name}";
        assert!(std::ptr::eq(under("", template), template));
    }
}
