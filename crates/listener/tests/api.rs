//! The listener's token API over real HTTP on 127.0.0.1, against a real SQLite file and the
//! real keychain: every route of seeds 000 and 002, its happy path and its error classes.
//! Run with `scripts/with-keyring.sh cargo test -p storelink-listener --test api`.

mod common;

#[path = "api/member.rs"]
mod member;
#[path = "api/pos.rs"]
mod pos;
#[path = "api/pos_list.rs"]
mod pos_list;
#[path = "api/reservation.rs"]
mod reservation;
#[path = "api/supplier.rs"]
mod supplier;
#[path = "api/systems.rs"]
mod systems;

use common::{host, pos_sale, pos_seed};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_without_a_token() {
    let h = host().await;
    let reply = h
        .send(reqwest::Method::GET, "/healthz", None, &[], None)
        .await;
    reply.expect(200);
    assert_eq!(reply.body["status"], json!("ok"));
    assert!(reply.body["version"].is_string(), "{}", reply.text);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_is_3_1_and_describes_every_route() {
    let h = host().await;
    let reply = h
        .send(reqwest::Method::GET, "/openapi.json", None, &[], None)
        .await;
    reply.expect(200);
    let doc = &reply.body;
    assert!(doc.is_object(), "not JSON: {}", reply.text);
    let version = doc["openapi"].as_str().unwrap_or_default();
    assert!(version.starts_with("3.1."), "openapi {version}");
    let p = "/api/v1/integrations";
    let routes = [
        ("/healthz".to_owned(), "get"),
        (format!("{p}/systems"), "get"),
        (format!("{p}/systems"), "post"),
        (format!("{p}/systems/{{system_id}}"), "get"),
        (format!("{p}/systems/{{system_id}}"), "put"),
        (format!("{p}/systems/{{system_id}}"), "delete"),
        (format!("{p}/systems/{{system_id}}/test"), "post"),
        (format!("{p}/pos/{{system_id}}/transactions"), "post"),
        (format!("{p}/pos/transactions"), "get"),
        (format!("{p}/supplier/{{system_id}}/orders"), "post"),
        (format!("{p}/supplier/orders"), "get"),
        (format!("{p}/member/{{system_id}}/sync"), "post"),
        (format!("{p}/members"), "get"),
        (format!("{p}/reservation/{{system_id}}/sync"), "post"),
        (format!("{p}/reservation/list"), "get"),
        (format!("{p}/reservation/{{reservation_id}}/status"), "put"),
        (format!("{p}/sync-logs"), "get"),
        (format!("{p}/webhooks/{{channel}}/{{system_id}}"), "post"),
    ];
    for (path, method) in &routes {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} is not described"
        );
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    // The webhook is public (signed, no token); the token routes say they need one.
    let webhook = &doc["paths"][format!("{p}/webhooks/{{channel}}/{{system_id}}")]["post"];
    assert!(webhook["security"].is_null(), "{webhook}");
    let pos = &doc["paths"][format!("{p}/pos/{{system_id}}/transactions")]["post"];
    assert!(pos["security"].is_array(), "{pos}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_routes_are_404_problems() {
    let h = host().await;
    for path in [
        "/api/v1/integrations/nothing-here",
        "/nope",
        "/api/v2/integrations/members",
    ] {
        let reply = h.get(path, &h.admin).await;
        let fields = reply.problem(404);
        assert_eq!(fields, ["path"], "{path}: {}", reply.text);
    }
    // Without a token too: an unknown route does not ask for credentials.
    let reply = h
        .send(
            reqwest::Method::GET,
            "/api/v1/integrations/nothing-here",
            None,
            &[],
            None,
        )
        .await;
    reply.problem(404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_route_with_the_wrong_method_is_a_405_problem() {
    let h = host().await;
    let reply = h
        .send(
            reqwest::Method::DELETE,
            "pos/transactions",
            Some(&h.admin),
            &[],
            None,
        )
        .await;
    reply.problem(405);
    assert_eq!(reply.header("allow"), Some("GET,HEAD"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_logs_show_each_push_of_a_system() {
    let h = host().await;
    let a = h.system("pos", "POS A").await;
    let b = h.system("pos", "POS B").await;
    let staff = h.token_for(storelink_core::Role::Staff).await;
    h.post(&format!("pos/{a}/transactions"), &h.admin, &pos_seed())
        .await
        .expect(201);
    h.post(
        &format!("pos/{a}/transactions"),
        &h.admin,
        &pos_sale("TXN-A-2", "10.00"),
    )
    .await
    .expect(201);
    h.post(
        &format!("pos/{b}/transactions"),
        &h.admin,
        &pos_sale("TXN-B-1", "5.00"),
    )
    .await
    .expect(201);
    // A repeat and a refusal add no log line.
    h.post(&format!("pos/{a}/transactions"), &h.admin, &pos_seed())
        .await
        .expect(200);
    let mut bad = pos_seed();
    bad["total"] = json!(1.0);
    bad["transaction_id"] = json!("TXN-BAD");
    h.post(&format!("pos/{a}/transactions"), &h.admin, &bad)
        .await
        .problem(422);

    let reply = h
        .get(&format!("sync-logs?system_id={a}&limit=50"), &staff)
        .await;
    reply.expect(200);
    let items = reply.body["items"].as_array().cloned().unwrap_or_default();
    let mut ids: Vec<&str> = items
        .iter()
        .map(|l| l["item_id"].as_str().unwrap_or_default())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["TXN-2024-001", "TXN-A-2"], "{}", reply.text);
    for log in &items {
        assert_eq!(log["system_id"], json!(a.to_string()));
        assert_eq!(log["item_type"], json!("pos_transaction"));
        assert_eq!(log["action"], json!("create"));
        assert_eq!(log["status"], json!("success"));
    }
    // Newest first, and limit pages.
    assert_eq!(items[0]["item_id"], json!("TXN-A-2"));
    let first = h
        .get(&format!("sync-logs?system_id={a}&limit=1"), &staff)
        .await;
    first.expect(200);
    assert_eq!(first.body["items"].as_array().map(Vec::len), Some(1));
    assert!(first.body["next_cursor"].is_string(), "{}", first.text);
    assert_eq!(
        h.walk(&format!("sync-logs?system_id={a}"), 1).await.len(),
        2
    );
    assert_eq!(h.list("sync-logs").await.len(), 3);

    h.get("sync-logs?system_id=not-a-uuid", &staff)
        .await
        .problem_naming(422, "system_id", "format");
    h.get("sync-logs?status=maybe", &staff)
        .await
        .problem_naming(422, "status", "one_of");
    h.send(reqwest::Method::GET, "sync-logs", None, &[], None)
        .await
        .problem(401);
}
