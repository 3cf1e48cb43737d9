//! HTTP plumbing every connector shares: building the client, one exchange read to the end,
//! and turning transport faults, refusals and unreadable bodies into `CallError`s the same
//! way everywhere (classes from [`crate::classify`]).

use std::future::Future;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;
use storelink_core::ErrorClass;

use crate::classify::classify_transport;
use crate::connector::CallError;

/// The HTTP client of one connector, with its call timeout.
pub(crate) fn client(timeout: Duration) -> Result<reqwest::Client, CallError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .build()
        // A builder error has no transport class of its own.
        .map_err(|e| CallError::new(ErrorClass::UnknownError, e.to_string()))
}

/// The longest wait a vendor's `Retry-After` is taken at: the engine adds the wait to the
/// clock, and an absurd one (10^13 s) would overflow that sum.
const RETRY_AFTER_MAX_SECS: u64 = 86_400;

/// The longest a vendor-stated token or session lifetime is believed: the connector adds it
/// to `Instant::now()`, and an absurd `expires_in` (10^19 s) would overflow that sum.
const LIFETIME_MAX_SECS: u64 = 86_400;

/// A vendor-stated lifetime in seconds, capped at a day (renewing early is harmless).
pub(crate) fn vendor_lifetime(secs: u64) -> Duration {
    Duration::from_secs(secs.min(LIFETIME_MAX_SECS))
}

/// `Retry-After` in seconds (the date form is not used by the vendors we speak to).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(|secs| Duration::from_secs(secs.min(RETRY_AFTER_MAX_SECS)))
}

/// A transport failure, without the URL (its query may carry a secret or a token).
pub(crate) fn transport(e: reqwest::Error) -> CallError {
    CallError::new(classify_transport(&e), e.without_url().to_string())
}

/// A transport failure with the URL kept, for vendors whose URLs carry no secret.
pub(crate) fn transport_with_url(e: reqwest::Error) -> CallError {
    CallError::new(classify_transport(&e), e.to_string())
}

/// The first `n` characters of a body, for messages.
pub(crate) fn excerpt(text: &str, n: usize) -> String {
    text.chars().take(n).collect()
}

/// A call the vendor answered with an error status.
pub(crate) fn refused(
    class: ErrorClass,
    message: String,
    status: u16,
    retry_after: Option<Duration>,
) -> CallError {
    CallError {
        class,
        message,
        retry_after,
        status: Some(status),
    }
}

/// A body that should have been JSON and was not.
pub(crate) fn not_json(what: &str, text: &str, status: u16) -> CallError {
    refused(
        ErrorClass::ValidationError,
        format!(
            "the answer to {what} is not valid JSON: {}",
            excerpt(text, 80)
        ),
        status,
        None,
    )
}

/// One answer read to the end. The headers are kept for session cookies.
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub retry_after: Option<Duration>,
    pub text: String,
}

impl Answer {
    pub(crate) fn code(&self) -> u16 {
        self.status.as_u16()
    }

    /// The body as JSON; `what` names the call in the error.
    pub(crate) fn json(&self, what: &str) -> Result<Value, CallError> {
        serde_json::from_str(&self.text).map_err(|_| not_json(what, &self.text, self.code()))
    }
}

/// Sends a request and reads the whole answer. The raw transport error is returned so
/// each vendor decides whether its URL may show in messages.
pub(crate) async fn exchange(request: reqwest::RequestBuilder) -> Result<Answer, reqwest::Error> {
    let response = request.send().await?;
    let status = response.status();
    let headers = response.headers().clone();
    let retry_after = retry_after(&headers);
    let text = response.text().await?;
    Ok(Answer {
        status,
        headers,
        retry_after,
        text,
    })
}

/// `test_connection` of a session-based connector: the cached session is dropped so the
/// credentials are really checked, then a login and one cheap read. The futures are lazy,
/// so nothing runs before `forget`.
pub(crate) async fn check_connection<A, B>(
    forget: impl FnOnce(),
    login: impl Future<Output = Result<A, CallError>>,
    read: impl Future<Output = Result<B, CallError>>,
) -> Result<(), CallError> {
    forget();
    login.await?;
    read.await.map(|_| ())
}
