//! The contract over real HTTP on 127.0.0.1: auth, paging, filters, writes.

use std::time::Duration;

use serde_json::{json, Value};

use super::{ErpSim, ErpSimConfig};

pub(super) async fn sim_with(config: ErpSimConfig) -> ErpSim {
    ErpSim::start(config).await.expect("start the simulator")
}

pub(super) async fn sim(records: usize) -> ErpSim {
    sim_with(ErpSimConfig {
        records,
        ..ErpSimConfig::default()
    })
    .await
}

pub(super) async fn login(c: &reqwest::Client, sim: &ErpSim) -> String {
    let (status, body) = send(
        c.post(format!("{}/auth/login", sim.base_url()))
            .json(&json!({"username": "storelink", "password": "erp-pass"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    body["token"].as_str().expect("token").to_owned()
}

/// Status and JSON body (`Value::Null` when the body is not JSON).
pub(super) async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    let resp = req.send().await.expect("an answer");
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.expect("a body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

pub(super) async fn get(
    c: &reqwest::Client,
    sim: &ErpSim,
    token: &str,
    path: &str,
) -> (u16, Value) {
    send(
        c.get(format!("{}{path}", sim.base_url()))
            .bearer_auth(token),
    )
    .await
}

/// Every record of a kind, page by page.
async fn walk(
    c: &reqwest::Client,
    sim: &ErpSim,
    token: &str,
    kind: &str,
    limit: usize,
) -> Vec<Value> {
    let mut all = Vec::new();
    for page in 1.. {
        let (status, body) =
            get(c, sim, token, &format!("/{kind}?page={page}&limit={limit}")).await;
        assert_eq!(status, 200, "{body}");
        let items = body[kind].as_array().expect("items").clone();
        assert!(items.len() <= limit);
        all.extend(items);
        assert_eq!(body["total"].as_u64(), Some(sim.ids(kind).len() as u64));
        if body["hasMore"] != json!(true) {
            break;
        }
    }
    all
}

pub(super) fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn login_issues_tokens_and_refuses_bad_ones() {
    let sim = sim(10).await;
    let c = reqwest::Client::new();
    let url = |p: &str| format!("{}{p}", sim.base_url());
    let (status, body) = send(
        c.post(url("/auth/login"))
            .json(&json!({"username": "storelink", "password": "nope"})),
    )
    .await;
    assert_eq!((status, code(&body)), (401, "invalid_credentials"));
    let (status, body) = send(c.get(url("/customers"))).await;
    assert_eq!((status, code(&body)), (401, "invalid_token"));
    let (status, body) = get(&c, &sim, "not-a-token", "/customers").await;
    assert_eq!((status, code(&body)), (401, "invalid_token"));
    let (status, body) = send(c.get(url("/health"))).await;
    assert_eq!((status, body), (200, json!({"status": "ok"})));

    let (status, body) = send(
        c.post(url("/auth/login"))
            .json(&json!({"username": "storelink", "password": "erp-pass"})),
    )
    .await;
    assert_eq!(status, 200);
    let expires =
        chrono::DateTime::parse_from_rfc3339(body["expiresAt"].as_str().expect("expiresAt"))
            .expect("RFC 3339");
    let left = expires.timestamp() - chrono::Utc::now().timestamp();
    assert!((3590..=3600).contains(&left), "{left}");
    let token = body["token"].as_str().expect("token").to_owned();
    assert_eq!(get(&c, &sim, &token, "/customers?limit=1").await.0, 200);

    sim.expire_tokens();
    let (status, body) = get(&c, &sim, &token, "/customers").await;
    assert_eq!((status, code(&body)), (401, "token_expired"));
    let fresh = login(&c, &sim).await;
    assert_eq!(get(&c, &sim, &fresh, "/customers/C000001").await.0, 200);

    let stats = sim.stats();
    assert_eq!(
        (stats.logins, stats.failed_logins, stats.rejected_tokens),
        (2, 1, 3)
    );
    assert_eq!(stats.requests.get("GET /customers"), Some(&4));
    assert_eq!(stats.requests.get("GET /customers/{id}"), Some(&1));

    let short = sim_with(ErpSimConfig {
        records: 5,
        token_ttl: Duration::ZERO,
        ..Default::default()
    })
    .await;
    let token = login(&c, &short).await;
    let (status, body) = get(&c, &short, &token, "/products").await;
    assert_eq!((status, code(&body)), (401, "token_expired"));
    short.stop().await;
    sim.stop().await;
}

#[tokio::test]
async fn paging_walks_every_record_exactly_once_in_order() {
    let sim = sim(230).await;
    let c = reqwest::Client::new();
    let token = login(&c, &sim).await;
    for (kind, count) in [("customers", 230), ("products", 115), ("orders", 57)] {
        let all = walk(&c, &sim, &token, kind, 17).await;
        assert_eq!(all.len(), count, "{kind}");
        let mut ids: Vec<&str> = all.iter().map(|r| r["id"].as_str().expect("id")).collect();
        let stamps: Vec<&str> = all
            .iter()
            .map(|r| r["updated_at"].as_str().expect("updated_at"))
            .collect();
        assert!(
            stamps.windows(2).all(|w| w[0] < w[1]),
            "{kind} is ordered by updated_at"
        );
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "{kind}: no record twice");
    }
    let (_, body) = get(&c, &sim, &token, "/orders?limit=1000").await;
    for o in body["orders"].as_array().expect("orders") {
        let fen = |v: &Value| {
            super::money::parse_fixed(v.as_str().expect("decimal string"), 2).expect("money")
        };
        let sum: i64 = o["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| fen(&i["amount"]))
            .sum();
        assert_eq!(fen(&o["total"]), sum, "{o}");
    }
    let (_, body) = get(&c, &sim, &token, "/customers").await;
    assert_eq!(
        (
            body["page"].as_u64(),
            body["limit"].as_u64(),
            body["hasMore"].as_bool()
        ),
        (Some(1), Some(100), Some(true))
    );
    let (_, body) = get(&c, &sim, &token, "/customers?page=99").await;
    assert_eq!(
        (
            body["customers"].as_array().map(Vec::len),
            body["hasMore"].as_bool()
        ),
        (Some(0), Some(false))
    );
    for bad in [
        "limit=0",
        "limit=1001",
        "page=0",
        "page=x",
        "updated_since=yesterday",
        "updated_since=",
    ] {
        let (status, body) = get(&c, &sim, &token, &format!("/customers?{bad}")).await;
        assert_eq!((status, code(&body)), (400, "invalid_parameter"), "{bad}");
    }
    let (status, body) = get(&c, &sim, &token, "/customers/C999999").await;
    assert_eq!((status, code(&body)), (404, "not_found"));
    let (status, body) = get(&c, &sim, &token, "/products/P000003/inventory").await;
    assert_eq!(status, 200);
    assert_eq!(
        body["inventory"],
        sim.record("products", "P000003").expect("product")["inventory"]
    );
    sim.stop().await;
}

#[tokio::test]
async fn updated_since_is_inclusive() {
    let sim = sim(120).await;
    let c = reqwest::Client::new();
    let token = login(&c, &sim).await;
    let all = walk(&c, &sim, &token, "customers", 1000).await;
    let pivot = &all[49];
    let since = pivot["updated_at"].as_str().expect("updated_at");
    let q = |t: &str| {
        format!(
            "/customers?limit=1000&updated_since={}",
            t.replace('+', "%2B")
        )
    };
    let (status, body) = get(&c, &sim, &token, &q(since)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"].as_u64(), Some(120 - 49));
    assert_eq!(body["customers"][0]["id"], pivot["id"]);
    // The same instant in another zone, and one microsecond later (excludes the pivot).
    let t = chrono::DateTime::parse_from_rfc3339(since).expect("RFC 3339");
    let shanghai = t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("offset"));
    let (_, body) = get(&c, &sim, &token, &q(&shanghai.to_rfc3339())).await;
    assert_eq!(body["customers"][0]["id"], pivot["id"]);
    let later = (t + chrono::Duration::microseconds(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let (_, body) = get(&c, &sim, &token, &q(&later)).await;
    assert_eq!(body["customers"][0]["id"], all[50]["id"]);
    sim.stop().await;
}

#[tokio::test]
async fn touch_moves_a_record_to_the_end_of_the_order() {
    let sim = sim(60).await;
    let c = reqwest::Client::new();
    let token = login(&c, &sim).await;
    let before = walk(&c, &sim, &token, "customers", 25).await;
    let first = before[0].clone();
    let id = first["id"].as_str().expect("id").to_owned();
    sim.touch("customers", std::slice::from_ref(&id));
    let after = walk(&c, &sim, &token, "customers", 25).await;
    assert_eq!(after.len(), 60);
    let last = after.last().expect("records");
    assert_eq!(last["id"], first["id"]);
    assert_eq!(
        last["version"].as_u64(),
        first["version"].as_u64().map(|v| v + 1)
    );
    let name = last["name"].as_str().expect("name");
    assert!(
        name.starts_with(first["name"].as_str().expect("name")) && name.ends_with(')'),
        "{name}"
    );
    assert!(last["updated_at"].as_str() > after[58]["updated_at"].as_str());

    let product = sim.record("products", "P000002").expect("product");
    let resp = c
        .post(format!("{}/_sim/touch", sim.base_url()))
        .json(&json!({"kind": "products", "ids": ["P000002", "P999999"]}))
        .send()
        .await
        .expect("touch");
    assert_eq!(
        resp.json::<Value>().await.expect("json"),
        json!({"touched": 1})
    );
    let touched = sim.record("products", "P000002").expect("product");
    let fen = |v: &Value| {
        super::money::parse_fixed(v["price"].as_str().expect("price"), 2).expect("money")
    };
    assert_eq!(fen(&touched), fen(&product) + 100);
    let (_, body) = get(&c, &sim, &token, "/products?limit=1000").await;
    let listed = body["products"].as_array().expect("products");
    assert_eq!(listed.last().map(|p| &p["id"]), Some(&json!("P000002")));
    sim.stop().await;
}

#[tokio::test]
async fn generates_200_000_records() {
    let sim = sim(200_000).await;
    let c = reqwest::Client::new();
    let token = login(&c, &sim).await;
    for (kind, total) in [
        ("customers", 200_000),
        ("products", 100_000),
        ("orders", 50_000),
    ] {
        let (status, body) = get(&c, &sim, &token, &format!("/{kind}?limit=1")).await;
        assert_eq!((status, body["total"].as_u64()), (200, Some(total)));
    }
    let (_, body) = get(&c, &sim, &token, "/customers?page=200&limit=1000").await;
    assert_eq!(
        (
            body["customers"].as_array().map(Vec::len),
            body["hasMore"].as_bool()
        ),
        (Some(1000), Some(false))
    );
    assert_eq!(sim.customer_ids().len(), 200_000);
    sim.stop().await;
}

/// Run by hand to measure: `cargo test -p storelink-simulators --release -- --ignored one_million`.
#[tokio::test]
#[ignore]
async fn generates_one_million_records() {
    let started = std::time::Instant::now();
    let sim = sim(1_000_000).await;
    let generated = started.elapsed();
    let c = reqwest::Client::new();
    let token = login(&c, &sim).await;
    let (_, body) = get(&c, &sim, &token, "/customers?page=1000&limit=1000").await;
    assert_eq!(body["total"].as_u64(), Some(1_000_000));
    assert_eq!(body["customers"].as_array().map(Vec::len), Some(1000));
    eprintln!("generated 1,000,000 customers (+500,000 products, 250,000 orders) in {generated:?}");
    sim.stop().await;
}
