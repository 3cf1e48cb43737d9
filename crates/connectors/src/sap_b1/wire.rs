//! The Service Layer's wire details: its error shape mapped to seed 004 §8.1 classes,
//! decimals kept as text both ways (money is never an f64), OData literals and URLs.

use std::time::Duration;

use serde_json::Value;
use storelink_core::ErrorClass;

use crate::classify::classify_status;
use crate::connector::CallError;
use crate::http;

/// `-2028`: "No matching records found (ODBC -2028)".
pub const NO_MATCHING_RECORDS: i64 = -2028;
/// `301`: "Invalid session or session already timeout."
pub const INVALID_SESSION: i64 = 301;

/// `{"error":{"code":<int>,"message":{"lang","value"}}}` → (code, value).
pub fn vendor_error(body: &str) -> Option<(i64, String)> {
    let v: Value = serde_json::from_str(body).ok()?;
    let e = v.get("error")?;
    let code = e
        .get("code")
        .and_then(|c| c.as_i64().or_else(|| c.as_str()?.trim().parse().ok()))?;
    let message = match e.get("message") {
        Some(Value::String(s)) => s.clone(),
        Some(m) => m
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        None => String::new(),
    };
    Some((code, message))
}

/// The class of a refused call. DI API codes (negative, from the company database) mean
/// the data was refused: a business rule, not a malformed request, except -2028 (the
/// record does not exist). The Service Layer's own codes (positive) mean a bad request.
pub fn classify_sap(status: u16, code: Option<i64>) -> ErrorClass {
    match (status, code) {
        (401, _) => ErrorClass::AuthenticationError,
        (403, _) => ErrorClass::AuthorizationError,
        (_, Some(NO_MATCHING_RECORDS)) | (404, _) => ErrorClass::ValidationError,
        // A stale `If-Match` ETag: someone changed the record meanwhile.
        (409 | 412, _) => ErrorClass::BusinessLogicError,
        (400, Some(c)) if c < 0 => ErrorClass::BusinessLogicError,
        _ => classify_status(status).unwrap_or(ErrorClass::UnknownError),
    }
}

/// A refused call as a `CallError`, the vendor's message kept.
pub fn call_error(status: u16, body: &str, retry_after: Option<Duration>) -> CallError {
    let parsed = vendor_error(body);
    let class = classify_sap(status, parsed.as_ref().map(|(c, _)| *c));
    let message = match parsed {
        Some((code, text)) => format!("SAP B1 error {code}: {text}"),
        None => http::excerpt(body, 200),
    };
    http::refused(class, message, status, retry_after)
}

/// The JSON text with every non-integer number (`12.50`, `1e3`) turned into a string of
/// the same digits, so parsing never rounds money through an f64. Integers (DocEntry,
/// codes) stay numbers.
pub fn decimals_as_strings(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let (mut i, mut in_string, mut start) = (0, false, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let end = bytes[i..]
                .iter()
                .position(|c| {
                    !(c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
                })
                .map_or(bytes.len(), |p| i + p);
            let token = &text[i..end];
            if token.contains(['.', 'e', 'E']) {
                out.push_str(&text[start..i]);
                out.push('"');
                out.push_str(token);
                out.push('"');
                start = end;
            }
            i = end;
            continue;
        }
        i += 1;
    }
    out.push_str(&text[start..]);
    out
}

/// Marks a decimal for [`to_json_text`]: it goes out as a bare JSON number, digits as given.
const RAW: &str = "\u{1}raw-decimal:";

/// A decimal (text like `"68.00"` or a JSON number) as a value that serializes as a bare
/// number; `None` when it is not a plain decimal.
pub fn decimal(v: &Value) -> Option<Value> {
    let text = match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let digits = text.strip_prefix('-').unwrap_or(&text);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && frac.is_empty());
    plain.then(|| Value::String(format!("{RAW}{text}")))
}

/// Serializes a body, writing the values made by [`decimal`] as bare numbers.
pub fn to_json_text(v: &Value) -> String {
    let text = v.to_string();
    let marker = "\"\\u0001raw-decimal:";
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find(marker) {
        out.push_str(&rest[..at]);
        let after = &rest[at + marker.len()..];
        let end = after.find('"').unwrap_or(after.len());
        out.push_str(&after[..end]);
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// A validation error (a bad payload or answer), shared by the SAP connectors.
pub(crate) fn invalid(message: impl Into<String>) -> CallError {
    CallError::new(ErrorClass::ValidationError, message)
}

/// A list page whose answer lacks the `list` of records of entity set `set`.
pub(crate) fn no_list(set: &str, list: &str) -> CallError {
    invalid(format!("the {set} page has no `{list}` list"))
}

/// A non-blank string (trimmed) or a number, as text.
pub(crate) fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An OData string literal: single quotes, an inner quote doubled.
pub fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Percent-encodes a query value the way OData servers expect (`%20`, never `+`).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~$'(),:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn vendor_errors_map_to_seed_classes_and_keep_the_message() {
        let body = r#"{"error":{"code":301,"message":{"lang":"en-us","value":"Invalid session or session already timeout."}}}"#;
        let e = call_error(401, body, None);
        assert_eq!(e.class, ErrorClass::AuthenticationError);
        assert!(
            e.message.contains("session already timeout"),
            "{}",
            e.message
        );
        let nf = r#"{"error":{"code":-2028,"message":{"lang":"en-us","value":"No matching records found (ODBC -2028)"}}}"#;
        assert_eq!(call_error(404, nf, None).class, ErrorClass::ValidationError);
        assert_eq!(call_error(400, nf, None).class, ErrorClass::ValidationError);
        let dup =
            r#"{"error":{"code":-10,"message":{"lang":"en-us","value":"Code already assigned"}}}"#;
        assert_eq!(
            call_error(400, dup, None).class,
            ErrorClass::BusinessLogicError
        );
        let parse = r#"{"error":{"code":201,"message":{"lang":"en-us","value":"Invalid query"}}}"#;
        assert_eq!(
            call_error(400, parse, None).class,
            ErrorClass::ValidationError
        );
        assert_eq!(
            call_error(403, "{}", None).class,
            ErrorClass::AuthorizationError
        );
        assert_eq!(
            call_error(412, "{}", None).class,
            ErrorClass::BusinessLogicError
        );
        let limited = call_error(429, "", Some(Duration::from_secs(1)));
        assert_eq!(limited.class, ErrorClass::RateLimitError);
        assert!(limited.retryable());
        assert_eq!(
            call_error(503, "oops", None).class,
            ErrorClass::NetworkError
        );
        assert_eq!(call_error(504, "", None).class, ErrorClass::TimeoutError);
        assert_eq!(
            vendor_error(r#"{"error":{"code":"-5002","message":"x"}}"#),
            Some((-5002, "x".into()))
        );
    }

    #[test]
    fn decimals_stay_text_both_ways() {
        let v: Value = serde_json::from_str(&decimals_as_strings(
            r#"{"a":12.50,"b":-3,"c":"1.5","d":[1e3,0.1],"e":"x\"9.9"}"#,
        ))
        .expect("json");
        assert_eq!(
            v,
            json!({"a":"12.50","b":-3,"c":"1.5","d":["1e3","0.1"],"e":"x\"9.9"})
        );
        let body =
            json!({"Price": decimal(&json!("68.00")), "Qty": decimal(&json!(2)), "Name": "a\"b"});
        assert_eq!(
            to_json_text(&body),
            r#"{"Name":"a\"b","Price":68.00,"Qty":2}"#
        );
        assert_eq!(decimal(&json!("1e3")), None);
        assert_eq!(decimal(&json!("5.")), None);
    }

    #[test]
    fn literals_and_encoding() {
        assert_eq!(literal("O'Brien"), "'O''Brien'");
        assert_eq!(
            encode("UpdateDate ge '2024-01-01'"),
            "UpdateDate%20ge%20'2024-01-01'"
        );
    }
}
