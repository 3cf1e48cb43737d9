use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::*;

async fn sim(records: usize, cap: usize) -> SapS4Sim {
    SapS4Sim::start(SapS4SimConfig {
        records,
        max_page_size: cap,
        ..SapS4SimConfig::default()
    })
    .await
    .expect("start")
}

const BP: &str = "/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner";

fn basic(r: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    r.basic_auth("STORELINK_COMM", Some("s4-pass"))
}

#[tokio::test]
async fn pages_follow_next_links_to_every_record_once() {
    let sim = sim(45, 20).await;
    let http = reqwest::Client::new();
    let mut url = format!(
        "{}{BP}?$filter=Customer%20ne%20''&$inlinecount=allpages&$expand=to_BusinessPartnerAddress",
        sim.base_url()
    );
    let (mut keys, mut pages) = (Vec::new(), 0);
    loop {
        let r = basic(http.get(&url)).send().await.expect("page");
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.expect("json");
        let d = &body["d"];
        assert_eq!(d["__count"], "45", "the count is a string");
        let list = d["results"].as_array().expect("results");
        assert!(list.len() <= 20);
        for bp in list {
            keys.push(bp["BusinessPartner"].as_str().expect("key").to_owned());
            assert!(bp["LastChangeDate"]
                .as_str()
                .is_some_and(|d| d.starts_with("/Date(")));
            assert!(bp["to_BusinessPartnerAddress"]["results"].is_array());
        }
        pages += 1;
        match d["__next"].as_str() {
            Some(next) => {
                assert!(next.contains("$skiptoken="), "{next}");
                url = next.to_owned();
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 45);
    // `$top` below the cap: one page, no link.
    let url = format!("{}{BP}?$top=5&$skip=40", sim.base_url());
    let body: Value = basic(http.get(&url))
        .send()
        .await
        .expect("top")
        .json()
        .await
        .expect("json");
    assert_eq!(body["d"]["results"].as_array().map(Vec::len), Some(5));
    assert!(body["d"].get("__next").is_none());
    assert!(body["d"]["results"][0]["to_BusinessPartnerAddress"]["__deferred"].is_object());
    let bad = basic(http.get(format!("{}{BP}?$filter=Foo eq 1", sim.base_url())))
        .send()
        .await
        .expect("bad");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let e: Value = bad.json().await.expect("json");
    assert!(e["error"]["message"]["value"].as_str().is_some());
}

#[tokio::test]
async fn writes_need_the_csrf_token_of_their_session() {
    let sim = sim(10, 0).await;
    let http = reqwest::Client::new();
    let base = sim.base_url();
    let body = json!({"BusinessPartnerCategory": "2", "OrganizationBPName1": "新客户",
        "to_BusinessPartnerRole": {"results": [{"BusinessPartnerRole": "FLCU01"}]}});
    let refused = basic(http.post(format!("{base}{BP}")).json(&body))
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(refused.headers()["x-csrf-token"], "Required");
    let fetch = || async {
        let r = basic(http.get(format!("{base}/sap/opu/odata/sap/API_BUSINESS_PARTNER/")))
            .header("X-CSRF-Token", "Fetch")
            .send()
            .await
            .expect("fetch");
        assert_eq!(r.status(), StatusCode::OK);
        let token = r.headers()["x-csrf-token"]
            .to_str()
            .expect("token")
            .to_owned();
        let cookies: Vec<String> = r
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
            .collect();
        (token, cookies.join("; "))
    };
    let (token, cookie) = fetch().await;
    let post = |token: String, cookie: String| {
        basic(http.post(format!("{base}{BP}")).json(&body))
            .header("X-CSRF-Token", token)
            .header(COOKIE, cookie)
            .send()
    };
    // The token without its session cookie is refused too.
    let no_cookie = post(token.clone(), String::new()).await.expect("post");
    assert_eq!(no_cookie.status(), StatusCode::FORBIDDEN);
    let created = post(token.clone(), cookie.clone()).await.expect("post");
    assert_eq!(created.status(), StatusCode::CREATED);
    let d: Value = created.json().await.expect("json");
    assert_eq!(d["d"]["BusinessPartner"], "C000011");
    assert_eq!(sim.invalidate_csrf(), 1);
    let stale = post(token, cookie).await.expect("post");
    assert_eq!(stale.status(), StatusCode::FORBIDDEN);
    let (token, cookie) = fetch().await;
    assert_eq!(
        post(token, cookie).await.expect("post").status(),
        StatusCode::CREATED
    );
    let stats = sim.stats();
    assert_eq!(
        (stats.csrf_fetches, stats.csrf_rejections),
        (2, 3),
        "{stats:?}"
    );
    assert_eq!(stats.writes.customers_created, 2);
}

#[tokio::test]
async fn oauth_tokens_are_issued_and_expire() {
    let sim = sim(5, 0).await;
    let http = reqwest::Client::new();
    let base = sim.base_url();
    let wrong = http
        .post(format!("{base}/sap/bc/sec/oauth2/token"))
        .basic_auth("storelink-client", Some("nope"))
        .body("grant_type=client_credentials")
        .send()
        .await
        .expect("token");
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let t: Value = http
        .post(format!("{base}/sap/bc/sec/oauth2/token"))
        .basic_auth("storelink-client", Some("s4-client-secret"))
        .body("grant_type=client_credentials")
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    let token = t["access_token"].as_str().expect("token").to_owned();
    let get = || {
        http.get(format!("{base}{BP}('C000001')"))
            .bearer_auth(&token)
            .send()
    };
    let one: Value = get().await.expect("get").json().await.expect("json");
    assert_eq!(one["d"]["BusinessPartner"], "C000001");
    sim.expire_tokens();
    assert_eq!(get().await.expect("get").status(), StatusCode::UNAUTHORIZED);
    let stats = sim.stats();
    assert_eq!(
        (
            stats.tokens_issued,
            stats.failed_token_requests,
            stats.rejected_tokens
        ),
        (1, 1, 1)
    );
}
