//! inbox: every accepted push, raw, once per (system, event id).

use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use storelink_core::inbox::{InboxEvent, InboxStatus};
use storelink_core::{AppError, Page, PageRequest};
use uuid::Uuid;

use crate::error::db_error;
use crate::row::{fetch_page, Reader};
use crate::time::fmt_time;

const COLUMNS: &str = "id, system_id, event_id, event_type, kind, payload, headers, \
    content_hash, status, error_message, attempts, received_at, processed_at";

/// The columns of a new inbox row; `payload` is the raw body, `headers` the safe ones
/// (a JSON object as text).
#[derive(Debug, Clone)]
pub struct NewInboxEvent {
    pub id: Uuid,
    pub system_id: Uuid,
    pub event_id: String,
    pub event_type: String,
    pub kind: String,
    pub payload: String,
    pub headers: String,
    pub content_hash: String,
    pub status: InboxStatus,
    pub received_at: chrono::DateTime<chrono::Utc>,
}

const INSERT_COLUMNS: &str = "id, system_id, event_id, event_type, kind, payload, headers, \
    content_hash, status, received_at, processed_at, attempts";

fn push_row(
    mut b: sqlx::query_builder::Separated<'_, '_, Sqlite, &'static str>,
    e: &NewInboxEvent,
) {
    let applied = e.status != InboxStatus::Received;
    b.push_bind(e.id.to_string())
        .push_bind(e.system_id.to_string())
        .push_bind(e.event_id.clone())
        .push_bind(e.event_type.clone())
        .push_bind(e.kind.clone())
        .push_bind(e.payload.clone())
        .push_bind(e.headers.clone())
        .push_bind(e.content_hash.clone())
        .push_bind(e.status.as_str())
        .push_bind(fmt_time(e.received_at))
        .push_bind(applied.then(|| fmt_time(e.received_at)))
        .push_bind(i64::from(applied));
}

/// Inserts many rows in one statement (the group commit of POS sales).
pub async fn insert_many(
    conn: &mut SqliteConnection,
    rows: &[&NewInboxEvent],
) -> Result<(), AppError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut q: QueryBuilder<'_, Sqlite> =
        QueryBuilder::new(format!("INSERT INTO inbox ({INSERT_COLUMNS}) "));
    q.push_values(rows.iter(), |b, e| push_row(b, e));
    q.build().execute(conn).await.map_err(db_error)?;
    Ok(())
}

fn from_row(row: &SqliteRow) -> Result<InboxEvent, AppError> {
    let r = Reader::new(row, "inbox");
    Ok(InboxEvent {
        id: r.uuid("id")?,
        system_id: r.uuid("system_id")?,
        event_id: r.text("event_id")?,
        event_type: r.text("event_type")?,
        kind: r.text("kind")?,
        payload: r.text("payload")?,
        headers: r.json("headers")?,
        content_hash: r.text("content_hash")?,
        status: r.parsed("status", InboxStatus::parse)?,
        error_message: r.opt("error_message")?,
        attempts: r.int("attempts")?,
        received_at: r.time("received_at")?,
        processed_at: r.opt_time("processed_at")?,
    })
}

/// The stored event with this id from this sender, if any (the idempotency check).
pub async fn find(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    event_id: &str,
) -> Result<Option<InboxEvent>, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM inbox WHERE system_id = ? AND event_id = ?");
    let row = sqlx::query(&sql)
        .bind(system_id.to_string())
        .bind(event_id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

pub async fn get(conn: &mut SqliteConnection, id: Uuid) -> Result<InboxEvent, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM inbox WHERE id = ?");
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref()
        .map(from_row)
        .transpose()?
        .ok_or_else(|| AppError::not_found("inbox event", id))
}

pub async fn insert(conn: &mut SqliteConnection, e: &NewInboxEvent) -> Result<(), AppError> {
    insert_many(conn, &[e]).await
}

/// Records the outcome of (re)processing an event.
pub async fn mark(
    conn: &mut SqliteConnection,
    id: Uuid,
    status: InboxStatus,
    error_message: Option<&str>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE inbox SET status = ?, error_message = ?, attempts = attempts + 1, \
         processed_at = ? WHERE id = ?",
    )
    .bind(status.as_str())
    .bind(error_message)
    .bind(fmt_time(at))
    .bind(id.to_string())
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    pub system_id: Option<Uuid>,
    pub status: Option<InboxStatus>,
}

pub async fn list(
    conn: &mut SqliteConnection,
    filter: &InboxFilter,
    page: &PageRequest,
) -> Result<Page<InboxEvent>, AppError> {
    let mut q: QueryBuilder<'_, Sqlite> =
        QueryBuilder::new(format!("SELECT {COLUMNS} FROM inbox WHERE 1 = 1"));
    if let Some(s) = filter.system_id {
        q.push(" AND system_id = ").push_bind(s.to_string());
    }
    if let Some(s) = filter.status {
        q.push(" AND status = ").push_bind(s.as_str());
    }
    fetch_page(conn, q, page, from_row, |e| e.id).await
}
