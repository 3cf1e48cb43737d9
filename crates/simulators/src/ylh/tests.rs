use base64::Engine as _;
use serde_json::{json, Value};

use super::callback::decode_form;
use super::routes::{CANCEL, CREATE, LOGISTICS, RESCHEDULE};
use super::*;

async fn sim(config: YlhSimConfig) -> YlhSim {
    YlhSim::start(config).await.expect("simulator")
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

/// (status, body) of a token request with these parts.
async fn token_call(
    s: &YlhSim,
    system: &str,
    basic: (&str, &str),
    user: &str,
    pw: &str,
) -> (u16, Value) {
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", basic.0, basic.1));
    let r = http()
        .post(format!("{}/ylh-cloud-mgt-auth/oauth/token", s.base_url()))
        .header("system-name", system)
        .header("authorization", format!("Basic {basic}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("grant_type=password&username={user}&password={pw}"))
        .send()
        .await
        .expect("token call");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn token(s: &YlhSim) -> String {
    let c = s.config().clone();
    let (status, body) = token_call(
        s,
        "ylh-open-api",
        (&c.client_id, &c.client_secret),
        &c.username,
        &c.password,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().expect("token").to_owned()
}

async fn call(s: &YlhSim, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let r = http()
        .post(format!("{}{path}", s.base_url()))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("call");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn order(so_id: &str) -> Value {
    json!({"sourceSystem": "storelink", "shopName": "店", "consigneeName": "李四",
        "consigneeMobile": "13900139000", "onlineNo": so_id, "soId": so_id, "totalQty": 1,
        "totalAmt": 1299.99, "createTime": 1_707_876_000_000_i64, "province": "江苏省",
        "city": "南京市", "area": "鼓楼区", "detailAddress": "江苏省南京市鼓楼区中山北路100号",
        "deliveryInstall": "false",
        "itemList": [{"productCode": "BS01U000N", "itemQty": 1, "retailPrice": 1299.99,
            "discountAmount": 0, "actualPrice": 1299.99, "isGift": false}]})
}

#[tokio::test]
async fn the_token_call_checks_system_name_client_and_user() {
    let s = sim(YlhSimConfig::default()).await;
    let c = s.config().clone();
    let client = (c.client_id.as_str(), c.client_secret.as_str());
    let (st, b) = token_call(&s, "other", client, &c.username, &c.password).await;
    assert_eq!((st, b["error"].as_str()), (401, Some("unauthorized")));
    let (st, b) = token_call(
        &s,
        "ylh-open-api",
        (&c.client_id, "nope"),
        &c.username,
        &c.password,
    )
    .await;
    assert_eq!((st, b["error"].as_str()), (401, Some("invalid_client")));
    let (st, b) = token_call(&s, "ylh-open-api", client, &c.username, "nope").await;
    assert_eq!((st, b["error"].as_str()), (400, Some("invalid_grant")));
    let (st, b) = token_call(&s, "ylh-open-api", client, &c.username, &c.password).await;
    assert_eq!(st, 200);
    assert_eq!(b["token_type"], "bearer");
    assert_eq!(b["expires_in"], 3599);
    let stats = s.stats();
    assert_eq!((stats.tokens_issued, stats.failed_logins), (1, 3));
}

#[tokio::test]
async fn a_soid_is_created_once_and_refused_as_a_duplicate_after() {
    let s = sim(YlhSimConfig::default()).await;
    let t = token(&s).await;
    let (st, first) = call(&s, &t, CREATE, &order("PO-1")).await;
    assert_eq!((st, &first["success"]), (200, &json!(true)), "{first}");
    let retail = first["data"]["retailOrderNo"]
        .as_str()
        .expect("vendor number")
        .to_owned();
    let (_, again) = call(&s, &t, CREATE, &order("PO-1")).await;
    assert_eq!(again["success"], false);
    assert!(
        again["description"]
            .as_str()
            .is_some_and(|d| d.contains("已存在")),
        "{again}"
    );
    let mut bad = order("PO-2");
    bad["consigneeMobile"] = json!("");
    let (_, refused) = call(&s, &t, CREATE, &bad).await;
    assert_eq!(refused["code"], "400");
    let stats = s.stats();
    assert_eq!(stats.create_requests.get("PO-1"), Some(&2));
    assert_eq!((stats.orders_created, stats.duplicate_creates), (1, 1));
    assert_eq!(s.order("PO-1").expect("kept").retail_order_no, retail);
    // Cancel by soId, then again: already cancelled.
    let cancel = json!({"soId": "PO-1", "cancelTime": "1", "cancelReason": "客户要求取消", "sourceSystem": "storelink"});
    assert_eq!(call(&s, &t, CANCEL, &cancel).await.1["success"], true);
    let (_, twice) = call(&s, &t, CANCEL, &cancel).await;
    assert!(twice["description"]
        .as_str()
        .is_some_and(|d| d.contains("已取消")));
    assert_eq!(
        s.stats().cancels.get("PO-1").map(String::as_str),
        Some("客户要求取消")
    );
}

#[tokio::test]
async fn reschedule_times_must_end_the_day_and_logistics_takes_100_codes() {
    let s = sim(YlhSimConfig {
        orders: 3,
        ..YlhSimConfig::default()
    })
    .await;
    let t = token(&s).await;
    // 2024-02-20 23:59:59 at UTC+8, in ms; and one second earlier.
    let good = json!({"retailOrderNo": "SIM-PO-000001", "distributionTime": 1_708_444_799_000_i64});
    assert_eq!(call(&s, &t, RESCHEDULE, &good).await.1["success"], true);
    let early = json!({"retailOrderNo": "SIM-PO-000001", "installTime": 1_708_444_798_000_i64});
    assert_eq!(call(&s, &t, RESCHEDULE, &early).await.1["code"], "400");
    assert_eq!(
        s.order("SIM-PO-000001").expect("order").distribution_time,
        Some(1_708_444_799_000)
    );
    let codes: Vec<String> = (1..=101).map(|n| format!("SIM-PO-{n:06}")).collect();
    let (_, over) = call(&s, &t, LOGISTICS, &json!(codes)).await;
    assert_eq!(over["success"], false);
    let (_, found) = call(&s, &t, LOGISTICS, &json!(codes[..100])).await;
    let rows = found["data"].as_array().expect("rows");
    assert_eq!(rows.len(), 3, "only the orders the vendor has");
    assert_eq!(rows[0]["orderCode"], "SIM-PO-000001");
    assert!(rows[0]["logisticsNo"]
        .as_str()
        .is_some_and(|n| n.starts_with("RRS")));
    let stats = s.stats();
    assert_eq!(
        (stats.logistics_refused, stats.logistics_batches.clone()),
        (1, vec![100])
    );
}

#[tokio::test]
async fn tokens_expire_outages_come_and_go_and_the_rate_is_limited() {
    let s = sim(YlhSimConfig {
        rate_limit_per_second: 3,
        ..YlhSimConfig::default()
    })
    .await;
    let t = token(&s).await;
    assert_eq!(s.expire_tokens(), 1);
    let (st, b) = call(&s, &t, LOGISTICS, &json!([])).await;
    assert_eq!((st, b["error"].as_str()), (401, Some("invalid_token")));
    s.set_outage(true);
    let (st, b) = call(&s, &t, LOGISTICS, &json!([])).await;
    assert_eq!((st, b["code"].as_str()), (503, Some("503")));
    s.set_outage(false);
    let mut limited = 0;
    for _ in 0..20 {
        if call(&s, &t, LOGISTICS, &json!([])).await.0 == 429 {
            limited += 1;
        }
    }
    assert!(limited > 0, "20 calls at 3 a second meet the limit");
    let stats = s.stats();
    assert_eq!(stats.outage_refusals, 1);
    assert_eq!(stats.rate_limited, limited);
}

#[tokio::test]
async fn faults_answer_with_the_vendor_shape() {
    let s = sim(YlhSimConfig {
        faults: FaultSpec::parse("500:1").expect("spec"),
        ..YlhSimConfig::default()
    })
    .await;
    let t = token(&s).await;
    let (st, b) = call(&s, &t, CREATE, &order("PO-9")).await;
    assert!([500, 502, 503].contains(&st), "{st}");
    assert_eq!(b["success"], false);
    assert!(s.order("PO-9").is_none(), "a server error applies nothing");
    s.set_faults(FaultSpec::none());
    assert_eq!(
        call(&s, &t, CREATE, &order("PO-9")).await.1["success"],
        true
    );
}

#[test]
fn callbacks_are_signed_as_the_vendor_documents() {
    let data = r#"{"ExtOrderNo":"SO.20230912.000001","PlatformOrderNo":"PO-2024-001","State":1}"#;
    let fields = signed_callback(
        "hmma904eb75643b4eaa",
        "ylh-cb-secret",
        "hmm.scm_heorder.confirm",
        data,
        "20230912113528",
        true,
    );
    // Computed independently with Python's hashlib (lower-cased text, and as is).
    assert_eq!(
        fields[4],
        (
            "Sign".to_owned(),
            "CBA383A9BEFB428248EA76E18AE2B239".to_owned()
        )
    );
    assert_eq!(
        sign("ylh-cb-secret", &fields, false),
        "7E26B0AA933E2540742A3EFDD2B46F53"
    );
    let body = encode_form(&fields);
    assert!(body.starts_with("AppKey=hmma904eb75643b4eaa&TimeStamp=20230912113528&"));
    assert_eq!(decode_form(body.as_bytes()).expect("round trip"), fields);
}
