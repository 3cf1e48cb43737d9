//! The engine against the custom ERP simulator over loopback, with a real SQLite file and
//! the real keychain (run under scripts/with-keyring.sh, as `make test` does).

mod common;

use std::time::Duration;

use common::host;
use storelink_core::sync::{SyncMode, SyncTaskStatus};
use storelink_core::AppError;
use storelink_engine::Engine;
use storelink_secrets::Keychain;
use storelink_simulators::erp::FaultSpec;
use storelink_store::erp_records::ErpTable;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_sync_stores_every_record_once_and_a_resync_changes_nothing() {
    let h = host(450, "").await;
    let task = h.sync("customers", SyncMode::Full).await.expect("sync");
    assert_eq!(task.status, SyncTaskStatus::Completed);
    assert_eq!((task.success_items, task.failed_items), (450, 0));
    assert_eq!(task.total_items, 450);
    assert_eq!(h.count(ErpTable::Customers).await, 450);
    assert_eq!(
        h.logs_by_action(task.id).await,
        [("create:success".into(), 450)]
    );

    // Mapped to Storelink's model: seed 004 names.
    let id = h.sim.customer_ids()[0].clone();
    let stored = h.stored(ErpTable::Customers, &id).await;
    let raw = h.sim.record("customers", &id).expect("raw");
    assert_eq!(stored["externalId"], raw["id"]);
    assert_eq!(stored["contacts"][0]["name"], raw["contact_name"]);
    assert_eq!(stored["financialInfo"]["creditLimit"], raw["credit_limit"]);

    let again = h.sync("customers", SyncMode::Full).await.expect("resync");
    assert_eq!(again.success_items, 450);
    assert_eq!(
        h.logs_by_action(again.id).await,
        [("unchanged:success".into(), 450)]
    );
    assert_eq!(h.count(ErpTable::Customers).await, 450);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_sync_takes_the_edits_and_the_boundary() {
    let h = host(300, "").await;
    let ids: Vec<String> = (1..=3).map(|n| format!("P{n:06}")).collect();
    let (_, task) = h
        .incremental_around("products", |sim| sim.touch("products", &ids))
        .await;
    assert_eq!(h.count(ErpTable::Products).await, 150);
    let logs = h.logs_by_action(task.id).await;
    assert!(logs.contains(&("update:success".into(), 3)), "{logs:?}");
    // Only the lookback window and the edits were read again, not the whole catalogue.
    assert!(task.success_items < 150, "{}", task.success_items);
    assert_eq!(h.count(ErpTable::Products).await, 150);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edits_during_a_sync_do_not_hide_records() {
    let h = host(1000, "slow:20ms:1.0").await;
    let sim_ids = h.sim.customer_ids();
    let run = h.sync("customers", SyncMode::Full);
    let touch = async {
        tokio::time::sleep(Duration::from_millis(60)).await;
        // Early records move to the end of the vendor's order while pages are read.
        h.sim.touch("customers", &sim_ids[..20]);
    };
    let (task, ()) = tokio::join!(run, touch);
    let task = task.expect("sync");
    assert_eq!(task.status, SyncTaskStatus::Completed);
    assert_eq!(
        h.count(ErpTable::Customers).await,
        1000,
        "no record skipped"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storm_of_429s_and_5xx_is_ridden_out_with_exact_counts() {
    let h = host(400, "429:0.3,500:0.2").await;
    let task = h
        .sync("customers", SyncMode::Full)
        .await
        .expect("sync survives");
    assert_eq!((task.success_items, task.failed_items), (400, 0));
    assert_eq!(h.count(ErpTable::Customers).await, 400);
    let stats = serde_json::to_value(h.sim.stats()).expect("stats");
    assert!(
        stats.to_string().contains("429"),
        "faults were injected: {stats}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_mid_sync_means_one_new_login() {
    let h = host(600, "expire_token_every:3").await;
    let task = h
        .sync("customers", SyncMode::Full)
        .await
        .expect("sync survives token expiry");
    assert_eq!(task.success_items, 600);
    assert_eq!(h.count(ErpTable::Customers).await, 600);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_page_fails_the_task_with_its_class_and_the_next_run_recovers() {
    let h = host(300, "malformed:1.0").await;
    let err = h
        .sync("customers", SyncMode::Full)
        .await
        .expect_err("a malformed page is not retried");
    assert!(
        matches!(
            err,
            AppError::External {
                class: storelink_core::ErrorClass::ValidationError,
                retryable: false,
                ..
            }
        ),
        "{err:?}"
    );
    h.sim.set_faults(FaultSpec::parse("").expect("none"));
    let task = h.sync("customers", SyncMode::Full).await.expect("recovers");
    assert_eq!(task.success_items, 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_stopped_mid_way_resumes_from_its_checkpoint() {
    let h = host(1000, "slow:30ms:1.0").await;
    let engine = Engine::new(h.db.clone(), Keychain::new("storelink-engine-test"));
    // Stop the sync at an await point, as a crash would: the page in flight is lost.
    let run = engine.run_sync(h.request("customers", SyncMode::Full));
    let _ = tokio::time::timeout(Duration::from_millis(200), run).await;
    let partial = h.count(ErpTable::Customers).await;
    assert!(
        partial > 0 && partial < 1000,
        "stopped mid-way at {partial}"
    );
    h.sim.set_faults(FaultSpec::parse("").expect("none"));
    let task = engine
        .run_sync(h.request("customers", SyncMode::Full))
        .await
        .expect("resumes");
    assert_eq!(task.status, SyncTaskStatus::Completed);
    assert_eq!(
        task.success_items, 1000,
        "the resumed task counts every record once"
    );
    assert_eq!(h.count(ErpTable::Customers).await, 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_of_a_running_stream_is_refused() {
    let h = host(1000, "slow:30ms:1.0").await;
    let first = h.sync("customers", SyncMode::Full);
    let second = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        h.sync("customers", SyncMode::Full).await
    };
    let (first, second) = tokio::join!(first, second);
    assert!(first.is_ok());
    assert!(
        matches!(second, Err(AppError::Conflict { .. })),
        "{second:?}"
    );
}
