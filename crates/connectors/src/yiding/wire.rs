//! The platform's HTTP wire: addresses built from the configured path templates, the API
//! key header, and answers turned into values or seed 004 §8.1 classes.
//!
//! Seed 002 names no error codes, so the HTTP status is the vendor's code: 401 key refused
//! (authentication), 403 not allowed (authorization), 400/422 a request it cannot read and
//! 404 an unknown path (validation), 409 a status change it refuses and 404 for a named
//! reservation (business logic: a person must look), 429 (rate limit, `Retry-After` kept),
//! 408/504 (timeout), other 5xx (network). The vendor's words come from `detail` (string or
//! list of `{msg}`), `message`, `error.message` or `msg`, else the first 120 characters.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};
use serde_json::Value;
use storelink_core::ErrorClass;

use crate::classify::classify_status;
use crate::connector::CallError;
use crate::http::{self, Answer};

/// What a 404 means for the call that got it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// The address itself is wrong (a list): a settings problem.
    Path,
    /// The named reservation does not exist: `None` for a read...
    Absent,
    /// ...and a refusal for a write.
    Refused,
}

/// The vendor's own message in an error body.
pub fn vendor_message(text: &str) -> String {
    let parsed: Option<Value> = serde_json::from_str(text).ok();
    let from_json = parsed.as_ref().and_then(|v| {
        let detail = match &v["detail"] {
            Value::String(s) => Some(s.clone()),
            Value::Array(items) => {
                let msgs: Vec<String> = items
                    .iter()
                    .filter_map(|i| i["msg"].as_str().or_else(|| i.as_str()))
                    .map(str::to_owned)
                    .collect();
                (!msgs.is_empty()).then(|| msgs.join("; "))
            }
            _ => None,
        };
        detail
            .or_else(|| v["message"].as_str().map(str::to_owned))
            .or_else(|| v["error"]["message"].as_str().map(str::to_owned))
            .or_else(|| v["msg"].as_str().map(str::to_owned))
    });
    from_json
        .filter(|m| !m.trim().is_empty())
        .map(|m| http::excerpt(&m, 300))
        .unwrap_or_else(|| http::excerpt(text.trim(), 120))
}

/// The class of a refused call (`status` outside 2xx), by the table in the module doc.
pub fn classify(status: u16, missing: Missing) -> ErrorClass {
    match (status, missing) {
        (404, Missing::Refused) | (409, _) => ErrorClass::BusinessLogicError,
        _ => classify_status(status).unwrap_or(ErrorClass::UnknownError),
    }
}

/// An answer → its JSON body (`None` for a 404 of a named record being read), or the
/// classified refusal. An empty 2xx body is `{}`.
pub fn read_answer(
    status: u16,
    retry_after: Option<Duration>,
    text: &str,
    what: &str,
    missing: Missing,
) -> Result<Option<Value>, CallError> {
    if (200..300).contains(&status) {
        if text.trim().is_empty() {
            return Ok(Some(Value::Object(Default::default())));
        }
        return serde_json::from_str(text)
            .map(Some)
            .map_err(|_| http::not_json(what, text, status));
    }
    if status == 404 && missing == Missing::Absent {
        return Ok(None);
    }
    let class = classify(status, missing);
    let message = format!("Yiding {what}: {}", vendor_message(text));
    Err(http::refused(class, message, status, retry_after))
}

/// `endpoint` + a path template, `{reservation_id}` filled in as one encoded segment.
pub fn address(endpoint: &str, template: &str, id: Option<&str>) -> Result<Url, CallError> {
    let bad = |why: &str| CallError::new(ErrorClass::ValidationError, why.to_owned());
    let mut url = Url::parse(endpoint.trim())
        .map_err(|_| bad("the Yiding api_endpoint is not a URL (https://host/path)"))?;
    {
        let mut segments = url
            .path_segments_mut()
            .map_err(|()| bad("the Yiding api_endpoint cannot take a path"))?;
        segments.pop_if_empty();
        for part in template.split('/').filter(|p| !p.is_empty()) {
            match (part, id) {
                ("{reservation_id}", Some(id)) => segments.push(id),
                ("{reservation_id}", None) => {
                    return Err(bad("this Yiding path needs a reservation id"));
                }
                (literal, _) => segments.push(literal),
            };
        }
    }
    Ok(url)
}

/// The API key header (`Authorization: Bearer <key>` unless configured otherwise).
#[derive(Clone)]
pub struct KeyHeader {
    pub name: HeaderName,
    pub value: HeaderValue,
}

impl KeyHeader {
    pub fn new(name: &str, scheme: &str, key: &str) -> Result<KeyHeader, CallError> {
        let bad = |why: String| CallError::new(ErrorClass::ValidationError, why);
        let name = HeaderName::from_bytes(name.trim().as_bytes())
            .map_err(|_| bad(format!("`{name}` is not an HTTP header name (auth_header)")))?;
        let text = match scheme.trim() {
            "" => key.to_owned(),
            s => format!("{s} {key}"),
        };
        let mut value = HeaderValue::from_str(&text)
            // Never the key itself in the message.
            .map_err(|_| bad("the Yiding api_key has characters a header cannot carry".into()))?;
        value.set_sensitive(true);
        Ok(KeyHeader { name, value })
    }
}

/// One call with the key and any extra headers; the transport error leaves the URL out.
pub(crate) async fn call(
    client: &reqwest::Client,
    method: Method,
    url: Url,
    key: &KeyHeader,
    extra: HeaderMap,
) -> Result<Answer, CallError> {
    let request = client
        .request(method, url)
        .header(key.name.clone(), key.value.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .headers(extra);
    http::exchange(request).await.map_err(http::transport)
}
