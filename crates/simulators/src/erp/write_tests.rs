//! Writes over real HTTP: orders with `Idempotency-Key`, the order lifecycle, customers.

use serde_json::{json, Value};

use super::tests::{code, get, login, send, sim};

fn order_body() -> Value {
    json!({
        "customer_id": "C000003",
        "items": [
            {"product_id": "P000001", "quantity": "2", "unit_price": "68.00"},
            {"product_id": "P000002", "quantity": "0.5", "unit_price": "19.90", "amount": "9.95"},
        ],
        "total": "145.95",
        "reference": "SL-ORDER-1",
    })
}

#[tokio::test]
async fn the_same_idempotency_key_creates_one_order() {
    let sim = sim(40).await;
    let c = reqwest::Client::new();
    let token = login(&c, &sim).await;
    let post = |key: Option<&str>, body: Value| {
        let mut req = c
            .post(format!("{}/orders", sim.base_url()))
            .bearer_auth(&token)
            .json(&body);
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        send(req)
    };
    let (status, first) = post(Some("k-1"), order_body()).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["data"]["status"], "pending");
    let (status, again) = post(Some("k-1"), order_body()).await;
    assert_eq!((status, &again), (201, &first));
    assert_eq!(sim.ids("orders").len(), 11);
    let id = first["data"]["externalId"].as_str().expect("externalId");
    let order = sim.record("orders", id).expect("order");
    assert_eq!(
        (order["total"].as_str(), order["status"].as_str()),
        (Some("145.95"), Some("pending"))
    );
    assert_eq!(order["order_number"], first["data"]["orderNumber"]);
    assert_eq!(order["items"][1]["amount"], "9.95");
    assert_eq!(
        order["customer_name"],
        sim.record("customers", "C000003").expect("customer")["name"]
    );

    let (status, _) = post(Some("k-2"), order_body()).await;
    assert_eq!(status, 201);
    let stats = sim.stats();
    assert_eq!(
        (stats.writes.orders_created, stats.writes.idempotent_replays),
        (2, 1)
    );

    let mut wrong_total = order_body();
    wrong_total["total"] = json!("145.96");
    let mut float_qty = order_body();
    float_qty["items"][0]["quantity"] = json!(2.5);
    let mut float_price = order_body();
    float_price["items"][0]["unit_price"] = json!(68.0);
    for (body, field) in [
        (wrong_total, "total"),
        (float_qty, "items[0].quantity"),
        (float_price, "items[0].unit_price"),
        (json!({"customer_id": "C000003", "items": []}), "items"),
        (
            json!({"customer_id": "C999999", "items": [{"product_id": "P000001", "quantity": "1"}]}),
            "customer_id",
        ),
        (
            json!({"customer_id": "C000003", "items": [{"product_id": "P9", "quantity": "1"}]}),
            "items[0].product_id",
        ),
    ] {
        let (status, body) = post(None, body).await;
        assert_eq!(
            (status, code(&body), body["error"]["field"].as_str()),
            (422, "validation_error", Some(field))
        );
    }
    assert_eq!(sim.stats().writes.orders_created, 2);
    sim.stop().await;
}

#[tokio::test]
async fn order_status_follows_the_lifecycle() {
    let sim = sim(20).await;
    let c = reqwest::Client::new();
    let token = login(&c, &sim).await;
    let (_, created) = send(
        c.post(format!("{}/orders", sim.base_url()))
            .bearer_auth(&token)
            .json(&order_body()),
    )
    .await;
    let id = created["data"]["externalId"]
        .as_str()
        .expect("externalId")
        .to_owned();
    let put = |status: &str, key: Option<&str>| {
        let mut req = c
            .put(format!("{}/orders/{id}/status", sim.base_url()))
            .bearer_auth(&token)
            .json(&json!({"status": status}));
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        send(req)
    };
    let (_, body) = get(&c, &sim, &token, &format!("/orders/{id}/status")).await;
    assert_eq!(body["data"]["status"]["code"], "pending");
    assert_eq!(body["data"]["timeline"].as_array().map(Vec::len), Some(1));

    let (status, body) = put("shipped", None).await;
    assert_eq!((status, code(&body)), (409, "invalid_transition"));
    let (status, first) = put("confirmed", Some("s-1")).await;
    assert_eq!(status, 200, "{first}");
    let (status, again) = put("confirmed", Some("s-1")).await;
    assert_eq!((status, &again), (200, &first));
    assert_eq!(put("confirmed", None).await.0, 409);
    assert_eq!(put("lost", None).await.0, 422);
    assert_eq!(put("shipped", Some("s-2")).await.0, 200);
    assert_eq!(put("delivered", Some("s-3")).await.0, 200);
    assert_eq!(put("cancelled", None).await.0, 409);

    let (_, body) = get(&c, &sim, &token, &format!("/orders/{id}/status")).await;
    assert_eq!(body["data"]["status"]["code"], "delivered");
    assert_eq!(body["data"]["status"]["name"], "已送达");
    let steps: Vec<&str> = body["data"]["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .map(|s| s["status"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(steps, ["pending", "confirmed", "shipped", "delivered"]);
    assert_eq!(sim.record("orders", &id).expect("order")["version"], 4);

    // Cancelling works from any non-final status.
    let (_, body) = get(&c, &sim, &token, "/orders?limit=1000").await;
    let open = body["orders"]
        .as_array()
        .expect("orders")
        .iter()
        .find(|o| o["status"] == "shipped")
        .cloned();
    if let Some(o) = open {
        let url = format!(
            "{}/orders/{}/status",
            sim.base_url(),
            o["id"].as_str().unwrap_or("")
        );
        let (status, _) = send(
            c.put(url)
                .bearer_auth(&token)
                .json(&json!({"status": "cancelled"})),
        )
        .await;
        assert_eq!(status, 200);
    }

    let stats = sim.stats();
    let log: Vec<(&str, Option<&str>, &str)> = stats
        .writes
        .order_status_log
        .iter()
        .filter(|u| u.order_id == id)
        .map(|u| {
            (
                u.status.as_str(),
                u.idempotency_key.as_deref(),
                u.outcome.as_str(),
            )
        })
        .collect();
    assert_eq!(
        log,
        [
            ("shipped", None, "invalid_transition"),
            ("confirmed", Some("s-1"), "applied"),
            ("confirmed", Some("s-1"), "replayed"),
            ("confirmed", None, "invalid_transition"),
            ("lost", None, "validation_error"),
            ("shipped", Some("s-2"), "applied"),
            ("delivered", Some("s-3"), "applied"),
            ("cancelled", None, "invalid_transition"),
        ]
    );
    sim.stop().await;
}

#[tokio::test]
async fn customers_are_created_and_updated_with_validation() {
    let sim = sim(30).await;
    let c = reqwest::Client::new();
    let token = login(&c, &sim).await;
    let url = |p: &str| format!("{}{p}", sim.base_url());
    let new = json!({"name": "杭州新元商贸有限公司", "type": "company", "contact_phone": "13912345678", "credit_limit": "50000.00"});
    let (status, body) = send(c.post(url("/customers")).bearer_auth(&token).json(&new)).await;
    assert_eq!(
        (status, body["success"].as_bool()),
        (201, Some(true)),
        "{body}"
    );
    let id = body["data"]["externalId"]
        .as_str()
        .expect("externalId")
        .to_owned();
    assert_eq!(id, "C000031");
    let created = sim.record("customers", &id).expect("customer");
    assert_eq!(
        (
            created["version"].as_u64(),
            created["credit_limit"].as_str()
        ),
        (Some(1), Some("50000.00"))
    );

    for (patch, field) in [
        (json!({"name": ""}), "name"),
        (json!({"contact_phone": "12345"}), "contact_phone"),
        (json!({"credit_limit": 100}), "credit_limit"),
        (json!({"type": "robot"}), "type"),
        (json!({"email": "nobody"}), "email"),
    ] {
        let (status, body) = send(
            c.put(url(&format!("/customers/{id}")))
                .bearer_auth(&token)
                .json(&patch),
        )
        .await;
        assert_eq!(
            (status, code(&body), body["error"]["field"].as_str()),
            (422, "validation_error", Some(field))
        );
    }
    let (status, body) = send(
        c.put(url(&format!("/customers/{id}")))
            .bearer_auth(&token)
            .json(&json!({"city": "杭州市", "version": 7})),
    )
    .await;
    assert_eq!((status, code(&body)), (409, "version_conflict"));
    let (status, body) = send(
        c.put(url(&format!("/customers/{id}")))
            .bearer_auth(&token)
            .json(&json!({"city": "杭州市", "version": 1})),
    )
    .await;
    assert_eq!((status, body["success"].as_bool()), (200, Some(true)));
    let (status, _) = send(
        c.put(url("/customers/C000002"))
            .bearer_auth(&token)
            .json(&json!({"status": "inactive"})),
    )
    .await;
    assert_eq!(status, 200);
    let updated = sim.record("customers", &id).expect("customer");
    assert_eq!(
        (
            updated["version"].as_u64(),
            updated["city"].as_str(),
            updated["name"].as_str()
        ),
        (Some(2), Some("杭州市"), Some("杭州新元商贸有限公司"))
    );
    let other = sim.record("customers", "C000002").expect("customer");
    // Every write gets its own, later updated_at.
    assert!(created["updated_at"].as_str() < updated["updated_at"].as_str());
    assert!(updated["updated_at"].as_str() < other["updated_at"].as_str());
    let (status, body) = send(
        c.post(url("/customers"))
            .bearer_auth(&token)
            .json(&json!({"type": "company"})),
    )
    .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("name"))
    );
    let stats = sim.stats();
    assert_eq!(
        (
            stats.writes.customers_created,
            stats.writes.customers_updated
        ),
        (1, 2)
    );
    sim.stop().await;
}
