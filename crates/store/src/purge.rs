//! Removing a system for good, with everything recorded for it (what "remove demo" does).
//! A person's delete is soft and keeps the history; this is not for those.

use sqlx::SqliteConnection;
use storelink_core::AppError;
use uuid::Uuid;

use crate::error::db_error;

/// Systems marked `config.demo: true`, deleted ones included (their data is still here).
pub async fn demo_system_ids(conn: &mut SqliteConnection) -> Result<Vec<Uuid>, AppError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM external_systems \
         WHERE json_valid(config) AND json_extract(config, '$.demo') = 1 ORDER BY id",
    )
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    ids.iter()
        .map(|id| Uuid::parse_str(id).map_err(AppError::internal))
        .collect()
}

/// Deletes every row of every table that has a `system_id` column for `system_id`, then
/// the system itself; answers how many rows went. Tables are found in the schema, so a
/// table added later is covered too. Run it in a write transaction: foreign keys are
/// checked at its commit, so the order of the deletes does not matter.
pub async fn purge_system(conn: &mut SqliteConnection, system_id: Uuid) -> Result<u64, AppError> {
    sqlx::query("PRAGMA defer_foreign_keys = ON")
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT m.name FROM sqlite_master AS m, pragma_table_info(m.name) AS c \
         WHERE m.type = 'table' AND c.name = 'system_id' AND m.name NOT LIKE 'sqlite_%' \
         ORDER BY m.name",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let id = system_id.to_string();
    let mut removed = 0;
    for table in tables {
        let sql = format!(
            "DELETE FROM \"{}\" WHERE system_id = ?",
            table.replace('"', "\"\"")
        );
        removed += sqlx::query(&sql)
            .bind(&id)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?
            .rows_affected();
    }
    removed += sqlx::query("DELETE FROM external_systems WHERE id = ?")
        .bind(&id)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?
        .rows_affected();
    Ok(removed)
}
