//! Case (b): `storelink sync run` pulls a paged stream from the ERP simulator and is killed
//! with SIGKILL at seeded moments (after a seeded number of page requests, plus a seeded
//! part of a page's latency, so between or within pages and commits). Each time, what is
//! on disk agrees with itself (rows, the task's counter, its item logs and the checkpoint
//! committed together); the next run resumes that task at its saved cursor and ends with
//! every record exactly once and exactly one item log per record.

use std::path::Path;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use storelink_core::system::NewSystem;
use storelink_core::Actor;
use storelink_service::Services;
use storelink_simulators::erp::{ErpSim, ErpSimConfig, FaultSpec};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

use crate::harness::{counts, raw_db, scalar, sigkill, storelink, wait_until, Rng};

const ROUTE: &str = "GET /customers";

/// Printed (Debug) for docs/RELIABILITY.md, not otherwise read.
#[derive(Debug)]
#[allow(dead_code)]
pub struct SyncFigures {
    pub records: usize,
    pub kills: usize,
    /// Records on disk at each kill (committed before it).
    pub committed_at_kills: Vec<i64>,
    pub present_after_resume: i64,
    /// Page requests of the whole sync, over all its runs.
    pub page_requests: u64,
}

/// What a killed run left on disk.
#[derive(Debug)]
struct Left {
    task_id: String,
    committed: i64,
    page: u64,
}

fn requests(sim: &ErpSim) -> u64 {
    sim.stats().requests.get(ROUTE).copied().unwrap_or(0)
}

async fn setup(dir: &Path, sim: &ErpSim, page_size: u64, commit_every: u64) -> String {
    let services = Services::open(dir).await.expect("open");
    let mut secrets = std::collections::BTreeMap::new();
    secrets.insert("password".to_owned(), "erp-pass".to_owned());
    let system = services
        .create_system(
            &Actor::local_cli(),
            NewSystem {
                name: "ERP".into(),
                system_type: "erp".into(),
                provider: "custom".into(),
                api_endpoint: Some(sim.base_url()),
                config: Some(json!({"username": "storelink", "page_size": page_size,
                    "commit_every_records": commit_every, "rate_limit_per_second": 10000,
                    "lookback_seconds": 0})),
                secrets,
                ..NewSystem::default()
            },
        )
        .await
        .expect("system");
    services.close().await;
    system.id.to_string()
}

/// `storelink sync run` of the customers stream, its log lines collected as they come.
fn start_sync(dir: &Path, system_id: &str) -> (Child, Arc<Mutex<Vec<String>>>) {
    let mut child = storelink(dir)
        .args(["sync", "run", system_id, "--stream", "customers"])
        .args(["--mode", "full"])
        .env("STORELINK_LOG", "storelink_engine=info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start storelink sync run");
    let lines = Arc::new(Mutex::new(Vec::new()));
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let sink = Arc::clone(&lines);
    tokio::spawn(async move {
        while let Ok(Some(line)) = stderr.next_line().await {
            sink.lock().expect("log lines").push(strip_ansi(&line));
        }
    });
    (child, lines)
}

/// A log line without its terminal colours (`\x1b[...m`).
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Reads what a killed run left and checks it agrees with itself.
async fn left_on_disk(dir: &Path, system_id: &str) -> Left {
    let db = raw_db(dir).await;
    let (task_id, success): (String, i64) = sqlx::query_as(
        "SELECT id, success_items FROM sync_tasks \
         WHERE system_id = ? AND task_type = 'customers' AND status = 'running'",
    )
    .bind(system_id)
    .fetch_one(&db)
    .await
    .expect("the killed run's task is left running");
    let committed = scalar(
        &db,
        "SELECT count(*) FROM customers WHERE system_id = ?",
        system_id,
    )
    .await;
    let logged = scalar(
        &db,
        "SELECT count(*) FROM sync_logs WHERE task_id = ?",
        &task_id,
    )
    .await;
    let cursor: String = sqlx::query_scalar(
        "SELECT cursor FROM checkpoints WHERE system_id = ? AND stream = 'customers'",
    )
    .bind(system_id)
    .fetch_one(&db)
    .await
    .expect("a checkpoint");
    db.close().await;
    let cursor: Value = serde_json::from_str(&cursor).expect("cursor JSON");
    // Rows, the task's counter, its logs and the checkpoint are one transaction.
    assert_eq!(committed, success, "rows vs the task's counter");
    assert_eq!(logged, success, "item logs vs the task's counter");
    assert_eq!(
        cursor["run"]["task_id"], task_id,
        "the checkpoint names the running task: {cursor}"
    );
    let page = cursor["run"]["page"]
        .as_u64()
        .expect("a page in the checkpoint");
    Left {
        task_id,
        committed,
        page,
    }
}

pub async fn run(rng: &mut Rng) -> SyncFigures {
    let records = rng.usize(1200, 2400);
    let page_size = [50, 100][rng.usize(0, 1)];
    let commit_every = rng.range(1, 4) * page_size;
    let latency_ms = rng.range(5, 20);
    let sim = ErpSim::start(ErpSimConfig {
        records,
        seed: rng.next_u64(),
        faults: FaultSpec::parse(&format!("slow:{latency_ms}ms:1")).expect("faults"),
        ..ErpSimConfig::default()
    })
    .await
    .expect("simulator");
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let system_id = setup(d, &sim, page_size, commit_every).await;
    // About how many pages a whole run asks for (each page after the first starts at the
    // last record of the one before).
    let pages = records as u64 / (page_size - 1) + 1;
    let kills = rng.usize(1, 2);
    let mut committed_at_kills = Vec::new();
    let mut left: Option<Left> = None;
    for k in 0..kills {
        let before = requests(&sim);
        let (mut child, lines) = start_sync(d, &system_id);
        // Each kill in its own stretch of the pages, late enough that commits are made.
        let stretch = (pages / (kills as u64 + 1)).max(4);
        let at = before + rng.range(stretch / 3, stretch);
        let reached = wait_until(Duration::from_secs(90), || requests(&sim) >= at).await;
        assert!(
            reached,
            "kill {k}: the sync did not reach page request {at}"
        );
        // Somewhere inside the page being served, or just after it.
        tokio::time::sleep(Duration::from_millis(rng.range(0, 2 * latency_ms))).await;
        sigkill(&mut child).await;
        let now = left_on_disk(d, &system_id).await;
        if let Some(prev) = &left {
            assert_eq!(now.task_id, prev.task_id, "kill {k}: the same task resumed");
            assert!(now.committed >= prev.committed, "kill {k}: nothing undone");
            assert_resumed_at(&lines, prev).await;
        }
        committed_at_kills.push(now.committed);
        left = Some(now);
    }
    let left = left.expect("killed at least once");

    let before = requests(&sim);
    let (mut child, lines) = start_sync(d, &system_id);
    let status = tokio::time::timeout(Duration::from_secs(120), child.wait())
        .await
        .expect("the resumed sync ends in time")
        .expect("wait");
    assert!(status.success(), "resumed sync: {:?}", lines.lock());
    assert_resumed_at(&lines, &left).await;
    let resumed_requests = requests(&sim) - before;
    let remaining = records as u64 - u64::try_from(left.committed).expect("count");
    assert!(
        resumed_requests <= remaining / (page_size - 1) + 2,
        "the resumed run read {resumed_requests} pages for {remaining} records: not from \
         its checkpoint"
    );

    let db = raw_db(d).await;
    let (status, success): (String, i64) =
        sqlx::query_as("SELECT status, success_items FROM sync_tasks WHERE id = ?")
            .bind(&left.task_id)
            .fetch_one(&db)
            .await
            .expect("task");
    assert_eq!((status.as_str(), success), ("completed", records as i64));
    let tasks = scalar(
        &db,
        "SELECT count(*) FROM sync_tasks WHERE system_id = ?",
        &system_id,
    )
    .await;
    assert_eq!(tasks, 1, "one task, resumed, not a new one");
    let stored = counts(
        &db,
        "SELECT external_id, count(*) FROM customers WHERE system_id = ? GROUP BY external_id",
        &system_id,
    )
    .await;
    let mut ids: Vec<&str> = stored.iter().map(|(id, _)| id.as_str()).collect();
    let mut expected = sim.customer_ids();
    ids.sort_unstable();
    expected.sort_unstable();
    assert_eq!(ids, expected, "exactly the vendor's records");
    assert!(stored.iter().all(|(_, n)| *n == 1), "a record stored twice");
    let logs = counts(
        &db,
        "SELECT item_id, count(*) FROM sync_logs WHERE task_id = ? GROUP BY item_id",
        &left.task_id,
    )
    .await;
    assert_eq!(logs.len(), records, "one item log per record");
    let twice: Vec<_> = logs.iter().filter(|(_, n)| *n != 1).take(5).collect();
    assert!(
        twice.is_empty(),
        "records read again after resuming: {twice:?}"
    );
    let kinds = counts(
        &db,
        "SELECT action || ':' || status, count(*) FROM sync_logs WHERE task_id = ? GROUP BY 1",
        &left.task_id,
    )
    .await;
    assert_eq!(kinds, vec![("create:success".to_owned(), records as i64)]);
    let cursor: String = sqlx::query_scalar(
        "SELECT cursor FROM checkpoints WHERE system_id = ? AND stream = 'customers'",
    )
    .bind(&system_id)
    .fetch_one(&db)
    .await
    .expect("checkpoint");
    db.close().await;
    let cursor: Value = serde_json::from_str(&cursor).expect("cursor");
    assert!(
        cursor["run"].is_null() && cursor["watermark"].is_string(),
        "{cursor}"
    );
    SyncFigures {
        records,
        kills,
        committed_at_kills,
        present_after_resume: success,
        page_requests: requests(&sim),
    }
}

/// The run's log says it resumed `left`'s task at the page its checkpoint saved.
async fn assert_resumed_at(lines: &Mutex<Vec<String>>, left: &Left) {
    let logged = |l: &String| l.contains("resuming an interrupted sync");
    // The line was written long before; its reader may still be a step behind.
    wait_until(Duration::from_secs(10), || {
        lines.lock().expect("lines").iter().any(logged)
    })
    .await;
    let lines = lines.lock().expect("lines");
    let resumed = lines
        .iter()
        .find(|l| logged(l))
        .unwrap_or_else(|| panic!("no resume logged: {lines:?}"));
    assert!(
        resumed.contains(&format!("task={}", left.task_id))
            && resumed.contains(&format!("page={}", left.page)),
        "resumed elsewhere than the checkpoint ({} page {}): {resumed}",
        left.task_id,
        left.page
    );
}
