//! The conflict queue: records both sides changed, resolved by a person.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use storelink_core::conflict::{Conflict, ConflictChoice};
use storelink_core::{AppError, Page, PageRequest};
use tauri::State;

use super::sync::given;
use crate::AppState;

/// Which conflicts to list, newest first; `status` is `open` or `resolved`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct ConflictQuery {
    #[serde(default)]
    pub system_id: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

#[tauri::command]
#[specta::specta]
pub async fn list_conflicts(
    state: State<'_, AppState>,
    query: ConflictQuery,
) -> Result<Page<Conflict>, AppError> {
    let (_, actor) = state.actor().await?;
    let page = PageRequest {
        cursor: query.cursor,
        limit: query.limit,
    };
    let (system_id, status) = (given(query.system_id), given(query.status));
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
