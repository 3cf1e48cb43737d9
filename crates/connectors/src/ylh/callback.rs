//! 易理货's callbacks to the store (its document §4): form-encoded `AppKey`, `TimeStamp`
//! (`yyyyMMddHHmmss`, the vendor's local time), `Method`, `Data` (JSON text) and `Sign`
//! (see [`super::sign`]). `Data` carries `PlatformOrderNo` (our order number),
//! `ExtOrderNo` (the vendor's order number, on success), `State` (1 success, 0 failure)
//! and `FailMsg`. The answer the vendor reads is
//! `{"success","code","description","timeStamp","data":{"statusCode","message","platformOrderNo"}}`.
//!
//! Settings (`config`): `app_key` (the AppKey agreed with the vendor; callbacks naming
//! another are refused), `callback_methods.{confirm,cancel,out_of_stock}` (defaults
//! `hmm.scm_heorder.confirm`, `.cancel`, `.oostock`, from the same document, which is a
//! single unofficial source), `callback_tolerance_seconds` (300) and
//! `utc_offset_minutes` (the zone TimeStamp is written in; UTC+8 by default). The secret is
//! the system's `callback_secret`.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use serde_json::{json, Value};

pub const DEFAULT_CONFIRM: &str = "hmm.scm_heorder.confirm";
pub const DEFAULT_CANCEL: &str = "hmm.scm_heorder.cancel";
pub const DEFAULT_OUT_OF_STOCK: &str = "hmm.scm_heorder.oostock";
/// The keychain name of the callback signing secret.
pub const CALLBACK_SECRET: &str = "callback_secret";
const TIMESTAMP_FORMAT: &str = "%Y%m%d%H%M%S";

/// What a callback reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackKind {
    Confirm,
    Cancel,
    OutOfStock,
}

impl CallbackKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CallbackKind::Confirm => "confirm",
            CallbackKind::Cancel => "cancel",
            CallbackKind::OutOfStock => "out_of_stock",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackSettings {
    pub app_key: Option<String>,
    pub confirm: String,
    pub cancel: String,
    pub out_of_stock: String,
    pub tolerance_secs: i64,
    pub offset: FixedOffset,
}

impl CallbackSettings {
    pub fn from_config(config: &Value) -> CallbackSettings {
        let method = |key: &str, default: &str| {
            config["callback_methods"][key]
                .as_str()
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .unwrap_or(default)
                .to_owned()
        };
        CallbackSettings {
            app_key: config["app_key"]
                .as_str()
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_owned),
            confirm: method("confirm", DEFAULT_CONFIRM),
            cancel: method("cancel", DEFAULT_CANCEL),
            out_of_stock: method("out_of_stock", DEFAULT_OUT_OF_STOCK),
            tolerance_secs: config["callback_tolerance_seconds"]
                .as_i64()
                .filter(|s| *s > 0)
                .unwrap_or(300),
            offset: storelink_core::vendor_time::offset_of_config(config),
        }
    }

    pub fn kind(&self, method: &str) -> Option<CallbackKind> {
        let method = method.trim();
        [
            (&self.confirm, CallbackKind::Confirm),
            (&self.cancel, CallbackKind::Cancel),
            (&self.out_of_stock, CallbackKind::OutOfStock),
        ]
        .into_iter()
        .find(|(m, _)| m.as_str() == method)
        .map(|(_, k)| k)
    }
}

/// `TimeStamp` (`yyyyMMddHHmmss` at `offset`) as an instant.
pub fn parse_timestamp(text: &str, offset: FixedOffset) -> Option<DateTime<Utc>> {
    let local = NaiveDateTime::parse_from_str(text.trim(), TIMESTAMP_FORMAT).ok()?;
    offset
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

pub fn format_timestamp(t: DateTime<Utc>, offset: FixedOffset) -> String {
    t.with_timezone(&offset)
        .format(TIMESTAMP_FORMAT)
        .to_string()
}

/// `Data` of a callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackData {
    pub platform_order_no: String,
    pub ext_order_no: Option<String>,
    /// `State` 1.
    pub succeeded: bool,
    pub fail_msg: Option<String>,
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads `Data`; the error names what is wrong.
pub fn parse_data(data: &str) -> Result<CallbackData, String> {
    let v: Value =
        serde_json::from_str(data).map_err(|e| format!("Data is not a JSON object: {e}"))?;
    if !v.is_object() {
        return Err("Data is not a JSON object".into());
    }
    let platform_order_no = text_of(&v["PlatformOrderNo"])
        .ok_or_else(|| "Data.PlatformOrderNo (our order number) is missing".to_owned())?;
    let succeeded = match &v["State"] {
        Value::Number(n) => n.as_i64() == Some(1),
        Value::String(s) => s.trim() == "1",
        Value::Bool(b) => *b,
        _ => return Err("Data.State (1 success, 0 failure) is missing".into()),
    };
    Ok(CallbackData {
        platform_order_no,
        ext_order_no: text_of(&v["ExtOrderNo"]),
        succeeded,
        fail_msg: text_of(&v["FailMsg"]),
    })
}

/// The answer the vendor reads.
pub fn reply(
    success: bool,
    code: &str,
    description: &str,
    platform_order_no: Option<&str>,
    now: DateTime<Utc>,
    offset: FixedOffset,
) -> Value {
    json!({
        "success": success,
        "code": code,
        "description": description,
        "timeStamp": format_timestamp(now, offset),
        "data": {
            "statusCode": if success { "200" } else { code },
            "message": description,
            "platformOrderNo": platform_order_no,
        },
    })
}

/// An `application/x-www-form-urlencoded` body as its fields, in order (`+` is a space,
/// `%XX` a byte; the result must be UTF-8).
pub fn parse_form(body: &[u8]) -> Result<Vec<(String, String)>, String> {
    fn decode(part: &[u8]) -> Result<String, String> {
        let mut out = Vec::with_capacity(part.len());
        let mut i = 0;
        while i < part.len() {
            match part[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = part
                        .get(i + 1..i + 3)
                        .and_then(|h| std::str::from_utf8(h).ok())
                        .and_then(|h| u8::from_str_radix(h, 16).ok())
                        .ok_or_else(|| "a bad %-escape in the form".to_owned())?;
                    out.push(hex);
                    i += 2;
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8(out).map_err(|_| "the form is not UTF-8".to_owned())
    }
    body.split(|b| *b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let mut it = pair.splitn(2, |b| *b == b'=');
            let name = decode(it.next().unwrap_or_default())?;
            let value = decode(it.next().unwrap_or_default())?;
            Ok((name, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_timestamps_and_data_are_read() {
        let form = parse_form(
            b"AppKey=k1&Data=%7B%22State%22%3A1%7D&Method=hmm.scm_heorder.confirm&X=a+b&E=",
        )
        .expect("form");
        assert_eq!(form[1], ("Data".into(), r#"{"State":1}"#.into()));
        assert_eq!(form[3], ("X".into(), "a b".into()));
        assert_eq!(form[4], ("E".into(), String::new()));
        assert!(parse_form(b"A=%zz").is_err());
        assert!(parse_form(b"A=%ff").is_err(), "not UTF-8");
        let cn = parse_form("M=%E7%BC%BA%E8%B4%A7".as_bytes()).expect("utf-8");
        assert_eq!(cn[0].1, "缺货");

        let offset = storelink_core::vendor_time::china_offset();
        let t = parse_timestamp("20230912113528", offset).expect("time");
        assert_eq!(t.to_rfc3339(), "2023-09-12T03:35:28+00:00");
        assert_eq!(format_timestamp(t, offset), "20230912113528");
        assert!(parse_timestamp("2023-09-12 11:35:28", offset).is_none());

        let d = parse_data(r#"{"ExtOrderNo":"SO.1","PlatformOrderNo":"PO-1","State":1}"#)
            .expect("data");
        assert!(d.succeeded && d.ext_order_no.as_deref() == Some("SO.1"));
        let failed =
            parse_data(r#"{"PlatformOrderNo":"PO-1","State":"0","FailMsg":"缺货"}"#).expect("data");
        assert!(!failed.succeeded && failed.fail_msg.as_deref() == Some("缺货"));
        assert!(parse_data(r#"{"State":1}"#).is_err());
        assert!(parse_data(r#"{"PlatformOrderNo":"PO-1"}"#).is_err());
        assert!(parse_data("[]").is_err());
    }

    #[test]
    fn methods_default_to_the_documented_names_and_can_be_changed() {
        let s = CallbackSettings::from_config(&json!({"app_key": "k"}));
        assert_eq!(
            s.kind("hmm.scm_heorder.confirm"),
            Some(CallbackKind::Confirm)
        );
        assert_eq!(
            s.kind("hmm.scm_heorder.oostock"),
            Some(CallbackKind::OutOfStock)
        );
        assert_eq!(s.kind("other"), None);
        let custom = CallbackSettings::from_config(
            &json!({"callback_methods": {"cancel": "ylh.order.cancel"}, "utc_offset_minutes": 0}),
        );
        assert_eq!(custom.kind("ylh.order.cancel"), Some(CallbackKind::Cancel));
        assert_eq!(custom.kind(DEFAULT_CANCEL), None);
        assert_eq!(custom.app_key, None);
        assert_eq!(custom.offset.local_minus_utc(), 0);
    }
}
