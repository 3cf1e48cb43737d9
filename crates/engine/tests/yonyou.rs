//! The engine against the Yonyou simulators (U8 OpenAPI and YonSuite) over loopback, with
//! a real SQLite file and the real keychain (run under scripts/with-keyring.sh).

mod common;

use std::time::Duration;

use common::{erp_config, is_auth_refusal, vendor_host, ErpSystem, VendorHost};
use serde_json::json;
use storelink_connectors::connector::PushRequest;
use storelink_connectors::registry::{self, ConnectorSettings};
use storelink_core::outbox::OutboxStatus;
use storelink_core::sync::{SyncMode, SyncTaskStatus};
use storelink_core::system::SystemType;
use storelink_simulators::erp::FaultSpec;
use storelink_simulators::yonyou::{Variant, YonyouSim, YonyouSimConfig};
use storelink_store::erp_records::ErpTable;

const BOTH: [Variant; 2] = [Variant::U8, Variant::YonSuite];

async fn host(
    variant: Variant,
    records: usize,
    faults: &str,
    secret: &str,
) -> VendorHost<YonyouSim> {
    let sim = YonyouSim::start(YonyouSimConfig {
        records,
        faults: FaultSpec::parse(faults).expect("faults"),
        ..YonyouSimConfig::new(variant)
    })
    .await
    .expect("simulator");
    let endpoint = sim.base_url();
    let mut vendor = json!({"app_key": "opa-storelink"});
    let provider = match variant {
        Variant::U8 => {
            vendor["from_account"] = json!("storelink");
            "yonyou_u8"
        }
        Variant::YonSuite => {
            vendor["token_url"] = json!(endpoint);
            "yonsuite"
        }
    };
    vendor_host(
        sim,
        ErpSystem {
            name: "Yonyou",
            provider,
            version: None,
            endpoint,
            config: erp_config(100, vendor),
            secret: ("app_secret", secret),
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_sync_of_every_stream_with_exact_counts() {
    for variant in BOTH {
        let h = host(variant, 250, "", "yonyou-secret").await;
        let streams = [
            ("customers", ErpTable::Customers, 250),
            ("products", ErpTable::Products, 125),
            ("orders", ErpTable::Orders, 62),
        ];
        h.full_sync_each(&streams, &format!("{variant:?}")).await;
        // Mapped to seed 004's model from the vendor's fields.
        let raw = h.sim.record("customers", "C000001").expect("raw");
        let stored = h.stored(ErpTable::Customers, "C000001").await;
        let (name, contact) = match variant {
            Variant::U8 => ("cCusName", "cCusDefine1"),
            Variant::YonSuite => ("name", "contactName"),
        };
        assert_eq!(stored["name"], raw[name]);
        assert_eq!(stored["contacts"][0]["name"], raw[contact]);
        assert!(stored["metadata"]["status"].is_string(), "{stored}");
        let order = h.stored(ErpTable::Orders, "O000001").await;
        assert!(order["items"][0]["product"]["id"].is_string(), "{order}");
        if variant == Variant::U8 {
            let p = h.stored(ErpTable::Products, "P000001").await;
            assert!(p["inventory"]["quantity"].is_string(), "stock merged: {p}");
        }
        assert_eq!(
            h.sim.stats().logins,
            3,
            "{variant:?}: one token per run (each run builds its connector), not per page"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_sync_after_touch_reads_the_edits() {
    for variant in BOTH {
        let h = host(variant, 300, "", "yonyou-secret").await;
        let ids: Vec<String> = (1..=3).map(|n| format!("P{n:06}")).collect();
        let (_, task) = h
            .incremental_around("products", |sim| sim.touch("products", &ids))
            .await;
        assert_eq!(h.count(ErpTable::Products).await, 150);
        let updates = h.action_count(task.id, "update").await;
        assert_eq!(updates, 3, "{variant:?}");
        assert!(
            task.success_items < 150,
            "{variant:?}: {}",
            task.success_items
        );
        assert_eq!(h.count(ErpTable::Products).await, 150);
        let p = h.stored(ErpTable::Products, "P000001").await;
        let raw = h.sim.record("products", "P000001").expect("raw");
        let price = if variant == Variant::U8 {
            "iInvSPrice"
        } else {
            "salePrice"
        };
        assert_eq!(p["pricing"]["standardPrice"], raw[price], "{variant:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_mid_sync_means_one_new_token_and_completion() {
    for variant in BOTH {
        let h = host(variant, 1000, "slow:20ms:1.0", "yonyou-secret").await;
        let task = h
            .full_sync_expiring(
                "customers",
                |sim| {
                    let stats = sim.stats();
                    let calls: u64 = stats.requests.values().sum();
                    stats.logins >= 1 && calls > stats.logins + 1
                },
                |sim| {
                    sim.expire_tokens();
                },
            )
            .await;
        let task = task.expect("sync survives token expiry");
        assert_eq!(task.status, SyncTaskStatus::Completed);
        assert_eq!(task.success_items, 1000);
        assert_eq!(h.count(ErpTable::Customers).await, 1000);
        let stats = h.sim.stats();
        assert_eq!(
            (stats.logins, stats.rejected_tokens),
            (2, 1),
            "{variant:?}: {stats:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_is_an_authentication_error_without_retries() {
    for variant in BOTH {
        let h = host(variant, 50, "", "not-the-secret").await;
        let err = h
            .sync("customers", SyncMode::Full)
            .await
            .expect_err("refused");
        assert!(is_auth_refusal(&err), "{variant:?}: {err:?}");
        assert!(!err.to_string().contains("not-the-secret"), "{err}");
        let stats = h.sim.stats();
        assert_eq!((stats.failed_logins, stats.logins), (1, 0), "{variant:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outbox_customer_create_arrives_once() {
    for variant in BOTH {
        let h = host(variant, 40, "", "yonyou-secret").await;
        let record = json!({"name": "杭州新客户有限公司", "contacts": [{"name": "王五", "phone": "13800138000"}],
            "financialInfo": {"creditLimit": "50000.00"}, "metadata": {"status": "active"}});
        h.queue(&[(
            "customer:new-1",
            "customer.create",
            json!({"record": record}),
        )])
        .await;
        h.drain_outbox(Duration::from_secs(30), Duration::from_millis(50))
            .await;
        let entries = h.outbox_entries().await;
        assert!(
            entries.iter().all(|e| e.status == OutboxStatus::Done),
            "{variant:?}"
        );
        assert_eq!(h.sim.stats().customers_created, 1, "{variant:?}");
        let ids = h.sim.ids("customers");
        assert_eq!(ids.len(), 41);
        let created = h.sim.record("customers", &ids[40]).expect("created");
        let (name, contact) = match variant {
            Variant::U8 => ("cCusName", "cCusDefine1"),
            Variant::YonSuite => ("name", "contactName"),
        };
        assert_eq!(
            (created[name].clone(), created[contact].clone()),
            (json!("杭州新客户有限公司"), json!("王五"))
        );

        // A delivery repeated with the same idempotency key is applied once.
        let settings = ConnectorSettings {
            system_type: SystemType::Erp,
            provider: h.system.provider.clone(),
            api_endpoint: h.system.api_endpoint.clone(),
            config: h.system.config.clone(),
            secrets: [("app_secret".to_owned(), "yonyou-secret".to_owned())].into(),
        };
        let connector = registry::build(&settings).expect("connector");
        let push = PushRequest {
            operation: "customer.create".into(),
            payload: json!({"record": {"name": "重复投递"}}),
            idempotency_key: "entry-42".into(),
        };
        let first = connector.push(&push).await.expect("first");
        let second = connector.push(&push).await.expect("second");
        assert_eq!(first, second, "{variant:?}");
        let stats = h.sim.stats();
        assert_eq!(
            (stats.customers_created, stats.replays),
            (2, 1),
            "{variant:?}"
        );

        // An order in our model becomes the vendor's order with lines.
        let order = PushRequest {
            operation: "order.create".into(),
            payload: json!({"record": {"customer": {"id": "C000001"}, "items": [
                {"product": {"id": "P000001"}, "quantity": "2", "unitPrice": "3.50"}]}}),
            idempotency_key: "entry-43".into(),
        };
        let reply = connector.push(&order).await.expect("order");
        assert_eq!(h.sim.stats().orders_created, 1, "{variant:?}: {reply}");
        let ids = h.sim.ids("orders");
        let created = h.sim.record("orders", &ids[ids.len() - 1]).expect("order");
        assert!(
            created.to_string().contains("\"7.00\""),
            "{variant:?}: {created}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erp_webhook_pulls_the_named_customer_in_both_variants() {
    for variant in BOTH {
        let h = host(variant, 30, "", "yonyou-secret").await;
        let id = h.sim.ids("customers")[3].clone();
        h.sim.touch("customers", std::slice::from_ref(&id));
        let event = h
            .receive_event("customer.updated", &format!(r#"{{"externalId":"{id}"}}"#))
            .await;
        h.process_event(event, &format!("{variant:?}")).await;
        let stored = h.stored(ErpTable::Customers, &id).await;
        assert_eq!(stored["externalId"], id.as_str(), "{variant:?}");
        assert_eq!(h.count(ErpTable::Customers).await, 1, "{variant:?}");
    }
}
