//! Limits on request bodies that the extractors alone do not give: a body whose declared
//! length is over the limit is refused from the header (413) without waiting for bytes
//! that may never come, and a body must arrive within [`BODY_READ_TIMEOUT`] in all, so a
//! client trickling its body (slow POST) cannot hold a connection open.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use hyper::body::{Frame, SizeHint};

use crate::problem::plain;

/// How long a client may take to send a whole request body.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(20);

pub(crate) async fn guard(request: Request, next: Next, limit: usize) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(declared) = declared.filter(|n| *n > limit as u64) {
        // A client still writing its body when the connection closes sees a broken pipe
        // instead of the answer. A body of a plausible size is read and dropped first (a
        // "lingering close"), a short while at most; a huge declared length is answered at
        // once.
        if declared <= DRAIN_AT_MOST {
            let _ = tokio::time::timeout(DRAIN_FOR, discard(request.into_body())).await;
        }
        return plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body",
            format!("the body is larger than the listener accepts ({limit} bytes)"),
        );
    }
    let (parts, body) = request.into_parts();
    let body = Body::new(Deadline {
        inner: body,
        expired: Box::pin(tokio::time::sleep(BODY_READ_TIMEOUT)),
    });
    next.run(Request::from_parts(parts, body)).await
}

/// The largest refused body read to its end before answering, so its sender gets the 413.
const DRAIN_AT_MOST: u64 = 16 * 1024 * 1024;
/// How long reading a refused body may take before the 413 is sent anyway.
const DRAIN_FOR: Duration = Duration::from_secs(2);

/// Reads a body to its end and drops it, a frame at a time.
async fn discard(mut body: Body) {
    use hyper::body::Body as _;
    while let Some(Ok(_)) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {}
}

/// A body that fails once its deadline has passed.
struct Deadline {
    inner: Body,
    expired: Pin<Box<tokio::time::Sleep>>,
}

#[derive(Debug)]
struct TooSlow;

impl std::fmt::Display for TooSlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the body did not arrive within {} s",
            BODY_READ_TIMEOUT.as_secs()
        )
    }
}

impl std::error::Error for TooSlow {}

impl hyper::body::Body for Deadline {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if this.expired.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(axum::Error::new(TooSlow))));
        }
        Pin::new(&mut this.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
