//! The Haier test host: a supplier system on the Haier simulator with its three secrets in
//! the real keychain, and the helpers the tests in `haier.rs` share.

use serde_json::{json, Value};
use storelink_core::ids::{new_id, now};
use storelink_core::supplier::{SupplierOrder, SupplierOrderStatus, SupplierOrderType};
use storelink_core::sync::SyncMode;
use storelink_core::system::SystemType;
use storelink_core::{AppError, ErrorClass, Money};
use storelink_secrets::{Keychain, Secret};
use storelink_simulators::haier::{FaultSpec, HaierSim, HaierSimConfig};
use storelink_store::{supplier_orders, systems};

use crate::common::{erp_config, typed_vendor_host, ErpSystem, VendorHost};

pub const COUNTY: &str = "370202";

pub fn sim_config(products: usize, faults: &str) -> HaierSimConfig {
    HaierSimConfig {
        products,
        orders: 8,
        faults: FaultSpec::parse(faults).expect("faults"),
        ..HaierSimConfig::default()
    }
}

/// A supplier system on the simulator, every product code configured; `vendor` adds or
/// overrides settings, `secrets` overrides the simulator's own.
pub async fn host_with(
    config: HaierSimConfig,
    vendor: Value,
    secrets: &[(&str, &str)],
) -> VendorHost<HaierSim> {
    let sim = HaierSim::start(config).await.expect("simulator");
    let c = sim.config().clone();
    let endpoint = sim.base_url();
    let mut settings = json!({"client_id": c.client_id, "customer_code": c.customer_code,
        "send_to_code": c.send_to_code, "county_code": COUNTY, "product_codes": sim.product_codes(),
        "retryPolicy": {"maxRetries": 1, "initialDelay": 10, "maxDelay": 20}});
    if let (Some(s), Value::Object(v)) = (settings.as_object_mut(), vendor) {
        s.extend(v);
    }
    let mut values = [
        ("client_secret", c.client_secret.clone()),
        ("password", c.password.clone()),
        ("seller_password", c.seller_password.clone()),
    ];
    for (name, value) in secrets {
        if let Some(slot) = values.iter_mut().find(|(n, _)| n == name) {
            slot.1 = (*value).to_owned();
        }
    }
    let mut h = typed_vendor_host(
        sim,
        SystemType::Supplier,
        ErpSystem {
            name: "Haier",
            provider: "haier",
            version: None,
            endpoint,
            config: erp_config(50, settings),
            secret: ("client_secret", &values[0].1),
        },
    )
    .await;
    // The host stores one secret; a Haier system has three.
    let keychain = Keychain::new("storelink-engine-test");
    for (name, value) in &values[1..] {
        keychain
            .set(h.system.id, name, &Secret::new(value.as_str()))
            .await
            .expect("keychain");
    }
    h.system.secret_fields = values.iter().map(|(n, _)| (*n).to_owned()).collect();
    let mut tx = h.db.write().await.expect("tx");
    systems::update(&mut tx, &h.system).await.expect("update");
    tx.commit().await.expect("commit");
    h
}

pub async fn host(products: usize, faults: &str, vendor: Value) -> VendorHost<HaierSim> {
    host_with(sim_config(products, faults), vendor, &[]).await
}

pub fn requests(h: &VendorHost<HaierSim>, route: &str) -> u64 {
    h.sim.stats().requests.get(route).copied().unwrap_or(0)
}

/// The class a failed products sync ends with, and its message.
pub async fn failure(h: &VendorHost<HaierSim>) -> (ErrorClass, bool, String) {
    match h.sync("products", SyncMode::Full).await {
        Err(AppError::External {
            class,
            retryable,
            message,
        }) => (class, retryable, message),
        other => panic!("expected a vendor error, got {other:?}"),
    }
}

pub async fn insert_order(h: &VendorHost<HaierSim>, number: &str, status: SupplierOrderStatus) {
    let at = now();
    let order = SupplierOrder {
        id: new_id(),
        system_id: h.system.id,
        store_id: Some("store-001".into()),
        order_number: number.into(),
        supplier_id: "1001".into(),
        supplier_name: Some("海尔智家".into()),
        order_type: SupplierOrderType::Purchase,
        status,
        subtotal: Money::ZERO,
        tax: Money::ZERO,
        shipping: Money::ZERO,
        total: Money::ZERO,
        items: Vec::new(),
        delivery_info: json!({}),
        order_date: Some(at),
        expected_delivery: None,
        actual_delivery: None,
        created_at: at,
        updated_at: at,
    };
    let mut tx = h.db.write().await.expect("tx");
    supplier_orders::insert(&mut tx, &order, "test", "local")
        .await
        .expect("insert");
    tx.commit().await.expect("commit");
}
