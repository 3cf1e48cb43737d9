//! A Storelink data folder with one seed 000 system (a 蜀海 supplier or a WeChat member
//! platform) against the `generic` simulator, run through `Services` as the app runs it.
#![allow(dead_code)]

use serde_json::{json, Value};
use storelink_core::conflict::Conflict;
use storelink_core::member::MemberSync;
use storelink_core::supplier::SupplierOrder;
use storelink_core::sync::{SyncLog, SyncTask};
use storelink_core::system::{ExternalSystem, NewSystem};
use storelink_core::PageRequest;
use storelink_service::ingest::RawPush;
use storelink_simulators::generic::{GenericSim, GenericSimConfig, System};
use storelink_store::sync_logs::{self, SyncLogFilter};
use storelink_store::{members, supplier_orders};

use crate::common::{host, Host};

pub struct Seed000 {
    pub host: Host,
    pub sim: GenericSim,
    pub system: ExternalSystem,
}

/// The simulator with 20 members and 6 orders, and a system of `kind` with `config` added
/// over the test settings (its key goes to the keychain).
pub async fn seed000(kind: System, config: Value) -> Seed000 {
    let host = host().await;
    let sim = GenericSim::start(GenericSimConfig {
        members: 20,
        orders: 6,
        ..GenericSimConfig::default()
    })
    .await
    .expect("simulator");
    let system = host
        .services
        .create_system(&host.admin, new_system(&sim, kind, config))
        .await
        .expect("system");
    Seed000 { host, sim, system }
}

/// The body that adds a system of `kind` against `sim`.
pub fn new_system(sim: &GenericSim, kind: System, config: Value) -> NewSystem {
    let (system_type, provider, key) = match kind {
        System::Pos => ("pos", "meituan", sim.config().pos_api_key.clone()),
        System::Supplier => ("supplier", "shuhai", sim.config().supplier_api_key.clone()),
        System::Member => ("member", "wechat", sim.config().member_api_key.clone()),
    };
    let mut settings = json!({"api_key": key, "page_size": 50, "rate_limit_per_second": 1000,
        "retryPolicy": {"maxRetries": 2, "initialDelay": 10, "maxDelay": 50}});
    if let (Some(s), Value::Object(extra)) = (settings.as_object_mut(), config) {
        s.extend(extra);
    }
    serde_json::from_value(json!({
        "name": format!("{provider} {}", uuid::Uuid::now_v7()),
        "type": system_type,
        "provider": provider,
        "store_id": "store-001",
        "api_endpoint": sim.url(kind),
        "config": settings,
    }))
    .expect("new system")
}

impl Seed000 {
    fn id(&self) -> String {
        self.system.id.to_string()
    }

    pub async fn sync(&self, stream: &str, mode: &str) -> SyncTask {
        self.host
            .services
            .run_sync(&self.host.admin, &self.id(), stream, mode)
            .await
            .unwrap_or_else(|e| panic!("{stream} {mode} sync: {e:?}"))
    }

    /// The task's log lines as (item, action, status, class).
    pub async fn logs(&self, task: &SyncTask) -> Vec<SyncLog> {
        let mut conn = self.host.services.db().read().await.expect("read");
        sync_logs::list(
            &mut conn,
            &SyncLogFilter {
                task_id: Some(task.id),
                ..Default::default()
            },
            &PageRequest {
                cursor: None,
                limit: Some(500),
            },
        )
        .await
        .expect("logs")
        .items
    }

    pub async fn member(&self, id: &str) -> MemberSync {
        let mut conn = self.host.services.db().read().await.expect("read");
        let found = members::find_matching(&mut conn, self.system.id, id, None)
            .await
            .expect("find");
        found.into_iter().next().expect("stored member").0
    }

    pub async fn member_count(&self) -> usize {
        let mut conn = self.host.services.db().read().await.expect("read");
        members::list(
            &mut conn,
            &members::MemberFilter {
                system_id: Some(self.system.id),
                phone: None,
            },
            &PageRequest {
                cursor: None,
                limit: Some(500),
            },
        )
        .await
        .expect("list")
        .items
        .len()
    }

    pub async fn order(&self, number: &str) -> Option<SupplierOrder> {
        let mut conn = self.host.services.db().read().await.expect("read");
        supplier_orders::find(&mut conn, self.system.id, number)
            .await
            .expect("find")
            .map(|(o, _)| o)
    }

    /// The member as the platform has it now, as a sync body with `points` changed.
    pub fn member_body(&self, id: &str, points: u64) -> Value {
        let mut m = self.sim.member(id).expect("member at the platform");
        m["points"] = json!(points);
        if let Some(map) = m.as_object_mut() {
            map.remove("updated_at");
        }
        m
    }

    /// A change made at the member desk (seed 000 "同步会员数据"), queued for the platform.
    pub async fn edit_here(&self, body: &Value) {
        self.host
            .services
            .sync_member(&self.host.admin, &self.id(), RawPush::new(body.to_string()))
            .await
            .expect("member desk change");
    }

    /// Outbox statuses of the system, oldest first.
    pub async fn outbox(&self) -> Vec<String> {
        let page = self
            .host
            .services
            .list_outbox(
                &self.host.admin,
                Some(&self.id()),
                None,
                &PageRequest::default(),
            )
            .await
            .expect("outbox");
        page.items
            .into_iter()
            .rev()
            .map(|e| e.status.as_str().to_owned())
            .collect()
    }

    pub async fn send(&self) -> storelink_engine::outbox::DispatchReport {
        self.host
            .services
            .dispatch_outbox(&self.host.admin)
            .await
            .expect("dispatch")
    }

    pub async fn open_conflicts(&self) -> Vec<Conflict> {
        self.host
            .services
            .list_conflicts(
                &self.host.admin,
                None,
                Some("open"),
                &PageRequest::default(),
            )
            .await
            .expect("conflicts")
            .items
    }

    pub fn points_at_platform(&self, id: &str) -> i64 {
        self.sim.member(id).expect("member")["points"]
            .as_i64()
            .expect("points")
    }
}
