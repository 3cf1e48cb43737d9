//! Health snapshots and alerts against the custom ERP simulator, with a real SQLite file:
//! the figures come from the task and outbox rows the engine wrote, and each alert is
//! raised once however often its cause repeats within the window.

mod common;

use std::time::Duration;

use common::host;
use serde_json::json;
use storelink_core::health::{self, Alert, AlertKind, HealthFigures, HealthSnapshot};
use storelink_core::ids::{new_id, now};
use storelink_core::outbox::OutboxStatus;
use storelink_core::sync::SyncMode;
use storelink_engine::Engine;
use storelink_secrets::Keychain;
use storelink_simulators::erp::FaultSpec;
use storelink_store::{health as store_health, outbox};
use tokio::sync::broadcast::Receiver;

async fn append(h: &common::Host, order: &str, status: &str) -> uuid::Uuid {
    let mut tx = h.db.write().await.expect("tx");
    let id = outbox::append(
        &mut tx,
        h.system.id,
        &format!("order:{order}"),
        "order.status",
        &json!({"externalId": order, "status": status}),
    )
    .await
    .expect("append");
    tx.commit().await.expect("commit");
    id
}

/// Puts a dead entry back in line, as `storelink outbox retry` does, and dispatches.
async fn retry(
    h: &common::Host,
    entry: uuid::Uuid,
    engine: &Engine,
) -> storelink_engine::outbox::DispatchReport {
    let mut tx = h.db.write().await.expect("tx");
    let mut e = outbox::get(&mut tx, entry).await.expect("entry");
    assert_eq!(e.status, OutboxStatus::Dead);
    e.status = OutboxStatus::Pending;
    e.next_attempt_at = now();
    outbox::save(&mut tx, &e).await.expect("save");
    tx.commit().await.expect("commit");
    engine.dispatch_once().await.expect("dispatch")
}

fn drain(rx: &mut Receiver<Alert>) -> Vec<Alert> {
    std::iter::from_fn(|| rx.try_recv().ok()).collect()
}

fn kinds(alerts: &[Alert]) -> Vec<AlertKind> {
    alerts.iter().map(|a| a.kind).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snapshot_is_made_from_the_task_and_outbox_rows() {
    let h = host(100, "").await;
    h.engine
        .run_sync(h.request("customers", SyncMode::Full))
        .await
        .expect("sync");
    let order = common::pending_order(&h);
    append(&h, &order, "delivered").await;
    let report = h.engine.dispatch_once().await.expect("dispatch");
    assert_eq!(report.dead, 1, "{report:?}");
    // Queued after the pass: waiting, not an outcome yet.
    append(&h, &order, "confirmed").await;
    h.sim
        .set_faults(FaultSpec::parse("500:1.0").expect("faults"));
    h.engine
        .run_sync(h.request("products", SyncMode::Full))
        .await
        .expect_err("the ERP fails");

    let report = h.engine.health_once().await.expect("health");
    let [snapshot] = report.snapshots.as_slice() else {
        panic!("one system, one snapshot: {report:?}")
    };
    // One completed and one failed sync, one dead delivery: 1 success of 3 outcomes.
    assert_eq!(snapshot.outcomes_24h, 3);
    assert_eq!(snapshot.success_permille, Some(333));
    assert_eq!(snapshot.consecutive_failures, 1);
    assert_eq!((snapshot.outbox_backlog, snapshot.outbox_dead), (2, 1));
    let p95 = snapshot
        .p95_latency_ms
        .expect("the vendor calls were timed");
    assert_eq!(Some(p95), h.engine.p95_latency_ms(h.system.id));
    assert_eq!(
        snapshot.score,
        health::score(&HealthFigures {
            success_permille: Some(333),
            p95_latency_ms: Some(p95),
            consecutive_failures: 1,
            outbox_backlog: 2,
            outbox_dead: 1,
        })
    );
    assert!(snapshot.score <= 100 - 40 - 10 - 5, "{snapshot:?}");
    let mut conn = h.db.read().await.expect("read");
    let stored = store_health::latest(&mut conn, h.system.id)
        .await
        .expect("latest");
    assert_eq!(stored.as_ref(), Some(snapshot), "stored as taken");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_entry_alerts_once_within_the_window() {
    let h = host(200, "").await;
    let mut alerts = h.engine.subscribe_alerts();
    let order = common::pending_order(&h);
    let entry = append(&h, &order, "delivered").await;
    assert_eq!(h.engine.dispatch_once().await.expect("dispatch").dead, 1);
    // Retried by hand and refused again, within the window: no second alert.
    assert_eq!(retry(&h, entry, &h.engine).await.dead, 1);
    let raised = drain(&mut alerts);
    assert_eq!(kinds(&raised), [AlertKind::OutboxDead], "{raised:?}");
    assert_eq!(raised[0].system_id, h.system.id);
    assert!(raised[0].message.contains(&order), "{}", raised[0].message);

    // Once the window is over, the same cause alerts again.
    let engine = Engine::new(h.db.clone(), Keychain::new("storelink-engine-test"))
        .with_alert_window(Duration::ZERO);
    let mut later = engine.subscribe_alerts();
    assert_eq!(retry(&h, entry, &engine).await.dead, 1);
    assert_eq!(kinds(&drain(&mut later)), [AlertKind::OutboxDead]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_sync_raises_an_alert() {
    let h = host(50, "500:1.0").await;
    let mut alerts = h.engine.subscribe_alerts();
    h.engine
        .run_sync(h.request("customers", SyncMode::Full))
        .await
        .expect_err("the ERP fails");
    let raised = drain(&mut alerts);
    assert_eq!(kinds(&raised), [AlertKind::TaskFailed], "{raised:?}");
    assert_eq!(
        raised[0].dedup_key,
        format!("task_failed:{}:customers", h.system.id)
    );
    assert!(
        raised[0].message.contains("customers"),
        "{}",
        raised[0].message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_health_drop_raises_one_alert() {
    let h = host(50, "").await;
    h.engine
        .run_sync(h.request("customers", SyncMode::Full))
        .await
        .expect("sync");
    let first = h.engine.health_once().await.expect("health");
    assert_eq!(first.snapshots[0].score, 100);
    assert!(first.alerts.is_empty());

    h.sim
        .set_faults(FaultSpec::parse("500:1.0").expect("faults"));
    for stream in ["customers", "products", "orders"] {
        h.engine
            .run_sync(h.request(stream, SyncMode::Full))
            .await
            .expect_err("the ERP fails");
    }
    let mut alerts = h.engine.subscribe_alerts();
    let second = h.engine.health_once().await.expect("health");
    let score = second.snapshots[0].score;
    // 1 success of 4 syncs (−45) and three failures in a row (−30), at least.
    assert!(score <= 25, "{:?}", second.snapshots[0]);
    assert_eq!(kinds(&second.alerts), [AlertKind::HealthDrop]);
    assert!(
        second.alerts[0]
            .message
            .contains(&format!("from 100 to {score}")),
        "{}",
        second.alerts[0].message
    );
    assert_eq!(drain(&mut alerts), second.alerts, "broadcast as returned");

    let third = h.engine.health_once().await.expect("health");
    assert!(third.alerts.is_empty(), "no new drop: {third:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_series_is_in_order_and_old_snapshots_are_pruned() {
    let h = host(10, "").await;
    let old = HealthSnapshot {
        id: new_id(),
        system_id: h.system.id,
        taken_at: now() - chrono::Duration::days(40),
        success_permille: None,
        outcomes_24h: 0,
        p95_latency_ms: None,
        consecutive_failures: 0,
        outbox_backlog: 0,
        outbox_dead: 0,
        score: 100,
    };
    {
        let mut tx = h.db.write().await.expect("tx");
        store_health::insert(&mut tx, &old).await.expect("insert");
        tx.commit().await.expect("commit");
    }
    let mut taken = Vec::new();
    for _ in 0..3 {
        taken.extend(h.engine.health_once().await.expect("health").snapshots);
    }
    let mut conn = h.db.read().await.expect("read");
    let series = store_health::series(
        &mut conn,
        h.system.id,
        now() - chrono::Duration::days(60),
        now(),
    )
    .await
    .expect("series");
    assert_eq!(series, taken, "oldest first, the 40-day-old one pruned");
    assert!(series.windows(2).all(|w| w[0].taken_at <= w[1].taken_at));
    let latest = store_health::latest_all(&mut conn, None)
        .await
        .expect("latest");
    assert_eq!(latest.as_slice(), &taken[2..]);
}
