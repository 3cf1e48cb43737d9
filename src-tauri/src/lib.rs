//! The desktop shell: a Tauri window over the Storelink core. Commands are thin: find the
//! session's user, call the service layer, return its typed result.

pub mod commands;
pub mod desktop;
mod desktop_sync;
pub mod live;
pub mod notify;
mod notify_os;
pub mod notify_rules;
pub mod startup;
mod state;
mod tray;
pub mod tray_state;
mod webview_tuning;

use specta_typescript::Typescript;
use storelink_core::conflict::ConflictStatus;
use storelink_core::inbox::InboxStatus;
use storelink_core::outbox::OutboxStatus;
use storelink_core::sync::{SyncItemStatus, SyncTaskStatus};
use storelink_core::system::{
    SystemStatus, SystemType, SETTABLE_STATUSES, SYNC_INTERVAL_DEFAULT, SYNC_INTERVAL_MAX,
    SYNC_INTERVAL_MIN,
};
use storelink_core::token::{DEFAULT_RATE_LIMIT, MAX_RATE_LIMIT};
use storelink_core::user::PASSWORD_MIN_CHARS;
use storelink_core::Role;
use storelink_service::desktop::{NOTIFY_DEDUP_MINUTES_MAX, NOTIFY_DEDUP_MINUTES_MIN};
use tauri::Manager;
use tauri_specta::{collect_commands, collect_events, Builder};

pub use state::AppState;

/// Every command the UI can call and every event it hears, typed for the generated
/// `ui/src/bindings.ts`. Generic over the runtime so tests drive it without a window.
pub fn specta_builder<R: tauri::Runtime>() -> Builder<R> {
    Builder::<R>::new()
        .commands(collect_commands![
            commands::app_status,
            commands::create_first_admin,
            commands::login,
            commands::logout,
            commands::my_permissions,
            commands::list_systems,
            commands::get_system,
            commands::create_system,
            commands::update_system,
            commands::delete_system,
            commands::test_system,
            commands::listener_status,
            commands::save_listener_settings,
            commands::list_tokens,
            commands::create_token,
            commands::revoke_token,
            commands::sync::list_sync_tasks,
            commands::sync::sync_streams,
            commands::sync::run_sync,
            commands::sync::cancel_sync,
            commands::sync::list_sync_logs,
            commands::sync::latest_health,
            commands::conflicts::list_conflicts,
            commands::conflicts::resolve_conflict,
            commands::conflicts::get_erp_record,
            commands::queues::list_outbox,
            commands::queues::retry_outbox,
            commands::queues::dispatch_outbox,
            commands::queues::list_inbox,
            commands::queues::replay_inbox,
            commands::records::list_pos_transactions,
            commands::records::list_supplier_orders,
            commands::records::list_members,
            commands::records::list_customers,
            commands::records::list_products,
            commands::records::list_erp_orders,
            commands::records::list_marketplace_orders,
            commands::records::record_choices,
            commands::records::export_folder,
            commands::records::export_records,
            commands::records::cancel_export,
            commands::desktop::list_notifications,
            commands::desktop::notification_prefs,
            commands::desktop::save_notification_prefs,
            commands::desktop::set_notification_language,
            commands::desktop::overall_state,
            commands::desktop::sync_all_now,
            commands::dashboard::dashboard,
            commands::frontdesk::front_desk_board,
            commands::frontdesk::move_reservation,
            commands::settings::list_user_accounts,
            commands::settings::add_user_account,
            commands::settings::change_user_role,
            commands::settings::set_user_disabled,
            commands::settings::reset_user_password,
            commands::settings::backups_overview,
            commands::settings::save_backup_settings,
            commands::settings::run_backup,
            commands::settings::restore_backup::<tauri::Wry>,
            commands::settings::search_audit_log,
            commands::demo::demo_status,
            commands::demo::start_demo,
            commands::demo::remove_demo,
            commands::connector_settings::connector_settings,
            commands::connector_settings::preview_field_mapping,
            commands::connector_settings::rotate_webhook_secret,
            commands::connector_settings::end_webhook_secret_grace,
        ])
        .events(collect_events![live::LiveUpdate, notify::NotificationEvent])
        // The UI's pick lists and limits come from the core, never from a copy.
        .constant("SYSTEM_TYPES", SystemType::NAMES)
        .constant("SYSTEM_STATUSES", SystemStatus::NAMES)
        .constant("EDITABLE_STATUSES", SETTABLE_STATUSES)
        .constant("SYNC_INTERVAL_MIN", SYNC_INTERVAL_MIN)
        .constant("SYNC_INTERVAL_MAX", SYNC_INTERVAL_MAX)
        .constant("SYNC_INTERVAL_DEFAULT", SYNC_INTERVAL_DEFAULT)
        .constant("PASSWORD_MIN", PASSWORD_MIN_CHARS)
        .constant("ROLES", Role::NAMES)
        .constant("TOKEN_RATE_LIMIT_DEFAULT", DEFAULT_RATE_LIMIT)
        .constant("TOKEN_RATE_LIMIT_MAX", MAX_RATE_LIMIT)
        .constant("OPERATIONS", storelink_core::Operation::NAMES)
        .constant("AUDIT_OUTCOMES", storelink_core::audit::AuditOutcome::NAMES)
        .constant(
            "BACKUP_INTERVAL_HOURS_MAX",
            storelink_service::backup::INTERVAL_HOURS_MAX,
        )
        .constant("BACKUP_KEEP_MAX", storelink_service::backup::KEEP_MAX)
        .constant("SYNC_TASK_STATUSES", SyncTaskStatus::NAMES)
        .constant("SYNC_ITEM_STATUSES", SyncItemStatus::NAMES)
        .constant("CONFLICT_STATUSES", ConflictStatus::NAMES)
        .constant("OUTBOX_STATUSES", OutboxStatus::NAMES)
        .constant("INBOX_STATUSES", InboxStatus::NAMES)
        .constant("NOTIFY_DEDUP_MINUTES_MIN", NOTIFY_DEDUP_MINUTES_MIN)
        .constant("NOTIFY_DEDUP_MINUTES_MAX", NOTIFY_DEDUP_MINUTES_MAX)
        // All integers crossing IPC (fen, counts, milliseconds) are far below 2^53.
        .dangerously_cast_bigints_to_number()
        // One TypeScript type per Rust type: our types serialize and deserialize alike.
        .disable_serde_phases()
}

/// Writes the TypeScript bindings to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder::<tauri::Wry>()
        .export(
            Typescript::default().header("// Generated by tauri-specta from the Rust commands (src-tauri). Do not edit: run `make bindings`.\n"),
            path,
        )
        .map_err(|e| e.to_string())
}

pub fn run() {
    webview_tuning::choose_compositing();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STORELINK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let builder = specta_builder();
    let (opened, opening) = tokio::sync::watch::channel(false);
    let app = desktop::plugins(tauri::Builder::default())
        .invoke_handler(startup::gated_handler(builder.invoke_handler(), opening))
        .setup(move |app| {
            builder.mount_events(app);
            let data_dir = match std::env::var_os("STORELINK_DATA_DIR") {
                Some(dir) => std::path::PathBuf::from(dir),
                None => app.path().app_data_dir()?,
            };
            tracing::info!(data_dir = %data_dir.display(), "starting");
            // Not here: the page loads on this thread meanwhile (see startup.rs).
            startup::open_in_background(app.handle(), data_dir, opened);
            desktop::show_window_if_the_page_does_not(app.handle());
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                startup::close_on_exit(app);
            }
        }),
        Err(e) => {
            tracing::error!(error = %e, "the window could not start");
            eprintln!(
                "Storelink could not open its window: {e}\nOn a machine without a display use the headless `storelink` command instead."
            );
            std::process::exit(1);
        }
    }
}
