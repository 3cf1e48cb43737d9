//! Sync tasks and sync logs: list, run now, cancel, and each system's health.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::health::HealthSnapshot;
use storelink_core::ids::now;
use storelink_core::sync::{SyncLog, SyncTask};
use storelink_core::{AppError, Page, PageRequest};
use storelink_service::records::SyncLogQuery;
use storelink_service::sync::SyncStream;
use tauri::State;

use crate::AppState;

/// A sync task with seed 003's derived fields, worked out when it was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SyncTaskRow {
    pub task: SyncTask,
    /// Seed 003 `progress` in tenths of a percent: (success + failed) / total, 500 = 50.0 %.
    pub progress_permille: i64,
    /// Seed 003 `estimated_completion`, while the task runs and has stored something.
    pub estimated_completion: Option<DateTime<Utc>>,
}

impl SyncTaskRow {
    pub fn of(task: SyncTask, at: DateTime<Utc>) -> Self {
        SyncTaskRow {
            progress_permille: task.progress_permille(),
            estimated_completion: task.estimated_completion(at),
            task,
        }
    }
}

/// Which sync tasks to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct SyncTaskQuery {
    #[serde(default)]
    pub system_id: Option<String>,
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

/// An empty text from a cleared filter means "any".
pub(crate) fn given(value: Option<String>) -> Option<String> {
    value.filter(|s| !s.trim().is_empty())
}

#[tauri::command]
#[specta::specta]
pub async fn list_sync_tasks(
    state: State<'_, AppState>,
    query: SyncTaskQuery,
) -> Result<Page<SyncTaskRow>, AppError> {
    let (_, actor) = state.actor().await?;
    let page = PageRequest {
        cursor: query.cursor,
        limit: query.limit,
    };
    let system_id = given(query.system_id);
    let tasks = state
        .services()?
        .list_sync_tasks(&actor, system_id.as_deref(), &page)
        .await?;
    let at = now();
    Ok(Page {
        items: tasks
            .items
            .into_iter()
            .map(|t| SyncTaskRow::of(t, at))
            .collect(),
        next_cursor: tasks.next_cursor,
    })
}

/// The streams a system can sync, for the "run now" form.
#[tauri::command]
#[specta::specta]
pub async fn sync_streams(
    state: State<'_, AppState>,
    system_id: String,
) -> Result<Vec<SyncStream>, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.sync_streams(&actor, &system_id).await
}

/// Runs a stream's sync now and answers when it ends; its progress arrives meanwhile as
/// live updates.
#[tauri::command]
#[specta::specta]
pub async fn run_sync(
    state: State<'_, AppState>,
    system_id: String,
    stream: String,
    mode: String,
) -> Result<SyncTaskRow, AppError> {
    let (_, actor) = state.actor().await?;
    let task = state
        .services()?
        .run_sync(&actor, &system_id, &stream, &mode)
        .await?;
    Ok(SyncTaskRow::of(task, now()))
}

/// Asks a running task to stop after the page it is on.
#[tauri::command]
#[specta::specta]
pub async fn cancel_sync(
    state: State<'_, AppState>,
    task_id: String,
) -> Result<SyncTaskRow, AppError> {
    let (_, actor) = state.actor().await?;
    let task = state.services()?.cancel_sync(&actor, &task_id).await?;
    Ok(SyncTaskRow::of(task, now()))
}

/// Seed 000 sync logs with the filters of seed 003's log model (system, status, item type,
/// task), newest first.
#[tauri::command]
#[specta::specta]
pub async fn list_sync_logs(
    state: State<'_, AppState>,
    query: SyncLogQuery,
) -> Result<Page<SyncLog>, AppError> {
    let (_, actor) = state.actor().await?;
    let query = SyncLogQuery {
        system_id: given(query.system_id),
        status: given(query.status),
        item_type: given(query.item_type),
        task_id: given(query.task_id),
        ..query
    };
    state.services()?.list_sync_logs(&actor, query).await
}

/// The latest health snapshot of every system that has one.
#[tauri::command]
#[specta::specta]
pub async fn latest_health(state: State<'_, AppState>) -> Result<Vec<HealthSnapshot>, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.latest_health(&actor).await
}
