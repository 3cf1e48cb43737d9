//! sync_logs: one line per item synced or pushed (seed 000 "同步日志").

use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use storelink_core::error::ErrorClass;
use storelink_core::sync::{SyncAction, SyncItemStatus, SyncLog};
use storelink_core::{AppError, Page, PageRequest};
use uuid::Uuid;

use crate::error::db_error;
use crate::row::{fetch_page, Reader};
use crate::time::fmt_time;

const COLUMNS: &str = "id, task_id, system_id, item_type, item_id, action, status, \
    error_class, error_message, created_at";

fn from_row(row: &SqliteRow) -> Result<SyncLog, AppError> {
    let r = Reader::new(row, "sync_logs");
    Ok(SyncLog {
        id: r.uuid("id")?,
        task_id: r.opt_uuid("task_id")?,
        system_id: r.uuid("system_id")?,
        item_type: r.text("item_type")?,
        item_id: r.text("item_id")?,
        action: r.parsed("action", SyncAction::parse)?,
        status: r.parsed("status", SyncItemStatus::parse)?,
        error_class: r.opt_parsed("error_class", ErrorClass::parse)?,
        error_message: r.opt("error_message")?,
        created_at: r.time("created_at")?,
    })
}

pub async fn insert(conn: &mut SqliteConnection, log: &SyncLog) -> Result<(), AppError> {
    insert_many(conn, std::slice::from_ref(log)).await
}

/// Many lines in one statement.
pub async fn insert_many(conn: &mut SqliteConnection, logs: &[SyncLog]) -> Result<(), AppError> {
    // SQLite takes at most 32,766 bound values in one statement.
    for chunk in logs.chunks(1000) {
        insert_chunk(&mut *conn, chunk).await?;
    }
    Ok(())
}

async fn insert_chunk(conn: &mut SqliteConnection, logs: &[SyncLog]) -> Result<(), AppError> {
    if logs.is_empty() {
        return Ok(());
    }
    let mut q: QueryBuilder<'_, Sqlite> =
        QueryBuilder::new(format!("INSERT INTO sync_logs ({COLUMNS}) "));
    q.push_values(logs.iter(), |mut b, log| {
        b.push_bind(log.id.to_string())
            .push_bind(log.task_id.map(|t| t.to_string()))
            .push_bind(log.system_id.to_string())
            .push_bind(log.item_type.clone())
            .push_bind(log.item_id.clone())
            .push_bind(log.action.as_str())
            .push_bind(log.status.as_str())
            .push_bind(log.error_class.map(|c| c.as_str()))
            .push_bind(log.error_message.clone())
            .push_bind(fmt_time(log.created_at));
    });
    q.build().execute(conn).await.map_err(db_error)?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct SyncLogFilter {
    pub system_id: Option<Uuid>,
    pub task_id: Option<Uuid>,
    pub status: Option<SyncItemStatus>,
    /// `order`, `product`, `customer`, ... (seed 003 `item_type`).
    pub item_type: Option<String>,
}

pub async fn list(
    conn: &mut SqliteConnection,
    filter: &SyncLogFilter,
    page: &PageRequest,
) -> Result<Page<SyncLog>, AppError> {
    let mut q: QueryBuilder<'_, Sqlite> =
        QueryBuilder::new(format!("SELECT {COLUMNS} FROM sync_logs WHERE 1 = 1"));
    if let Some(s) = filter.system_id {
        q.push(" AND system_id = ").push_bind(s.to_string());
    }
    if let Some(t) = filter.task_id {
        q.push(" AND task_id = ").push_bind(t.to_string());
    }
    if let Some(s) = filter.status {
        q.push(" AND status = ").push_bind(s.as_str());
    }
    if let Some(t) = &filter.item_type {
        q.push(" AND item_type = ").push_bind(t.clone());
    }
    fetch_page(conn, q, page, from_row, |l| l.id).await
}
