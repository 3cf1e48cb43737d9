//! The disk filling up while a till pushes sales over HTTP: with SQLite's `max_page_count`
//! (every run), and on a real, small tmpfs in a private mount namespace (every run, no root).

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{json, Value};
use storelink_core::token::NewToken;
use storelink_core::{Actor, AppError, Role};
use storelink_listener::{Listener, ListenerConfig};
use storelink_service::ingest::RawPush;
use storelink_service::records::PosQuery;
use storelink_service::Services;

use super::support::{cap_pages, UNCAPPED};
use crate::common::host;

/// A sale with enough lines to fill pages quickly (about 3 KB).
fn sale(id: &str) -> Value {
    let items: Vec<Value> = (0..20)
        .map(|i| json!({"name": format!("{i:02} {}", "宫保鸡丁".repeat(20)), "quantity": 1, "price": "1.00"}))
        .collect();
    json!({"transaction_id": id, "type": "sale", "subtotal": "20.00", "total": "20.00",
        "payment_method": "cash", "items": items})
}

/// A POS system, its till's token and the listener: sales go in over real HTTP.
struct Till {
    services: Services,
    admin: Actor,
    pos: String,
    url: String,
    token: String,
    http: reqwest::Client,
    listener: Listener,
    acknowledged: BTreeSet<String>,
}

impl Till {
    async fn open(services: Services, admin: Actor) -> Till {
        let input = json!({"name": "POS", "type": "pos", "provider": "generic"});
        let input = serde_json::from_value(input).expect("input");
        let pos = services
            .create_system(&admin, input)
            .await
            .expect("system")
            .id;
        let till = NewToken {
            name: "till".into(),
            role: Role::Staff,
            system_id: Some(pos),
            rate_limit: Some(100_000),
        };
        let token = services.add_token(&admin, till).await.expect("token").token;
        let listener = storelink_listener::start(services.clone(), ListenerConfig::loopback(0))
            .await
            .expect("listener");
        Till {
            url: format!(
                "{}/api/v1/integrations/pos/{pos}/transactions",
                listener.base_url()
            ),
            pos: pos.to_string(),
            services,
            admin,
            token,
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("client"),
            listener,
            acknowledged: BTreeSet::new(),
        }
    }

    /// One sale; a 201 is an acknowledgement, kept.
    async fn send(&mut self, id: String) -> (u16, String) {
        let reply = self
            .http
            .post(&self.url)
            .bearer_auth(&self.token)
            .json(&sale(&id))
            .send()
            .await
            .expect("the listener answers");
        let status = reply.status().as_u16();
        if status == 201 {
            self.acknowledged.insert(id);
        }
        (status, reply.text().await.expect("body"))
    }

    /// Sends sales until one is refused; the refusal and how many went in before it.
    async fn fill(&mut self, prefix: &str) -> (u16, String, usize) {
        for i in 0..5000 {
            let (status, body) = self.send(format!("{prefix}-{i}")).await;
            if status != 201 {
                return (status, body, i);
            }
        }
        panic!("the disk never filled up");
    }

    /// The refusal a full disk gets: 503 (or 507) saying so, typed in the service too.
    async fn assert_full(&mut self, status: u16, body: &str) {
        assert!(
            matches!(status, 503 | 507),
            "a full disk is 503/507, not {status}: {body}"
        );
        let problem: Value = serde_json::from_str(body).expect("a problem body");
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("disk is full"), "{body}");
        // A sale may still fit in a page with room left; the next that needs one is refused.
        let mut refused = None;
        for i in 0..50 {
            let id = format!("TXN-DIRECT-{i}");
            let push = RawPush::new(sale(&id).to_string());
            match self
                .services
                .record_pos_transaction(&self.admin, &self.pos, push)
                .await
            {
                Ok(_) => {
                    self.acknowledged.insert(id);
                }
                Err(e) => {
                    refused = Some(e);
                    break;
                }
            }
        }
        assert!(
            matches!(&refused, Some(AppError::Database { message }) if message.contains("disk is full")),
            "{refused:?}"
        );
    }

    /// After space is freed: sales go in again, and every acknowledged one is stored once.
    async fn recover(mut self) -> (usize, usize) {
        for i in 0..10 {
            let (status, body) = self.send(format!("TXN-AFTER-{i}")).await;
            assert_eq!(status, 201, "{body}");
        }
        let mut stored = Vec::new();
        let mut cursor = None;
        loop {
            let q = PosQuery {
                cursor,
                limit: Some(1000),
                ..Default::default()
            };
            let page = self
                .services
                .list_pos_transactions(&self.admin, q)
                .await
                .expect("list");
            stored.extend(page.items.into_iter().map(|t| t.pos_transaction_id));
            match page.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let unique: BTreeSet<String> = stored.iter().cloned().collect();
        assert_eq!(unique.len(), stored.len(), "each sale is stored once");
        assert_eq!(unique, self.acknowledged, "stored = acknowledged, exactly");
        let verdict: String = sqlx::query_scalar("PRAGMA quick_check")
            .fetch_one(self.services.db().pool())
            .await
            .expect("quick_check");
        assert_eq!(verdict, "ok");
        self.listener.stop().await;
        (self.acknowledged.len(), stored.len())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_ingest_clearly_loses_nothing_and_recovers() {
    let h = host().await;
    let mut till = Till::open(h.services.clone(), h.admin.clone()).await;
    for i in 0..30 {
        let (status, body) = till.send(format!("TXN-BEFORE-{i}")).await;
        assert_eq!(status, 201, "{body}");
    }
    // Room for a few dozen more sales, then none.
    let pool = h.services.db().pool().clone();
    let in_use = cap_pages(&pool, None).await;
    let capped = cap_pages(&pool, Some(in_use + 40)).await;
    let (status, body, sent) = till.fill("TXN-FILLING").await;
    till.assert_full(status, &body).await;
    eprintln!("disk full: capped at {capped} pages ({in_use} in use), full after {sent} more sales, answered {status}");
    cap_pages(&pool, Some(UNCAPPED)).await;
    let (acknowledged, stored) = till.recover().await;
    eprintln!("disk full: {acknowledged} acknowledged, {stored} stored");
}

/// Fills `dir`'s filesystem with a ballast file but for `room` bytes.
fn ballast(dir: &Path, room: u64) -> std::path::PathBuf {
    use std::io::Write;
    let path = dir.join("ballast");
    let mut file = std::fs::File::create(&path).expect("ballast");
    let chunk = vec![0u8; 64 * 1024];
    let mut written = 0u64;
    while file.write_all(&chunk).is_ok() {
        written += chunk.len() as u64;
    }
    let _ = file.flush();
    file.set_len(written.saturating_sub(room))
        .expect("leave room");
    path
}

/// The name the test harness knows the real-filesystem test by (it re-runs itself by it).
const REAL_FULL_FILESYSTEM_TEST: &str =
    "disk_full::a_real_full_filesystem_refuses_ingest_clearly_and_recovers";

/// The same on a real filesystem that runs out of space: an 8 MiB tmpfs. Without
/// `STORELINK_TMPFS_DIR` the test runs itself again inside a private user and mount
/// namespace (`unshare -rm`, no root needed) over a fresh tmpfs, so `ENOSPC` is the kernel's,
/// not a page cap. Where namespaces are not allowed it says so and skips; by hand, as root:
/// `mount -t tmpfs -o size=8m tmpfs /mnt/sl-full`, then `STORELINK_TMPFS_DIR=/mnt/sl-full`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_full_filesystem_refuses_ingest_clearly_and_recovers() {
    match std::env::var_os("STORELINK_TMPFS_DIR") {
        Some(dir) => fill_a_real_filesystem(std::path::PathBuf::from(dir)).await,
        None => run_again_over_a_private_tmpfs(),
    }
}

fn run_again_over_a_private_tmpfs() {
    use std::process::Command;
    let namespaces_allowed = Command::new("unshare")
        .args(["--map-root-user", "--mount", "true"])
        .status()
        .is_ok_and(|status| status.success());
    if !namespaces_allowed {
        eprintln!(
            "SKIPPED {REAL_FULL_FILESYSTEM_TEST}: this machine allows no user namespaces \
             (unshare -rm), so no private tmpfs can be mounted; the page-cap test still ran"
        );
        return;
    }
    let mount_point = tempfile::tempdir().expect("mount point");
    let this_test = std::env::current_exe().expect("test binary");
    let run = Command::new("unshare")
        .args(["--map-root-user", "--mount", "sh", "-c"])
        .arg(r#"mount -t tmpfs -o size=8m storelink-full "$1" && exec "$0" --exact "$2" --nocapture"#)
        .arg(&this_test)
        .arg(mount_point.path())
        .arg(REAL_FULL_FILESYSTEM_TEST)
        .env("STORELINK_TMPFS_DIR", mount_point.path())
        .output()
        .expect("run unshare");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr),
    );
    eprintln!("{stderr}");
    assert!(
        run.status.success(),
        "the run over a private 8 MiB tmpfs failed: {}\n{stdout}",
        run.status
    );
    // A renamed test would match nothing and pass vacuously.
    assert!(
        stdout.contains("test result: ok. 1 passed"),
        "the tmpfs run did not run the test:\n{stdout}"
    );
}

async fn fill_a_real_filesystem(dir: std::path::PathBuf) {
    let data = dir.join(format!("data-{}", uuid::Uuid::now_v7()));
    let services = Services::open(&data).await.expect("open");
    let (_, admin) = services
        .create_first_admin("admin", "Adm1n-pass!")
        .await
        .expect("admin");
    let mut till = Till::open(services.clone(), admin).await;
    for i in 0..30 {
        let (status, body) = till.send(format!("TXN-BEFORE-{i}")).await;
        assert_eq!(status, 201, "{body}");
    }
    let ballast = ballast(&dir, 256 * 1024);
    let (status, body, sent) = till.fill("TXN-FILLING").await;
    till.assert_full(status, &body).await;
    eprintln!("tmpfs full: full after {sent} more sales, answered {status}");
    std::fs::remove_file(&ballast).expect("free the space");
    let (acknowledged, stored) = till.recover().await;
    eprintln!("tmpfs full: {acknowledged} acknowledged, {stored} stored");
    services.close().await;
    let _ = std::fs::remove_dir_all(&data);
}
