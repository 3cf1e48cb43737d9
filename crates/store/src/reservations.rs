//! reservations: one per (system, reservation_id); the front-desk board's queries.

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use storelink_core::pos::RecordSyncStatus;
use storelink_core::reservation::{Reservation, ReservationStatus};
use storelink_core::{AppError, Page, PageRequest};
use uuid::Uuid;

use crate::error::db_error;
use crate::row::{fetch_page, json_text, Reader};
use crate::time::fmt_time;

const COLUMNS: &str = "id, system_id, store_id, reservation_id, external_reservation_id, \
    reservation_number, customer_name, customer_phone, customer_count, reservation_date, \
    reservation_time, arrival_time, table_type, table_number, area, status, \
    special_requirements, notes, deposit_required, deposit_amount_fen, deposit_paid, source, \
    channel, raw_payload, sync_status, synced_at, created_at, updated_at";

fn from_row(row: &SqliteRow) -> Result<Reservation, AppError> {
    let r = Reader::new(row, "reservations");
    Ok(Reservation {
        id: r.uuid("id")?,
        system_id: r.uuid("system_id")?,
        store_id: r.opt("store_id")?,
        reservation_id: r.text("reservation_id")?,
        external_reservation_id: r.opt("external_reservation_id")?,
        reservation_number: r.opt("reservation_number")?,
        customer_name: r.text("customer_name")?,
        customer_phone: r.opt("customer_phone")?,
        customer_count: r.int("customer_count")?,
        reservation_date: r.time("reservation_date")?,
        reservation_time: r.opt("reservation_time")?,
        arrival_time: r.opt_time("arrival_time")?,
        table_type: r.opt("table_type")?,
        table_number: r.opt("table_number")?,
        area: r.opt("area")?,
        status: r.parsed("status", ReservationStatus::parse)?,
        special_requirements: r.opt("special_requirements")?,
        notes: r.opt("notes")?,
        deposit_required: r.flag("deposit_required")?,
        deposit_amount: r.money("deposit_amount_fen")?,
        deposit_paid: r.flag("deposit_paid")?,
        source: r.opt("source")?,
        channel: r.opt("channel")?,
        raw_payload: r.json("raw_payload")?,
        sync_status: r.parsed("sync_status", RecordSyncStatus::parse)?,
        synced_at: r.opt_time("synced_at")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

/// Inserts, or replaces every column by local id. `content_hash` is the hash of the last
/// platform report applied; `None` (a front-desk change) keeps the stored one.
pub async fn upsert(
    conn: &mut SqliteConnection,
    v: &Reservation,
    content_hash: Option<&str>,
) -> Result<(), AppError> {
    let updates = COLUMNS
        .split(',')
        .map(str::trim)
        .filter(|c| *c != "id")
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    sqlx::query(&format!(
        "INSERT INTO reservations ({COLUMNS}, content_hash) VALUES \
         (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \
         coalesce(?, '')) \
         ON CONFLICT (id) DO UPDATE SET {updates}, content_hash = coalesce(?, content_hash)"
    ))
    .bind(v.id.to_string())
    .bind(v.system_id.to_string())
    .bind(&v.store_id)
    .bind(&v.reservation_id)
    .bind(&v.external_reservation_id)
    .bind(&v.reservation_number)
    .bind(&v.customer_name)
    .bind(&v.customer_phone)
    .bind(v.customer_count)
    .bind(fmt_time(v.reservation_date))
    .bind(&v.reservation_time)
    .bind(v.arrival_time.map(fmt_time))
    .bind(&v.table_type)
    .bind(&v.table_number)
    .bind(&v.area)
    .bind(v.status.as_str())
    .bind(&v.special_requirements)
    .bind(&v.notes)
    .bind(v.deposit_required)
    .bind(v.deposit_amount.fen())
    .bind(v.deposit_paid)
    .bind(&v.source)
    .bind(&v.channel)
    .bind(json_text(&v.raw_payload)?)
    .bind(v.sync_status.as_str())
    .bind(v.synced_at.map(fmt_time))
    .bind(fmt_time(v.created_at))
    .bind(fmt_time(v.updated_at))
    .bind(content_hash)
    .bind(content_hash)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// The reservation with this platform id in this system, and the hash of the last
/// platform report applied to it.
pub async fn find(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    reservation_id: &str,
) -> Result<Option<(Reservation, String)>, AppError> {
    let sql = format!(
        "SELECT {COLUMNS}, content_hash FROM reservations WHERE system_id = ? AND reservation_id = ?"
    );
    let row = sqlx::query(&sql)
        .bind(system_id.to_string())
        .bind(reservation_id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    match row {
        Some(row) => {
            let hash = Reader::new(&row, "reservations").text("content_hash")?;
            Ok(Some((from_row(&row)?, hash)))
        }
        None => Ok(None),
    }
}

/// Reservations with this platform id in any system, or with this local id (at most a
/// few; more than one means the caller must say which system).
pub async fn find_any(
    conn: &mut SqliteConnection,
    reservation_id: &str,
    system_id: Option<Uuid>,
) -> Result<Vec<Reservation>, AppError> {
    let sql = format!(
        // Two lookups, each on its own index (an OR across the two columns scans the table).
        "SELECT {COLUMNS} FROM reservations WHERE reservation_id = ?1 \
         AND (?2 IS NULL OR system_id = ?2) \
         UNION SELECT {COLUMNS} FROM reservations WHERE id = ?1 \
         AND (?2 IS NULL OR system_id = ?2) LIMIT 5"
    );
    let rows = sqlx::query(&sql)
        .bind(reservation_id)
        .bind(system_id.map(|s| s.to_string()))
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

#[derive(Debug, Clone, Default)]
pub struct ReservationFilter {
    pub system_id: Option<Uuid>,
    pub store_id: Option<String>,
    pub status: Option<ReservationStatus>,
    /// Reservations dated at or after this time.
    pub date_from: Option<DateTime<Utc>>,
    /// Reservations dated at or before this time (seed 002 passes `…T23:59:59`).
    pub date_to: Option<DateTime<Utc>>,
}

pub async fn list(
    conn: &mut SqliteConnection,
    f: &ReservationFilter,
    page: &PageRequest,
) -> Result<Page<Reservation>, AppError> {
    let mut q: QueryBuilder<'_, Sqlite> =
        QueryBuilder::new(format!("SELECT {COLUMNS} FROM reservations WHERE 1 = 1"));
    if let Some(s) = f.system_id {
        q.push(" AND system_id = ").push_bind(s.to_string());
    }
    if let Some(s) = &f.store_id {
        q.push(" AND store_id = ").push_bind(s.clone());
    }
    if let Some(s) = f.status {
        q.push(" AND status = ").push_bind(s.as_str());
    }
    if let Some(from) = f.date_from {
        q.push(" AND reservation_date >= ")
            .push_bind(fmt_time(from));
    }
    if let Some(to) = f.date_to {
        q.push(" AND reservation_date <= ").push_bind(fmt_time(to));
    }
    fetch_page(conn, q, page, from_row, |r| r.id).await
}

/// The reservations dated in `[from, to)` (one day of the front-desk board), by date, at
/// most `limit`. Naming every status lets SQLite read the date range of the
/// `reservations_status` index under each one instead of scanning the table.
pub async fn day_board(
    conn: &mut SqliteConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    system_id: Option<Uuid>,
    limit: i64,
) -> Result<Vec<Reservation>, AppError> {
    let statuses = ReservationStatus::NAMES
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {COLUMNS} FROM reservations WHERE status IN ({statuses}) \
         AND reservation_date >= ?1 AND reservation_date < ?2 \
         AND (?3 IS NULL OR system_id = ?3) ORDER BY reservation_date, id LIMIT ?4"
    );
    let rows = sqlx::query(&sql)
        .bind(fmt_time(from))
        .bind(fmt_time(to))
        .bind(system_id.map(|s| s.to_string()))
        .bind(limit)
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}
