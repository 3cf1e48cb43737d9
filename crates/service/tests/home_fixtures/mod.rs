//! Systems, sales and bookings for the dashboard and front-desk tests.
#![allow(dead_code)]

use chrono::{Duration, NaiveDate, Utc};
use serde_json::{json, Value};
use storelink_core::reservation::StatusChange;
use storelink_core::system::NewSystem;
use storelink_core::Actor;
use storelink_service::dashboard::front_desk::FrontDeskBoard;
use storelink_service::dashboard::{DashboardSummary, SystemCard};
use storelink_service::ingest::RawPush;
use storelink_testkit::closed_port_url;
use uuid::Uuid;

use crate::common::Host;

/// The store's date today at UTC+8 (no system here sets another zone), and a day off it.
pub fn store_date(days: i64) -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive() + Duration::days(days)
}

/// A local store time on the store's date `days` from today.
pub fn local(days: i64, time: &str) -> String {
    format!("{}T{time}:00", store_date(days).format("%Y-%m-%d"))
}

pub async fn add_system(h: &Host, body: Value) -> Uuid {
    let input: NewSystem = serde_json::from_value(body).expect("system body");
    h.services
        .create_system(&h.admin, input)
        .await
        .expect("create")
        .id
}

pub async fn pos_system(h: &Host) -> Uuid {
    let endpoint = closed_port_url().await;
    add_system(
        h,
        json!({"name": "前台POS", "type": "pos", "provider": "Meituan",
            "config": {"api_endpoint": endpoint, "api_key": "pos-key"}}),
    )
    .await
}

pub async fn reservation_system(h: &Host, config: Value) -> Uuid {
    let mut settings =
        json!({"api_endpoint": "http://127.0.0.1:9/reservation", "api_key": "yd-key"});
    if let (Some(s), Value::Object(extra)) = (settings.as_object_mut(), config) {
        s.extend(extra);
    }
    add_system(
        h,
        json!({"name": "易订", "type": "reservation", "provider": "Yiding", "config": settings}),
    )
    .await
}

/// An ERP whose endpoint does not answer, failing at once.
pub async fn unreachable_erp(h: &Host) -> Uuid {
    let endpoint = closed_port_url().await;
    add_system(
        h,
        json!({"name": "总部ERP", "type": "erp", "provider": "custom", "api_endpoint": endpoint,
            "config": {"username": "storelink", "timeout_ms": 2000, "retryPolicy": {"maxRetries": 0}},
            "secrets": {"password": "erp-pass"}}),
    )
    .await
}

/// Pushes a POS transaction; amounts are written as decimal text in the body, as a
/// terminal sends them.
pub async fn sell(h: &Host, system: Uuid, body: String) {
    h.services
        .record_pos_transaction(&h.admin, &system.to_string(), RawPush::new(body.clone()))
        .await
        .unwrap_or_else(|e| panic!("{body}: {e:?}"));
}

pub fn sale(id: &str, total: &str, time: String) -> String {
    format!(
        r#"{{"transaction_id": "{id}", "type": "sale", "total": {total}, "payment_method": "wechat_pay", "transaction_time": "{time}"}}"#
    )
}

/// Books a reservation through the platform's sync call; returns its local id.
pub async fn book(h: &Host, system: Uuid, id: &str, date: &str, extra: Value) -> Uuid {
    let mut body = json!({"reservation_id": id, "customer_name": "张三", "customer_count": 4,
        "reservation_date": date, "status": "confirmed"});
    if let (Some(b), Value::Object(extra)) = (body.as_object_mut(), extra) {
        b.extend(extra);
    }
    let push = RawPush::new(serde_json::to_vec(&body).expect("body"));
    h.services
        .sync_reservation(&h.admin, &system.to_string(), push)
        .await
        .expect("reservation")
        .id
}

pub async fn board(h: &Host, actor: &Actor, date: Option<&str>) -> FrontDeskBoard {
    h.services
        .front_desk_board(actor, date)
        .await
        .expect("board")
}

pub fn board_ids(board: &FrontDeskBoard) -> Vec<String> {
    board
        .reservations
        .iter()
        .map(|r| r.reservation.reservation_id.clone())
        .collect()
}

pub fn change(status: &str, table: Option<&str>) -> StatusChange {
    StatusChange {
        status: status.into(),
        arrival_time: None,
        table_number: table.map(str::to_owned),
    }
}

pub fn card(summary: &DashboardSummary, id: Uuid) -> &SystemCard {
    summary
        .systems
        .iter()
        .find(|c| c.system_id == id)
        .unwrap_or_else(|| panic!("no card for {id}: {summary:?}"))
}
