//! The settings page's and demo mode's commands over real IPC (Tauri's mock runtime, no
//! window) against a temp database and the real keychain: users and roles, backups, the
//! audit log with filters, the demo's status, and role refusals. Run under
//! `scripts/with-keyring.sh`. (Restoring restarts the app, so the service tests cover it.)

mod common;

use serde_json::json;

use common::Desktop;

#[test]
fn settings_and_demo_commands_answer_and_check_roles() {
    let d = Desktop::open();
    assert_eq!(
        d.error_kind("list_user_accounts", json!({})),
        "unauthenticated"
    );
    d.ok(
        "create_first_admin",
        json!({"username": "admin", "password": "Adm1n-pass!"}),
    );

    let clerk = d.ok(
        "add_user_account",
        json!({"username": "clerk", "password": "Passw0rd-long", "role": "staff"}),
    );
    assert_eq!(clerk["disabled"], false);
    let id = clerk["id"].as_str().expect("id").to_owned();
    let changed = d.ok(
        "change_user_role",
        json!({"id": id, "role": "floor_manager"}),
    );
    assert_eq!(changed["role"], "floor_manager");
    assert_eq!(
        d.error_kind("change_user_role", json!({"id": id, "role": "root"})),
        "validation"
    );
    let disabled = d.ok("set_user_disabled", json!({"id": id, "disabled": true}));
    assert_eq!(disabled["disabled"], true);
    d.ok("set_user_disabled", json!({"id": id, "disabled": false}));
    d.ok(
        "reset_user_password",
        json!({"id": id, "password": "N3w-passw0rd"}),
    );
    let users = d.ok("list_user_accounts", json!({}));
    let names: Vec<&str> = users
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    assert_eq!(names, ["admin", "clerk"]);

    let saved = d.ok(
        "save_backup_settings",
        json!({"settings": {"enabled": true, "interval_hours": 12, "keep": 3}}),
    );
    assert_eq!(saved["keep"], 3);
    assert_eq!(
        d.error_kind(
            "save_backup_settings",
            json!({"settings": {"enabled": true, "interval_hours": 0, "keep": 3}})
        ),
        "validation"
    );
    let made = d.ok("run_backup", json!({}));
    assert_eq!(made["kind"], "manual");
    let overview = d.ok("backups_overview", json!({}));
    assert_eq!(overview["backups"][0]["name"], made["name"]);
    assert!(overview["next_run_at"].is_string(), "{overview}");
    assert_eq!(
        d.error_kind("restore_backup", json!({"name": "../storelink.db"})),
        "not_found"
    );

    let audit = d.ok(
        "search_audit_log",
        json!({"query": {"action": "users_manage", "outcome": "success"}}),
    );
    let details: Vec<&str> = audit["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["detail"].as_str())
        .collect();
    assert!(details.contains(&"password reset"), "{details:?}");

    let demo = d.ok("demo_status", json!({}));
    assert_eq!(demo["systems"], json!([]));
    assert_eq!(demo["running"], false);

    // A floor manager: no users administration, no backups, no audit log, no demo start.
    d.ok("logout", json!({}));
    d.ok(
        "login",
        json!({"username": "clerk", "password": "N3w-passw0rd"}),
    );
    for (cmd, args) in [
        ("list_user_accounts", json!({})),
        ("backups_overview", json!({})),
        ("run_backup", json!({})),
        ("search_audit_log", json!({"query": {}})),
        ("start_demo", json!({})),
        ("remove_demo", json!({})),
    ] {
        assert_eq!(d.error_kind(cmd, args), "forbidden", "{cmd}");
    }
    assert_eq!(d.ok("demo_status", json!({}))["systems"], json!([]));
}
