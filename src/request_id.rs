//! Request ids: accepted from `x-request-id` or generated, returned on the response, written to
//! every log line of the request, and put in problem bodies so a user's report finds its logs.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use tower_http::request_id::{MakeRequestId, RequestId};

pub use cognito_verifier::request_id::{HEADER, current};

/// The longest caller-supplied id kept.
pub const MAX_LEN: usize = 128;

/// A caller's id is kept only if it is 1 to 128 visible ASCII characters: it is echoed in
/// headers, bodies and every log line of the request.
pub fn is_acceptable(value: &[u8]) -> bool {
    !value.is_empty() && value.len() <= MAX_LEN && value.iter().all(|b| b.is_ascii_graphic())
}

/// Removes a caller's request id that is not acceptable (or given twice), so a fresh one
/// is made in its place.
pub fn drop_unacceptable<B>(mut request: axum::http::Request<B>) -> axum::http::Request<B> {
    let mut ids = request.headers().get_all(&HEADER).iter();
    let keep = match (ids.next(), ids.next()) {
        (Some(id), None) => is_acceptable(id.as_bytes()),
        (None, _) => true,
        (Some(_), Some(_)) => false,
    };
    if !keep {
        request.headers_mut().remove(&HEADER);
    }
    request
}

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
    cognito_verifier::request_id::scope(id, next.run(request)).await
}
