use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};
use storelink_core::system::SystemType;
use storelink_core::{AppError, ErrorClass};

use super::push::status_query;
use super::wire::{self, classify, read_answer, vendor_message, KeyHeader, Missing};
use super::*;

const KEY: &str = "yd-key-0123456789";

fn settings(config: Value) -> ConnectorSettings {
    ConnectorSettings {
        system_type: SystemType::Reservation,
        provider: "yiding".into(),
        api_endpoint: Some("https://api.yiding.example/reservation".into()),
        config,
        secrets: BTreeMap::from([("api_key".to_owned(), KEY.to_owned())]),
    }
}

fn connector(config: Value) -> Yiding {
    let c = YidingConfig::from_settings(&settings(config)).expect("settings");
    Yiding::new(c).expect("connector")
}

/// Seed 002's ReservationSync example, as the platform lists it.
fn seed_record() -> Value {
    json!({"id": "3f0c", "reservation_id": "RES-2024-001",
        "external_reservation_id": "yiding_res_001", "reservation_number": "YD20240214001",
        "customer_name": "张三", "customer_phone": "13800138000", "customer_count": 4,
        "reservation_date": "2024-02-15T00:00:00", "reservation_time": "18:00-20:00",
        "arrival_time": "2024-02-15T18:05:00", "table_type": "圆桌", "table_number": "A08",
        "area": "大厅", "status": "seated", "special_requirements": "靠窗位置，需要儿童座椅",
        "notes": "客户是VIP会员", "deposit_required": true, "deposit_amount": 200.00,
        "deposit_paid": true, "source": "yiding", "channel": "微信小程序",
        "sync_status": "success", "created_at": "2024-02-14T10:30:00",
        "updated_at": "2024-02-15T18:05:00"})
}

#[test]
fn the_seed_defaults_apply_and_every_key_can_change_them() {
    let c = YidingConfig::from_settings(&settings(json!({}))).expect("defaults");
    assert_eq!(
        (c.auth_header.as_str(), c.auth_scheme.as_str()),
        ("Authorization", "Bearer")
    );
    assert_eq!(c.paths, Paths::default());
    assert_eq!(
        (c.max_page_size, c.status_id),
        (100, StatusId::ReservationId)
    );
    let c = YidingConfig::from_settings(&settings(json!({"auth_header": "X-Api-Key",
        "auth_scheme": "", "paths": {"list": "/v2/bookings"}, "max_page_size": 50,
        "status_id": "external_id", "store_id": "store-001", "idempotency_header": ""})))
    .expect("overrides");
    assert_eq!(
        (c.auth_header.as_str(), c.auth_scheme.as_str()),
        ("X-Api-Key", "")
    );
    assert_eq!(c.paths.list, "/v2/bookings");
    assert_eq!(c.paths.status, "/{reservation_id}/status");
    assert_eq!((c.max_page_size, c.status_id), (50, StatusId::ExternalId));
    assert_eq!(c.store_id.as_deref(), Some("store-001"));
    assert!(c.idempotency_header.is_empty());
    assert!(
        !format!("{c:?}").contains(KEY),
        "the key stays out of Debug"
    );
}

#[test]
fn missing_key_and_bad_settings_name_the_field() {
    let mut s = settings(json!({}));
    s.secrets.clear();
    let Err(AppError::Validation { errors }) = YidingConfig::from_settings(&s) else {
        panic!("the key is required")
    };
    assert_eq!(errors[0].field, "secrets.api_key");
    let Err(AppError::Validation { errors }) =
        YidingConfig::from_settings(&settings(json!({"status_id": "number"})))
    else {
        panic!("unknown status_id")
    };
    assert_eq!(errors[0].field, "config.status_id");
    let Err(AppError::Validation { errors }) = YidingConfig::from_settings(&settings(
        json!({"field_mapping": {"reservations": {"guest": "name"}}}),
    )) else {
        panic!("unknown target field")
    };
    assert_eq!(errors[0].field, "config.field_mapping.reservations.guest");
}

#[test]
fn addresses_encode_the_id_as_one_segment() {
    let url = wire::address(
        "https://h/api/v1/integrations/reservation/",
        "/{reservation_id}/status",
        Some("RES 1/2"),
    )
    .expect("url");
    assert_eq!(
        url.as_str(),
        "https://h/api/v1/integrations/reservation/RES%201%2F2/status"
    );
    let list = wire::address("https://h/reservation", "/list", None).expect("url");
    assert_eq!(list.as_str(), "https://h/reservation/list");
    assert!(wire::address("https://h", "/{reservation_id}", None).is_err());
    assert!(wire::address("not a url", "/list", None).is_err());
}

#[test]
fn the_key_goes_in_the_configured_header() {
    let bearer = KeyHeader::new("Authorization", "Bearer", KEY).expect("header");
    assert_eq!(bearer.name.as_str(), "authorization");
    assert_eq!(
        bearer.value.to_str().ok(),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert!(bearer.value.is_sensitive());
    let bare = KeyHeader::new("X-Api-Key", "", KEY).expect("header");
    assert_eq!(bare.value.to_str().ok(), Some(KEY));
    let err = KeyHeader::new("Authorization", "Bearer", "bad\nkey")
        .err()
        .expect("refused");
    assert!(!err.message.contains("bad"), "{err}");
}

#[test]
fn every_vendor_status_maps_to_its_class() {
    use ErrorClass::*;
    for (status, missing, class) in [
        (400, Missing::Path, ValidationError),
        (401, Missing::Path, AuthenticationError),
        (403, Missing::Refused, AuthorizationError),
        (404, Missing::Path, ValidationError),
        (404, Missing::Refused, BusinessLogicError),
        (408, Missing::Path, TimeoutError),
        (409, Missing::Refused, BusinessLogicError),
        (422, Missing::Refused, ValidationError),
        (429, Missing::Path, RateLimitError),
        (500, Missing::Path, NetworkError),
        (502, Missing::Refused, NetworkError),
        (503, Missing::Path, NetworkError),
        (504, Missing::Path, TimeoutError),
        (418, Missing::Path, UnknownError),
    ] {
        assert_eq!(classify(status, missing), class, "{status} {missing:?}");
    }
}

#[test]
fn answers_become_values_none_or_classified_refusals() {
    let ok = read_answer(200, None, r#"{"status":"arrived"}"#, "x", Missing::Refused);
    assert_eq!(ok.expect("ok"), Some(json!({"status": "arrived"})));
    assert_eq!(
        read_answer(404, None, "", "x", Missing::Absent).expect("none"),
        None
    );
    let busy = read_answer(
        429,
        Some(Duration::from_secs(2)),
        r#"{"detail":"slow down"}"#,
        "list",
        Missing::Path,
    )
    .expect_err("429");
    assert_eq!(
        (busy.class, busy.retry_after, busy.status),
        (
            ErrorClass::RateLimitError,
            Some(Duration::from_secs(2)),
            Some(429)
        )
    );
    assert!(busy.message.contains("slow down"), "{busy}");
    let refused = read_answer(
        409,
        None,
        r#"{"detail":"cannot go from completed to arrived"}"#,
        "status",
        Missing::Refused,
    )
    .expect_err("409");
    assert_eq!(refused.class, ErrorClass::BusinessLogicError);
    assert!(!refused.retryable());
    let broken =
        read_answer(200, None, r#"{"data":[{"res"#, "list", Missing::Path).expect_err("bad json");
    assert_eq!(broken.class, ErrorClass::ValidationError);
}

#[test]
fn vendor_messages_are_read_from_the_usual_places() {
    assert_eq!(
        vendor_message(r#"{"detail":"Invalid API key"}"#),
        "Invalid API key"
    );
    assert_eq!(
        vendor_message(r#"{"detail":[{"loc":["query","status"],"msg":"bad status"}]}"#),
        "bad status"
    );
    assert_eq!(vendor_message(r#"{"error":{"message":"nope"}}"#), "nope");
    assert_eq!(vendor_message("Service Unavailable"), "Service Unavailable");
}

#[test]
fn a_platform_record_becomes_the_push_body() {
    let y = connector(json!({}));
    let r = y.record(&seed_record());
    assert_eq!(r.external_id, "RES-2024-001");
    assert_eq!(r.data["external_id"], "yiding_res_001");
    assert_eq!(r.data["deposit_amount"], json!(200.0));
    assert_eq!(r.data["reservation_date"], "2024-02-15T00:00:00");
    for not_in_the_body in [
        "id",
        "arrival_time",
        "sync_status",
        "updated_at",
        "external_reservation_id",
    ] {
        assert!(r.data.get(not_in_the_body).is_none(), "{not_in_the_body}");
    }
    // Local 18:05 in UTC+8.
    let at = r.updated_at.expect("updated_at").to_rfc3339();
    assert_eq!(at, "2024-02-15T10:05:00+00:00");
    // What the service parses pushes with reads it, and its rules pass.
    let input: storelink_core::reservation::ReservationInput =
        serde_json::from_value(r.data).expect("ReservationInput");
    let valid = input
        .validate(storelink_core::vendor_time::china_offset())
        .expect("valid");
    assert_eq!(valid.deposit_amount.map(|m| m.fen()), Some(20_000));
}

#[test]
fn a_mapping_override_reads_another_vendor_field() {
    let y = connector(
        json!({"field_mapping": {"reservations": {"customer_name": "guest.name"}},
        "utc_offset_minutes": 0}),
    );
    let mut raw = seed_record();
    raw["guest"] = json!({"name": "李四"});
    let r = y.record(&raw);
    assert_eq!(r.data["customer_name"], "李四");
    assert_eq!(
        r.updated_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2024-02-15T18:05:00+00:00")
    );
}

#[test]
fn list_answers_may_be_wrapped_or_bare() {
    let y = connector(json!({}));
    let (rows, total) = y
        .read_page(&json!({"data": [seed_record()], "total": "7"}))
        .expect("wrapped");
    assert_eq!((rows.len(), total), (1, Some(7)));
    let (rows, total) = y
        .read_page(&json!([seed_record(), seed_record()]))
        .expect("bare");
    assert_eq!((rows.len(), total), (2, None));
    let err = y.read_page(&json!({"items": []})).expect_err("no data key");
    assert!(err.message.contains("config.list_key"), "{err}");
    let y = connector(json!({"list_key": "items"}));
    assert!(y.read_page(&json!({"items": []})).is_ok());
}

#[test]
fn status_changes_carry_what_the_seed_says_with_each_status() {
    let y = connector(json!({}));
    let arrived = json!({"reservation_id": "RES-1", "status": "arrived",
        "arrival_time": "2024-02-15T10:05:00Z", "table_number": "A08"});
    assert_eq!(
        status_query(&y, &arrived).expect("arrived"),
        vec![
            ("status".to_owned(), "arrived".to_owned()),
            ("arrival_time".to_owned(), "2024-02-15T18:05:00".to_owned())
        ]
    );
    let seated = json!({"reservation_id": "RES-1", "status": "seated", "table_number": "A08"});
    assert_eq!(
        status_query(&y, &seated).expect("seated")[1],
        ("table_number".to_owned(), "A08".to_owned())
    );
    let no_table = json!({"reservation_id": "RES-1", "status": "seated", "table_number": null});
    assert_eq!(
        status_query(&y, &no_table).expect_err("table").class,
        ErrorClass::ValidationError
    );
    assert!(status_query(&y, &json!({"reservation_id": "RES-1"})).is_err());
}

#[test]
fn webhook_events_name_their_reservation() {
    let y = connector(json!({}));
    let payload = json!({"event": "reservation.cancelled", "data": {"reservation_id": "RES-9"}});
    assert_eq!(
        y.event_target("reservation.cancelled", &payload),
        Some(("reservations".to_owned(), "RES-9".to_owned()))
    );
    assert_eq!(y.event_target("order.created", &payload), None);
}

#[test]
fn the_registry_builds_it_and_checks_its_mapping() {
    let built = crate::registry::build(&settings(json!({}))).expect("built");
    assert_eq!(built.streams(), STREAMS);
    let bad = crate::registry::check_field_mapping(
        SystemType::Reservation,
        "易订",
        &json!({"field_mapping": {"reservations": {"arrival": "arrival_time"}}}),
    );
    assert!(bad.is_err());
    let ok = crate::registry::check_field_mapping(
        SystemType::Reservation,
        "yiding",
        &json!({"field_mapping": {"reservations": {"notes": "remark"}}}),
    );
    assert!(ok.is_ok());
}
