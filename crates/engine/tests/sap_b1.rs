//! The engine against the SAP Business One Service Layer simulator over loopback, with a
//! real SQLite file and the real keychain (run under scripts/with-keyring.sh).

use std::time::{Duration, Instant};

use serde_json::json;
use storelink_core::ids::{new_id, now};
use storelink_core::sync::{SyncMode, SyncTaskStatus, SyncTrigger};
use storelink_core::system::{ExternalSystem, SystemStatus, SystemType};
use storelink_core::{AppError, ErrorClass};
use storelink_engine::{Engine, SyncRequest};
use storelink_secrets::{Keychain, Secret};
use storelink_simulators::sap_b1::{FaultSpec, SapB1Sim, SapB1SimConfig};
use storelink_store::erp_records::{self, ErpTable};
use storelink_store::{outbox, systems, Db};

struct Host {
    _dir: tempfile::TempDir,
    db: Db,
    engine: Engine,
    system: ExternalSystem,
    sim: SapB1Sim,
}

/// `records` business partners (items half, orders a quarter); pages of 50 asked for,
/// the server capping them at 20 so every page follows `odata.nextLink`.
async fn host(records: usize, faults: &str, password: &str) -> Host {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&dir.path().join("s.db")).await.expect("db");
    let sim = SapB1Sim::start(SapB1SimConfig {
        records,
        max_page_size: 20,
        faults: FaultSpec::parse(faults).expect("faults"),
        ..SapB1SimConfig::default()
    })
    .await
    .expect("simulator");
    let at = now();
    let system = ExternalSystem {
        id: new_id(),
        name: format!("SAP B1 {}", new_id()),
        system_type: SystemType::Erp,
        provider: "sap_b1".into(),
        version: Some("10.0".into()),
        status: SystemStatus::Active,
        store_id: Some("store-001".into()),
        api_endpoint: Some(sim.base_url()),
        webhook_url: None,
        config: json!({"company_db": "SBODEMOCN", "username": "manager", "page_size": 50,
            "rate_limit_per_second": 10000, "timeout_ms": 2000, "commit_every_records": 100,
            "lookback_seconds": 0,
            "retryPolicy": {"maxRetries": 8, "initialDelay": 20, "maxDelay": 200}}),
        sync_enabled: true,
        sync_interval: 300,
        last_sync_at: None,
        last_sync_status: None,
        secret_fields: vec!["password".into()],
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
        .set(system.id, "password", &Secret::new(password))
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

fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_sync_of_every_stream_stores_exact_counts_in_our_model() {
    let h = host(130, "", "b1-pass").await;
    for (stream, table, n) in [
        ("customers", ErpTable::Customers, 130),
        ("products", ErpTable::Products, 65),
        ("orders", ErpTable::Orders, 32),
    ] {
        let task = h
            .engine
            .run_sync(h.request(stream, SyncMode::Full))
            .await
            .expect("sync");
        assert_eq!(task.status, SyncTaskStatus::Completed, "{stream}");
        assert_eq!((task.success_items, task.failed_items), (n, 0), "{stream}");
        assert_eq!(task.total_items, n, "{stream}: odata.count");
        assert_eq!(h.count(table).await, n, "{stream}");
    }
    let raw = h.sim.record("customers", "C000001").expect("raw");
    let c = h.stored(ErpTable::Customers, "C000001").await;
    assert_eq!(c["code"], "C000001");
    assert_eq!(c["name"], raw["CardName"]);
    assert_eq!(c["contacts"][0]["phone"], raw["Phone1"]);
    assert_eq!(c["financialInfo"]["creditLimit"], raw["CreditLimit"]);
    let p = h.stored(ErpTable::Products, "P000001").await;
    let raw = h.sim.record("products", "P000001").expect("raw");
    assert_eq!(p["pricing"]["standardPrice"], raw["ItemPrices"][0]["Price"]);
    assert!(
        p["pricing"]["standardPrice"].is_string(),
        "money stays text"
    );
    // Whole quantities are integers on the wire, kept as they came.
    assert_eq!(
        text(&p["inventory"]["quantity"]),
        text(&raw["QuantityOnStock"])
    );
    let o = h.stored(ErpTable::Orders, "1").await;
    let raw = h.sim.record("orders", "1").expect("raw");
    assert_eq!(o["amounts"]["totalAmount"], raw["DocTotal"]);
    assert_eq!(o["customer"]["code"], raw["CardCode"]);
    let stats = h.sim.stats();
    assert_eq!(stats.logins, 3, "one session per sync");
    assert!(stats.requests["GET BusinessPartners"] >= 7, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incremental_sync_after_an_edit_in_sap_takes_only_that_record() {
    let h = host(100, "", "b1-pass").await;
    h.engine
        .run_sync(h.request("customers", SyncMode::Incremental))
        .await
        .expect("first");
    assert_eq!(h.count(ErpTable::Customers).await, 100);
    // The next second, so the edit is not on the previous sync's boundary.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    h.sim.touch("customers", &["C000007".to_owned()]);
    let task = h
        .engine
        .run_sync(h.request("customers", SyncMode::Incremental))
        .await
        .expect("incremental");
    // The record on the previous sync's high-water mark is read again (unchanged): the
    // cursor is inclusive. Nothing else is.
    assert_eq!(task.failed_items, 0);
    assert!(task.success_items <= 2, "{}", task.success_items);
    let mut conn = h.db.read().await.expect("read");
    let logs = storelink_store::sync_logs::list(
        &mut conn,
        &storelink_store::sync_logs::SyncLogFilter {
            task_id: Some(task.id),
            ..Default::default()
        },
        &storelink_core::PageRequest {
            cursor: None,
            limit: Some(100),
        },
    )
    .await
    .expect("logs");
    drop(conn);
    let changed: Vec<(String, &str)> = logs
        .items
        .iter()
        .filter(|l| l.action.as_str() != "unchanged")
        .map(|l| (l.item_id.clone(), l.action.as_str()))
        .collect();
    assert_eq!(changed, [("C000007".to_owned(), "update")]);
    let c = h.stored(ErpTable::Customers, "C000007").await;
    assert!(
        c["name"].as_str().unwrap_or_default().contains("(rev"),
        "{c}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_that_expires_mid_sync_means_one_new_login() {
    let h = host(400, "slow:15ms:1.0", "b1-pass").await;
    let run = h.engine.run_sync(h.request("customers", SyncMode::Full));
    let expire = async {
        // Once a few pages are in, whatever the machine's speed.
        while h
            .sim
            .stats()
            .requests
            .get("GET BusinessPartners")
            .is_none_or(|n| *n < 4)
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        h.sim.expire_sessions();
    };
    let (task, ()) = tokio::join!(run, expire);
    let task = task.expect("sync survives the expiry");
    assert_eq!(task.success_items, 400);
    assert_eq!(h.count(ErpTable::Customers).await, 400);
    let stats = h.sim.stats();
    assert_eq!((stats.logins, stats.rejected_sessions), (2, 1), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_an_authentication_error_without_retries() {
    let h = host(20, "", "wrong").await;
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
    assert!(!err.to_string().contains("wrong"), "no secret in errors");
    let stats = h.sim.stats();
    assert_eq!((stats.logins, stats.failed_logins), (0, 1), "{stats:?}");
    assert!(!stats.requests.contains_key("GET BusinessPartners"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storm_of_429s_is_ridden_out() {
    let h = host(120, "429:0.3", "b1-pass").await;
    let task = h
        .engine
        .run_sync(h.request("customers", SyncMode::Full))
        .await
        .expect("sync survives");
    assert_eq!((task.success_items, task.failed_items), (120, 0));
    assert_eq!(h.count(ErpTable::Customers).await, 120);
    assert!(h.sim.stats().faults.get("429").is_some_and(|n| *n > 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_changes_arrive_once_each() {
    let h = host(40, "", "b1-pass").await;
    h.engine
        .run_sync(h.request("customers", SyncMode::Full))
        .await
        .expect("sync");
    let mut record = h.stored(ErpTable::Customers, "C000002").await;
    record["contacts"][0]["phone"] = json!("13900000000");
    let order = json!({
        "orderNumber": "WEB-20260301-1",
        "orderType": "sales",
        "customer": {"id": "C000002", "code": "C000002", "name": "x"},
        "items": [{"lineNumber": 1, "product": {"id": "P000003", "sku": "P000003", "name": "y"},
            "quantity": "2", "unit": "pcs", "unitPrice": "12.30", "subtotal": "24.60"}],
        "amounts": {"subtotal": "24.60", "taxAmount": "0", "discountAmount": "0",
            "totalAmount": "24.60", "currency": "CNY"},
        "metadata": {"createdAt": "2026-03-01T10:00:00Z", "updatedAt": "2026-03-01T10:00:00Z"}
    });
    {
        let mut tx = h.db.write().await.expect("tx");
        outbox::append(
            &mut tx,
            h.system.id,
            "customers:C000002",
            "customer.update",
            &json!({"externalId": "C000002", "record": record}),
        )
        .await
        .expect("append");
        outbox::append(
            &mut tx,
            h.system.id,
            "order:WEB-20260301-1",
            "order.create",
            &order,
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
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let writes = h.sim.stats().writes;
    assert_eq!(
        (writes.customers_updated, writes.orders_created),
        (1, 1),
        "{writes:?}"
    );
    let bp = h.sim.record("customers", "C000002").expect("bp");
    assert_eq!(bp["Phone1"], "13900000000");
    let doc = writes.log.last().expect("log").clone();
    let entry = doc.rsplit(' ').next().unwrap_or_default().to_owned();
    let created = h.sim.record("orders", &entry).expect("order");
    assert_eq!(created["NumAtCard"], "WEB-20260301-1");
    assert_eq!(created["DocTotal"], "24.60");
    assert_eq!(created["DocumentLines"][0]["ItemCode"], "P000003");
}
