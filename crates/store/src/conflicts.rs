//! conflicts: records both sides changed, parked for a person (strategy `manual`). One open
//! conflict per record; the vendor changing the record again refreshes it.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use storelink_core::conflict::{differing_fields, Conflict, ConflictStatus};
use storelink_core::ids::new_id;
use storelink_core::{AppError, Page, PageRequest};
use uuid::Uuid;

use crate::error::db_error;
use crate::row::{fetch_page, json_text, Reader};
use crate::time::fmt_time;

/// A conflict found during a sync.
#[derive(Debug, Clone)]
pub struct NewConflict<'a> {
    pub system_id: Uuid,
    pub entity: &'a str,
    pub record_key: &'a str,
    pub source_data: &'a Value,
    pub source_hash: &'a str,
    pub source_updated_at: Option<DateTime<Utc>>,
    pub target_data: &'a Value,
    pub target_updated_at: Option<DateTime<Utc>>,
}

/// What parking a conflict did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parked {
    /// A new conflict is waiting for a person.
    New(Uuid),
    /// The open conflict of the record now shows the vendor's newer version.
    Refreshed(Uuid),
    /// The open conflict already shows this version.
    Same(Uuid),
}

pub async fn park(conn: &mut SqliteConnection, c: &NewConflict<'_>) -> Result<Parked, AppError> {
    let open: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT id, source_hash FROM conflicts WHERE system_id = ? AND record_key = ? \
         AND status = 'open'",
    )
    .bind(c.system_id.to_string())
    .bind(c.record_key)
    .fetch_optional(&mut *conn)
    .await
    .map_err(db_error)?;
    let source = json_text(c.source_data)?;
    let target = json_text(c.target_data)?;
    if let Some((id, hash)) = open {
        let id = Uuid::parse_str(&id).map_err(AppError::internal)?;
        if hash.as_deref() == Some(c.source_hash) {
            return Ok(Parked::Same(id));
        }
        sqlx::query(
            "UPDATE conflicts SET source_data = ?, source_hash = ?, source_updated_at = ?, \
             target_data = ?, target_updated_at = ? WHERE id = ?",
        )
        .bind(source)
        .bind(c.source_hash)
        .bind(c.source_updated_at.map(fmt_time))
        .bind(target)
        .bind(c.target_updated_at.map(fmt_time))
        .bind(id.to_string())
        .execute(conn)
        .await
        .map_err(db_error)?;
        return Ok(Parked::Refreshed(id));
    }
    let id = new_id();
    sqlx::query(
        "INSERT INTO conflicts (id, system_id, entity, record_key, source_data, source_hash, \
         source_updated_at, target_data, target_updated_at, status, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)",
    )
    .bind(id.to_string())
    .bind(c.system_id.to_string())
    .bind(c.entity)
    .bind(c.record_key)
    .bind(source)
    .bind(c.source_hash)
    .bind(c.source_updated_at.map(fmt_time))
    .bind(target)
    .bind(c.target_updated_at.map(fmt_time))
    .bind(fmt_time(storelink_core::ids::now()))
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(Parked::New(id))
}

const COLUMNS: &str = "id, system_id, entity, record_key, source_data, target_data, \
    source_updated_at, target_updated_at, status, resolution, resolved_by, created_at, resolved_at";

fn from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Conflict, AppError> {
    let r = Reader::new(row, "conflicts");
    let source_data: Value = r.json("source_data")?;
    let target_data: Value = r.json("target_data")?;
    Ok(Conflict {
        id: r.uuid("id")?,
        system_id: r.uuid("system_id")?,
        entity: r.text("entity")?,
        record_key: r.text("record_key")?,
        fields: differing_fields(&target_data, &source_data),
        source_data,
        target_data,
        source_updated_at: r.opt_time("source_updated_at")?,
        target_updated_at: r.opt_time("target_updated_at")?,
        status: r.parsed("status", ConflictStatus::parse)?,
        resolution: r
            .opt("resolution")?
            .map(|t| serde_json::from_str(&t).map_err(AppError::internal))
            .transpose()?,
        resolved_by: r.opt("resolved_by")?,
        created_at: r.time("created_at")?,
        resolved_at: r.opt_time("resolved_at")?,
    })
}

pub async fn get(conn: &mut SqliteConnection, id: Uuid) -> Result<Conflict, AppError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM conflicts WHERE id = ?"))
        .bind(id.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db_error)?
        .ok_or_else(|| AppError::not_found("conflict", id))?;
    from_row(&row)
}

/// The fingerprint of the vendor's version a conflict holds.
pub async fn source_hash(conn: &mut SqliteConnection, id: Uuid) -> Result<String, AppError> {
    sqlx::query_scalar::<_, Option<String>>("SELECT source_hash FROM conflicts WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db_error)?
        .flatten()
        .ok_or_else(|| AppError::not_found("conflict", id))
}

#[derive(Debug, Clone, Default)]
pub struct ConflictFilter {
    pub system_id: Option<Uuid>,
    pub status: Option<ConflictStatus>,
}

/// Newest first.
pub async fn list(
    conn: &mut SqliteConnection,
    filter: &ConflictFilter,
    page: &PageRequest,
) -> Result<Page<Conflict>, AppError> {
    let mut q: QueryBuilder<'_, Sqlite> =
        QueryBuilder::new(format!("SELECT {COLUMNS} FROM conflicts WHERE 1 = 1"));
    if let Some(s) = filter.system_id {
        q.push(" AND system_id = ").push_bind(s.to_string());
    }
    if let Some(s) = filter.status {
        q.push(" AND status = ").push_bind(s.as_str());
    }
    fetch_page(conn, q, page, from_row, |c| c.id).await
}

/// Closes an open conflict; a second resolution of the same conflict is refused.
pub async fn resolve(
    conn: &mut SqliteConnection,
    id: Uuid,
    resolution: &Value,
    resolved_by: &str,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE conflicts SET status = 'resolved', resolution = ?, resolved_by = ?, \
         resolved_at = ? WHERE id = ? AND status = 'open'",
    )
    .bind(json_text(resolution)?)
    .bind(resolved_by)
    .bind(fmt_time(at))
    .bind(id.to_string())
    .execute(conn)
    .await
    .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(AppError::Conflict {
            message: "this conflict is already resolved".into(),
            field: None,
        });
    }
    Ok(())
}

/// A local edit made while the record's conflict is open becomes the conflict's local side.
pub async fn refresh_target(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    record_key: &str,
    target_data: &Value,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE conflicts SET target_data = ?, target_updated_at = ? \
         WHERE system_id = ? AND record_key = ? AND status = 'open'",
    )
    .bind(json_text(target_data)?)
    .bind(fmt_time(storelink_core::ids::now()))
    .bind(system_id.to_string())
    .bind(record_key)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Open conflicts, for the dashboard's "needs attention" figure.
pub async fn count_open(
    conn: &mut SqliteConnection,
    system_id: Option<Uuid>,
) -> Result<i64, AppError> {
    sqlx::query_scalar(
        "SELECT count(*) FROM conflicts WHERE status = 'open' AND (?1 IS NULL OR system_id = ?1)",
    )
    .bind(system_id.map(|s| s.to_string()))
    .fetch_one(conn)
    .await
    .map_err(db_error)
}
