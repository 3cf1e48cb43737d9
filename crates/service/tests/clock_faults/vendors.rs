//! The vendors whose pushes carry a time of their own: a 易理货 system with its orders and
//! callbacks signed as the vendor signs them (`TimeStamp` at UTC+8, `Sign` over the form),
//! and a Temu system with its signed, encrypted pushes (`x-tm-timestamp`, in ms).

use serde_json::{json, Value};
use storelink_connectors::temu::webhook::{self, VARIANTS};
use storelink_connectors::ylh::callback::format_timestamp;
use storelink_core::supplier::SupplierOrderStatus;
use storelink_core::system::NewSystem;
use storelink_service::ingest::RawPush;
use storelink_service::records::SupplierOrderQuery;
use storelink_simulators::ylh::{encode_form, signed_callback};
use uuid::Uuid;

use crate::common::Host;

pub const YLH_APP_KEY: &str = "storelink-ylh-clock";
pub const YLH_SECRET: &str = "ylh-clock-fault-callback-secret";
pub const YLH_CONFIRM: &str = "hmm.scm_heorder.confirm";
pub const TEMU_APP_KEY: &str = "4ebbc9190ae410443d65b4c2faca0c10";
const TEMU_SECRET: &str = "c7e0a1a63542be4de3cb5488f9fba8149e8fc10c";
pub const TEMU_EVENT: &str = "bg_order_status_change_event";

/// A 易理货 supplier system taking callbacks (AppKey, callback secret in the keychain;
/// the default tolerance, 300 s, and zone, UTC+8).
pub async fn ylh_system(h: &Host) -> Uuid {
    let secrets = [
        ("client_secret", "cs"),
        ("password", "pw"),
        ("callback_secret", YLH_SECRET),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    h.services
        .create_system(
            &h.admin,
            NewSystem {
                name: "易理货 clock".into(),
                system_type: "supplier".into(),
                provider: "ylh".into(),
                store_id: Some("store-001".into()),
                api_endpoint: Some("http://127.0.0.1:9".into()),
                config: Some(json!({"client_id": "c", "username": "u",
                    "source_system": "storelink", "shop_name": "店", "app_key": YLH_APP_KEY})),
                secrets,
                ..Default::default()
            },
        )
        .await
        .expect("the 易理货 system")
        .id
}

/// A purchase order placed with the 易理货 system (pending until the vendor confirms it).
pub async fn ylh_order(h: &Host, system: Uuid, number: &str) {
    let body = json!({"order_number": number, "supplier_id": "HAIER", "subtotal": "100.00",
        "total": "100.00", "items": [{"name": "BS01U000N", "quantity": 1, "price": "100.00"}],
        "delivery": {"address": "北京市朝阳区xxx路xxx号", "contact": "李四",
            "phone": "13900139000"}});
    h.services
        .create_supplier_order(
            &h.admin,
            &system.to_string(),
            RawPush::new(body.to_string()),
        )
        .await
        .expect("the order");
}

pub async fn ylh_order_status(h: &Host, system: Uuid, number: &str) -> SupplierOrderStatus {
    h.services
        .list_supplier_orders(
            &h.admin,
            SupplierOrderQuery {
                system_id: Some(system.to_string()),
                limit: Some(1000),
                ..Default::default()
            },
        )
        .await
        .expect("orders")
        .items
        .into_iter()
        .find(|o| o.order_number == number)
        .expect("the order")
        .status
}

/// The form of a confirm callback for `number`, stamped `stamp` and signed as the vendor
/// signs (lower-cased).
pub fn ylh_confirm(number: &str, stamp: &str) -> String {
    let data = json!({"ExtOrderNo": format!("SO.{number}"), "PlatformOrderNo": number,
        "State": 1})
    .to_string();
    let fields = signed_callback(YLH_APP_KEY, YLH_SECRET, YLH_CONFIRM, &data, stamp, true);
    encode_form(&fields)
}

/// `at` (Unix seconds) as 易理货 writes a TimeStamp: `yyyyMMddHHmmss` at UTC+8.
pub fn ylh_stamp(at: i64) -> String {
    format_timestamp(
        chrono::DateTime::from_timestamp(at, 0).expect("a time"),
        storelink_core::vendor_time::china_offset(),
    )
}

/// A Temu system whose app key the pushes name, its app secret in the keychain.
pub async fn temu_system(h: &Host) -> Uuid {
    h.services
        .create_system(
            &h.admin,
            NewSystem {
                name: "Temu clock".into(),
                system_type: "ecommerce".into(),
                provider: "temu".into(),
                store_id: Some("store-001".into()),
                api_endpoint: Some("https://openapi-b-us.temu.com".into()),
                config: Some(json!({"app_key": TEMU_APP_KEY})),
                secrets: [
                    ("app_secret".to_owned(), TEMU_SECRET.to_owned()),
                    ("access_token".to_owned(), "upl-token-clock".to_owned()),
                ]
                .into(),
                ..Default::default()
            },
        )
        .await
        .expect("the Temu system")
        .id
}

/// A signed, encrypted order status push for `order`, stamped `at_ms`.
pub fn temu_push(order: &str, status: i64, at_ms: i64, variant: usize) -> webhook::Push {
    let event: Value = json!({"parentOrderSn": order, "orderSn": order, "status": status});
    webhook::build(
        TEMU_APP_KEY,
        TEMU_SECRET,
        TEMU_EVENT,
        at_ms,
        &event,
        VARIANTS[variant % VARIANTS.len()],
    )
    .expect("a push")
}
