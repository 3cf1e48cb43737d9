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

/// The first `n` characters of a body, for messages, with credentials the vendor issued
/// (tokens, session ids, tickets, signatures) blanked out: a login answered with an error
/// status may still carry them, and messages are stored and logged.
pub(crate) fn excerpt(text: &str, n: usize) -> String {
    let shown = match serde_json::from_str::<serde_json::Value>(text) {
        Ok(mut value) if value.is_object() || value.is_array() => {
            redact_json(&mut value);
            value.to_string()
        }
        _ => redact_text(text),
    };
    shown.chars().take(n).collect()
}

const REDACTED: &str = "…";

/// Parts of a field name that mark its value as a credential.
const CREDENTIAL_WORDS: [&str; 9] = [
    "token",
    "session",
    "secret",
    "password",
    "passwd",
    "ticket",
    "cookie",
    "authorization",
    "sign",
];

fn names_a_credential(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    CREDENTIAL_WORDS.iter().any(|w| name.contains(w))
}

fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if names_a_credential(key) {
                    *v = serde_json::Value::String(REDACTED.to_owned());
                } else {
                    redact_json(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

/// The same for text that is not JSON (forms, XML, half a JSON body): the value after a
/// credential's name and its `=`, `:` or `>` is blanked up to the next delimiter.
fn redact_text(text: &str) -> String {
    // ASCII lower-casing keeps every byte where it was.
    let lower = text.to_ascii_lowercase().into_bytes();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        let Some(word) = CREDENTIAL_WORDS
            .iter()
            .find(|w| lower[at..].starts_with(w.as_bytes()))
        else {
            at += 1;
            continue;
        };
        let mut i = at + word.len();
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        while i < bytes.len() && matches!(bytes[i], b'"' | b'\'' | b' ') {
            i += 1;
        }
        if i >= bytes.len() || !matches!(bytes[i], b'=' | b':' | b'>') {
            at = i.max(at + 1);
            continue;
        }
        i += 1;
        while i < bytes.len() && matches!(bytes[i], b'"' | b'\'' | b' ') {
            i += 1;
        }
        let value_end = bytes[i..]
            .iter()
            .position(|b| {
                matches!(b, b'"' | b'\'' | b'&' | b',' | b';' | b'<' | b'}' | b']')
                    || b.is_ascii_whitespace()
            })
            .map_or(bytes.len(), |p| i + p);
        if value_end > i {
            out.push_str(&text[copied..i]);
            out.push_str(REDACTED);
            copied = value_end;
        }
        at = value_end.max(i);
    }
    out.push_str(&text[copied..]);
    out
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

#[cfg(test)]
mod excerpt_tests {
    use super::excerpt;

    #[test]
    fn issued_credentials_are_blanked_in_json_and_in_text() {
        let json = r#"{"access_token":"eyJ.secret.part","expires_in":7200,"SessionId":"B1S-123","error":{"message":"busy"}}"#;
        let shown = excerpt(json, 200);
        assert!(
            !shown.contains("eyJ") && !shown.contains("B1S-123"),
            "{shown}"
        );
        assert!(shown.contains("busy") && shown.contains("7200"), "{shown}");

        for text in [
            "access_token=abc123&expires_in=60",
            "<token>abc123</token>",
            "token: abc123 was refused",
            r#"{"sessionId": "abc123", "cut off"#,
            "服务繁忙 ticket=abc123；请稍后",
        ] {
            let shown = excerpt(text, 200);
            assert!(!shown.contains("abc123"), "{text} -> {shown}");
        }
        assert_eq!(excerpt("下单失败: 库存不足", 200), "下单失败: 库存不足");
        assert_eq!(
            excerpt("the token was refused", 200),
            "the token was refused"
        );
        assert_eq!(excerpt("abcdef", 3), "abc");
    }
}
