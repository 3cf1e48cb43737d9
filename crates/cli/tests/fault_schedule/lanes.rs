//! One lane per vendor simulator with fault knobs: the simulator (on 127.0.0.1), the system
//! that talks to it, the streams it syncs (and the table each fills, with its natural key),
//! the fault kinds it can take, and the changes pushed to it where its connector pushes.

use std::sync::Arc;

use serde_json::{json, Value};
use storelink_simulators::erp::{ErpSim, ErpSimConfig, FaultSpec};
use storelink_simulators::kingdee::{KingdeeSim, KingdeeSimConfig};
use storelink_simulators::sap_b1::{SapB1Sim, SapB1SimConfig};
use storelink_simulators::sap_s4::{SapS4Sim, SapS4SimConfig};
use storelink_simulators::yiding::YidingSim;
use storelink_simulators::ylh::YlhSim;
use storelink_simulators::yonyou::{Variant, YonyouSim, YonyouSimConfig};

use crate::harness::Rng;

/// Every kind the shared `FaultSpec` knows.
pub const ALL_KINDS: &[&str] = &[
    "429",
    "500",
    "timeout",
    "slow",
    "malformed",
    "reset",
    "expire_token_every",
    "burst500",
];

/// Vendors whose credential is a fixed API key or app token: an "expired" one is refused
/// for good (a person must save a new one), so the schedule does not expire it.
pub const NO_EXPIRY: &[&str] = &[
    "429",
    "500",
    "timeout",
    "slow",
    "malformed",
    "reset",
    "burst500",
];

pub struct Stream {
    pub name: &'static str,
    pub table: &'static str,
    /// The vendor's id of a row, the same in every database.
    pub key: &'static str,
}

pub const fn stream(name: &'static str, table: &'static str, key: &'static str) -> Stream {
    Stream { name, table, key }
}

/// The simulator of a lane, through what every simulator has.
pub struct Sim {
    pub set_faults: Box<dyn Fn(FaultSpec) + Send + Sync>,
    /// The simulator's stats, as JSON (each has `faults` by kind).
    pub stats: Box<dyn Fn() -> Value + Send + Sync>,
}

/// Changes the store sends the vendor through the outbox.
pub enum Push {
    /// Order status updates to the custom ERP (confirmed → shipped → delivered).
    ErpOrders(Arc<ErpSim>),
    /// The front desk's reservation changes to Yiding (arrived → seated → completed).
    FrontDesk(Arc<YidingSim>),
    /// Purchase orders placed with 易理货.
    SupplierOrders(Arc<YlhSim>),
}

pub struct Lane {
    pub name: &'static str,
    /// The `NewSystem` body, its secrets in `config` (they go to the keychain).
    pub system: Value,
    pub streams: Vec<Stream>,
    pub kinds: &'static [&'static str],
    /// Fault rates are divided by this: about the vendor calls behind one page.
    pub fault_scale: u32,
    pub sim: Sim,
    pub push: Option<Push>,
}

/// A lane's [`Sim`] from an `Arc` of any simulator (they share `set_faults` and `stats`).
macro_rules! sim_handle {
    ($sim:expr) => {{
        let (a, b) = (Arc::clone(&$sim), Arc::clone(&$sim));
        Sim {
            set_faults: Box::new(move |f| a.set_faults(f)),
            stats: Box::new(move || serde_json::to_value(b.stats()).expect("stats JSON")),
        }
    }};
}
pub(crate) use sim_handle;

/// Fast settings for tests, with small pages (many calls, so many faults); `vendor` adds
/// the vendor's own keys and secrets.
fn settings(page_size: u64, vendor: Value) -> Value {
    let mut config = json!({"page_size": page_size, "rate_limit_per_second": 10000,
        "timeout_ms": 3000, "commit_every_records": 100, "lookback_seconds": 0,
        "retryPolicy": {"maxRetries": 8, "initialDelay": 20, "maxDelay": 200}});
    if let (Some(c), Value::Object(v)) = (config.as_object_mut(), vendor) {
        c.extend(v);
    }
    config
}

pub fn system(kind: &str, provider: &str, endpoint: String, vendor: Value, rng: &mut Rng) -> Value {
    let page_size = rng.range(10, 25);
    json!({"type": kind, "provider": provider, "store_id": "store-001",
        "api_endpoint": endpoint, "sync_enabled": false,
        "config": settings(page_size, vendor)})
}

fn erp_streams() -> Vec<Stream> {
    vec![
        stream("customers", "customers", "external_id"),
        stream("products", "products", "external_id"),
        stream("orders", "erp_orders", "external_id"),
    ]
}

/// Every lane, its data sized by `rng` (small: `make test` runs them all at once).
pub async fn all(rng: &mut Rng) -> Vec<Lane> {
    let mut lanes = Vec::new();
    let records = rng.usize(120, 240);

    let erp = Arc::new(
        ErpSim::start(ErpSimConfig {
            records,
            seed: rng.next_u64(),
            ..ErpSimConfig::default()
        })
        .await
        .expect("erp simulator"),
    );
    lanes.push(Lane {
        name: "custom_erp",
        system: system(
            "erp",
            "custom",
            erp.base_url(),
            json!({"username": "storelink", "password": "erp-pass"}),
            rng,
        ),
        streams: erp_streams(),
        kinds: ALL_KINDS,
        fault_scale: 1,
        sim: sim_handle!(erp),
        push: Some(Push::ErpOrders(Arc::clone(&erp))),
    });

    let b1 = Arc::new(
        SapB1Sim::start(SapB1SimConfig {
            seed: rng.next_u64(),
            records,
            max_page_size: 20,
            ..SapB1SimConfig::default()
        })
        .await
        .expect("sap b1 simulator"),
    );
    lanes.push(Lane {
        name: "sap_b1",
        system: system(
            "erp",
            "sap_b1",
            b1.base_url(),
            json!({"company_db": "SBODEMOCN", "username": "manager", "password": "b1-pass"}),
            rng,
        ),
        streams: erp_streams(),
        kinds: ALL_KINDS,
        fault_scale: 1,
        sim: sim_handle!(b1),
        push: None,
    });

    let s4 = Arc::new(
        SapS4Sim::start(SapS4SimConfig {
            seed: rng.next_u64(),
            records,
            max_page_size: 20,
            ..SapS4SimConfig::default()
        })
        .await
        .expect("sap s4 simulator"),
    );
    lanes.push(Lane {
        name: "sap_s4",
        system: system(
            "erp",
            "sap_s4",
            s4.base_url(),
            json!({"auth": "basic", "username": "STORELINK_COMM", "password": "s4-pass",
                "price_condition_type": "PR00"}),
            rng,
        ),
        streams: erp_streams(),
        kinds: ALL_KINDS,
        fault_scale: 1,
        sim: sim_handle!(s4),
        push: None,
    });

    let k3 = Arc::new(
        KingdeeSim::start(KingdeeSimConfig {
            seed: rng.next_u64(),
            records,
            ..KingdeeSimConfig::default()
        })
        .await
        .expect("kingdee simulator"),
    );
    let c = k3.config().clone();
    lanes.push(Lane {
        name: "kingdee",
        system: system(
            "erp",
            "kingdee",
            k3.base_url(),
            json!({"acct_id": c.acct_id, "username": c.username, "app_id": c.app_id,
                "login": "app_secret", "app_secret": c.app_secret}),
            rng,
        ),
        streams: erp_streams(),
        kinds: ALL_KINDS,
        fault_scale: 1,
        sim: sim_handle!(k3),
        push: None,
    });

    for (name, variant, provider) in [
        ("yonyou_u8", Variant::U8, "yonyou_u8"),
        ("yonsuite", Variant::YonSuite, "yonsuite"),
    ] {
        let sim = Arc::new(
            YonyouSim::start(YonyouSimConfig {
                seed: rng.next_u64(),
                records,
                ..YonyouSimConfig::new(variant)
            })
            .await
            .expect("yonyou simulator"),
        );
        let c = sim.config().clone();
        let endpoint = sim.base_url();
        let vendor = match variant {
            Variant::U8 => json!({"app_key": c.app_key, "from_account": c.from_account,
                "app_secret": c.app_secret}),
            Variant::YonSuite => json!({"app_key": c.app_key, "token_url": endpoint,
                "app_secret": c.app_secret}),
        };
        lanes.push(Lane {
            name,
            system: system("erp", provider, endpoint, vendor, rng),
            streams: erp_streams(),
            kinds: ALL_KINDS,
            fault_scale: 1,
            sim: sim_handle!(sim),
            push: None,
        });
    }

    lanes.extend(crate::other_lanes::all(rng).await);
    lanes
}
