//! Request ids: accepted from `x-request-id` or generated, returned on the response, written to
//! every log line of the request, and put in problem bodies so a user's report finds its logs.

use axum::http::HeaderName;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static CURRENT: String;
}

/// The id of the request being handled on this task, if any.
pub fn current() -> Option<String> {
    CURRENT
        .try_with(Clone::clone)
        .ok()
        .filter(|id| !id.is_empty())
}

#[cfg(feature = "server")]
pub use server::{MakeUuid, scope};

#[cfg(feature = "server")]
mod server {
    use axum::extract::Request;
    use axum::middleware::Next;
    use axum::response::Response;
    use tower_http::request_id::{MakeRequestId, RequestId};

    use super::{CURRENT, HEADER};

    /// Generates a random UUID for requests that arrive without an id.
    #[derive(Clone, Copy, Default)]
    pub struct MakeUuid;

    impl MakeRequestId for MakeUuid {
        fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
            let id = uuid::Uuid::new_v4().to_string();
            id.parse().ok().map(RequestId::new)
        }
    }

    /// Makes the request id (already set by `SetRequestIdLayer`) visible to the handler's task.
    pub async fn scope(request: Request, next: Next) -> Response {
        let id = request
            .headers()
            .get(&HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        CURRENT.scope(id, next.run(request)).await
    }
}
