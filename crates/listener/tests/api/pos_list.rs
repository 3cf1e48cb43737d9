//! `GET pos/transactions`: the seed's filters, keyset paging, and bad filters.

use std::collections::BTreeSet;

use serde_json::{json, Value};
use storelink_core::Role;

use crate::common::{host, pos_sale, Host};

fn ids(items: &[Value]) -> BTreeSet<String> {
    items
        .iter()
        .map(|t| {
            t["pos_transaction_id"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

async fn push(h: &Host, system: uuid::Uuid, body: Value) {
    h.post(&format!("pos/{system}/transactions"), &h.admin, &body)
        .await
        .expect(201);
}

fn at(mut body: Value, local_time: &str) -> Value {
    body["transaction_time"] = json!(local_time);
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_by_store_status_type_and_time() {
    let h = host().await;
    let a = h
        .system_with("pos", "POS A", "store-001", &[], json!({}))
        .await;
    let b = h
        .system_with("pos", "POS B", "store-002", &[], json!({}))
        .await;
    push(&h, a, at(pos_sale("S1", "100.00"), "2024-02-15T12:00:00")).await;
    push(&h, a, at(pos_sale("S2", "50.00"), "2024-02-16T12:00:00")).await;
    let mut refund = at(pos_sale("R1", "10.00"), "2024-02-16T13:00:00");
    refund["type"] = json!("refund");
    refund["original_transaction_id"] = json!("S1");
    push(&h, a, refund).await;
    // An explicit offset is kept; no offset is the store's local time (UTC+8).
    push(&h, b, at(pos_sale("S3", "20.00"), "2024-02-15T01:00:00Z")).await;

    let staff = h.token_for(Role::Staff).await;
    let query = |q: &'static str| {
        let (h, staff) = (&h, &staff);
        async move {
            let reply = h.get(&format!("pos/transactions?{q}"), staff).await;
            reply.expect(200);
            ids(reply.body["items"]
                .as_array()
                .map_or(&[][..], Vec::as_slice))
        }
    };
    assert_eq!(query("store_id=store-001").await, set(&["S1", "S2", "R1"]));
    assert_eq!(query("store_id=store-002").await, set(&["S3"]));
    assert_eq!(query("store_id=store-003").await, set(&[]));
    assert_eq!(
        query("store_id=store-001&sync_status=success").await,
        set(&["S1", "S2", "R1"])
    );
    assert_eq!(query("sync_status=pending").await, set(&[]));
    assert_eq!(query("sync_status=failed").await, set(&[]));
    assert_eq!(query("type=refund").await, set(&["R1"]));
    assert_eq!(
        query("type=sale&store_id=store-001").await,
        set(&["S1", "S2"])
    );
    assert_eq!(
        query("start_time=2024-02-16T00:00:00").await,
        set(&["S2", "R1"])
    );
    assert_eq!(
        query("end_time=2024-02-16T00:00:00").await,
        set(&["S1", "S3"])
    );
    assert_eq!(
        query("start_time=2024-02-15T10:00:00&end_time=2024-02-16T12:30:00").await,
        set(&["S1", "S2"])
    );
    // 2024-02-16T04:00:00Z is 12:00 in the store: S2 is at the start, inclusive.
    assert_eq!(
        query("start_time=2024-02-16T04:00:00Z&type=sale").await,
        set(&["S2"])
    );
    assert_eq!(query("").await.len(), 4);
    assert_eq!(query("limit=2").await.len(), 2);

    let listed = h
        .list("pos/transactions?store_id=store-001&type=sale")
        .await;
    let s1 = listed
        .iter()
        .find(|t| t["pos_transaction_id"] == json!("S1"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(s1["transaction_time"], json!("2024-02-15T04:00:00Z"));
    assert_eq!(s1["store_id"], json!("store-001"));
    assert_eq!(s1["total"], json!(100.0));
    let s3 = h.list("pos/transactions?store_id=store-002").await;
    assert_eq!(s3[0]["transaction_time"], json!("2024-02-15T01:00:00Z"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_filters_are_named() {
    let h = host().await;
    let long_store = format!("store_id={}", "s".repeat(65));
    let cases: Vec<(String, u16, &str, &str)> = vec![
        ("sync_status=done".into(), 422, "sync_status", "one_of"),
        ("type=gift".into(), 422, "type", "one_of"),
        ("start_time=yesterday".into(), 422, "start_time", "format"),
        ("end_time=2024-13-40".into(), 422, "end_time", "format"),
        ("system_id=nope".into(), 422, "system_id", "format"),
        ("cursor=garbage".into(), 422, "cursor", "format"),
        (long_store, 422, "store_id", "too_long"),
        ("limit=abc".into(), 400, "query", "invalid"),
        ("limit=-1".into(), 400, "query", "invalid"),
    ];
    for (q, status, field, rule) in cases {
        let reply = h.get(&format!("pos/transactions?{q}"), &h.admin).await;
        assert_eq!(reply.status, status, "{q}: {}", reply.text);
        reply.problem_naming(status, field, rule);
    }
    // Every bad filter is named at once.
    let reply = h
        .get("pos/transactions?sync_status=done&type=gift", &h.admin)
        .await;
    let fields = reply.problem(422);
    assert_eq!(fields, ["sync_status", "type"], "{}", reply.text);
    h.send(reqwest::Method::GET, "pos/transactions", None, &[], None)
        .await
        .problem(401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cursor_paging_returns_every_row_exactly_once_newest_first() {
    let h = host().await;
    let pos = h.system("pos", "POS").await;
    let other = h.system("pos", "POS 2").await;
    for i in 0..23 {
        push(&h, pos, pos_sale(&format!("TXN-{i:02}"), "1.00")).await;
    }
    push(&h, other, pos_sale("TXN-ELSEWHERE", "1.00")).await;

    let stored: BTreeSet<String> = h
        .stored_pos(pos)
        .await
        .iter()
        .map(|t| t.id.to_string())
        .collect();
    assert_eq!(stored.len(), 23);
    for limit in [1, 5, 7, 23, 100] {
        let walked = h
            .walk(&format!("pos/transactions?system_id={pos}"), limit)
            .await;
        let walked_ids: Vec<String> = walked
            .iter()
            .map(|t| t["id"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(walked_ids.len(), 23, "limit {limit}: no row twice");
        let unique: BTreeSet<String> = walked_ids.iter().cloned().collect();
        assert_eq!(unique, stored, "limit {limit}: every row");
        let mut newest_first = walked_ids.clone();
        newest_first.sort_unstable_by(|x, y| y.cmp(x));
        assert_eq!(walked_ids, newest_first, "limit {limit}: newest first");
        assert_eq!(walked[0]["pos_transaction_id"], json!("TXN-22"));
    }
    // A full page has a cursor; the last page has none.
    let page = h
        .get(
            &format!("pos/transactions?system_id={pos}&limit=23"),
            &h.admin,
        )
        .await;
    page.expect(200);
    assert!(page.body["next_cursor"].is_null(), "{}", page.text);
    let page = h
        .get(
            &format!("pos/transactions?system_id={pos}&limit=22"),
            &h.admin,
        )
        .await;
    assert!(page.body["next_cursor"].is_string(), "{}", page.text);
    // Filters hold across pages.
    let sales = h
        .walk("pos/transactions?type=sale&store_id=store-001", 4)
        .await;
    assert_eq!(sales.len(), 24);
}
