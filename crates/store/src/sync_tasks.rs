//! sync_tasks: one row per run of a stream; at most one running per (system, stream).

use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use storelink_core::sync::{SyncMode, SyncTask, SyncTaskStatus, SyncTrigger};
use storelink_core::{AppError, Page, PageRequest};
use uuid::Uuid;

use crate::error::{db_error, is_unique_violation};
use crate::row::{fetch_page, Reader};
use crate::time::fmt_time;

const COLUMNS: &str = "id, system_id, task_type, mode, trigger_kind, status, start_time, \
    end_time, total_items, success_items, failed_items, error_message, created_at, updated_at";

fn from_row(row: &SqliteRow) -> Result<SyncTask, AppError> {
    let r = Reader::new(row, "sync_tasks");
    Ok(SyncTask {
        id: r.uuid("id")?,
        system_id: r.uuid("system_id")?,
        task_type: r.text("task_type")?,
        mode: r.parsed("mode", SyncMode::parse)?,
        trigger: r.parsed("trigger_kind", SyncTrigger::parse)?,
        status: r.parsed("status", SyncTaskStatus::parse)?,
        start_time: r.opt_time("start_time")?,
        end_time: r.opt_time("end_time")?,
        total_items: r.int("total_items")?,
        success_items: r.int("success_items")?,
        failed_items: r.int("failed_items")?,
        error_message: r.opt("error_message")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

/// Inserts a task; a second running task of the same stream is a conflict.
pub async fn insert(conn: &mut SqliteConnection, t: &SyncTask) -> Result<(), AppError> {
    sqlx::query(&format!(
        "INSERT INTO sync_tasks ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(t.id.to_string())
    .bind(t.system_id.to_string())
    .bind(&t.task_type)
    .bind(t.mode.as_str())
    .bind(t.trigger.as_str())
    .bind(t.status.as_str())
    .bind(t.start_time.map(fmt_time))
    .bind(t.end_time.map(fmt_time))
    .bind(t.total_items)
    .bind(t.success_items)
    .bind(t.failed_items)
    .bind(&t.error_message)
    .bind(fmt_time(t.created_at))
    .bind(fmt_time(t.updated_at))
    .execute(conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::Conflict {
                message: format!(
                    "a {} sync of this system is already running; wait for it or cancel it",
                    t.task_type
                ),
                field: Some("stream".into()),
            }
        } else {
            db_error(e)
        }
    })?;
    Ok(())
}

/// Saves the counters, status and times of a task.
pub async fn save(conn: &mut SqliteConnection, t: &SyncTask) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE sync_tasks SET status = ?, start_time = ?, end_time = ?, total_items = ?, \
         success_items = ?, failed_items = ?, error_message = ?, updated_at = ? WHERE id = ?",
    )
    .bind(t.status.as_str())
    .bind(t.start_time.map(fmt_time))
    .bind(t.end_time.map(fmt_time))
    .bind(t.total_items)
    .bind(t.success_items)
    .bind(t.failed_items)
    .bind(&t.error_message)
    .bind(fmt_time(t.updated_at))
    .bind(t.id.to_string())
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub async fn get(conn: &mut SqliteConnection, id: Uuid) -> Result<SyncTask, AppError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM sync_tasks WHERE id = ?"))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref()
        .map(from_row)
        .transpose()?
        .ok_or_else(|| AppError::not_found("sync task", id))
}

/// The task of this stream left `running` (by a crash), if any.
pub async fn running(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    task_type: &str,
) -> Result<Option<SyncTask>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM sync_tasks WHERE system_id = ? AND task_type = ? AND status = 'running'"
    ))
    .bind(system_id.to_string())
    .bind(task_type)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    pub system_id: Option<Uuid>,
    pub status: Option<SyncTaskStatus>,
}

pub async fn list(
    conn: &mut SqliteConnection,
    f: &TaskFilter,
    page: &PageRequest,
) -> Result<Page<SyncTask>, AppError> {
    let mut q: QueryBuilder<'_, Sqlite> =
        QueryBuilder::new(format!("SELECT {COLUMNS} FROM sync_tasks WHERE 1 = 1"));
    if let Some(s) = f.system_id {
        q.push(" AND system_id = ").push_bind(s.to_string());
    }
    if let Some(s) = f.status {
        q.push(" AND status = ").push_bind(s.as_str());
    }
    fetch_page(conn, q, page, from_row, |t| t.id).await
}
