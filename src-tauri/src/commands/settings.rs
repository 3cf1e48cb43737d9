//! The settings page's commands: staff accounts and roles, backups and restore, and the
//! audit log viewer. The core checks every role; these only find the session's user.

use std::time::Duration;

use storelink_core::audit::AuditEntry;
use storelink_core::{AppError, Page};
use storelink_service::audit_log::AuditQuery;
use storelink_service::backup::{BackupInfo, BackupOverview, BackupSettings, RestoreReport};
use storelink_service::users::UserAccount;
use tauri::{AppHandle, Runtime, State};
use uuid::Uuid;

use crate::AppState;

/// Time for the restore's answer to reach the window before the app restarts.
const RESTART_AFTER: Duration = Duration::from_millis(500);

#[tauri::command]
#[specta::specta]
pub async fn list_user_accounts(state: State<'_, AppState>) -> Result<Vec<UserAccount>, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.list_user_accounts(&actor).await
}

#[tauri::command]
#[specta::specta]
pub async fn add_user_account(
    state: State<'_, AppState>,
    username: String,
    password: String,
    role: String,
) -> Result<UserAccount, AppError> {
    let (_, actor) = state.actor().await?;
    state
        .services()?
        .add_user_account(&actor, &username, &password, &role)
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn change_user_role(
    state: State<'_, AppState>,
    id: Uuid,
    role: String,
) -> Result<UserAccount, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.change_user_role(&actor, id, &role).await
}

#[tauri::command]
#[specta::specta]
pub async fn set_user_disabled(
    state: State<'_, AppState>,
    id: Uuid,
    disabled: bool,
) -> Result<UserAccount, AppError> {
    let (_, actor) = state.actor().await?;
    state
        .services()?
        .set_user_disabled(&actor, id, disabled)
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn reset_user_password(
    state: State<'_, AppState>,
    id: Uuid,
    password: String,
) -> Result<UserAccount, AppError> {
    let (_, actor) = state.actor().await?;
    state
        .services()?
        .reset_user_password(&actor, id, &password)
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn backups_overview(state: State<'_, AppState>) -> Result<BackupOverview, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.backups_overview(&actor).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_backup_settings(
    state: State<'_, AppState>,
    settings: BackupSettings,
) -> Result<BackupSettings, AppError> {
    let (_, actor) = state.actor().await?;
    state
        .services()?
        .save_backup_settings(&actor, settings)
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn run_backup(state: State<'_, AppState>) -> Result<BackupInfo, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.run_backup(&actor).await
}

/// Replaces the database with a backup, then restarts the app on it: every open handle
/// (the scheduler, the listener, this window's session) belonged to the old database.
#[tauri::command]
#[specta::specta]
pub async fn restore_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
) -> Result<RestoreReport, AppError> {
    let (_, actor) = state.actor().await?;
    let report = state.services()?.restore_backup(&actor, &name).await?;
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(RESTART_AFTER).await;
        app.request_restart();
    });
    Ok(report)
}

#[tauri::command]
#[specta::specta]
pub async fn search_audit_log(
    state: State<'_, AppState>,
    query: AuditQuery,
) -> Result<Page<AuditEntry>, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.search_audit_log(&actor, &query).await
}
