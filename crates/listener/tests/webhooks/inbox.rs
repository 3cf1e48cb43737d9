//! What the inbox keeps of accepted pushes, ERP events kept for the sync engine, and
//! replays of stored events.

use serde_json::json;
use storelink_core::inbox::InboxStatus;
use storelink_core::Actor;

use crate::common::{
    host, member_seed, message_id, now_unix, pos_seed, reservation_seed, sha256_headers,
    standard_headers, supplier_seed, HEX_SECRET, WHSEC,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_keeps_raw_bodies_and_no_credentials() {
    let h = host().await;
    let pos = h.system("pos", "POS").await;

    // A terminal's push with a token, in its own formatting.
    let api_body = format!(
        "{}\n",
        serde_json::to_string_pretty(&pos_seed()).unwrap_or_default()
    );
    h.post_raw(
        &format!("pos/{pos}/transactions"),
        Some(&h.admin),
        api_body.clone().into_bytes(),
    )
    .await
    .expect(201);
    // A webhook that also carries credentials it should not have sent.
    let hook_body = r#"{"event":"transaction.created",  "data":{"transaction_id":"TXN-2024-002","total":150.00}}"#;
    let mut headers = standard_headers(WHSEC, &message_id(), now_unix(), hook_body.as_bytes());
    headers.push(("Authorization".to_owned(), "Bearer slk_leaked".to_owned()));
    headers.push(("Cookie".to_owned(), "session=secret-cookie".to_owned()));
    headers.push(("X-Api-Key".to_owned(), "key-in-header".to_owned()));
    h.webhook("pos", &pos.to_string(), &headers, hook_body.as_bytes())
        .await
        .expect(200);

    let inbox = h.inbox(pos).await;
    assert_eq!(inbox.len(), 2);
    let api = inbox.iter().find(|e| e.kind == "api").cloned();
    let api = api.unwrap_or_else(|| panic!("the API push is kept: {inbox:?}"));
    assert_eq!(api.payload, api_body, "byte for byte");
    assert_eq!(api.event_type, "pos.transaction");
    let hook = inbox.iter().find(|e| e.kind == "webhook").cloned();
    let hook = hook.unwrap_or_else(|| panic!("the webhook is kept: {inbox:?}"));
    assert_eq!(hook.payload, hook_body, "byte for byte");
    assert_eq!(hook.status, InboxStatus::Processed);
    assert!(hook.processed_at.is_some());
    assert_eq!(hook.headers["webhook-id"], json!(headers[0].1));
    assert_eq!(hook.headers["content-type"], json!("application/json"));
    for event in &inbox {
        let kept = event.headers.to_string().to_lowercase();
        for secret in [
            "authorization",
            "cookie",
            "x-api-key",
            "slk_",
            "secret-cookie",
            "key-in-header",
        ] {
            assert!(!kept.contains(secret), "{secret} kept in {kept}");
        }
    }
    for leaked in [h.admin.as_str(), "slk_leaked", "secret-cookie"] {
        let hits = storelink_testkit::files_containing(h.dir.path(), leaked);
        assert!(hits.is_empty(), "{leaked} written to {hits:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replaying_a_processed_event_is_a_duplicate_and_changes_nothing() {
    let h = host().await;
    let pos = h.system("pos", "POS").await;
    let body = json!({"event": "transaction.created",
        "data": {"transaction_id": "TXN-2024-002", "total": 150.00}})
    .to_string();
    let headers = standard_headers(WHSEC, &message_id(), now_unix(), body.as_bytes());
    h.webhook("pos", &pos.to_string(), &headers, body.as_bytes())
        .await
        .expect(200);
    h.post(&format!("pos/{pos}/transactions"), &h.admin, &pos_seed())
        .await
        .expect(201);
    let before = h.stored_pos(pos).await;
    assert_eq!(before.len(), 2);
    let mut events = h.services.subscribe();

    for event in h.inbox(pos).await {
        let replay = h
            .services
            .replay_inbox(&Actor::local_cli(), &event.id.to_string())
            .await
            .expect("replay");
        assert!(replay.duplicate, "{} replayed: {replay:?}", event.kind);
        assert_eq!(replay.id, event.id);
        // Applied events are not run again (an old one could roll a record back).
        assert_eq!(replay.record_id, None);
    }
    assert_eq!(h.stored_pos(pos).await, before, "nothing changed");
    assert!(
        events.try_recv().is_err(),
        "a replay of a duplicate announces nothing"
    );
    let after = h.inbox(pos).await;
    assert_eq!(after.len(), 2, "no new inbox entry");
    assert!(after.iter().all(|e| e.status == InboxStatus::Processed));
    let logs = h.list(&format!("sync-logs?system_id={pos}")).await;
    assert_eq!(logs.len(), 2, "a replay writes no sync log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erp_events_are_kept_as_received_for_the_sync_engine() {
    let h = host().await;
    let erp = h.system("erp", "用友U8").await;
    let body = json!({
        "id": "evt-001",
        "event": "customer.updated",
        "timestamp": chrono::Utc::now().to_rfc3339(),
        "source": "yonyou_erp",
        "data": {"customer_code": "C001", "name": "北京分店"}
    })
    .to_string();
    let headers = standard_headers(WHSEC, &message_id(), now_unix(), body.as_bytes());
    let reply = h
        .webhook("erp", &erp.to_string(), &headers, body.as_bytes())
        .await;
    reply.expect(200);
    assert_eq!(reply.body["duplicate"], json!(false));
    assert_eq!(reply.body["status"], json!("received"));
    assert!(reply.body["record_id"].is_null(), "{}", reply.text);
    let inbox = h.inbox(erp).await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].status, InboxStatus::Received);
    assert_eq!(inbox[0].event_type, "customer.updated");
    assert_eq!(inbox[0].payload, body);
    assert_eq!(reply.body["id"], json!(inbox[0].id.to_string()));

    let repeat = h
        .webhook("erp", &erp.to_string(), &headers, body.as_bytes())
        .await;
    repeat.expect(200);
    assert_eq!(repeat.body["duplicate"], json!(true));
    let unknown = json!({"event": "customer.merged", "data": {}}).to_string();
    let headers = standard_headers(WHSEC, &message_id(), now_unix(), unknown.as_bytes());
    h.webhook("erp", &erp.to_string(), &headers, unknown.as_bytes())
        .await
        .problem_naming(422, "event", "one_of");
    assert_eq!(h.inbox(erp).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_004_envelopes_signed_sha256_use_their_id_and_timestamp() {
    let h = host().await;
    let erp = h
        .system_with(
            "erp",
            "金蝶云星空",
            "store-001",
            &[("webhook_secret", HEX_SECRET)],
            json!({"webhook_signature": "sha256"}),
        )
        .await;
    let envelope = |id: &str, timestamp: String| {
        json!({"id": id, "event": "product.inventory.changed", "timestamp": timestamp,
            "source": "kingdee", "data": {"product_code": "P001", "quantity": 12},
            "signature": "sha256=..."})
        .to_string()
    };
    let fresh = envelope("evt-1", chrono::Utc::now().to_rfc3339());
    let send = |body: String| {
        let h = &h;
        async move {
            let headers = sha256_headers(HEX_SECRET, body.as_bytes());
            h.webhook("erp", &erp.to_string(), &headers, body.as_bytes())
                .await
        }
    };
    send(fresh.clone()).await.expect(200);
    let inbox = h.inbox(erp).await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(
        inbox[0].event_id, "evt-1",
        "the envelope's id is the event id"
    );
    // The same id with other bytes is a conflict; the sha256 scheme signs no time, so
    // an old envelope timestamp is refused as a replay.
    let other = envelope("evt-1", chrono::Utc::now().to_rfc3339())
        .replace("\"quantity\":12", "\"quantity\":13");
    assert_ne!(other, fresh);
    send(other).await.problem(409);
    let stale = (chrono::Utc::now() - chrono::Duration::minutes(6)).to_rfc3339();
    send(envelope("evt-2", stale)).await.problem(401);
    assert_eq!(h.inbox(erp).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_pushes_applied_on_arrival_are_marked_processed() {
    let h = host().await;
    let pos = h.system("pos", "POS").await;
    let supplier = h.system("supplier", "供应商").await;
    let member = h.system("member", "会员").await;
    let booking = h.system("reservation", "易订").await;
    let pushes = [
        (pos, format!("pos/{pos}/transactions"), pos_seed()),
        (
            supplier,
            format!("supplier/{supplier}/orders"),
            supplier_seed(),
        ),
        (member, format!("member/{member}/sync"), member_seed()),
        (
            booking,
            format!("reservation/{booking}/sync"),
            reservation_seed(),
        ),
    ];
    for (system, path, body) in pushes {
        h.post(&path, &h.admin, &body).await.expect(201);
        let inbox = h.inbox(system).await;
        assert_eq!(inbox.len(), 1, "{path}");
        // Like an applied webhook; `received` is for events still waiting (ERP).
        assert_eq!(inbox[0].status, InboxStatus::Processed, "{path}");
        assert!(inbox[0].processed_at.is_some(), "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replaying_an_erp_event_leaves_it_waiting_for_the_sync_engine() {
    let h = host().await;
    let erp = h.system("erp", "用友U8").await;
    let body =
        json!({"id": "evt-9", "event": "order.updated", "data": {"order_no": "SO-1"}}).to_string();
    let headers = standard_headers(WHSEC, &message_id(), now_unix(), body.as_bytes());
    h.webhook("erp", &erp.to_string(), &headers, body.as_bytes())
        .await
        .expect(200);
    let event = h.inbox(erp).await.remove(0);
    assert_eq!(event.status, InboxStatus::Received);
    h.services
        .replay_inbox(&Actor::local_cli(), &event.id.to_string())
        .await
        .expect("replay");
    let after = h.inbox(erp).await.remove(0);
    assert_eq!(
        after.status,
        InboxStatus::Received,
        "still for the sync engine"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replaying_an_applied_status_change_after_later_ones_changes_nothing() {
    let h = host().await;
    let supplier = h.system("supplier", "蜀海供应链").await;
    h.post(
        &format!("supplier/{supplier}/orders"),
        &h.admin,
        &supplier_seed(),
    )
    .await
    .expect(201);
    for status in ["shipped", "delivered"] {
        let event = json!({"event": "order.status_changed",
            "data": {"order_number": "PO-2024-001", "status": status}});
        h.signed_webhook("supplier", supplier, &event)
            .await
            .expect(200);
    }
    let shipped = h
        .inbox(supplier)
        .await
        .into_iter()
        .find(|e| e.payload.contains("shipped"))
        .unwrap_or_else(|| panic!("the shipped event is kept"));
    assert_eq!(shipped.status, InboxStatus::Processed);

    let replay = h
        .services
        .replay_inbox(&Actor::local_cli(), &shipped.id.to_string())
        .await;
    let after = h
        .inbox(supplier)
        .await
        .into_iter()
        .find(|e| e.id == shipped.id)
        .unwrap_or_else(|| panic!("still kept"));
    assert_eq!(
        after.status,
        InboxStatus::Processed,
        "{:?}",
        after.error_message
    );
    let replay = replay.expect("an applied event replays as a duplicate");
    assert!(replay.duplicate);
    let orders = h.list("supplier/orders?status=delivered").await;
    assert_eq!(orders.len(), 1, "the order stays delivered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replaying_an_older_reservation_update_does_not_roll_the_booking_back() {
    let h = host().await;
    let yiding = h.system("reservation", "易订").await;
    let update = |count: i64| {
        json!({"event": "reservation.updated", "data": {
            "reservation_id": "RES-2024-001", "customer_name": "张三",
            "customer_count": count, "reservation_date": "2024-02-15T00:00:00"}})
    };
    for count in [4, 6] {
        h.signed_webhook("reservation", yiding, &update(count))
            .await
            .expect(200);
    }
    let older = update(4).to_string();
    let older = h
        .inbox(yiding)
        .await
        .into_iter()
        .find(|e| e.payload == older)
        .unwrap_or_else(|| panic!("the first update is kept"));
    let replay = h
        .services
        .replay_inbox(&Actor::local_cli(), &older.id.to_string())
        .await
        .expect("replay");
    let listed = h.list("reservation/list").await;
    assert_eq!(
        listed[0]["customer_count"],
        json!(6),
        "the newer update stands"
    );
    assert!(replay.duplicate, "{replay:?}");
}
