//! The engine against the Temu simulator over loopback, with a real SQLite file and the
//! real keychain (run under scripts/with-keyring.sh): order and product syncs, token
//! expiry, every error code's class, the sign check, the 20-per-second limit, webhooks.

mod common;
#[path = "temu/support.rs"]
mod support;

use serde_json::json;
use storelink_connectors::connector::PullRequest;
use storelink_core::sync::{SyncMode, SyncTaskStatus};
use storelink_core::{AppError, ErrorClass};
use storelink_simulators::temu::TemuSimConfig;
use storelink_store::erp_records::ErpTable;
use support::{host, host_with};

const LIST: &str = "bg.order.list.v2.get";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_then_incremental_order_sync() {
    let h = host(260, 10, 40).await;
    let full = h.sync("orders", SyncMode::Full).await.expect("full sync");
    assert_eq!(full.status, SyncTaskStatus::Completed);
    assert_eq!((full.success_items, full.failed_items), (260, 0));
    assert_eq!(full.total_items, 260, "the first window counts every order");
    assert_eq!(h.count(ErpTable::MarketplaceOrders).await, 260);
    let sn = h.sim.order_sns()[11].clone();
    let raw = h.sim.order(&sn).expect("order");
    let stored = h.stored(ErpTable::MarketplaceOrders, &sn).await;
    assert_eq!(stored["orderSn"], sn.as_str());
    assert_eq!(stored["status"], raw["parentOrderMap"]["parentOrderStatus"]);
    assert_eq!(stored["items"], raw["orderList"]);
    assert!(
        stored["statusName"].is_string() && stored["updatedAt"].is_string(),
        "{stored}"
    );

    let moved: Vec<String> = h.sim.order_sns()[40..45].to_vec();
    assert_eq!(h.sim.touch_orders(&moved), 5);
    let inc = h
        .sync("orders", SyncMode::Incremental)
        .await
        .expect("incremental");
    assert_eq!(inc.status, SyncTaskStatus::Completed);
    assert!(
        (5..60).contains(&inc.success_items),
        "only recent changes: {}",
        inc.success_items
    );
    for sn in &moved {
        let now = h.sim.order(sn).expect("order")["parentOrderMap"]["parentOrderStatus"].clone();
        assert_eq!(
            h.stored(ErpTable::MarketplaceOrders, sn).await["status"],
            now,
            "{sn}"
        );
    }
    assert_eq!(h.count(ErpTable::MarketplaceOrders).await, 260);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_fuller_than_a_page_and_orders_changing_meanwhile() {
    let config = TemuSimConfig {
        orders: 150,
        goods: 10,
        crowded_second: 35,
        ..TemuSimConfig::default()
    };
    let h = host_with(config, None, json!({"page_size": 10})).await;
    h.sim.set_churn(3, 2);
    let full = h.sync("orders", SyncMode::Full).await.expect("full sync");
    assert_eq!(full.status, SyncTaskStatus::Completed);
    assert_eq!(h.count(ErpTable::MarketplaceOrders).await, 150, "none lost");
    assert!(
        h.sim.stats().orders_touched > 0,
        "orders changed during the sync"
    );
    h.sim.set_churn(0, 0);
    h.sync("orders", SyncMode::Incremental)
        .await
        .expect("catch up");
    for sn in h.sim.order_sns() {
        let now = h.sim.order(&sn).expect("order")["parentOrderMap"]["parentOrderStatus"].clone();
        assert_eq!(
            h.stored(ErpTable::MarketplaceOrders, &sn).await["status"],
            now,
            "{sn}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_order_by_its_number() {
    let h = host(30, 5, 50).await;
    let connector = h.engine.connector(&h.system).await.expect("connector");
    connector
        .test_connection()
        .await
        .expect("the credentials work");
    let sn = h.sim.order_sns()[3].clone();
    let record = connector
        .pull_one("orders", &sn)
        .await
        .expect("call")
        .expect("found");
    assert_eq!(record.external_id, sn);
    assert_eq!(record.data["orderSn"], sn.as_str());
    assert_eq!(
        record.data["items"].as_array().map(Vec::len),
        h.sim
            .order(&sn)
            .and_then(|o| o["orderList"].as_array().map(Vec::len))
    );
    assert_eq!(
        connector
            .pull_one("orders", "PO-211-00000000000000000")
            .await
            .expect("call"),
        None
    );
    assert_eq!(h.sim.stats().calls("bg.order.detail.v2.get"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn products_page_by_status_with_their_skus() {
    let h = host(5, 45, 7).await;
    let active = h.sim.goods_ids(Some(1));
    let task = h.sync("products", SyncMode::Full).await.expect("products");
    assert_eq!(
        (task.success_items, task.failed_items),
        (active.len() as i64, 0)
    );
    assert_eq!(h.count(ErpTable::Products).await, active.len() as i64);
    assert!(h.sim.stats().calls("bg.local.goods.list.query") >= active.len().div_ceil(7) as u64);
    for id in &active {
        let raw = h.sim.goods(id).expect("goods");
        let stored = h.stored(ErpTable::Products, id).await;
        assert_eq!(stored["status"], 1);
        assert_eq!(stored["name"], raw["goodsName"]);
        assert_eq!(stored["skus"], raw["skuInfoList"]);
        assert_eq!(stored["pricing"]["standardPrice"], raw["price"]);
        let code = raw["outGoodsSn"].as_str().unwrap_or_default();
        let sku = if code.is_empty() { id.as_str() } else { code };
        assert_eq!(stored["sku"], sku, "{id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_mid_sync_fails_the_task_with_advice() {
    let h = host(300, 5, 10).await;
    let err = h
        .full_sync_expiring(
            "orders",
            |sim| sim.stats().calls(LIST) >= 4,
            |sim| sim.expire_tokens(),
        )
        .await
        .expect_err("the token expired");
    assert!(
        matches!(
            err,
            AppError::External {
                class: ErrorClass::AuthenticationError,
                retryable: false,
                ..
            }
        ),
        "{err:?}"
    );
    let task = h.last_task(SyncTaskStatus::Failed).await;
    let message = task.error_message.unwrap_or_default();
    assert!(
        message.contains("3000034") && message.contains("re-authorize the shop"),
        "{message}"
    );
    assert_eq!(h.sim.stats().refused_with(3_000_034), 1, "not retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_error_code_has_its_class() {
    let h = host(10, 10, 50).await;
    let connector = h.engine.connector(&h.system).await.expect("connector");
    let page = PullRequest {
        page: 1,
        limit: 10,
        ..Default::default()
    };
    use ErrorClass::*;
    for (code, class) in [
        (3_000_001, AuthenticationError),
        (3_000_011, ValidationError),
        (3_000_012, ValidationError),
        (3_000_031, AuthenticationError),
        (3_000_034, AuthenticationError),
        (4_000_000, AuthenticationError),
        (4_000_004, RateLimitError),
        (5_000_003, AuthorizationError),
        (150_010_003, ValidationError),
        (150_010_002, NetworkError),
        (150_010_005, NetworkError),
        (123_456_789, BusinessLogicError),
    ] {
        h.sim.force_error(code, "from the simulator", 1);
        let err = connector
            .pull("products", page.clone())
            .await
            .expect_err("forced");
        assert_eq!(err.class, class, "{code}: {err}");
        assert!(
            err.message.contains(&code.to_string()) && err.message.contains("from the simulator")
        );
    }
    // Through the engine: a passing fault is retried, a refusal is not.
    h.sim
        .force_error(4_000_004, "RATE_LIMIT_EXCEED_EXCEPTION", 1);
    let task = h.sync("products", SyncMode::Full).await.expect("retried");
    assert_eq!(task.status, SyncTaskStatus::Completed);
    let before = h.sim.stats().refused_with(5_000_003);
    h.sim.force_error(5_000_003, "ip not allowed", 5);
    let err = h
        .sync("products", SyncMode::Full)
        .await
        .expect_err("refused");
    assert!(
        matches!(
            err,
            AppError::External {
                class: AuthorizationError,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        h.sim.stats().refused_with(5_000_003),
        before + 1,
        "not retried"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_sign_is_refused_by_the_simulator() {
    let config = TemuSimConfig {
        orders: 10,
        goods: 5,
        ..TemuSimConfig::default()
    };
    let h = host_with(
        config,
        Some("not-the-app-secret-0000000000000000000000"),
        json!({}),
    )
    .await;
    let err = h.sync("orders", SyncMode::Full).await.expect_err("refused");
    assert!(
        matches!(
            err,
            AppError::External {
                class: ErrorClass::AuthenticationError,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains("not-the-app-secret"));
    let stats = h.sim.stats();
    assert_eq!(stats.refused_with(3_000_001), 1, "{stats:?}");
    assert_eq!(h.count(ErpTable::MarketplaceOrders).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_calls_a_second_keep_under_temus_limit() {
    let config = TemuSimConfig {
        orders: 240,
        goods: 5,
        ..TemuSimConfig::default()
    };
    let h = host_with(config.clone(), None, json!({"page_size": 8})).await;
    h.sync("orders", SyncMode::Full).await.expect("full sync");
    assert_eq!(h.count(ErpTable::MarketplaceOrders).await, 240);
    let stats = h.sim.stats();
    assert!(
        stats.calls(LIST) > 25,
        "more calls than one second allows: {stats:?}"
    );
    assert_eq!(stats.rate_limited, 0, "{stats:?}");

    // The same sync without the limit runs into Temu's (and gets through by retrying).
    let fast = host_with(
        config,
        None,
        json!({"page_size": 8, "rate_limit_per_second": 10000}),
    )
    .await;
    fast.sync("orders", SyncMode::Full)
        .await
        .expect("retried through 4000004");
    assert_eq!(fast.count(ErpTable::MarketplaceOrders).await, 240);
    assert!(
        fast.sim.stats().rate_limited > 0,
        "the simulator does refuse bursts"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_event_pulls_that_order() {
    let h = host(40, 5, 50).await;
    let sn = h.sim.order_sns()[9].clone();
    h.sim.touch_orders(std::slice::from_ref(&sn));
    let push = h.sim.order_status_event(&sn).expect("push");
    let (event, kept) = h.receive_push(&push).await;
    // The connector names the order; the engine's process_events_once asks it (through
    // its timing wrapper, which must pass `event_target` on).
    assert_eq!(
        storelink_connectors::temu::event_target("bg_order_status_change_event", &kept),
        Some(("orders".to_owned(), sn.clone()))
    );
    h.process_event(event, "temu").await;
    let stored = h.stored(ErpTable::MarketplaceOrders, &sn).await;
    let now = h.sim.order(&sn).expect("order")["parentOrderMap"]["parentOrderStatus"].clone();
    assert_eq!(stored["status"], now);
    assert_eq!(
        h.count(ErpTable::MarketplaceOrders).await,
        1,
        "only the named order"
    );
}
