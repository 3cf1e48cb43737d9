//! settings: small key/value preferences that belong to the data folder (listener mode).

use sqlx::SqliteConnection;
use storelink_core::AppError;

use crate::error::db_error;
use crate::time::fmt_time;

pub async fn get(conn: &mut SqliteConnection, key: &str) -> Result<Option<String>, AppError> {
    sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(key)
        .fetch_optional(conn)
        .await
        .map_err(db_error)
}

pub async fn set(conn: &mut SqliteConnection, key: &str, value: &str) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(fmt_time(storelink_core::ids::now()))
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}
