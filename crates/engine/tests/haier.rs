//! The engine against the Haier open platform simulator over loopback, with a real SQLite
//! file and the real keychain (run under scripts/with-keyring.sh).

mod common;
mod haier_host;

use std::time::Duration;

use common::is_auth_refusal;
use haier_host::{failure, host, host_with, insert_order, requests, sim_config, COUNTY};
use serde_json::{json, Value};
use storelink_core::outbox::OutboxStatus;
use storelink_core::supplier::SupplierOrderStatus;
use storelink_core::sync::{SyncMode, SyncTaskStatus};
use storelink_core::{AppError, ErrorClass};
use storelink_simulators::haier::HaierSimConfig;
use storelink_store::erp_records::ErpTable;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn products_arrive_with_prices_and_stock_merged_and_never_flap() {
    let h = host(30, "", json!({})).await;
    let task = h.sync("products", SyncMode::Full).await.expect("products");
    assert_eq!(
        (task.status, task.success_items),
        (SyncTaskStatus::Completed, 30)
    );
    assert_eq!(h.count(ErpTable::Products).await, 30);
    let code = h.sim.product_codes()[0].clone();
    let raw = h.sim.product(&code).expect("raw");
    let stored = h.stored(ErpTable::Products, &code).await;
    assert_eq!(stored["sku"], code.as_str());
    assert_eq!(stored["name"], raw["productModel"]);
    assert_eq!(stored["category"]["name"], raw["productGroupNamd"]);
    assert_eq!(stored["brand"]["name"], raw["productBrandName"]);
    let price = h.sim.supply_price(&code).expect("price");
    assert_eq!(
        stored["pricing"]["standardPrice"],
        price.as_str(),
        "decimal text"
    );
    let stock = h.sim.available_stock(&code, COUNTY).expect("stock");
    assert_eq!(stored["inventory"]["quantity"], stock.to_string().as_str());
    assert_eq!(stored["status"], "active");
    // Product 13 is not procurable: no price, marked inactive.
    let closed = h
        .stored(ErpTable::Products, &h.sim.product_codes()[12])
        .await;
    assert_eq!(closed["status"], "inactive");
    assert!(closed["pricing"].get("standardPrice").is_none(), "{closed}");
    // `prices`, `stock` and a second `products` store the very same records.
    for stream in ["prices", "stock", "products"] {
        let again = h.sync(stream, SyncMode::Full).await.expect(stream);
        assert_eq!(
            h.logs_by_action(again.id).await,
            [("unchanged:success".to_owned(), 30)],
            "{stream}"
        );
    }
    // One token per sync run, shared by its ~32 calls.
    assert_eq!(h.sim.stats().tokens_issued, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_prices_and_stock_off_those_parts_are_absent_and_their_streams_refused() {
    let h = host(
        10,
        "",
        json!({"sync_prices": false, "sync_stock": false, "county_code": null}),
    )
    .await;
    let task = h.sync("products", SyncMode::Full).await.expect("products");
    assert_eq!(task.success_items, 10);
    let stored = h
        .stored(ErpTable::Products, &h.sim.product_codes()[0])
        .await;
    assert!(
        stored.get("pricing").is_none() && stored.get("inventory").is_none(),
        "{stored}"
    );
    assert_eq!((requests(&h, "prices"), requests(&h, "stock")), (0, 0));
    for (stream, option) in [("prices", "sync_prices"), ("stock", "sync_stock")] {
        let err = h.sync(stream, SyncMode::Full).await.expect_err(stream);
        let AppError::External { class, message, .. } = err else {
            panic!("{stream}: {err:?}");
        };
        assert_eq!(class, ErrorClass::ValidationError);
        assert!(message.contains(option), "{message}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_five_codes_go_in_three_calls_of_at_most_twenty() {
    let h = host(45, "", json!({})).await;
    let task = h.sync("products", SyncMode::Full).await.expect("products");
    assert_eq!(task.success_items, 45);
    let stats = h.sim.stats();
    assert_eq!(stats.requests.get("products"), Some(&3));
    assert_eq!(stats.requests.get("prices"), Some(&3));
    assert_eq!(stats.requests.get("stock"), Some(&45));
    assert!(stats.max_codes_per_call <= 20, "{stats:?}");
    assert_eq!(stats.oversized_requests, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_expiring_mid_sync_means_one_new_token() {
    let h = host(45, "slow:10ms:1.0", json!({})).await;
    let task = h
        .full_sync_expiring(
            "products",
            |sim| sim.stats().requests.get("stock").is_some_and(|n| *n >= 2),
            |sim| {
                sim.expire_tokens();
            },
        )
        .await
        .expect("the sync survives");
    assert_eq!(task.success_items, 45);
    assert_eq!(h.count(ErpTable::Products).await, 45);
    let stats = h.sim.stats();
    assert_eq!(
        (stats.tokens_issued, stats.rejected_tokens),
        (2, 1),
        "{stats:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_client_secret_is_an_authentication_error_without_retries() {
    let h = host_with(sim_config(5, ""), json!({}), &[("client_secret", "not-it")]).await;
    let err = h
        .sync("products", SyncMode::Full)
        .await
        .expect_err("refused");
    assert!(is_auth_refusal(&err), "{err:?}");
    assert!(err.to_string().contains("Bad client credentials"), "{err}");
    assert!(!err.to_string().contains("not-it"));
    let stats = h.sim.stats();
    assert_eq!((stats.tokens_issued, stats.failed_token_requests), (0, 1));
}

/// A products sync of a host built from these parts fails with `class`, its message
/// carrying `words` and no secret.
async fn ends_with(
    what: &str,
    sim: HaierSimConfig,
    vendor: Value,
    secrets: &[(&str, &str)],
    (class, words): (ErrorClass, &str),
) {
    let h = host_with(sim, vendor, secrets).await;
    let (got, retryable, message) = failure(&h).await;
    assert_eq!(got, class, "{what}: {message}");
    assert_eq!(retryable, class.is_retryable(), "{what}");
    assert!(message.contains(words), "{what}: {message}");
    assert!(!message.contains("guess"), "{what}: no secret in messages");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_vendor_failure_maps_to_its_class() {
    use ErrorClass::*;
    let none: &[(&str, &str)] = &[];
    let plain = || sim_config(3, "");
    let faulty = |spec: &str| sim_config(3, spec);
    let wrong_password = [("password", "guess")];
    ends_with(
        "wrong password",
        plain(),
        json!({}),
        &wrong_password,
        (AuthorizationError, "密码错误"),
    )
    .await;
    ends_with(
        "bad search type",
        plain(),
        json!({"search_type": "ALL"}),
        none,
        (ValidationError, "PTJSH"),
    )
    .await;
    ends_with(
        "unknown customer",
        plain(),
        json!({"customer_code": "9999999999"}),
        none,
        (BusinessLogicError, "售达方"),
    )
    .await;
    ends_with(
        "rate limited",
        faulty("429:1"),
        json!({}),
        none,
        (RateLimitError, "频繁"),
    )
    .await;
    ends_with(
        "server down",
        faulty("500:1"),
        json!({}),
        none,
        (NetworkError, "系统繁忙"),
    )
    .await;
    ends_with(
        "too slow",
        faulty("slow:2s:1"),
        json!({"timeout_ms": 300}),
        none,
        (TimeoutError, ""),
    )
    .await;
    ends_with(
        "malformed",
        faulty("malformed:1"),
        json!({}),
        none,
        (ValidationError, "not valid JSON"),
    )
    .await;
    let configured =
        json!({"product_codes": ["NOPE"], "error_classes": {"10002": "unknown_error"}});
    ends_with(
        "configured code",
        plain(),
        configured,
        none,
        (UnknownError, "商品编码不存在"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logistics_of_open_supplier_orders_land_in_the_logistics_table() {
    let h = host(3, "", json!({})).await;
    let known = h.sim.order_codes();
    let open = [
        SupplierOrderStatus::Pending,
        SupplierOrderStatus::Confirmed,
        SupplierOrderStatus::Shipped,
        SupplierOrderStatus::Pending,
    ];
    for (code, status) in known.iter().zip(open) {
        insert_order(&h, code, status).await;
    }
    // Delivered orders are not asked about; an order Haier does not know has nothing yet.
    insert_order(&h, &known[4], SupplierOrderStatus::Delivered).await;
    insert_order(&h, "SO.19990101.000001", SupplierOrderStatus::Pending).await;
    let task = h
        .sync("logistics", SyncMode::Full)
        .await
        .expect("logistics");
    assert_eq!(task.status, SyncTaskStatus::Completed);
    assert_eq!(h.count(ErpTable::Logistics).await, 4);
    assert_eq!(requests(&h, "logistics"), 5);
    for code in &known[..4] {
        let raw = h.sim.logistics(code).expect("raw");
        let entry = raw
            .as_object()
            .and_then(|m| m.values().find_map(|l| l.as_array()?.first().cloned()))
            .expect("an entry");
        let stored = h.stored(ErpTable::Logistics, code).await;
        assert_eq!(stored["orderCode"], code.as_str());
        assert_eq!(stored["trackingNumber"], entry["expressNo"]);
        assert_eq!(stored["carrier"], entry["expressCompany"]);
        assert_eq!(stored["status"], entry["status"]);
    }
    let again = h.sync("logistics", SyncMode::Full).await.expect("again");
    assert_eq!(
        h.logs_by_action(again.id).await,
        [("unchanged:success".to_owned(), 4)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_one_token() {
    let h = host(8, "slow:20ms:1.0", json!({})).await;
    let connector = h.engine.connector(&h.system).await.expect("connector");
    let page = |n: u32| storelink_connectors::connector::PullRequest {
        page: n,
        limit: 2,
        ..Default::default()
    };
    let (a, b, c, d) = tokio::join!(
        connector.pull("products", page(1)),
        connector.pull("products", page(2)),
        connector.pull("stock", page(3)),
        connector.pull("prices", page(4)),
    );
    for r in [a, b, c, d] {
        assert_eq!(r.expect("page").records.len(), 2);
    }
    assert_eq!(h.sim.stats().tokens_issued, 1);
    // test_connection checks the credentials for real: a new token and one cheap read.
    let products_before = requests(&h, "products");
    connector.test_connection().await.expect("test connection");
    assert_eq!(h.sim.stats().tokens_issued, 2);
    assert_eq!(requests(&h, "products"), products_before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pushed_change_is_refused_for_good_not_retried() {
    let h = host(3, "", json!({})).await;
    h.queue(&[("order:SL-1", "order.create", json!({"orderNumber": "SL-1"}))])
        .await;
    h.drain_outbox(Duration::from_secs(10), Duration::from_millis(20))
        .await;
    let entries = h.outbox_entries().await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].status, OutboxStatus::Dead, "{:?}", entries[0]);
    assert_eq!(
        entries[0].last_error_class,
        Some(ErrorClass::ValidationError)
    );
    assert_eq!(entries[0].attempts, 1);
    assert_eq!(
        h.sim.stats().requests.values().sum::<u64>(),
        0,
        "nothing reached Haier"
    );
}
