//! Each fault kind, over real HTTP, at probability 1 so the outcome is certain.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::tests::{get, login, send, sim, sim_with};
use super::{ErpSim, ErpSimConfig, FaultSpec};

fn faults(text: &str) -> FaultSpec {
    FaultSpec::parse(text).expect("a valid spec")
}

async fn faulty(text: &str) -> ErpSim {
    sim_with(ErpSimConfig {
        records: 20,
        faults: faults(text),
        ..ErpSimConfig::default()
    })
    .await
}

fn fault_count(sim: &ErpSim, kind: &str) -> u64 {
    sim.stats().faults.get(kind).copied().unwrap_or(0)
}

fn new_order() -> Value {
    json!({"customer_id": "C000001", "items": [{"product_id": "P000001", "quantity": "1"}]})
}

#[tokio::test]
async fn rate_limits_and_server_errors_carry_their_codes() {
    let sim = faulty("429:1").await;
    let c = reqwest::Client::new();
    let token = login(&c, &sim).await;
    let resp = c
        .get(format!("{}/customers", sim.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .expect("answer");
    assert_eq!(resp.status().as_u16(), 429);
    assert_eq!(
        resp.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["error"]["code"], "rate_limited");
    // Not on login, health or the hooks.
    assert_eq!(
        send(c.get(format!("{}/health", sim.base_url()))).await.0,
        200
    );
    assert_eq!(
        send(c.get(format!("{}/_sim/stats", sim.base_url())))
            .await
            .0,
        200
    );
    assert_eq!(fault_count(&sim, "429"), 1);

    sim.set_faults(faults("500:1"));
    for _ in 0..6 {
        let (status, body) = get(&c, &sim, &token, "/products").await;
        assert!([500, 502, 503].contains(&status), "{status}");
        assert_eq!(body["error"]["code"], "server_error");
    }
    // A faulted write is never applied.
    let (status, _) = send(
        c.post(format!("{}/orders", sim.base_url()))
            .bearer_auth(&token)
            .json(&new_order()),
    )
    .await;
    assert!(status >= 500);
    let url = format!("{}/orders/O000001/status", sim.base_url());
    let put = c
        .put(url)
        .bearer_auth(&token)
        .header("Idempotency-Key", "f-1")
        .json(&json!({"status": "cancelled"}));
    assert!(send(put).await.0 >= 500);
    let stats = sim.stats();
    assert_eq!(
        (stats.faults.get("500"), stats.writes.orders_created),
        (Some(&8), 0)
    );
    assert_eq!(stats.writes.order_status_log[0].outcome, "fault:500");
    assert_eq!(
        stats.writes.order_status_log[0].idempotency_key.as_deref(),
        Some("f-1")
    );
    assert_eq!(sim.ids("orders").len(), 5);
    sim.stop().await;
}

#[tokio::test]
async fn timeouts_hold_the_request_and_slow_adds_latency() {
    let sim = faulty("timeout:1").await;
    let c = reqwest::Client::new();
    let token = login(&c, &sim).await;
    let quick = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let err = quick
        .get(format!("{}/customers", sim.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .expect_err("held");
    assert!(err.is_timeout(), "{err}");
    assert_eq!(fault_count(&sim, "timeout"), 1);

    sim.set_faults(faults("slow:200ms:1"));
    let started = Instant::now();
    let (status, _) = get(&c, &sim, &token, "/customers/C000001").await;
    assert_eq!(status, 200);
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(fault_count(&sim, "slow"), 1);
    sim.stop().await;
}

#[tokio::test]
async fn malformed_bodies_are_not_json() {
    let sim = faulty("malformed:1").await;
    let c = reqwest::Client::new();
    let token = login(&c, &sim).await;
    for path in [
        "/customers",
        "/orders/O000001",
        "/products/P000001/inventory",
    ] {
        let resp = c
            .get(format!("{}{path}", sim.base_url()))
            .bearer_auth(&token)
            .send()
            .await
            .expect("answer");
        assert_eq!(resp.status().as_u16(), 200);
        let bytes = resp.bytes().await.expect("body");
        assert!(!bytes.is_empty());
        assert!(serde_json::from_slice::<Value>(&bytes).is_err(), "{path}");
    }
    let resp = c
        .post(format!("{}/orders", sim.base_url()))
        .bearer_auth(&token)
        .json(&new_order())
        .send()
        .await
        .expect("answer");
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.json::<Value>().await.is_err());
    assert_eq!(
        (
            fault_count(&sim, "malformed"),
            sim.stats().writes.orders_created
        ),
        (4, 0)
    );
    sim.stop().await;
}

#[tokio::test]
async fn resets_drop_the_connection_and_say_whether_the_write_landed() {
    let sim = faulty("reset:1").await;
    let token = login(&reqwest::Client::new(), &sim).await;
    let err = reqwest::Client::new()
        .get(format!("{}/customers", sim.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .expect_err("no answer");
    assert!(format!("{err:?}").contains("ConnectionReset"), "{err:?}");

    let mut keys = Vec::new();
    for i in 0..8 {
        let key = format!("r-{i}");
        let req = reqwest::Client::new()
            .post(format!("{}/orders", sim.base_url()))
            .bearer_auth(&token)
            .header("Idempotency-Key", &key)
            .json(&new_order());
        assert!(req.send().await.is_err());
        keys.push(key);
    }
    let stats = sim.stats();
    assert_eq!(stats.faults.get("reset"), Some(&9));
    assert_eq!(
        stats.writes.resets_applied + stats.writes.resets_not_applied,
        8
    );
    assert_eq!(stats.writes.orders_created, stats.writes.resets_applied);
    let created_before_retry = stats.writes.resets_applied;
    assert!(
        stats.writes.resets_applied > 0 && stats.writes.resets_not_applied > 0,
        "{:?}",
        stats.writes
    );

    // A status update that was reset: the log says whether it took effect.
    let put = reqwest::Client::new()
        .put(format!("{}/orders/O000001/status", sim.base_url()))
        .bearer_auth(&token)
        .header("Idempotency-Key", "st-1")
        .json(&json!({"status": "confirmed"}));
    assert!(put.send().await.is_err());
    let logged = sim.stats().writes.order_status_log;
    let entry = logged.last().expect("logged");
    assert!(entry.reset && entry.idempotency_key.as_deref() == Some("st-1"));
    let now = sim.record("orders", "O000001").expect("order")["status"].clone();
    match entry.outcome.as_str() {
        "applied" => assert_eq!(now, "confirmed"),
        "fault:reset" => assert_eq!(now, "pending"),
        other => panic!("unexpected outcome {other}"),
    }

    // Retrying with the same keys: each order exists exactly once afterwards.
    sim.set_faults(FaultSpec::none());
    let c = reqwest::Client::new();
    for key in &keys {
        let req = c
            .post(format!("{}/orders", sim.base_url()))
            .bearer_auth(&token)
            .header("Idempotency-Key", key)
            .json(&new_order());
        assert_eq!(send(req).await.0, 201);
    }
    let stats = sim.stats();
    assert_eq!(stats.writes.orders_created, 8);
    assert_eq!(stats.writes.idempotent_replays, created_before_retry);
    assert_eq!(sim.ids("orders").len(), 5 + 8);
    sim.stop().await;
}

#[tokio::test]
async fn tokens_expire_every_nth_request() {
    let sim = faulty("expire_token_every:2").await;
    let c = reqwest::Client::new();
    let token = login(&c, &sim).await;
    assert_eq!(get(&c, &sim, &token, "/customers").await.0, 200);
    let (status, body) = get(&c, &sim, &token, "/customers").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("token_expired"))
    );
    // The token stays expired: the client must log in again.
    assert_eq!(get(&c, &sim, &token, "/customers").await.0, 401);
    let fresh = login(&c, &sim).await;
    assert_eq!(get(&c, &sim, &fresh, "/customers").await.0, 200);
    assert_eq!(fault_count(&sim, "expire_token_every"), 1);
    sim.stop().await;
}

#[tokio::test]
async fn bursts_of_503_after_n_requests() {
    let sim = faulty("burst500:2@1").await;
    let c = reqwest::Client::new();
    let token = login(&c, &sim).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(get(&c, &sim, &token, "/orders?limit=5").await.0);
    }
    assert_eq!(statuses, [200, 503, 503, 200]);
    assert_eq!(fault_count(&sim, "burst500"), 2);
    sim.stop().await;
}

#[tokio::test]
async fn faults_can_be_set_over_http_and_bad_specs_are_named() {
    let sim = sim(10).await;
    let c = reqwest::Client::new();
    let url = format!("{}/_sim/faults", sim.base_url());
    let (status, body) = send(c.post(&url).json(&json!({"spec": "429:0.5,slow:1:0.1"}))).await;
    assert_eq!(status, 400);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("`slow:1:0.1`"),
        "{body}"
    );
    let (status, body) = send(c.post(&url).json(&json!({"spec": "429:1"}))).await;
    assert_eq!((status, body["faults"].as_str()), (200, Some("429:1")));
    let token = login(&c, &sim).await;
    assert_eq!(get(&c, &sim, &token, "/customers").await.0, 429);
    let (_, stats) = send(c.get(format!("{}/_sim/stats", sim.base_url()))).await;
    assert_eq!(stats["faults"]["429"], 1);
    assert_eq!(stats["logins"], 1);
    sim.stop().await;
}
