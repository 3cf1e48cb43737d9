//! The router over real HTTP on loopback: its checks, codes, paging, limits and pushes.

use serde_json::{json, Map, Value};

use super::webhook::{encrypt, push_at};
use super::*;

fn config() -> TemuSimConfig {
    TemuSimConfig {
        orders: 120,
        goods: 40,
        ..TemuSimConfig::default()
    }
}

/// A body for `api_type` with the common parameters, signed with `secret`.
fn body(c: &TemuSimConfig, api_type: &str, params: Value, secret: &str, ts: i64) -> Value {
    let mut map: Map<String, Value> = params.as_object().cloned().unwrap_or_default();
    map.insert("type".into(), api_type.into());
    map.insert("app_key".into(), c.app_key.clone().into());
    map.insert("access_token".into(), c.access_token.clone().into());
    map.insert("timestamp".into(), ts.into());
    map.insert("data_type".into(), "JSON".into());
    let text = Value::Object(map.clone()).to_string();
    let members = wire::members(&text).unwrap_or_default();
    map.insert("sign".into(), wire::sign(&members, secret).into());
    Value::Object(map)
}

async fn post(sim: &TemuSim, body: &Value) -> Value {
    let reply = reqwest::Client::new()
        .post(format!("{}/openapi/router", sim.base_url()))
        .json(body)
        .send()
        .await
        .expect("the simulator answers");
    assert_eq!(reply.status().as_u16(), 200);
    reply.json().await.expect("a JSON envelope")
}

async fn call(sim: &TemuSim, api_type: &str, params: Value) -> Value {
    let c = sim.config().clone();
    post(sim, &body(&c, api_type, params, &c.app_secret, now_secs())).await
}

fn code(v: &Value) -> i64 {
    v["errorCode"].as_i64().unwrap_or_default()
}

#[tokio::test]
async fn orders_page_newest_first_within_a_window() {
    let sim = TemuSim::start(config()).await.expect("start");
    let all = call(&sim, "bg.order.list.v2.get", json!({"pageSize": 100})).await;
    assert_eq!(all["success"], true, "{all}");
    assert_eq!(all["result"]["totalItemNum"], 120);
    assert_eq!(
        all["result"]["pageItems"].as_array().map(Vec::len),
        Some(100)
    );
    let page2 = call(
        &sim,
        "bg.order.list.v2.get",
        json!({"pageSize": 100, "pageNumber": 2}),
    )
    .await;
    assert_eq!(
        page2["result"]["pageItems"].as_array().map(Vec::len),
        Some(20)
    );
    let times: Vec<i64> = all["result"]["pageItems"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["parentOrderMap"]["parentOrderTime"].as_i64())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");

    let sn = sim.order_sns()[7].clone();
    let at = sim.order(&sn).expect("order")["parentOrderMap"]["updateTime"]
        .as_i64()
        .unwrap_or(0);
    let window = call(
        &sim,
        "bg.order.list.v2.get",
        json!({"updateAtStart": at, "updateAtEnd": at, "pageSize": 100}),
    )
    .await;
    let items = window["result"]["pageItems"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(items
        .iter()
        .any(|i| i["parentOrderMap"]["parentOrderSn"] == sn.as_str()));
    assert!(
        items
            .iter()
            .all(|i| i["parentOrderMap"]["updateTime"] == at),
        "both ends inclusive"
    );

    let detail = call(&sim, "bg.order.detail.v2.get", json!({"parentOrderSn": sn})).await;
    assert_eq!(
        detail["result"]["parentOrderMap"]["parentOrderSn"],
        sn.as_str()
    );
    assert!(detail["result"]["parentOrderMap"]["updateTime"].is_null());
    let missing = call(
        &sim,
        "bg.order.detail.v2.get",
        json!({"parentOrderSn": "PO-211-0"}),
    )
    .await;
    assert_eq!(code(&missing), routes::ORDER_NOT_FOUND);
}

#[tokio::test]
async fn goods_page_by_status_and_id() {
    let sim = TemuSim::start(config()).await.expect("start");
    let active = sim.goods_ids(Some(1));
    let q = |page: i64| {
        json!({"pageNo": page, "pageSize": 7, "goodsSearchType": 1,
        "goodsStatusFilterType": 1, "orderField": "goodsId", "orderType": 1})
    };
    let mut seen = Vec::new();
    for page in 1..=10 {
        let r = call(&sim, "bg.local.goods.list.query", q(page)).await;
        assert_eq!(r["result"]["total"], active.len(), "{r}");
        let list = r["result"]["goodsList"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        seen.extend(list.iter().map(|g| g["goodsId"].to_string()));
        assert!(list.iter().all(|g| g["status"] == 1));
    }
    assert_eq!(seen, active, "every active goods once, ascending");
    let missing = call(
        &sim,
        "bg.local.goods.list.query",
        json!({"pageNo": 1, "pageSize": 7, "goodsSearchType": 1}),
    )
    .await;
    assert_eq!(code(&missing), routes::INVALID_PARAMETERS);
}

#[tokio::test]
async fn every_check_answers_its_code() {
    let sim = TemuSim::start(config()).await.expect("start");
    let c = sim.config().clone();
    let list = json!({"pageSize": 1});
    let bad_sign = post(
        &sim,
        &body(
            &c,
            "bg.order.list.v2.get",
            list.clone(),
            "wrong-secret",
            now_secs(),
        ),
    )
    .await;
    assert_eq!(code(&bad_sign), routes::BAD_SIGN);
    let old = post(
        &sim,
        &body(
            &c,
            "bg.order.list.v2.get",
            list.clone(),
            &c.app_secret,
            now_secs() - 301,
        ),
    )
    .await;
    assert_eq!(code(&old), routes::TIMESTAMP_EXPIRED);
    let mut other_app = c.clone();
    other_app.app_key = "not-this-app".into();
    let unknown_app = post(
        &sim,
        &body(
            &other_app,
            "bg.order.list.v2.get",
            list.clone(),
            &c.app_secret,
            now_secs(),
        ),
    )
    .await;
    assert_eq!(code(&unknown_app), routes::APP_UNKNOWN);
    let mut other_token = c.clone();
    other_token.access_token = "not-this-token".into();
    let unknown_token = post(
        &sim,
        &body(
            &other_token,
            "bg.order.list.v2.get",
            list.clone(),
            &c.app_secret,
            now_secs(),
        ),
    )
    .await;
    assert_eq!(code(&unknown_token), routes::TOKEN_UNKNOWN);
    assert_eq!(
        code(&call(&sim, "bg.nothing.get", json!({})).await),
        routes::TYPE_UNKNOWN
    );
    assert_eq!(
        code(&call(&sim, "bg.order.list.v2.get", json!({"pageSize": 101})).await),
        routes::INVALID_PARAMETERS
    );
    assert_eq!(
        code(&call(&sim, "bg.order.list.v2.get", json!({"updateAtStart": 1})).await),
        routes::INVALID_PARAMETERS
    );
    sim.refuse_ip(true);
    assert_eq!(
        code(&call(&sim, "bg.order.list.v2.get", list.clone()).await),
        routes::IP_NOT_ALLOWED
    );
    sim.refuse_ip(false);
    sim.force_error(150_010_005, "Try again later", 1);
    assert_eq!(
        code(&call(&sim, "bg.order.list.v2.get", list.clone()).await),
        150_010_005
    );
    assert_eq!(
        code(&call(&sim, "bg.order.list.v2.get", list.clone()).await),
        routes::OK
    );
    sim.expire_tokens();
    assert_eq!(
        code(&call(&sim, "bg.order.list.v2.get", list).await),
        routes::TOKEN_EXPIRED
    );
    let stats = sim.stats();
    assert_eq!(stats.refused_with(routes::BAD_SIGN), 1);
    assert_eq!(stats.refused_with(routes::TOKEN_EXPIRED), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_twenty_calls_a_second_are_refused() {
    let sim = TemuSim::start(config()).await.expect("start");
    let calls: Vec<_> = (0..80)
        .map(|_| call(&sim, "bg.order.list.v2.get", json!({"pageSize": 1})))
        .collect();
    let mut limited = 0;
    for reply in futures_join(calls).await {
        if code(&reply) == routes::RATE_LIMITED {
            limited += 1;
        }
    }
    // The bucket holds 20; the burst cannot refill 60 more within its own few hundred milliseconds.
    assert!(limited > 0, "a burst of 80 is limited");
    assert_eq!(sim.stats().rate_limited, limited);
}

/// Runs the futures concurrently on this task (no extra dependency).
async fn futures_join<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let handles: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut out = Vec::new();
    let mut pending: Vec<_> = handles.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = pending.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut waiting = false;
        for (slot, result) in pending.iter_mut().zip(results.iter_mut()) {
            if let Some(fut) = slot {
                match fut.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => {
                        *result = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => waiting = true,
                }
            }
        }
        if waiting {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.extend(results.into_iter().flatten());
    out
}

#[tokio::test]
async fn orders_change_while_listed_and_faults_apply() {
    let sim = TemuSim::start(config()).await.expect("start");
    sim.set_churn(1, 3);
    let before = sim.order(&sim.order_sns()[0]).expect("order");
    call(&sim, "bg.order.list.v2.get", json!({"pageSize": 1})).await;
    let after = sim.order(&sim.order_sns()[0]).expect("order");
    assert_eq!(sim.stats().orders_touched, 3);
    assert!(
        after["parentOrderMap"]["updateTime"].as_i64()
            >= before["parentOrderMap"]["updateTime"].as_i64()
    );
    assert!(after["parentOrderMap"]["updateTime"].as_i64() >= Some(now_secs() - 5));
    sim.set_churn(0, 0);

    sim.set_faults(FaultSpec::parse("expire_token_every:2").expect("spec"));
    assert_eq!(
        code(&call(&sim, "bg.order.list.v2.get", json!({})).await),
        routes::OK
    );
    assert_eq!(
        code(&call(&sim, "bg.order.list.v2.get", json!({})).await),
        routes::TOKEN_EXPIRED
    );
    assert_eq!(sim.stats().faults.get("expire_token_every"), Some(&1));
}

#[test]
fn pushes_match_the_guides_vectors() {
    let data = r#"{"orderSn":"XXYYZZ","status":1}"#;
    assert_eq!(
        encrypt(data, "12345678abcdefgh"),
        "sQmNTAKR2o4HrmCO3OchFgGyJU5Qta57+JQxxgVyVPU="
    );
    let doc = push_at(
        "demo-test-app",
        "12345678abcdefgh",
        "bg_test_event",
        data,
        WebhookLayout::DocExample,
        1_726_127_013_525,
    );
    assert_eq!(
        doc.header("x-tm-signature"),
        Some("b5143d1a831453afbcf76d4621baa74a2dc07a486f26f5a956c6e50c61a338fb")
    );
    let java = push_at(
        "demo-test-app",
        "12345678abcdefgh",
        "bg_test_event",
        data,
        WebhookLayout::JavaPairs,
        1_726_127_013_525,
    );
    assert_eq!(
        java.header("x-tm-signature"),
        Some("6341DED462A170A9A6D0AC99C1D963558D8635FE07165373F551F37E35E77934")
    );
    let body: Value = serde_json::from_slice(&doc.body).unwrap_or_default();
    assert_eq!(
        body["eventData"],
        "sQmNTAKR2o4HrmCO3OchFgGyJU5Qta57+JQxxgVyVPU="
    );
}
