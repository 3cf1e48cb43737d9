//! Vendor webhooks over real HTTP: both signature schemes, tolerance, rotation, event ids,
//! channels, the ERP inbox and replays. Secrets live in the real keychain.
//! Run with `scripts/with-keyring.sh cargo test -p storelink-listener --test webhooks`.

mod common;

#[path = "webhooks/inbox.rs"]
mod inbox;

use common::{
    host, message_id, now_unix, sha256_headers, standard_headers, Host, HEX_SECRET, WHSEC,
    WHSEC_PREVIOUS, WHSEC_UNRELATED,
};
use serde_json::{json, Value};
use storelink_core::Money;
use uuid::Uuid;

/// Seed 000's POS webhook example.
fn pos_event() -> Value {
    json!({"event": "transaction.created",
        "data": {"transaction_id": "TXN-2024-002", "total": 150.00}})
}

fn bytes(v: &Value) -> Vec<u8> {
    v.to_string().into_bytes()
}

/// Sends `body` to the POS channel signed (Standard Webhooks) with `secret` at `timestamp`.
async fn send_standard(
    h: &Host,
    system: Uuid,
    secret: &str,
    id: &str,
    ts: i64,
    body: &[u8],
) -> common::Reply {
    let headers = standard_headers(secret, id, ts, body);
    h.webhook("pos", &system.to_string(), &headers, body).await
}

/// Nothing stored for the system: no transaction and no inbox entry.
async fn assert_nothing_kept(h: &Host, system: Uuid) {
    assert!(h.stored_pos(system).await.is_empty());
    assert!(h.inbox(system).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standard_webhooks_signature_stores_the_seed_pos_event() {
    let h = host().await;
    let pos = h.system("pos", "美团POS").await;
    let body = bytes(&pos_event());
    let id = message_id();
    let reply = send_standard(&h, pos, WHSEC, &id, now_unix(), &body).await;
    reply.expect(200);
    assert_eq!(reply.body["duplicate"], json!(false));
    assert_eq!(reply.body["status"], json!("success"));

    let stored = h.stored_pos(pos).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].pos_transaction_id, "TXN-2024-002");
    assert_eq!(stored[0].total, Money::from_fen(15_000));
    assert_eq!(stored[0].subtotal, Money::from_fen(15_000));
    assert_eq!(reply.body["record_id"], json!(stored[0].id.to_string()));
    let inbox = h.inbox(pos).await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(reply.body["id"], json!(inbox[0].id.to_string()));
    assert_eq!(inbox[0].event_id, id, "webhook-id is the event id");
    assert_eq!(inbox[0].event_type, "transaction.created");
    assert_eq!(inbox[0].kind, "webhook");
    assert_eq!(inbox[0].status.as_str(), "processed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sha256_signature_in_x_signature_256_is_accepted() {
    let h = host().await;
    let pos = h
        .system_with(
            "pos",
            "GitHub-style POS",
            "store-001",
            &[("webhook_secret", HEX_SECRET)],
            json!({"webhook_signature": "sha256"}),
        )
        .await;
    let body = bytes(&pos_event());
    let reply = h
        .webhook(
            "pos",
            &pos.to_string(),
            &sha256_headers(HEX_SECRET, &body),
            &body,
        )
        .await;
    reply.expect(200);
    assert_eq!(h.stored_pos(pos).await.len(), 1);
    // Without an event id the body's hash identifies it: the same bytes are a repeat.
    let again = h
        .webhook(
            "pos",
            &pos.to_string(),
            &sha256_headers(HEX_SECRET, &body),
            &body,
        )
        .await;
    again.expect(200);
    assert_eq!(again.body["duplicate"], json!(true));
    assert_eq!(again.body["id"], reply.body["id"]);

    let other = bytes(&json!({"event": "transaction.created",
        "data": {"transaction_id": "TXN-2024-003", "total": 1.00}}));
    for headers in [
        sha256_headers("another secret", &other),
        sha256_headers(HEX_SECRET, b"other bytes"),
        vec![("X-Signature-256".to_owned(), "sha256=zz".to_owned())],
        standard_headers(WHSEC, &message_id(), now_unix(), &other),
        vec![],
    ] {
        h.webhook("pos", &pos.to_string(), &headers, &other)
            .await
            .problem(401);
    }
    assert_eq!(h.stored_pos(pos).await.len(), 1);
    assert_eq!(h.inbox(pos).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_missing_or_stale_signatures_are_401_and_keep_nothing() {
    let h = host().await;
    let pos = h.system("pos", "POS").await;
    let body = bytes(&pos_event());
    let now = now_unix();
    // Another key, a tampered body, six minutes old, six minutes ahead.
    send_standard(&h, pos, WHSEC_UNRELATED, &message_id(), now, &body)
        .await
        .problem(401);
    let signed_other = standard_headers(WHSEC, &message_id(), now, b"{}");
    h.webhook("pos", &pos.to_string(), &signed_other, &body)
        .await
        .problem(401);
    send_standard(&h, pos, WHSEC, &message_id(), now - 360, &body)
        .await
        .problem(401);
    send_standard(&h, pos, WHSEC, &message_id(), now + 360, &body)
        .await
        .problem(401);
    // Headers missing or malformed.
    h.webhook("pos", &pos.to_string(), &[], &body)
        .await
        .problem(401);
    let mut no_sig = standard_headers(WHSEC, &message_id(), now, &body);
    no_sig.pop();
    h.webhook("pos", &pos.to_string(), &no_sig, &body)
        .await
        .problem(401);
    let mut bad_ts = standard_headers(WHSEC, &message_id(), now, &body);
    bad_ts[1].1 = "yesterday".to_owned();
    h.webhook("pos", &pos.to_string(), &bad_ts, &body)
        .await
        .problem(401);
    assert_nothing_kept(&h, pos).await;
    // Four minutes old is within the tolerance.
    send_standard(&h, pos, WHSEC, &message_id(), now - 240, &body)
        .await
        .expect(200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_accepts_the_previous_secret_too() {
    let h = host().await;
    let pos = h
        .system_with(
            "pos",
            "POS",
            "store-001",
            &[
                ("webhook_secret", WHSEC),
                ("previous_webhook_secret", WHSEC_PREVIOUS),
            ],
            json!({}),
        )
        .await;
    let sale = |id: &str| {
        bytes(&json!({"event": "transaction.created",
        "data": {"transaction_id": id, "total": 9.90}}))
    };
    let old = sale("TXN-OLD-KEY");
    send_standard(&h, pos, WHSEC_PREVIOUS, &message_id(), now_unix(), &old)
        .await
        .expect(200);
    let new = sale("TXN-NEW-KEY");
    send_standard(&h, pos, WHSEC, &message_id(), now_unix(), &new)
        .await
        .expect(200);
    send_standard(
        &h,
        pos,
        WHSEC_UNRELATED,
        &message_id(),
        now_unix(),
        &sale("TXN-X"),
    )
    .await
    .problem(401);
    // Several signatures in one header: any match is enough.
    let both = sale("TXN-BOTH");
    let (id, ts) = (message_id(), now_unix());
    let mut headers = standard_headers(WHSEC, &id, ts, &both);
    let unrelated = standard_headers(WHSEC_UNRELATED, &id, ts, &both);
    headers[2].1 = format!("{} {}", unrelated[2].1, headers[2].1);
    h.webhook("pos", &pos.to_string(), &headers, &both)
        .await
        .expect(200);
    let mut ids: Vec<String> = h
        .stored_pos(pos)
        .await
        .into_iter()
        .map(|t| t.pos_transaction_id)
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["TXN-BOTH", "TXN-NEW-KEY", "TXN-OLD-KEY"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_webhook_id_is_a_duplicate_and_with_other_content_a_conflict() {
    let h = host().await;
    let pos = h.system("pos", "POS").await;
    let body = bytes(&pos_event());
    let id = message_id();
    let first = send_standard(&h, pos, WHSEC, &id, now_unix(), &body).await;
    first.expect(200);
    // A retry: same id and bytes, signed again later.
    let retry = send_standard(&h, pos, WHSEC, &id, now_unix() - 1, &body).await;
    retry.expect(200);
    assert_eq!(retry.body["duplicate"], json!(true));
    assert_eq!(retry.body["id"], first.body["id"]);

    let changed = bytes(&json!({"event": "transaction.created",
        "data": {"transaction_id": "TXN-2024-002", "total": 151.00}}));
    send_standard(&h, pos, WHSEC, &id, now_unix(), &changed)
        .await
        .problem(409);
    // A new delivery id for a transaction already stored with other content: refused too.
    send_standard(&h, pos, WHSEC, &message_id(), now_unix(), &changed)
        .await
        .problem_naming(409, "transaction_id", "conflict");

    let stored = h.stored_pos(pos).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].total, Money::from_fen(15_000));
    assert_eq!(h.inbox(pos).await.len(), 1, "stored once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_events_channels_systems_and_missing_secrets_are_refused() {
    let h = host().await;
    let pos = h.system("pos", "POS").await;
    let supplier = h.system("supplier", "供应商").await;
    let unsigned = h
        .system_with("pos", "POS without secret", "store-001", &[], json!({}))
        .await;

    let deleted = bytes(&json!({"event": "transaction.deleted", "data": {}}));
    let reply = send_standard(&h, pos, WHSEC, &message_id(), now_unix(), &deleted).await;
    reply.problem_naming(422, "event", "one_of");
    let no_event = bytes(&json!({"data": {}}));
    send_standard(&h, pos, WHSEC, &message_id(), now_unix(), &no_event)
        .await
        .problem_naming(422, "event", "required");
    send_standard(&h, pos, WHSEC, &message_id(), now_unix(), b"{oops")
        .await
        .problem_naming(400, "body", "json");
    let bad_total = bytes(&json!({"event": "transaction.created",
        "data": {"transaction_id": "T", "total": 1.0, "subtotal": 2.0}}));
    send_standard(&h, pos, WHSEC, &message_id(), now_unix(), &bad_total)
        .await
        .problem_naming(422, "total", "sum_mismatch");
    assert_nothing_kept(&h, pos).await;

    let body = bytes(&pos_event());
    let headers = standard_headers(WHSEC, &message_id(), now_unix(), &body);
    let reply = h
        .webhook("payroll", &pos.to_string(), &headers, &body)
        .await;
    assert_eq!(reply.problem(404), ["channel"]);
    for id in [
        Uuid::now_v7().to_string(),
        "not-a-uuid".to_owned(),
        supplier.to_string(),
    ] {
        h.webhook("pos", &id, &headers, &body).await.problem(404);
    }
    let reply = h
        .webhook("pos", &unsigned.to_string(), &headers, &body)
        .await;
    reply.problem(401);
    assert!(
        reply.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("webhook_secret")),
        "says which setting is missing: {}",
        reply.text
    );
    assert_nothing_kept(&h, unsigned).await;
    assert_nothing_kept(&h, pos).await;
}
