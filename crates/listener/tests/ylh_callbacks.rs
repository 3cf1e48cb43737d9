//! 易理货 callbacks over real HTTP: `POST /api/v1/integrations/callbacks/ylh/{system_id}`,
//! form-encoded and signed with `Sign`. The callback secret lives in the real keychain:
//! run with `scripts/with-keyring.sh cargo test -p storelink-listener --test ylh_callbacks`.

mod common;

#[path = "ylh_callbacks/support.rs"]
mod support;

use common::host;
use serde_json::json;
use storelink_connectors::ylh::callback::format_timestamp;
use storelink_core::supplier::SupplierOrderStatus;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_confirm_is_applied_and_answered_the_vendors_way() {
    let h = host().await;
    let system = ylh_system(&h).await;
    create_order(&h, system, "PO-CB-1").await;
    let reply = post(
        &h,
        system,
        form(
            APP_KEY,
            SECRET,
            CONFIRM,
            &data("PO-CB-1", 1, None),
            &now_stamp(),
        ),
    )
    .await;
    reply.expect(200);
    assert_eq!(reply.body["success"], true);
    assert_eq!(reply.body["code"], "success");
    assert_eq!(reply.body["data"]["platformOrderNo"], "PO-CB-1");
    assert_eq!(reply.body["timeStamp"].as_str().map(str::len), Some(14));
    let o = order(&h, system, "PO-CB-1").await;
    assert_eq!(o.status, SupplierOrderStatus::Confirmed);
    assert_eq!(o.delivery_info["supplier_order_no"], "SO.20240214.000001");
    let inbox = callbacks(&h, system).await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(
        (inbox[0].kind.as_str(), inbox[0].event_type.as_str()),
        ("callback", "ylh.confirm")
    );
    assert_eq!(inbox[0].status.as_str(), "processed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_sign_app_key_or_stale_time_is_401_and_nothing_is_stored() {
    let h = host().await;
    let system = ylh_system(&h).await;
    create_order(&h, system, "PO-CB-2").await;
    let d = data("PO-CB-2", 1, None);
    let stale = format_timestamp(
        chrono::Utc::now() - chrono::Duration::minutes(20),
        storelink_core::vendor_time::china_offset(),
    );
    let tampered =
        form(APP_KEY, SECRET, CONFIRM, &d, &now_stamp()).replace("State%22%3A1", "State%22%3A0");
    for (what, body) in [
        (
            "wrong secret",
            form(APP_KEY, "not-the-secret", CONFIRM, &d, &now_stamp()),
        ),
        ("tampered data", tampered),
        (
            "other AppKey",
            form("someone-else", SECRET, CONFIRM, &d, &now_stamp()),
        ),
        (
            "stale TimeStamp",
            form(APP_KEY, SECRET, CONFIRM, &d, &stale),
        ),
        ("no Sign", format!("AppKey={APP_KEY}&Method={CONFIRM}")),
    ] {
        let reply = post(&h, system, body).await;
        assert_eq!(reply.status, 401, "{what}: {}", reply.text);
        assert_eq!(reply.body["success"], false, "{what}");
        assert_eq!(reply.body["code"], "401", "{what}");
    }
    assert!(callbacks(&h, system).await.is_empty());
    assert_eq!(
        h.inbox(system).await.len(),
        1,
        "only the order's own creation"
    );
    assert_eq!(
        order(&h, system, "PO-CB-2").await.status,
        SupplierOrderStatus::Pending
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_callback_is_stored_once() {
    let h = host().await;
    let system = ylh_system(&h).await;
    create_order(&h, system, "PO-CB-3").await;
    let d = data("PO-CB-3", 1, None);
    let first = post(&h, system, form(APP_KEY, SECRET, CONFIRM, &d, &now_stamp())).await;
    first.expect(200);
    // The vendor sends it again: a new TimeStamp and Sign, the same Method and Data.
    let again = form(
        APP_KEY,
        SECRET,
        CONFIRM,
        &d,
        &format_timestamp(
            chrono::Utc::now() - chrono::Duration::seconds(5),
            storelink_core::vendor_time::china_offset(),
        ),
    );
    let second = post(&h, system, again).await;
    second.expect(200);
    assert_eq!(second.body["success"], true);
    assert!(
        second.body["description"]
            .as_str()
            .is_some_and(|d| d.contains("重复")),
        "{}",
        second.text
    );
    assert_eq!(callbacks(&h, system).await.len(), 1);
    assert_eq!(
        order(&h, system, "PO-CB-3").await.status,
        SupplierOrderStatus::Confirmed
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_stock_is_kept_and_cancel_follows_the_status_machine() {
    let h = host().await;
    let system = ylh_system(&h).await;
    create_order(&h, system, "PO-CB-4").await;
    let oos = post(
        &h,
        system,
        form(
            APP_KEY,
            SECRET,
            OUT_OF_STOCK,
            &data("PO-CB-4", 1, Some("BS01U000N 缺货")),
            &now_stamp(),
        ),
    )
    .await;
    oos.expect(200);
    let o = order(&h, system, "PO-CB-4").await;
    assert_eq!(
        o.status,
        SupplierOrderStatus::Pending,
        "out of stock moves no status"
    );
    assert_eq!(o.delivery_info["out_of_stock"]["message"], "BS01U000N 缺货");
    assert_eq!(o.delivery_info["contact"], "李四");
    let cancel = post(
        &h,
        system,
        form(
            APP_KEY,
            SECRET,
            CANCEL,
            &data("PO-CB-4", 1, None),
            &now_stamp(),
        ),
    )
    .await;
    cancel.expect(200);
    assert_eq!(
        order(&h, system, "PO-CB-4").await.status,
        SupplierOrderStatus::Cancelled
    );
    // A confirm after the cancel is refused by the status machine, kept as failed.
    let late = post(
        &h,
        system,
        form(
            APP_KEY,
            SECRET,
            CONFIRM,
            &data("PO-CB-4", 1, None),
            &now_stamp(),
        ),
    )
    .await;
    assert_eq!(
        (late.status, &late.body["success"]),
        (409, &json!(false)),
        "{}",
        late.text
    );
    assert_eq!(
        order(&h, system, "PO-CB-4").await.status,
        SupplierOrderStatus::Cancelled
    );
    let failed: Vec<_> = h
        .inbox(system)
        .await
        .into_iter()
        .filter(|e| e.status.as_str() == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].event_type, "ylh.confirm");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_for_an_unknown_order_is_kept_and_applied_when_sent_again() {
    let h = host().await;
    let system = ylh_system(&h).await;
    let d = data("PO-CB-5", 1, None);
    let early = post(&h, system, form(APP_KEY, SECRET, CONFIRM, &d, &now_stamp())).await;
    assert_eq!(early.status, 404, "{}", early.text);
    assert_eq!(early.body["success"], false);
    let inbox = callbacks(&h, system).await;
    assert_eq!((inbox.len(), inbox[0].status.as_str()), (1, "failed"));
    create_order(&h, system, "PO-CB-5").await;
    let retried = post(&h, system, form(APP_KEY, SECRET, CONFIRM, &d, &now_stamp())).await;
    retried.expect(200);
    assert_eq!(
        order(&h, system, "PO-CB-5").await.status,
        SupplierOrderStatus::Confirmed
    );
    let inbox = callbacks(&h, system).await;
    assert_eq!((inbox.len(), inbox[0].status.as_str()), (1, "processed"));
    // A system that is not 易理货 has no such route.
    let other = h.system("supplier", "蜀海").await;
    let reply = post(&h, other, form(APP_KEY, SECRET, CONFIRM, &d, &now_stamp())).await;
    assert_eq!(reply.status, 404, "{}", reply.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_callback_is_applied_by_an_inbox_replay() {
    let h = host().await;
    let system = ylh_system(&h).await;
    let d = data("PO-CB-6", 1, None);
    let early = post(&h, system, form(APP_KEY, SECRET, CONFIRM, &d, &now_stamp())).await;
    assert_eq!(early.status, 404, "{}", early.text);
    create_order(&h, system, "PO-CB-6").await;
    let failed = callbacks(&h, system).await[0].clone();
    let admin = h
        .services
        .authenticate_token(&h.admin)
        .await
        .expect("admin")
        .actor;
    let replayed = h
        .services
        .replay_inbox(&admin, &failed.id.to_string())
        .await
        .expect("replay");
    assert_eq!(replayed.status.as_deref(), Some("confirmed"));
    assert_eq!(
        order(&h, system, "PO-CB-6").await.status,
        SupplierOrderStatus::Confirmed
    );
    let inbox = callbacks(&h, system).await;
    assert_eq!((inbox.len(), inbox[0].status.as_str()), (1, "processed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_callback_route_is_in_the_openapi_document() {
    let h = host().await;
    let doc = h
        .send(reqwest::Method::GET, "/openapi.json", None, &[], None)
        .await;
    doc.expect(200);
    let route = &doc.body["paths"]["/api/v1/integrations/callbacks/ylh/{system_id}"]["post"];
    assert!(route.is_object(), "not described: {}", doc.text);
    assert!(route["security"].is_null(), "signed, no token: {route}");
    assert!(route["requestBody"]["content"]["application/x-www-form-urlencoded"].is_object());
    assert!(doc.body["components"]["schemas"]["YlhCallbackAnswer"].is_object());
}
