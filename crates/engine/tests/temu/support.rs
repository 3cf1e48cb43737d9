//! The Temu test host: an `ecommerce` system with both Temu secrets in the real keychain,
//! and an inbox event made from a push the simulator built.

use serde_json::{json, Value};
use storelink_connectors::temu::webhook;
use storelink_core::ids::{new_id, now};
use storelink_core::inbox::InboxStatus;
use storelink_core::sync::{SyncTask, SyncTaskStatus};
use storelink_core::system::{ExternalSystem, SystemStatus, SystemType};
use storelink_engine::Engine;
use storelink_secrets::{Keychain, Secret};
use storelink_simulators::temu::{TemuPush, TemuSim, TemuSimConfig};
use storelink_store::sync_tasks::{self, TaskFilter};
use storelink_store::{systems, Db};

use crate::common::{erp_config, VendorHost};

pub type Host = VendorHost<TemuSim>;

/// A simulator with `config`, and a system speaking to it with `app_secret` and `vendor`
/// settings on top of fast test ones (`rate_limit` calls a second, Temu's 20 by default).
pub async fn host_with(config: TemuSimConfig, app_secret: Option<&str>, vendor: Value) -> Host {
    let sim = TemuSim::start(config).await.expect("simulator");
    let c = sim.config().clone();
    let mut settings = erp_config(
        50,
        json!({"app_key": c.app_key, "rate_limit_per_second": 20, "lookback_seconds": 0}),
    );
    if let (Some(settings), Value::Object(vendor)) = (settings.as_object_mut(), vendor) {
        settings.extend(vendor);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&dir.path().join("s.db")).await.expect("db");
    let at = now();
    let system = ExternalSystem {
        id: new_id(),
        name: format!("Temu {}", new_id()),
        system_type: SystemType::Ecommerce,
        provider: "temu".into(),
        version: None,
        status: SystemStatus::Active,
        store_id: Some("store-001".into()),
        api_endpoint: Some(sim.base_url()),
        webhook_url: None,
        config: settings,
        sync_enabled: true,
        sync_interval: 300,
        last_sync_at: None,
        last_sync_status: None,
        secret_fields: vec!["app_secret".into(), "access_token".into()],
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
    let secret = app_secret.unwrap_or(&c.app_secret);
    for (name, value) in [
        ("app_secret", secret),
        ("access_token", c.access_token.as_str()),
    ] {
        keychain
            .set(system.id, name, &Secret::new(value))
            .await
            .expect("keychain");
    }
    let engine = Engine::new(db.clone(), keychain);
    VendorHost {
        _dir: dir,
        db,
        engine,
        system,
        sim,
    }
}

/// `orders` orders and `goods` goods, page size `page` (Temu's largest is 100).
pub async fn host(orders: usize, goods: usize, page: u32) -> Host {
    let config = TemuSimConfig {
        orders,
        goods,
        ..TemuSimConfig::default()
    };
    host_with(config, None, json!({"page_size": page})).await
}

impl Host {
    /// A push as the listener keeps it: opened with the app secret, `received`. Its inbox
    /// id and the event kept.
    pub async fn receive_push(&self, push: &TemuPush) -> (uuid::Uuid, Value) {
        let lookup = |name: &str| push.header(name).map(str::to_owned);
        let opened = webhook::open(&lookup, &push.body, &self.sim.config().app_secret)
            .expect("the simulator's push opens");
        let id = new_id();
        let kept: Value = serde_json::from_str(&opened.data).expect("the event is JSON");
        let mut tx = self.db.write().await.expect("tx");
        storelink_store::inbox::insert(
            &mut tx,
            &storelink_store::inbox::NewInboxEvent {
                id,
                system_id: self.system.id,
                event_id: format!("temu:{id}"),
                event_type: opened.event_code,
                kind: "webhook".into(),
                payload: opened.data,
                headers: "{}".into(),
                content_hash: "x".into(),
                status: InboxStatus::Received,
                received_at: now(),
            },
        )
        .await
        .expect("inbox");
        tx.commit().await.expect("commit");
        (id, kept)
    }

    /// The system's most recent task that ended `status`.
    pub async fn last_task(&self, status: SyncTaskStatus) -> SyncTask {
        let mut conn = self.db.read().await.expect("read");
        sync_tasks::list(
            &mut conn,
            &TaskFilter {
                system_id: Some(self.system.id),
                status: Some(status),
            },
            &storelink_core::PageRequest::default(),
        )
        .await
        .expect("tasks")
        .items
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no {status:?} task"))
    }
}
