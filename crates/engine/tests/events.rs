//! An ERP webhook about one record makes the engine pull that record (a `single` sync).

mod common;

use common::host;
use storelink_core::inbox::InboxStatus;
use storelink_store::erp_records::{self, ErpTable};
use storelink_store::inbox;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_event_is_kept_as_processed_without_a_pull() {
    let h = host(20, "").await;
    let event_id = h
        .receive_event("invoice.created", r#"{"invoiceNumber":"INV-1"}"#)
        .await;
    assert_eq!(h.engine.process_events_once().await.expect("process"), 1);
    let mut conn = h.db.read().await.expect("read");
    let event = inbox::get(&mut conn, event_id).await.expect("event");
    assert_eq!(
        event.status,
        InboxStatus::Processed,
        "{:?}",
        event.error_message
    );
    drop(conn);
    assert_eq!(h.count(ErpTable::Customers).await, 0, "nothing was pulled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_event_pulls_that_customer_and_marks_the_event_processed() {
    let h = host(50, "").await;
    let id = h.sim.customer_ids()[7].clone();
    h.sim.touch("customers", std::slice::from_ref(&id));
    let event_id = h
        .receive_event("customer.updated", &format!(r#"{{"externalId":"{id}"}}"#))
        .await;
    assert_eq!(h.engine.process_events_once().await.expect("process"), 1);
    let mut conn = h.db.read().await.expect("read");
    let stored = erp_records::get(&mut conn, ErpTable::Customers, h.system.id, &id)
        .await
        .expect("get")
        .expect("the named customer was pulled");
    let raw = h.sim.record("customers", &id).expect("raw");
    assert_eq!(stored["name"], raw["name"], "the edited version");
    assert_eq!(
        h.count(ErpTable::Customers).await,
        1,
        "only that one record"
    );
    let event = inbox::get(&mut conn, event_id).await.expect("event");
    assert_eq!(event.status, InboxStatus::Processed);
    drop(conn);
    // Nothing left to do on the next pass.
    assert_eq!(h.engine.process_events_once().await.expect("process"), 0);
}
