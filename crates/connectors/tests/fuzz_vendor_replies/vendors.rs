//! Each vendor's simulator started small, and the settings of a system that syncs with it
//! (the values the engine's tests use), pointed at the damaging proxy instead.

use std::any::Any;
use std::collections::BTreeMap;

use serde_json::{json, Value};
use storelink_connectors::registry::ConnectorSettings;
use storelink_core::system::SystemType;
use storelink_simulators as sims;

pub struct Vendor {
    pub provider: &'static str,
    pub system_type: SystemType,
    /// The simulator's base URL and the path `api_endpoint` adds to it.
    pub target: String,
    pub prefix: String,
    pub config: Value,
    pub secrets: BTreeMap<String, String>,
    /// A record id to fetch one by, and the ids of streams read by id.
    pub one_id: &'static str,
    pub ids: Vec<String>,
    /// Keeps the simulator running.
    pub _sim: Box<dyn Any + Send>,
}

impl Vendor {
    /// Settings whose endpoint (and token URL) go through the proxy at `proxy`.
    pub fn settings(&self, proxy: &str) -> ConnectorSettings {
        let mut config = self.config.clone();
        if config.get("token_url").is_some() {
            config["token_url"] = json!(proxy);
        }
        ConnectorSettings {
            system_type: self.system_type,
            provider: self.provider.to_owned(),
            api_endpoint: Some(format!("{proxy}{}", self.prefix)),
            config,
            secrets: self.secrets.clone(),
        }
    }

    /// Every secret value, which no error text may contain.
    pub fn secret_values(&self) -> Vec<&str> {
        self.secrets.values().map(String::as_str).collect()
    }
}

/// Settings fast enough for tests (the engine tests' `erp_config`) plus the vendor's own.
fn config(vendor: Value) -> Value {
    let mut c = json!({"page_size": 20, "rate_limit_per_second": 10000, "timeout_ms": 2000,
        "lookback_seconds": 0, "retryPolicy": {"maxRetries": 1, "initialDelay": 10, "maxDelay": 20}});
    if let (Some(c), Value::Object(v)) = (c.as_object_mut(), vendor) {
        c.extend(v);
    }
    c
}

fn secrets(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn vendor(
    provider: &'static str,
    system_type: SystemType,
    target: String,
    vendor_config: Value,
    pairs: &[(&str, &str)],
    one_id: &'static str,
    sim: Box<dyn Any + Send>,
) -> Vendor {
    Vendor {
        provider,
        system_type,
        target,
        prefix: String::new(),
        config: config(vendor_config),
        secrets: secrets(pairs),
        one_id,
        ids: Vec::new(),
        _sim: sim,
    }
}

pub async fn start(name: &str) -> Vendor {
    match name {
        "custom" => {
            let sim = sims::erp::ErpSim::start(sims::erp::ErpSimConfig {
                records: 30,
                ..Default::default()
            })
            .await
            .expect("sim");
            vendor(
                "custom",
                SystemType::Erp,
                sim.base_url(),
                json!({"username": "storelink"}),
                &[("password", "erp-pass")],
                "C000001",
                Box::new(sim),
            )
        }
        "kingdee" => {
            let sim = sims::kingdee::KingdeeSim::start(sims::kingdee::KingdeeSimConfig {
                records: 30,
                ..Default::default()
            })
            .await
            .expect("sim");
            let c = sim.config().clone();
            let v = json!({"acct_id": c.acct_id, "username": c.username, "app_id": c.app_id, "login": "app_secret"});
            vendor(
                "kingdee",
                SystemType::Erp,
                sim.base_url(),
                v,
                &[("app_secret", &c.app_secret)],
                "C000001",
                Box::new(sim),
            )
        }
        "sap_b1" => {
            let sim = sims::sap_b1::SapB1Sim::start(sims::sap_b1::SapB1SimConfig {
                records: 30,
                max_page_size: 20,
                ..Default::default()
            })
            .await
            .expect("sim");
            vendor(
                "sap_b1",
                SystemType::Erp,
                sim.base_url(),
                json!({"company_db": "SBODEMOCN", "username": "manager"}),
                &[("password", "b1-pass")],
                "C000001",
                Box::new(sim),
            )
        }
        "sap_s4" => {
            let sim = sims::sap_s4::SapS4Sim::start(sims::sap_s4::SapS4SimConfig {
                records: 30,
                max_page_size: 20,
                ..Default::default()
            })
            .await
            .expect("sim");
            vendor(
                "sap_s4",
                SystemType::Erp,
                sim.base_url(),
                json!({"auth": "basic", "username": "STORELINK_COMM", "price_condition_type": "PR00"}),
                &[("password", "s4-pass")],
                "C000001",
                Box::new(sim),
            )
        }
        "yonyou_u8" | "yonsuite" => {
            let variant = if name == "yonsuite" {
                sims::yonyou::Variant::YonSuite
            } else {
                sims::yonyou::Variant::U8
            };
            let sim = sims::yonyou::YonyouSim::start(sims::yonyou::YonyouSimConfig {
                records: 30,
                ..sims::yonyou::YonyouSimConfig::new(variant)
            })
            .await
            .expect("sim");
            let v = if name == "yonsuite" {
                json!({"app_key": "opa-storelink", "token_url": sim.base_url()})
            } else {
                json!({"app_key": "opa-storelink", "from_account": "storelink"})
            };
            let provider = if name == "yonsuite" {
                "yonsuite"
            } else {
                "yonyou_u8"
            };
            vendor(
                provider,
                SystemType::Erp,
                sim.base_url(),
                v,
                &[("app_secret", "yonyou-secret")],
                "C000001",
                Box::new(sim),
            )
        }
        "haier" => {
            let sim = sims::haier::HaierSim::start(sims::haier::HaierSimConfig {
                products: 20,
                orders: 10,
                ..Default::default()
            })
            .await
            .expect("sim");
            let c = sim.config().clone();
            let v = json!({"client_id": c.client_id, "customer_code": c.customer_code,
                "send_to_code": c.send_to_code, "county_code": "370202", "product_codes": sim.product_codes()});
            let pairs = [
                ("client_secret", c.client_secret.as_str()),
                ("password", c.password.as_str()),
                ("seller_password", c.seller_password.as_str()),
            ];
            let mut v = vendor(
                "haier",
                SystemType::Supplier,
                sim.base_url(),
                v,
                &pairs,
                "1",
                Box::new(sim),
            );
            v.ids = vec!["SO-1".into(), "SO-2".into()];
            v
        }
        "ylh" => {
            let sim = sims::ylh::YlhSim::start(sims::ylh::YlhSimConfig {
                orders: 10,
                rate_limit_per_second: 100_000,
                ..Default::default()
            })
            .await
            .expect("sim");
            sim.insert_orders(&["PO-1".to_owned(), "PO-2".to_owned()]);
            let c = sim.config().clone();
            let v = json!({"client_id": c.client_id, "username": c.username,
                "source_system": "storelink", "shop_name": "智链旗舰店"});
            let pairs = [
                ("client_secret", c.client_secret.as_str()),
                ("password", c.password.as_str()),
            ];
            let mut v = vendor(
                "ylh",
                SystemType::Supplier,
                sim.base_url(),
                v,
                &pairs,
                "PO-1",
                Box::new(sim),
            );
            v.ids = vec!["PO-1".into(), "PO-2".into()];
            v
        }
        "temu" => {
            let sim = sims::temu::TemuSim::start(sims::temu::TemuSimConfig {
                orders: 30,
                goods: 10,
                qps: 100_000,
                ..Default::default()
            })
            .await
            .expect("sim");
            let c = sim.config().clone();
            let pairs = [
                ("app_secret", c.app_secret.as_str()),
                ("access_token", c.access_token.as_str()),
            ];
            vendor(
                "temu",
                SystemType::Ecommerce,
                sim.base_url(),
                json!({"app_key": c.app_key}),
                &pairs,
                "1",
                Box::new(sim),
            )
        }
        "yiding" => {
            let sim = sims::yiding::YidingSim::start(sims::yiding::YidingSimConfig {
                records: 30,
                ..Default::default()
            })
            .await
            .expect("sim");
            let key = sim.config().api_key.clone();
            let mut v = vendor(
                "yiding",
                SystemType::Reservation,
                sim.base_url(),
                json!({}),
                &[("api_key", &key)],
                "1",
                Box::new(sim),
            );
            v.prefix = sims::yiding::PREFIX.to_owned();
            v
        }
        "shuhai" | "wechat" => {
            let sim = sims::generic::GenericSim::start(sims::generic::GenericSimConfig {
                members: 20,
                orders: 10,
                ..Default::default()
            })
            .await
            .expect("sim");
            let (kind, system, key) = if name == "wechat" {
                (
                    SystemType::Member,
                    sims::generic::System::Member,
                    sim.config().member_api_key.clone(),
                )
            } else {
                (
                    SystemType::Supplier,
                    sims::generic::System::Supplier,
                    sim.config().supplier_api_key.clone(),
                )
            };
            let prefix = sim
                .url(system)
                .trim_start_matches(&sim.base_url())
                .to_owned();
            let provider = if name == "wechat" { "wechat" } else { "shuhai" };
            let mut v = vendor(
                provider,
                kind,
                sim.base_url(),
                json!({}),
                &[("api_key", &key)],
                "MEM-0001",
                Box::new(sim),
            );
            v.prefix = prefix;
            v
        }
        other => panic!("no simulator for {other}"),
    }
}
