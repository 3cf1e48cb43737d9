//! The lanes that are not ERPs: Haier, Temu, Yiding, 易理货 and the seed 000 systems.

use std::sync::Arc;

use serde_json::json;
use storelink_simulators::generic::{GenericSim, GenericSimConfig, System};
use storelink_simulators::haier::{HaierSim, HaierSimConfig};
use storelink_simulators::temu::{TemuSim, TemuSimConfig};
use storelink_simulators::yiding::{YidingSim, YidingSimConfig};
use storelink_simulators::ylh::{YlhSim, YlhSimConfig};

use crate::harness::Rng;
use crate::lanes::{sim_handle, stream, system, Lane, Push, Sim, ALL_KINDS, NO_EXPIRY};

/// Every lane that is not an ERP.
pub async fn all(rng: &mut Rng) -> Vec<Lane> {
    let mut lanes = Vec::new();
    let haier = Arc::new(
        HaierSim::start(HaierSimConfig {
            seed: rng.next_u64(),
            products: rng.usize(30, 60),
            orders: 4,
            ..HaierSimConfig::default()
        })
        .await
        .expect("haier simulator"),
    );
    let c = haier.config().clone();
    lanes.push(Lane {
        name: "haier",
        system: system(
            "supplier",
            "haier",
            haier.base_url(),
            json!({"client_id": c.client_id, "customer_code": c.customer_code,
                "send_to_code": c.send_to_code, "county_code": "370202",
                "product_codes": haier.product_codes(), "client_secret": c.client_secret,
                "password": c.password, "seller_password": c.seller_password}),
            rng,
        ),
        streams: vec![
            stream("products", "products", "external_id"),
            stream("prices", "products", "external_id"),
            stream("stock", "products", "external_id"),
        ],
        kinds: ALL_KINDS,
        // A page of products is one product-info call plus a price and a stock call per
        // product.
        fault_scale: 20,
        sim: sim_handle!(haier),
        push: None,
    });

    let temu = Arc::new(
        TemuSim::start(TemuSimConfig {
            seed: rng.next_u64(),
            orders: rng.usize(60, 140),
            goods: rng.usize(10, 30),
            ..TemuSimConfig::default()
        })
        .await
        .expect("temu simulator"),
    );
    let c = temu.config().clone();
    lanes.push(Lane {
        name: "temu",
        system: system(
            "ecommerce",
            "temu",
            temu.base_url(),
            json!({"app_key": c.app_key, "app_secret": c.app_secret,
                "access_token": c.access_token, "rate_limit_per_second": 20}),
            rng,
        ),
        streams: vec![
            stream("orders", "marketplace_orders", "external_id"),
            stream("products", "products", "external_id"),
        ],
        kinds: NO_EXPIRY,
        fault_scale: 1,
        sim: sim_handle!(temu),
        push: None,
    });

    let yiding = Arc::new(
        YidingSim::start(YidingSimConfig {
            records: rng.usize(60, 150),
            seed: rng.next_u64(),
            ..YidingSimConfig::default()
        })
        .await
        .expect("yiding simulator"),
    );
    lanes.push(Lane {
        name: "yiding",
        system: system(
            "reservation",
            "Yiding",
            yiding.api_endpoint(),
            json!({"api_key": yiding.config().api_key}),
            rng,
        ),
        streams: vec![stream("reservations", "reservations", "reservation_id")],
        kinds: NO_EXPIRY,
        fault_scale: 1,
        sim: sim_handle!(yiding),
        push: Some(Push::FrontDesk(Arc::clone(&yiding))),
    });

    let ylh = Arc::new(
        YlhSim::start(YlhSimConfig {
            seed: rng.next_u64(),
            ..YlhSimConfig::default()
        })
        .await
        .expect("ylh simulator"),
    );
    let c = ylh.config().clone();
    lanes.push(Lane {
        name: "ylh",
        system: system(
            "supplier",
            "ylh",
            ylh.base_url(),
            json!({"client_id": c.client_id, "username": c.username,
                "source_system": "storelink", "shop_name": "智链旗舰店",
                "client_secret": c.client_secret, "password": c.password}),
            rng,
        ),
        // Its logistics stream follows orders placed through it: pushes only here.
        streams: Vec::new(),
        kinds: ALL_KINDS,
        fault_scale: 1,
        sim: sim_handle!(ylh),
        push: Some(Push::SupplierOrders(Arc::clone(&ylh))),
    });

    for (name, kind, table, key) in [
        (
            "generic_member",
            System::Member,
            "member_syncs",
            "member_id",
        ),
        (
            "generic_supplier",
            System::Supplier,
            "supplier_orders",
            "order_number",
        ),
    ] {
        let sim = Arc::new(
            GenericSim::start(GenericSimConfig {
                seed: rng.next_u64(),
                members: rng.usize(40, 120),
                orders: rng.usize(20, 60),
                ..GenericSimConfig::default()
            })
            .await
            .expect("generic simulator"),
        );
        let (system_type, provider, api_key, stream_name) = match kind {
            System::Member => ("member", "wechat", &sim.config().member_api_key, "members"),
            _ => (
                "supplier",
                "shuhai",
                &sim.config().supplier_api_key,
                "orders",
            ),
        };
        lanes.push(Lane {
            name,
            system: system(
                system_type,
                provider,
                sim.url(kind),
                json!({"api_key": api_key}),
                rng,
            ),
            streams: vec![stream(stream_name, table, key)],
            kinds: NO_EXPIRY,
            fault_scale: 1,
            sim: sim_handle!(sim),
            push: None,
        });
    }
    lanes
}
