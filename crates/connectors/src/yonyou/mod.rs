//! Yonyou (用友) ERPs, two variants:
//!
//! - **U8 OpenAPI** (provider `yonyou_u8`; U8 / U8+ 13–16 behind the 用友开放平台 gateway
//!   `https://api.yonyouup.com`). `GET /system/token?from_account&app_key&app_secret` gives
//!   `{"errcode":"0","token":{"id","expiresIn"}}` (~7200 s); data calls carry
//!   `from_account`, `to_account`, `app_key`, `token` in the query: `GET /api/{resource}/get?id=`
//!   and `GET /api/{resource}/batch_get?page_index=&rows_per_page=` with the rows under a key
//!   named after the resource. Writes `POST /api/{resource}/add|edit?tradeid=` with a trade id
//!   from `GET /system/tradeid` (the U8 way of applying a repeated write once).
//! - **YonSuite / YonBIP** (provider `yonsuite`; the cloud successor of NC — seed 004 §3.2's
//!   "用友NC" OAuth2 client-credentials flow is served by YonSuite's self-built-app token
//!   below). `GET {token_url}/open-auth/selfAppAuth/getAccessToken?appKey&timestamp&signature`
//!   with an HMAC-SHA256 signature; calls `POST {gateway}/yonbip/...?access_token=` with
//!   `{"pageIndex","pageSize","simpleVOs"}`.
//!
//! Both answer errors as HTTP 200 with a string code; [`classify_code`] maps them to seed
//! 004 §8.1 classes, keeping the vendor's message. A refused token is renewed once, then the
//! call fails as `authentication_error`.
//!
//! Settings (`ConnectorSettings`):
//!
//! | key | U8 | YonSuite |
//! |---|---|---|
//! | `api_endpoint` | OpenAPI base, e.g. `https://api.yonyouup.com` | gateway URL |
//! | `config.from_account` | required | – |
//! | `config.to_account` | optional (the enterprise account) | – |
//! | `config.ds_sequence` | optional (data source number) | – |
//! | `config.token_url` | – | required (auth host) |
//! | `config.app_key` | required | required |
//! | secret `app_secret` | required | required |
//! | `config.since_params.<stream>` | date filter, default `modifydate_begin` | – |
//! | `config.token_error_codes` | errcodes meaning "token refused", default `["30002","30003"]` | – |
//! | `config.stock` | read `currentstock` for products, default `true` | – |
//! | `config.list_paths.<stream>` / `detail_paths.<stream>` / `save_paths.<customers,orders>` | – | endpoint paths, defaults in `yonsuite.rs` |
//! | `config.cursor_field` | – | change-time field for `simpleVOs`, default `pubts` |
//! | `config.utc_offset_minutes` | local-time zone of vendor times, default +08:00 | same |
//! | `config.timeout_ms`, `config.field_mapping.<stream>` | as every connector | same |

pub mod mapping;
pub mod u8;
pub mod yonsuite;

use std::sync::Mutex;

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::Value;
use storelink_core::ErrorClass;

use crate::classify::classify_status;
use crate::connector::{
    erp_streams, CallError, Entity, PageStyle, PulledPage, RemoteRecord, StreamSpec,
};
use crate::http;
use crate::mapping::{in_force, CompiledMapping, FieldMapping};
use mapping::{default_mapping, mappable_fields, Variant};

const fn stream(name: &'static str, entity: Entity, cursor: &'static str) -> StreamSpec {
    StreamSpec::new(name, entity, cursor, PageStyle::PageLimit)
}

pub const U8_STREAMS: &[StreamSpec] = &[
    stream("customers", Entity::Customers, "dModifyDate"),
    stream("products", Entity::Products, "dModifyDate"),
    stream("orders", Entity::Orders, "modifysystime"),
];

pub const YONSUITE_STREAMS: &[StreamSpec] = &erp_streams("pubts", PageStyle::PageLimit);

/// A token closer than this to its expiry is renewed before use.
const RENEW_BEFORE: chrono::Duration = chrono::Duration::seconds(120);

/// The cached access token of one connector.
#[derive(Default)]
pub(crate) struct TokenCache(Mutex<Option<(String, DateTime<Utc>)>>);

impl TokenCache {
    pub(crate) fn get(&self) -> Option<String> {
        let guard = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard
            .as_ref()
            .filter(|(_, exp)| *exp - Utc::now() > RENEW_BEFORE)
            .map(|(t, _)| t.clone())
    }

    pub(crate) fn set(&self, token: String, ttl_secs: i64) {
        // The vendor's `expires_in` is capped at a day: an absurd one (found by the
        // vendor-reply fuzzer) overflowed the clock arithmetic and panicked.
        let exp = Utc::now() + chrono::Duration::seconds(ttl_secs.clamp(1, 86_400));
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((token, exp));
    }

    /// The cached token, or a new one from `login` (only awaited when none is cached).
    pub(crate) async fn get_or_login(
        &self,
        login: impl std::future::Future<Output = Result<String, CallError>>,
    ) -> Result<String, CallError> {
        match self.get() {
            Some(t) => Ok(t),
            None => login.await,
        }
    }

    pub(crate) fn clear(&self) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }
}

/// A code as text, whether the vendor sent `"0"` or `0`.
pub(crate) fn code_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A count the vendor may send as a string or a number.
pub(crate) fn number(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.as_i64(),
        _ => None,
    }
}

/// The class of a vendor error code that is not a token refusal.
pub(crate) fn classify_code(code: &str, message: &str) -> ErrorClass {
    let lower = message.to_lowercase();
    if code == "429" || message.contains("频繁") || lower.contains("too many") {
        ErrorClass::RateLimitError
    } else if message.contains("权限") || lower.contains("permission") {
        ErrorClass::AuthorizationError
    } else if code.len() == 3 && code.starts_with('5') {
        ErrorClass::NetworkError
    } else if message.contains("参数") || message.contains("必填") || lower.contains("invalid")
    {
        ErrorClass::ValidationError
    } else {
        ErrorClass::BusinessLogicError
    }
}

/// Sends a request and reads a JSON answer. HTTP faults are classified here; vendor codes
/// inside a 200 are left to the caller. `what` names the call in messages.
pub(crate) async fn send(request: reqwest::RequestBuilder, what: &str) -> Result<Value, CallError> {
    // Without the URL: its query carries the app secret or the token.
    let answer = http::exchange(request).await.map_err(http::transport)?;
    if let Some(class) = classify_status(answer.code()) {
        let message = format!("{what}: {}", http::excerpt(&answer.text, 200));
        return Err(http::refused(
            class,
            message,
            answer.code(),
            answer.retry_after,
        ));
    }
    answer.json(what)
}

/// A vendor error code in a 200 answer, once the caller knows it is not `ok`. `None`: the
/// token was refused on the first attempt and has been dropped, so the caller renews it
/// and repeats; refused again, it is an authentication error.
pub(crate) fn refusal(
    vendor: &str,
    token: &TokenCache,
    token_refused: bool,
    attempt: u32,
    code: &str,
    message: &str,
) -> Option<CallError> {
    if token_refused {
        token.clear();
        return (attempt > 0).then(|| {
            CallError::new(
                ErrorClass::AuthenticationError,
                format!("{vendor} refused a new token too ({code}): {message}"),
            )
        });
    }
    let mut e = CallError::new(classify_code(code, message), format!("{code}: {message}"));
    e.status = Some(200);
    Some(e)
}

/// Per stream of a variant, the mapping in force and what reads rows with it.
pub(crate) fn stream_maps(
    streams: &[StreamSpec],
    mappings: &[(String, FieldMapping)],
    variant: Variant,
) -> Vec<(StreamMap, FieldMapping)> {
    streams
        .iter()
        .map(|s| {
            let m = in_force(mappings, s.name, |n| default_mapping(variant, n));
            (StreamMap::new(s.name, &m), m)
        })
        .collect()
}

/// The entry of a stream built by [`stream_maps`].
pub(crate) fn find_map<'a>(
    maps: &'a [(StreamMap, FieldMapping)],
    vendor: &str,
    stream: &str,
) -> Result<&'a (StreamMap, FieldMapping), CallError> {
    maps.iter()
        .find(|(m, _)| m.name == stream)
        .ok_or_else(|| unknown_stream(vendor, stream))
}

/// A pulled row of `stream` as a record, with the variant's mapping in force.
pub(crate) fn map_record(
    maps: &[(StreamMap, FieldMapping)],
    variant: Variant,
    vendor: &str,
    stream: &str,
    raw: &Value,
    offset: FixedOffset,
) -> Result<RemoteRecord, CallError> {
    let (m, _) = find_map(maps, vendor, stream)?;
    m.record(raw, offset, |d| mapping::fix_pulled(variant, stream, d))
}

/// A page of records. `more`: whether the vendor's page or record count says a next page
/// exists; without a count, a full page means there may be more. Never more after an
/// empty page.
pub(crate) fn page(
    records: Vec<RemoteRecord>,
    total: Option<i64>,
    more: Option<bool>,
    limit: u32,
) -> PulledPage {
    let has_more = more.unwrap_or(records.len() as u32 >= limit);
    PulledPage {
        has_more: has_more && !records.is_empty(),
        total,
        records,
    }
}

/// The answer of a detail read; `None` when the vendor says there is no such record
/// (see [`not_found`]).
pub(crate) fn detail(
    answer: Result<Value, CallError>,
    other: &str,
) -> Result<Option<Value>, CallError> {
    match answer {
        Ok(v) => Ok(Some(v)),
        Err(e) if not_found(&e, other) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The mappings a system's settings ask for, one per stream of the variant.
pub(crate) fn settings_mappings(
    settings: &crate::registry::ConnectorSettings,
    streams: &[StreamSpec],
    variant: Variant,
) -> Result<Vec<(String, FieldMapping)>, storelink_core::AppError> {
    settings.stream_mappings(streams, |s| default_mapping(variant, s), mappable_fields)
}

/// `2026-01-02 10:11:12.345` in the vendor's zone.
pub(crate) fn local_time(t: DateTime<Utc>, offset: FixedOffset) -> String {
    t.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M:%S%.3f")
        .to_string()
}

/// Percent-encoding of everything but RFC 3986 unreserved characters.
pub(crate) fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(crate) fn unknown_stream(vendor: &str, stream: &str) -> CallError {
    CallError::new(
        ErrorClass::ValidationError,
        format!("{vendor} has no stream `{stream}`"),
    )
}

/// Whether a failed detail read means "no such record": the gateways answer that as a
/// business error, worded `不存在` or in the variant's own words (`other`).
pub(crate) fn not_found(e: &CallError, other: &str) -> bool {
    e.class == ErrorClass::BusinessLogicError
        && (e.message.contains("不存在") || e.message.contains(other))
}

/// A push operation the variant does not offer.
pub(crate) fn unsupported(vendor: &str, operation: &str) -> CallError {
    CallError::new(
        ErrorClass::ValidationError,
        format!("the {vendor} connector cannot `{operation}`"),
    )
}

/// What one stream needs to turn a vendor row into a record: its mapping, and the vendor
/// fields holding the id and the change time (the sources of `externalId` and
/// `metadata.updatedAt` in the mapping in force).
pub(crate) struct StreamMap {
    pub name: String,
    pub compiled: CompiledMapping,
    pub id_field: String,
    pub time_field: Option<String>,
}

impl StreamMap {
    pub(crate) fn new(name: &str, mapping: &crate::mapping::FieldMapping) -> StreamMap {
        StreamMap {
            name: name.to_owned(),
            compiled: mapping.compile(),
            id_field: mapping
                .fields
                .get("externalId")
                .cloned()
                .unwrap_or_else(|| "id".to_owned()),
            time_field: mapping.fields.get("metadata.updatedAt").cloned(),
        }
    }

    pub(crate) fn record(
        &self,
        raw: &Value,
        offset: FixedOffset,
        fix: impl Fn(&mut Value),
    ) -> Result<RemoteRecord, CallError> {
        let external_id = code_text(&raw[&self.id_field])
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                CallError::new(
                    ErrorClass::ValidationError,
                    format!("a {} row has no `{}`", self.name, self.id_field),
                )
            })?;
        let updated_at = self
            .time_field
            .as_ref()
            .and_then(|f| raw[f].as_str())
            .and_then(|t| storelink_core::vendor_time::parse(t, offset));
        let mut data = self.compiled.apply(raw);
        fix(&mut data);
        Ok(RemoteRecord {
            external_id,
            updated_at,
            data,
        })
    }
}

/// The record a push carries: `payload.record` (our model), else the payload itself.
pub(crate) fn pushed_record(payload: &Value) -> &Value {
    payload.get("record").unwrap_or(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_encoding() {
        assert_eq!(
            classify_code("999", "操作过于频繁"),
            ErrorClass::RateLimitError
        );
        assert_eq!(
            classify_code("40001", "参数错误"),
            ErrorClass::ValidationError
        );
        assert_eq!(classify_code("503", "busy"), ErrorClass::NetworkError);
        assert_eq!(
            classify_code("999", "客户编码重复"),
            ErrorClass::BusinessLogicError
        );
        assert_eq!(classify_code("1", "无权限"), ErrorClass::AuthorizationError);
        assert_eq!(url_encode("a+b/c=d e"), "a%2Bb%2Fc%3Dd%20e");
        assert_eq!(code_text(&serde_json::json!(0)).as_deref(), Some("0"));
        assert_eq!(number(&serde_json::json!("12")), Some(12));
        let t = DateTime::parse_from_rfc3339("2026-01-02T02:11:12.345Z")
            .expect("t")
            .with_timezone(&Utc);
        let cst = storelink_core::vendor_time::china_offset();
        assert_eq!(local_time(t, cst), "2026-01-02 10:11:12.345");
        assert_eq!(
            storelink_core::vendor_time::parse(&local_time(t, cst), cst),
            Some(t)
        );
    }
}
