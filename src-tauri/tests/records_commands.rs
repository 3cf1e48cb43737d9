//! The records pages' commands over real IPC (Tauri's mock runtime, no window) against a
//! temp database and the real keychain: a filtered list, an export to CSV with its
//! progress channel, and a role without `records_export` refused by the core. Run under
//! `scripts/with-keyring.sh`.

mod common;

use serde_json::json;
use storelink_desktop::AppState;
use storelink_service::ingest::RawPush;
use tauri::Manager;

use common::Desktop;

impl Desktop {
    /// Records sales as a POS terminal pushing them would, and adds a staff account.
    fn sales_and_staff(&self, system_id: &str) {
        let state = self.app.state::<AppState>();
        let services = state.services().expect("services");
        tauri::async_runtime::block_on(async {
            let (_, admin) = services.login("admin", "Adm1n-pass!").await.expect("login");
            for (id, time) in [
                ("TXN-1", "2025-11-20T09:00:00"),
                ("TXN-2", "2025-11-20T12:30:00"),
                ("TXN-3", "2025-11-21T09:00:00"),
            ] {
                let body = json!({"transaction_id": id, "total": "296.80",
                                  "payment_method": "cash", "transaction_time": time});
                services
                    .record_pos_transaction(&admin, system_id, RawPush::new(body.to_string()))
                    .await
                    .expect("sale");
            }
            services
                .add_user(&admin, "waiter", "Passw0rd-long", "staff")
                .await
                .expect("add staff");
        });
    }
}

#[test]
fn records_list_and_export_over_ipc_with_the_role_checked_in_the_core() {
    let d = Desktop::open();
    d.ok(
        "create_first_admin",
        json!({"username": "admin", "password": "Adm1n-pass!"}),
    );
    let pos = d.ok(
        "create_system",
        json!({"input": {"name": "前台POS", "type": "pos", "provider": "Meituan",
                         "api_endpoint": "http://127.0.0.1:9/pos"}}),
    );
    let pos_id = pos["id"].as_str().expect("system id").to_owned();
    d.sales_and_staff(&pos_id);
    let day = json!({"start_time": "2025-11-20T00:00:00", "end_time": "2025-11-21T00:00:00"});

    let page = d.ok("list_pos_transactions", json!({"query": day}));
    let ids: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|t| t["pos_transaction_id"].as_str())
        .collect();
    assert_eq!(ids, ["TXN-2", "TXN-1"], "the day's sales, newest first");
    assert_eq!(page["items"][0]["total"], json!(296.8));

    let choices = d.ok("record_choices", json!({}));
    assert_eq!(
        choices["transaction_types"],
        json!(["sale", "refund", "void"])
    );

    let folder = tempfile::tempdir().expect("export folder");
    let mut filter = day.clone();
    filter["kind"] = json!("pos_transactions");
    let export = |name: &str| {
        json!({
            "exportId": format!("export-{name}"),
            "filter": filter,
            "options": {"format": "csv", "language": "en"},
            "destination": {"folder": folder.path().display().to_string(), "file_name": name},
            "onProgress": "__CHANNEL__:7",
        })
    };
    let outcome = d.ok("export_records", export("day"));
    assert_eq!(outcome["status"], "completed", "{outcome}");
    assert_eq!(outcome["rows"], 2);
    let text = std::fs::read_to_string(folder.path().join("day.csv")).expect("the file");
    let lines: Vec<&str> = text.trim_end().lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].ends_with("Items,Sync status"), "{}", lines[0]);
    assert!(lines[1].contains(",TXN-2,"), "{}", lines[1]);
    assert!(lines[2].contains(",296.80,cash,"), "{}", lines[2]);
    assert_eq!(
        d.ok("cancel_export", json!({"exportId": "export-day"})),
        false
    );

    d.ok("logout", json!({}));
    d.ok(
        "login",
        json!({"username": "waiter", "password": "Passw0rd-long"}),
    );
    let staff_page = d.ok("list_pos_transactions", json!({"query": {}}));
    assert_eq!(staff_page["items"].as_array().map(Vec::len), Some(3));
    let refused = d
        .call("export_records", export("staff"))
        .expect_err("staff may not export");
    assert_eq!(refused["kind"], "forbidden", "{refused}");
    assert_eq!(refused["operation"], "records_export");
    assert!(!folder.path().join("staff.csv").exists());
}
