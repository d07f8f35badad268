//! An upstream's answer body that must end by a deadline: past it, the stream ends with an
//! error, so a call through `/api/` takes at most API_UPSTREAM_TIMEOUT_SECONDS, its body
//! included, however slowly the upstream sends it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Bytes, HttpBody};
use http_body::{Frame, SizeHint};
use tokio::time::Sleep;

pin_project_lite::pin_project! {
    pub struct Deadline<B> {
        #[pin]
        body: B,
        sleep: Pin<Box<Sleep>>,
    }
}

impl<B> Deadline<B> {
    /// `sleep`: the call's timer, already running.
    pub fn new(body: B, sleep: Pin<Box<Sleep>>) -> Self {
        Deadline { body, sleep }
    }
}

/// The answer's body outlasted the call's time.
#[derive(Debug, thiserror::Error)]
#[error("the upstream's answer did not end in time")]
pub struct PastDeadline;

impl<B> HttpBody for Deadline<B>
where
    B: HttpBody<Data = Bytes>,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.project();
        // The timer first: a body that always has a frame ready (an endless stream, a fast
        // upstream) must still end at the deadline.
        if this.sleep.as_mut().poll(cx).is_ready() {
            tracing::warn!("an upstream API's answer did not end in time; cut off");
            return Poll::Ready(Some(Err(PastDeadline.into())));
        }
        this.body
            .poll_frame(cx)
            .map(|frame| frame.map(|f| f.map_err(Into::into)))
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}
