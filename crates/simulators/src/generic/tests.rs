use serde_json::{json, Value};

use super::*;

async fn sim(members: usize, orders: usize) -> GenericSim {
    GenericSim::start(GenericSimConfig {
        members,
        orders,
        ..GenericSimConfig::default()
    })
    .await
    .expect("simulator")
}

async fn get(url: &str, key: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .get(url)
        .bearer_auth(key)
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn send(
    method: reqwest::Method,
    url: &str,
    key: &str,
    idem: &str,
    body: Value,
) -> (u16, Value) {
    let r = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(key)
        .header("Idempotency-Key", idem)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn each_system_has_its_key() {
    let s = sim(5, 2).await;
    let (status, body) = get(&format!("{}/ping", s.url(System::Pos)), "meituan-pos-key").await;
    assert_eq!((status, &body["data"]["ok"]), (200, &json!(true)));
    // Each endpoint itself answers (a plain connection probe), with its key only.
    assert_eq!(get(&s.url(System::Supplier), "shuhai-key").await.0, 200);
    assert_eq!(
        get(&s.url(System::Supplier), "meituan-pos-key").await.0,
        401
    );
    // The supplier's key is not the member platform's.
    let (status, body) = get(&format!("{}/members", s.url(System::Member)), "shuhai-key").await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "invalid_api_key");
    let bare = reqwest::Client::new()
        .get(format!("{}/members", s.url(System::Member)))
        .header("X-Api-Key", "wechat-member-key")
        .send()
        .await
        .expect("request");
    assert_eq!(bare.status().as_u16(), 200);
    assert_eq!(s.stats().rejected_keys, 2);
}

#[tokio::test]
async fn lists_page_by_change_time_and_follow_vendor_side_changes() {
    let s = sim(25, 4).await;
    let url = format!("{}/members?page=2&limit=10", s.url(System::Member));
    let (status, page) = get(&url, "wechat-member-key").await;
    assert_eq!(status, 200);
    assert_eq!(
        (page["total"].as_u64(), page["has_more"].as_bool()),
        (Some(25), Some(true))
    );
    assert_eq!(page["data"].as_array().map(Vec::len), Some(10));
    let first = s.member("MEM-0001").expect("member");
    let changed = s.set_member_points("MEM-0003", 4242).expect("changed");
    assert_eq!(changed["points"], 4242);
    assert!(changed["updated_at"].as_str() > first["updated_at"].as_str());
    let since = changed["updated_at"]
        .as_str()
        .expect("time")
        .replace('+', "%2B");
    let url = format!("{}/members?updated_since={since}", s.url(System::Member));
    let (_, page) = get(&url, "wechat-member-key").await;
    let ids: Vec<&str> = page["data"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|m| m["member_id"].as_str())
        .collect();
    assert_eq!(ids, ["MEM-0003"]);
    // Orders: a status can be set either way; delivered records when.
    let delivered = s.set_order_status("PO-00001", "delivered").expect("order");
    assert!(delivered["actual_delivery"].is_string());
    assert_eq!(
        s.set_order_status("PO-00001", "pending").expect("o")["status"],
        "pending"
    );
    assert!(s.set_order_status("PO-99999", "shipped").is_none());
}

#[tokio::test]
async fn writes_apply_once_per_idempotency_key() {
    let s = sim(3, 1).await;
    let url = format!("{}/members/MEM-0001", s.url(System::Member));
    for _ in 0..2 {
        let (status, body) = send(
            reqwest::Method::PUT,
            &url,
            "wechat-member-key",
            "k-1",
            json!({"member_id": "MEM-0001", "points": 1800, "level": "gold"}),
        )
        .await;
        assert_eq!((status, &body["data"]["points"]), (200, &json!(1800)));
    }
    assert_eq!(s.pushes("member:MEM-0001"), 1);
    assert_eq!(s.stats().replays, 1);
    assert_eq!(s.member("MEM-0001").expect("m")["level"], "gold");
    let orders = format!("{}/orders", s.url(System::Supplier));
    let order = json!({"order_number": "PO-NEW-1", "supplier_id": "SUP-001", "total": 10.0});
    let (status, body) = send(
        reqwest::Method::POST,
        &orders,
        "shuhai-key",
        "o-1",
        order.clone(),
    )
    .await;
    assert_eq!((status, &body["data"]["status"]), (201, &json!("pending")));
    let (status, body) = send(reqwest::Method::POST, &orders, "shuhai-key", "o-2", order).await;
    assert_eq!((status, &body["error"]["code"]), (409, &json!("duplicate")));
    assert_eq!(s.pushes("order:PO-NEW-1"), 1);
}

#[tokio::test]
async fn outage_and_faults_refuse_calls() {
    let s = sim(3, 1).await;
    let url = format!("{}/members", s.url(System::Member));
    s.set_outage(true);
    let (status, body) = get(&url, "wechat-member-key").await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (503, &json!("service_unavailable"))
    );
    s.set_outage(false);
    assert_eq!(get(&url, "wechat-member-key").await.0, 200);
    s.set_faults(FaultSpec::parse("429:1").expect("spec"));
    let r = reqwest::Client::new()
        .get(&url)
        .bearer_auth("wechat-member-key")
        .send()
        .await
        .expect("request");
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["retry-after"], "1");
    let stats = s.stats();
    assert_eq!(
        (stats.outage_refusals, stats.faults.get("429").copied()),
        (1, Some(1))
    );
}
