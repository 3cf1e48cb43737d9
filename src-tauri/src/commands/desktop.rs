//! Desktop behaviour: the notifications shown, their preferences, the language they (and
//! the tray menu) use, the overall state the tray shows, and "sync all now".

use storelink_core::{AppError, Operation};
use storelink_service::desktop::NotificationPrefs;
use tauri::State;

use crate::desktop_sync::{start_sync_all, SyncAllStarted};
use crate::notify::{NotificationRecord, Notifier};
use crate::notify_rules::Lang;
use crate::tray_state::{overall_state as derive_state, OverallState};
use crate::AppState;

/// The notifications shown since the app started, newest first (at most
/// `notify::RECORDS_KEPT`). Every kind is about something every role may see.
#[tauri::command]
#[specta::specta]
pub async fn list_notifications(
    state: State<'_, AppState>,
    notifier: State<'_, Notifier>,
) -> Result<Vec<NotificationRecord>, AppError> {
    state.actor().await?;
    Ok(notifier.records())
}

#[tauri::command]
#[specta::specta]
pub async fn notification_prefs(state: State<'_, AppState>) -> Result<NotificationPrefs, AppError> {
    state.actor().await?;
    state.services()?.notification_prefs().await
}

/// Saves the preferences (managers) and applies them to the next notification.
#[tauri::command]
#[specta::specta]
pub async fn save_notification_prefs(
    state: State<'_, AppState>,
    notifier: State<'_, Notifier>,
    prefs: NotificationPrefs,
) -> Result<NotificationPrefs, AppError> {
    let (_, actor) = state.actor().await?;
    let saved = state
        .services()?
        .save_notification_prefs(&actor, prefs)
        .await?;
    notifier.set_prefs(saved);
    Ok(saved)
}

/// The window's language, for the notifications and the tray menu. Also before sign-in:
/// the language is chosen on the login page too.
#[tauri::command]
#[specta::specta]
pub async fn set_notification_language(
    notifier: State<'_, Notifier>,
    lang: Lang,
) -> Result<(), AppError> {
    notifier.set_lang(lang);
    Ok(())
}

/// The overall state the tray icon shows (ok, degraded, offline).
#[tauri::command]
#[specta::specta]
pub async fn overall_state(state: State<'_, AppState>) -> Result<OverallState, AppError> {
    let (_, actor) = state.actor().await?;
    let services = state.services()?;
    services
        .require(&actor, Operation::SystemsView, "system")
        .await?;
    let signals = services.tray_signals().await?;
    Ok(derive_state(&signals.systems, &signals.health))
}

/// Sends the outbox and syncs every stream of every syncing system, in the background.
#[tauri::command]
#[specta::specta]
pub async fn sync_all_now(state: State<'_, AppState>) -> Result<SyncAllStarted, AppError> {
    start_sync_all(&state).await
}
