//! Reading a Haier reply. The envelope is not recorded, so how it is read is a setting
//! (`config.reply`, `config.error_classes`; defaults below): vendor errors map to seed 004
//! §8.1 classes with the vendor's message kept, and a refused token is told apart so the
//! caller can fetch a new one.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;
use storelink_core::error::{AppError, Rule};
use storelink_core::ErrorClass;

use super::config::{invalid, texts};
use crate::classify::classify_status;
use crate::connector::CallError;
use crate::http;
use crate::registry::ConnectorSettings;
use crate::sap_b1::wire::decimals_as_strings;
use crate::yonyou::code_text;

/// How a reply envelope is read (`config.reply`, `config.error_classes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyShape {
    pub success_key: String,
    pub code_key: String,
    pub message_key: String,
    pub data_key: String,
    /// Codes that mean the call worked.
    pub ok_codes: Vec<String>,
    /// Codes that mean "token invalid or expired": get a new token and repeat once.
    pub token_invalid_codes: Vec<String>,
    /// Vendor code → class, before the default reading of HTTP-like codes.
    pub error_classes: BTreeMap<String, ErrorClass>,
}

impl Default for ReplyShape {
    fn default() -> Self {
        ReplyShape {
            success_key: "success".to_owned(),
            code_key: "code".to_owned(),
            message_key: "message".to_owned(),
            data_key: "data".to_owned(),
            ok_codes: vec!["200".to_owned(), "0".to_owned()],
            token_invalid_codes: vec!["401".to_owned()],
            error_classes: BTreeMap::new(),
        }
    }
}

/// What a reply said, once the transport worked.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// The payload: the envelope's data (or the whole answer when it has no envelope).
    Data(Value),
    /// The token was refused; the vendor's words.
    TokenInvalid(String),
}

/// The class of a vendor code the settings do not name. Codes are not recorded; HTTP-like
/// codes (`400`, `403`, `429`, `500`...) read as their status would, the rest are the
/// vendor refusing the request on business grounds.
pub fn default_class(code: &str) -> ErrorClass {
    match code.parse::<u16>() {
        Ok(n @ 400..=599) => classify_status(n).unwrap_or(ErrorClass::UnknownError),
        _ => ErrorClass::BusinessLogicError,
    }
}

fn envelope_message(shape: &ReplyShape, v: &Value) -> Option<String> {
    [
        shape.message_key.as_str(),
        "message",
        "msg",
        "error_description",
    ]
    .iter()
    .find_map(|k| v.get(*k).and_then(Value::as_str))
    .filter(|m| !m.is_empty())
    .map(str::to_owned)
}

/// A reply body → payload, token refusal or a classified error.
pub fn read_reply(
    shape: &ReplyShape,
    status: u16,
    retry_after: Option<Duration>,
    text: &str,
) -> Result<Reply, CallError> {
    // Decimal numbers (prices) are read as their text, never through an f64.
    let parsed: Option<Value> = serde_json::from_str(&decimals_as_strings(text)).ok();
    let code = parsed
        .as_ref()
        .and_then(|v| v.get(&shape.code_key))
        .and_then(code_text);
    let message = parsed.as_ref().and_then(|v| envelope_message(shape, v));
    let words = || message.clone().unwrap_or_else(|| http::excerpt(text, 200));
    if status == 401
        || code
            .as_ref()
            .is_some_and(|c| shape.token_invalid_codes.contains(c))
    {
        return Ok(Reply::TokenInvalid(words()));
    }
    if let Some(class) = classify_status(status) {
        let class = code
            .as_ref()
            .and_then(|c| shape.error_classes.get(c).copied())
            .unwrap_or(class);
        return Err(http::refused(class, words(), status, retry_after));
    }
    let Some(v) = parsed else {
        return Err(http::not_json("a Haier call", text, status));
    };
    let Value::Object(map) = &v else {
        // A bare list (or value) is the payload itself.
        return Ok(Reply::Data(v));
    };
    let success = match map.get(&shape.success_key) {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) => Some(s.eq_ignore_ascii_case("true")),
        _ => None,
    };
    let failed = match (success, &code) {
        (Some(ok), _) => !ok,
        (None, Some(c)) => !shape.ok_codes.contains(c),
        (None, None) => false,
    };
    if failed {
        let code = code.unwrap_or_default();
        let class = shape
            .error_classes
            .get(&code)
            .copied()
            .unwrap_or_else(|| default_class(&code));
        let text = match code.is_empty() {
            true => words(),
            false => format!("{code}: {}", words()),
        };
        return Err(http::refused(class, text, status, retry_after));
    }
    Ok(Reply::Data(match map.get(&shape.data_key) {
        Some(data) => data.clone(),
        None => v.clone(),
    }))
}

/// `config.reply` and `config.error_classes` over the defaults.
pub(super) fn reply_shape(settings: &ConnectorSettings) -> Result<ReplyShape, AppError> {
    let mut shape = ReplyShape::default();
    let reply = settings.config.get("reply");
    for (key, slot) in [
        ("success_key", &mut shape.success_key),
        ("code_key", &mut shape.code_key),
        ("message_key", &mut shape.message_key),
        ("data_key", &mut shape.data_key),
    ] {
        if let Some(v) = reply.and_then(|r| r.get(key)).and_then(Value::as_str) {
            *slot = v.to_owned();
        }
    }
    for (key, slot) in [
        ("ok_codes", &mut shape.ok_codes),
        ("token_invalid_codes", &mut shape.token_invalid_codes),
    ] {
        if let Some(v) = reply.and_then(|r| r.get(key)) {
            *slot = texts(v)
                .ok_or_else(|| invalid(&format!("reply.{key}"), Rule::Json, "a list of codes"))?;
        }
    }
    let classes = settings
        .config
        .get("error_classes")
        .and_then(Value::as_object);
    for (code, class) in classes.into_iter().flatten() {
        let parsed = class.as_str().and_then(ErrorClass::parse).ok_or_else(|| {
            invalid(
                &format!("error_classes.{code}"),
                Rule::OneOf {
                    allowed: ErrorClass::NAMES.iter().map(|s| (*s).to_owned()).collect(),
                },
                format!("`{class}` is not an error class"),
            )
        })?;
        shape.error_classes.insert(code.clone(), parsed);
    }
    Ok(shape)
}
