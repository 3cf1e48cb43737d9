//! The raw bodies the inbox keeps, read as samples of what a system sends: the field
//! mapping editor previews a mapping against the latest one that is about a stream.
//! (Pulled records are stored after mapping, so the inbox is where raw vendor data lives.)

use sqlx::SqliteConnection;
use storelink_core::AppError;
use uuid::Uuid;

use crate::error::db_error;
use crate::row::Reader;

/// The newest events of a system, newest first: (inbox id, event type), at most `limit`.
/// Only the types are read, so the caller picks one before loading its body.
pub async fn recent_event_types(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    limit: u32,
) -> Result<Vec<(Uuid, String)>, AppError> {
    // Served by inbox_system (system_id, id); ids are UUID v7, so id order is arrival order.
    let rows = sqlx::query(
        "SELECT id, event_type FROM inbox WHERE system_id = ? ORDER BY id DESC LIMIT ?",
    )
    .bind(system_id.to_string())
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let r = Reader::new(row, "inbox");
            Ok((r.uuid("id")?, r.text("event_type")?))
        })
        .collect()
}
