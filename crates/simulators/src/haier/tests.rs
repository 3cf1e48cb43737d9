//! Tokens, limits, data and faults over real HTTP on 127.0.0.1.

use serde_json::{json, Value};

use super::routes::{LOGISTICS, PRICES, PRODUCTS, STOCK};
use super::{FaultSpec, HaierSim, HaierSimConfig};

async fn sim(products: usize, faults: &str) -> HaierSim {
    HaierSim::start(HaierSimConfig {
        products,
        orders: 6,
        faults: FaultSpec::parse(faults).expect("faults"),
        ..HaierSimConfig::default()
    })
    .await
    .expect("sim")
}

async fn token(sim: &HaierSim) -> String {
    let c = sim.config();
    let v: Value = reqwest::Client::new()
        .post(format!("{}/oauth2/auth", sim.base_url()))
        .json(
            &json!({"client_id": c.client_id, "client_secret": c.client_secret,
            "grant_type": "client_credentials"}),
        )
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    v["access_token"].as_str().expect("access_token").to_owned()
}

/// A data call: status, raw text.
async fn call(sim: &HaierSim, token: &str, path: &str, body: Value) -> (u16, String) {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", sim.base_url()))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("call");
    let status = r.status().as_u16();
    (status, r.text().await.expect("text"))
}

fn info_body(sim: &HaierSim, codes: &[String]) -> Value {
    let c = sim.config();
    json!({"customerCode": c.customer_code, "sendToCode": c.send_to_code, "supplierCode": "1001",
        "searchType": "PTJSH", "passWord": c.password, "productCodes": codes})
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("json")
}

#[tokio::test]
async fn a_wrong_secret_is_refused_the_oauth2_way() {
    let sim = sim(10, "").await;
    let r = reqwest::Client::new()
        .post(format!("{}/oauth2/auth", sim.base_url()))
        .json(
            &json!({"client_id": sim.config().client_id, "client_secret": "nope",
            "grant_type": "client_credentials"}),
        )
        .send()
        .await
        .expect("token");
    assert_eq!(r.status().as_u16(), 401);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["error"], "invalid_client");
    let stats = sim.stats();
    assert_eq!((stats.tokens_issued, stats.failed_token_requests), (0, 1));
}

#[tokio::test]
async fn more_than_twenty_codes_are_refused_and_counted() {
    let sim = sim(45, "").await;
    let t = token(&sim).await;
    let codes = sim.product_codes();
    let (status, text) = call(&sim, &t, PRODUCTS, info_body(&sim, &codes[..21])).await;
    let v = parse(&text);
    assert_eq!(
        (status, v["success"].clone(), v["code"].clone()),
        (200, json!(false), json!("400"))
    );
    let (_, text) = call(&sim, &t, PRODUCTS, info_body(&sim, &codes[..20])).await;
    let v = parse(&text);
    assert_eq!(v["data"].as_array().map(Vec::len), Some(20));
    assert_eq!(v["data"][0], sim.product(&codes[0]).expect("product"));
    // No codes: every procurable product (every 13th is not).
    let (_, text) = call(&sim, &t, PRODUCTS, info_body(&sim, &[])).await;
    assert_eq!(parse(&text)["data"].as_array().map(Vec::len), Some(45 - 3));
    let stats = sim.stats();
    assert_eq!(
        (stats.oversized_requests, stats.max_codes_per_call),
        (1, 21)
    );
    assert_eq!(stats.requests.get("products"), Some(&3));
}

#[tokio::test]
async fn prices_are_exact_numbers_and_stock_rows_add_up() {
    let sim = sim(30, "").await;
    let t = token(&sim).await;
    let c = sim.config().clone();
    let code = sim.product_codes()[0].clone();
    let body = json!({"customerCode": c.customer_code, "sendToCode": c.send_to_code,
        "productCodes": [code], "priceType": "PT", "passWord": c.password});
    let (_, text) = call(&sim, &t, PRICES, body).await;
    let price = sim.supply_price(&code).expect("price");
    // A bare JSON number with two places, as BigDecimal is written.
    assert!(text.contains(&format!("\"supplyPrice\":{price}")), "{text}");
    let body = json!({"salesCode": c.customer_code, "senderCode": c.send_to_code,
        "productCode": code, "countyCode": "370202", "source": "JSH-B",
        "sellerPassword": c.seller_password});
    let (_, text) = call(&sim, &t, STOCK, body.clone()).await;
    let rows = parse(&text)["data"].as_array().cloned().expect("rows");
    let total: u64 = rows
        .iter()
        .filter_map(|r| r["stock"].as_str()?.parse::<u64>().ok())
        .sum();
    assert_eq!(Some(total), sim.available_stock(&code, "370202"));
    let mut wrong = body;
    wrong["sellerPassword"] = json!("guess");
    let (_, text) = call(&sim, &t, STOCK, wrong).await;
    assert_eq!(parse(&text)["code"], "403");
}

#[tokio::test]
async fn expired_tokens_are_answered_401() {
    let sim = sim(5, "").await;
    let t = token(&sim).await;
    assert_eq!(sim.expire_tokens(), 1);
    let codes = sim.product_codes();
    let (status, text) = call(&sim, &t, PRODUCTS, info_body(&sim, &codes[..1])).await;
    assert_eq!((status, parse(&text)["code"].clone()), (401, json!("401")));
    assert_eq!(sim.stats().rejected_tokens, 1);
}

#[tokio::test]
async fn logistics_for_known_orders_and_nothing_for_others() {
    let sim = sim(5, "").await;
    let t = token(&sim).await;
    let c = sim.config().clone();
    let known = sim.order_codes()[1].clone();
    let body = |order: &str| json!({"orderCode": order, "sellerCode": c.customer_code, "sellerPassword": c.seller_password});
    let (_, text) = call(&sim, &t, LOGISTICS, body(&known)).await;
    assert_eq!(parse(&text)["data"], sim.logistics(&known).expect("known"));
    let (_, text) = call(&sim, &t, LOGISTICS, body("SO.19990101.000001")).await;
    let data = parse(&text)["data"].clone();
    let filled = data
        .as_object()
        .expect("lists")
        .values()
        .filter(|l| l.as_array().is_some_and(|a| !a.is_empty()))
        .count();
    assert_eq!(filled, 0);
}

#[tokio::test]
async fn faults_answer_the_vendor_way() {
    let sim = sim(5, "429:1").await;
    let t = token(&sim).await;
    let codes = sim.product_codes();
    let r = reqwest::Client::new()
        .post(format!("{}{PRODUCTS}", sim.base_url()))
        .bearer_auth(&t)
        .json(&info_body(&sim, &codes[..1]))
        .send()
        .await
        .expect("call");
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(
        r.headers().get("retry-after").and_then(|v| v.to_str().ok()),
        Some("1")
    );
    sim.set_faults(FaultSpec::parse("malformed:1").expect("spec"));
    let (status, text) = call(&sim, &t, PRODUCTS, info_body(&sim, &codes[..1])).await;
    assert_eq!(status, 200);
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    sim.set_faults(FaultSpec::parse("reset:1").expect("spec"));
    let reset = reqwest::Client::new()
        .post(format!("{}{PRODUCTS}", sim.base_url()))
        .bearer_auth(&t)
        .json(&info_body(&sim, &codes[..1]))
        .send()
        .await;
    assert!(reset.is_err(), "a reset connection gives no answer");
    assert_eq!(sim.stats().faults.get("reset"), Some(&1));
}
