//! Supplier orders: `POST supplier/{system_id}/orders`, `GET supplier/orders`, and the
//! supplier's `order.status_changed` webhook moving an order forward only.

use serde_json::json;
use storelink_core::Role;

use crate::common::{host, supplier_seed, Host};

fn path(system_id: impl std::fmt::Display) -> String {
    format!("supplier/{system_id}/orders")
}

async fn orders(h: &Host, query: &str) -> Vec<serde_json::Value> {
    h.list(&format!("supplier/orders?{query}")).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_order_is_created_by_a_warehouse_manager_only() {
    let h = host().await;
    let supplier = h.system("supplier", "蜀海供应链").await;
    for role in [Role::FloorManager, Role::Staff, Role::CustomerManager] {
        let token = h.token_for(role).await;
        h.post(&path(supplier), &token, &supplier_seed())
            .await
            .problem(403);
    }
    assert!(orders(&h, "").await.is_empty(), "a 403 stores nothing");

    let warehouse = h.token_for(Role::WarehouseManager).await;
    let created = h.post(&path(supplier), &warehouse, &supplier_seed()).await;
    created.expect(201);
    assert_eq!(created.body["duplicate"], json!(false));
    assert_eq!(created.body["status"], json!("pending"));
    let again = h.post(&path(supplier), &warehouse, &supplier_seed()).await;
    again.expect(200);
    assert_eq!(again.body["duplicate"], json!(true));
    assert_eq!(again.body["id"], created.body["id"]);

    let mut changed = supplier_seed();
    changed["supplier_name"] = json!("另一家供应商");
    h.post(&path(supplier), &warehouse, &changed)
        .await
        .problem_naming(409, "order_number", "conflict");
    let mut wrong_total = supplier_seed();
    wrong_total["total"] = json!(5699.99);
    wrong_total["order_number"] = json!("PO-2024-002");
    h.post(&path(supplier), &warehouse, &wrong_total)
        .await
        .problem_naming(422, "total", "sum_mismatch");
    let mut bad_status = supplier_seed();
    bad_status["status"] = json!("lost");
    bad_status["order_number"] = json!("PO-2024-003");
    h.post(&path(supplier), &warehouse, &bad_status)
        .await
        .problem_naming(422, "status", "one_of");
    let pos = h.system("pos", "POS").await;
    h.post(&path(pos), &warehouse, &supplier_seed())
        .await
        .problem(404);

    let listed = orders(&h, "store_id=store-001&status=pending").await;
    assert_eq!(listed.len(), 1);
    let order = &listed[0];
    assert_eq!(order["id"], created.body["id"]);
    assert_eq!(order["order_number"], json!("PO-2024-001"));
    assert_eq!(order["supplier_id"], json!("SUP-001"));
    assert_eq!(order["order_type"], json!("purchase"));
    assert_eq!(order["total"], json!(5700.0));
    assert_eq!(order["items"][0]["unit"], json!("kg"));
    assert_eq!(order["delivery_info"]["contact"], json!("李四"));
    // Seed times have no offset: the store's local time (UTC+8).
    assert_eq!(order["expected_delivery"], json!("2024-02-15T02:00:00Z"));
    assert!(orders(&h, "store_id=store-001&status=shipped")
        .await
        .is_empty());
    assert!(orders(&h, "store_id=store-002").await.is_empty());
    assert_eq!(orders(&h, &format!("system_id={supplier}")).await.len(), 1);
    h.get("supplier/orders?status=lost", &h.admin)
        .await
        .problem_naming(422, "status", "one_of");
    h.send(reqwest::Method::GET, "supplier/orders", None, &[], None)
        .await
        .problem(401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_changes_from_the_supplier_only_move_forward() {
    let h = host().await;
    let supplier = h.system("supplier", "蜀海供应链").await;
    let created = h.post(&path(supplier), &h.admin, &supplier_seed()).await;
    created.expect(201);

    let shipped = json!({"event": "order.status_changed",
        "data": {"order_number": "PO-2024-001", "status": "shipped"}});
    let reply = h.signed_webhook("supplier", supplier, &shipped).await;
    reply.expect(200);
    assert_eq!(reply.body["duplicate"], json!(false));
    assert_eq!(reply.body["status"], json!("shipped"));
    assert_eq!(reply.body["record_id"], created.body["id"]);
    let listed = orders(&h, "store_id=store-001&status=shipped").await;
    assert_eq!(listed.len(), 1);
    assert!(orders(&h, "status=pending").await.is_empty());

    // The same status again (a new delivery of the news) changes nothing.
    let repeat = h.signed_webhook("supplier", supplier, &shipped).await;
    repeat.expect(200);
    assert_eq!(repeat.body["duplicate"], json!(true));

    let back = json!({"event": "order.status_changed",
        "data": {"order_number": "PO-2024-001", "status": "confirmed"}});
    let reply = h.signed_webhook("supplier", supplier, &back).await;
    let mut allowed = reply.allowed_next();
    allowed.sort_unstable();
    assert_eq!(allowed, ["cancelled", "delivered"], "{}", reply.text);
    assert!(reply.problem(409).contains(&"status".to_owned()));
    assert_eq!(orders(&h, "status=shipped").await.len(), 1, "still shipped");
    // The refused event is not kept.
    let back_text = back.to_string();
    assert!(h
        .inbox(supplier)
        .await
        .iter()
        .all(|e| e.payload != back_text));

    let unknown = json!({"event": "order.status_changed",
        "data": {"order_number": "PO-NOPE", "status": "shipped"}});
    h.signed_webhook("supplier", supplier, &unknown)
        .await
        .problem(404);

    let delivered = json!({"event": "order.status_changed",
        "data": {"order_number": "PO-2024-001", "status": "delivered",
                 "actual_delivery": "2024-02-15T09:30:00"}});
    h.signed_webhook("supplier", supplier, &delivered)
        .await
        .expect(200);
    let done = orders(&h, "status=delivered").await;
    assert_eq!(done.len(), 1);
    assert_eq!(done[0]["actual_delivery"], json!("2024-02-15T01:30:00Z"));
    let final_state = json!({"event": "order.status_changed",
        "data": {"order_number": "PO-2024-001", "status": "cancelled"}});
    let reply = h.signed_webhook("supplier", supplier, &final_state).await;
    assert!(reply.allowed_next().is_empty(), "delivered is final");

    // One create and two updates in the sync log.
    let logs = h.list(&format!("sync-logs?system_id={supplier}")).await;
    let actions: Vec<&str> = logs
        .iter()
        .map(|l| l["action"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(actions, ["update", "update", "create"]);
}
