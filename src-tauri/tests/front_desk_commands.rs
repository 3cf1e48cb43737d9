//! The front-desk board and the dashboard over real IPC (Tauri's mock runtime, no window)
//! against a temp database and the real keychain: a floor manager moves a reservation
//! through the states the core allows and is refused the managers' commands; staff read
//! the board but may not move anything. Run under `scripts/with-keyring.sh`.

mod common;

use chrono::{Duration, Utc};
use serde_json::{json, Value};
use storelink_desktop::AppState;
use storelink_service::ingest::RawPush;
use tauri::Manager;

use common::Desktop;

impl Desktop {
    fn login(&self, username: &str, password: &str) {
        self.ok("login", json!({"username": username, "password": password}));
    }
}

const ADMIN_PASSWORD: &str = "Adm1n-pass!";
const STAFF_PASSWORD: &str = "Passw0rd-long";

/// A store time today (UTC+8, the default store zone) as the platform writes it.
fn today_at(time: &str) -> String {
    let date = (Utc::now() + Duration::hours(8)).date_naive();
    format!("{}T{time}:00", date.format("%Y-%m-%d"))
}

/// A reservation system with one confirmed booking tonight, and a floor manager and a
/// staff member; returns the system id.
fn front_desk(d: &Desktop) -> String {
    d.ok(
        "create_first_admin",
        json!({"username": "admin", "password": ADMIN_PASSWORD}),
    );
    let system = d.ok(
        "create_system",
        json!({"input": {"name": "易订", "type": "reservation", "provider": "Yiding",
            "config": {"api_endpoint": "http://127.0.0.1:9/reservation", "api_key": "yd-key"}}}),
    );
    let system_id = system["id"].as_str().expect("system id").to_owned();
    let state = d.app.state::<AppState>();
    let services = state.services().expect("services");
    tauri::async_runtime::block_on(async {
        let (_, admin) = services
            .login("admin", ADMIN_PASSWORD)
            .await
            .expect("admin login");
        let body = json!({"reservation_id": "RES-2024-001", "customer_name": "张三",
            "customer_count": 4, "reservation_date": today_at("19:00"), "status": "confirmed"});
        services
            .sync_reservation(&admin, &system_id, RawPush::new(body.to_string()))
            .await
            .expect("booking");
        for (name, role) in [("floor", "floor_manager"), ("waiter", "staff")] {
            services
                .add_user(&admin, name, STAFF_PASSWORD, role)
                .await
                .expect("add user");
        }
    });
    system_id
}

fn statuses(row: &Value) -> Vec<&str> {
    row["next_allowed"]
        .as_array()
        .expect("next_allowed")
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

#[test]
fn a_floor_manager_moves_a_reservation_and_is_refused_the_managers_commands() {
    let d = Desktop::open();
    let system_id = front_desk(&d);
    d.login("floor", STAFF_PASSWORD);

    let board = d.ok("front_desk_board", json!({"date": null}));
    let rows = board["reservations"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{board}");
    assert_eq!(rows[0]["time"], "19:00");
    assert_eq!(statuses(&rows[0]), ["arrived", "cancelled", "no_show"]);
    let id = rows[0]["reservation"]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let arrived = d.ok(
        "move_reservation",
        json!({"id": id, "change": {"status": "arrived"}}),
    );
    assert_eq!(arrived["reservation"]["status"], "arrived");
    assert!(arrived["reservation"]["arrival_time"].is_string());
    assert_eq!(statuses(&arrived), ["seated", "cancelled"]);
    let refused = d.error(
        "move_reservation",
        json!({"id": id, "change": {"status": "seated"}}),
    );
    assert_eq!(refused["kind"], "validation", "{refused}");
    assert_eq!(refused["errors"][0]["field"], "table_number", "{refused}");
    let seated = d.ok(
        "move_reservation",
        json!({"id": id, "change": {"status": "seated", "table_number": "A8"}}),
    );
    assert_eq!(seated["reservation"]["table_number"], "A8");
    assert_eq!(statuses(&seated), ["completed"]);
    let skipped = d.error(
        "move_reservation",
        json!({"id": id, "change": {"status": "confirmed"}}),
    );
    assert_eq!(skipped["kind"], "validation", "{skipped}");
    let board = d.ok("front_desk_board", json!({"date": ""}));
    assert_eq!(board["reservations"][0]["reservation"]["status"], "seated");

    // Both moves wait in the outbox for the platform.
    let outbox = d.ok("list_outbox", json!({"query": {"system_id": system_id}}));
    let queued = outbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["record_key"] == "reservation:RES-2024-001")
        .count();
    assert_eq!(queued, 2, "{outbox}");

    // The dashboard is every signed-in role's; the managers' commands are not.
    let dashboard = d.ok("dashboard", json!({}));
    assert_eq!(dashboard["systems"][0]["name"], "易订", "{dashboard}");
    assert_eq!(dashboard["pos_hours"].as_array().map(Vec::len), Some(24));
    for (cmd, args) in [
        (
            "create_system",
            json!({"input": {"name": "越权系统", "type": "pos", "provider": "X", "secrets": {}}}),
        ),
        ("delete_system", json!({"id": system_id})),
        (
            "run_sync",
            json!({"systemId": system_id, "stream": "reservations", "mode": "full"}),
        ),
        ("dispatch_outbox", json!({})),
        ("list_tokens", json!({})),
        ("list_inbox", json!({"query": {}})),
    ] {
        let e = d.error(cmd, args);
        assert_eq!(e["kind"], "forbidden", "{cmd}: {e}");
        assert_eq!(e["role"], "floor_manager", "{cmd}: {e}");
    }
}

#[test]
fn staff_read_the_board_but_may_not_move_a_reservation() {
    let d = Desktop::open();
    front_desk(&d);
    d.login("waiter", STAFF_PASSWORD);
    let board = d.ok("front_desk_board", json!({"date": null}));
    let id = board["reservations"][0]["reservation"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let e = d.error(
        "move_reservation",
        json!({"id": id, "change": {"status": "arrived"}}),
    );
    assert_eq!(e["kind"], "forbidden", "{e}");
    let board = d.ok("front_desk_board", json!({"date": null}));
    assert_eq!(
        board["reservations"][0]["reservation"]["status"],
        "confirmed"
    );
    assert_eq!(
        d.error("front_desk_board", json!({"date": "15/02/2026"}))["kind"],
        "validation"
    );
}
