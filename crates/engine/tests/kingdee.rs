//! The engine against the Kingdee K3 Cloud simulator over loopback, with a real SQLite file
//! and the real keychain (run under scripts/with-keyring.sh).

mod common;

use std::time::Duration;

use common::{erp_config, is_auth_refusal, vendor_host, ErpSystem, VendorHost};
use serde_json::json;
use storelink_core::outbox::OutboxStatus;
use storelink_core::sync::SyncMode;
use storelink_simulators::kingdee::{FaultSpec, KingdeeSim, KingdeeSimConfig};
use storelink_store::erp_records::ErpTable;

async fn host(records: usize, faults: &str, secret: &str) -> VendorHost<KingdeeSim> {
    host_logging_in(records, faults, secret, "app_secret").await
}

async fn host_logging_in(
    records: usize,
    faults: &str,
    secret: &str,
    login: &str,
) -> VendorHost<KingdeeSim> {
    let sim = KingdeeSim::start(KingdeeSimConfig {
        records,
        faults: FaultSpec::parse(faults).expect("faults"),
        ..KingdeeSimConfig::default()
    })
    .await
    .expect("simulator");
    let c = sim.config().clone();
    let endpoint = sim.base_url();
    vendor_host(
        sim,
        ErpSystem {
            name: "K3",
            provider: "kingdee",
            version: Some("K3 Cloud 8.x"),
            endpoint,
            config: erp_config(
                50,
                json!({"acct_id": c.acct_id, "username": c.username, "app_id": c.app_id,
                    "lookback_seconds": 0, "login": login}),
            ),
            secret: ("app_secret", secret),
        },
    )
    .await
}

const SECRET: &str = "k3-app-secret";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_sync_of_the_three_streams_has_exact_counts() {
    let h = host(240, "", SECRET).await;
    let streams = [
        ("customers", ErpTable::Customers, 240),
        ("products", ErpTable::Products, 120),
        ("orders", ErpTable::Orders, 60),
    ];
    h.full_sync_each(&streams, "").await;
    let number = h.sim.numbers("customers")[0].clone();
    let raw = h.sim.record("customers", &number).expect("raw");
    let stored = h.stored(ErpTable::Customers, &number).await;
    assert_eq!(stored["externalId"], raw["FNumber"]);
    assert_eq!(stored["name"], raw["FName"]);
    assert_eq!(stored["contacts"][0]["phone"], raw["FPhone"]);
    assert_eq!(stored["financialInfo"]["creditLimit"], raw["FCreditAmount"]);
    let order = h
        .stored(ErpTable::Orders, &h.sim.numbers("orders")[0])
        .await;
    let items = order["items"].as_array().expect("order lines");
    assert!(!items.is_empty(), "{order}");
    assert!(
        items[0]["unitPrice"].is_string(),
        "money stays decimal text"
    );
    // The session is kept across pages: one login per sync run (each run builds its
    // connector), not one per call.
    assert_eq!(h.sim.stats().logins, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_after_an_erp_edit_takes_only_that_record() {
    let h = host(150, "", SECRET).await;
    let number = h.sim.numbers("customers")[7].clone();
    let (first, task) = h
        .incremental_around("customers", |sim| {
            assert_eq!(sim.touch("customers", std::slice::from_ref(&number)), 1);
        })
        .await;
    assert_eq!(first.success_items, 150);
    let stored = h.stored(ErpTable::Customers, &number).await;
    assert_eq!(
        stored["name"],
        h.sim.record("customers", &number).expect("raw")["FName"]
    );
    // The edit, plus at most the record at the old watermark (read again, unchanged).
    assert!(task.success_items <= 2, "{}", task.success_items);
    assert_eq!(h.count(ErpTable::Customers).await, 150);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_lost_mid_sync_means_one_new_login() {
    let h = host(600, "slow:15ms:1.0", SECRET).await;
    let task = h
        .full_sync_expiring(
            "customers",
            |sim| {
                sim.stats()
                    .requests
                    .get("ExecuteBillQuery")
                    .is_some_and(|n| *n >= 2)
            },
            |sim| {
                sim.expire_sessions();
            },
        )
        .await;
    let task = task.expect("sync survives");
    assert_eq!(task.success_items, 600);
    assert_eq!(h.count(ErpTable::Customers).await, 600);
    let stats = h.sim.stats();
    assert_eq!((stats.logins, stats.sessions_lost), (2, 1), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_app_secret_is_an_authentication_error_without_retries() {
    let h = host(20, "", "not-the-secret").await;
    let err = h
        .sync("customers", SyncMode::Full)
        .await
        .expect_err("refused");
    assert!(is_auth_refusal(&err), "{err:?}");
    assert!(!err.to_string().contains("not-the-secret"));
    let stats = h.sim.stats();
    assert_eq!((stats.logins, stats.failed_logins), (0, 1), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_creates_arrive_once() {
    let h = host(20, "", SECRET).await;
    h.queue(&[
        (
            "customer:CUST-NEW",
            "customer.create",
            json!({"code": "CUST-NEW", "name": "杭州新客户有限公司", "type": "company",
                "contacts": [{"name": "王五", "phone": "13800138000"}]}),
        ),
        (
            "order:SL-0001",
            "order.create",
            json!({"orderNumber": "SL-0001", "customer": {"id": "C000001"},
                "items": [{"product": {"sku": "P000001"}, "quantity": "2", "unitPrice": "68.00", "subtotal": "136.00"}]}),
        ),
    ])
    .await;
    h.drain_outbox(Duration::from_secs(30), Duration::from_millis(50))
        .await;
    // A second pass sends nothing again.
    h.engine.dispatch_once().await.expect("dispatch");
    let stats = h.sim.stats();
    assert_eq!(
        (stats.customers_created, stats.orders_created),
        (1, 1),
        "{stats:?}"
    );
    let customer = h.sim.record("customers", "CUST-NEW").expect("created");
    assert_eq!(customer["FName"], "杭州新客户有限公司");
    assert_eq!(customer["FPhone"], "13800138000");
    let order = h.sim.record("orders", "SL-0001").expect("created");
    assert_eq!(order["FBillAllAmount"], "136.00");
    let entries = h.outbox_entries().await;
    assert!(
        entries.iter().all(|e| e.status == OutboxStatus::Done),
        "{entries:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erp_webhook_pulls_the_named_customer_through_kingdee() {
    let h = host(30, "", SECRET).await;
    let number = h.sim.numbers("customers")[4].clone();
    assert_eq!(h.sim.touch("customers", std::slice::from_ref(&number)), 1);
    let event = h
        .receive_event(
            "customer.updated",
            &format!(r#"{{"externalId":"{number}"}}"#),
        )
        .await;
    h.process_event(event, "kingdee").await;
    let stored = h.stored(ErpTable::Customers, &number).await;
    assert_eq!(
        stored["name"],
        h.sim.record("customers", &number).expect("raw")["FName"]
    );
    assert_eq!(h.count(ErpTable::Customers).await, 1, "only the named one");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sdk_signature_headers_sync_without_a_login() {
    // Session drops mid-sync are survived too: signed calls need no session.
    let h = host_logging_in(120, "expire_token_every:7", SECRET, "sdk_headers").await;
    h.full_sync_each(&[("customers", ErpTable::Customers, 120)], "")
        .await;
    let stats = h.sim.stats();
    assert_eq!(stats.logins, 0, "no login call with SDK headers");
    assert!(stats.signed_calls >= 3, "{stats:?}");
    assert_eq!(stats.failed_logins, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sdk_signature_headers_with_a_wrong_secret_are_refused() {
    let h = host_logging_in(20, "", "not-the-secret", "sdk_headers").await;
    let err = h
        .sync("customers", SyncMode::Full)
        .await
        .expect_err("refused");
    assert!(is_auth_refusal(&err), "{err}");
    assert!(h.sim.stats().failed_logins >= 1);
    assert_eq!(h.count(ErpTable::Customers).await, 0);
}
