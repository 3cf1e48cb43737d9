//! One system of every type and provider, each against its vendor's simulator (started here
//! with the system's distinctive secrets as its credentials), plus the types no connector
//! serves yet. Every secret is registered for the search.

use storelink_core::system::NewSystem;
use storelink_core::Actor;
use storelink_service::Services;
use storelink_simulators::erp::{ErpSim, ErpSimConfig};
use storelink_simulators::generic::{GenericSim, GenericSimConfig};
use storelink_simulators::haier::{HaierSim, HaierSimConfig};
use storelink_simulators::kingdee::{KingdeeSim, KingdeeSimConfig};
use storelink_simulators::sap_b1::{SapB1Sim, SapB1SimConfig};
use storelink_simulators::sap_s4::{SapS4Sim, SapS4SimConfig};
use storelink_simulators::temu::{TemuSim, TemuSimConfig};
use storelink_simulators::yiding::{YidingSim, YidingSimConfig};
use storelink_simulators::ylh::{YlhSim, YlhSimConfig};
use storelink_simulators::yonyou::{Variant, YonyouSim, YonyouSimConfig};
use uuid::Uuid;

use super::scan::base64;
use super::specs::specs;

/// Every secret planted, by label.
#[derive(Default)]
pub struct Planted(pub Vec<(String, String)>);

impl Planted {
    /// `SLSECRET-<label>-<random>`, registered.
    pub fn make(&mut self, label: &str) -> String {
        let random = Uuid::now_v7().simple().to_string();
        let value = format!("SLSECRET-{label}-{}", &random[20..]);
        self.0.push((label.to_owned(), value.clone()));
        value
    }

    /// A Standard Webhooks secret: `whsec_` and the base64 of a distinctive key.
    pub fn webhook(&mut self, label: &str) -> String {
        let key = self.make(&format!("{label}-whkey"));
        self.0.pop();
        let value = format!("whsec_{}", base64(key.as_bytes()));
        self.0.push((format!("{label}-webhook"), value.clone()));
        value
    }

    pub fn add(&mut self, label: &str, value: &str) {
        self.0.push((label.to_owned(), value.to_owned()));
    }
}

pub struct Sims {
    pub erp: ErpSim,
    pub kingdee: KingdeeSim,
    pub u8: YonyouSim,
    pub yonsuite: YonyouSim,
    pub b1: SapB1Sim,
    pub s4: SapS4Sim,
    pub haier: HaierSim,
    pub ylh: YlhSim,
    pub temu: TemuSim,
    pub yiding: YidingSim,
    pub generic: [GenericSim; 2],
}

/// A created system: its id, type, provider, and its current webhook secret.
#[derive(Debug, Clone)]
pub struct Made {
    pub id: Uuid,
    pub system_type: String,
    pub provider: String,
    pub webhook_secret: String,
}

pub struct Fleet {
    pub sims: Sims,
    pub systems: Vec<Made>,
}

impl Fleet {
    pub fn find(&self, system_type: &str, provider: &str) -> &Made {
        self.systems
            .iter()
            .find(|s| s.system_type == system_type && s.provider == provider)
            .unwrap_or_else(|| panic!("no {system_type}/{provider} system"))
    }
}

pub async fn start(p: &mut Planted) -> Sims {
    let generic = |p: &mut Planted, n: u32| GenericSimConfig {
        members: 8,
        orders: 4,
        pos_api_key: p.make(&format!("pos{n}-api_key")),
        supplier_api_key: p.make(&format!("supplier{n}-api_key")),
        member_api_key: p.make(&format!("member{n}-api_key")),
        ..GenericSimConfig::default()
    };
    let (g0, g1) = (generic(p, 0), generic(p, 1));
    Sims {
        erp: ErpSim::start(ErpSimConfig {
            records: 12,
            password: p.make("custom_erp-password"),
            ..ErpSimConfig::default()
        })
        .await
        .expect("erp"),
        kingdee: KingdeeSim::start(KingdeeSimConfig {
            records: 12,
            app_secret: p.make("kingdee-app_secret"),
            ..KingdeeSimConfig::default()
        })
        .await
        .expect("kingdee"),
        u8: YonyouSim::start(YonyouSimConfig {
            records: 12,
            app_secret: p.make("yonyou_u8-app_secret"),
            ..YonyouSimConfig::new(Variant::U8)
        })
        .await
        .expect("u8"),
        yonsuite: YonyouSim::start(YonyouSimConfig {
            records: 12,
            app_secret: p.make("yonsuite-app_secret"),
            ..YonyouSimConfig::new(Variant::YonSuite)
        })
        .await
        .expect("yonsuite"),
        b1: SapB1Sim::start(SapB1SimConfig {
            records: 12,
            max_page_size: 20,
            password: p.make("sap_b1-password"),
            ..SapB1SimConfig::default()
        })
        .await
        .expect("b1"),
        s4: SapS4Sim::start(SapS4SimConfig {
            records: 12,
            password: p.make("sap_s4-password"),
            ..SapS4SimConfig::default()
        })
        .await
        .expect("s4"),
        haier: HaierSim::start(HaierSimConfig {
            products: 6,
            orders: 3,
            client_secret: p.make("haier-client_secret"),
            password: p.make("haier-password"),
            seller_password: p.make("haier-seller_password"),
            ..HaierSimConfig::default()
        })
        .await
        .expect("haier"),
        ylh: YlhSim::start(YlhSimConfig {
            orders: 3,
            client_secret: p.make("ylh-client_secret"),
            password: p.make("ylh-password"),
            callback_secret: p.make("ylh-callback_secret"),
            ..YlhSimConfig::default()
        })
        .await
        .expect("ylh"),
        temu: TemuSim::start(TemuSimConfig {
            orders: 6,
            goods: 4,
            app_secret: p.make("temu-app_secret"),
            access_token: p.make("temu-access_token"),
            ..TemuSimConfig::default()
        })
        .await
        .expect("temu"),
        yiding: YidingSim::start(YidingSimConfig {
            records: 8,
            api_key: p.make("yiding-api_key"),
            ..YidingSimConfig::default()
        })
        .await
        .expect("yiding"),
        generic: [
            GenericSim::start(g0).await.expect("generic 0"),
            GenericSim::start(g1).await.expect("generic 1"),
        ],
    }
}

/// Creates every system through the service, each with a distinctive webhook secret.
pub async fn create(services: &Services, admin: &Actor, sims: Sims, p: &mut Planted) -> Fleet {
    let mut systems = Vec::new();
    for (system_type, provider, endpoint, config, secrets) in specs(&sims) {
        let label = format!("{system_type}_{provider}");
        let webhook_secret = p.webhook(&label);
        let mut map: std::collections::BTreeMap<String, String> = secrets
            .into_iter()
            .map(|(name, value)| {
                // Names stand for the simulator's planted value; an empty one gets its own.
                let value = match value.as_str() {
                    "" => p.make(&format!("{label}-{name}")),
                    v if !v.starts_with("SLSECRET-") => planted_value(p, v),
                    v => v.to_owned(),
                };
                (name.to_owned(), value)
            })
            .collect();
        map.insert("webhook_secret".into(), webhook_secret.clone());
        let input = NewSystem {
            name: format!("{label} system"),
            system_type: system_type.into(),
            provider: provider.into(),
            store_id: Some("store-001".into()),
            api_endpoint: Some(endpoint),
            config: Some(config),
            sync_enabled: Some(false),
            secrets: map,
            ..NewSystem::default()
        };
        let made = services
            .create_system(admin, input)
            .await
            .expect("create system");
        systems.push(Made {
            id: made.id,
            system_type: system_type.into(),
            provider: provider.into(),
            webhook_secret,
        });
    }
    Fleet { sims, systems }
}

/// The planted value registered under `label` (for specs naming a secret by its label).
fn planted_value(p: &Planted, label: &str) -> String {
    p.0.iter()
        .find(|(l, _)| l == label)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("no planted secret {label}"))
}
