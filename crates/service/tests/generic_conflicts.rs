//! Members changed at the member desk and on the WeChat member platform before the desk's
//! change was sent: each `conflict_strategy` ends with the right version on both sides, and
//! `manual` conflicts wait for a person (keep local, take the platform's, or per field).

mod common;
mod seed000;

use std::collections::BTreeMap;
use std::time::Duration;

use seed000::{seed000, Seed000};
use serde_json::json;
use storelink_core::conflict::{ConflictChoice, ConflictSide};
use storelink_core::pos::RecordSyncStatus;
use storelink_core::sync::{SyncAction, SyncItemStatus};
use storelink_core::ErrorClass;
use storelink_simulators::generic::System;

const ID: &str = "MEM-0001";

async fn members(strategy: &str) -> Seed000 {
    let s = seed000(System::Member, json!({"conflict_strategy": strategy})).await;
    s.sync("members", "full").await;
    s
}

/// The desk sets `here` points, then the platform `there` (in that order).
async fn change_both(s: &Seed000, id: &str, here: u64, there: u64) {
    s.edit_here(&s.member_body(id, here)).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    s.sim.set_member_points(id, there).expect("platform change");
}

async fn resolve(s: &Seed000, choice: ConflictChoice) {
    let conflict = s.open_conflicts().await.remove(0);
    s.host
        .services
        .resolve_conflict(&s.host.admin, &conflict.id.to_string(), &choice)
        .await
        .expect("resolved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn source_wins_takes_the_platform_version_and_cancels_the_unsent_change() {
    let s = members("source_wins").await;
    change_both(&s, ID, 1111, 2222).await;
    let task = s.sync("members", "incremental").await;
    let local = s.member(ID).await;
    assert_eq!(
        (local.points, local.sync_status),
        (2222, RecordSyncStatus::Success)
    );
    assert_eq!(s.outbox().await, ["cancelled"]);
    assert_eq!(s.send().await.delivered, 0);
    assert_eq!(
        (s.points_at_platform(ID), s.sim.pushes("member:MEM-0001")),
        (2222, 0)
    );
    let line = s
        .logs(&task)
        .await
        .into_iter()
        .find(|l| l.item_id == ID)
        .expect("logged");
    assert_eq!(line.action, SyncAction::Update);
    assert!(line
        .error_message
        .is_some_and(|m| m.contains("source_wins")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn target_wins_keeps_the_desk_change_and_sends_it() {
    let s = members("target_wins").await;
    change_both(&s, ID, 1111, 2222).await;
    s.sync("members", "incremental").await;
    assert_eq!(s.member(ID).await.points, 1111);
    assert_eq!(s.send().await.delivered, 1);
    assert_eq!(s.points_at_platform(ID), 1111);
    // Reading the platform's version again (ours now) changes nothing, and no conflict arises.
    s.sync("members", "full").await;
    assert_eq!(s.member(ID).await.points, 1111);
    assert!(s.open_conflicts().await.is_empty());
    assert_eq!(s.outbox().await, ["done"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latest_wins_compares_the_change_times() {
    let s = members("latest_wins").await;
    // The platform changed the member after the desk: its version wins.
    change_both(&s, ID, 1111, 2222).await;
    s.sync("members", "incremental").await;
    assert_eq!(s.member(ID).await.points, 2222);
    assert_eq!(s.outbox().await, ["cancelled"]);
    // The desk changed it after the platform: ours wins and is sent.
    s.sim.set_member_points(ID, 3333).expect("platform change");
    tokio::time::sleep(Duration::from_millis(20)).await;
    s.edit_here(&s.member_body(ID, 4444)).await;
    s.sync("members", "incremental").await;
    assert_eq!(s.member(ID).await.points, 4444);
    assert_eq!(s.send().await.delivered, 1);
    assert_eq!(s.points_at_platform(ID), 4444);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manual_parks_one_conflict_and_holds_the_change_until_a_person_keeps_it() {
    let s = members("manual").await;
    change_both(&s, ID, 1111, 2222).await;
    let task = s.sync("members", "incremental").await;
    s.sync("members", "incremental").await;
    let open = s.open_conflicts().await;
    assert_eq!(open.len(), 1, "one conflict however often it is re-read");
    assert_eq!(
        (open[0].entity.as_str(), open[0].record_key.as_str()),
        ("member", "member:MEM-0001")
    );
    assert!(open[0].fields.iter().any(|f| f.path == "points"
        && f.local == Some(json!(1111))
        && f.remote == Some(json!(2222))));
    let line = s
        .logs(&task)
        .await
        .into_iter()
        .find(|l| l.item_id == ID)
        .expect("logged");
    assert_eq!(
        (line.status, line.error_class),
        (SyncItemStatus::Failed, Some(ErrorClass::BusinessLogicError))
    );
    // Nothing moves on either side while it waits.
    assert_eq!(s.member(ID).await.points, 1111);
    assert_eq!(s.send().await.delivered, 0);
    assert_eq!(s.points_at_platform(ID), 2222);

    resolve(&s, ConflictChoice::KeepLocal).await;
    // Re-reading the platform's version that lost, before ours is sent, is no new conflict.
    s.sync("members", "incremental").await;
    assert!(s.open_conflicts().await.is_empty());
    assert_eq!(s.member(ID).await.points, 1111);
    assert_eq!(s.send().await.delivered, 1);
    assert_eq!(s.points_at_platform(ID), 1111);
    assert_eq!(s.outbox().await, ["cancelled", "done"]);
    s.sync("members", "full").await;
    assert!(s.open_conflicts().await.is_empty());
    assert_eq!(s.member(ID).await.sync_status, RecordSyncStatus::Success);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_takes_the_platform_version_or_merges_field_by_field() {
    let s = members("manual").await;
    change_both(&s, ID, 1111, 2222).await;
    s.sync("members", "incremental").await;
    resolve(&s, ConflictChoice::TakeRemote).await;
    assert_eq!(s.member(ID).await.points, 2222);
    assert_eq!(s.outbox().await, ["cancelled"]);
    assert_eq!(s.send().await.delivered, 0);

    // MEM-0002: the desk sets points and a level, the platform points and a name.
    let mut here = s.member_body("MEM-0002", 1111);
    here["level"] = json!("diamond");
    s.edit_here(&here).await;
    s.sim
        .edit_member("MEM-0002", json!({"points": 2222, "name": "王五"}))
        .expect("platform change");
    s.sync("members", "incremental").await;
    let conflict = s.open_conflicts().await.remove(0);
    let fields: BTreeMap<String, ConflictSide> = conflict
        .fields
        .iter()
        .map(|f| {
            let side = if f.path == "level" {
                ConflictSide::Local
            } else {
                ConflictSide::Remote
            };
            (f.path.clone(), side)
        })
        .collect();
    assert_eq!(fields.len(), 3, "{:?}", conflict.fields);
    resolve(&s, ConflictChoice::PerField { fields }).await;
    let merged = s.member("MEM-0002").await;
    assert_eq!(
        (
            merged.points,
            merged.level.as_deref(),
            merged.name.as_deref()
        ),
        (2222, Some("diamond"), Some("王五"))
    );
    assert_eq!(s.send().await.delivered, 1);
    let at_platform = s.sim.member("MEM-0002").expect("member");
    assert_eq!(
        (
            &at_platform["points"],
            &at_platform["level"],
            &at_platform["name"]
        ),
        (&json!(2222), &json!("diamond"), &json!("王五"))
    );
}
