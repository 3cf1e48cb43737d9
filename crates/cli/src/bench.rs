//! `storelink bench ingest`: sustained, durable POS ingest over loopback. A real server
//! process (`storelink serve`) in a fresh data folder, driven by the POS terminal
//! simulator; afterwards the server is killed with SIGKILL and the database reopened to
//! check that every acknowledged transaction is there.
#![allow(clippy::print_stdout)]

use std::collections::HashSet;
use std::process::Stdio;
use std::time::Duration;

use storelink_core::system::NewSystem;
use storelink_core::token::{NewToken, MAX_RATE_LIMIT};
use storelink_core::{Actor, AppError, Role};
use storelink_service::records::PosQuery;
use storelink_service::Services;
use storelink_simulators::pos_terminal::{drive, Load, Terminal};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::output::Output;

fn io_error(what: &str) -> impl FnOnce(std::io::Error) -> AppError + '_ {
    move |e| AppError::internal(format!("{what}: {e}"))
}

/// Starts this binary with `args` (a command that prints a `{"listening": URL}` line
/// first) and returns the child with that URL.
async fn spawn_listening(args: &[&str], what: &str) -> Result<(Child, String), AppError> {
    let exe = std::env::current_exe().map_err(io_error("cannot find the storelink binary"))?;
    let mut child = Command::new(exe)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(io_error("cannot start a child process"))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| AppError::internal(format!("no {what} output")))?;
    let mut lines = BufReader::new(stdout).lines();
    let line = tokio::time::timeout(Duration::from_secs(120), lines.next_line())
        .await
        .map_err(|_| AppError::internal(format!("the {what} did not start within 120 s")))?
        .map_err(io_error("reading a child's output"))?
        .ok_or_else(|| AppError::internal(format!("the {what} exited before listening")))?;
    let url = serde_json::from_str::<serde_json::Value>(&line)
        .ok()
        .and_then(|v| v["listening"].as_str().map(str::to_owned))
        .ok_or_else(|| AppError::internal(format!("unexpected {what} output: {line}")))?;
    Ok((child, url))
}

/// Starts `storelink serve` on a free loopback port and returns it with its base URL.
pub async fn spawn_server(data_dir: &std::path::Path) -> Result<(Child, String), AppError> {
    let dir = data_dir.to_string_lossy();
    spawn_listening(
        &[
            "--json",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            &dir,
        ],
        "server",
    )
    .await
}

pub async fn ingest(
    transactions: usize,
    concurrency: usize,
    keep: bool,
    out: &Output,
) -> Result<(), AppError> {
    let dir = std::env::temp_dir().join(format!("storelink-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let actor = Actor::local_cli();
    let services = Services::open(&dir).await?;
    let system = services
        .create_system(
            &actor,
            NewSystem {
                name: "bench POS".into(),
                system_type: "pos".into(),
                provider: "bench".into(),
                store_id: Some("store-001".into()),
                ..NewSystem::default()
            },
        )
        .await?;
    let token = services
        .add_token(
            &actor,
            NewToken {
                name: "bench terminal".into(),
                role: Role::Staff,
                system_id: Some(system.id),
                rate_limit: Some(MAX_RATE_LIMIT),
            },
        )
        .await?;
    services.close().await;

    let (mut server, base_url) = spawn_server(&dir).await?;
    let terminal = Terminal {
        base_url,
        token: token.token,
        system_id: system.id.to_string(),
    };
    let report = drive(
        &terminal,
        &Load {
            transactions,
            concurrency,
            prefix: "BENCH".into(),
            timeout: Duration::from_secs(30),
        },
    )
    .await;
    // No goodbye: a 2xx promised the data was on disk, so a kill must not lose any.
    server
        .start_kill()
        .map_err(io_error("cannot stop the server"))?;
    let _ = server.wait().await;

    let services = Services::open(&dir).await?;
    let mut stored = HashSet::new();
    let mut query = PosQuery {
        limit: Some(1000),
        ..PosQuery::default()
    };
    loop {
        let page = services
            .list_pos_transactions(&actor, query.clone())
            .await?;
        stored.extend(page.items.into_iter().map(|t| t.pos_transaction_id));
        match page.next_cursor {
            Some(c) => query.cursor = Some(c),
            None => break,
        }
    }
    services.close().await;
    let missing = report
        .acknowledged
        .iter()
        .filter(|id| !stored.contains(*id))
        .count();
    if !keep {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let rate = report.rate_per_sec_tenths();
    let ms = |us: u64| format!("{}.{:02}", us / 1000, (us % 1000) / 10);
    let figures = serde_json::json!({
        "transactions": transactions,
        "concurrency": concurrency,
        "acknowledged": report.acknowledged.len(),
        "refused": report.refused.len(),
        "unanswered": report.unanswered,
        "stored": stored.len(),
        "acknowledged_missing": missing,
        "elapsed_ms": report.elapsed.as_millis(),
        "per_second": format!("{}.{}", rate / 10, rate % 10),
        "p50_ms": ms(report.percentile_us(500)),
        "p90_ms": ms(report.percentile_us(900)),
        "p99_ms": ms(report.percentile_us(990)),
        "max_ms": ms(report.percentile_us(1000)),
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
    });
    out.done(
        &format!(
            "POS ingest, {} transactions on {} connections (server and load on {} cores)\n\
             acknowledged {} in {} ms: {}/s\n\
             latency p50 {} ms, p90 {} ms, p99 {} ms, max {} ms\n\
             refused {}, unanswered {}\n\
             after SIGKILL and reopen: {} stored, {} acknowledged missing",
            transactions,
            concurrency,
            figures["cores"],
            report.acknowledged.len(),
            report.elapsed.as_millis(),
            figures["per_second"].as_str().unwrap_or_default(),
            figures["p50_ms"].as_str().unwrap_or_default(),
            figures["p90_ms"].as_str().unwrap_or_default(),
            figures["p99_ms"].as_str().unwrap_or_default(),
            figures["max_ms"].as_str().unwrap_or_default(),
            report.refused.len(),
            report.unanswered,
            stored.len(),
            missing
        ),
        &figures,
    )?;
    if missing > 0 {
        return Err(AppError::internal(format!(
            "{missing} acknowledged transactions are missing after the restart"
        )));
    }
    Ok(())
}

/// Peak resident memory of this process so far, in KiB (Linux `VmHWM`).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Starts `storelink simulate erp` with `records` customers and returns it with its URL.
async fn spawn_simulator(records: usize) -> Result<(Child, String), AppError> {
    let records = records.to_string();
    spawn_listening(
        &[
            "--json",
            "simulate",
            "erp",
            "--listen",
            "127.0.0.1:0",
            "--records",
            &records,
        ],
        "simulator",
    )
    .await
}

pub async fn sync(records: usize, out: &Output) -> Result<(), AppError> {
    let dir = std::env::temp_dir().join(format!("storelink-bench-sync-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (mut simulator, url) = spawn_simulator(records).await?;
    let actor = Actor::local_cli();
    let services = Services::open(&dir).await?;
    let system = services
        .create_system(
            &actor,
            NewSystem {
                name: "bench ERP".into(),
                system_type: "erp".into(),
                provider: "custom".into(),
                api_endpoint: Some(url),
                config: Some(serde_json::json!({
                    "username": "storelink", "password": "erp-pass", "page_size": 1000,
                    "rate_limit_per_second": 100000, "lookback_seconds": 0
                })),
                ..NewSystem::default()
            },
        )
        .await?;
    let id = system.id.to_string();
    let started = std::time::Instant::now();
    let first = services.run_sync(&actor, &id, "customers", "full").await?;
    let first_elapsed = started.elapsed();
    let peak_after_first = peak_rss_kib();
    let started = std::time::Instant::now();
    let second = services.run_sync(&actor, &id, "customers", "full").await?;
    let second_elapsed = started.elapsed();
    let peak = peak_rss_kib();
    services.close().await;
    let _ = simulator.start_kill();
    let _ = std::fs::remove_dir_all(&dir);
    let rate = |n: i64, d: Duration| {
        let micros = i64::try_from(d.as_micros().max(1)).unwrap_or(i64::MAX);
        n.saturating_mul(1_000_000) / micros
    };
    let figures = serde_json::json!({
        "records": records,
        "first_sync": {"stored": first.success_items, "failed": first.failed_items,
            "elapsed_ms": first_elapsed.as_millis(), "per_second": rate(first.success_items, first_elapsed)},
        "unchanged_resync": {"read": second.success_items, "elapsed_ms": second_elapsed.as_millis(),
            "per_second": rate(second.success_items, second_elapsed)},
        "peak_rss_mib_after_first": peak_after_first.map(|k| k / 1024),
        "peak_rss_mib": peak.map(|k| k / 1024),
    });
    out.done(
        &format!(
            "ERP customers pull, {records} records (simulator in its own process)\n\
             first sync: {} stored, {} failed in {} ms: {}/s\n\
             unchanged re-sync: {} read in {} ms: {}/s\n\
             peak memory of this process: {} MiB",
            first.success_items,
            first.failed_items,
            first_elapsed.as_millis(),
            rate(first.success_items, first_elapsed),
            second.success_items,
            second_elapsed.as_millis(),
            rate(second.success_items, second_elapsed),
            peak.map_or_else(|| "?".to_owned(), |k| (k / 1024).to_string()),
        ),
        &figures,
    )
}
