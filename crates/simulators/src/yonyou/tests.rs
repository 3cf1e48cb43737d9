//! Paging, tokens and signatures over real HTTP on 127.0.0.1.

use serde_json::{json, Value};

use super::routes::ys_signature;
use super::{Variant, YonyouSim, YonyouSimConfig};

fn config(variant: Variant, records: usize) -> YonyouSimConfig {
    YonyouSimConfig {
        records,
        ..YonyouSimConfig::new(variant)
    }
}

async fn get(url: &str) -> Value {
    reqwest::get(url)
        .await
        .expect("get")
        .json()
        .await
        .expect("json")
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn u8_pages_from_one_with_counts_as_strings() {
    let sim = YonyouSim::start(config(Variant::U8, 45))
        .await
        .expect("sim");
    let base = sim.base_url();
    let auth = "from_account=storelink&app_key=opa-storelink";
    let t = get(&format!(
        "{base}/system/token?{auth}&app_secret=yonyou-secret"
    ))
    .await;
    assert_eq!(t["errcode"], "0");
    let token = t["token"]["id"].as_str().expect("token").to_owned();
    let mut seen = Vec::new();
    for page in 1..=3 {
        let v = get(&format!(
            "{base}/api/customer/batch_get?{auth}&token={token}&page_index={page}&rows_per_page=20"
        ))
        .await;
        assert_eq!(v["errcode"], "0");
        assert_eq!(
            (v["row_count"].clone(), v["page_count"].clone()),
            (json!("45"), json!("3"))
        );
        let rows = v["customer"].as_array().expect("rows");
        assert_eq!(rows.len(), if page < 3 { 20 } else { 5 });
        seen.extend(
            rows.iter()
                .map(|r| r["cCusCode"].as_str().unwrap_or("").to_owned()),
        );
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 45);
    let zero = get(&format!(
        "{base}/api/customer/batch_get?{auth}&token={token}&page_index=0"
    ))
    .await;
    assert_eq!(zero["errcode"], "40001");

    // Touched records come back through the date filter, oldest change first.
    let ids: Vec<String> = vec!["C000007".into(), "C000003".into()];
    sim.touch("customers", &ids);
    let last = sim.record("customer", "C000003").expect("rec")["dModifyDate"].clone();
    let since = sim.record("customer", "C000007").expect("rec")["dModifyDate"].clone();
    let v = get(&format!(
        "{base}/api/customer/batch_get?{auth}&token={token}&modifydate_begin={}",
        enc(since.as_str().unwrap_or(""))
    ))
    .await;
    let codes: Vec<&str> = v["customer"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["cCusCode"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(codes, ["C000007", "C000003"], "{last}");

    sim.expire_tokens();
    let v = get(&format!(
        "{base}/api/customer/get?{auth}&token={token}&id=C000001"
    ))
    .await;
    assert_eq!(v["errcode"], "30002");
    let bad = get(&format!("{base}/system/token?{auth}&app_secret=nope")).await;
    assert_eq!(bad["errcode"], "30001");
    assert_eq!(sim.stats().failed_logins, 1);
    sim.stop().await;
}

#[tokio::test]
async fn yonsuite_checks_the_signature_and_pages_by_page_index() {
    let sim = YonyouSim::start(config(Variant::YonSuite, 30))
        .await
        .expect("sim");
    let base = sim.base_url();
    let ts = "1700000000000";
    // The same vector as the connector's unit test.
    assert_eq!(
        ys_signature("YS-secret-2024", "a1b2c3d4", ts),
        "+ERbKB+k9d1GBvjQJjOQDubvm5IMcV7rVLcYy20eI0U="
    );
    let sig = enc(&ys_signature("yonyou-secret", "opa-storelink", ts));
    let path = "/open-auth/selfAppAuth/getAccessToken?appKey=opa-storelink";
    let wrong = get(&format!("{base}{path}&timestamp={ts}&signature=abc%3D")).await;
    assert_eq!(wrong["code"], "10004");
    let t = get(&format!("{base}{path}&timestamp={ts}&signature={sig}")).await;
    assert_eq!(t["code"], "00000", "{t}");
    let token = t["data"]["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let client = reqwest::Client::new();
    let list = |page: u64, token: &str| {
        client
            .post(format!(
                "{base}/yonbip/digitalModel/product/list?access_token={token}"
            ))
            .json(&json!({"pageIndex": page, "pageSize": 10, "simpleVOs": []}))
            .send()
    };
    let mut total = 0;
    for page in 1..=2 {
        let v: Value = list(page, &token)
            .await
            .expect("post")
            .json()
            .await
            .expect("json");
        assert_eq!(v["code"], "200");
        assert_eq!(v["data"]["recordCount"], 15);
        total += v["data"]["recordList"].as_array().expect("list").len();
    }
    assert_eq!(total, 15);
    let missing: Value = list(1, "").await.expect("post").json().await.expect("json");
    assert_eq!(missing["code"], "310001");
    sim.expire_tokens();
    let expired: Value = list(1, &token)
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(expired["code"], "310036");
    sim.stop().await;
}
