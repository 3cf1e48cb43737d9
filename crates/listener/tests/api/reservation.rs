//! Seed 002 reservations: manual sync, the list's filters, the front desk's status changes,
//! and the platform's `reservation.created|updated|cancelled` webhooks.

use serde_json::{json, Value};
use storelink_core::ingest::DomainEvent;
use storelink_core::Role;
use tokio::sync::broadcast::Receiver;

use crate::common::{host, reservation_seed, Host};

fn sync_path(system_id: impl std::fmt::Display) -> String {
    format!("reservation/{system_id}/sync")
}

fn reservation_ids(items: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = items
        .iter()
        .map(|r| r["reservation_id"].as_str().unwrap_or_default().to_owned())
        .collect();
    ids.sort_unstable();
    ids
}

async fn listed(h: &Host, query: &str) -> Vec<String> {
    reservation_ids(&h.list(&format!("reservation/list?{query}")).await)
}

/// The one reservation the list holds.
async fn only(h: &Host) -> Value {
    let items = h.list("reservation/list").await;
    assert_eq!(items.len(), 1, "one reservation: {items:?}");
    items.into_iter().next().unwrap_or_default()
}

/// The events emitted so far, without waiting (they are sent before the reply).
fn drain(events: &mut Receiver<DomainEvent>) -> Vec<DomainEvent> {
    std::iter::from_fn(|| events.try_recv().ok()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_sync_stores_the_seed_and_the_list_filters_it() {
    let h = host().await;
    let yiding = h.system("reservation", "易订预订管理系统").await;
    for role in [Role::Staff, Role::FloorManager, Role::WarehouseManager] {
        let token = h.token_for(role).await;
        h.post(&sync_path(yiding), &token, &reservation_seed())
            .await
            .problem(403);
    }
    let manager = h.token_for(Role::CustomerManager).await;
    let first = h
        .post(&sync_path(yiding), &manager, &reservation_seed())
        .await;
    first.expect(201);
    assert_eq!(first.body["duplicate"], json!(false));
    assert_eq!(first.body["status"], json!("confirmed"));
    let again = h
        .post(&sync_path(yiding), &manager, &reservation_seed())
        .await;
    again.expect(200);
    assert_eq!(again.body["duplicate"], json!(true));

    let r = only(&h).await;
    assert_eq!(r["id"], first.body["id"]);
    assert_eq!(r["external_reservation_id"], json!("yiding_res_001"));
    assert_eq!(r["reservation_date"], json!("2024-02-14T16:00:00Z"));
    assert_eq!(r["customer_count"], json!(4));
    assert_eq!(r["deposit_amount"], json!(200.0));
    assert_eq!(r["store_id"], json!("store-001"));
    assert_eq!(r["raw_payload"], reservation_seed(), "kept for audit");

    let mut next_day = reservation_seed();
    next_day["reservation_id"] = json!("RES-2024-002");
    next_day["reservation_date"] = json!("2024-02-16T00:00:00");
    next_day["status"] = json!("pending");
    h.post(&sync_path(yiding), &manager, &next_day)
        .await
        .expect(201);
    let other_store = h
        .system_with("reservation", "另一店", "store-002", &[], json!({}))
        .await;
    let mut elsewhere = reservation_seed();
    elsewhere["reservation_id"] = json!("RES-9");
    h.post(&sync_path(other_store), &manager, &elsewhere)
        .await
        .expect(201);

    let seed_day = "date_from=2024-02-15T00:00:00&date_to=2024-02-15T23:59:59";
    assert_eq!(
        listed(
            &h,
            &format!("store_id=store-001&status=confirmed&{seed_day}")
        )
        .await,
        ["RES-2024-001"]
    );
    assert_eq!(
        listed(&h, &format!("store_id=store-001&{seed_day}")).await,
        ["RES-2024-001"]
    );
    assert_eq!(listed(&h, seed_day).await, ["RES-2024-001", "RES-9"]);
    assert_eq!(
        listed(&h, "store_id=store-001&date_from=2024-02-16T00:00:00").await,
        ["RES-2024-002"]
    );
    assert_eq!(listed(&h, "status=pending").await, ["RES-2024-002"]);
    assert!(listed(&h, "status=seated").await.is_empty());
    let page = h
        .get("reservation/list?store_id=store-001&limit=1", &h.admin)
        .await;
    page.expect(200);
    assert_eq!(page.body["items"].as_array().map(Vec::len), Some(1));
    assert!(page.body["next_cursor"].is_string());
    assert_eq!(h.walk("reservation/list", 1).await.len(), 3);

    h.get("reservation/list?status=lost", &h.admin)
        .await
        .problem_naming(422, "status", "one_of");
    h.get("reservation/list?date_from=tomorrow", &h.admin)
        .await
        .problem_naming(422, "date_from", "format");
    let mut bad = reservation_seed();
    bad["customer_count"] = json!(0);
    bad["customer_phone"] = json!("12345");
    let reply = h.post(&sync_path(yiding), &manager, &bad).await;
    reply.problem_naming(422, "customer_count", "out_of_range");
    reply.problem_naming(422, "customer_phone", "phone_cn");
    let mut new_without_name = reservation_seed();
    new_without_name["reservation_id"] = json!("RES-NEW");
    if let Some(fields) = new_without_name.as_object_mut() {
        fields.remove("customer_name");
    }
    h.post(&sync_path(yiding), &manager, &new_without_name)
        .await
        .problem_naming(422, "customer_name", "required");
    assert_eq!(
        h.walk("reservation/list", 10).await.len(),
        3,
        "refusals store nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_front_desk_moves_a_reservation_through_its_states() {
    let h = host().await;
    let yiding = h.system("reservation", "易订").await;
    h.post(&sync_path(yiding), &h.admin, &reservation_seed())
        .await
        .expect(201);
    let floor = h.token_for(Role::FloorManager).await;
    let staff = h.token_for(Role::Staff).await;
    let status = |query: &str| format!("reservation/RES-2024-001/status?{query}");
    let mut events = h.services.subscribe();

    h.put(&status("status=arrived"), &staff).await.problem(403);
    assert_eq!(only(&h).await["status"], json!("confirmed"));

    let arrived = h
        .put(
            &status("status=arrived&arrival_time=2024-02-15T18:05:00"),
            &floor,
        )
        .await;
    arrived.expect(200);
    assert_eq!(arrived.body["status"], json!("arrived"));
    assert_eq!(arrived.body["arrival_time"], json!("2024-02-15T10:05:00Z"));
    assert_eq!(
        arrived.body["sync_status"],
        json!("pending"),
        "to be sent back"
    );
    assert!(matches!(
        drain(&mut events).as_slice(),
        [DomainEvent::ReservationChanged { status, .. }] if status == "arrived"
    ));

    h.put(&status("status=seated"), &floor)
        .await
        .problem_naming(422, "table_number", "required");
    h.put(&status("status=seated&table_number=%20"), &floor)
        .await
        .problem_naming(422, "table_number", "required");
    assert_eq!(only(&h).await["status"], json!("arrived"), "unchanged");

    let seated = h
        .put(&status("status=seated&table_number=A08"), &floor)
        .await;
    seated.expect(200);
    assert_eq!(seated.body["status"], json!("seated"));
    assert_eq!(seated.body["table_number"], json!("A08"));
    assert_eq!(seated.body["arrival_time"], json!("2024-02-15T10:05:00Z"));

    let illegal = h.put(&status("status=pending"), &floor).await;
    assert_eq!(illegal.allowed_next(), ["completed"]);
    h.put(&status("status=cancelled"), &floor)
        .await
        .problem(409);
    h.put(&status("status=lost"), &floor)
        .await
        .problem_naming(422, "status", "one_of");
    h.put("reservation/RES-2024-001/status", &floor)
        .await
        .problem_naming(400, "query", "invalid");
    h.put("reservation/RES-NOPE/status?status=arrived", &floor)
        .await
        .problem(404);
    h.send(
        reqwest::Method::PUT,
        &status("status=completed"),
        None,
        &[],
        None,
    )
    .await
    .problem(401);

    let r = only(&h).await;
    assert_eq!(r["status"], json!("seated"));
    assert_eq!(r["table_number"], json!("A08"));
    let logs = h.list(&format!("sync-logs?system_id={yiding}")).await;
    assert_eq!(logs.len(), 3, "a create and two status changes");
    h.put(&status("status=completed"), &floor).await.expect(200);
    assert_eq!(only(&h).await["status"], json!("completed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn platform_webhooks_upsert_and_announce_new_and_cancelled_bookings() {
    let h = host().await;
    let yiding = h.system("reservation", "易订").await;
    let mut events = h.services.subscribe();
    let data = json!({
        "reservation_id": "RES-2024-001",
        "customer_name": "张三",
        "customer_phone": "13800138000",
        "customer_count": 4,
        "reservation_date": "2024-02-15T00:00:00",
        "reservation_time": "18:00-20:00",
        "status": "pending"
    });
    let created = h
        .signed_webhook(
            "reservation",
            yiding,
            &json!({"event": "reservation.created", "data": data}),
        )
        .await;
    created.expect(200);
    assert_eq!(created.body["duplicate"], json!(false));
    assert_eq!(created.body["status"], json!("pending"));
    let r = only(&h).await;
    assert_eq!(created.body["record_id"], r["id"]);
    match drain(&mut events).as_slice() {
        [DomainEvent::ReservationCreated {
            reservation_id,
            customer_name,
            system_id,
            ..
        }] => {
            assert_eq!(reservation_id, "RES-2024-001");
            assert_eq!(customer_name, "张三");
            assert_eq!(*system_id, yiding);
        }
        other => panic!("expected ReservationCreated, got {other:?}"),
    }

    let update = json!({"event": "reservation.updated", "data": {
        "reservation_id": "RES-2024-001", "status": "confirmed", "customer_count": 6}});
    let updated = h.signed_webhook("reservation", yiding, &update).await;
    updated.expect(200);
    assert_eq!(updated.body["status"], json!("confirmed"));
    let r = only(&h).await;
    assert_eq!(r["status"], json!("confirmed"));
    assert_eq!(r["customer_count"], json!(6));
    assert_eq!(
        r["customer_name"],
        json!("张三"),
        "fields not sent are kept"
    );
    assert!(matches!(
        drain(&mut events).as_slice(),
        [DomainEvent::ReservationChanged { status, .. }] if status == "confirmed"
    ));
    // The same news under a new delivery id changes nothing and announces nothing.
    let repeat = h.signed_webhook("reservation", yiding, &update).await;
    repeat.expect(200);
    assert_eq!(repeat.body["duplicate"], json!(true));
    assert!(drain(&mut events).is_empty());

    let cancel = json!({"event": "reservation.cancelled",
        "data": {"reservation_id": "RES-2024-001"}});
    let cancelled = h.signed_webhook("reservation", yiding, &cancel).await;
    cancelled.expect(200);
    assert_eq!(cancelled.body["status"], json!("cancelled"));
    assert_eq!(only(&h).await["status"], json!("cancelled"));
    match drain(&mut events).as_slice() {
        [DomainEvent::ReservationCancelled {
            reservation_id,
            customer_name,
            ..
        }] => {
            assert_eq!(reservation_id, "RES-2024-001");
            assert_eq!(customer_name, "张三");
        }
        other => panic!("expected ReservationCancelled, got {other:?}"),
    }
    // An update delivered late (it leads to the cancellation) is stale: it stays cancelled.
    let late_update = json!({"event": "reservation.updated", "data": {
        "reservation_id": "RES-2024-001", "status": "confirmed"}});
    let stale = h.signed_webhook("reservation", yiding, &late_update).await;
    stale.expect(200);
    assert_eq!(stale.body["status"], json!("cancelled"));
    assert_eq!(only(&h).await["status"], json!("cancelled"));

    // A booking first seen as a cancellation is stored, cancelled.
    let late = json!({"event": "reservation.cancelled", "data": {
        "reservation_id": "RES-2024-002", "customer_name": "李四", "customer_count": 2,
        "reservation_date": "2024-02-16"}});
    h.signed_webhook("reservation", yiding, &late)
        .await
        .expect(200);
    assert_eq!(
        listed(&h, "status=cancelled").await,
        ["RES-2024-001", "RES-2024-002"]
    );

    // Guests the front desk has seated cannot be cancelled by the platform.
    let mut seated = reservation_seed();
    seated["reservation_id"] = json!("RES-2024-003");
    h.post(&sync_path(yiding), &h.admin, &seated)
        .await
        .expect(201);
    for step in ["status=arrived", "status=seated&table_number=A01"] {
        h.put(&format!("reservation/RES-2024-003/status?{step}"), &h.admin)
            .await
            .expect(200);
    }
    let cancel_seated = json!({"event": "reservation.cancelled",
        "data": {"reservation_id": "RES-2024-003"}});
    let refused = h
        .signed_webhook("reservation", yiding, &cancel_seated)
        .await;
    assert_eq!(refused.allowed_next(), ["completed"]);
    assert_eq!(listed(&h, "status=seated").await, ["RES-2024-003"]);
    let cancel_text = cancel_seated.to_string();
    assert!(h
        .inbox(yiding)
        .await
        .iter()
        .all(|e| e.payload != cancel_text));
    h.signed_webhook(
        "reservation",
        yiding,
        &json!({"event": "reservation.deleted", "data": {"reservation_id": "RES-2024-001"}}),
    )
    .await
    .problem_naming(422, "event", "one_of");
}
