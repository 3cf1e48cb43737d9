//! The engine against the Kingdee K3 Cloud simulator over loopback, with a real SQLite file
//! and the real keychain (run under scripts/with-keyring.sh).

use std::time::{Duration, Instant};

use serde_json::json;
use storelink_core::ids::{new_id, now};
use storelink_core::outbox::OutboxStatus;
use storelink_core::sync::{SyncMode, SyncTaskStatus, SyncTrigger};
use storelink_core::system::{ExternalSystem, SystemStatus, SystemType};
use storelink_core::{AppError, ErrorClass};
use storelink_engine::{Engine, SyncRequest};
use storelink_secrets::{Keychain, Secret};
use storelink_simulators::kingdee::{FaultSpec, KingdeeSim, KingdeeSimConfig};
use storelink_store::erp_records::{self, ErpTable};
use storelink_store::outbox::{self, OutboxFilter};
use storelink_store::{systems, Db};

struct Host {
    _dir: tempfile::TempDir,
    db: Db,
    engine: Engine,
    system: ExternalSystem,
    sim: KingdeeSim,
}

async fn host(records: usize, faults: &str, secret: &str) -> Host {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&dir.path().join("s.db")).await.expect("db");
    let sim = KingdeeSim::start(KingdeeSimConfig {
        records,
        faults: FaultSpec::parse(faults).expect("faults"),
        ..KingdeeSimConfig::default()
    })
    .await
    .expect("simulator");
    let c = sim.config().clone();
    let at = now();
    let system = ExternalSystem {
        id: new_id(),
        name: format!("K3 {}", new_id()),
        system_type: SystemType::Erp,
        provider: "kingdee".into(),
        version: Some("K3 Cloud 8.x".into()),
        status: SystemStatus::Active,
        store_id: Some("store-001".into()),
        api_endpoint: Some(sim.base_url()),
        webhook_url: None,
        config: json!({"acct_id": c.acct_id, "username": c.username, "app_id": c.app_id,
            "page_size": 50, "rate_limit_per_second": 10000, "timeout_ms": 2000,
            "commit_every_records": 100, "lookback_seconds": 0,
            "retryPolicy": {"maxRetries": 8, "initialDelay": 20, "maxDelay": 200}}),
        sync_enabled: true,
        sync_interval: 300,
        last_sync_at: None,
        last_sync_status: None,
        secret_fields: vec!["app_secret".into()],
        last_test_at: None,
        last_test_latency_ms: None,
        last_test_error_class: None,
        last_test_message: None,
        created_at: at,
        updated_at: at,
    };
    let mut tx = db.write().await.expect("tx");
    systems::insert(&mut tx, &system).await.expect("system");
    tx.commit().await.expect("commit");
    let keychain = Keychain::new("storelink-engine-test");
    keychain
        .set(system.id, "app_secret", &Secret::new(secret))
        .await
        .expect("keychain");
    let engine = Engine::new(db.clone(), keychain);
    Host {
        _dir: dir,
        db,
        engine,
        system,
        sim,
    }
}

const SECRET: &str = "k3-app-secret";

impl Host {
    fn request(&self, stream: &str, mode: SyncMode) -> SyncRequest {
        SyncRequest {
            system_id: self.system.id,
            stream: stream.into(),
            mode,
            trigger: SyncTrigger::Manual,
        }
    }

    async fn count(&self, table: ErpTable) -> i64 {
        let mut conn = self.db.read().await.expect("read");
        erp_records::count(&mut conn, table, self.system.id)
            .await
            .expect("count")
    }

    async fn stored(&self, table: ErpTable, id: &str) -> serde_json::Value {
        let mut conn = self.db.read().await.expect("read");
        erp_records::get(&mut conn, table, self.system.id, id)
            .await
            .expect("get")
            .expect("stored")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_sync_of_the_three_streams_has_exact_counts() {
    let h = host(240, "", SECRET).await;
    for (stream, table, n) in [
        ("customers", ErpTable::Customers, 240),
        ("products", ErpTable::Products, 120),
        ("orders", ErpTable::Orders, 60),
    ] {
        let task = h
            .engine
            .run_sync(h.request(stream, SyncMode::Full))
            .await
            .expect("sync");
        assert_eq!(task.status, SyncTaskStatus::Completed, "{stream}");
        assert_eq!((task.success_items, task.failed_items), (n, 0), "{stream}");
        assert_eq!(h.count(table).await, n, "{stream}");
    }
    let number = h.sim.numbers("customers")[0].clone();
    let raw = h.sim.record("customers", &number).expect("raw");
    let stored = h.stored(ErpTable::Customers, &number).await;
    assert_eq!(stored["externalId"], raw["FNumber"]);
    assert_eq!(stored["name"], raw["FName"]);
    assert_eq!(stored["contacts"][0]["phone"], raw["FPhone"]);
    assert_eq!(stored["financialInfo"]["creditLimit"], raw["FCreditAmount"]);
    let order = h
        .stored(ErpTable::Orders, &h.sim.numbers("orders")[0])
        .await;
    let items = order["items"].as_array().expect("order lines");
    assert!(!items.is_empty(), "{order}");
    assert!(
        items[0]["unitPrice"].is_string(),
        "money stays decimal text"
    );
    // The session is kept across pages: one login per sync run (each run builds its
    // connector), not one per call.
    assert_eq!(h.sim.stats().logins, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_after_an_erp_edit_takes_only_that_record() {
    let h = host(150, "", SECRET).await;
    let first = h
        .engine
        .run_sync(h.request("customers", SyncMode::Incremental))
        .await
        .expect("first");
    assert_eq!(first.success_items, 150);
    let number = h.sim.numbers("customers")[7].clone();
    assert_eq!(h.sim.touch("customers", std::slice::from_ref(&number)), 1);
    let task = h
        .engine
        .run_sync(h.request("customers", SyncMode::Incremental))
        .await
        .expect("incremental");
    let stored = h.stored(ErpTable::Customers, &number).await;
    assert_eq!(
        stored["name"],
        h.sim.record("customers", &number).expect("raw")["FName"]
    );
    // The edit, plus at most the record at the old watermark (read again, unchanged).
    assert!(task.success_items <= 2, "{}", task.success_items);
    assert_eq!(h.count(ErpTable::Customers).await, 150);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_lost_mid_sync_means_one_new_login() {
    let h = host(600, "slow:15ms:1.0", SECRET).await;
    let run = h.engine.run_sync(h.request("customers", SyncMode::Full));
    let expire = async {
        tokio::time::sleep(Duration::from_millis(80)).await;
        h.sim.expire_sessions();
    };
    let (task, ()) = tokio::join!(run, expire);
    let task = task.expect("sync survives");
    assert_eq!(task.success_items, 600);
    assert_eq!(h.count(ErpTable::Customers).await, 600);
    let stats = h.sim.stats();
    assert_eq!((stats.logins, stats.sessions_lost), (2, 1), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_app_secret_is_an_authentication_error_without_retries() {
    let h = host(20, "", "not-the-secret").await;
    let err = h
        .engine
        .run_sync(h.request("customers", SyncMode::Full))
        .await
        .expect_err("refused");
    assert!(
        matches!(
            err,
            AppError::External {
                class: ErrorClass::AuthenticationError,
                retryable: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains("not-the-secret"));
    let stats = h.sim.stats();
    assert_eq!((stats.logins, stats.failed_logins), (0, 1), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_creates_arrive_once() {
    let h = host(20, "", SECRET).await;
    {
        let mut tx = h.db.write().await.expect("tx");
        outbox::append(
            &mut tx,
            h.system.id,
            "customer:CUST-NEW",
            "customer.create",
            &json!({"code": "CUST-NEW", "name": "杭州新客户有限公司", "type": "company",
                "contacts": [{"name": "王五", "phone": "13800138000"}]}),
        )
        .await
        .expect("append");
        outbox::append(
            &mut tx,
            h.system.id,
            "order:SL-0001",
            "order.create",
            &json!({"orderNumber": "SL-0001", "customer": {"id": "C000001"},
                "items": [{"product": {"sku": "P000001"}, "quantity": "2", "unitPrice": "68.00", "subtotal": "136.00"}]}),
        )
        .await
        .expect("append");
        tx.commit().await.expect("commit");
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        h.engine.dispatch_once().await.expect("dispatch");
        let mut conn = h.db.read().await.expect("read");
        let waiting = outbox::count_waiting(&mut conn, Some(h.system.id))
            .await
            .expect("count");
        if waiting == 0 || Instant::now() > deadline {
            break;
        }
        drop(conn);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A second pass sends nothing again.
    h.engine.dispatch_once().await.expect("dispatch");
    let stats = h.sim.stats();
    assert_eq!(
        (stats.customers_created, stats.orders_created),
        (1, 1),
        "{stats:?}"
    );
    let customer = h.sim.record("customers", "CUST-NEW").expect("created");
    assert_eq!(customer["FName"], "杭州新客户有限公司");
    assert_eq!(customer["FPhone"], "13800138000");
    let order = h.sim.record("orders", "SL-0001").expect("created");
    assert_eq!(order["FBillAllAmount"], "136.00");
    let mut conn = h.db.read().await.expect("read");
    let entries = outbox::list(
        &mut conn,
        &OutboxFilter {
            system_id: Some(h.system.id),
            status: None,
        },
        &storelink_core::PageRequest::default(),
    )
    .await
    .expect("list");
    assert!(
        entries.items.iter().all(|e| e.status == OutboxStatus::Done),
        "{:?}",
        entries.items
    );
}
