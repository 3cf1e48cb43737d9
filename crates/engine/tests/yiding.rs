//! The engine and the Yiding connector against the Yiding simulator over loopback, with a
//! real SQLite file and the real keychain (run under scripts/with-keyring.sh): the front
//! desk's status changes delivered once through outages and dropped connections, refusals
//! parked, one-record reads, and each way the platform fails mapped to its class. Pulls
//! into the reservations table go through the service's domain sink, so they are tested
//! in crates/service/tests/yiding_sync.rs.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::{erp_config, typed_vendor_host, ErpSystem, VendorHost};
use serde_json::{json, Value};
use storelink_connectors::connector::{Connector, PullRequest};
use storelink_connectors::registry::{self, ConnectorSettings};
use storelink_core::outbox::OutboxStatus;
use storelink_core::system::SystemType;
use storelink_core::ErrorClass;
use storelink_simulators::yiding::{FaultSpec, YidingSim, YidingSimConfig};

async fn host(records: usize) -> VendorHost<YidingSim> {
    let sim = YidingSim::start(YidingSimConfig {
        records,
        ..YidingSimConfig::default()
    })
    .await
    .expect("simulator");
    let endpoint = sim.api_endpoint();
    let key = sim.config().api_key.clone();
    typed_vendor_host(
        sim,
        SystemType::Reservation,
        ErpSystem {
            name: "易订",
            provider: "yiding",
            version: None,
            endpoint,
            config: erp_config(50, json!({})),
            secret: ("api_key", &key),
        },
    )
    .await
}

fn confirmed(sim: &YidingSim) -> String {
    sim.ids()
        .into_iter()
        .find(|id| {
            sim.reservation(id)
                .is_some_and(|r| r["status"] == "confirmed")
        })
        .expect("a confirmed reservation")
}

/// The outbox entry `Services::update_reservation_status` writes when the front desk marks
/// a guest arrived (same key, operation and payload shape).
async fn queue_arrival(h: &VendorHost<YidingSim>, id: &str) {
    let external = h.sim.reservation(id).expect("row")["external_reservation_id"].clone();
    h.queue(&[(
        &format!("reservation:{id}"),
        "reservation.status",
        json!({"reservation_id": id, "external_id": external, "status": "arrived",
            "arrival_time": "2024-02-15T10:05:00Z", "table_number": null}),
    )])
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_front_desk_arrival_reaches_the_platform_once_through_an_outage() {
    let h = host(20).await;
    let id = confirmed(&h.sim);
    queue_arrival(&h, &id).await;
    h.sim.set_outage(true);
    let report = h.engine.dispatch_once().await.expect("dispatch");
    assert_eq!((report.delivered, report.retrying), (0, 1), "{report:?}");
    let entry = h.outbox_entries().await.remove(0);
    assert_eq!(entry.last_error_class, Some(ErrorClass::NetworkError));
    assert_eq!(h.sim.reservation(&id).expect("row")["status"], "confirmed");
    h.sim.set_outage(false);
    h.drain_outbox(Duration::from_secs(30), Duration::from_millis(50))
        .await;
    h.engine
        .dispatch_once()
        .await
        .expect("a pass with nothing due");
    let entry = h.outbox_entries().await.remove(0);
    assert_eq!(entry.status, OutboxStatus::Done, "{entry:?}");
    assert_eq!(
        entry.vendor_reply.as_ref().map(|r| &r["status"]),
        Some(&json!("arrived"))
    );
    let row = h.sim.reservation(&id).expect("row");
    assert_eq!(row["status"], "arrived");
    // 10:05 UTC is 18:05 at the store.
    assert_eq!(row["arrival_time"], "2024-02-15T18:05:00");
    let stats = h.sim.stats();
    assert_eq!(stats.status_updates_applied, 1, "{stats:?}");
    let outcomes: Vec<&str> = stats
        .status_log
        .iter()
        .map(|u| u.outcome.as_str())
        .collect();
    assert_eq!(outcomes.first(), Some(&"outage"));
    assert_eq!(outcomes.last(), Some(&"applied"));
    let key = entry.id.to_string();
    assert!(stats
        .status_log
        .iter()
        .all(|u| u.idempotency_key.as_deref() == Some(key.as_str())));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_applied_before_the_connection_dropped_is_not_applied_again() {
    let h = host(20).await;
    let id = confirmed(&h.sim);
    queue_arrival(&h, &id).await;
    h.sim
        .set_faults(FaultSpec::parse("reset:1").expect("faults"));
    // Until the platform has applied the change and dropped the answer (half the resets).
    let deadline = Instant::now() + Duration::from_secs(30);
    while !h
        .sim
        .stats()
        .status_log
        .iter()
        .any(|u| u.reset && u.outcome == "applied")
    {
        assert!(Instant::now() < deadline, "{:?}", h.sim.stats().status_log);
        h.engine.dispatch_once().await.expect("dispatch");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let entry = h.outbox_entries().await.remove(0);
    assert_eq!(
        entry.status,
        OutboxStatus::Pending,
        "a dropped answer is retried"
    );
    assert_eq!(entry.last_error_class, Some(ErrorClass::NetworkError));
    h.sim.set_faults(FaultSpec::none());
    h.drain_outbox(Duration::from_secs(30), Duration::from_millis(50))
        .await;
    assert_eq!(h.outbox_entries().await[0].status, OutboxStatus::Done);
    let stats = h.sim.stats();
    assert_eq!(stats.status_updates_applied, 1, "{:?}", stats.status_log);
    assert_eq!(
        stats.status_log.last().map(|u| u.outcome.as_str()),
        Some("replayed")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_the_platform_refuses_is_parked_not_repeated() {
    let h = host(20).await;
    let id = confirmed(&h.sim);
    h.queue(&[(
        &format!("reservation:{id}"),
        "reservation.status",
        json!({"reservation_id": id, "status": "pending"}),
    )])
    .await;
    h.drain_outbox(Duration::from_secs(10), Duration::from_millis(50))
        .await;
    let entry = h.outbox_entries().await.remove(0);
    assert_eq!(
        (entry.status, entry.attempts, entry.last_error_class),
        (OutboxStatus::Dead, 1, Some(ErrorClass::BusinessLogicError))
    );
    assert!(
        entry
            .last_error
            .as_deref()
            .is_some_and(|m| m.contains("confirmed to pending")),
        "{entry:?}"
    );
    assert_eq!(h.sim.stats().status_log.len(), 1);
}

fn connector(sim: &YidingSim, key: &str) -> Box<dyn Connector> {
    registry::build(&ConnectorSettings {
        system_type: SystemType::Reservation,
        provider: "yiding".into(),
        api_endpoint: Some(sim.api_endpoint()),
        config: json!({"timeout_ms": 2000}),
        secrets: BTreeMap::from([("api_key".to_owned(), key.to_owned())]),
    })
    .expect("connector")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_reservation_is_read_by_id_and_an_unknown_one_is_none() {
    let sim = YidingSim::start(YidingSimConfig {
        records: 5,
        ..Default::default()
    })
    .await
    .expect("sim");
    let c = connector(&sim, &sim.config().api_key);
    let one = c
        .pull_one("reservations", "RES-000003")
        .await
        .expect("read")
        .expect("found");
    let raw = sim.reservation("RES-000003").expect("row");
    assert_eq!(one.external_id, "RES-000003");
    assert_eq!(one.data["customer_name"], raw["customer_name"]);
    assert_eq!(one.data["external_id"], raw["external_reservation_id"]);
    assert!(one.updated_at.is_some());
    assert_eq!(
        c.pull_one("reservations", "RES-999999")
            .await
            .expect("read"),
        None
    );
    c.test_connection().await.expect("the key works");
}

/// The class of the first page's failure under `faults`.
async fn class_under(
    sim: &YidingSim,
    c: &dyn Connector,
    faults: &str,
) -> (ErrorClass, Option<Duration>) {
    sim.set_faults(FaultSpec::parse(faults).expect("faults"));
    let request = PullRequest {
        page: 1,
        limit: 10,
        ..Default::default()
    };
    let err = c.pull("reservations", request).await.expect_err(faults);
    sim.set_faults(FaultSpec::none());
    (err.class, err.retry_after)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_way_the_platform_fails_has_its_class() {
    let sim = YidingSim::start(YidingSimConfig {
        records: 5,
        ..Default::default()
    })
    .await
    .expect("sim");
    let c = connector(&sim, &sim.config().api_key);
    use ErrorClass::*;
    assert_eq!(
        class_under(&sim, c.as_ref(), "429:1").await,
        (RateLimitError, Some(Duration::from_secs(1)))
    );
    assert_eq!(class_under(&sim, c.as_ref(), "500:1").await.0, NetworkError);
    assert_eq!(
        class_under(&sim, c.as_ref(), "malformed:1").await.0,
        ValidationError
    );
    assert_eq!(
        class_under(&sim, c.as_ref(), "reset:1").await.0,
        NetworkError
    );
    assert_eq!(
        class_under(&sim, c.as_ref(), "expire_token_every:1")
            .await
            .0,
        AuthenticationError
    );
    sim.set_outage(true);
    assert_eq!(class_under(&sim, c.as_ref(), "").await.0, NetworkError);
    sim.set_outage(false);
    let wrong = connector(&sim, "not-the-key");
    let refused = wrong.test_connection().await.expect_err("wrong key");
    assert_eq!(
        (refused.class, refused.status),
        (AuthenticationError, Some(401))
    );
    assert!(
        !refused.retryable() && !refused.message.contains("not-the-key"),
        "{refused}"
    );
    let change = storelink_connectors::connector::PushRequest {
        operation: "reservation.status".into(),
        payload: json!({"reservation_id": "RES-404", "status": "arrived"}),
        idempotency_key: "k".into(),
    };
    assert_eq!(
        c.push(&change).await.expect_err("unknown").class,
        BusinessLogicError
    );
    let bad: Value =
        json!({"reservation_id": "RES-000001", "status": "seated", "table_number": "A1"});
    let seat_pending = storelink_connectors::connector::PushRequest {
        payload: bad,
        ..change
    };
    // RES-000001 is confirmed: it cannot be seated before it arrived.
    assert_eq!(
        c.push(&seat_pending).await.expect_err("409").class,
        BusinessLogicError
    );
}
