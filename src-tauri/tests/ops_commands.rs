//! The operations pages' commands over real IPC (Tauri's mock runtime, no window) against a
//! temp database and the real keychain: answers, typed errors, role refusals, and sync
//! progress arriving as a typed live update. Run under `scripts/with-keyring.sh`.

mod common;

use std::sync::mpsc;
use std::time::Duration;

use serde_json::json;
use storelink_desktop::live::LiveUpdate;
use storelink_desktop::AppState;
use tauri::Manager;
use tauri_specta::Event;

use common::Desktop;

/// A custom-REST ERP whose endpoint does not answer, failing at once (no retries).
/// A desktop passing the core's events to the window, as the app's setup does.
fn live_desktop() -> Desktop {
    Desktop::open_with(|app| storelink_desktop::live::forward(app.handle()))
}

fn unreachable_erp(d: &Desktop) -> String {
    let endpoint = tauri::async_runtime::block_on(storelink_testkit::closed_port_url());
    let system = d.ok(
        "create_system",
        json!({"input": {
            "name": "总部ERP",
            "type": "erp",
            "provider": "custom",
            "api_endpoint": endpoint,
            "config": {"username": "storelink", "timeout_ms": 2000, "retryPolicy": {"maxRetries": 0}},
            "secrets": {"password": "erp-pass"},
        }}),
    );
    system["id"].as_str().expect("system id").to_owned()
}

fn add_staff(d: &Desktop) {
    let state = d.app.state::<AppState>();
    let services = state.services().expect("services");
    tauri::async_runtime::block_on(async {
        let (_, admin) = services
            .login("admin", "Adm1n-pass!")
            .await
            .expect("admin login");
        services
            .add_user(&admin, "waiter", "Passw0rd-long", "staff")
            .await
            .expect("add staff");
    });
}

#[test]
fn operations_commands_answer_and_report_progress_live() {
    let d = live_desktop();
    assert_eq!(
        d.error_kind("list_sync_tasks", json!({"query": {}})),
        "unauthenticated"
    );
    d.ok(
        "create_first_admin",
        json!({"username": "admin", "password": "Adm1n-pass!"}),
    );
    let erp = unreachable_erp(&d);

    let (tx, updates) = mpsc::channel();
    LiveUpdate::listen_any(&d.app, move |e| {
        let _ = tx.send(e.payload);
    });

    let streams = d.ok("sync_streams", json!({"systemId": erp}));
    let names: Vec<&str> = streams
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(names.contains(&"customers"), "streams: {streams}");

    let failed = d
        .call(
            "run_sync",
            json!({"systemId": erp, "stream": "customers", "mode": "full"}),
        )
        .expect_err("nothing answers");
    assert_eq!(failed["kind"], "external", "{failed}");
    assert_eq!(failed["class"], "network_error", "{failed}");

    let tasks = d.ok("list_sync_tasks", json!({"query": {"system_id": erp}}));
    let row = &tasks["items"][0];
    let task_id = row["task"]["id"].as_str().expect("task id").to_owned();
    assert_eq!(row["task"]["status"], "failed");
    assert_eq!(row["task"]["task_type"], "customers");
    assert_eq!(row["progress_permille"], 0);
    assert!(row["estimated_completion"].is_null());

    // The engine announces the task's start and its end; the end arrives as a typed live
    // update.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let mut progress = None;
    while progress.is_none() && std::time::Instant::now() < deadline {
        if let Ok(LiveUpdate::Domain { event }) = updates.recv_timeout(Duration::from_secs(1)) {
            let event = serde_json::to_value(event).expect("event json");
            if event["kind"] == "sync_task_progress"
                && event["task_id"] == task_id.as_str()
                && event["status"] != "running"
            {
                progress = Some(event);
            }
        }
    }
    let progress = progress.expect("a sync_task_progress update of the task's end");
    assert_eq!(progress["status"], "failed");
    assert_eq!(progress["system_id"], erp.as_str());
    assert_eq!(progress["stream"], "customers");

    // A finished task cannot be cancelled.
    assert_eq!(
        d.error_kind("cancel_sync", json!({"taskId": task_id})),
        "conflict"
    );
    let logs = d.ok(
        "list_sync_logs",
        json!({"query": {"system_id": erp, "status": null, "item_type": "customer",
            "task_id": task_id, "cursor": null, "limit": 10}}),
    );
    assert!(logs["items"].is_array(), "{logs}");
    assert_eq!(
        d.error_kind(
            "list_sync_logs",
            json!({"query": {"system_id": null, "status": null, "task_id": "nope", "cursor": null, "limit": null}})
        ),
        "validation"
    );

    let conflicts = d.ok("list_conflicts", json!({"query": {"status": "open"}}));
    assert_eq!(conflicts["items"], json!([]));
    assert_eq!(
        d.error_kind("list_conflicts", json!({"query": {"status": "closed"}})),
        "validation"
    );
    assert_eq!(
        d.error_kind(
            "resolve_conflict",
            json!({"id": "0190f7a2-0000-7000-8000-000000000009", "choice": {"choice": "keep_local"}})
        ),
        "not_found"
    );

    assert_eq!(
        d.ok("list_outbox", json!({"query": {"status": "dead"}}))["items"],
        json!([])
    );
    let sent = d.ok("dispatch_outbox", json!({}));
    assert_eq!(sent["delivered"], 0, "{sent}");
    assert_eq!(
        d.error_kind(
            "retry_outbox",
            json!({"id": "0190f7a2-0000-7000-8000-000000000009"})
        ),
        "not_found"
    );
    assert_eq!(
        d.ok("list_inbox", json!({"query": {"system_id": erp}}))["items"],
        json!([])
    );
    assert_eq!(
        d.error_kind("list_inbox", json!({"query": {"status": "lost"}})),
        "validation"
    );
    assert!(d.ok("latest_health", json!({})).is_array());
}

#[test]
fn roles_without_rights_are_refused_by_the_core() {
    let d = live_desktop();
    d.ok(
        "create_first_admin",
        json!({"username": "admin", "password": "Adm1n-pass!"}),
    );
    let erp = unreachable_erp(&d);
    add_staff(&d);
    d.ok(
        "login",
        json!({"username": "waiter", "password": "Passw0rd-long"}),
    );
    // Staff read the lists...
    d.ok("list_sync_tasks", json!({"query": {}}));
    d.ok("list_conflicts", json!({"query": {}}));
    d.ok("list_outbox", json!({"query": {}}));
    // ...and may not act on them.
    for (cmd, args) in [
        (
            "run_sync",
            json!({"systemId": erp, "stream": "customers", "mode": "full"}),
        ),
        ("sync_streams", json!({"systemId": erp})),
        (
            "cancel_sync",
            json!({"taskId": "0190f7a2-0000-7000-8000-000000000009"}),
        ),
        (
            "resolve_conflict",
            json!({"id": "0190f7a2-0000-7000-8000-000000000009", "choice": {"choice": "take_remote"}}),
        ),
        (
            "retry_outbox",
            json!({"id": "0190f7a2-0000-7000-8000-000000000009"}),
        ),
        ("dispatch_outbox", json!({})),
        ("list_inbox", json!({"query": {}})),
        (
            "replay_inbox",
            json!({"id": "0190f7a2-0000-7000-8000-000000000009"}),
        ),
    ] {
        assert_eq!(d.error_kind(cmd, args), "forbidden", "{cmd}");
    }
}
