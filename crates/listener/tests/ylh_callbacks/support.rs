//! The 易理货 system, its orders, and callbacks signed and posted as the vendor does.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use storelink_connectors::ylh::callback::format_timestamp;
use storelink_connectors::ylh::{sign, SignCase};
use storelink_core::supplier::SupplierOrder;
use storelink_core::Actor;
use storelink_service::ingest::RawPush;
use storelink_service::records::SupplierOrderQuery;
use uuid::Uuid;

use super::common::{self, Host};

pub const APP_KEY: &str = "storelink-ylh-app";
pub const SECRET: &str = "ylh-callback-secret";
pub const CONFIRM: &str = "hmm.scm_heorder.confirm";
pub const CANCEL: &str = "hmm.scm_heorder.cancel";
pub const OUT_OF_STOCK: &str = "hmm.scm_heorder.oostock";

pub async fn ylh_system(h: &Host) -> Uuid {
    let secrets: BTreeMap<String, String> = [
        ("client_secret", "cs"),
        ("password", "pw"),
        ("callback_secret", SECRET),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    h.services
        .create_system(
            &Actor::local_cli(),
            storelink_core::system::NewSystem {
                name: format!("易理货 {}", Uuid::now_v7()),
                system_type: "supplier".into(),
                provider: "ylh".into(),
                store_id: Some("store-001".into()),
                api_endpoint: Some("http://127.0.0.1:9".into()),
                config: Some(json!({"client_id": "c", "username": "u",
                    "source_system": "storelink", "shop_name": "店", "app_key": APP_KEY})),
                secrets,
                ..Default::default()
            },
        )
        .await
        .expect("system")
        .id
}

pub async fn create_order(h: &Host, system: Uuid, number: &str) {
    let body = json!({"order_number": number, "supplier_id": "HAIER", "subtotal": "100.00",
        "total": "100.00", "items": [{"name": "BS01U000N", "quantity": 1, "price": "100.00"}],
        "delivery": {"address": "北京市朝阳区xxx路xxx号", "contact": "李四", "phone": "13900139000"}});
    h.services
        .create_supplier_order(
            &Actor::local_cli(),
            &system.to_string(),
            RawPush::new(body.to_string()),
        )
        .await
        .expect("order");
}

pub async fn order(h: &Host, system: Uuid, number: &str) -> SupplierOrder {
    h.services
        .list_supplier_orders(
            &Actor::local_cli(),
            SupplierOrderQuery {
                system_id: Some(system.to_string()),
                limit: Some(100),
                ..Default::default()
            },
        )
        .await
        .expect("orders")
        .items
        .into_iter()
        .find(|o| o.order_number == number)
        .expect("the order")
}

/// The inbox entries of callbacks (the order's own creation is in the inbox too).
pub async fn callbacks(h: &Host, system: Uuid) -> Vec<storelink_core::inbox::InboxEvent> {
    h.inbox(system)
        .await
        .into_iter()
        .filter(|e| e.kind == "callback")
        .collect()
}

pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The form a callback carries, signed with `secret` as the vendor does (lower-cased text).
pub fn form(app_key: &str, secret: &str, method: &str, data: &Value, stamp: &str) -> String {
    let data = data.to_string();
    let fields = [
        ("AppKey", app_key),
        ("TimeStamp", stamp),
        ("Method", method),
        ("Data", data.as_str()),
    ];
    let signed = sign(secret, &fields, SignCase::Lowercase);
    fields
        .iter()
        .chain([("Sign", signed.as_str())].iter())
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn now_stamp() -> String {
    format_timestamp(
        chrono::Utc::now(),
        storelink_core::vendor_time::china_offset(),
    )
}

pub async fn post(h: &Host, system: Uuid, body: String) -> common::Reply {
    let response = h
        .http
        .post(h.url(&format!("callbacks/ylh/{system}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("the listener answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("read");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    common::Reply {
        status,
        headers,
        text,
        body,
    }
}

pub fn data(number: &str, state: i64, fail: Option<&str>) -> Value {
    let mut d =
        json!({"ExtOrderNo": "SO.20240214.000001", "PlatformOrderNo": number, "State": state});
    if let Some(f) = fail {
        d["FailMsg"] = json!(f);
    }
    d
}
