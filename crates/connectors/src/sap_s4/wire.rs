//! OData v2 wire details of S/4HANA Cloud: `/Date(ms)/` values, `datetime'…'` and
//! `datetimeoffset'…'` literals, and the error shape mapped to seed 004 §8.1 classes.

use std::time::Duration;

use chrono::{DateTime, NaiveTime, Utc};
use serde_json::Value;
use storelink_core::ErrorClass;

use crate::classify::classify_status;
use crate::connector::CallError;
use crate::http;

/// `/Date(1130112000000)/` or `/Date(1130112000000+0060)/` (Edm.DateTimeOffset: the
/// offset is in minutes and the milliseconds are already UTC).
pub fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    let inner = text.strip_prefix("/Date(")?.strip_suffix(")/")?;
    let end = inner
        .get(1..)?
        .find(['+', '-'])
        .map_or(inner.len(), |i| i + 1);
    let ms: i64 = inner[..end].parse().ok()?;
    let offset = &inner[end..];
    if !offset.is_empty() && !offset[1..].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Only times that can be stored (years 1 to 9999) are taken.
    DateTime::from_timestamp_millis(ms).filter(|t| storelink_core::vendor_time::storable(*t))
}

/// `PT14H30M05S` (Edm.Time) as a time of day.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let rest = text.strip_prefix("PT")?;
    let (h, rest) = rest.split_once('H')?;
    let (m, rest) = rest.split_once('M')?;
    let s = rest.strip_suffix('S')?;
    let s = s.split('.').next()?;
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, s.parse().ok()?)
}

/// An instant as `/Date(ms)/`.
pub fn format_date(t: DateTime<Utc>) -> String {
    format!("/Date({})/", t.timestamp_millis())
}

/// Every `/Date(…)/` string in a record as RFC 3339, for Storelink's model.
pub fn normalize_dates(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let Some(t) = parse_date(s) {
                *s = t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            }
        }
        Value::Array(list) => list.iter_mut().for_each(normalize_dates),
        Value::Object(map) => map.values_mut().for_each(normalize_dates),
        _ => {}
    }
}

/// `datetime'2026-03-02T07:30:05'` (Edm.DateTime, no zone).
pub fn datetime_literal(t: DateTime<Utc>) -> String {
    format!("datetime'{}'", t.format("%Y-%m-%dT%H:%M:%S"))
}

/// `datetimeoffset'2026-03-02T07:30:05.123Z'`
pub fn datetimeoffset_literal(t: DateTime<Utc>) -> String {
    format!("datetimeoffset'{}'", t.format("%Y-%m-%dT%H:%M:%S%.3fZ"))
}

/// `time'PT07H30M05S'`
pub fn time_literal(t: DateTime<Utc>) -> String {
    format!("time'{}'", t.format("PT%HH%MM%SS"))
}

/// `{"error":{"code":"SY/530","message":{"lang","value"}}}` → (code, value).
pub fn vendor_error(body: &str) -> Option<(String, String)> {
    let v: Value = serde_json::from_str(body).ok()?;
    let e = v.get("error")?;
    let code = match e.get("code")? {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let message = match e.get("message") {
        Some(Value::String(s)) => s.clone(),
        Some(m) => m["value"].as_str().unwrap_or_default().to_owned(),
        None => String::new(),
    };
    Some((code, message))
}

/// The class of a refused call. Gateway framework codes (`/IWBEP/…`, `/IWFND/…`) mean a
/// malformed or unknown request; any other code on a 400 is the application refusing the
/// data (a business rule).
pub fn classify_s4(status: u16, code: Option<&str>) -> ErrorClass {
    let framework = code.is_some_and(|c| c.starts_with("/IWBEP/") || c.starts_with("/IWFND/"));
    match status {
        401 => ErrorClass::AuthenticationError,
        403 => ErrorClass::AuthorizationError,
        404 | 428 => ErrorClass::ValidationError,
        // A stale `If-Match` ETag or a record locked by another user.
        409 | 412 => ErrorClass::BusinessLogicError,
        400 if code.is_some() && !framework => ErrorClass::BusinessLogicError,
        _ => classify_status(status).unwrap_or(ErrorClass::UnknownError),
    }
}

/// A refused call as a `CallError`, the vendor's message kept.
pub fn call_error(status: u16, body: &str, retry_after: Option<Duration>) -> CallError {
    let parsed = vendor_error(body);
    let class = classify_s4(status, parsed.as_ref().map(|(c, _)| c.as_str()));
    let message = match parsed {
        Some((code, text)) => format!("S/4HANA error {code}: {text}"),
        None => http::excerpt(body, 200),
    };
    http::refused(class, message, status, retry_after)
}

/// A decimal as the plain text OData v2 wants for Edm.Decimal (`"12.30"`), or `None`.
pub fn decimal_text(v: &Value) -> Option<String> {
    let text = match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) if n.is_i64() || n.is_u64() => n.to_string(),
        _ => return None,
    };
    let digits = text.strip_prefix('-').unwrap_or(&text);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && frac.is_empty());
    plain.then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    #[test]
    fn dates_times_and_literals() {
        let t = Utc.with_ymd_and_hms(2005, 10, 24, 0, 0, 0).single();
        assert_eq!(parse_date("/Date(1130112000000)/"), t);
        assert_eq!(parse_date("/Date(1130112000000+0000)/"), t);
        assert_eq!(parse_date("/Date(-1000)/").map(|d| d.timestamp()), Some(-1));
        assert_eq!(parse_date("/Date(12x)/"), None);
        assert_eq!(parse_date("2005-10-24"), None);
        assert_eq!(parse_time("PT07H30M05S"), NaiveTime::from_hms_opt(7, 30, 5));
        assert_eq!(parse_time("07:30"), None);
        let t = Utc
            .with_ymd_and_hms(2026, 3, 2, 7, 30, 5)
            .single()
            .expect("t");
        assert_eq!(datetime_literal(t), "datetime'2026-03-02T07:30:05'");
        assert_eq!(
            datetimeoffset_literal(t),
            "datetimeoffset'2026-03-02T07:30:05.000Z'"
        );
        assert_eq!(time_literal(t), "time'PT07H30M05S'");
        assert_eq!(parse_date(&format_date(t)), Some(t));
        let mut v = json!({"a": "/Date(1130112000000)/", "b": [{"c": "x"}]});
        normalize_dates(&mut v);
        assert_eq!(
            v,
            json!({"a": "2005-10-24T00:00:00.000Z", "b": [{"c": "x"}]})
        );
    }

    #[test]
    fn vendor_errors_map_to_seed_classes_and_keep_the_message() {
        let body = r#"{"error":{"code":"V1/320","message":{"lang":"en","value":"Sold-to party 99 not maintained"}}}"#;
        let e = call_error(400, body, None);
        assert_eq!(e.class, ErrorClass::BusinessLogicError);
        assert!(e.message.contains("Sold-to party 99"), "{}", e.message);
        let bad = r#"{"error":{"code":"/IWBEP/CM_MGW_RT/022","message":{"lang":"en","value":"Invalid filter"}}}"#;
        assert_eq!(
            call_error(400, bad, None).class,
            ErrorClass::ValidationError
        );
        assert_eq!(
            call_error(404, bad, None).class,
            ErrorClass::ValidationError
        );
        assert_eq!(
            call_error(401, "", None).class,
            ErrorClass::AuthenticationError
        );
        assert_eq!(
            call_error(403, "", None).class,
            ErrorClass::AuthorizationError
        );
        assert_eq!(
            call_error(412, "{}", None).class,
            ErrorClass::BusinessLogicError
        );
        let limited = call_error(429, "", Some(Duration::from_secs(1)));
        assert_eq!(limited.class, ErrorClass::RateLimitError);
        assert!(limited.retryable());
        assert_eq!(call_error(503, "x", None).class, ErrorClass::NetworkError);
        assert_eq!(call_error(504, "", None).class, ErrorClass::TimeoutError);
    }

    #[test]
    fn decimals_stay_text() {
        assert_eq!(decimal_text(&json!("12.30")).as_deref(), Some("12.30"));
        assert_eq!(decimal_text(&json!(2)).as_deref(), Some("2"));
        assert_eq!(decimal_text(&json!(1.5)), None);
        assert_eq!(decimal_text(&json!("1e3")), None);
        assert_eq!(decimal_text(&json!("5.")), None);
    }
}
