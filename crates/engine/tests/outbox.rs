//! The outbox dispatcher against the custom ERP simulator: changes queued while the ERP is
//! down arrive afterwards once each, in the order they were made.

mod common;

use std::time::Duration;

use common::host;
use serde_json::json;
use storelink_core::outbox::OutboxStatus;
use storelink_simulators::erp::FaultSpec;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_queued_during_an_outage_arrive_once_each_in_order() {
    let h = host(200, "500:1.0").await;
    let order = common::pending_order(&h);
    let steps = ["confirmed", "shipped", "delivered"];
    let key = format!("order:{order}");
    let updates = steps.map(|status| {
        (
            key.as_str(),
            "order.status",
            json!({"externalId": order, "status": status}),
        )
    });
    h.queue(&updates).await;
    // The ERP is down: nothing gets through, the first entry waits to be retried and the
    // later ones wait behind it.
    let report = h.engine.dispatch_once().await.expect("dispatch");
    assert_eq!((report.delivered, report.retrying), (0, 1), "{report:?}");

    h.sim.set_faults(FaultSpec::parse("").expect("none"));
    h.drain_outbox(Duration::from_secs(60), Duration::from_millis(100))
        .await;
    let stats = serde_json::to_value(h.sim.stats()).expect("stats");
    let arrived: Vec<String> = stats["writes"]["order_status_log"]
        .as_array()
        .expect("status updates")
        .iter()
        .filter(|u| u["outcome"] == "applied")
        .map(|u| u["status"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(arrived, steps, "in order, once each: {stats}");
    let entries = h.outbox_entries().await;
    assert!(entries.iter().all(|e| e.status == OutboxStatus::Done));
    assert!(entries.iter().all(|e| e.vendor_reply.is_some()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_the_vendor_refuses_goes_dead_and_holds_its_record_back() {
    let h = host(200, "").await;
    let order = common::pending_order(&h);
    let key = format!("order:{order}");
    // pending → delivered is not a transition the ERP allows: refused for good.
    let updates = ["delivered", "confirmed"].map(|status| {
        (
            key.as_str(),
            "order.status",
            json!({"externalId": order, "status": status}),
        )
    });
    h.queue(&updates).await;
    let report = h.engine.dispatch_once().await.expect("dispatch");
    assert_eq!(report.dead, 1, "{report:?}");
    let again = h.engine.dispatch_once().await.expect("dispatch");
    assert_eq!(
        again.delivered, 0,
        "the later change waits behind the dead one"
    );
}
