//! The outbox dispatcher against the custom ERP simulator: changes queued while the ERP is
//! down arrive afterwards once each, in the order they were made.

mod common;

use std::time::{Duration, Instant};

use common::host;
use serde_json::json;
use storelink_core::outbox::OutboxStatus;
use storelink_simulators::erp::FaultSpec;
use storelink_store::outbox::{self, OutboxFilter};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_queued_during_an_outage_arrive_once_each_in_order() {
    let h = host(200, "500:1.0").await;
    let order = common::pending_order(&h);
    let steps = ["confirmed", "shipped", "delivered"];
    {
        let mut tx = h.db.write().await.expect("tx");
        for status in steps {
            outbox::append(
                &mut tx,
                h.system.id,
                &format!("order:{order}"),
                "order.status",
                &json!({"externalId": order, "status": status}),
            )
            .await
            .expect("append");
        }
        tx.commit().await.expect("commit");
    }
    // The ERP is down: nothing gets through, the first entry waits to be retried and the
    // later ones wait behind it.
    let report = h.engine.dispatch_once().await.expect("dispatch");
    assert_eq!((report.delivered, report.retrying), (0, 1), "{report:?}");

    h.sim.set_faults(FaultSpec::parse("").expect("none"));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        h.engine.dispatch_once().await.expect("dispatch");
        let mut conn = h.db.read().await.expect("read");
        let pending = outbox::count_waiting(&mut conn, Some(h.system.id))
            .await
            .expect("count");
        if pending == 0 || Instant::now() > deadline {
            break;
        }
        drop(conn);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let stats = serde_json::to_value(h.sim.stats()).expect("stats");
    let arrived: Vec<String> = stats["writes"]["order_status_log"]
        .as_array()
        .expect("status updates")
        .iter()
        .filter(|u| u["outcome"] == "applied")
        .map(|u| u["status"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(arrived, steps, "in order, once each: {stats}");
    let mut conn = h.db.read().await.expect("read");
    let entries = outbox::list(
        &mut conn,
        &OutboxFilter {
            system_id: Some(h.system.id),
            status: None,
        },
        &storelink_core::PageRequest::default(),
    )
    .await
    .expect("list");
    assert!(entries.items.iter().all(|e| e.status == OutboxStatus::Done));
    assert!(entries.items.iter().all(|e| e.vendor_reply.is_some()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_entry_the_vendor_refuses_goes_dead_and_holds_its_record_back() {
    let h = host(200, "").await;
    let order = common::pending_order(&h);
    {
        let mut tx = h.db.write().await.expect("tx");
        // pending → delivered is not a transition the ERP allows: refused for good.
        for status in ["delivered", "confirmed"] {
            outbox::append(
                &mut tx,
                h.system.id,
                &format!("order:{order}"),
                "order.status",
                &json!({"externalId": order, "status": status}),
            )
            .await
            .expect("append");
        }
        tx.commit().await.expect("commit");
    }
    let report = h.engine.dispatch_once().await.expect("dispatch");
    assert_eq!(report.dead, 1, "{report:?}");
    let again = h.engine.dispatch_once().await.expect("dispatch");
    assert_eq!(
        again.delivered, 0,
        "the later change waits behind the dead one"
    );
}
