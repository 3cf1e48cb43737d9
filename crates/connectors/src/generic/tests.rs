use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};
use storelink_core::system::SystemType;
use storelink_core::{AppError, ErrorClass};

use super::client::read_answer;
use super::contract::Call;
use super::*;
use crate::registry::{check_field_mapping, ConnectorSettings};

fn contract(kind: Kind, config: Value) -> Contract {
    Contract::from_config(kind, &config).expect("valid contract")
}

fn settings(system_type: SystemType, config: Value, key: Option<&str>) -> ConnectorSettings {
    ConnectorSettings {
        system_type,
        provider: "generic".into(),
        api_endpoint: Some("http://127.0.0.1:9/member".into()),
        config,
        secrets: key
            .map(|k| BTreeMap::from([("api_key".to_owned(), k.to_owned())]))
            .unwrap_or_default(),
    }
}

fn fields_of(err: AppError) -> Vec<String> {
    match err {
        AppError::Validation { errors } => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("not a validation error: {other:?}"),
    }
}

#[test]
fn shipped_mappings_are_the_seed_names() {
    let orders = default_mapping("orders");
    assert_eq!(orders.fields["order_number"], "order_number");
    assert_eq!(orders.fields["delivery.phone"], "delivery.phone");
    let members = default_mapping("members");
    for f in ["member_id", "points", "level", "balance", "updated_at"] {
        assert_eq!(members.fields[f], f);
    }
    assert_eq!(mappable_fields("members").len(), members.fields.len());
    assert!(default_mapping("transactions").fields.is_empty());
    assert!(POS_STREAMS.is_empty());
    assert_eq!(
        SUPPLIER_STREAMS[0].entity,
        crate::connector::Entity::SupplierOrders
    );
    assert_eq!(MEMBER_STREAMS[0].entity, crate::connector::Entity::Members);
}

#[test]
fn overrides_are_checked_when_a_system_is_saved() {
    let ok =
        json!({"field_mapping": {"members": {"external_id": "openid", "points": "bonus.points"}}});
    assert_eq!(
        check_field_mapping(SystemType::Member, "wechat", &ok),
        Ok(())
    );
    let unknown = json!({"field_mapping": {"members": {"nickname": "nick"}}});
    let err = check_field_mapping(SystemType::Member, "微信", &unknown).expect_err("refused");
    assert_eq!(fields_of(err), ["config.field_mapping.members.nickname"]);
    // A supplier system has no `members` stream.
    let wrong_stream = json!({"field_mapping": {"members": {"name": "n"}}});
    let err =
        check_field_mapping(SystemType::Supplier, "shuhai", &wrong_stream).expect_err("refused");
    assert_eq!(fields_of(err), ["config.field_mapping.members"]);
}

#[test]
fn the_contract_has_seed_defaults_and_takes_a_vendors_settings() {
    let c = contract(Kind::Member, json!({}));
    assert_eq!(c.auth_value("k1"), "Bearer k1");
    assert_eq!(c.path(Call::Members, &[]), "/members");
    assert_eq!(
        c.path(Call::MemberUpsert, &[("member_id", "MEM 1/张")]),
        "/members/MEM%201%2F%E5%BC%A0"
    );
    assert_eq!(
        contract(Kind::Pos, json!({})).path(Call::Test, &[]),
        "/ping"
    );
    assert_eq!(
        contract(Kind::Supplier, json!({})).path(Call::Test, &[]),
        "/orders"
    );
    let custom = contract(
        Kind::Member,
        json!({"auth_header": "X-Api-Key", "auth_scheme": "", "max_page_size": 50,
               "paths": {"members": "/cgi-bin/member/list"}}),
    );
    assert_eq!(custom.auth_header, "X-Api-Key");
    assert_eq!(custom.auth_value("k1"), "k1");
    assert_eq!(custom.max_page_size, 50);
    assert_eq!(custom.path(Call::Members, &[]), "/cgi-bin/member/list");
    let err = Contract::from_config(
        Kind::Member,
        &json!({"paths": {"members": "members"}, "max_page_size": 0,
                "error_codes": {"40001": "auth"}}),
    )
    .expect_err("refused");
    assert_eq!(
        fields_of(err),
        [
            "config.paths.members",
            "config.max_page_size",
            "config.error_codes.40001"
        ]
    );
}

fn refusal(c: &Contract, status: u16, body: &str) -> crate::connector::CallError {
    read_answer(c, "call", status, None, body).expect_err("a refusal")
}

#[test]
fn each_seed_contract_error_code_has_its_class() {
    let c = contract(Kind::Supplier, json!({}));
    let body = |code: &str| json!({"error": {"code": code, "message": "说明"}}).to_string();
    for (status, code, class) in [
        (401, "invalid_api_key", ErrorClass::AuthenticationError),
        (401, "api_key_expired", ErrorClass::AuthenticationError),
        (403, "forbidden", ErrorClass::AuthorizationError),
        (400, "invalid_parameter", ErrorClass::ValidationError),
        (422, "validation_error", ErrorClass::ValidationError),
        (404, "not_found", ErrorClass::ValidationError),
        (409, "duplicate", ErrorClass::BusinessLogicError),
        (409, "invalid_transition", ErrorClass::BusinessLogicError),
        (429, "rate_limited", ErrorClass::RateLimitError),
        (500, "server_error", ErrorClass::NetworkError),
        (503, "service_unavailable", ErrorClass::NetworkError),
        (504, "timeout", ErrorClass::TimeoutError),
    ] {
        let e = refusal(&c, status, &body(code));
        assert_eq!(e.class, class, "{code}");
        assert_eq!(e.status, Some(status));
        assert!(
            e.message.contains(code) && e.message.contains("说明"),
            "{e}"
        );
    }
    let limited = read_answer(&c, "call", 429, Some(Duration::from_secs(2)), "").expect_err("429");
    assert_eq!(limited.retry_after, Some(Duration::from_secs(2)));
    // Without a code the status decides; a body that is not JSON is kept in the message.
    let e = refusal(&c, 502, "<html>Bad Gateway</html>");
    assert_eq!(e.class, ErrorClass::NetworkError);
    assert!(e.message.contains("Bad Gateway"));
    assert_eq!(refusal(&c, 409, "{}").class, ErrorClass::BusinessLogicError);
    let broken = refusal(&c, 200, "{\"data\": [");
    assert_eq!(broken.class, ErrorClass::ValidationError);
    assert_eq!(
        read_answer(&c, "call", 200, None, "{\"data\": []}").expect("ok"),
        json!({"data": []})
    );
}

#[test]
fn a_vendor_answering_errors_with_200_is_configured_by_its_codes() {
    let c = contract(
        Kind::Member,
        json!({"error_code_field": "errcode", "error_message_field": "errmsg",
               "success_codes": [0], "error_codes": {"40001": "authentication_error",
               "45009": "rate_limit_error"}}),
    );
    let ok = read_answer(&c, "call", 200, None, r#"{"errcode":0,"data":[]}"#).expect("ok");
    assert_eq!(ok["data"], json!([]));
    let key = refusal(
        &c,
        200,
        r#"{"errcode":40001,"errmsg":"invalid credential"}"#,
    );
    assert_eq!(key.class, ErrorClass::AuthenticationError);
    assert_eq!(key.message, "40001: invalid credential");
    let limit = refusal(
        &c,
        200,
        r#"{"errcode":45009,"errmsg":"api freq out of limit"}"#,
    );
    assert!(limit.retryable());
    // A code nobody mapped, in a 2xx answer: the vendor refused the request.
    let other = refusal(&c, 200, r#"{"errcode":48001,"errmsg":"api unauthorized"}"#);
    assert_eq!(other.class, ErrorClass::BusinessLogicError);
}

#[test]
fn pushes_use_the_mapping_backwards() {
    let mut mapping = default_mapping("members");
    mapping.fields.insert("external_id".into(), "openid".into());
    mapping
        .fields
        .insert("points".into(), "bonus.points".into());
    let member = json!({"member_id": "MEM-001", "external_id": "wx_openid_123",
        "level": "gold", "points": 1500, "balance": 200.0, "phone": null});
    let (id, body) = push::member_upsert(&mapping.compile(), &member).expect("body");
    assert_eq!(id, "MEM-001");
    assert_eq!(
        body,
        json!({"member_id": "MEM-001", "openid": "wx_openid_123", "level": "gold",
               "bonus": {"points": 1500}, "balance": 200.0})
    );
    assert!(push::member_upsert(&mapping.compile(), &json!({"points": 1})).is_err());

    // A stored SupplierOrder (as the outbox holds it) in the create body's names.
    let order = json!({"id": "0193", "system_id": "x", "order_number": "PO-2024-001",
        "supplier_id": "SUP-001", "supplier_name": "蜀海供应链", "order_type": "purchase",
        "status": "pending", "subtotal": 5000.0, "tax": 500.0, "shipping": 200.0,
        "total": 5700.0, "items": [{"name": "鸡肉", "quantity": 50, "unit": "kg", "price": 30.0}],
        "delivery_info": {"address": "北京市朝阳区", "contact": "李四", "phone": "13900139000"},
        "order_date": "2024-02-01T02:00:00Z", "expected_delivery": "2024-02-15T02:00:00Z",
        "actual_delivery": null, "created_at": "2024-02-01T02:00:00Z"});
    let (number, body) =
        push::order_create(&default_mapping("orders").compile(), &order).expect("body");
    assert_eq!(number, "PO-2024-001");
    assert_eq!(body["type"], "purchase");
    assert_eq!(body["delivery"]["contact"], "李四");
    assert_eq!(body["items"][0]["unit"], "kg");
    for gone in [
        "id",
        "system_id",
        "order_type",
        "delivery_info",
        "created_at",
    ] {
        assert!(
            body.get(gone).is_none(),
            "{gone} is not part of the vendor body"
        );
    }
}

#[test]
fn settings_need_a_key_and_a_seed_000_system_type() {
    let missing = from_settings(&settings(SystemType::Member, json!({}), None))
        .err()
        .expect("refused");
    assert_eq!(fields_of(missing), ["secrets.api_key"]);
    let erp = from_settings(&settings(SystemType::Erp, json!({}), Some("k")))
        .err()
        .expect("refused");
    assert_eq!(fields_of(erp), ["type"]);
    let pos = from_settings(&settings(SystemType::Pos, json!({}), Some("k"))).expect("pos");
    assert!(pos.streams().is_empty());
    let member = from_settings(&settings(SystemType::Member, json!({}), Some("k"))).expect("m");
    assert_eq!(member.streams()[0].name, "members");
    assert_eq!(
        member.event_target("member.updated", &json!({"data": {"member_id": "MEM-1"}})),
        Some(("members".to_owned(), "MEM-1".to_owned()))
    );
    assert_eq!(
        member.event_target("order.created", &json!({"data": {}})),
        None
    );
}
