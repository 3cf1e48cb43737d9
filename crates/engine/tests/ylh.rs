//! The engine against the 易理货 simulator over loopback, with a real SQLite file and the
//! real keychain (run under scripts/with-keyring.sh): orders through the outbox (once, across
//! an outage and a duplicate), cancel and reschedule, logistics in batches of 100, a token
//! expiring mid-sync, and the vendor's refusals in their seed 004 classes.

mod common;

#[path = "ylh/refusals.rs"]
mod refusals;

use std::time::Duration;

use chrono::Utc;
use common::{erp_config, is_auth_refusal, typed_vendor_host, ErpSystem, VendorHost};
use serde_json::{json, Value};
use storelink_core::ids::{new_id, now};
use storelink_core::outbox::{OutboxEntry, OutboxStatus};
use storelink_core::supplier::{
    SupplierOrder, SupplierOrderItem, SupplierOrderStatus, SupplierOrderType,
};
use storelink_core::sync::{SyncMode, SyncTaskStatus};
use storelink_core::system::SystemType;
use storelink_core::{ErrorClass, Money};
use storelink_secrets::{Keychain, Secret};
use storelink_simulators::ylh::{FaultSpec, YlhSim, YlhSimConfig};
use storelink_store::erp_records::ErpTable;
use storelink_store::{supplier_orders, systems};

const PASSWORD: &str = "ylh-pass";

async fn host(faults: &str, password: &str) -> VendorHost<YlhSim> {
    let sim = YlhSim::start(YlhSimConfig {
        faults: FaultSpec::parse(faults).expect("faults"),
        ..YlhSimConfig::default()
    })
    .await
    .expect("simulator");
    let c = sim.config().clone();
    let endpoint = sim.base_url();
    let mut h = typed_vendor_host(
        sim,
        SystemType::Supplier,
        ErpSystem {
            name: "易理货",
            provider: "ylh",
            version: None,
            endpoint,
            config: erp_config(
                100,
                json!({"client_id": c.client_id, "username": c.username,
                    "source_system": "storelink", "shop_name": "智链旗舰店"}),
            ),
            secret: ("client_secret", &c.client_secret),
        },
    )
    .await;
    // The second secret of the password grant.
    Keychain::new("storelink-engine-test")
        .set(h.system.id, "password", &Secret::new(password))
        .await
        .expect("keychain");
    h.system.secret_fields.push("password".into());
    let mut tx = h.db.write().await.expect("tx");
    systems::update(&mut tx, &h.system).await.expect("system");
    tx.commit().await.expect("commit");
    h
}

/// A purchase order of ours, as the service keeps (and serializes) it.
fn order(h: &VendorHost<YlhSim>, number: &str, status: SupplierOrderStatus) -> SupplierOrder {
    let at = now();
    SupplierOrder {
        id: new_id(),
        system_id: h.system.id,
        store_id: Some("store-001".into()),
        order_number: number.into(),
        supplier_id: "HAIER".into(),
        supplier_name: Some("海尔".into()),
        order_type: SupplierOrderType::Purchase,
        status,
        subtotal: Money::from_fen(259_998),
        tax: Money::ZERO,
        shipping: Money::ZERO,
        total: Money::from_fen(259_998),
        items: vec![SupplierOrderItem {
            name: "BS01U000N".into(),
            quantity: 2,
            unit: Some("台".into()),
            price: Money::from_fen(129_999),
        }],
        delivery_info: json!({"address": "江苏省南京市鼓楼区中山北路100号", "contact": "李四",
            "phone": "13900139000"}),
        order_date: Some(at),
        expected_delivery: None,
        actual_delivery: None,
        created_at: at,
        updated_at: at,
    }
}

/// An outbox entry to queue: (record key, operation, payload).
type Entry = (String, &'static str, Value);

fn create_entry(h: &VendorHost<YlhSim>, number: &str) -> Entry {
    let o = order(h, number, SupplierOrderStatus::Pending);
    (
        format!("supplier_order:{number}"),
        "supplier_order.create",
        serde_json::to_value(&o).expect("payload"),
    )
}

async fn queue(h: &VendorHost<YlhSim>, entries: Vec<Entry>) {
    let borrowed: Vec<(&str, &str, Value)> = entries
        .iter()
        .map(|(k, op, p)| (k.as_str(), *op, p.clone()))
        .collect();
    h.queue(&borrowed).await;
}

async fn drain(h: &VendorHost<YlhSim>) -> Vec<OutboxEntry> {
    h.drain_outbox(Duration::from_secs(30), Duration::from_millis(50))
        .await;
    h.outbox_entries().await
}

fn all_done(entries: &[OutboxEntry]) {
    assert!(
        entries.iter().all(|e| e.status == OutboxStatus::Done),
        "{entries:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_created_through_the_outbox_arrives_once_with_its_so_id() {
    let h = host("", PASSWORD).await;
    queue(&h, vec![create_entry(&h, "PO-2024-001")]).await;
    let entries = drain(&h).await;
    all_done(&entries);
    // Another pass sends nothing again.
    h.engine.dispatch_once().await.expect("dispatch");
    let stats = h.sim.stats();
    assert_eq!(
        stats.create_requests.get("PO-2024-001"),
        Some(&1),
        "{stats:?}"
    );
    assert_eq!(stats.orders_created, 1);
    let sent = h.sim.order("PO-2024-001").expect("created").body;
    assert_eq!(sent["soId"], "PO-2024-001");
    assert_eq!(sent["consigneeName"], "李四");
    assert_eq!(sent["shopName"], "智链旗舰店");
    assert_eq!(sent["itemList"][0]["productCode"], "BS01U000N");
    assert_eq!(sent["totalAmt"].to_string(), "2599.98");
    let reply = entries[0]
        .vendor_reply
        .clone()
        .expect("the vendor's reply is kept");
    assert_eq!(reply["success"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_while_delivering_is_retried_then_arrives_exactly_once() {
    let h = host("", PASSWORD).await;
    h.sim.set_outage(true);
    queue(&h, vec![create_entry(&h, "PO-OUT-1")]).await;
    h.engine.dispatch_once().await.expect("dispatch");
    let waiting = h.outbox_entries().await;
    assert_eq!(waiting[0].status, OutboxStatus::Pending, "{waiting:?}");
    assert_eq!(waiting[0].last_error_class, Some(ErrorClass::NetworkError));
    assert!(h.sim.stats().outage_refusals >= 1);
    assert!(h.sim.stats().create_requests.is_empty());
    h.sim.set_outage(false);
    let entries = drain(&h).await;
    all_done(&entries);
    assert!(entries[0].attempts >= 2, "{entries:?}");
    let stats = h.sim.stats();
    assert_eq!(stats.create_requests.get("PO-OUT-1"), Some(&1), "{stats:?}");
    assert_eq!(stats.orders_created, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_order_queued_twice_counts_the_duplicate_reply_as_done() {
    let h = host("", PASSWORD).await;
    queue(
        &h,
        vec![create_entry(&h, "PO-DUP"), create_entry(&h, "PO-DUP")],
    )
    .await;
    let entries = drain(&h).await;
    all_done(&entries);
    let stats = h.sim.stats();
    assert_eq!(stats.create_requests.get("PO-DUP"), Some(&2));
    assert_eq!((stats.orders_created, stats.duplicate_creates), (1, 1));
    let replies: Vec<String> = entries
        .iter()
        .filter_map(|e| e.vendor_reply.as_ref())
        .map(|r| r["description"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(replies.iter().any(|d| d.contains("已存在")), "{replies:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_and_reschedule_are_delivered() {
    let h = host("", PASSWORD).await;
    let day = (Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    queue(
        &h,
        vec![
            create_entry(&h, "PO-A"),
            (
                "supplier_order:PO-A".into(),
                "supplier_order.reschedule",
                json!({"order_number": "PO-A", "retail_order_no": null,
                    "distribution_time": day, "install_time": day}),
            ),
            create_entry(&h, "PO-B"),
            (
                "supplier_order:PO-B".into(),
                "supplier_order.cancel",
                json!({"order_number": "PO-B", "reason": "客户要求取消"}),
            ),
        ],
    )
    .await;
    all_done(&drain(&h).await);
    let stats = h.sim.stats();
    assert_eq!(
        stats.cancels.get("PO-B").map(String::as_str),
        Some("客户要求取消")
    );
    assert_eq!(stats.reschedules.len(), 1, "{stats:?}");
    assert_eq!(stats.reschedules[0]["retailOrderNo"], "PO-A");
    let a = h.sim.order("PO-A").expect("PO-A");
    let expected = storelink_connectors::ylh::end_of_day(
        chrono::DateTime::parse_from_rfc3339(&day)
            .expect("day")
            .with_timezone(&Utc),
        storelink_core::vendor_time::china_offset(),
    );
    assert_eq!(a.distribution_time, Some(expected.timestamp_millis()));
    assert_eq!(a.install_time, a.distribution_time);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_orders_are_asked_for_in_calls_of_at_most_100() {
    let h = host("", PASSWORD).await;
    let numbers: Vec<String> = (1..=250).map(|n| format!("PO-L-{n:04}")).collect();
    let mut tx = h.db.write().await.expect("tx");
    for n in &numbers {
        let o = order(&h, n, SupplierOrderStatus::Confirmed);
        supplier_orders::insert(&mut tx, &o, n, "local")
            .await
            .expect("order");
    }
    // A delivered order is not asked for.
    let done = order(&h, "PO-L-DONE", SupplierOrderStatus::Delivered);
    supplier_orders::insert(&mut tx, &done, "d", "local")
        .await
        .expect("order");
    tx.commit().await.expect("commit");
    h.sim.insert_orders(&numbers);
    let task = h.sync("logistics", SyncMode::Full).await.expect("sync");
    assert_eq!(task.status, SyncTaskStatus::Completed);
    assert_eq!((task.success_items, task.failed_items), (250, 0));
    assert_eq!(h.sim.stats().logistics_batches, vec![100, 100, 50]);
    assert_eq!(h.sim.stats().logistics_refused, 0);
    assert_eq!(h.count(ErpTable::Logistics).await, 250);
    let stored = h.stored(ErpTable::Logistics, "PO-L-0117").await;
    assert_eq!(stored["orderCode"], "PO-L-0117");
    assert_eq!(stored["carrier"], "日日顺物流");
    assert!(stored["trackingNumber"]
        .as_str()
        .is_some_and(|t| t.starts_with("RRS")));
    assert_eq!(stored["snCodes"].as_array().map(Vec::len), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_expiring_mid_sync_means_one_new_login() {
    let h = host("slow:30ms:1.0", PASSWORD).await;
    let numbers: Vec<String> = (1..=300).map(|n| format!("PO-T-{n:04}")).collect();
    let mut tx = h.db.write().await.expect("tx");
    for n in &numbers {
        let o = order(&h, n, SupplierOrderStatus::Shipped);
        supplier_orders::insert(&mut tx, &o, n, "local")
            .await
            .expect("order");
    }
    tx.commit().await.expect("commit");
    h.sim.insert_orders(&numbers);
    let task = h
        .full_sync_expiring(
            "logistics",
            |sim| !sim.stats().logistics_batches.is_empty(),
            |sim| {
                sim.expire_tokens();
            },
        )
        .await
        .expect("the sync survives");
    assert_eq!(task.success_items, 300);
    let stats = h.sim.stats();
    assert_eq!(
        (stats.tokens_issued, stats.rejected_tokens),
        (2, 1),
        "{stats:?}"
    );
    assert_eq!(stats.logistics_batches, vec![100, 100, 100]);
}
