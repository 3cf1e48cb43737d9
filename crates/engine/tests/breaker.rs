//! A vendor that keeps failing is paused (system status `error`); once a probe finds it
//! answering again, syncing resumes and the status is back to `active`.

mod common;

use std::time::Duration;

use common::host;
use storelink_core::system::SystemStatus;
use storelink_engine::Engine;
use storelink_secrets::Keychain;
use storelink_simulators::erp::FaultSpec;
use storelink_store::erp_records::ErpTable;
use storelink_store::systems;

async fn status(h: &common::Host) -> SystemStatus {
    let mut conn = h.db.read().await.expect("read");
    systems::require(&mut conn, h.system.id)
        .await
        .expect("system")
        .status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_vendor_is_paused_then_probed_back() {
    let h = host(40, "500:1.0").await;
    let engine = Engine::new(h.db.clone(), Keychain::new("storelink-engine-test"))
        .with_breaker_pause(Duration::ZERO);
    // Each stream's sync fails once its retries are spent; the third failure opens.
    assert_eq!(engine.schedule_once().await.expect("pass"), 0);
    assert_eq!(status(&h).await, SystemStatus::Error);
    let calls_while_failing = h.sim.stats().requests.values().sum::<u64>();

    // Make the system due again, still failing: the probe fails, nothing is synced.
    let due_again = || async {
        let mut tx = h.db.write().await.expect("tx");
        sqlx_reset(&mut tx, h.system.id).await;
        tx.commit().await.expect("commit");
    };
    due_again().await;
    assert_eq!(engine.schedule_once().await.expect("pass"), 0);
    let calls_after_probe = h.sim.stats().requests.values().sum::<u64>();
    assert!(
        calls_after_probe - calls_while_failing <= 3,
        "a paused vendor gets one probe, not a sync: {} calls",
        calls_after_probe - calls_while_failing
    );

    h.sim.set_faults(FaultSpec::parse("").expect("none"));
    due_again().await;
    assert_eq!(
        engine.schedule_once().await.expect("pass"),
        3,
        "all three streams ran"
    );
    assert_eq!(status(&h).await, SystemStatus::Active);
    assert_eq!(h.count(ErpTable::Customers).await, 40);
}

/// Forgets the last sync time so the scheduler finds the system due.
async fn sqlx_reset(conn: &mut storelink_store::SqliteConnection, id: uuid::Uuid) {
    storelink_store::systems::clear_last_sync(conn, id)
        .await
        .expect("reset");
}
