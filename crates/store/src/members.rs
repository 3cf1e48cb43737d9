//! member_syncs: one per (system, member_id), also unique per (system, external id).

use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use storelink_core::member::MemberSync;
use storelink_core::pos::RecordSyncStatus;
use storelink_core::{AppError, Page, PageRequest};
use uuid::Uuid;

use crate::error::db_error;
use crate::row::{fetch_page, Reader};
use crate::time::fmt_time;

const COLUMNS: &str = "id, system_id, member_id, external_member_id, phone, name, email, \
    level, points, balance_fen, sync_status, last_activity, updated_at";

fn from_row(row: &SqliteRow) -> Result<MemberSync, AppError> {
    let r = Reader::new(row, "member_syncs");
    Ok(MemberSync {
        id: r.uuid("id")?,
        system_id: r.uuid("system_id")?,
        member_id: r.text("member_id")?,
        external_member_id: r.opt("external_member_id")?,
        phone: r.opt("phone")?,
        name: r.opt("name")?,
        email: r.opt("email")?,
        level: r.opt("level")?,
        points: r.int("points")?,
        balance: r.money("balance_fen")?,
        sync_status: r.parsed("sync_status", RecordSyncStatus::parse)?,
        last_activity: r.opt_time("last_activity")?,
        updated_at: r.time("updated_at")?,
    })
}

/// Members matching the member id or the external id (at most two rows).
pub async fn find_matching(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    member_id: &str,
    external_id: Option<&str>,
) -> Result<Vec<(MemberSync, String)>, AppError> {
    let sql = format!(
        "SELECT {COLUMNS}, content_hash FROM member_syncs WHERE system_id = ?1 \
         AND (member_id = ?2 OR (?3 IS NOT NULL AND external_member_id = ?3))"
    );
    let rows = sqlx::query(&sql)
        .bind(system_id.to_string())
        .bind(member_id)
        .bind(external_id)
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let hash = Reader::new(row, "member_syncs").text("content_hash")?;
            Ok((from_row(row)?, hash))
        })
        .collect()
}

/// Inserts or replaces by local id. A version the member platform has (`success`) also
/// becomes the member's remote fingerprint; a local change waiting to be sent keeps it.
pub async fn upsert(
    conn: &mut SqliteConnection,
    m: &MemberSync,
    content_hash: &str,
) -> Result<(), AppError> {
    let remote_hash = (m.sync_status == RecordSyncStatus::Success).then_some(content_hash);
    sqlx::query(&format!(
        "INSERT INTO member_syncs ({COLUMNS}, content_hash, remote_hash) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
         ON CONFLICT (id) DO UPDATE SET member_id = excluded.member_id, \
         external_member_id = excluded.external_member_id, phone = excluded.phone, \
         name = excluded.name, email = excluded.email, level = excluded.level, \
         points = excluded.points, balance_fen = excluded.balance_fen, \
         sync_status = excluded.sync_status, last_activity = excluded.last_activity, \
         updated_at = excluded.updated_at, content_hash = excluded.content_hash, \
         remote_hash = coalesce(excluded.remote_hash, member_syncs.remote_hash)"
    ))
    .bind(m.id.to_string())
    .bind(m.system_id.to_string())
    .bind(&m.member_id)
    .bind(&m.external_member_id)
    .bind(&m.phone)
    .bind(&m.name)
    .bind(&m.email)
    .bind(&m.level)
    .bind(m.points)
    .bind(m.balance.fen())
    .bind(m.sync_status.as_str())
    .bind(m.last_activity.map(fmt_time))
    .bind(fmt_time(m.updated_at))
    .bind(content_hash)
    .bind(remote_hash)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// The fingerprint of the member as its platform last reported it (see [`upsert`]).
pub async fn remote_hash(
    conn: &mut SqliteConnection,
    id: Uuid,
) -> Result<Option<String>, AppError> {
    sqlx::query_scalar::<_, Option<String>>("SELECT remote_hash FROM member_syncs WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await
        .map(Option::flatten)
        .map_err(db_error)
}

/// Records that the platform's version with this fingerprint has been seen and settled
/// (a conflict decided for the local change), so reading it again is no new conflict.
pub async fn set_remote_hash(
    conn: &mut SqliteConnection,
    id: Uuid,
    hash: &str,
) -> Result<(), AppError> {
    sqlx::query("UPDATE member_syncs SET remote_hash = ? WHERE id = ?")
        .bind(hash)
        .bind(id.to_string())
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    pub system_id: Option<Uuid>,
    pub phone: Option<String>,
}

pub async fn list(
    conn: &mut SqliteConnection,
    f: &MemberFilter,
    page: &PageRequest,
) -> Result<Page<MemberSync>, AppError> {
    let mut q: QueryBuilder<'_, Sqlite> =
        QueryBuilder::new(format!("SELECT {COLUMNS} FROM member_syncs WHERE 1 = 1"));
    push_conditions(&mut q, f, true);
    fetch_page(conn, q, page, from_row, |m| m.id).await
}

/// How many members [`list`] pages through for this filter.
pub async fn count(conn: &mut SqliteConnection, f: &MemberFilter) -> Result<i64, AppError> {
    let mut q = QueryBuilder::new("SELECT count(*) FROM member_syncs WHERE 1 = 1");
    push_conditions(&mut q, f, false);
    q.build_query_scalar()
        .fetch_one(conn)
        .await
        .map_err(db_error)
}

/// The filter's conditions, shared by [`list`] and [`count`].
fn push_conditions(q: &mut QueryBuilder<'_, Sqlite>, f: &MemberFilter, paging: bool) {
    if let Some(s) = f.system_id {
        // For a page, `+system_id`: walk the primary key newest first and stop after a
        // page, rather than let SQLite take the (system_id, …) unique index and sort all
        // the system's rows. A count wants that index.
        q.push(if paging {
            " AND +system_id = "
        } else {
            " AND system_id = "
        })
        .push_bind(s.to_string());
    }
    if let Some(p) = &f.phone {
        q.push(" AND phone = ").push_bind(p.clone());
    }
}
