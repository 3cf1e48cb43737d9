//! A test host: a SQLite file, the real keychain, one ERP system against a simulator (the
//! custom ERP one by default, or any vendor's through `vendor_host`).
#![allow(dead_code)]

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use storelink_core::ids::{new_id, now};
use storelink_core::outbox::OutboxEntry;
use storelink_core::sync::{SyncLog, SyncMode, SyncTask, SyncTaskStatus, SyncTrigger};
use storelink_core::system::{ExternalSystem, SystemStatus, SystemType};
use storelink_core::{AppError, ErrorClass};
use storelink_engine::{Engine, SyncRequest};
use storelink_secrets::{Keychain, Secret};
use storelink_simulators::erp::{ErpSim, ErpSimConfig, FaultSpec};
use storelink_store::erp_records::{self, ErpTable};
use storelink_store::outbox::{self, OutboxFilter};
use storelink_store::sync_logs::{self, SyncLogFilter};
use storelink_store::{systems, Db};

/// A host around a simulator of type `S`.
pub struct VendorHost<S> {
    pub _dir: tempfile::TempDir,
    pub db: Db,
    pub engine: Engine,
    pub system: ExternalSystem,
    pub sim: S,
}

/// The host of the custom ERP simulator.
pub type Host = VendorHost<ErpSim>;

/// The ERP system a vendor host sets up.
pub struct ErpSystem<'a> {
    /// The system's name, before a fresh id.
    pub name: &'a str,
    pub provider: &'a str,
    pub version: Option<&'a str>,
    pub endpoint: String,
    pub config: Value,
    /// The secret field and the value stored for it in the keychain.
    pub secret: (&'a str, &'a str),
}

/// Connector settings fast enough for tests: no rate limit to speak of, short retries.
/// `vendor` adds (or overrides) the vendor's own keys.
pub fn erp_config(page_size: u32, vendor: Value) -> Value {
    let mut config = json!({"page_size": page_size, "rate_limit_per_second": 10000,
        "timeout_ms": 2000, "commit_every_records": 100,
        "retryPolicy": {"maxRetries": 8, "initialDelay": 20, "maxDelay": 200}});
    if let (Some(config), Value::Object(vendor)) = (config.as_object_mut(), vendor) {
        config.extend(vendor);
    }
    config
}

/// A temp SQLite file holding `spec`'s system, its secret in the real keychain, an engine.
pub async fn vendor_host<S>(sim: S, spec: ErpSystem<'_>) -> VendorHost<S> {
    typed_vendor_host(sim, SystemType::Erp, spec).await
}

/// [`vendor_host`] for a system of another type (supplier, ecommerce, reservation, ...).
pub async fn typed_vendor_host<S>(
    sim: S,
    system_type: SystemType,
    spec: ErpSystem<'_>,
) -> VendorHost<S> {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&dir.path().join("s.db")).await.expect("db");
    let at = now();
    let (secret_field, secret) = spec.secret;
    let system = ExternalSystem {
        id: new_id(),
        name: format!("{} {}", spec.name, new_id()),
        system_type,
        provider: spec.provider.into(),
        version: spec.version.map(Into::into),
        status: SystemStatus::Active,
        store_id: Some("store-001".into()),
        api_endpoint: Some(spec.endpoint),
        webhook_url: None,
        config: spec.config,
        sync_enabled: true,
        sync_interval: 300,
        last_sync_at: None,
        last_sync_status: None,
        secret_fields: vec![secret_field.into()],
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
        .set(system.id, secret_field, &Secret::new(secret))
        .await
        .expect("keychain");
    let engine = Engine::new(db.clone(), keychain);
    VendorHost {
        _dir: dir,
        db,
        engine,
        system,
        sim,
    }
}

/// The custom ERP simulator with `records` customers and `faults`.
pub async fn host(records: usize, faults: &str) -> Host {
    let sim = ErpSim::start(ErpSimConfig {
        records,
        faults: FaultSpec::parse(faults).expect("faults"),
        ..ErpSimConfig::default()
    })
    .await
    .expect("simulator");
    let endpoint = sim.base_url();
    vendor_host(
        sim,
        ErpSystem {
            name: "ERP",
            provider: "custom",
            version: None,
            endpoint,
            config: erp_config(100, json!({"username": "storelink"})),
            secret: ("password", "erp-pass"),
        },
    )
    .await
}

impl<S> VendorHost<S> {
    /// An ERP webhook event as the listener stores it (`received`, for the engine to pull
    /// the record it names).
    pub async fn receive_event(&self, event_type: &str, data: &str) -> uuid::Uuid {
        let id = new_id();
        let mut tx = self.db.write().await.expect("tx");
        storelink_store::inbox::insert(
            &mut tx,
            &storelink_store::inbox::NewInboxEvent {
                id,
                system_id: self.system.id,
                event_id: format!("evt-{id}"),
                event_type: event_type.into(),
                kind: "webhook".into(),
                payload: format!(r#"{{"id":"evt-{id}","event":"{event_type}","data":{data}}}"#),
                headers: "{}".into(),
                content_hash: "x".into(),
                status: storelink_core::inbox::InboxStatus::Received,
                received_at: now(),
            },
        )
        .await
        .expect("inbox");
        tx.commit().await.expect("commit");
        id
    }

    /// Runs the engine's event puller; the event must come out processed.
    pub async fn process_event(&self, id: uuid::Uuid, what: &str) {
        self.engine.process_events_once().await.expect("process");
        let mut conn = self.db.read().await.expect("read");
        let event = storelink_store::inbox::get(&mut conn, id)
            .await
            .expect("event");
        assert_eq!(
            event.status,
            storelink_core::inbox::InboxStatus::Processed,
            "{what}: {:?}",
            event.error_message
        );
    }

    pub fn request(&self, stream: &str, mode: SyncMode) -> SyncRequest {
        SyncRequest {
            system_id: self.system.id,
            stream: stream.into(),
            mode,
            trigger: SyncTrigger::Manual,
        }
    }

    /// A manual sync of `stream` on the host's engine.
    pub async fn sync(&self, stream: &str, mode: SyncMode) -> Result<SyncTask, AppError> {
        self.engine.run_sync(self.request(stream, mode)).await
    }

    /// A full sync of `stream` during which `expire` ends the vendor's sessions, once
    /// `started` says pages are being read (not at a fixed time: under load the first
    /// login can come late, and an expiry before it would test nothing).
    pub async fn full_sync_expiring(
        &self,
        stream: &str,
        started: impl Fn(&S) -> bool,
        expire: impl FnOnce(&S),
    ) -> Result<SyncTask, AppError> {
        let run = self.sync(stream, SyncMode::Full);
        let expiry = async {
            let deadline = Instant::now() + Duration::from_secs(30);
            while !started(&self.sim) && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            expire(&self.sim);
        };
        tokio::join!(run, expiry).0
    }

    /// A full sync of each `(stream, table, n)` in turn, each asserted completed with `n`
    /// items, none failed, and `n` records stored; `context` names the case in failures.
    pub async fn full_sync_each(
        &self,
        streams: &[(&str, ErpTable, i64)],
        context: &str,
    ) -> Vec<SyncTask> {
        let mut tasks = Vec::new();
        for &(stream, table, n) in streams {
            let task = self
                .sync(stream, SyncMode::Full)
                .await
                .unwrap_or_else(|e| panic!("{context} {stream}: {e:?}"));
            assert_eq!(task.status, SyncTaskStatus::Completed, "{context} {stream}");
            assert_eq!(
                (task.success_items, task.failed_items),
                (n, 0),
                "{context} {stream}"
            );
            assert_eq!(self.count(table).await, n, "{context} {stream}");
            tasks.push(task);
        }
        tasks
    }

    /// An incremental sync of `stream`, `edit` on the simulator, another incremental sync:
    /// both tasks.
    pub async fn incremental_around(
        &self,
        stream: &str,
        edit: impl FnOnce(&S),
    ) -> (SyncTask, SyncTask) {
        let first = self
            .sync(stream, SyncMode::Incremental)
            .await
            .expect("first");
        edit(&self.sim);
        let second = self
            .sync(stream, SyncMode::Incremental)
            .await
            .expect("incremental");
        (first, second)
    }

    pub async fn count(&self, table: ErpTable) -> i64 {
        let mut conn = self.db.read().await.expect("read");
        erp_records::count(&mut conn, table, self.system.id)
            .await
            .expect("count")
    }

    pub async fn stored(&self, table: ErpTable, id: &str) -> Value {
        let mut conn = self.db.read().await.expect("read");
        erp_records::get(&mut conn, table, self.system.id, id)
            .await
            .expect("get")
            .expect("stored")
    }

    /// The task's sync log, up to `limit` rows.
    pub async fn logs(&self, task: uuid::Uuid, limit: u32) -> Vec<SyncLog> {
        let mut conn = self.db.read().await.expect("read");
        sync_logs::list(
            &mut conn,
            &SyncLogFilter {
                task_id: Some(task),
                ..Default::default()
            },
            &storelink_core::PageRequest {
                cursor: None,
                limit: Some(limit),
            },
        )
        .await
        .expect("logs")
        .items
    }

    /// The task's log rows counted by `action:status`.
    pub async fn logs_by_action(&self, task: uuid::Uuid) -> Vec<(String, i64)> {
        let mut counts: std::collections::BTreeMap<String, i64> = Default::default();
        for l in self.logs(task, 1000).await {
            *counts
                .entry(format!("{}:{}", l.action.as_str(), l.status.as_str()))
                .or_default() += 1;
        }
        counts.into_iter().collect()
    }

    /// How many of the task's log rows have `action`, whatever their status.
    pub async fn action_count(&self, task: uuid::Uuid, action: &str) -> usize {
        self.logs(task, 1000)
            .await
            .iter()
            .filter(|l| l.action.as_str() == action)
            .count()
    }

    /// Appends `(entity key, operation, payload)` entries to the outbox in one transaction.
    pub async fn queue(&self, entries: &[(&str, &str, Value)]) {
        let mut tx = self.db.write().await.expect("tx");
        for (key, operation, payload) in entries {
            outbox::append(&mut tx, self.system.id, key, operation, payload)
                .await
                .expect("append");
        }
        tx.commit().await.expect("commit");
    }

    /// Dispatches until nothing waits in the outbox or `within` has passed, pausing
    /// `pause` between passes.
    pub async fn drain_outbox(&self, within: Duration, pause: Duration) {
        let deadline = Instant::now() + within;
        loop {
            self.engine.dispatch_once().await.expect("dispatch");
            let mut conn = self.db.read().await.expect("read");
            let waiting = outbox::count_waiting(&mut conn, Some(self.system.id))
                .await
                .expect("count");
            if waiting == 0 || Instant::now() > deadline {
                break;
            }
            drop(conn);
            tokio::time::sleep(pause).await;
        }
    }

    /// Every outbox entry of the host's system.
    pub async fn outbox_entries(&self) -> Vec<OutboxEntry> {
        let mut conn = self.db.read().await.expect("read");
        outbox::list(
            &mut conn,
            &OutboxFilter {
                system_id: Some(self.system.id),
                status: None,
            },
            &storelink_core::PageRequest::default(),
        )
        .await
        .expect("list")
        .items
    }
}

/// A refused login: an authentication error, not retried.
pub fn is_auth_refusal(err: &AppError) -> bool {
    matches!(
        err,
        AppError::External {
            class: ErrorClass::AuthenticationError,
            retryable: false,
            ..
        }
    )
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
