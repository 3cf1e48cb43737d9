use serde_json::Value;

use super::*;

async fn sim(records: usize) -> YidingSim {
    YidingSim::start(YidingSimConfig {
        records,
        ..YidingSimConfig::default()
    })
    .await
    .expect("sim")
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn call(sim: &YidingSim, req: reqwest::RequestBuilder, key: Option<&str>) -> (u16, Value) {
    let key = key.map_or_else(|| sim.config().api_key.clone(), str::to_owned);
    let resp = req
        .header("Authorization", format!("Bearer {key}"))
        .send()
        .await
        .expect("send");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn list(sim: &YidingSim, query: &str) -> (u16, Value) {
    let url = format!("{}/list?{query}", sim.api_endpoint());
    call(sim, client().get(url), None).await
}

async fn put_status(sim: &YidingSim, id: &str, query: &str, key: Option<&str>) -> (u16, Value) {
    let url = format!("{}/{id}/status?{query}", sim.api_endpoint());
    let mut req = client().put(url);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    call(sim, req, None).await
}

fn id_with(sim: &YidingSim, status: &str) -> String {
    sim.ids()
        .into_iter()
        .find(|id| sim.reservation(id).is_some_and(|r| r["status"] == status))
        .expect("a reservation with that status")
}

#[tokio::test]
async fn the_api_key_is_checked() {
    let sim = sim(5).await;
    let url = format!("{}/list", sim.api_endpoint());
    let none = client().get(&url).send().await.expect("send");
    assert_eq!(none.status().as_u16(), 401);
    let (status, body) = call(&sim, client().get(&url), Some("wrong")).await;
    assert_eq!(
        (status, body["detail"].as_str()),
        (401, Some("Invalid API key"))
    );
    assert_eq!(list(&sim, "").await.0, 200);
    sim.rotate_api_key("new-key");
    assert_eq!(list(&sim, "").await.0, 401);
    assert_eq!(call(&sim, client().get(&url), Some("new-key")).await.0, 200);
    assert_eq!(sim.stats().rejected_keys, 3);
}

#[tokio::test]
async fn lists_page_in_change_order_and_respect_the_limit() {
    let sim = sim(25).await;
    let (_, first) = list(&sim, "limit=10&page=1").await;
    assert_eq!(first["total"], 25);
    let rows = first["data"].as_array().expect("data");
    assert_eq!(rows.len(), 10);
    assert_eq!(rows[0]["reservation_id"], "RES-000001");
    let times: Vec<&str> = rows
        .iter()
        .filter_map(|r| r["updated_at"].as_str())
        .collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    let (_, third) = list(&sim, "limit=10&page=3").await;
    assert_eq!(third["data"].as_array().map(Vec::len), Some(5));
    // Inclusive change filter: the last record's time and later.
    let since = rows[9]["updated_at"].as_str().expect("time");
    let (_, later) = list(&sim, &format!("limit=100&updated_since={since}")).await;
    assert_eq!(later["total"], 16);
    assert_eq!(list(&sim, "limit=101").await.0, 422);
    assert_eq!(sim.stats().max_limit_asked, 100);
    let (_, other) = list(&sim, "store_id=store-999").await;
    assert_eq!(other["total"], 0);
    let (_, pending) = list(&sim, "status=pending").await;
    let pending = pending["data"].as_array().expect("data").clone();
    assert!(!pending.is_empty() && pending.iter().all(|r| r["status"] == "pending"));
    assert_eq!(list(&sim, "status=lost").await.0, 422);
}

#[tokio::test]
async fn an_edit_moves_the_record_to_the_end_of_the_change_order() {
    let sim = sim(5).await;
    assert_eq!(sim.touch(&["RES-000002".to_owned()], "改到靠窗"), 1);
    let (_, page) = list(&sim, "").await;
    let last = &page["data"][4];
    assert_eq!(
        (last["reservation_id"].as_str(), last["notes"].as_str()),
        (Some("RES-000002"), Some("改到靠窗"))
    );
}

#[tokio::test]
async fn status_changes_follow_the_machine_and_apply_once_per_key() {
    let sim = sim(20).await;
    let id = id_with(&sim, "confirmed");
    let q = "status=arrived&arrival_time=2024-02-15T18:05:00";
    let (status, body) = put_status(&sim, &id, q, Some("k1")).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("arrived")));
    assert_eq!(body["arrival_time"], "2024-02-15T18:05:00");
    // The same delivery again: the first answer, nothing applied twice.
    assert_eq!(put_status(&sim, &id, q, Some("k1")).await.0, 200);
    // The same status without a key: harmless.
    assert_eq!(put_status(&sim, &id, q, None).await.0, 200);
    assert_eq!(put_status(&sim, &id, "status=seated", None).await.0, 422);
    assert_eq!(put_status(&sim, &id, "status=pending", None).await.0, 409);
    assert_eq!(
        put_status(&sim, "RES-999999", "status=arrived", None)
            .await
            .0,
        404
    );
    assert_eq!(put_status(&sim, &id, "status=eaten", None).await.0, 422);
    let (status, body) = put_status(&sim, &id, "status=seated&table_number=A08", None).await;
    assert_eq!((status, body["table_number"].as_str()), (200, Some("A08")));
    let stats = sim.stats();
    assert_eq!(
        (stats.status_updates_applied, stats.idempotent_replays),
        (2, 1)
    );
    let outcomes: Vec<&str> = stats
        .status_log
        .iter()
        .map(|u| u.outcome.as_str())
        .collect();
    assert_eq!(
        outcomes,
        [
            "applied",
            "replayed",
            "unchanged",
            "validation_error",
            "invalid_transition",
            "not_found",
            "validation_error",
            "applied"
        ]
    );
}

#[tokio::test]
async fn an_outage_refuses_everything_and_changes_nothing() {
    let sim = sim(10).await;
    let id = id_with(&sim, "confirmed");
    sim.set_outage(true);
    assert_eq!(list(&sim, "").await.0, 503);
    assert_eq!(
        put_status(&sim, &id, "status=arrived", Some("k")).await.0,
        503
    );
    assert_eq!(sim.reservation(&id).expect("row")["status"], "confirmed");
    sim.set_outage(false);
    assert_eq!(
        put_status(&sim, &id, "status=arrived", Some("k")).await.0,
        200
    );
    let stats = sim.stats();
    assert_eq!(
        (stats.outage_refusals, stats.status_updates_applied),
        (2, 1)
    );
    assert_eq!(stats.status_log[0].outcome, "outage");
}

#[tokio::test]
async fn injected_faults_answer_like_a_failing_server() {
    let sim = sim(10).await;
    sim.set_faults(FaultSpec::parse("429:1").expect("spec"));
    let resp = client()
        .get(format!("{}/list", sim.api_endpoint()))
        .header("Authorization", format!("Bearer {}", sim.config().api_key))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status().as_u16(), 429);
    assert_eq!(resp.headers()["retry-after"], "1");
    sim.set_faults(FaultSpec::parse("expire_token_every:1").expect("spec"));
    assert_eq!(list(&sim, "").await.1["detail"], "API key expired");
    sim.set_faults(FaultSpec::parse("reset:1").expect("spec"));
    let dropped = client()
        .get(format!("{}/list", sim.api_endpoint()))
        .header("Authorization", format!("Bearer {}", sim.config().api_key))
        .send()
        .await;
    assert!(dropped.is_err(), "the connection is dropped, not answered");
    sim.set_faults(FaultSpec::none());
    assert_eq!(list(&sim, "").await.0, 200);
}

#[test]
fn signatures_match_the_published_vectors() {
    assert_eq!(
        sign_standard(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            br#"{"test": 2432232314}"#
        )
        .as_deref(),
        Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    );
    assert_eq!(
        sign_sha256("It's a Secret to Everybody", b"Hello, World!"),
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    );
    assert_eq!(sign_standard("not base64!", "id", 1, b"{}"), None);
}

#[tokio::test]
async fn webhooks_carry_the_seed_envelope_and_a_signature_over_it() {
    let sim = sim(3).await;
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let hook = sim
        .webhook(
            "reservation.cancelled",
            "RES-000001",
            WebhookScheme::StandardWebhooks,
            secret,
        )
        .expect("hook");
    let body: Value = serde_json::from_slice(&hook.body).expect("json");
    assert_eq!(body["event"], "reservation.cancelled");
    assert_eq!(body["data"]["status"], "cancelled");
    assert_eq!(body["data"]["external_id"], "yiding_res_000001");
    let ts: i64 = hook
        .header("webhook-timestamp")
        .and_then(|t| t.parse().ok())
        .expect("ts");
    let expected = sign_standard(secret, &hook.event_id, ts, &hook.body);
    assert_eq!(hook.header("webhook-signature"), expected.as_deref());
    let forged = hook.tampered();
    assert_ne!(forged.body, hook.body);
    assert!(
        serde_json::from_slice::<Value>(&forged.body).is_ok(),
        "still JSON"
    );
    let sha = sim
        .webhook(
            "reservation.updated",
            "RES-000002",
            WebhookScheme::Sha256,
            "s3cret",
        )
        .expect("hook");
    assert_eq!(
        sha.header("x-signature-256"),
        Some(sign_sha256("s3cret", &sha.body).as_str())
    );
    assert!(sim
        .webhook("reservation.created", "RES-404", WebhookScheme::Sha256, "s")
        .is_none());
}
