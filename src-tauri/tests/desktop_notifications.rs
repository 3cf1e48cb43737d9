//! Desktop notifications over real IPC (Tauri's mock runtime, no window) against a temp
//! database and the real keychain: an alert is shown and listed once, a repeat within the
//! window is held back, preferences switch kinds off, a click asks the window for the right
//! page, a failed sync produces a record, and the commands check the role in the core. Run
//! under `scripts/with-keyring.sh`.

mod common;

use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Duration as Minutes;
use serde_json::{json, Value};
use storelink_core::health::Alert;
use storelink_core::ids::now;
use storelink_core::ingest::DomainEvent;
use storelink_desktop::notify::{self, NotificationEvent, Presenter};
use storelink_desktop::notify_rules::{Notice, NotificationTarget};
use storelink_desktop::AppState;
use tauri::Manager;
use tauri_specta::Event;
use uuid::Uuid;

use common::Desktop;

/// Stands in for the OS: keeps what it was asked to show.
#[derive(Clone, Default)]
struct Shown(Arc<Mutex<Vec<(u32, String)>>>);

impl Presenter for Shown {
    fn present(&self, id: u32, notice: &Notice) -> Result<(), String> {
        self.0
            .lock()
            .map_err(|e| e.to_string())?
            .push((id, notice.title.clone()));
        Ok(())
    }
}

impl Shown {
    fn ids(&self) -> Vec<u32> {
        self.0
            .lock()
            .map(|v| v.iter().map(|(id, _)| *id).collect())
            .unwrap_or_default()
    }
}

/// The desktop with the OS notifications replaced by a recorder.
struct Notifying {
    desktop: Desktop,
    shown: Shown,
}

impl Notifying {
    fn open() -> Notifying {
        let shown = Shown::default();
        let presenter = shown.clone();
        // What the app's setup does, with the OS notifications replaced.
        let desktop = Desktop::open_with(move |app| {
            let prefs = tauri::async_runtime::block_on(notify::saved_prefs(app.handle()));
            notify::start(app.handle(), Box::new(presenter), prefs)
        });
        Notifying { desktop, shown }
    }
}

impl std::ops::Deref for Notifying {
    type Target = Desktop;

    fn deref(&self) -> &Desktop {
        &self.desktop
    }
}

impl Desktop {
    fn records(&self) -> Vec<Value> {
        self.ok("list_notifications", json!({}))
            .as_array()
            .cloned()
            .expect("a list")
    }

    fn sign_in_admin(&self) {
        self.ok(
            "create_first_admin",
            json!({"username": "admin", "password": "Adm1n-pass!"}),
        );
    }
}

fn task_failed(system: Uuid, at: chrono::DateTime<chrono::Utc>) -> DomainEvent {
    DomainEvent::Alert {
        alert: Alert::task_failed(system, "总部ERP", "customers", Some("refused"), at),
    }
}

#[test]
fn an_alert_notifies_once_per_window_and_a_click_opens_its_page() {
    let d = Notifying::open();
    assert_eq!(
        d.error_kind("list_notifications", json!({})),
        "unauthenticated"
    );
    d.sign_in_admin();
    assert_eq!(d.records(), Vec::<Value>::new());

    let (tx, heard) = mpsc::channel();
    NotificationEvent::listen_any(&d.app, move |e| {
        let _ = tx.send(e.payload);
    });

    let system = Uuid::now_v7();
    let t0 = now();
    let handle = d.app.handle();
    let first = notify::notify_event(handle, &task_failed(system, t0), t0).expect("shown");
    // The same vendor failing again within the 10-minute window: held back, only counted.
    assert_eq!(
        notify::notify_event(handle, &task_failed(system, t0), t0 + Minutes::minutes(4)),
        None
    );
    let records = d.records();
    assert_eq!(records.len(), 1, "{records:?}");
    let record = &records[0];
    assert_eq!(record["id"], first);
    assert_eq!(record["kind"], "sync_failed");
    assert_eq!(record["target"], "sync_tasks");
    assert_eq!(record["system_id"], system.to_string());
    assert_eq!(record["title"], "同步失败");
    assert_eq!(record["repeats"], 1);
    assert_eq!(record["delivered"], true);
    assert_eq!(d.shown.ids(), vec![first]);

    // After the window the vendor is mentioned again; another system has its own window.
    let again = notify::notify_event(handle, &task_failed(system, t0), t0 + Minutes::minutes(11));
    let other = notify::notify_event(handle, &task_failed(Uuid::now_v7(), t0), t0);
    assert!(again.is_some() && other.is_some());
    assert_eq!(d.records().len(), 3);

    // The window hears of each one shown, and of a click, with the page to open.
    notify::clicked(handle, first);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut shown = 0;
    let mut click = None;
    while click.is_none() && Instant::now() < deadline {
        match heard.recv_timeout(Duration::from_millis(200)) {
            Ok(NotificationEvent::Shown { .. }) => shown += 1,
            Ok(NotificationEvent::Clicked {
                record_id,
                target,
                system_id,
            }) => {
                click = Some((record_id, target, system_id));
            }
            Err(_) => {}
        }
    }
    assert_eq!(shown, 3);
    assert_eq!(click, Some((first, NotificationTarget::SyncTasks, system)));
}

#[test]
fn preferences_switch_kinds_off_and_set_the_language() {
    let d = Notifying::open();
    d.sign_in_admin();
    let prefs = d.ok("notification_prefs", json!({}));
    assert_eq!(prefs["sync_failed"], true);
    assert_eq!(prefs["dedup_minutes"], 10);

    let mut off = prefs.clone();
    off["sync_failed"] = json!(false);
    assert_eq!(
        d.ok("save_notification_prefs", json!({"prefs": off}))["sync_failed"],
        false
    );
    let handle = d.app.handle();
    assert_eq!(
        notify::notify_event(handle, &task_failed(Uuid::now_v7(), now()), now()),
        None
    );
    assert_eq!(d.records(), Vec::<Value>::new());
    // Kept in the data folder: read back as saved.
    assert_eq!(d.ok("notification_prefs", json!({}))["sync_failed"], false);

    // Other kinds still notify, in the window's language.
    d.ok("set_notification_language", json!({"lang": "en"}));
    let dead = DomainEvent::Alert {
        alert: Alert::outbox_dead(Uuid::now_v7(), "order:O1", Some("refused"), now()),
    };
    assert!(notify::notify_event(handle, &dead, now()).is_some());
    let records = d.records();
    assert_eq!(records[0]["kind"], "outbox_dead");
    assert_eq!(records[0]["target"], "outbox");
    assert_eq!(records[0]["title"], "A change could not be delivered");
    assert!(
        d.call("set_notification_language", json!({"lang": "fr"}))
            .is_err(),
        "an unknown language is refused by the typed argument"
    );

    let mut bad = prefs;
    bad["dedup_minutes"] = json!(0);
    assert_eq!(
        d.error_kind("save_notification_prefs", json!({"prefs": bad})),
        "validation"
    );
}

#[test]
fn a_failed_sync_produces_a_notification_record() {
    let d = Notifying::open();
    d.sign_in_admin();
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
    let erp = system["id"].as_str().expect("system id").to_owned();
    // In use (a new system starts inactive, which the tray leaves out).
    d.ok(
        "update_system",
        json!({"id": erp, "patch": {"status": "active"}}),
    );
    d.call(
        "run_sync",
        json!({"systemId": erp, "stream": "customers", "mode": "full"}),
    )
    .expect_err("nothing answers");

    // The engine's alert reaches the notifier through the service's events.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut found = None;
    while found.is_none() && Instant::now() < deadline {
        found = d
            .records()
            .into_iter()
            .find(|r| r["kind"] == "sync_failed" && r["system_id"] == erp.as_str());
        if found.is_none() {
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    let record = found.expect("a notification record for the failed sync");
    assert_eq!(record["target"], "sync_tasks");
    assert!(
        record["body"]
            .as_str()
            .is_some_and(|b| b.contains("总部ERP")),
        "{record}"
    );
    assert_eq!(d.shown.ids().len(), 1);
    // The tray shows the failure: the last sync failed (or the breaker paused the vendor).
    let state = d.ok("overall_state", json!({}));
    assert!(state == "degraded" || state == "offline", "{state}");
    // Switched off, the system no longer counts.
    d.ok(
        "update_system",
        json!({"id": erp, "patch": {"status": "inactive"}}),
    );
    assert_eq!(d.ok("overall_state", json!({})), "ok");
}

#[test]
fn staff_may_read_but_not_change_preferences_or_sync_everything() {
    let d = Notifying::open();
    d.sign_in_admin();
    assert_eq!(d.ok("overall_state", json!({})), "ok");
    let started = d.ok("sync_all_now", json!({}));
    assert_eq!(started, json!({"systems": 0, "streams": 0}));
    {
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
    d.ok(
        "login",
        json!({"username": "waiter", "password": "Passw0rd-long"}),
    );
    let prefs = d.ok("notification_prefs", json!({}));
    d.ok("list_notifications", json!({}));
    assert_eq!(
        d.error_kind("save_notification_prefs", json!({"prefs": prefs})),
        "forbidden"
    );
    assert_eq!(d.error_kind("sync_all_now", json!({})), "forbidden");
    d.ok("logout", json!({}));
    assert_eq!(d.error_kind("overall_state", json!({})), "unauthenticated");
}
