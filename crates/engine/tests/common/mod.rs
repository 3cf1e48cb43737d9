//! A test host: a SQLite file, the real keychain, the custom ERP simulator, one ERP system.
#![allow(dead_code)]

use serde_json::json;
use storelink_core::ids::{new_id, now};
use storelink_core::sync::{SyncMode, SyncTrigger};
use storelink_core::system::{ExternalSystem, SystemStatus, SystemType};
use storelink_engine::{Engine, SyncRequest};
use storelink_secrets::{Keychain, Secret};
use storelink_simulators::erp::{ErpSim, ErpSimConfig, FaultSpec};
use storelink_store::erp_records::{self, ErpTable};
use storelink_store::{systems, Db};

pub struct Host {
    pub _dir: tempfile::TempDir,
    pub db: Db,
    pub engine: Engine,
    pub system: ExternalSystem,
    pub sim: ErpSim,
}

pub async fn host(records: usize, faults: &str) -> Host {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&dir.path().join("s.db")).await.expect("db");
    let sim = ErpSim::start(ErpSimConfig {
        records,
        faults: FaultSpec::parse(faults).expect("faults"),
        ..ErpSimConfig::default()
    })
    .await
    .expect("simulator");
    let at = now();
    let system = ExternalSystem {
        id: new_id(),
        name: format!("ERP {}", new_id()),
        system_type: SystemType::Erp,
        provider: "custom".into(),
        version: None,
        status: SystemStatus::Active,
        store_id: Some("store-001".into()),
        api_endpoint: Some(sim.base_url()),
        webhook_url: None,
        config: json!({"username": "storelink", "page_size": 100, "rate_limit_per_second": 10000,
            "timeout_ms": 2000, "commit_every_records": 100,
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
        .set(system.id, "password", &Secret::new("erp-pass"))
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
    pub fn request(&self, stream: &str, mode: SyncMode) -> SyncRequest {
        SyncRequest {
            system_id: self.system.id,
            stream: stream.into(),
            mode,
            trigger: SyncTrigger::Manual,
        }
    }

    pub async fn count(&self, table: ErpTable) -> i64 {
        let mut conn = self.db.read().await.expect("read");
        erp_records::count(&mut conn, table, self.system.id)
            .await
            .expect("count")
    }

    pub async fn logs_by_action(&self, task: uuid::Uuid) -> Vec<(String, i64)> {
        let mut conn = self.db.read().await.expect("read");
        sqlx_rows(&mut conn, task).await
    }
}

async fn sqlx_rows(
    conn: &mut storelink_store::SqliteConnection,
    task: uuid::Uuid,
) -> Vec<(String, i64)> {
    let page = storelink_store::sync_logs::list(
        conn,
        &storelink_store::sync_logs::SyncLogFilter {
            task_id: Some(task),
            ..Default::default()
        },
        &storelink_core::PageRequest {
            cursor: None,
            limit: Some(1000),
        },
    )
    .await
    .expect("logs");
    let mut counts: std::collections::BTreeMap<String, i64> = Default::default();
    for l in page.items {
        *counts
            .entry(format!("{}:{}", l.action.as_str(), l.status.as_str()))
            .or_default() += 1;
    }
    counts.into_iter().collect()
}

/// An order the simulator holds as `pending`, so confirmed → shipped → delivered is legal
/// and asking for `delivered` straight away is refused for good.
pub fn pending_order(h: &Host) -> String {
    h.sim
        .ids("orders")
        .into_iter()
        .find(|id| {
            h.sim
                .record("orders", id)
                .is_some_and(|o| o["status"] == "pending")
        })
        .expect("a pending order in the seeded data")
}
