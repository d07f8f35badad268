//! The request's id, as problem bodies quote it: set for the handling of one request with
//! [`scope`], read back anywhere on that task with [`current`].

use std::future::Future;

use axum::http::HeaderName;

/// The header the id travels in, both ways.
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

/// Runs `work` with `id` as the current request's id.
pub async fn scope<F: Future>(id: String, work: F) -> F::Output {
    CURRENT.scope(id, work).await
}

/// `work` with `id` as the current request's id, as a future a layer can name.
pub fn scoped<F: Future>(id: String, work: F) -> tokio::task::futures::TaskLocalFuture<String, F> {
    CURRENT.scope(id, work)
}
