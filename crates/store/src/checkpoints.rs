//! checkpoints: where a stream's sync stands, saved in the transaction of the page it
//! follows, so a killed sync resumes from the last page it stored.

use sqlx::SqliteConnection;
use storelink_core::AppError;
use uuid::Uuid;

use crate::error::db_error;
use crate::time::fmt_time;

pub async fn get(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    stream: &str,
) -> Result<Option<serde_json::Value>, AppError> {
    let text: Option<String> =
        sqlx::query_scalar("SELECT cursor FROM checkpoints WHERE system_id = ? AND stream = ?")
            .bind(system_id.to_string())
            .bind(stream)
            .fetch_optional(conn)
            .await
            .map_err(db_error)?;
    text.map(|t| serde_json::from_str(&t).map_err(AppError::internal))
        .transpose()
}

pub async fn set(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    stream: &str,
    cursor: &serde_json::Value,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO checkpoints (system_id, stream, cursor, updated_at) VALUES (?, ?, ?, ?) \
         ON CONFLICT (system_id, stream) DO UPDATE SET cursor = excluded.cursor, \
         updated_at = excluded.updated_at",
    )
    .bind(system_id.to_string())
    .bind(stream)
    .bind(cursor.to_string())
    .bind(fmt_time(storelink_core::ids::now()))
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}
