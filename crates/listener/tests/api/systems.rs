//! Seed 000 "系统管理" over HTTP: create, list, show, update, test, delete.

use std::time::Duration;

use serde_json::json;
use storelink_core::Role;
use storelink_testkit::TestServer;

use crate::common::{host, pos_seed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn systems_are_managed_over_http_by_managers() {
    let h = host().await;
    let vendor = TestServer::start(200, Duration::ZERO).await;
    let manager = h.token_for(Role::StoreManager).await;
    let staff = h.token_for(Role::Staff).await;
    let seed = json!({
        "name": "美团POS系统",
        "type": "pos",
        "provider": "Meituan",
        "store_id": "store-001",
        "config": {
            "api_endpoint": vendor.url("/pos"),
            "api_key": "your_api_key_value",
            "webhook_url": "http://your-domain/api/v1/integrations/webhooks/pos"
        }
    });
    h.post("systems", &staff, &seed).await.problem(403);

    let created = h.post("systems", &manager, &seed).await;
    created.expect(201);
    let id = created.body["id"].as_str().unwrap_or_default().to_owned();
    assert_eq!(created.body["type"], json!("pos"));
    assert_eq!(created.body["status"], json!("inactive"));
    assert_eq!(created.body["api_endpoint"], json!(vendor.url("/pos")));
    assert_eq!(created.body["secret_fields"], json!(["api_key"]));
    assert!(
        !created.text.contains("your_api_key_value"),
        "a secret is never answered: {}",
        created.text
    );
    h.post("systems", &manager, &seed).await.problem(409);
    let mut bad = seed.clone();
    bad["type"] = json!("fax");
    bad["name"] = json!("other");
    h.post("systems", &manager, &bad)
        .await
        .problem_naming(422, "type", "one_of");
    h.post_raw("systems", Some(&manager), b"{\"name\":".to_vec())
        .await
        .problem_naming(400, "body", "json");

    let listed = h.get("systems?type=pos&store_id=store-001", &staff).await;
    listed.expect(200);
    assert_eq!(listed.body["items"][0]["id"], json!(id));
    assert!(h.list("systems?type=supplier").await.is_empty());
    h.get("systems?type=fax", &staff)
        .await
        .problem_naming(422, "type", "one_of");
    let shown = h.get(&format!("systems/{id}"), &staff).await;
    shown.expect(200);
    assert_eq!(shown.body["name"], json!("美团POS系统"));
    h.get(&format!("systems/{}", uuid::Uuid::now_v7()), &staff)
        .await
        .problem(404);

    let patch = json!({"status": "active", "sync_enabled": true, "sync_interval": 600});
    let body = patch.to_string().into_bytes();
    let updated = h
        .send(
            reqwest::Method::PUT,
            &format!("systems/{id}"),
            Some(&manager),
            &[],
            Some(body),
        )
        .await;
    updated.expect(200);
    assert_eq!(updated.body["status"], json!("active"));
    assert_eq!(updated.body["sync_enabled"], json!(true));
    assert_eq!(updated.body["sync_interval"], json!(600));
    let too_often = json!({"sync_interval": 5}).to_string().into_bytes();
    h.send(
        reqwest::Method::PUT,
        &format!("systems/{id}"),
        Some(&manager),
        &[],
        Some(too_often),
    )
    .await
    .problem_naming(422, "sync_interval", "out_of_range");

    h.send(
        reqwest::Method::POST,
        &format!("systems/{id}/test"),
        Some(&staff),
        &[],
        None,
    )
    .await
    .problem(403);
    let tested = h
        .send(
            reqwest::Method::POST,
            &format!("systems/{id}/test"),
            Some(&manager),
            &[],
            None,
        )
        .await;
    tested.expect(200);
    assert_eq!(tested.body["ok"], json!(true), "{}", tested.text);
    assert_eq!(tested.body["status"], json!("active"));
    assert_eq!(tested.body["http_status"], json!(200));
    assert!(
        vendor
            .requests()
            .iter()
            .any(|r| r.contains("Bearer your_api_key_value")),
        "the probe presents the saved api_key"
    );

    h.send(
        reqwest::Method::DELETE,
        &format!("systems/{id}"),
        Some(&staff),
        &[],
        None,
    )
    .await
    .problem(403);
    let deleted = h
        .send(
            reqwest::Method::DELETE,
            &format!("systems/{id}"),
            Some(&manager),
            &[],
            None,
        )
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    h.get(&format!("systems/{id}"), &staff).await.problem(404);
    // A deleted system takes no more pushes.
    h.post(&format!("pos/{id}/transactions"), &staff, &pos_seed())
        .await
        .problem(404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bound_token_sees_only_its_own_system() {
    let h = host().await;
    let own = h.system("pos", "POS 1").await;
    let other = h.system("pos", "POS 2").await;
    let bound = h.token(Role::Staff, Some(own), Some(1000)).await;
    let listed = h.get("systems", &bound).await;
    listed.expect(200);
    let items = listed.body["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{}", listed.text);
    assert_eq!(items[0]["id"], json!(own.to_string()));
    h.get(&format!("systems/{own}"), &bound).await.expect(200);
    h.get(&format!("systems/{other}"), &bound)
        .await
        .problem(403);
}
