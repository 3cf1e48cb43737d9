//! Members: `POST member/{system_id}/sync` upserts, `GET members` lists.

use serde_json::json;
use storelink_core::Role;

use crate::common::{host, member_seed};

fn path(system_id: impl std::fmt::Display) -> String {
    format!("member/{system_id}/sync")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_sync_upserts_repeats_are_duplicates_and_changes_update() {
    let h = host().await;
    let members = h.system("member", "微信会员系统").await;
    for role in [Role::Staff, Role::FloorManager, Role::WarehouseManager] {
        let token = h.token_for(role).await;
        h.post(&path(members), &token, &member_seed())
            .await
            .problem(403);
    }
    assert!(h.list("members").await.is_empty(), "a 403 stores nothing");

    let manager = h.token_for(Role::CustomerManager).await;
    let first = h.post(&path(members), &manager, &member_seed()).await;
    first.expect(201);
    assert_eq!(first.body["duplicate"], json!(false));
    // Changed here, so it waits to be sent to the member platform.
    assert_eq!(first.body["status"], json!("pending"));

    let again = h.post(&path(members), &manager, &member_seed()).await;
    again.expect(200);
    assert_eq!(again.body["duplicate"], json!(true));
    assert_eq!(again.body["id"], first.body["id"]);

    let mut more_points = member_seed();
    more_points["points"] = json!(1600);
    let update = h.post(&path(members), &manager, &more_points).await;
    assert!(
        update.status == 200 || update.status == 201,
        "{}",
        update.text
    );
    assert_eq!(update.body["duplicate"], json!(false), "{}", update.text);
    assert_eq!(update.body["id"], first.body["id"], "the same member");

    let listed = h.list("members").await;
    assert_eq!(listed.len(), 1, "upserted, not added");
    let m = &listed[0];
    assert_eq!(m["member_id"], json!("MEM-001"));
    assert_eq!(m["external_member_id"], json!("wx_openid_123"));
    assert_eq!(m["points"], json!(1600));
    assert_eq!(m["balance"], json!(200.0));
    assert_eq!(m["level"], json!("gold"));
    assert_eq!(m["sync_status"], json!("pending"));

    let by_phone = h.list("members?phone=13800138000").await;
    assert_eq!(by_phone.len(), 1);
    assert!(h.list("members?phone=13900000000").await.is_empty());
    assert_eq!(
        h.list(&format!("members?system_id={members}")).await.len(),
        1
    );

    // Each accepted change is kept raw; the repeat is not.
    assert_eq!(h.inbox(members).await.len(), 2);
    let logs = h.list(&format!("sync-logs?system_id={members}")).await;
    let actions: Vec<&str> = logs
        .iter()
        .map(|l| l["action"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(actions, ["update", "create"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_member_bodies_are_named_and_change_nothing() {
    let h = host().await;
    let members = h.system("member", "会员").await;
    h.post(&path(members), &h.admin, &member_seed())
        .await
        .expect(201);
    let with = |key: &str, value: serde_json::Value| {
        let mut body = member_seed();
        body[key] = value;
        body
    };
    let cases = [
        (with("phone", json!("12345")), "phone", "phone_cn"),
        (with("email", json!("not-an-email")), "email", "email"),
        (with("points", json!(-1)), "points", "out_of_range"),
        (with("balance", json!(-0.01)), "balance", "out_of_range"),
        (with("member_id", json!("")), "member_id", "required"),
    ];
    for (body, field, rule) in cases {
        h.post(&path(members), &h.admin, &body)
            .await
            .problem_naming(422, field, rule);
    }
    h.post_raw(&path(members), Some(&h.admin), b"[1, 2".to_vec())
        .await
        .problem_naming(400, "body", "json");
    h.post(&path(uuid::Uuid::now_v7()), &h.admin, &member_seed())
        .await
        .problem(404);
    let listed = h.list("members").await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["points"], json!(1500), "unchanged");
    h.get("members?system_id=bad", &h.admin)
        .await
        .problem_naming(422, "system_id", "format");
}
