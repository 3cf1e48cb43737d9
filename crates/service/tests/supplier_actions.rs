//! Store-side supplier order actions: cancel and reschedule (改约) with their roles,
//! validation, audit, and the outbox entry queued with the change. Real keychain: run with
//! `scripts/with-keyring.sh cargo test -p storelink-service --test supplier_actions`.

mod common;

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use common::{host, user, Host};
use serde_json::{json, Value};
use storelink_core::audit::AuditOutcome;
use storelink_core::outbox::OutboxEntry;
use storelink_core::supplier::SupplierOrderStatus;
use storelink_core::system::NewSystem;
use storelink_core::{Actor, AppError, PageRequest, Role, Rule};
use storelink_service::ingest::RawPush;

async fn ylh_system(h: &Host) -> String {
    let secrets: BTreeMap<String, String> = [
        ("client_secret", "cs"),
        ("password", "pw"),
        ("callback_secret", "cb"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    h.services
        .create_system(
            &h.admin,
            NewSystem {
                name: format!("易理货 {}", uuid::Uuid::now_v7()),
                system_type: "supplier".into(),
                provider: "ylh".into(),
                store_id: Some("store-001".into()),
                api_endpoint: Some("http://127.0.0.1:9".into()),
                config: Some(
                    json!({"client_id": "c", "username": "u", "source_system": "storelink",
                    "shop_name": "店", "app_key": "k"}),
                ),
                secrets,
                ..Default::default()
            },
        )
        .await
        .expect("system")
        .id
        .to_string()
}

async fn create_order(h: &Host, system: &str, number: &str) {
    let body = json!({"order_number": number, "supplier_id": "HAIER", "subtotal": "2599.98",
        "total": "2599.98", "items": [{"name": "BS01U000N", "quantity": 2, "price": "1299.99"}],
        "delivery": {"address": "江苏省南京市鼓楼区中山北路100号", "contact": "李四", "phone": "13900139000"}});
    h.services
        .create_supplier_order(&h.admin, system, RawPush::new(body.to_string()))
        .await
        .expect("order");
}

async fn outbox(h: &Host, system: &str) -> Vec<OutboxEntry> {
    let mut items = h
        .services
        .list_outbox(&h.admin, Some(system), None, &PageRequest::default())
        .await
        .expect("outbox")
        .items;
    items.sort_by_key(|e| e.created_at);
    items
}

fn in_days(days: i64) -> String {
    (Utc::now() + Duration::days(days)).to_rfc3339()
}

fn fields(err: &AppError) -> Vec<(String, Rule)> {
    match err {
        AppError::Validation { errors } => errors
            .iter()
            .map(|e| (e.field.clone(), e.rule.clone()))
            .collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_warehouse_manager_cancels_and_the_supplier_is_told_in_the_same_transaction() {
    let h = host().await;
    let system = ylh_system(&h).await;
    create_order(&h, &system, "PO-C-1").await;
    let warehouse = user(&h, "cang", Role::WarehouseManager).await;
    let order = h
        .services
        .cancel_supplier_order(&warehouse, &system, "PO-C-1", " 客户要求取消 ")
        .await
        .expect("cancelled");
    assert_eq!(order.status, SupplierOrderStatus::Cancelled);
    let entries = outbox(&h, &system).await;
    let ops: Vec<&str> = entries.iter().map(|e| e.operation.as_str()).collect();
    assert_eq!(ops, ["supplier_order.create", "supplier_order.cancel"]);
    assert_eq!(entries[1].record_key, "supplier_order:PO-C-1");
    assert_eq!(
        entries[1].payload,
        json!({"order_number": "PO-C-1", "reason": "客户要求取消"})
    );
    let audit = h
        .services
        .audit_log(&h.admin, Some(&order.id.to_string()), 10)
        .await
        .expect("audit");
    let entry = audit
        .iter()
        .find(|a| a.action == "supplier_orders_cancel")
        .expect("audited");
    assert_eq!(
        (entry.actor.as_str(), entry.outcome),
        ("cang", AuditOutcome::Success)
    );
    assert_eq!(entry.before, Some(json!({"status": "pending"})));
    // Cancelled is final: again is a conflict, and nothing more is queued.
    let again = h
        .services
        .cancel_supplier_order(&warehouse, &system, "PO-C-1", "再取消")
        .await
        .expect_err("final");
    assert!(matches!(again, AppError::Conflict { .. }), "{again:?}");
    let later = h
        .services
        .reschedule_supplier_order(&h.admin, &system, "PO-C-1", Some(&in_days(2)), None)
        .await
        .expect_err("cancelled");
    assert!(matches!(later, AppError::Conflict { .. }), "{later:?}");
    assert_eq!(outbox(&h, &system).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reschedule_keeps_the_new_days_and_queues_them_with_the_suppliers_number() {
    let h = host().await;
    let system = ylh_system(&h).await;
    create_order(&h, &system, "PO-R-1").await;
    let (day, install) = (in_days(3), in_days(4));
    let order = h
        .services
        .reschedule_supplier_order(&h.admin, &system, "PO-R-1", Some(&day), Some(&install))
        .await
        .expect("rescheduled");
    assert_eq!(order.status, SupplierOrderStatus::Pending);
    let kept = |key: &str| {
        order.delivery_info[key]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
    };
    assert_eq!(
        kept("distribution_time"),
        chrono::DateTime::parse_from_rfc3339(&day).ok()
    );
    assert_eq!(
        kept("install_time"),
        chrono::DateTime::parse_from_rfc3339(&install).ok()
    );
    assert_eq!(
        order.delivery_info["contact"], "李四",
        "delivery info is kept"
    );
    let entries = outbox(&h, &system).await;
    let last = entries.last().expect("queued");
    assert_eq!(last.operation, "supplier_order.reschedule");
    assert_eq!(last.payload["order_number"], "PO-R-1");
    assert_eq!(last.payload["retail_order_no"], Value::Null);
    assert!(last.payload["distribution_time"].is_string());
    // Only the install day this time.
    h.services
        .reschedule_supplier_order(&h.admin, &system, "PO-R-1", None, Some(&in_days(5)))
        .await
        .expect("rescheduled");
    let last = outbox(&h, &system).await.pop().expect("queued");
    assert_eq!(last.payload["distribution_time"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn actions_are_validated_before_anything_changes() {
    let h = host().await;
    let system = ylh_system(&h).await;
    create_order(&h, &system, "PO-V-1").await;
    let s = &h.services;
    let err = s
        .cancel_supplier_order(&h.admin, &system, "PO-V-1", "  ")
        .await
        .expect_err("no reason");
    assert_eq!(fields(&err), [("reason".to_owned(), Rule::Required)]);
    let err = s
        .reschedule_supplier_order(
            &h.admin,
            &system,
            "PO-V-1",
            Some(&in_days(-1)),
            Some("soon"),
        )
        .await
        .expect_err("past and unreadable");
    let named: Vec<String> = fields(&err).into_iter().map(|(f, _)| f).collect();
    assert_eq!(named, ["distribution_time", "install_time"]);
    let err = s
        .reschedule_supplier_order(&h.admin, &system, "PO-V-1", None, None)
        .await
        .expect_err("nothing to move");
    assert_eq!(
        fields(&err),
        [("distribution_time".to_owned(), Rule::Required)]
    );
    let err = s
        .cancel_supplier_order(&h.admin, &system, "PO-NOPE", "x")
        .await
        .expect_err("unknown");
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    let other = uuid::Uuid::now_v7().to_string();
    let err = s
        .cancel_supplier_order(&h.admin, &other, "PO-V-1", "x")
        .await
        .expect_err("unknown system");
    assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    assert_eq!(outbox(&h, &system).await.len(), 1, "only the create");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_roles_that_create_supplier_orders_may_cancel_or_reschedule() {
    let h = host().await;
    let system = ylh_system(&h).await;
    create_order(&h, &system, "PO-P-1").await;
    for (i, role) in [Role::FloorManager, Role::CustomerManager, Role::Staff]
        .into_iter()
        .enumerate()
    {
        let actor = user(&h, &format!("u{i}"), role).await;
        let cancel = h
            .services
            .cancel_supplier_order(&actor, &system, "PO-P-1", "x")
            .await
            .expect_err("forbidden");
        assert!(
            matches!(cancel, AppError::Forbidden { .. }),
            "{role}: {cancel:?}"
        );
        let moved = h
            .services
            .reschedule_supplier_order(&actor, &system, "PO-P-1", Some(&in_days(2)), None)
            .await
            .expect_err("forbidden");
        assert!(
            matches!(moved, AppError::Forbidden { .. }),
            "{role}: {moved:?}"
        );
    }
    // A token bound to another system may not act on this one.
    let bound = Actor {
        system_id: Some(uuid::Uuid::now_v7()),
        ..Actor::local_cli()
    };
    let err = h
        .services
        .cancel_supplier_order(&bound, &system, "PO-P-1", "x")
        .await
        .expect_err("other system");
    assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
    let store_manager = user(&h, "dianzhang", Role::StoreManager).await;
    h.services
        .reschedule_supplier_order(&store_manager, &system, "PO-P-1", Some(&in_days(2)), None)
        .await
        .expect("a store manager may");
    let refusals = h
        .services
        .audit_log(&h.admin, Some("PO-P-1"), 50)
        .await
        .expect("audit");
    assert_eq!(
        refusals
            .iter()
            .filter(|a| a.outcome == AuditOutcome::Forbidden)
            .count(),
        6,
        "every refused attempt is on record"
    );
    assert_eq!(outbox(&h, &system).await.len(), 2);
}
