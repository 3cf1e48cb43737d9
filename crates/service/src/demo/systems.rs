//! The demo's systems, one per built-in simulator, each marked `config.demo: true` and
//! named 演示 so nobody takes them for real ones; and the POS terminal's API token.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use storelink_core::system::{ExternalSystem, NewSystem, SystemPatch, SystemType};
use storelink_core::token::NewToken;
use storelink_core::{Actor, AppError, Role};
use storelink_simulators::erp::ErpSim;
use storelink_simulators::generic::{GenericSim, System};
use storelink_simulators::yiding::YidingSim;
use storelink_store::{purge, systems};
use uuid::Uuid;

use crate::Services;

/// The store every demo system belongs to.
pub(super) const DEMO_STORE: &str = "demo-store";
/// Synced this often by the app's own scheduler (the shortest interval allowed).
const SYNC_EVERY_SECONDS: i64 = 60;
const TOKEN_NAME: &str = "演示 POS 终端";

/// The simulators a demo runs.
pub(super) struct Simulators {
    pub erp: ErpSim,
    pub yiding: YidingSim,
    pub generic: GenericSim,
}

struct Spec {
    name: &'static str,
    system_type: SystemType,
    provider: &'static str,
    endpoint: String,
    config: Value,
    secrets: BTreeMap<String, String>,
}

fn secret(name: &str, value: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(name.to_owned(), value.to_owned())])
}

/// Settings every demo system has, with `extra` over them.
fn config(extra: Value) -> Value {
    let mut base = json!({"demo": true, "timeout_ms": 5000, "page_size": 100,
        "retryPolicy": {"maxRetries": 2, "initialDelay": 200, "maxDelay": 2000}});
    if let (Some(b), Value::Object(extra)) = (base.as_object_mut(), extra) {
        b.extend(extra);
    }
    base
}

fn specs(sims: &Simulators) -> Vec<Spec> {
    let generic = sims.generic.config();
    vec![
        Spec {
            name: "演示 · 美团 POS",
            system_type: SystemType::Pos,
            provider: "meituan",
            endpoint: sims.generic.url(System::Pos),
            config: config(json!({})),
            secrets: secret("api_key", &generic.pos_api_key),
        },
        Spec {
            name: "演示 · 自定义 ERP",
            system_type: SystemType::Erp,
            provider: "custom",
            endpoint: sims.erp.base_url(),
            config: config(json!({"username": "storelink"})),
            secrets: secret("password", "erp-pass"),
        },
        Spec {
            name: "演示 · 易订预订",
            system_type: SystemType::Reservation,
            provider: "yiding",
            endpoint: sims.yiding.api_endpoint(),
            config: config(json!({})),
            secrets: secret("api_key", &sims.yiding.config().api_key),
        },
        Spec {
            name: "演示 · 蜀海供应链",
            system_type: SystemType::Supplier,
            provider: "shuhai",
            endpoint: sims.generic.url(System::Supplier),
            config: config(json!({})),
            secrets: secret("api_key", &generic.supplier_api_key),
        },
        Spec {
            name: "演示 · 微信会员",
            system_type: SystemType::Member,
            provider: "wechat",
            endpoint: sims.generic.url(System::Member),
            config: config(json!({})),
            secrets: secret("api_key", &generic.member_api_key),
        },
    ]
}

impl Services {
    /// The demo systems that are still live.
    pub(super) async fn live_demo_systems(&self) -> Result<Vec<ExternalSystem>, AppError> {
        let mut conn = self.db.read().await?;
        let mut live = Vec::new();
        for id in purge::demo_system_ids(&mut conn).await? {
            if let Some(system) = systems::get(&mut conn, id).await? {
                live.push(system);
            }
        }
        Ok(live)
    }

    /// Creates the demo systems, or points the ones an earlier demo left at the simulators
    /// now running (their ports change with every start), and tests each. Answers the POS
    /// system's id.
    pub(super) async fn ensure_demo_systems(
        &self,
        actor: &Actor,
        sims: &Simulators,
    ) -> Result<Uuid, AppError> {
        let existing = self.live_demo_systems().await?;
        let mut pos = None;
        for spec in specs(sims) {
            let found = existing
                .iter()
                .find(|s| s.system_type == spec.system_type && s.provider == spec.provider);
            let system = match found {
                Some(old) => {
                    let patch = SystemPatch {
                        api_endpoint: Some(spec.endpoint),
                        secrets: spec.secrets,
                        ..SystemPatch::default()
                    };
                    self.update_system(actor, &old.id.to_string(), patch)
                        .await?
                }
                None => {
                    let input = NewSystem {
                        name: spec.name.to_owned(),
                        system_type: spec.system_type.as_str().to_owned(),
                        provider: spec.provider.to_owned(),
                        store_id: Some(DEMO_STORE.to_owned()),
                        api_endpoint: Some(spec.endpoint),
                        config: Some(spec.config),
                        sync_enabled: Some(true),
                        sync_interval: Some(SYNC_EVERY_SECONDS),
                        secrets: spec.secrets,
                        ..NewSystem::default()
                    };
                    self.create_system(actor, input).await?
                }
            };
            // As a person would: a tested system is active, and the scheduler syncs it.
            self.test_system(actor, &system.id.to_string()).await?;
            if system.system_type == SystemType::Pos {
                pos = Some(system.id);
            }
        }
        pos.ok_or_else(|| AppError::internal("the demo has no POS system"))
    }

    /// A fresh token for the demo terminal. A token is shown only once, so one an earlier
    /// demo made cannot be used again: it is revoked.
    pub(super) async fn demo_token(&self, actor: &Actor, pos: Uuid) -> Result<String, AppError> {
        for old in self.list_tokens(actor).await? {
            if old.system_id == Some(pos) && old.revoked_at.is_none() {
                self.revoke_token(actor, old.id).await?;
            }
        }
        let created = self
            .add_token(
                actor,
                NewToken {
                    name: TOKEN_NAME.to_owned(),
                    role: Role::Staff,
                    system_id: Some(pos),
                    rate_limit: None,
                },
            )
            .await?;
        Ok(created.token)
    }
}
