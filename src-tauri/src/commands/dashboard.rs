//! The dashboard: every system's health and the day's figures in one call, refreshed by
//! the UI when a live update says something changed.

use storelink_core::AppError;
use storelink_service::dashboard::DashboardSummary;
use tauri::State;

use crate::AppState;

#[tauri::command]
#[specta::specta]
pub async fn dashboard(state: State<'_, AppState>) -> Result<DashboardSummary, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.dashboard(&actor).await
}
