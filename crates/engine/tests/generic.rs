//! The seed 000 connector against its simulator through the engine: pushes that survive an
//! outage (and a dropped connection) arrive once each, connection tests and the vendor's
//! error codes as seed 004 classes, and pages read through a configured field mapping.
//! Syncs that store members and supplier orders need the service's domain sink; they are
//! in `crates/service/tests/generic_sync.rs`.

mod common;

use std::time::Duration;

use common::{erp_config, typed_vendor_host, ErpSystem, VendorHost};
use serde_json::{json, Value};
use storelink_connectors::connector::{PullRequest, PushRequest};
use storelink_core::outbox::OutboxStatus;
use storelink_core::system::SystemType;
use storelink_core::ErrorClass;
use storelink_simulators::erp::FaultSpec;
use storelink_simulators::generic::{GenericSim, GenericSimConfig, System};

type Host = VendorHost<GenericSim>;

async fn host(system: System, config: Value, key: &str) -> Host {
    let sim = GenericSim::start(GenericSimConfig {
        members: 25,
        orders: 6,
        ..GenericSimConfig::default()
    })
    .await
    .expect("simulator");
    let (system_type, provider) = match system {
        System::Pos => (SystemType::Pos, "meituan"),
        System::Supplier => (SystemType::Supplier, "shuhai"),
        System::Member => (SystemType::Member, "wechat"),
    };
    let endpoint = sim.url(system);
    typed_vendor_host(
        sim,
        system_type,
        ErpSystem {
            name: provider,
            provider,
            version: None,
            endpoint,
            config: erp_config(10, config),
            secret: ("api_key", key),
        },
    )
    .await
}

/// Dispatches until the simulator has dropped a delivery's connection (the entry waits
/// out its backoff between tries).
async fn deliver_into_a_reset(h: &Host) {
    h.sim.set_faults(FaultSpec::parse("reset:1").expect("spec"));
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !h.sim.stats().faults.contains_key("reset") && std::time::Instant::now() < deadline {
        h.engine.dispatch_once().await.expect("dispatch");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        h.sim.stats().faults.contains_key("reset"),
        "a delivery was reset"
    );
    h.sim.set_faults(FaultSpec::none());
}

fn member_body(sim: &GenericSim, id: &str, points: u64) -> Value {
    let mut m = sim.member(id).expect("member");
    m["points"] = json!(points);
    if let Some(map) = m.as_object_mut() {
        map.remove("updated_at");
    }
    m
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_upsert_queued_during_an_outage_arrives_once() {
    let h = host(System::Member, json!({}), "wechat-member-key").await;
    let body = member_body(&h.sim, "MEM-0001", 8888);
    h.queue(&[("member:MEM-0001", "member.upsert", body)]).await;
    h.sim.set_outage(true);
    let report = h.engine.dispatch_once().await.expect("dispatch");
    assert_eq!((report.delivered, report.retrying), (0, 1), "{report:?}");
    let entry = h.outbox_entries().await.remove(0);
    assert_eq!(entry.last_error_class, Some(ErrorClass::NetworkError));
    assert_eq!(h.sim.pushes("member:MEM-0001"), 0);

    // Back up, but the first delivery's connection is dropped (applied or not, the
    // client cannot tell): the retry carries the same idempotency key.
    h.sim.set_outage(false);
    deliver_into_a_reset(&h).await;
    h.drain_outbox(Duration::from_secs(60), Duration::from_millis(50))
        .await;
    let entries = h.outbox_entries().await;
    assert_eq!(entries[0].status, OutboxStatus::Done, "{entries:?}");
    assert_eq!(h.sim.pushes("member:MEM-0001"), 1, "{:?}", h.sim.stats());
    assert_eq!(h.sim.member("MEM-0001").expect("member")["points"], 8888);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supplier_order_is_created_once_through_retries() {
    let h = host(System::Supplier, json!({}), "shuhai-key").await;
    // The outbox holds the stored SupplierOrder (snake_case, `order_type`, `delivery_info`).
    let order = json!({"id": "0193a", "order_number": "PO-2024-001", "supplier_id": "SUP-001",
        "supplier_name": "蜀海供应链", "order_type": "purchase", "status": "pending",
        "subtotal": 5000.0, "tax": 500.0, "shipping": 200.0, "total": 5700.0,
        "items": [{"name": "鸡肉", "quantity": 50, "unit": "kg", "price": 30.0}],
        "delivery_info": {"address": "北京市朝阳区xxx路xxx号", "contact": "李四", "phone": "13900139000"},
        "expected_delivery": "2024-02-15T02:00:00Z"});
    h.queue(&[("supplier_order:PO-2024-001", "supplier_order.create", order)])
        .await;
    h.sim.set_faults(FaultSpec::parse("500:1").expect("spec"));
    let report = h.engine.dispatch_once().await.expect("dispatch");
    assert_eq!(report.retrying, 1, "{report:?}");
    h.sim.set_faults(FaultSpec::none());
    deliver_into_a_reset(&h).await;
    h.drain_outbox(Duration::from_secs(60), Duration::from_millis(50))
        .await;
    assert_eq!(h.outbox_entries().await[0].status, OutboxStatus::Done);
    assert_eq!(h.sim.pushes("order:PO-2024-001"), 1);
    let at_supplier = h.sim.order("PO-2024-001").expect("order");
    assert_eq!(at_supplier["type"], "purchase");
    assert_eq!(at_supplier["delivery"]["contact"], "李四");
    assert_eq!(at_supplier["status"], "pending");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_system_tests_its_connection_and_a_wrong_key_is_an_authentication_error() {
    for (system, key) in [
        (System::Pos, "meituan-pos-key"),
        (System::Supplier, "shuhai-key"),
        (System::Member, "wechat-member-key"),
    ] {
        let h = host(system, json!({}), key).await;
        let connector = h.engine.connector(&h.system).await.expect("connector");
        connector.test_connection().await.expect("connects");
        let wrong = host(system, json!({}), "not-the-key").await;
        let connector = wrong.engine.connector(&wrong.system).await.expect("built");
        let e = connector.test_connection().await.expect_err("refused");
        assert_eq!(e.class, ErrorClass::AuthenticationError, "{system:?}: {e}");
        assert!(!e.retryable());
        assert!(e.message.contains("invalid_api_key"), "{e}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vendor_error_codes_arrive_as_their_classes() {
    let h = host(System::Member, json!({}), "wechat-member-key").await;
    let c = h.engine.connector(&h.system).await.expect("connector");
    let page = || PullRequest {
        page: 1,
        limit: 10,
        ..PullRequest::default()
    };
    h.sim.set_outage(true);
    let down = c.pull("members", page()).await.expect_err("down");
    assert_eq!(
        (down.class, down.status),
        (ErrorClass::NetworkError, Some(503))
    );
    h.sim.set_outage(false);
    for (spec, class) in [
        ("429:1", ErrorClass::RateLimitError),
        ("500:1", ErrorClass::NetworkError),
        ("malformed:1", ErrorClass::ValidationError),
        ("expire_token_every:1", ErrorClass::AuthenticationError),
    ] {
        h.sim.set_faults(FaultSpec::parse(spec).expect("spec"));
        let e = c.pull("members", page()).await.expect_err(spec);
        assert_eq!(e.class, class, "{spec}: {e}");
    }
    h.sim.set_faults(FaultSpec::none());
    let limited = {
        h.sim.set_faults(FaultSpec::parse("429:1").expect("spec"));
        c.pull("members", page()).await.expect_err("429")
    };
    assert_eq!(limited.retry_after, Some(Duration::from_secs(1)));
    h.sim.set_faults(FaultSpec::none());
    // A member the platform refuses (points must be whole): a validation error, not retried.
    let refused = c
        .push(&PushRequest {
            operation: "member.upsert".into(),
            payload: json!({"member_id": "MEM-0002", "points": "many"}),
            idempotency_key: "k-bad".into(),
        })
        .await
        .expect_err("refused");
    assert_eq!(
        (refused.class, refused.status),
        (ErrorClass::ValidationError, Some(422))
    );
    assert_eq!(c.pull_one("members", "MEM-9999").await.expect("read"), None);
    // A supplier system is not asked to upsert members.
    let other = c
        .push(&PushRequest {
            operation: "supplier_order.create".into(),
            payload: json!({"order_number": "PO-1"}),
            idempotency_key: "k".into(),
        })
        .await
        .expect_err("not a member operation");
    assert_eq!(other.class, ErrorClass::ValidationError);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_follow_the_change_time_and_a_field_mapping_override() {
    let mapping = json!({"field_mapping": {"members": {"level": "vip_level"}}});
    let h = host(System::Member, mapping, "wechat-member-key").await;
    h.sim
        .edit_member("MEM-0007", json!({"vip_level": "diamond"}))
        .expect("edited");
    let c = h.engine.connector(&h.system).await.expect("connector");
    let first = c
        .pull(
            "members",
            PullRequest {
                page: 1,
                limit: 10,
                ..PullRequest::default()
            },
        )
        .await
        .expect("page");
    assert_eq!(
        (first.records.len(), first.has_more, first.total),
        (10, true, Some(25))
    );
    assert_eq!(first.records[0].external_id, "MEM-0001");
    assert!(first.records[0].updated_at < first.records[9].updated_at);
    // The changed member comes last in change order, and alone after its change time.
    let edited = c
        .pull_one("members", "MEM-0007")
        .await
        .expect("read")
        .expect("found");
    assert_eq!(edited.data["level"], "diamond", "level read from vip_level");
    let since = c
        .pull(
            "members",
            PullRequest {
                since: edited.updated_at,
                page: 1,
                limit: 10,
                ids: Vec::new(),
            },
        )
        .await
        .expect("page");
    let ids: Vec<&str> = since
        .records
        .iter()
        .map(|r| r.external_id.as_str())
        .collect();
    assert_eq!((ids, since.has_more), (vec!["MEM-0007"], false));
}
