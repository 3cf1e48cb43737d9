use std::time::Duration;

use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::*;

async fn sim(records: usize, faults: &str) -> SapB1Sim {
    SapB1Sim::start(SapB1SimConfig {
        records,
        faults: FaultSpec::parse(faults).expect("faults"),
        ..SapB1SimConfig::default()
    })
    .await
    .expect("start")
}

async fn login(http: &reqwest::Client, base: &str) -> String {
    let r = http
        .post(format!("{base}/Login"))
        .json(&json!({"CompanyDB": "SBODEMOCN", "UserName": "manager", "Password": "b1-pass"}))
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), StatusCode::OK);
    let cookies: Vec<String> = r
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("ROUTEID=")),
        "{cookies:?}"
    );
    let body: Value = r.json().await.expect("json");
    assert!(body["SessionTimeout"].as_u64().is_some_and(|m| m >= 1));
    cookies.join("; ")
}

#[tokio::test]
async fn pages_follow_next_links_to_every_record_once() {
    let sim = sim(45, "").await;
    let http = reqwest::Client::new();
    let base = sim.base_url();
    let cookie = login(&http, &base).await;
    let mut url = format!(
        "{base}/BusinessPartners?$filter=CardType%20eq%20'cCustomer'&$inlinecount=allpages"
    );
    let mut codes = Vec::new();
    let mut pages = 0;
    loop {
        let r = http
            .get(&url)
            .header(COOKIE, &cookie)
            .send()
            .await
            .expect("page");
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.expect("json");
        assert_eq!(body["odata.count"], 45);
        let value = body["value"].as_array().expect("value");
        assert!(value.len() <= 20, "default page is 20");
        codes.extend(
            value
                .iter()
                .map(|v| v["CardCode"].as_str().unwrap_or_default().to_owned()),
        );
        pages += 1;
        match body["odata.nextLink"].as_str() {
            Some(next) => url = format!("{base}/{next}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 45);

    // A bigger page when asked, echoed back; $top caps the listing.
    let r = http
        .get(format!("{base}/Items?$top=15"))
        .header(COOKIE, &cookie)
        .header("Prefer", "odata.maxpagesize=10")
        .send()
        .await
        .expect("items");
    assert_eq!(
        r.headers()
            .get("preference-applied")
            .and_then(|v| v.to_str().ok()),
        Some("odata.maxpagesize=10")
    );
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["value"].as_array().map(Vec::len), Some(10));
    assert_eq!(body["odata.nextLink"], "Items?$top=5&$skip=10");
    // Money is a JSON number written from fixed point.
    let price = &body["value"][0]["ItemPrices"][0]["Price"];
    assert!(price.is_number(), "{price}");

    let r = http
        .get(format!("{base}/BusinessPartners('NOPE')"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .expect("missing");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], -2028);
}

#[tokio::test]
async fn an_expired_session_is_refused_with_code_301() {
    let sim = SapB1Sim::start(SapB1SimConfig {
        records: 10,
        session_timeout: Duration::from_millis(300),
        ..SapB1SimConfig::default()
    })
    .await
    .expect("start");
    let http = reqwest::Client::new();
    let base = sim.base_url();
    let get = |cookie: String| {
        let http = http.clone();
        let url = format!("{base}/Orders(1)");
        async move {
            http.get(url)
                .header(COOKIE, cookie)
                .send()
                .await
                .expect("get")
        }
    };
    let cookie = login(&http, &base).await;
    assert_eq!(get(cookie.clone()).await.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let r = get(cookie).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["error"]["code"], 301);

    let cookie = login(&http, &base).await;
    assert_eq!(get(cookie.clone()).await.status(), StatusCode::OK);
    sim.expire_sessions();
    assert_eq!(get(cookie).await.status(), StatusCode::UNAUTHORIZED);
    let bad = http
        .post(format!("{base}/Login"))
        .json(&json!({"CompanyDB": "SBODEMOCN", "UserName": "manager", "Password": "nope"}))
        .send()
        .await
        .expect("login");
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    let stats = sim.stats();
    assert_eq!(
        (stats.logins, stats.failed_logins, stats.rejected_sessions),
        (2, 1, 2)
    );
}

#[tokio::test]
async fn filters_touch_and_writes() {
    let sim = sim(40, "").await;
    let http = reqwest::Client::new();
    let base = sim.base_url();
    let cookie = login(&http, &base).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let since = chrono::Utc::now();
    sim.touch("customers", &["C000003".to_owned()]);
    let (d, t) = (since.format("%Y-%m-%d"), since.format("%H:%M:%S"));
    let filter = format!("UpdateDate gt '{d}' or (UpdateDate eq '{d}' and UpdateTime ge '{t}')");
    let url = format!(
        "{base}/BusinessPartners?$filter={}",
        filter::encode(&filter)
    );
    let body: Value = http
        .get(&url)
        .header(COOKIE, &cookie)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let codes: Vec<&str> = body["value"]
        .as_array()
        .expect("value")
        .iter()
        .filter_map(|v| v["CardCode"].as_str())
        .collect();
    assert_eq!(codes, ["C000003"]);
    assert!(body["value"][0]["CardName"]
        .as_str()
        .unwrap_or_default()
        .contains("(rev"));

    let r = http
        .post(format!("{base}/BusinessPartners"))
        .header(COOKIE, &cookie)
        .body(r#"{"CardCode":"CNEW01","CardName":"新客户","CardType":"cCustomer","CreditLimit":5000.50}"#)
        .send()
        .await
        .expect("create");
    assert_eq!(r.status(), StatusCode::CREATED);
    let again = http
        .post(format!("{base}/BusinessPartners"))
        .header(COOKIE, &cookie)
        .body(r#"{"CardCode":"CNEW01","CardName":"x"}"#)
        .send()
        .await
        .expect("dup");
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    let r = http
        .patch(format!("{base}/BusinessPartners('CNEW01')"))
        .header(COOKIE, &cookie)
        .body(r#"{"Phone1":"13800138000"}"#)
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let rec = sim.record("customers", "CNEW01").expect("created");
    assert_eq!(
        (rec["Phone1"].as_str(), rec["CreditLimit"].as_str()),
        (Some("13800138000"), Some("5000.50"))
    );

    let r = http
        .post(format!("{base}/Orders"))
        .header(COOKIE, &cookie)
        .body(r#"{"CardCode":"CNEW01","NumAtCard":"WEB-1","DocumentLines":[{"ItemCode":"P000002","Quantity":2.5,"Price":10.10}]}"#)
        .send()
        .await
        .expect("order");
    assert_eq!(r.status(), StatusCode::CREATED);
    let text = r.text().await.expect("text");
    assert!(text.contains(r#""DocTotal":25.25"#), "{text}");
    assert!(text.contains(r#""CardCode":"CNEW01""#), "{text}");
    let writes = sim.stats().writes;
    assert_eq!(
        (
            writes.customers_created,
            writes.customers_updated,
            writes.orders_created
        ),
        (1, 1, 1)
    );
}
