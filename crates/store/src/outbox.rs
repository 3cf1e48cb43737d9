//! outbox: local changes waiting to reach a vendor, appended in the change's transaction.

use sqlx::SqliteConnection;
use storelink_core::AppError;
use uuid::Uuid;

use crate::error::db_error;
use crate::row::json_text;
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
