//! Each vendor's simulator started small, and the settings of a system that syncs with it
//! (the values the engine's tests use), pointed at the damaging proxy instead; and the
//! local changes the outbox delivers to it, queued the way the service queues them.

use std::any::Any;
use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use serde_json::{json, Value};
use storelink_connectors::connector::{PullRequest, RemoteRecord};
use storelink_connectors::registry::{self, ConnectorSettings};
use storelink_core::ids::new_id;
use storelink_core::member::MemberInput;
use storelink_core::supplier::{
    SupplierOrder, SupplierOrderItem, SupplierOrderStatus, SupplierOrderType,
};
use storelink_core::system::SystemType;
use storelink_core::Money;
use storelink_simulators as sims;

/// A local change as an outbox entry holds it (operation and payload). A `{n}` in a text
/// stands for the entry's number, so each new entry names a record of its own, as each
/// local change does.
#[derive(Debug, Clone)]
pub struct Change {
    pub operation: &'static str,
    pub payload: Value,
}

fn change(operation: &'static str, payload: Value) -> Change {
    Change { operation, payload }
}

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
    /// What the outbox delivers to this vendor; empty for a vendor that only reads.
    pub changes: Vec<Change>,
    /// Keeps the simulator running.
    sim: Box<dyn Any + Send>,
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

    /// The simulator, for its test hooks.
    pub fn sim<T: 'static>(&self) -> &T {
        self.sim.downcast_ref().expect("the simulator's type")
    }

    /// An ERP's changes to records the engine stored from it: a customer edited locally
    /// (`customer.update` with the whole stored record, as an edit or a conflict
    /// resolution queues it) and, where the connector takes them, status changes of the
    /// open orders read from it. Read straight from the simulator, undamaged.
    pub async fn add_stored_changes(&mut self) {
        if self.system_type != SystemType::Erp {
            return;
        }
        let connector = registry::build(&self.settings(&self.target)).expect("connector");
        let customer = connector
            .pull_one("customers", self.one_id)
            .await
            .expect("a stored customer")
            .expect("the customer exists");
        let mut record = customer.data.clone();
        record["name"] = json!("改名客户{n}");
        self.changes.push(change(
            "customer.update",
            json!({"externalId": customer.external_id, "record": record}),
        ));
        // Each open order moved along once (the first two steps of its life) or cancelled;
        // a step an order has taken already is refused as a business error.
        type Open = fn(&RemoteRecord) -> bool;
        let (open, steps): (Open, [&[&str]; 2]) = match self.provider {
            "custom" => (
                |r| r.data["status"]["code"] == "pending",
                [&["confirmed", "shipped"], &["cancelled"]],
            ),
            "sap_b1" => (
                |r| r.data["status"]["code"] == "bost_Open",
                [&["closed"], &["cancelled"]],
            ),
            _ => return,
        };
        let request = PullRequest {
            page: 1,
            limit: 20,
            ..Default::default()
        };
        let page = connector
            .pull("orders", request)
            .await
            .expect("stored orders");
        let open: Vec<&RemoteRecord> = page.records.iter().filter(|r| open(r)).collect();
        assert!(open.len() >= 2, "{}: too few open orders", self.provider);
        for (order, steps) in open.iter().zip(steps) {
            for status in steps {
                self.changes.push(change(
                    "order.status",
                    json!({"externalId": order.external_id, "status": status}),
                ));
            }
        }
    }
}

/// A purchase order of ours, as the service keeps and serializes it for the outbox.
fn supplier_order(supplier_id: &str) -> Value {
    let at = Utc::now();
    let order = SupplierOrder {
        id: new_id(),
        system_id: new_id(),
        store_id: Some("store-001".into()),
        order_number: "PO-F{n}".into(),
        supplier_id: supplier_id.into(),
        supplier_name: Some("海尔".into()),
        order_type: SupplierOrderType::Purchase,
        status: SupplierOrderStatus::Pending,
        subtotal: Money::from_fen(259_998),
        tax: Money::ZERO,
        shipping: Money::ZERO,
        total: Money::from_fen(259_998),
        items: vec![SupplierOrderItem {
            name: "BS01U000N".into(),
            quantity: 2,
            unit: Some("台".into()),
            price: Money::from_fen(129_999),
        }],
        delivery_info: json!({"address": "江苏省南京市鼓楼区中山北路100号", "contact": "李四",
            "phone": "13900139000"}),
        order_date: Some(at),
        expected_delivery: None,
        actual_delivery: None,
        created_at: at,
        updated_at: at,
    };
    serde_json::to_value(&order).expect("a supplier order")
}

/// A customer made locally and an order in our model (seed 004), as the engine's ERP
/// tests queue them; `record` wraps them for connectors that read the record from there.
fn erp_changes(provider: &str) -> Vec<Change> {
    let customer = json!({"code": "CN{n}", "name": "杭州新客户{n}有限公司", "type": "company",
        "contacts": [{"name": "王五", "phone": "13800138000"}]});
    let order = json!({
        "orderNumber": "WEB-{n}",
        "orderType": "sales",
        "customer": {"id": "C000002", "code": "C000002", "name": "x"},
        "items": [{"lineNumber": 1, "product": {"id": "P000003", "sku": "P000003", "name": "y"},
            "quantity": "2", "unit": "PC", "unitPrice": "12.30", "subtotal": "24.60"}],
        "amounts": {"subtotal": "24.60", "taxAmount": "0", "discountAmount": "0",
            "totalAmount": "24.60", "currency": "CNY"},
        "metadata": {"createdAt": "2026-03-01T10:00:00Z", "updatedAt": "2026-03-01T10:00:00Z"}
    });
    match provider {
        // The custom ERP's creates go out as given: in its own field names.
        "custom" => vec![
            change(
                "customer.create",
                json!({"code": "CN{n}", "name": "杭州新客户{n}有限公司", "type": "company",
                    "contact_name": "王五", "contact_phone": "13800138000"}),
            ),
            change(
                "order.create",
                json!({"customer_id": "C000001", "type": "sales", "currency": "CNY",
                    "reference": "WEB-{n}", "items": [{"product_id": "P000001", "quantity": "2"}]}),
            ),
        ],
        "yonyou_u8" | "yonsuite" => vec![
            change("customer.create", json!({"record": customer})),
            change("order.create", json!({"record": order})),
        ],
        _ => vec![
            change("customer.create", customer),
            change("order.create", order),
        ],
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
        changes: if system_type == SystemType::Erp {
            erp_changes(provider)
        } else {
            Vec::new()
        },
        sim,
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
        "sap_s4" | "sap_s4_oauth" => {
            let sim = sims::sap_s4::SapS4Sim::start(sims::sap_s4::SapS4SimConfig {
                records: 30,
                max_page_size: 20,
                ..Default::default()
            })
            .await
            .expect("sim");
            // Basic auth, or a Bearer token from the OAuth2 client credentials endpoint.
            let c = sim.config().clone();
            let (auth, secret) = if name == "sap_s4_oauth" {
                (
                    json!({"auth": "oauth2", "client_id": c.client_id}),
                    ("client_secret", c.client_secret.as_str()),
                )
            } else {
                (
                    json!({"auth": "basic", "username": c.username}),
                    ("password", c.password.as_str()),
                )
            };
            let mut v = json!({"price_condition_type": "PR00"});
            if let (Some(v), Value::Object(auth)) = (v.as_object_mut(), auth) {
                v.extend(auth);
            }
            vendor(
                "sap_s4",
                SystemType::Erp,
                sim.base_url(),
                v,
                &[secret],
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
            // A new order (as the service serializes it), and a cancel and a reschedule
            // of orders 易理货 holds (the payloads `supplier_actions` queues).
            let day = (Utc::now() + Duration::days(3)).to_rfc3339();
            v.changes = vec![
                change("supplier_order.create", supplier_order("HAIER")),
                change(
                    "supplier_order.cancel",
                    json!({"order_number": "PO-1", "reason": "客户要求取消"}),
                ),
                change(
                    "supplier_order.reschedule",
                    json!({"order_number": "PO-2", "retail_order_no": null,
                        "distribution_time": day, "install_time": day}),
                ),
            ];
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
            // The front desk's status changes of confirmed reservations, with the payload
            // `update_reservation_status` queues.
            let mut changes = Vec::new();
            let confirmed = sim
                .ids()
                .into_iter()
                .filter_map(|id| sim.reservation(&id))
                .filter(|r| r["status"] == "confirmed")
                .take(3);
            for r in confirmed {
                let (id, external) = (&r["reservation_id"], &r["external_reservation_id"]);
                for (status, table) in [
                    ("arrived", None),
                    ("seated", Some("A{n}")),
                    ("cancelled", None),
                ] {
                    let arrival = (status == "arrived").then_some("2024-02-15T10:05:00Z");
                    changes.push(change(
                        "reservation.status",
                        json!({"reservation_id": id, "external_id": external, "status": status,
                            "arrival_time": arrival, "table_number": table}),
                    ));
                }
            }
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
            v.changes = changes;
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
            let changes = if name == "wechat" {
                // A member edited locally: the `MemberInput` the service serializes.
                sim.member_ids()
                    .iter()
                    .take(3)
                    .filter_map(|id| sim.member(id))
                    .map(|m| {
                        let text = |k: &str| m[k].as_str().map(str::to_owned);
                        let input = MemberInput {
                            member_id: text("member_id").expect("member_id"),
                            external_id: None,
                            phone: text("phone"),
                            name: text("name"),
                            email: text("email"),
                            level: text("level"),
                            points: 8888,
                            balance: Money::from_fen(12_345),
                        };
                        change(
                            "member.upsert",
                            serde_json::to_value(&input).expect("member"),
                        )
                    })
                    .collect()
            } else {
                vec![change("supplier_order.create", supplier_order("SUP-001"))]
            };
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
            v.changes = changes;
            v
        }
        other => panic!("no simulator for {other}"),
    }
}
