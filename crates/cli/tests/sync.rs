//! `storelink sync` as a real process against `storelink simulate erp`: killed with SIGKILL
//! mid-sync, the next run resumes from the checkpoint and ends with exact counts.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

fn storelink(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_storelink"));
    cmd.arg("--data-dir").arg(dir).arg("--json");
    cmd.kill_on_drop(true);
    cmd
}

async fn first_line(child: &mut Child) -> Value {
    let stdout = child.stdout.take().expect("stdout");
    let line = tokio::time::timeout(
        Duration::from_secs(60),
        BufReader::new(stdout).lines().next_line(),
    )
    .await
    .expect("in time")
    .expect("read")
    .expect("a line");
    serde_json::from_str(&line).expect("JSON")
}

async fn run_json(dir: &Path, args: &[&str]) -> Value {
    let out = storelink(dir).args(args).output().await.expect("run");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_mid_way_resumes_with_exact_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let mut sim = storelink(d)
        .args([
            "simulate",
            "erp",
            "--listen",
            "127.0.0.1:0",
            "--records",
            "20000",
        ])
        .args(["--faults", "slow:25ms:1.0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("simulator");
    let url = first_line(&mut sim).await["listening"]
        .as_str()
        .expect("url")
        .to_owned();
    let system = run_json(
        d,
        &[
            "systems", "add", "--name", "ERP", "--type", "erp", "--provider", "custom",
            "--api-endpoint", &url, "--sync-enabled", "true", "--config",
            r#"{"username":"storelink","password":"erp-pass","page_size":100,"rate_limit_per_second":1000}"#,
        ],
    )
    .await;
    let id = system["id"].as_str().expect("id").to_owned();
    assert_eq!(
        system["secret_fields"],
        serde_json::json!(["password"]),
        "{system}"
    );

    let mut first = storelink(d)
        .args([
            "sync",
            "run",
            &id,
            "--stream",
            "customers",
            "--mode",
            "full",
        ])
        .stdout(Stdio::null())
        .spawn()
        .expect("sync");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    first.start_kill().expect("SIGKILL");
    let _ = first.wait().await;

    let tasks = run_json(d, &["sync", "tasks", "--system", &id]).await;
    assert_eq!(
        tasks[0]["status"], "running",
        "left running by the kill: {tasks}"
    );
    let done_before = tasks[0]["success_items"].as_i64().expect("count");
    assert!(
        done_before > 0 && done_before < 20000,
        "killed mid-way at {done_before}"
    );

    let resumed = run_json(
        d,
        &[
            "sync",
            "run",
            &id,
            "--stream",
            "customers",
            "--mode",
            "full",
        ],
    )
    .await;
    assert_eq!(resumed[0]["id"], tasks[0]["id"], "the same task resumed");
    assert_eq!(resumed[0]["status"], "completed");
    assert_eq!(
        resumed[0]["success_items"], 20000,
        "every record once: {resumed}"
    );
    let _ = sim.start_kill();
}
