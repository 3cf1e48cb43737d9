use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};
use storelink_core::system::SystemType;
use storelink_core::{AppError, ErrorClass};

use super::config::{PRODUCTS_PATH, TOKEN_PATH};
use super::mapping::{
    logistics_record, lookup_table, merge_product, money_text, price_entry, stock_summary, Lookups,
};
use super::*;
use crate::connector::PushRequest;
use crate::registry::{self, ConnectorSettings};

fn settings(config: Value, secrets: &[(&str, &str)]) -> ConnectorSettings {
    ConnectorSettings {
        system_type: SystemType::Supplier,
        provider: "haier".into(),
        api_endpoint: Some("https://openplat-test.haier.net/".into()),
        config,
        secrets: secrets
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
    }
}

const ALL_SECRETS: &[(&str, &str)] = &[
    ("client_secret", "cs"),
    ("password", "pw"),
    ("seller_password", "spw"),
];

fn base_config() -> Value {
    json!({"client_id": "cid", "customer_code": "8800633175", "county_code": "110101",
        "product_codes": "GA0SZC00U, GA0SZC00V,GA0SZC00U"})
}

fn field_of(err: AppError) -> String {
    match err {
        AppError::Validation { errors } => errors[0].field.clone(),
        other => panic!("not a validation error: {other:?}"),
    }
}

#[test]
fn settings_take_the_seed_defaults_and_check_what_is_given() {
    let c = config::from_settings(&settings(base_config(), ALL_SECRETS)).expect("config");
    assert_eq!(c.base_url, "https://openplat-test.haier.net");
    assert_eq!(c.token_url, format!("{}{TOKEN_PATH}", c.base_url));
    assert_eq!(c.product_codes, ["GA0SZC00U", "GA0SZC00V"]);
    assert_eq!((c.sync_prices, c.sync_stock), (true, true));
    assert_eq!(
        (
            c.price_type.as_str(),
            c.stock_source.as_str(),
            c.supplier_code.as_str()
        ),
        ("PT", "JSH-B", "1001")
    );
    assert_eq!(c.send_to_code, "8800633175");
    assert_eq!(c.paths.products, PRODUCTS_PATH);
    assert!(c.paths.categories.is_none());
    // Secrets stay out of Debug output.
    assert!(!format!("{c:?}").contains("spw"));

    let mut bad = base_config();
    bad["county_code"] = json!("1101");
    let err = config::from_settings(&settings(bad, ALL_SECRETS)).expect_err("county");
    assert_eq!(field_of(err), "config.county_code");
    let mut no_county = base_config();
    no_county["county_code"] = Value::Null;
    let err = config::from_settings(&settings(no_county.clone(), ALL_SECRETS)).expect_err("x");
    assert_eq!(field_of(err), "config.county_code");
    no_county["sync_stock"] = json!(false);
    assert!(config::from_settings(&settings(no_county, ALL_SECRETS)).is_ok());
    let mut big = base_config();
    big["product_batch_size"] = json!(21);
    let err = config::from_settings(&settings(big, ALL_SECRETS)).expect_err("batch");
    assert_eq!(field_of(err), "config.product_batch_size");
    let err = config::from_settings(&settings(base_config(), &[("client_secret", "cs")]))
        .expect_err("password");
    assert_eq!(field_of(err), "secrets.password");
    let mut classes = base_config();
    classes["error_classes"] = json!({"E1": "not_a_class"});
    let err = config::from_settings(&settings(classes, ALL_SECRETS)).expect_err("class");
    assert_eq!(field_of(err), "config.error_classes.E1");
    let mut path = base_config();
    path["paths"] = json!({"categories": "no-slash"});
    let err = config::from_settings(&settings(path, ALL_SECRETS)).expect_err("path");
    assert_eq!(field_of(err), "config.paths.categories");
}

#[test]
fn the_registry_builds_it_and_refuses_mappings_of_the_shared_streams() {
    assert!(registry::build(&settings(base_config(), ALL_SECRETS)).is_ok());
    let mut products = base_config();
    products["field_mapping"] = json!({"products": {"name": "productGroupNamd"}});
    assert!(registry::check_field_mapping(SystemType::Supplier, "haier", &products).is_ok());
    let mut prices = base_config();
    prices["field_mapping"] = json!({"prices": {"name": "productGroupNamd"}});
    assert!(registry::check_field_mapping(SystemType::Supplier, "haier", &prices).is_err());
}

#[test]
fn envelopes_map_to_seed_classes_and_keep_the_vendor_message() {
    let shape = ReplyShape::default();
    let ok = read_reply(
        &shape,
        200,
        None,
        r#"{"success":true,"code":"200","data":[{"supplyPrice":2999.00}]}"#,
    )
    .expect("ok");
    // Decimals arrive as their text, never through an f64.
    assert_eq!(ok, Reply::Data(json!([{"supplyPrice": "2999.00"}])));
    let bare = read_reply(&shape, 200, None, r#"[{"productCode":"A"}]"#).expect("bare");
    assert_eq!(bare, Reply::Data(json!([{"productCode": "A"}])));
    let expired = read_reply(&shape, 401, None, r#"{"code":"401","message":"token无效"}"#);
    assert_eq!(
        expired.expect("token"),
        Reply::TokenInvalid("token无效".into())
    );
    let in_200 = read_reply(
        &shape,
        200,
        None,
        r#"{"success":false,"code":401,"message":"x"}"#,
    );
    assert!(matches!(in_200, Ok(Reply::TokenInvalid(_))));
    for (code, class) in [
        ("400", ErrorClass::ValidationError),
        ("403", ErrorClass::AuthorizationError),
        ("429", ErrorClass::RateLimitError),
        ("500", ErrorClass::NetworkError),
        ("504", ErrorClass::TimeoutError),
        ("10001", ErrorClass::BusinessLogicError),
    ] {
        let body = format!(r#"{{"success":false,"code":"{code}","message":"售达方不存在"}}"#);
        let err = read_reply(&shape, 200, None, &body).expect_err(code);
        assert_eq!(err.class, class, "{code}");
        assert!(err.message.contains("售达方不存在") && err.message.contains(code));
    }
    // No `success` key: a code outside ok_codes fails.
    let err =
        read_reply(&shape, 200, None, r#"{"code":"E9","msg":"库存服务异常"}"#).expect_err("code");
    assert!(err.message.contains("库存服务异常"));
    let mut custom = ReplyShape::default();
    custom
        .error_classes
        .insert("E9".into(), ErrorClass::UnknownError);
    let err = read_reply(&custom, 200, None, r#"{"code":"E9","msg":"?"}"#).expect_err("custom");
    assert_eq!(err.class, ErrorClass::UnknownError);
    let limited = read_reply(&shape, 429, Some(Duration::from_secs(1)), "busy").expect_err("429");
    assert_eq!(
        (limited.class, limited.retry_after),
        (ErrorClass::RateLimitError, Some(Duration::from_secs(1)))
    );
    let broken = read_reply(&shape, 200, None, r#"{"success":tr"#).expect_err("malformed");
    assert_eq!(broken.class, ErrorClass::ValidationError);
    let server = read_reply(&shape, 502, None, "Bad Gateway").expect_err("5xx");
    assert!(server.retryable());
}

#[test]
fn tokens_are_read_from_either_shape_and_renewed_early() {
    assert_eq!(
        read_token(&json!({"access_token": "t1", "expires_in": 7200})),
        Some(("t1".into(), 7200))
    );
    assert_eq!(
        read_token(&json!({"data": {"token": "t2", "expires_in": "600"}})),
        Some(("t2".into(), 600))
    );
    assert_eq!(
        read_token(&json!({"access_token": "t3"})),
        Some(("t3".into(), 3600))
    );
    assert_eq!(read_token(&json!({"error": "invalid_client"})), None);
    assert_eq!(usable_for(3600), Duration::from_secs(3540));
    assert_eq!(usable_for(60), Duration::from_secs(30));
    assert_eq!(usable_for(i64::MAX), Duration::from_secs(86_400));
}

#[test]
fn a_product_is_merged_with_its_price_and_stock_as_exact_text() {
    let info = json!({"productCode": "GA0SZC00U", "productModel": "EC6001-HT3",
        "productGroupNamd": "电热水器", "productBrandName": "海尔", "isSales": "1",
        "productImageUrl": "https://img/1.jpg", "productLageUrls": ["https://img/p1.jpg"]});
    let price = json!({"productCode": "GA0SZC00U", "supplyPrice": "1299.5",
        "invoicePrice": 1200, "rebateMoney": "0", "reason": ""});
    let stock = stock_summary(
        &json!([{"secCode": "WH01", "stock": "12", "warehouseGrade": "0"},
                {"secCode": "WH00", "stock": "3.5", "warehouseGrade": "1"}]),
        "110101",
    );
    let lookups = Lookups {
        categories: lookup_table(&json!([{"code": "C12", "name": "电热水器"}])),
        brands: Default::default(),
    };
    let raw = merge_product(&info, Some(&price), Some(stock), &lookups, "1001");
    let record = default_mapping("products").apply(&raw);
    assert_eq!(record["sku"], "GA0SZC00U");
    assert_eq!(record["name"], "EC6001-HT3");
    assert_eq!(
        record["category"],
        json!({"id": "C12", "name": "电热水器", "path": ["电热水器"]})
    );
    assert_eq!(record["brand"], json!({"id": "海尔", "name": "海尔"}));
    assert_eq!(record["pricing"]["standardPrice"], "1299.50");
    assert_eq!(record["pricing"]["costPrice"], "1200.00");
    assert_eq!(record["pricing"]["currency"], "CNY");
    assert_eq!(record["inventory"]["quantity"], "15.5");
    assert_eq!(record["inventory"]["warehouse"], "WH01");
    assert_eq!(record["status"], "active");
    assert_eq!(record["supplier"]["id"], "1001");
    // Without price and stock those parts are simply absent.
    let bare =
        default_mapping("products").apply(&merge_product(&info, None, None, &lookups, "1001"));
    assert!(bare.get("pricing").is_none() && bare.get("inventory").is_none());
    // A notice instead of a price is not money.
    let unset = price_entry(&json!({"supplyPrice": "价格未生效", "reason": "价格未生效"}));
    assert!(unset.get("supplyPrice").is_none());
    assert_eq!(money_text(&json!("2999.000")), Some("2999.00".into()));
    assert_eq!(money_text(&json!("29.999")), None);
    let odd = stock_summary(&json!({"secCode": "W", "stock": "many"}), "110101");
    assert!(odd.get("quantity").is_none());
    assert_eq!(stock_summary(&Value::Null, "110101")["quantity"], "0");
}

#[test]
fn logistics_takes_the_first_non_empty_list() {
    let lists: Vec<String> = config::LOGISTICS_LISTS
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let data = json!({"getAllLogisticsInfoByOrderCode": [{"expressNo": "X1"}],
        "getStockDeliveryLogisticsRecord": [],
        "getStockDeliveryLogisticsRecordThirdparty": [{"expressNo": "SF123", "expressCompany": "顺丰速运",
            "status": "运输中", "snCodes": ["SN1"]}]});
    let raw = logistics_record("SO.1", &data, &lists).expect("record");
    let mapped = default_mapping("logistics").apply(&raw);
    assert_eq!(
        mapped,
        json!({"orderCode": "SO.1", "trackingNumber": "SF123", "carrier": "顺丰速运",
            "status": "运输中", "snCodes": ["SN1"], "source": "getStockDeliveryLogisticsRecordThirdparty"})
    );
    let empty =
        json!({"getAllLogisticsInfoByOrderCode": [], "getStockDeliveryLogisticsRecord": []});
    assert_eq!(logistics_record("SO.2", &empty, &lists), None);
}

#[tokio::test]
async fn pushes_and_switched_off_streams_are_refused_before_any_call() {
    let mut c = base_config();
    c["sync_prices"] = json!(false);
    // Port 9 on loopback: nothing is sent anyway, the refusals come first.
    let mut s = settings(c, ALL_SECRETS);
    s.api_endpoint = Some("http://127.0.0.1:9".into());
    let connector = registry::build(&s).expect("connector");
    let push = PushRequest {
        operation: "order.create".into(),
        payload: json!({}),
        idempotency_key: "k".into(),
    };
    let err = connector.push(&push).await.expect_err("push");
    assert_eq!(err.class, ErrorClass::ValidationError);
    assert!(err.message.contains("ylh"));
    let req = crate::connector::PullRequest {
        page: 1,
        limit: 20,
        ..Default::default()
    };
    let err = connector.pull("prices", req).await.expect_err("prices off");
    assert_eq!(err.class, ErrorClass::ValidationError);
    assert!(err.message.contains("sync_prices"));
    assert_eq!(
        connector.event_target("product.updated", &json!({"data": {"id": "A"}})),
        None
    );
}

#[test]
fn batches_never_exceed_twenty_codes() {
    let c = config::from_settings(&settings(base_config(), ALL_SECRETS)).expect("config");
    let h = Haier::new(c).expect("connector");
    assert_eq!(h.batch_size(500), 20);
    assert_eq!(h.batch_size(7), 7);
    assert_eq!(h.batch_size(0), 1);
    assert_eq!(default_class("418"), ErrorClass::UnknownError);
}
