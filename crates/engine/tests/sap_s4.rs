//! The engine against the SAP S/4HANA OData v2 simulator over loopback, with a real SQLite
//! file and the real keychain (run under scripts/with-keyring.sh).

mod common;

use std::time::Duration;

use common::{erp_config, is_auth_refusal, vendor_host, ErpSystem, VendorHost};
use serde_json::json;
use storelink_connectors::connector::PushRequest;
use storelink_core::sync::SyncMode;
use storelink_simulators::sap_s4::{FaultSpec, SapS4Sim, SapS4SimConfig};
use storelink_store::erp_records::ErpTable;

/// `records` business partners (products half, orders a quarter); pages of 50 asked for,
/// the server capping them at 20 so every page follows `__next`. `oauth` picks the auth.
async fn host(records: usize, faults: &str, oauth: bool, secret: &str) -> VendorHost<SapS4Sim> {
    let sim = SapS4Sim::start(SapS4SimConfig {
        records,
        max_page_size: 20,
        faults: FaultSpec::parse(faults).expect("faults"),
        ..SapS4SimConfig::default()
    })
    .await
    .expect("simulator");
    let endpoint = sim.base_url();
    let (vendor, secret_field) = if oauth {
        (
            json!({"auth": "oauth2", "client_id": "storelink-client"}),
            "client_secret",
        )
    } else {
        (
            json!({"auth": "basic", "username": "STORELINK_COMM"}),
            "password",
        )
    };
    let mut vendor = vendor;
    vendor["lookback_seconds"] = json!(0);
    vendor["price_condition_type"] = json!("PR00");
    vendor_host(
        sim,
        ErpSystem {
            name: "SAP S/4HANA",
            provider: "sap_s4",
            version: Some("2402"),
            endpoint,
            config: erp_config(50, vendor),
            secret: (secret_field, secret),
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_sync_of_every_stream_stores_exact_counts_in_our_model() {
    let h = host(130, "", false, "s4-pass").await;
    let streams = [
        ("customers", ErpTable::Customers, 130),
        ("products", ErpTable::Products, 65),
        ("orders", ErpTable::Orders, 32),
    ];
    let tasks = h.full_sync_each(&streams, "").await;
    for ((stream, _, n), task) in streams.iter().zip(&tasks) {
        assert_eq!(task.total_items, *n, "{stream}: __count");
    }
    let raw = h.sim.record("customers", "C000001").expect("raw");
    let c = h.stored(ErpTable::Customers, "C000001").await;
    assert_eq!(c["name"], raw["BusinessPartnerFullName"]);
    let address = &raw["to_BusinessPartnerAddress"]["results"][0];
    assert_eq!(
        c["contacts"][0]["phone"],
        address["to_PhoneNumber"]["results"][0]["PhoneNumber"]
    );
    assert_eq!(c["addresses"][0]["city"], address["CityName"]);
    assert!(
        c["metadata"]["updatedAt"]
            .as_str()
            .is_some_and(|t| t.ends_with('Z')),
        "{c}"
    );
    let p = h.stored(ErpTable::Products, "P000001").await;
    let raw = h.sim.record("products", "P000001").expect("raw");
    assert_eq!(
        p["name"],
        raw["to_Description"]["results"][0]["ProductDescription"]
    );
    let o = h.stored(ErpTable::Orders, "1").await;
    let raw = h.sim.record("orders", "1").expect("raw");
    assert_eq!(o["amounts"]["totalAmount"], raw["TotalNetAmount"]);
    assert!(o["amounts"]["totalAmount"].is_string(), "money stays text");
    assert_eq!(
        o["items"][0]["Material"],
        raw["to_Item"]["results"][0]["Material"]
    );
    let stats = h.sim.stats();
    assert!(stats.requests["GET A_BusinessPartner"] >= 7, "{stats:?}");
    assert_eq!(stats.failed_logins, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incremental_sync_after_an_edit_in_sap_takes_only_that_record() {
    let h = host(100, "", false, "s4-pass").await;
    for stream in ["customers", "orders"] {
        h.sync(stream, SyncMode::Incremental).await.expect("first");
    }
    assert_eq!(h.count(ErpTable::Customers).await, 100);
    // The next second: business partners change to the second (LastChangeTime).
    tokio::time::sleep(Duration::from_millis(1100)).await;
    h.sim.touch("customers", &["C000007".to_owned()]);
    h.sim.touch("orders", &["3".to_owned()]);
    for (stream, id) in [("customers", "C000007"), ("orders", "3")] {
        let task = h
            .sync(stream, SyncMode::Incremental)
            .await
            .expect("incremental");
        assert_eq!(task.failed_items, 0);
        assert!(task.success_items <= 2, "{stream}: {}", task.success_items);
        let changed: Vec<(String, &str)> = h
            .logs(task.id, 100)
            .await
            .iter()
            .filter(|l| l.action.as_str() != "unchanged")
            .map(|l| (l.item_id.clone(), l.action.as_str()))
            .collect();
        assert_eq!(changed, [(id.to_owned(), "update")], "{stream}");
    }
    let c = h.stored(ErpTable::Customers, "C000007").await;
    assert!(
        c["name"].as_str().unwrap_or_default().contains("(rev"),
        "{c}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oauth_token_that_expires_mid_sync_is_renewed_once() {
    let h = host(400, "slow:15ms:1.0", true, "s4-client-secret").await;
    let task = h
        .full_sync_expiring(
            "customers",
            |sim| {
                sim.stats()
                    .requests
                    .get("GET A_BusinessPartner")
                    .is_some_and(|n| *n >= 4)
            },
            |sim| {
                sim.expire_tokens();
            },
        )
        .await;
    let task = task.expect("sync survives the expiry");
    assert_eq!(task.success_items, 400);
    assert_eq!(h.count(ErpTable::Customers).await, 400);
    let stats = h.sim.stats();
    assert_eq!(
        (stats.tokens_issued, stats.rejected_tokens),
        (2, 1),
        "{stats:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_an_authentication_error_without_retries() {
    let h = host(20, "", false, "wrong-secret").await;
    let err = h
        .sync("customers", SyncMode::Full)
        .await
        .expect_err("refused");
    assert!(is_auth_refusal(&err), "{err:?}");
    assert!(
        !err.to_string().contains("wrong-secret"),
        "no secret in errors"
    );
    let stats = h.sim.stats();
    assert_eq!(stats.failed_logins, 1, "{stats:?}");
    assert_eq!(stats.requests.get("GET A_BusinessPartner"), Some(&1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storm_of_429s_is_ridden_out() {
    let h = host(120, "429:0.3", false, "s4-pass").await;
    let task = h
        .sync("customers", SyncMode::Full)
        .await
        .expect("sync survives");
    assert_eq!((task.success_items, task.failed_items), (120, 0));
    assert_eq!(h.count(ErpTable::Customers).await, 120);
    assert!(h.sim.stats().faults.get("429").is_some_and(|n| *n > 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csrf_token_invalidated_before_a_push_is_fetched_again_and_the_push_arrives_once() {
    let h = host(40, "", false, "s4-pass").await;
    h.sync("customers", SyncMode::Full).await.expect("sync");
    let mut record = h.stored(ErpTable::Customers, "C000002").await;
    record["name"] = json!("改名客户");
    h.queue(&[(
        "customers:C000002",
        "customer.update",
        json!({"externalId": "C000002", "record": record}),
    )])
    .await;
    h.drain_outbox(Duration::from_secs(30), Duration::from_millis(100))
        .await;
    assert_eq!(h.sim.stats().writes.customers_updated, 1);
    assert_eq!(
        h.sim.record("customers", "C000002").expect("bp")["BusinessPartnerFullName"],
        "改名客户"
    );
    // One connector for the next two pushes (the engine builds one per dispatch pass), so
    // its cached token goes stale in between.
    let connector = h.engine.connector(&h.system).await.expect("connector");
    let push = |operation: &str, payload: serde_json::Value| PushRequest {
        operation: operation.into(),
        payload,
        idempotency_key: uuid::Uuid::now_v7().to_string(),
    };
    let again = push(
        "customer.update",
        json!({"externalId": "C000003", "record": {"name": "x"}}),
    );
    connector.push(&again).await.expect("update");
    assert!(h.sim.invalidate_csrf() >= 1);
    let order = json!({
        "orderNumber": "WEB-20260301-1",
        "customer": {"id": "C000002", "code": "C000002"},
        "items": [{"lineNumber": 1, "product": {"id": "P000003", "sku": "P000003"},
            "quantity": "2", "unit": "PC", "unitPrice": "12.30", "subtotal": "24.60"}],
        "amounts": {"totalAmount": "24.60", "currency": "CNY"},
        "metadata": {"createdAt": "2026-03-01T10:00:00Z"}
    });
    let reply = connector
        .push(&push("order.create", order))
        .await
        .expect("order");
    assert!(reply["externalId"].is_string(), "{reply}");
    let stats = h.sim.stats();
    assert_eq!(
        (stats.csrf_fetches, stats.csrf_rejections),
        (3, 1),
        "{stats:?}"
    );
    assert_eq!(stats.writes.orders_created, 1, "{stats:?}");
    let so = stats
        .writes
        .log
        .last()
        .expect("log")
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .to_owned();
    let created = h.sim.record("orders", &so).expect("order");
    assert_eq!(created["PurchaseOrderByCustomer"], "WEB-20260301-1");
    assert_eq!(created["TotalNetAmount"], "24.60");
    assert_eq!(created["to_Item"]["results"][0]["Material"], "P000003");
}
