//! What every crash case shares: the seed (from `STORELINK_RELIABILITY_SEED`, printed when a
//! case fails so it can be replayed), a small seeded random source, the real `storelink`
//! binary as a child process killed with SIGKILL, and a read-only look at the SQLite file
//! that does not go through Storelink's own queries.
#![allow(dead_code)]

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The seed when `STORELINK_RELIABILITY_SEED` is not set: a fixed one, so `make test` is
/// the same run every time.
pub const DEFAULT_SEED: u64 = 0x5EED_2026_0008;

pub fn base_seed() -> u64 {
    std::env::var("STORELINK_RELIABILITY_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(DEFAULT_SEED)
}

/// Cases of each kind to run (`STORELINK_CRASH_ITERATIONS`, default 1).
pub fn iterations() -> u64 {
    std::env::var("STORELINK_CRASH_ITERATIONS")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(1)
}

/// splitmix64: enough randomness for choosing kill points, and the same from a seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// The generator of one case: the run's seed mixed with the case and iteration, so
    /// each case can be replayed alone.
    pub fn for_case(seed: u64, case: &str, iteration: u64) -> Rng {
        let mut h = seed ^ iteration.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for b in case.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
        }
        Rng(h)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    pub fn usize(&mut self, lo: usize, hi: usize) -> usize {
        let n = self.range(lo as u64, hi as u64);
        usize::try_from(n).expect("fits")
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.usize(0, i);
            items.swap(i, j);
        }
    }
}

/// Prints how to replay a case if it panics (the assertion says what went wrong; this
/// says how to get the very same run again).
pub struct Replay {
    pub case: &'static str,
    pub seed: u64,
    pub iteration: u64,
}

impl Drop for Replay {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "crash matrix case `{}` failed at iteration {}: replay with \
                 STORELINK_RELIABILITY_SEED={} STORELINK_CRASH_ITERATIONS={}",
                self.case,
                self.iteration,
                self.seed,
                self.iteration + 1
            );
        }
    }
}

/// The `storelink` binary on `dir`, JSON output, killed if the test drops it.
pub fn storelink(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_storelink"));
    cmd.arg("--data-dir").arg(dir).arg("--json");
    cmd.kill_on_drop(true);
    cmd
}

/// Starts `storelink serve` on a free loopback port; returns it with its base URL.
pub async fn serve(dir: &Path) -> (Child, String) {
    let mut child = storelink(dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        // Errors only: the retries of a delivery are expected here, not news.
        .env("STORELINK_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start storelink serve");
    let stdout = child.stdout.take().expect("stdout");
    let line = tokio::time::timeout(
        Duration::from_secs(60),
        BufReader::new(stdout).lines().next_line(),
    )
    .await
    .expect("serve starts in time")
    .expect("read stdout")
    .expect("a listening line");
    let v: Value = serde_json::from_str(&line).expect("listening JSON");
    let url = v["listening"].as_str().expect("listening url").to_owned();
    (child, url)
}

/// SIGKILL, no goodbye, and the process reaped.
pub async fn sigkill(child: &mut Child) {
    child.start_kill().expect("SIGKILL");
    let status = child.wait().await.expect("reaped");
    assert!(
        !status.success(),
        "the process was killed, not ended: {status}"
    );
}

/// Polls `check` every 20 ms until it holds or `within` has passed; whether it held.
pub async fn wait_until(within: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    loop {
        if check() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The data folder's SQLite file, read-only, through plain SQL: what is really on disk,
/// not what Storelink's own queries say.
pub async fn raw_db(dir: &Path) -> SqlitePool {
    let options = SqliteConnectOptions::new()
        .filename(dir.join(storelink_store::DB_FILE_NAME))
        .read_only(true);
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .expect("open the database read-only")
}

/// `(key, rows)` of a `SELECT key, count(*) … GROUP BY key` query.
pub async fn counts(db: &SqlitePool, sql: &str, bind: &str) -> Vec<(String, i64)> {
    sqlx::query_as(sql)
        .bind(bind)
        .fetch_all(db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// One number from a query with one bound text.
pub async fn scalar(db: &SqlitePool, sql: &str, bind: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(db)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}
