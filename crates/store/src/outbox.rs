//! outbox: local changes waiting to reach a vendor, appended in the change's transaction.

use sqlx::SqliteConnection;
use storelink_core::outbox::{OutboxEntry, OutboxStatus};
use storelink_core::{AppError, ErrorClass};
use uuid::Uuid;

use crate::error::db_error;
use crate::row::{json_text, Reader};
use crate::time::fmt_time;

pub async fn append(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    record_key: &str,
    operation: &str,
    payload: &serde_json::Value,
) -> Result<Uuid, AppError> {
    let id = storelink_core::ids::new_id();
    let now = fmt_time(storelink_core::ids::now());
    sqlx::query(
        "INSERT INTO outbox (id, system_id, record_key, operation, payload, status, \
         next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(system_id.to_string())
    .bind(record_key)
    .bind(operation)
    .bind(json_text(payload)?)
    .bind(&now)
    .bind(&now)
    .bind(&now)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(id)
}

/// Entries not yet delivered (pending or in flight), for the "waiting to send" figure.
pub async fn count_waiting(
    conn: &mut SqliteConnection,
    system_id: Option<Uuid>,
) -> Result<i64, AppError> {
    sqlx::query_scalar(
        "SELECT count(*) FROM outbox WHERE status IN ('pending','in_flight') \
         AND (?1 IS NULL OR system_id = ?1)",
    )
    .bind(system_id.map(|s| s.to_string()))
    .fetch_one(conn)
    .await
    .map_err(db_error)
}

/// The operations queued for one record, oldest first (tests and the detail drawer).
pub async fn for_record(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    record_key: &str,
) -> Result<Vec<(String, serde_json::Value)>, AppError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT operation, payload FROM outbox WHERE system_id = ? AND record_key = ? ORDER BY id",
    )
    .bind(system_id.to_string())
    .bind(record_key)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.into_iter()
        .map(|(op, payload)| {
            serde_json::from_str(&payload)
                .map(|p| (op, p))
                .map_err(AppError::internal)
        })
        .collect()
}

const COLUMNS: &str = "id, system_id, record_key, operation, payload, status, attempts, \
    next_attempt_at, last_error_class, last_error, vendor_reply, created_at, updated_at";

fn from_row(row: &sqlx::sqlite::SqliteRow) -> Result<OutboxEntry, AppError> {
    let r = Reader::new(row, "outbox");
    Ok(OutboxEntry {
        id: r.uuid("id")?,
        system_id: r.uuid("system_id")?,
        record_key: r.text("record_key")?,
        operation: r.text("operation")?,
        payload: r.json("payload")?,
        status: r.parsed("status", OutboxStatus::parse)?,
        attempts: r.int("attempts")?,
        next_attempt_at: r.time("next_attempt_at")?,
        last_error_class: r.opt_parsed("last_error_class", ErrorClass::parse)?,
        last_error: r.opt("last_error")?,
        vendor_reply: r
            .opt("vendor_reply")?
            .map(|t| serde_json::from_str(&t).map_err(AppError::internal))
            .transpose()?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

/// Entries due now that are first in line for their record: an earlier entry of the same
/// record that is not delivered (pending, in flight or dead) holds the later ones back, so
/// a record's changes reach the vendor in the order they were made. A record with an open
/// conflict waits for the person resolving it. An entry changed "after" `at` was
/// scheduled by a clock that has since gone back: its time cannot be trusted, so it is due
/// now (else it would wait until the clock caught up).
pub async fn due(
    conn: &mut SqliteConnection,
    at: chrono::DateTime<chrono::Utc>,
    limit: u32,
) -> Result<Vec<OutboxEntry>, AppError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM outbox o WHERE o.status = 'pending' \
         AND (o.next_attempt_at <= ?1 OR o.updated_at > ?1) \
         AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.system_id = o.system_id \
           AND e.record_key = o.record_key AND e.id < o.id \
           AND e.status NOT IN ('done','cancelled')) \
         AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.system_id = o.system_id \
           AND c.record_key = o.record_key AND c.status = 'open') \
         ORDER BY o.id LIMIT ?2"
    );
    let rows = sqlx::query(&sql)
        .bind(fmt_time(at))
        .bind(i64::from(limit))
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

pub async fn get(conn: &mut SqliteConnection, id: Uuid) -> Result<OutboxEntry, AppError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox WHERE id = ?"))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref()
        .map(from_row)
        .transpose()?
        .ok_or_else(|| AppError::not_found("outbox entry", id))
}

/// Takes a pending entry for delivery; `false` when it is no longer pending (a conflict
/// resolution cancelled it in the meantime).
pub async fn claim(conn: &mut SqliteConnection, e: &OutboxEntry) -> Result<bool, AppError> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'in_flight', attempts = ?, updated_at = ? \
         WHERE id = ? AND status = 'pending'",
    )
    .bind(e.attempts)
    .bind(fmt_time(e.updated_at))
    .bind(e.id.to_string())
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() == 1)
}

/// The records of one stream (`customers:…`) with a local change not yet delivered, and
/// when the newest of those changes was made.
pub async fn undelivered_changes(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    stream: &str,
) -> Result<std::collections::HashMap<String, chrono::DateTime<chrono::Utc>>, AppError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT record_key, max(created_at) FROM outbox WHERE system_id = ? \
         AND record_key >= ? AND record_key < ? \
         AND status IN ('pending','in_flight','dead') GROUP BY record_key",
    )
    .bind(system_id.to_string())
    // Every key `stream:…` sorts between `stream:` and `stream;` (';' follows ':'), a range
    // the (system_id, record_key) index serves; this runs for every batch a sync stores.
    .bind(format!("{stream}:"))
    .bind(format!("{stream};"))
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.into_iter()
        .map(|(key, at)| Ok((key, crate::time::parse_time(&at)?)))
        .collect()
}

/// Cancels a record's changes that were not sent (pending or dead), saying why.
pub async fn cancel_for_record(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    record_key: &str,
    reason: &str,
) -> Result<u64, AppError> {
    sqlx::query(
        "UPDATE outbox SET status = 'cancelled', last_error = ?, updated_at = ? \
         WHERE system_id = ? AND record_key = ? AND status IN ('pending','dead')",
    )
    .bind(reason)
    .bind(fmt_time(storelink_core::ids::now()))
    .bind(system_id.to_string())
    .bind(record_key)
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
    .map_err(db_error)
}

/// Saves an entry's delivery state.
pub async fn save(conn: &mut SqliteConnection, e: &OutboxEntry) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error_class = ?, \
         last_error = ?, vendor_reply = ?, updated_at = ? WHERE id = ?",
    )
    .bind(e.status.as_str())
    .bind(e.attempts)
    .bind(fmt_time(e.next_attempt_at))
    .bind(e.last_error_class.map(|c| c.as_str()))
    .bind(&e.last_error)
    .bind(e.vendor_reply.as_ref().map(|v| v.to_string()))
    .bind(fmt_time(e.updated_at))
    .bind(e.id.to_string())
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Entries a dead process left in flight go back to pending (the vendor gets the same
/// idempotency key again, so a delivery that did arrive is not applied twice).
pub async fn requeue_stuck(
    conn: &mut SqliteConnection,
    older_than: chrono::DateTime<chrono::Utc>,
) -> Result<u64, AppError> {
    sqlx::query(
        "UPDATE outbox SET status = 'pending' WHERE status = 'in_flight' AND updated_at < ?",
    )
    .bind(fmt_time(older_than))
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
    .map_err(db_error)
}

#[derive(Debug, Clone, Default)]
pub struct OutboxFilter {
    pub system_id: Option<Uuid>,
    pub status: Option<OutboxStatus>,
}

pub async fn list(
    conn: &mut SqliteConnection,
    f: &OutboxFilter,
    page: &storelink_core::PageRequest,
) -> Result<storelink_core::Page<OutboxEntry>, AppError> {
    let mut q: sqlx::QueryBuilder<'_, sqlx::Sqlite> =
        sqlx::QueryBuilder::new(format!("SELECT {COLUMNS} FROM outbox WHERE 1 = 1"));
    if let Some(s) = f.system_id {
        q.push(" AND system_id = ").push_bind(s.to_string());
    }
    if let Some(s) = f.status {
        q.push(" AND status = ").push_bind(s.as_str());
    }
    crate::row::fetch_page(conn, q, page, from_row, |e| e.id).await
}
