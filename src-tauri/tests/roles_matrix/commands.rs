//! The desktop commands that carry an operation, each with the arguments it takes over IPC.
//! Commands whose answer depends on a vendor (a sync, a connection test) reach one that is
//! not there; the matrix judges the role check, the service matrix the happy paths.

use serde_json::{json, Value};
use storelink_core::system::NewSystem;
use storelink_core::token::NewToken;
use storelink_core::{Actor, Role};
use storelink_service::ingest::RawPush;
use storelink_service::Services;
use uuid::Uuid;

/// Nothing listens here.
pub const CLOSED: &str = "http://127.0.0.1:9/api";

/// (command, operation, error kinds an allowed call may still end with).
pub const COMMANDS: &[(&str, &str, &[&str])] = &[
    ("list_systems", "systems_view", &[]),
    ("get_system", "systems_view", &[]),
    ("overall_state", "systems_view", &[]),
    ("demo_status", "systems_view", &[]),
    ("connector_settings", "systems_view", &[]),
    ("create_system", "systems_create", &[]),
    ("update_system", "systems_update", &[]),
    ("preview_field_mapping", "systems_update", &[]),
    ("rotate_webhook_secret", "systems_update", &[]),
    ("end_webhook_secret_grace", "systems_update", &[]),
    ("delete_system", "systems_delete", &[]),
    // The demo runs simulators on loopback and the app's listener: an allowed start is
    // followed at once by an allowed removal (the matrix removes any demo left at the end).
    ("start_demo", "systems_create", &[]),
    ("remove_demo", "systems_delete", &[]),
    ("test_system", "systems_test", &[]),
    ("list_pos_transactions", "pos_transactions_view", &[]),
    ("dashboard", "pos_transactions_view", &[]),
    ("list_supplier_orders", "supplier_orders_view", &[]),
    ("list_members", "members_view", &[]),
    ("front_desk_board", "reservations_view", &[]),
    ("move_reservation", "reservations_update_status", &[]),
    ("list_sync_logs", "sync_logs_view", &[]),
    ("list_sync_tasks", "sync_logs_view", &[]),
    ("latest_health", "sync_logs_view", &[]),
    ("list_outbox", "sync_logs_view", &[]),
    ("list_conflicts", "sync_logs_view", &[]),
    // No connector serves the system, or no vendor answers: refused past the role check.
    ("run_sync", "sync_run", &["validation", "external"]),
    ("sync_streams", "sync_run", &["validation"]),
    ("cancel_sync", "sync_run", &["not_found"]),
    ("dispatch_outbox", "sync_run", &[]),
    ("retry_outbox", "sync_run", &["not_found"]),
    ("list_inbox", "sync_run", &[]),
    ("replay_inbox", "sync_run", &["not_found"]),
    ("sync_all_now", "sync_run", &[]),
    ("resolve_conflict", "conflicts_resolve", &["not_found"]),
    ("list_customers", "erp_records_view", &[]),
    ("list_products", "erp_records_view", &[]),
    ("list_erp_orders", "erp_records_view", &[]),
    ("list_marketplace_orders", "erp_records_view", &[]),
    ("get_erp_record", "erp_records_view", &["not_found"]),
    ("list_user_accounts", "users_view", &[]),
    ("add_user_account", "users_manage", &[]),
    ("change_user_role", "users_manage", &[]),
    ("set_user_disabled", "users_manage", &[]),
    ("reset_user_password", "users_manage", &[]),
    ("list_tokens", "tokens_manage", &[]),
    ("create_token", "tokens_manage", &[]),
    ("revoke_token", "tokens_manage", &[]),
    ("listener_status", "listener_manage", &[]),
    ("save_listener_settings", "listener_manage", &[]),
    ("search_audit_log", "audit_view", &[]),
    ("backups_overview", "backups_manage", &[]),
    ("save_backup_settings", "backups_manage", &[]),
    ("run_backup", "backups_manage", &[]),
    ("restore_backup", "backups_manage", &["not_found"]),
    ("save_notification_prefs", "notifications_manage", &[]),
    ("export_records", "records_export", &[]),
];

/// The registered commands that check no role, each with why. With [`COMMANDS`] they are
/// every command `specta_builder` registers.
pub const NOT_ROLE_CHECKED: &[(&str, &str)] = &[
    (
        "app_status",
        "whether anyone is signed in: asked before sign-in",
    ),
    ("create_first_admin", "first run only, while no user exists"),
    ("login", "signing in"),
    ("logout", "ends the caller's own session"),
    (
        "my_permissions",
        "the caller's own operations; the matrix compares them with the seeds",
    ),
    (
        "record_choices",
        "the records filters' choices, named by the core: any signed-in person",
    ),
    (
        "export_folder",
        "the export form's starting folder; exporting is records_export",
    ),
    (
        "cancel_export",
        "stops an export this app started, which export_records checked",
    ),
    (
        "list_notifications",
        "every notification is about something every role may see",
    ),
    (
        "notification_prefs",
        "reading the preferences; saving them is notifications_manage",
    ),
    (
        "set_notification_language",
        "the window's language, also chosen before sign-in",
    ),
];

/// Session-only commands every signed-in role gets an answer from, with their arguments
/// (the rest of [`NOT_ROLE_CHECKED`] sign in or out, or run before sign-in).
pub const SIGNED_IN_ONLY: &[(&str, &str)] = &[
    ("my_permissions", "{}"),
    ("record_choices", "{}"),
    ("export_folder", "{}"),
    ("cancel_export", r#"{"exportId": "none-running"}"#),
    ("list_notifications", "{}"),
    ("notification_prefs", "{}"),
    ("app_status", "{}"),
];

/// The commands `specta_builder` registers, read from src-tauri/src/lib.rs.
pub fn registered_commands() -> Vec<String> {
    let lib = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
    let text = std::fs::read_to_string(lib).expect("src/lib.rs");
    let start = text
        .find("collect_commands![")
        .expect("collect_commands! in lib.rs")
        + "collect_commands![".len();
    let end = start
        + text[start..]
            .find(']')
            .expect("the end of collect_commands!");
    text[start..end]
        .split(',')
        .map(|path| {
            let path = path.trim();
            let path = path.split("::<").next().unwrap_or(path);
            path.rsplit("::").next().unwrap_or(path).to_owned()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// Records the calls act on, made through the service as the local administrator.
pub struct Fixture {
    pub pos: Uuid,
    pub reservation: Uuid,
    pub export_dir: tempfile::TempDir,
}

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    tauri::async_runtime::block_on(f)
}

/// A system the scheduler leaves alone (`sync_enabled` off), so nothing changes between
/// a refusal and the check that it changed nothing.
pub fn system(services: &Services, kind: &str, provider: &str, n: u32) -> Uuid {
    let input = NewSystem {
        name: format!("{kind} {n}"),
        system_type: kind.into(),
        provider: provider.into(),
        store_id: Some("store-001".into()),
        api_endpoint: Some(CLOSED.into()),
        sync_enabled: Some(false),
        secrets: [("api_key".to_owned(), "k-ipc".to_owned())].into(),
        ..NewSystem::default()
    };
    block(services.create_system(&Actor::local_cli(), input))
        .expect("system")
        .id
}

pub fn fixture(services: &Services) -> Fixture {
    Fixture {
        pos: system(services, "pos", "generic", 0),
        reservation: system(services, "reservation", "yiding", 1),
        export_dir: tempfile::tempdir().expect("export folder"),
    }
}

/// A confirmed reservation; its local id.
pub fn confirmed(services: &Services, f: &Fixture, n: u32) -> Uuid {
    let body = json!({"reservation_id": format!("RES-IPC-{n}"), "customer_name": "张三",
        "customer_phone": "13800138000", "customer_count": 2,
        "reservation_date": "2099-02-15T00:00:00", "reservation_time": "18:00-20:00",
        "status": "confirmed"});
    let push = RawPush::new(body.to_string().into_bytes());
    let reply =
        block(services.sync_reservation(&Actor::local_cli(), &f.reservation.to_string(), push))
            .expect("reservation");
    reply.record_id.unwrap_or(reply.id)
}

pub fn user(services: &Services, n: u32) -> Uuid {
    block(services.add_user(
        &Actor::local_cli(),
        &format!("v{n}"),
        "Passw0rd-long",
        "staff",
    ))
    .expect("user")
    .id
}

pub fn token(services: &Services, n: u32) -> Uuid {
    let new = NewToken {
        name: format!("v{n}"),
        role: Role::Staff,
        system_id: None,
        rate_limit: None,
    };
    block(services.add_token(&Actor::local_cli(), new))
        .expect("token")
        .info
        .id
}

/// The arguments of `command`; `allowed` calls get fresh records where they change one.
pub fn args(services: &Services, f: &Fixture, command: &str, n: u32, allowed: bool) -> Value {
    let nil = Uuid::nil().to_string();
    let pos = f.pos.to_string();
    let fresh_user = || {
        if allowed {
            user(services, n)
        } else {
            Uuid::nil()
        }
    };
    match command {
        "get_system" | "test_system" | "rotate_webhook_secret" | "end_webhook_secret_grace" => {
            json!({"id": pos})
        }
        "connector_settings" => json!({"id": f.reservation}),
        "preview_field_mapping" => {
            json!({"id": f.reservation, "request": {"stream": "reservations"}})
        }
        "list_systems" => json!({"filter": {}}),
        "create_system" => json!({"input": {"name": format!("IPC 系统 {n}"), "type": "delivery",
            "provider": "generic", "store_id": "store-001", "sync_enabled": false}}),
        "update_system" => json!({"id": pos, "patch": {"sync_interval": 600 + n}}),
        "delete_system" => {
            let id = if allowed {
                system(services, "payment", "generic", 100 + n)
            } else {
                f.pos
            };
            json!({"id": id})
        }
        "list_pos_transactions"
        | "list_supplier_orders"
        | "list_members"
        | "list_sync_logs"
        | "list_sync_tasks"
        | "list_outbox"
        | "list_conflicts"
        | "list_inbox"
        | "list_customers"
        | "list_products"
        | "list_erp_orders"
        | "list_marketplace_orders"
        | "search_audit_log" => json!({"query": {}}),
        "front_desk_board" => json!({"date": null}),
        "move_reservation" => {
            let id = if allowed {
                confirmed(services, f, n)
            } else {
                Uuid::nil()
            };
            json!({"id": id, "change": {"status": "arrived"}})
        }
        "run_sync" => json!({"systemId": pos, "stream": "transactions", "mode": "incremental"}),
        "sync_streams" => json!({"systemId": pos}),
        "cancel_sync" => json!({"taskId": nil}),
        "retry_outbox" | "replay_inbox" => json!({"id": nil}),
        "resolve_conflict" => json!({"id": nil, "choice": {"choice": "take_remote"}}),
        "get_erp_record" => {
            json!({"systemId": pos, "stream": "customers", "externalId": "C-NONE"})
        }
        "add_user_account" => {
            json!({"username": format!("ipc{n}"), "password": "Passw0rd-long", "role": "staff"})
        }
        "change_user_role" => json!({"id": fresh_user(), "role": "floor_manager"}),
        "set_user_disabled" => json!({"id": fresh_user(), "disabled": true}),
        "reset_user_password" => json!({"id": fresh_user(), "password": "N3w-passw0rd-x"}),
        "create_token" => json!({"input": {"name": format!("ipc-{n}"), "role": "staff",
            "system_id": null, "rate_limit": null}}),
        "revoke_token" => {
            let id = if allowed {
                token(services, n)
            } else {
                Uuid::nil()
            };
            json!({"id": id})
        }
        "save_listener_settings" => {
            json!({"settings": {"enabled": false, "lan": false, "port": 8765, "tls": false}})
        }
        "save_backup_settings" => {
            json!({"settings": {"enabled": true, "interval_hours": 24, "keep": 7}})
        }
        "restore_backup" => json!({"name": "no-such-backup.db"}),
        "save_notification_prefs" => json!({"prefs": {"sync_failed": true,
            "outbox_dead": true, "health_drop": true, "reservation_created": true,
            "reservation_cancelled": true, "dedup_minutes": 10}}),
        "export_records" => json!({
            "exportId": format!("export-{n}"),
            "filter": {"kind": "pos_transactions"},
            "options": {"format": "csv", "language": "en"},
            "destination": {"folder": f.export_dir.path().display().to_string(),
                "file_name": format!("pos-{n}")},
            "onProgress": "__CHANNEL__:7",
        }),
        _ => json!({}),
    }
}
