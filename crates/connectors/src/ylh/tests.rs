use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use serde_json::{json, Value};
use storelink_core::system::SystemType;

use super::*;

fn settings(config: Value, secrets: &[(&str, &str)]) -> ConnectorSettings {
    ConnectorSettings {
        system_type: SystemType::Supplier,
        provider: "ylh".into(),
        api_endpoint: Some("http://127.0.0.1:9/".into()),
        config,
        secrets: secrets
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
    }
}

fn base() -> Value {
    json!({"client_id": "open_api_erp", "username": "erp", "source_system": "storelink",
        "shop_name": "智链旗舰店"})
}

const SECRETS: &[(&str, &str)] = &[("client_secret", "cs"), ("password", "pw")];

fn config(extra: Value) -> YlhConfig {
    let mut c = base();
    if let (Some(c), Value::Object(extra)) = (c.as_object_mut(), extra) {
        c.extend(extra);
    }
    let s = settings(c, SECRETS);
    let base_url = s.base_url().expect("url").trim_end_matches('/').to_owned();
    YlhConfig {
        token_url: format!("{base_url}/ylh-cloud-mgt-auth/oauth/token"),
        base_url,
        credentials: Credentials {
            client_id: "open_api_erp".into(),
            client_secret: "cs".into(),
            username: "erp".into(),
            password: "pw".into(),
            system_name: "ylh-open-api".into(),
        },
        source_system: "storelink".into(),
        shop_name: "智链旗舰店".into(),
        seller_code: s.optional_text("seller_code"),
        paths: Paths::default(),
        timestamp_seconds: s.optional_text("timestamp_unit").as_deref() == Some("s"),
        duplicate_markers: vec!["已存在".into()],
        cancelled_markers: vec!["已取消".into()],
        logistics_batch: BATCH_MAX,
        offset: storelink_core::vendor_time::china_offset(),
        timeout: Duration::from_secs(1),
        mappings: Vec::new(),
    }
}

#[test]
fn settings_need_their_keys_and_check_paths_and_units() {
    assert!(from_settings(&settings(base(), SECRETS)).is_ok());
    let err = from_settings(&settings(base(), &[("password", "pw")]))
        .err()
        .expect("no client secret");
    assert!(err.to_string().contains("client_secret"), "{err}");
    let mut no_shop = base();
    no_shop["shop_name"] = json!("");
    assert!(from_settings(&settings(no_shop, SECRETS)).is_err());
    let mut paths = base();
    paths["paths"] = json!({"order_create": "/ylh-cloud-service-jst-order-pre/x"});
    assert!(from_settings(&settings(paths.clone(), SECRETS)).is_ok());
    paths["paths"] = json!({"order_delete": "/x"});
    assert!(from_settings(&settings(paths, SECRETS)).is_err());
    let mut unit = base();
    unit["timestamp_unit"] = json!("minutes");
    assert!(from_settings(&settings(unit, SECRETS)).is_err());
    let mut mapping = base();
    mapping["field_mapping"] = json!({"logistics": {"trackingNumber": "waybillNo"}});
    assert!(from_settings(&settings(mapping.clone(), SECRETS)).is_ok());
    mapping["field_mapping"] = json!({"logistics": {"nonsense": "x"}});
    assert!(from_settings(&settings(mapping, SECRETS)).is_err());
}

fn order() -> SupplierOrder {
    serde_json::from_value(json!({
        "id": "0190d3a0-0000-7000-8000-000000000001",
        "system_id": "0190d3a0-0000-7000-8000-000000000002",
        "store_id": "store-001",
        "order_number": "PO-2024-001",
        "supplier_id": "SUP-HAIER",
        "supplier_name": "海尔",
        "order_type": "purchase",
        "status": "pending",
        "subtotal": 2599.98, "tax": 0, "shipping": 0, "total": 2599.98,
        "items": [{"name": "BS01U000N", "quantity": 2, "unit": "台", "price": 1299.99}],
        "delivery_info": {"address": "江苏省南京市鼓楼区中山北路100号", "contact": "李四", "phone": "13900139000"},
        "order_date": "2024-02-14T02:00:00Z",
        "expected_delivery": "2024-02-15T10:00:00Z",
        "actual_delivery": null,
        "created_at": "2024-02-14T02:00:01Z",
        "updated_at": "2024-02-14T02:00:01Z"
    }))
    .expect("a supplier order as the service serializes it")
}

use storelink_core::supplier::SupplierOrder;

#[test]
fn a_supplier_order_becomes_the_create_body() {
    let c = config(json!({}));
    let body = create_body(&c, &order()).expect("body");
    assert_eq!(body["soId"], "PO-2024-001");
    assert_eq!(body["onlineNo"], "PO-2024-001");
    assert_eq!(body["sourceSystem"], "storelink");
    assert_eq!(body["shopName"], "智链旗舰店");
    assert_eq!(body["consigneeName"], "李四");
    assert_eq!(body["consigneeMobile"], "13900139000");
    assert_eq!(
        (&body["province"], &body["city"], &body["area"]),
        (&json!("江苏省"), &json!("南京市"), &json!("鼓楼区"))
    );
    assert_eq!(body["detailAddress"], "江苏省南京市鼓楼区中山北路100号");
    assert_eq!(body["totalQty"], 2);
    assert_eq!(body["totalAmt"].to_string(), "2599.98");
    // 2024-02-14T02:00:00Z in milliseconds.
    assert_eq!(body["createTime"], 1_707_876_000_000_i64);
    // 2024-02-15 23:59:59 at UTC+8 = 15:59:59Z.
    assert_eq!(body["distributionTime"], 1_708_012_799_000_i64);
    assert_eq!(
        body["itemList"][0],
        json!({"productCode": "BS01U000N", "itemQty": 2, "retailPrice": 1299.99,
            "discountAmount": 0, "actualPrice": 1299.99, "isGift": false})
    );
    assert!(body.get("sellerCode").is_none());
    let seconds = config(json!({"timestamp_unit": "s", "seller_code": "8800539012"}));
    let body = create_body(&seconds, &order()).expect("body");
    assert_eq!(body["createTime"], 1_707_876_000_i64);
    assert_eq!(body["sellerCode"], "8800539012");
    let mut bare = order();
    bare.delivery_info = json!({"address": "x"});
    let err = create_body(&c, &bare).expect_err("no consignee");
    assert_eq!(err.class, ErrorClass::ValidationError);
    assert!(err.message.contains("contact"), "{}", err.message);
}

#[test]
fn cancel_and_reschedule_bodies() {
    let c = config(json!({}));
    let now = Utc
        .with_ymd_and_hms(2024, 2, 14, 8, 0, 0)
        .single()
        .expect("time");
    let cancel = cancel_body(
        &c,
        &json!({"order_number": "PO-1", "reason": "客户要求取消"}),
        now,
    )
    .expect("cancel");
    assert_eq!(
        cancel,
        json!({"soId": "PO-1", "cancelTime": "1707897600000", "cancelReason": "客户要求取消",
            "sourceSystem": "storelink"})
    );
    assert!(cancel_body(&c, &json!({"order_number": "PO-1"}), now).is_err());
    let r = reschedule_body(
        &c,
        &json!({"order_number": "PO-1", "retail_order_no": "SO.20240214.000001",
            "distribution_time": "2024-02-20T10:00:00+08:00", "install_time": "2024-02-21T01:00:00Z"}),
    )
    .expect("reschedule");
    // 2024-02-20 23:59:59 and 2024-02-21 23:59:59 at UTC+8.
    assert_eq!(
        r,
        json!({"retailOrderNo": "SO.20240214.000001", "distributionTime": 1_708_444_799_000_i64,
            "installTime": 1_708_531_199_000_i64})
    );
    let own = reschedule_body(
        &c,
        &json!({"order_number": "PO-1", "install_time": "2024-02-21"}),
    )
    .expect("reschedule");
    assert_eq!(own["retailOrderNo"], "PO-1");
    assert!(own.get("distributionTime").is_none());
    assert!(reschedule_body(&c, &json!({"order_number": "PO-1"})).is_err());
    assert!(reschedule_body(&c, &json!({"order_number": "PO-1", "install_time": "soon"})).is_err());
}
