//! The conflict queue: records both sides changed, resolved by a person.

use serde_json::Value;
use storelink_core::conflict::{Conflict, ConflictChoice};
use storelink_core::{AppError, Page};
use tauri::State;

use super::queues::QueueQuery;
use crate::AppState;

#[tauri::command]
#[specta::specta]
pub async fn list_conflicts(
    state: State<'_, AppState>,
    query: QueueQuery,
) -> Result<Page<Conflict>, AppError> {
    let (_, actor) = state.actor().await?;
    let (system_id, status, page) = query.split();
    state
        .services()?
        .list_conflicts(&actor, system_id.as_deref(), status.as_deref(), &page)
        .await
}

/// Keeps the local version, takes the vendor's, or takes each differing field from the
/// side chosen for it.
#[tauri::command]
#[specta::specta]
pub async fn resolve_conflict(
    state: State<'_, AppState>,
    id: String,
    choice: ConflictChoice,
) -> Result<Conflict, AppError> {
    let (_, actor) = state.actor().await?;
    state
        .services()?
        .resolve_conflict(&actor, &id, &choice)
        .await
}

/// One cached ERP record (`customers`, `products` or `orders`) as Storelink holds it now.
#[tauri::command]
#[specta::specta]
pub async fn get_erp_record(
    state: State<'_, AppState>,
    system_id: String,
    stream: String,
    external_id: String,
) -> Result<Value, AppError> {
    let (_, actor) = state.actor().await?;
    state
        .services()?
        .get_erp_record(&actor, &system_id, &stream, &external_id)
        .await
}
