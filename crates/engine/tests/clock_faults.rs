//! The local clock jumping back and forward an hour (a wrong system clock corrected, a
//! laptop resumed, an NTP step) while the engine syncs against the custom ERP simulator,
//! whose own clock stays right. The jump is `storelink_core::ids::set_clock_offset`, the
//! one clock every rule reads. Nothing may be lost or stored twice, the incremental cursor
//! follows the vendor's change times (not ours), the scheduler runs once (not never, not
//! once per missed slot), the outbox delivers once, and nothing panics on a negative
//! duration.
//!
//! Run: `scripts/with-keyring.sh cargo test -p storelink-engine --test clock_faults`

mod common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::json;
use storelink_core::ids::{now, set_clock_offset};
use storelink_core::outbox::OutboxStatus;
use storelink_core::sync::{SyncMode, SyncTask, SyncTaskStatus};
use storelink_store::checkpoints;
use storelink_store::erp_records::ErpTable;

use common::{host, Host};

const HOUR: i64 = 3600;

/// The clock is the whole process's: one test moves it at a time, and puts it back.
static CLOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Jump;

impl Jump {
    fn to(seconds: i64) {
        set_clock_offset(chrono::Duration::seconds(seconds));
    }
}

impl Drop for Jump {
    fn drop(&mut self) {
        set_clock_offset(chrono::Duration::zero());
    }
}

/// Every customer the simulator has is stored once, as the simulator has it now.
async fn assert_mirror(h: &Host, context: &str) {
    let ids = h.sim.customer_ids();
    assert_eq!(
        h.count(ErpTable::Customers).await,
        ids.len() as i64,
        "{context}: stored once each"
    );
    for id in &ids {
        let vendor = h.sim.record("customers", id).expect("vendor record");
        let stored = h.stored(ErpTable::Customers, id).await;
        assert_eq!(stored["name"], vendor["name"], "{context}: {id} is current");
    }
}

async fn watermark(h: &Host) -> DateTime<Utc> {
    let mut conn = h.db.read().await.expect("read");
    let cursor = checkpoints::get(&mut conn, h.system.id, "customers")
        .await
        .expect("checkpoint")
        .expect("a checkpoint");
    serde_json::from_value(cursor["watermark"].clone()).expect("a watermark")
}

fn completed(task: &SyncTask, context: &str) {
    assert_eq!(
        task.status,
        SyncTaskStatus::Completed,
        "{context}: {task:?}"
    );
    assert_eq!(task.failed_items, 0, "{context}");
}

/// The vendor edits `touched`; an incremental sync reads every edit, and the mirror holds.
async fn edits_are_read(h: &Host, touched: &[String], context: &str) -> SyncTask {
    h.sim.touch("customers", touched);
    let task = h
        .sync("customers", SyncMode::Incremental)
        .await
        .expect("incremental");
    completed(&task, context);
    assert!(
        task.success_items >= touched.len() as i64,
        "{context}: the {} edits were read: {task:?}",
        touched.len()
    );
    assert_mirror(h, context).await;
    task
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_syncs_across_clock_jumps_lose_and_duplicate_nothing() {
    let _clock = CLOCK.lock().await;
    let _reset = Jump;
    let h = host(1500, "").await;
    completed(
        &h.sync("customers", SyncMode::Full).await.expect("full"),
        "full",
    );
    assert_mirror(&h, "full").await;
    let ids = h.sim.customer_ids();

    for (step, jump) in [(1, -HOUR), (2, HOUR), (3, -HOUR), (4, 0)] {
        Jump::to(jump);
        let touched: Vec<String> = ids.iter().skip(step * 7).take(5).cloned().collect();
        let context = format!("clock {jump:+} s");
        let task = edits_are_read(&h, &touched, &context).await;
        assert!(
            task.end_time >= task.start_time,
            "{context}: times of one clock"
        );
        // The cursor is the vendor's newest change time (its clock is right): never moved by
        // the hour ours is off.
        let skew = (watermark(&h).await - Utc::now()).num_seconds().abs();
        assert!(
            skew < 600,
            "{context}: watermark {skew} s from the vendor's clock"
        );
    }

    // The clock jumps back in the middle of a full sync: every page still lands once, and
    // later edits are still picked up.
    full_sync_with_a_jump(&h, -HOUR, 5).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_jump_forward_in_the_middle_of_a_full_sync_loses_and_duplicates_nothing() {
    let _clock = CLOCK.lock().await;
    let _reset = Jump;
    let h = host(1500, "").await;
    completed(
        &h.sync("customers", SyncMode::Full).await.expect("full"),
        "full",
    );
    assert_mirror(&h, "full").await;
    // Forward an hour once the first page is stored (a laptop resumed, an NTP step).
    full_sync_with_a_jump(&h, HOUR, 0).await;
}

/// A full sync during which our clock jumps by `jump` (once its first page is stored),
/// then vendor edits read by incremental syncs, first on the jumped clock, then after it
/// is put right: every vendor record stored once and current, the cursor at the vendor's
/// change times (not moved by the jump) and done with the run, and each batch of edits
/// read.
async fn full_sync_with_a_jump(h: &Host, jump: i64, step: usize) {
    let ids = h.sim.customer_ids();
    let context = format!("clock {jump:+} s mid-sync");
    Jump::to(0);
    let before = watermark(h).await;
    let mut progress = h.engine.subscribe_progress();
    let jump_mid_sync = tokio::spawn(async move {
        while let Ok(task) = progress.recv().await {
            if task.status == SyncTaskStatus::Running && task.success_items > 0 {
                Jump::to(jump);
                return Some(task.success_items);
            }
        }
        None
    });
    let task = h
        .sync("customers", SyncMode::Full)
        .await
        .expect("full again");
    completed(&task, &context);
    assert_eq!(
        task.success_items,
        ids.len() as i64,
        "{context}: every record read once"
    );
    let at = jump_mid_sync.await.expect("watcher");
    assert!(
        at.is_some_and(|n| n < ids.len() as i64),
        "{context}: the clock jumped during the sync (after {at:?} records)"
    );
    assert!(
        task.end_time >= task.start_time || jump < 0,
        "{context}: {task:?}"
    );
    assert_mirror(h, &context).await;
    assert_cursor(h, &context, before).await;
    eprintln!(
        "{context}: jumped after {} of {} records; all stored once and current",
        at.unwrap_or_default(),
        ids.len()
    );

    // The vendor edits records after the sync, while our clock is still off, and again
    // once it is put right: incremental syncs read each batch.
    for (n, clock) in [(0, jump), (1, 0)] {
        Jump::to(clock);
        let touched: Vec<String> = ids
            .iter()
            .skip((step * 2 + n) * 7)
            .take(5)
            .cloned()
            .collect();
        let before = watermark(h).await;
        let context = format!("{context}, then an edit on a clock {clock:+} s");
        edits_are_read(h, &touched, &context).await;
        for id in &touched {
            let vendor = h.sim.record("customers", id).expect("vendor record");
            let stored = h.stored(ErpTable::Customers, id).await;
            assert_eq!(
                stored["name"], vendor["name"],
                "{context}: {id} is the edit"
            );
        }
        assert_cursor(h, &context, before).await;
        assert!(
            watermark(h).await > before,
            "{context}: the cursor moved past the edits"
        );
    }
}

/// The cursor after a completed sync: no run left in it, its watermark not behind
/// `before` and within minutes of the vendor's clock (which stays right), whatever ours
/// says.
async fn assert_cursor(h: &Host, context: &str, before: DateTime<Utc>) {
    let cursor = {
        let mut conn = h.db.read().await.expect("read");
        checkpoints::get(&mut conn, h.system.id, "customers")
            .await
            .expect("checkpoint")
            .expect("a checkpoint")
    };
    assert!(
        cursor.get("run").is_none_or(serde_json::Value::is_null),
        "{context}: the run is done: {cursor}"
    );
    let mark = watermark(h).await;
    assert!(
        mark >= before,
        "{context}: the cursor went back: {before} → {mark}"
    );
    let skew = (mark - Utc::now()).num_seconds().abs();
    assert!(
        skew < 600,
        "{context}: watermark {skew} s from the vendor's clock"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_runs_once_after_a_jump_either_way() {
    let _clock = CLOCK.lock().await;
    let _reset = Jump;
    let h = host(50, "").await;
    let streams = h.engine.schedule_once().await.expect("first turn");
    assert!(streams > 0, "never synced: due");
    assert_eq!(
        h.engine.schedule_once().await.expect("again"),
        0,
        "just synced"
    );

    // Back an hour: the last sync looks an hour ahead. One run now, not an hour of none.
    Jump::to(-HOUR);
    assert_eq!(
        h.engine.schedule_once().await.expect("after going back"),
        streams
    );
    assert_eq!(h.engine.schedule_once().await.expect("again"), 0);

    // Forward two hours past that: 24 interval slots were missed, they collapse into one.
    Jump::to(HOUR);
    assert_eq!(
        h.engine.schedule_once().await.expect("after going forward"),
        streams
    );
    assert_eq!(h.engine.schedule_once().await.expect("again"), 0);
    assert_mirror(&h, "scheduled").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_entries_are_delivered_once_across_jumps() {
    let _clock = CLOCK.lock().await;
    let _reset = Jump;
    let h = host(100, "").await;
    let order = common::pending_order(&h);
    let key = format!("order:{order}");
    // Queued, then the clock goes back an hour before the dispatcher's turn.
    h.queue(&[(
        &key,
        "order.status",
        json!({"externalId": order, "status": "confirmed"}),
    )])
    .await;
    Jump::to(-HOUR);
    let report = h.engine.dispatch_once().await.expect("dispatch");
    assert_eq!(report.delivered, 1, "not held back an hour: {report:?}");
    // Queued on the slow clock, delivered after it jumps forward again.
    h.queue(&[(
        &key,
        "order.status",
        json!({"externalId": order, "status": "shipped"}),
    )])
    .await;
    Jump::to(HOUR);
    h.drain_outbox(Duration::from_secs(30), Duration::from_millis(50))
        .await;
    let stats = serde_json::to_value(h.sim.stats()).expect("stats");
    let applied: Vec<&str> = stats["writes"]["order_status_log"]
        .as_array()
        .expect("log")
        .iter()
        .filter(|u| u["outcome"] == "applied")
        .filter_map(|u| u["status"].as_str())
        .collect();
    assert_eq!(
        applied,
        ["confirmed", "shipped"],
        "once each, in order: {stats}"
    );
    assert!(h
        .outbox_entries()
        .await
        .iter()
        .all(|e| e.status == OutboxStatus::Done));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_progress_survive_negative_durations() {
    let _clock = CLOCK.lock().await;
    let _reset = Jump;
    let h = host(50, "").await;
    completed(
        &h.sync("customers", SyncMode::Full).await.expect("full"),
        "full",
    );
    let mut taken = 0;
    for jump in [0, -HOUR, HOUR, -HOUR] {
        Jump::to(jump);
        let report = h.engine.health_once().await.expect("health snapshot");
        taken += 1;
        let series = {
            let mut conn = h.db.read().await.expect("read");
            storelink_store::health::series(
                &mut conn,
                h.system.id,
                now() - chrono::Duration::hours(3),
                now() + chrono::Duration::hours(3),
            )
            .await
            .expect("series")
        };
        assert_eq!(
            series.len(),
            taken,
            "clock {jump:+}: every snapshot kept: {report:?}"
        );
    }

    // A task that started "after now" (the clock went back during it) and absurd totals:
    // an estimate or none, never a panic.
    Jump::to(0);
    let mut task = h.sync("customers", SyncMode::Full).await.expect("full");
    task.status = SyncTaskStatus::Running;
    task.success_items = 10;
    task.total_items = 50;
    task.start_time = Some(now() + chrono::Duration::hours(1));
    let eta = task.estimated_completion(now()).expect("an estimate");
    assert!(eta >= now() - chrono::Duration::seconds(5), "{eta}");
    task.start_time = Some(now() - chrono::Duration::days(3650));
    task.total_items = i64::MAX;
    task.success_items = 1;
    let _ = task.estimated_completion(now());
    assert!(task.progress_permille() >= 0);
}
