//! Temu's webhook (seed 003 `POST /api/webhook/temu`) over real HTTP: a signed, encrypted
//! push is kept once, a repeat is a duplicate, a bad signature or an unknown app key is
//! refused and leaves nothing behind. The app secret lives in the real keychain.
//! Run with `scripts/with-keyring.sh cargo test -p storelink-listener --test temu_webhook`.

mod common;

use common::{host, Host};
use serde_json::{json, Value};
use storelink_connectors::temu::webhook::{self, Layout, Variant, VARIANTS};
use uuid::Uuid;

const APP_KEY: &str = "4ebbc9190ae410443d65b4c2faca0042";
const APP_SECRET: &str = "c7e0a1a63542be4de3cb5488f9fba8149e8f0042";
const EVENT: &str = "bg_order_status_change_event";

async fn temu_system(h: &Host, name: &str, app_key: &str) -> Uuid {
    h.services
        .create_system(
            &storelink_core::Actor::local_cli(),
            storelink_core::system::NewSystem {
                name: name.to_owned(),
                system_type: "ecommerce".to_owned(),
                provider: "temu".to_owned(),
                store_id: Some("store-001".to_owned()),
                api_endpoint: Some("https://openapi-b-us.temu.com".to_owned()),
                config: Some(json!({"app_key": app_key})),
                secrets: [
                    ("app_secret".to_owned(), APP_SECRET.to_owned()),
                    ("access_token".to_owned(), "upl-token-0042".to_owned()),
                ]
                .into(),
                ..Default::default()
            },
        )
        .await
        .expect("create the Temu system")
        .id
}

fn order_event(sn: &str, status: i64) -> Value {
    json!({"parentOrderSn": sn, "orderSn": sn, "status": status})
}

fn push(app_key: &str, secret: &str, event: &Value, at_ms: i64, variant: Variant) -> webhook::Push {
    webhook::build(app_key, secret, EVENT, at_ms, event, variant).expect("a push")
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

async fn send(h: &Host, path: &str, p: &webhook::Push) -> common::Reply {
    h.send(
        reqwest::Method::POST,
        path,
        None,
        &p.headers,
        Some(p.body.clone()),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_push_is_kept_once_for_the_engine() {
    let h = host().await;
    let system = temu_system(&h, "Temu US", APP_KEY).await;
    let event = order_event("PO-211-01234567890123456", 2);
    let first = push(APP_KEY, APP_SECRET, &event, now_ms(), VARIANTS[0]);
    let reply = send(&h, "/api/webhook/temu", &first).await;
    reply.expect(200);
    assert_eq!(reply.body["duplicate"], json!(false), "{}", reply.text);
    assert_eq!(reply.body["status"], json!("received"));

    let inbox = h.inbox(system).await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(reply.body["id"], json!(inbox[0].id.to_string()));
    assert_eq!(inbox[0].event_type, EVENT);
    assert_eq!(inbox[0].kind, "webhook");
    assert_eq!(
        inbox[0].status.as_str(),
        "received",
        "left for the sync engine"
    );
    let kept: Value = serde_json::from_str(&inbox[0].payload).expect("the decrypted event");
    assert_eq!(kept, event);
    assert!(!inbox[0].payload.contains(APP_SECRET));

    // Temu's retry: the same event, a later timestamp, the Java tool's signature layout.
    let retry = push(
        APP_KEY,
        APP_SECRET,
        &event,
        now_ms() + 120_000,
        Variant {
            layout: Layout::Pairs,
            with_ext_param: true,
        },
    );
    let again = send(&h, "/api/webhook/temu", &retry).await;
    again.expect(200);
    assert_eq!(again.body["duplicate"], json!(true), "{}", again.text);
    assert_eq!(again.body["id"], reply.body["id"]);
    assert_eq!(h.inbox(system).await.len(), 1, "stored once");

    // The order moving on is a new event.
    let shipped = push(
        APP_KEY,
        APP_SECRET,
        &order_event("PO-211-01234567890123456", 4),
        now_ms(),
        VARIANTS[1],
    );
    send(&h, "/api/webhook/temu", &shipped).await.expect(200);
    assert_eq!(h.inbox(system).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_signature_is_refused_and_nothing_is_kept() {
    let h = host().await;
    let system = temu_system(&h, "Temu US", APP_KEY).await;
    let good = push(
        APP_KEY,
        APP_SECRET,
        &order_event("PO-211-1", 1),
        now_ms(),
        VARIANTS[0],
    );

    let mut tampered = good.clone();
    for (name, value) in tampered.headers.iter_mut() {
        if name == "x-tm-signature" {
            let flipped = if value.starts_with('0') { "1" } else { "0" };
            value.replace_range(0..1, flipped);
        }
    }
    send(&h, "/api/webhook/temu", &tampered).await.problem(401);

    let mut other_event = good.clone();
    for (name, value) in other_event.headers.iter_mut() {
        if name == "x-tm-event-code" {
            *value = "bg_cancel_order_status_change".into();
        }
    }
    send(&h, "/api/webhook/temu", &other_event)
        .await
        .problem(401);

    let foreign = push(
        APP_KEY,
        "another-app-secret-of-forty-characters!!",
        &order_event("PO-211-1", 1),
        now_ms(),
        VARIANTS[0],
    );
    send(&h, "/api/webhook/temu", &foreign).await.problem(401);

    let mut unsigned = good.clone();
    unsigned.headers.retain(|(n, _)| n != "x-tm-signature");
    send(&h, "/api/webhook/temu", &unsigned).await.problem(401);

    assert!(h.inbox(system).await.is_empty(), "nothing kept");
    // The untouched push still goes through: the refusals were about the changes.
    send(&h, "/api/webhook/temu", &good).await.expect(200);
    assert_eq!(h.inbox(system).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_app_key_is_refused() {
    let h = host().await;
    let system = temu_system(&h, "Temu US", APP_KEY).await;
    let stranger = push(
        "0000000000000000000000000000dead",
        APP_SECRET,
        &order_event("PO-211-1", 1),
        now_ms(),
        VARIANTS[0],
    );
    let reply = send(&h, "/api/webhook/temu", &stranger).await;
    reply.problem(401);
    assert!(reply.text.contains("no Temu system"), "{}", reply.text);
    let mut keyless = stranger.clone();
    keyless.headers.retain(|(n, _)| n != "x-tm-app-key");
    send(&h, "/api/webhook/temu", &keyless).await.problem(401);
    assert!(h.inbox(system).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_system_route_and_the_openapi_entry() {
    let h = host().await;
    let system = temu_system(&h, "Temu EU", APP_KEY).await;
    let p = push(
        APP_KEY,
        APP_SECRET,
        &order_event("PO-211-7", 1),
        now_ms(),
        VARIANTS[2],
    );
    let reply = h
        .webhook("temu", &system.to_string(), &p.headers, &p.body)
        .await;
    reply.expect(200);
    assert_eq!(h.inbox(system).await.len(), 1);
    let other = temu_system(&h, "Temu other", "ffffffffffffffffffffffffffff0042").await;
    h.webhook("temu", &other.to_string(), &p.headers, &p.body)
        .await
        .problem(401);
    assert!(h.inbox(other).await.is_empty());

    let doc = h
        .send(reqwest::Method::GET, "/openapi.json", None, &[], None)
        .await;
    doc.expect(200);
    assert!(
        doc.body["paths"]["/api/webhook/temu"]["post"].is_object(),
        "{}",
        doc.text
    );
}
