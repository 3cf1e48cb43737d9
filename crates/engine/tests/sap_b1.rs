//! The engine against the SAP Business One Service Layer simulator over loopback, with a
//! real SQLite file and the real keychain (run under scripts/with-keyring.sh).

mod common;

use std::time::Duration;

use common::{erp_config, is_auth_refusal, vendor_host, ErpSystem, VendorHost};
use serde_json::json;
use storelink_core::sync::SyncMode;
use storelink_simulators::sap_b1::{FaultSpec, SapB1Sim, SapB1SimConfig};
use storelink_store::erp_records::ErpTable;

/// `records` business partners (items half, orders a quarter); pages of 50 asked for,
/// the server capping them at 20 so every page follows `odata.nextLink`.
async fn host(records: usize, faults: &str, password: &str) -> VendorHost<SapB1Sim> {
    let sim = SapB1Sim::start(SapB1SimConfig {
        records,
        max_page_size: 20,
        faults: FaultSpec::parse(faults).expect("faults"),
        ..SapB1SimConfig::default()
    })
    .await
    .expect("simulator");
    let endpoint = sim.base_url();
    vendor_host(
        sim,
        ErpSystem {
            name: "SAP B1",
            provider: "sap_b1",
            version: Some("10.0"),
            endpoint,
            config: erp_config(
                50,
                json!({"company_db": "SBODEMOCN", "username": "manager", "lookback_seconds": 0}),
            ),
            secret: ("password", password),
        },
    )
    .await
}

fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_sync_of_every_stream_stores_exact_counts_in_our_model() {
    let h = host(130, "", "b1-pass").await;
    let streams = [
        ("customers", ErpTable::Customers, 130),
        ("products", ErpTable::Products, 65),
        ("orders", ErpTable::Orders, 32),
    ];
    let tasks = h.full_sync_each(&streams, "").await;
    for ((stream, _, n), task) in streams.iter().zip(&tasks) {
        assert_eq!(task.total_items, *n, "{stream}: odata.count");
    }
    let raw = h.sim.record("customers", "C000001").expect("raw");
    let c = h.stored(ErpTable::Customers, "C000001").await;
    assert_eq!(c["code"], "C000001");
    assert_eq!(c["name"], raw["CardName"]);
    assert_eq!(c["contacts"][0]["phone"], raw["Phone1"]);
    assert_eq!(c["financialInfo"]["creditLimit"], raw["CreditLimit"]);
    let p = h.stored(ErpTable::Products, "P000001").await;
    let raw = h.sim.record("products", "P000001").expect("raw");
    assert_eq!(p["pricing"]["standardPrice"], raw["ItemPrices"][0]["Price"]);
    assert!(
        p["pricing"]["standardPrice"].is_string(),
        "money stays text"
    );
    // Whole quantities are integers on the wire, kept as they came.
    assert_eq!(
        text(&p["inventory"]["quantity"]),
        text(&raw["QuantityOnStock"])
    );
    let o = h.stored(ErpTable::Orders, "1").await;
    let raw = h.sim.record("orders", "1").expect("raw");
    assert_eq!(o["amounts"]["totalAmount"], raw["DocTotal"]);
    assert_eq!(o["customer"]["code"], raw["CardCode"]);
    let stats = h.sim.stats();
    assert_eq!(stats.logins, 3, "one session per sync");
    assert!(stats.requests["GET BusinessPartners"] >= 7, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incremental_sync_after_an_edit_in_sap_takes_only_that_record() {
    let h = host(100, "", "b1-pass").await;
    h.sync("customers", SyncMode::Incremental)
        .await
        .expect("first");
    assert_eq!(h.count(ErpTable::Customers).await, 100);
    // The next second, so the edit is not on the previous sync's boundary.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    h.sim.touch("customers", &["C000007".to_owned()]);
    let task = h
        .sync("customers", SyncMode::Incremental)
        .await
        .expect("incremental");
    // The record on the previous sync's high-water mark is read again (unchanged): the
    // cursor is inclusive. Nothing else is.
    assert_eq!(task.failed_items, 0);
    assert!(task.success_items <= 2, "{}", task.success_items);
    let logs = h.logs(task.id, 100).await;
    let changed: Vec<(String, &str)> = logs
        .iter()
        .filter(|l| l.action.as_str() != "unchanged")
        .map(|l| (l.item_id.clone(), l.action.as_str()))
        .collect();
    assert_eq!(changed, [("C000007".to_owned(), "update")]);
    let c = h.stored(ErpTable::Customers, "C000007").await;
    assert!(
        c["name"].as_str().unwrap_or_default().contains("(rev"),
        "{c}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_that_expires_mid_sync_means_one_new_login() {
    let h = host(400, "slow:15ms:1.0", "b1-pass").await;
    // Once a few pages are in, whatever the machine's speed.
    let task = h
        .full_sync_expiring(
            "customers",
            |sim| {
                sim.stats()
                    .requests
                    .get("GET BusinessPartners")
                    .is_some_and(|n| *n >= 4)
            },
            |sim| {
                sim.expire_sessions();
            },
        )
        .await;
    let task = task.expect("sync survives the expiry");
    assert_eq!(task.success_items, 400);
    assert_eq!(h.count(ErpTable::Customers).await, 400);
    let stats = h.sim.stats();
    assert_eq!((stats.logins, stats.rejected_sessions), (2, 1), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_an_authentication_error_without_retries() {
    let h = host(20, "", "wrong").await;
    let err = h
        .sync("customers", SyncMode::Full)
        .await
        .expect_err("refused");
    assert!(is_auth_refusal(&err), "{err:?}");
    assert!(!err.to_string().contains("wrong"), "no secret in errors");
    let stats = h.sim.stats();
    assert_eq!((stats.logins, stats.failed_logins), (0, 1), "{stats:?}");
    assert!(!stats.requests.contains_key("GET BusinessPartners"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storm_of_429s_is_ridden_out() {
    let h = host(120, "429:0.3", "b1-pass").await;
    let task = h
        .sync("customers", SyncMode::Full)
        .await
        .expect("sync survives");
    assert_eq!((task.success_items, task.failed_items), (120, 0));
    assert_eq!(h.count(ErpTable::Customers).await, 120);
    assert!(h.sim.stats().faults.get("429").is_some_and(|n| *n > 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_changes_arrive_once_each() {
    let h = host(40, "", "b1-pass").await;
    h.sync("customers", SyncMode::Full).await.expect("sync");
    let mut record = h.stored(ErpTable::Customers, "C000002").await;
    record["contacts"][0]["phone"] = json!("13900000000");
    let order = json!({
        "orderNumber": "WEB-20260301-1",
        "orderType": "sales",
        "customer": {"id": "C000002", "code": "C000002", "name": "x"},
        "items": [{"lineNumber": 1, "product": {"id": "P000003", "sku": "P000003", "name": "y"},
            "quantity": "2", "unit": "pcs", "unitPrice": "12.30", "subtotal": "24.60"}],
        "amounts": {"subtotal": "24.60", "taxAmount": "0", "discountAmount": "0",
            "totalAmount": "24.60", "currency": "CNY"},
        "metadata": {"createdAt": "2026-03-01T10:00:00Z", "updatedAt": "2026-03-01T10:00:00Z"}
    });
    h.queue(&[
        (
            "customers:C000002",
            "customer.update",
            json!({"externalId": "C000002", "record": record}),
        ),
        ("order:WEB-20260301-1", "order.create", order),
    ])
    .await;
    h.drain_outbox(Duration::from_secs(30), Duration::from_millis(100))
        .await;
    let writes = h.sim.stats().writes;
    assert_eq!(
        (writes.customers_updated, writes.orders_created),
        (1, 1),
        "{writes:?}"
    );
    let bp = h.sim.record("customers", "C000002").expect("bp");
    assert_eq!(bp["Phone1"], "13900000000");
    let doc = writes.log.last().expect("log").clone();
    let entry = doc.rsplit(' ').next().unwrap_or_default().to_owned();
    let created = h.sim.record("orders", &entry).expect("order");
    assert_eq!(created["NumAtCard"], "WEB-20260301-1");
    assert_eq!(created["DocTotal"], "24.60");
    assert_eq!(created["DocumentLines"][0]["ItemCode"], "P000003");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erp_webhook_pulls_the_named_business_partner() {
    let h = host(30, "", "b1-pass").await;
    h.sim.touch("customers", &["C000005".to_owned()]);
    let event = h
        .receive_event("customer.updated", r#"{"externalId":"C000005"}"#)
        .await;
    h.process_event(event, "sap_b1").await;
    let c = h.stored(ErpTable::Customers, "C000005").await;
    assert!(
        c["name"].as_str().unwrap_or_default().contains("(rev"),
        "{c}"
    );
    assert_eq!(h.count(ErpTable::Customers).await, 1, "only the named one");
}
