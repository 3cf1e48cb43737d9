//! `storelink health` and the alerts of `storelink serve`, as real processes: serve takes
//! a snapshot of each syncing system at start and logs a failed sync as a warning.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

fn storelink(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_storelink"));
    cmd.arg("--data-dir").arg(dir);
    cmd.kill_on_drop(true);
    cmd
}

async fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    storelink(dir).args(args).output().await.expect("run")
}

async fn run_json(dir: &Path, args: &[&str]) -> Value {
    let out = storelink(dir)
        .arg("--json")
        .args(args)
        .output()
        .await
        .expect("run");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_takes_snapshots_and_logs_alerts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    assert_eq!(run_json(d, &["health"]).await, serde_json::json!([]));
    let text = run(d, &["health"]).await;
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("no health snapshots yet"),
        "{text:?}"
    );
    let unknown = run(d, &["health", &uuid::Uuid::now_v7().to_string()]).await;
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");

    let closed = storelink_testkit::closed_port_url().await;
    let system = run_json(
        d,
        &[
            "systems", "add", "--name", "ERP", "--type", "erp", "--provider", "custom",
            "--api-endpoint", &closed, "--sync-enabled", "true", "--config",
            r#"{"username":"storelink","password":"erp-pass","timeout_ms":2000,"retryPolicy":{"maxRetries":0}}"#,
        ],
    )
    .await;
    let id = system["id"].as_str().expect("id").to_owned();
    // New systems start inactive; the scheduler leaves those alone.
    run_json(d, &["systems", "update", &id, "--status", "active"]).await;

    let mut serve = storelink(d)
        .args(["--json", "serve", "--listen", "127.0.0.1:0"])
        .env("STORELINK_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve");
    let mut stderr = BufReader::new(serve.stderr.take().expect("stderr")).lines();
    // The scheduler syncs the ERP at once; nothing answers, so each stream fails.
    let alert = tokio::time::timeout(Duration::from_secs(60), async {
        while let Ok(Some(line)) = stderr.next_line().await {
            if line.contains("task_failed") {
                return line;
            }
        }
        panic!("serve ended without an alert");
    })
    .await
    .expect("an alert logged in time");
    assert!(alert.contains("WARN") && alert.contains(&id), "{alert}");

    let deadline = Instant::now() + Duration::from_secs(60);
    let snapshots = loop {
        let list = run_json(d, &["health", &id]).await;
        if list.as_array().is_some_and(|l| !l.is_empty()) || Instant::now() > deadline {
            break list;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(snapshots[0]["system_id"], id.as_str(), "{snapshots}");
    let score = snapshots[0]["score"].as_i64().expect("score");
    assert!((0..=100).contains(&score), "{snapshots}");
    let all = run_json(d, &["health"]).await;
    assert_eq!(all.as_array().map(Vec::len), Some(1), "{all}");
    serve.kill().await.expect("stop serve");
}
