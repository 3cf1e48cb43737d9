use std::collections::BTreeMap;

use serde_json::json;
use storelink_core::system::SystemType;
use storelink_core::ErrorClass;

use super::*;
use crate::registry::ConnectorSettings;

#[test]
fn sign_matches_the_recorded_algorithm() {
    // sha256("1700000000" + "241234_abcDEF" + "5f1a2b3c4d" + "s3cr3t-App" + "storelink"),
    // the five strings sorted ordinally; computed independently with Python's hashlib.
    assert_eq!(
        sign(
            "5f1a2b3c4d",
            "storelink",
            "241234_abcDEF",
            "s3cr3t-App",
            1_700_000_000
        ),
        "1d63775151fa20714a829dc54a227627027498d995cfa6e404bc71b186be4909"
    );
}

fn failed(msg_code: i64, message: &str) -> String {
    json!({"Result": {"ResponseStatus": {"ErrorCode": 500, "IsSuccess": false, "MsgCode": msg_code,
        "Errors": [{"FieldName": "", "Message": message, "DIndex": 0}], "SuccessEntitys": []}}})
    .to_string()
}

#[test]
fn replies_map_to_seed_classes_and_keep_the_vendor_message() {
    let ok = read_reply(200, None, "[[1,\"C1\"]]").expect("rows");
    assert!(matches!(ok, Reply::Ok(v) if v == json!([[1, "C1"]])));
    let lost = read_reply(200, None, &failed(1, SESSION_LOST)).expect("session lost");
    assert!(matches!(lost, Reply::SessionLost(m) if m.contains(SESSION_LOST)));
    // ExecuteBillQuery wraps its envelope in a 2-D array.
    let wrapped = format!("[[{}]]", failed(1, SESSION_LOST));
    assert!(matches!(
        read_reply(200, None, &wrapped),
        Ok(Reply::SessionLost(_))
    ));
    let refused = read_reply(200, None, &failed(0, "编码唯一性验证失败")).expect_err("refused");
    assert_eq!(refused.class, ErrorClass::BusinessLogicError);
    assert!(refused.message.contains("编码唯一性验证失败"));
    let perm = read_reply(200, None, &failed(2, "没有权限")).expect_err("refused");
    assert_eq!(perm.class, ErrorClass::AuthorizationError);
    let fault = read_reply(500, None, "response_error: 服务器内部错误").expect_err("fault");
    assert_eq!(fault.class, ErrorClass::NetworkError);
    assert!(fault.retryable() && fault.message.contains("服务器内部错误"));
    let fault200 = read_reply(200, None, "response_error:boom").expect_err("fault");
    assert_eq!(fault200.class, ErrorClass::NetworkError);
    let limited = read_reply(429, Some(Duration::from_secs(1)), "").expect_err("429");
    assert_eq!(limited.class, ErrorClass::RateLimitError);
    assert_eq!(limited.retry_after, Some(Duration::from_secs(1)));
    let broken = read_reply(200, None, "{\"Result\":").expect_err("malformed");
    assert_eq!(broken.class, ErrorClass::ValidationError);
    assert_eq!(classify_msg(14, ""), ErrorClass::RateLimitError);
    assert_eq!(classify_msg(8, ""), ErrorClass::ValidationError);
}

#[test]
fn default_mapping_follows_the_seed_table() {
    let m = default_mapping("customers");
    for (target, source) in [
        ("externalId", "FNumber"),
        ("code", "FNumber"),
        ("name", "FName"),
        ("contacts[0].name", "FContact"),
        ("contacts[0].phone", "FPhone"),
        ("addresses[0].address", "FAddress"),
        ("companyInfo.taxNumber", "FTaxNo"),
        ("metadata.status", "FStatus"),
    ] {
        assert_eq!(
            m.fields.get(target).map(String::as_str),
            Some(source),
            "{target}"
        );
    }
    for stream in ["customers", "products", "orders"] {
        let allowed = mappable_fields(stream);
        for target in default_mapping(stream).fields.keys() {
            assert!(allowed.contains(&target.as_str()), "{stream}.{target}");
        }
    }
    let keys = fields::field_keys("customers", &m);
    assert!(keys.contains(&"FCUSTID".to_owned()) && keys.contains(&"FModifyDate".to_owned()));
    let row = fields::row_object(
        &[
            "FCustTypeId.FNumber".to_owned(),
            "FName".to_owned(),
            "FCreditAmount".to_owned(),
        ],
        &json!(["company", "杭州", 5000.5]),
    );
    assert_eq!(
        row,
        json!({"FCustTypeId": {"FNumber": "company"}, "FName": "杭州", "FCreditAmount": "5000.5"})
    );
    assert_eq!(fields::quote("O'Hara"), "'O''Hara'");
}

fn settings(config: serde_json::Value, secrets: &[(&str, &str)]) -> ConnectorSettings {
    ConnectorSettings {
        system_type: SystemType::Erp,
        provider: "kingdee".into(),
        api_endpoint: Some("http://127.0.0.1:9/k3cloud/".into()),
        config,
        secrets: secrets
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
    }
}

#[test]
fn settings_need_their_keys_and_never_show_secrets() {
    let base = json!({"acct_id": "A1", "username": "u", "app_id": "app"});
    assert!(from_settings(&settings(base.clone(), &[("app_secret", "s")])).is_ok());
    let err = from_settings(&settings(base.clone(), &[]))
        .err()
        .expect("no secret");
    assert!(err.to_string().contains("app_secret"));
    let pw = json!({"acct_id": "A1", "username": "u", "login": "password"});
    assert!(from_settings(&settings(pw, &[("password", "p")])).is_ok());
    let bad = json!({"acct_id": "A1", "username": "u", "login": "oauth"});
    assert!(from_settings(&settings(bad, &[("password", "p")])).is_err());
    let creds = Credentials {
        acct_id: "A1".into(),
        username: "u".into(),
        app_id: "app".into(),
        login: LoginKind::Sign,
        secret: "very-secret".into(),
        lcid: 2052,
        org_num: "0".into(),
    };
    assert!(!format!("{creds:?}").contains("very-secret"));
}

#[test]
fn an_order_becomes_a_sales_order_model() {
    let k = Kingdee::new(KingdeeConfig {
        server: "http://127.0.0.1:9".into(),
        credentials: Credentials {
            acct_id: "A1".into(),
            username: "u".into(),
            app_id: "app".into(),
            login: LoginKind::AppSecret,
            secret: "s".into(),
            lcid: 2052,
            org_num: "0".into(),
        },
        timeout: Duration::from_secs(1),
        offset: storelink_core::vendor_time::china_offset(),
        submit_orders: false,
        audit_orders: false,
        sale_org: "100".into(),
        mappings: Vec::new(),
    })
    .expect("connector");
    let order = json!({"orderNumber": "SL-1", "customer": {"id": "C000001"},
        "metadata": {"createdAt": "2024-02-15T10:05:00Z"},
        "items": [{"product": {"sku": "P000002"}, "quantity": "2", "unitPrice": "68.00", "subtotal": "136.00"}]});
    let model = push::order_model_for_test(&k, &order).expect("model");
    assert_eq!(model["FBillNo"], "SL-1");
    assert_eq!(model["FCustId"]["FNumber"], "C000001");
    assert_eq!(model["FDate"], "2024-02-15T18:05:00");
    assert_eq!(
        model["FSaleOrderEntry"][0],
        json!({"FMaterialId": {"FNumber": "P000002"}, "FQty": "2", "FTaxPrice": "68.00", "FAllAmount": "136.00"})
    );
    assert_eq!(
        k.local_time("2024-02-15T10:05:00.250Z".parse().expect("time")),
        "2024-02-15 18:05:00.250"
    );
    assert!(push::order_model_for_test(&k, &json!({"customer": {"id": "C1"}})).is_err());
}
