//! Seed 000 systems synced through the service, as the app runs them: supplier orders
//! pulled from 蜀海 with their status moving only forward, members pulled from and pushed
//! to the WeChat member platform, a field mapping override, and a supplier webhook whose
//! signature is checked. Each simulator's own records show what reached the vendor.

mod common;
mod seed000;

use std::time::Duration;

use seed000::{new_system, seed000};
use serde_json::json;
use storelink_core::ingest::{DomainEvent, WebhookChannel};
use storelink_core::pos::RecordSyncStatus;
use storelink_core::supplier::SupplierOrderStatus;
use storelink_core::sync::{SyncAction, SyncItemStatus, SyncTaskStatus};
use storelink_core::{AppError, ErrorClass};
use storelink_service::ingest::RawPush;
use storelink_simulators::generic::System;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn supplier_orders_are_tracked_and_their_status_only_moves_forward() {
    let s = seed000(System::Supplier, json!({})).await;
    let full = s.sync("orders", "full").await;
    assert_eq!(
        (full.status, full.success_items, full.failed_items),
        (SyncTaskStatus::Completed, 6, 0)
    );
    let first = s.order("PO-00001").await.expect("pulled");
    assert_eq!(
        (first.status, first.supplier_name.as_deref()),
        (SupplierOrderStatus::Pending, Some("蜀海供应链"))
    );
    assert_eq!(
        first.total,
        first
            .subtotal
            .checked_add(first.tax)
            .and_then(|t| t.checked_add(first.shipping))
            .expect("sum")
    );

    let mut events = s.host.services.subscribe();
    // The supplier ships PO-00001, and sends PO-00002 (confirmed) back to pending.
    s.sim
        .set_order_status("PO-00001", "shipped")
        .expect("shipped");
    s.sim
        .set_order_status("PO-00002", "pending")
        .expect("sent back");
    let task = s.sync("orders", "incremental").await;
    assert_eq!(
        (task.status, task.failed_items),
        (SyncTaskStatus::Completed, 1),
        "{task:?}"
    );
    assert_eq!(
        s.order("PO-00001").await.expect("o").status,
        SupplierOrderStatus::Shipped
    );
    assert_eq!(
        s.order("PO-00002").await.expect("o").status,
        SupplierOrderStatus::Confirmed
    );
    let logs = s.logs(&task).await;
    let line = |id: &str| {
        logs.iter()
            .find(|l| l.item_id == id)
            .expect("logged")
            .clone()
    };
    let moved = line("PO-00001");
    assert_eq!(
        (moved.action, moved.status),
        (SyncAction::Update, SyncItemStatus::Success)
    );
    let back = line("PO-00002");
    assert_eq!(
        (back.status, back.error_class),
        (SyncItemStatus::Failed, Some(ErrorClass::BusinessLogicError))
    );
    assert!(
        back.error_message
            .as_deref()
            .is_some_and(|m| m.contains("confirmed") && m.contains("pending")),
        "{back:?}"
    );
    // The sync's own progress announcements come too; the order's change is what counts.
    let event = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match events.recv().await.expect("open") {
                DomainEvent::SyncTaskProgress { .. } => {}
                other => return other,
            }
        }
    })
    .await
    .expect("event");
    assert!(
        matches!(event, DomainEvent::SupplierOrderChanged { ref order_number, ref status, .. }
        if order_number == "PO-00001" && status == "shipped"),
        "{event:?}"
    );

    // Delivered records when; reading the same statuses again changes nothing.
    s.sim
        .set_order_status("PO-00001", "delivered")
        .expect("delivered");
    s.sync("orders", "incremental").await;
    let delivered = s.order("PO-00001").await.expect("o");
    assert_eq!(delivered.status, SupplierOrderStatus::Delivered);
    assert!(delivered.actual_delivery.is_some());
    let again = s.sync("orders", "full").await;
    let unchanged = s
        .logs(&again)
        .await
        .iter()
        .filter(|l| l.action == SyncAction::Unchanged)
        .count();
    assert_eq!(unchanged, 5, "all but the refused PO-00002 are as stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_go_both_ways_between_the_platform_and_the_store() {
    let s = seed000(System::Member, json!({"conflict_strategy": "manual"})).await;
    let full = s.sync("members", "full").await;
    assert_eq!((full.success_items, full.failed_items), (20, 0));
    assert_eq!(s.member_count().await, 20);
    let pulled = s.member("MEM-0001").await;
    assert_eq!(pulled.sync_status, RecordSyncStatus::Success);
    assert_eq!(pulled.points, s.points_at_platform("MEM-0001"));

    // Points earned at the member desk reach the platform once.
    s.edit_here(&s.member_body("MEM-0001", 3210)).await;
    assert_eq!(
        s.member("MEM-0001").await.sync_status,
        RecordSyncStatus::Pending
    );
    // A sync before the change is sent: the platform still has the old version, no conflict.
    s.sync("members", "full").await;
    assert_eq!(s.member("MEM-0001").await.points, 3210);
    assert!(s.open_conflicts().await.is_empty());
    assert_eq!(s.send().await.delivered, 1);
    assert_eq!(s.points_at_platform("MEM-0001"), 3210);
    assert_eq!(s.sim.pushes("member:MEM-0001"), 1);
    // The platform's copy of our change comes back as unchanged, and the member is in sync.
    let task = s.sync("members", "incremental").await;
    let logs = s.logs(&task).await;
    let line = logs
        .iter()
        .find(|l| l.item_id == "MEM-0001")
        .expect("re-read");
    assert_eq!(line.action, SyncAction::Unchanged);
    assert_eq!(
        s.member("MEM-0001").await.sync_status,
        RecordSyncStatus::Success
    );

    // Points spent and a new level on the platform arrive here.
    s.sim
        .edit_member("MEM-0002", json!({"points": 5, "level": "platinum"}))
        .expect("edited");
    s.sync("members", "incremental").await;
    let m2 = s.member("MEM-0002").await;
    assert_eq!((m2.points, m2.level.as_deref()), (5, Some("platinum")));
    assert_eq!(
        s.outbox().await,
        ["done"],
        "pulled changes are not echoed back"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_field_mapping_override_is_used_and_an_unknown_field_refused_on_save() {
    let s = seed000(
        System::Member,
        json!({"field_mapping": {"members": {"level": "vip_level"}}}),
    )
    .await;
    s.sim
        .edit_member("MEM-0004", json!({"vip_level": "diamond"}))
        .expect("edited");
    s.sync("members", "full").await;
    assert_eq!(s.member("MEM-0004").await.level.as_deref(), Some("diamond"));
    // Sent back under the vendor's name too.
    s.edit_here(&json!({"member_id": "MEM-0004", "level": "gold", "points": 1}))
        .await;
    s.send().await;
    assert_eq!(s.sim.member("MEM-0004").expect("m")["vip_level"], "gold");

    let bad = new_system(
        &s.sim,
        System::Member,
        json!({"field_mapping": {"members": {"nickname": "nick"}}}),
    );
    let refused = s.host.services.create_system(&s.host.admin, bad).await;
    let Err(AppError::Validation { errors }) = refused else {
        panic!("not refused: {refused:?}")
    };
    assert_eq!(errors[0].field, "config.field_mapping.members.nickname");
    let wrong_stream = new_system(
        &s.sim,
        System::Supplier,
        json!({"field_mapping": {"members": {"name": "n"}}}),
    );
    assert!(s
        .host
        .services
        .create_system(&s.host.admin, wrong_stream)
        .await
        .is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supplier_webhook_needs_a_valid_signature() {
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let s = seed000(System::Supplier, json!({"webhook_secret": SECRET})).await;
    s.sync("orders", "full").await;
    let body = json!({"event": "order.status_changed",
        "data": {"order_number": "PO-00003", "status": "shipped"}})
    .to_string();
    let signed = |secret: &str, id: &str| {
        let ts = chrono::Utc::now().timestamp();
        let sig = storelink_connectors::signature::sign_standard(secret, id, ts, body.as_bytes())
            .expect("sign");
        RawPush {
            body: body.clone().into_bytes(),
            headers: vec![
                ("webhook-id".into(), id.into()),
                ("webhook-timestamp".into(), ts.to_string()),
                ("webhook-signature".into(), sig),
            ],
        }
    };
    let system = s.system.id.to_string();
    let wrong = s
        .host
        .services
        .receive_webhook(
            WebhookChannel::Supplier,
            &system,
            signed("whsec_c2VjcmV0LW9mLWFub3RoZXI=", "msg_1"),
        )
        .await;
    assert!(
        matches!(wrong, Err(AppError::BadSignature { .. })),
        "{wrong:?}"
    );
    assert_eq!(
        s.order("PO-00003").await.expect("o").status,
        SupplierOrderStatus::Pending
    );
    s.host
        .services
        .receive_webhook(WebhookChannel::Supplier, &system, signed(SECRET, "msg_2"))
        .await
        .expect("accepted");
    assert_eq!(
        s.order("PO-00003").await.expect("o").status,
        SupplierOrderStatus::Shipped
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sink_applies_pulled_reservations_as_pushes_and_a_bad_record_fails_alone() {
    use storelink_connectors::connector::{Entity, RemoteRecord};
    use storelink_engine::sink::DomainSink;
    use storelink_service::ingest::PulledRecords;

    let host = common::host().await;
    let input: storelink_core::system::NewSystem = serde_json::from_value(json!({
        "name": "易订", "type": "reservation", "provider": "yiding",
        "api_endpoint": "http://127.0.0.1:9", "config": {"api_key": "k"}}))
    .expect("input");
    let system = host
        .services
        .create_system(&host.admin, input)
        .await
        .expect("system");
    let record = |id: &str, data: serde_json::Value| RemoteRecord {
        external_id: id.into(),
        updated_at: None,
        data,
    };
    let good = json!({"reservation_id": "R-1", "customer_name": "张三", "customer_count": 4,
        "reservation_date": "2026-12-01T18:00:00", "status": "confirmed"});
    let records = [
        record("R-1", good.clone()),
        record("R-2", json!({"reservation_id": "R-2", "customer_count": 2})),
    ];
    let sink = PulledRecords::default();
    let store = |records: Vec<RemoteRecord>| {
        let (sink, system, db) = (sink.clone(), system.clone(), host.services.db().clone());
        async move {
            let mut tx = db.write().await.expect("tx");
            let stored = sink
                .store(&mut tx, &system, Entity::Reservations, None, &records)
                .await
                .expect("page stored");
            tx.commit().await.expect("commit");
            stored
        }
    };
    let first = store(records.to_vec()).await;
    let outcome: Vec<_> = first
        .logs
        .iter()
        .map(|l| (l.item_id.as_str(), l.action, l.status))
        .collect();
    assert_eq!(
        outcome,
        [
            ("R-1", SyncAction::Create, SyncItemStatus::Success),
            ("R-2", SyncAction::Update, SyncItemStatus::Failed)
        ]
    );
    assert_eq!(first.failed, 1);
    assert!(first.logs[1]
        .error_message
        .as_deref()
        .is_some_and(|m| m.contains("customer_name")));
    let mut conn = host.services.db().read().await.expect("read");
    let stored = storelink_store::reservations::find(&mut conn, system.id, "R-1")
        .await
        .expect("find");
    assert!(stored.is_some_and(|(r, _)| r.customer_count == 4));
    drop(conn);
    let again = store(vec![record("R-1", good)]).await;
    assert_eq!(again.logs[0].action, SyncAction::Unchanged);
}
