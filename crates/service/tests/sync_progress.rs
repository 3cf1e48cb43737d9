//! Sync task progress as domain events, a system's streams, and the sync log filters the
//! desktop's pages use (real SQLite file, keychain).

mod common;

use std::time::Duration;

use serde_json::json;
use storelink_core::ids::{new_id, now};
use storelink_core::ingest::DomainEvent;
use storelink_core::sync::{
    SyncAction, SyncItemStatus, SyncLog, SyncMode, SyncTask, SyncTaskStatus, SyncTrigger,
};
use storelink_core::system::NewSystem;
use storelink_core::{AppError, Role};
use storelink_service::records::SyncLogQuery;
use storelink_simulators::erp::{ErpSim, ErpSimConfig};
use storelink_store::{sync_logs, sync_tasks};
use uuid::Uuid;

use common::{host, user};

async fn erp(h: &common::Host) -> Uuid {
    let input: NewSystem = serde_json::from_value(json!({
        "name": format!("ERP {}", new_id()),
        "type": "erp",
        "provider": "custom",
        "api_endpoint": "http://127.0.0.1:9/erp",
        "config": {"username": "storelink"},
        "secrets": {"password": "erp-pass"},
    }))
    .expect("system body");
    h.services
        .create_system(&h.admin, input)
        .await
        .expect("create")
        .id
}

fn task(system_id: Uuid) -> SyncTask {
    let at = now();
    SyncTask {
        id: new_id(),
        system_id,
        task_type: "customers".into(),
        mode: SyncMode::Full,
        trigger: SyncTrigger::Schedule,
        status: SyncTaskStatus::Running,
        start_time: Some(at),
        end_time: None,
        total_items: 1000,
        success_items: 0,
        failed_items: 0,
        error_message: None,
        created_at: at,
        updated_at: at,
    }
}

async fn save(h: &common::Host, task: &SyncTask, new: bool) {
    let mut tx = h.services.db().write().await.expect("write");
    if new {
        sync_tasks::insert(&mut tx, task).await.expect("insert");
    } else {
        sync_tasks::save(&mut tx, task).await.expect("save");
    }
    tx.commit().await.expect("commit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_sync_reports_its_start_its_pages_and_its_end() {
    let h = host().await;
    let sim = ErpSim::start(ErpSimConfig {
        records: 250,
        ..ErpSimConfig::default()
    })
    .await
    .expect("simulator");
    let input: NewSystem = serde_json::from_value(json!({
        "name": "ERP progress", "type": "erp", "provider": "custom",
        "api_endpoint": sim.base_url(),
        "config": {"username": "storelink", "password": "erp-pass", "page_size": 50,
                   "commit_every_records": 50, "rate_limit_per_second": 1000},
    }))
    .expect("system body");
    let system = h
        .services
        .create_system(&h.admin, input)
        .await
        .expect("create")
        .id;
    let mut events = h.services.subscribe();
    let task = h
        .services
        .run_sync(&h.admin, &system.to_string(), "customers", "full")
        .await
        .expect("sync");
    assert_eq!(task.status, SyncTaskStatus::Completed);
    // The announcements are passed on by another task: read them until the end's.
    let mut seen = Vec::new();
    while seen.last().map(|(s, _)| *s) != Some(SyncTaskStatus::Completed) {
        let event = tokio::time::timeout(Duration::from_secs(20), events.recv())
            .await
            .unwrap_or_else(|_| panic!("no end announced: {seen:?}"))
            .expect("events");
        if let DomainEvent::SyncTaskProgress {
            task_id,
            status,
            success_items,
            ..
        } = event
        {
            assert_eq!(task_id, task.id);
            seen.push((status, success_items));
        }
    }
    assert_eq!(
        seen.first(),
        Some(&(SyncTaskStatus::Running, 0)),
        "{seen:?}"
    );
    assert_eq!(
        seen.last(),
        Some(&(SyncTaskStatus::Completed, 250)),
        "{seen:?}"
    );
    let pages = seen
        .iter()
        .filter(|(s, n)| *s == SyncTaskStatus::Running && *n > 0)
        .count();
    assert!(pages >= 3, "one announcement per stored batch: {seen:?}");
    let counts: Vec<i64> = seen.iter().map(|(_, n)| *n).collect();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_are_listed_for_managers_only() {
    let h = host().await;
    let system = erp(&h).await.to_string();
    let streams = h
        .services
        .sync_streams(&h.admin, &system)
        .await
        .expect("streams");
    let names: Vec<_> = streams.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"customers"), "{names:?}");
    assert!(streams
        .iter()
        .all(|s| !s.modes.contains(&SyncMode::Single) && s.modes.contains(&SyncMode::Full)));
    let staff = user(&h, "waiter", Role::Staff).await;
    let refused = h.services.sync_streams(&staff, &system).await;
    assert!(
        matches!(refused, Err(AppError::Forbidden { .. })),
        "{refused:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_logs_filter_by_item_type_and_task() {
    let h = host().await;
    let system = erp(&h).await;
    let t = task(system);
    save(&h, &t, true).await;
    let mut failed = SyncLog::success(system, Some(t.id), "product", "P1", SyncAction::Update);
    failed.status = SyncItemStatus::Failed;
    let logs = [
        SyncLog::success(system, Some(t.id), "customer", "C1", SyncAction::Create),
        failed,
        SyncLog::success(system, None, "customer", "C2", SyncAction::Update),
    ];
    let mut tx = h.services.db().write().await.expect("write");
    sync_logs::insert_many(&mut tx, &logs).await.expect("logs");
    tx.commit().await.expect("commit");

    let list = |q: SyncLogQuery| {
        let services = h.services.clone();
        let admin = h.admin.clone();
        async move {
            let page = services.list_sync_logs(&admin, q).await.expect("list");
            let mut ids: Vec<String> = page.items.into_iter().map(|l| l.item_id).collect();
            ids.sort();
            ids
        }
    };
    let customers = list(SyncLogQuery {
        item_type: Some("customer".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(customers, ["C1", "C2"]);
    let of_task = list(SyncLogQuery {
        task_id: Some(t.id.to_string()),
        ..Default::default()
    })
    .await;
    assert_eq!(of_task, ["C1", "P1"]);
    let failed_of_task = list(SyncLogQuery {
        task_id: Some(t.id.to_string()),
        status: Some("failed".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(failed_of_task, ["P1"]);
    let bad = h
        .services
        .list_sync_logs(
            &h.admin,
            SyncLogQuery {
                task_id: Some("task-7".into()),
                ..Default::default()
            },
        )
        .await;
    assert!(matches!(bad, Err(AppError::Validation { .. })), "{bad:?}");
}
