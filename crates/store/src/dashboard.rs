//! The dashboard's figures. Each is one aggregate query over an indexed range, so the
//! dashboard costs the same with a million rows as with ten: sync outcomes per system and
//! hour (`sync_tasks_status`), the outbox waiting per system (`outbox_due`), and POS volume
//! per local hour of one day (`pos_transactions_time`).

use chrono::{DateTime, Duration, Utc};
use sqlx::SqliteConnection;
use storelink_core::AppError;
use uuid::Uuid;

use crate::error::db_error;
use crate::time::fmt_time;

/// Syncs are assumed to take less than this (as for the health figures): tasks created
/// earlier are not read, so counting the ones that ended in the window reads an index
/// range of recent ids instead of every task ever run.
const LONGEST_SYNC_DAYS: i64 = 7;

/// The smallest UUID v7 made at `t`: ids are UUID v7, so `id >= v7_floor(t)` selects the
/// rows created at or after `t`.
fn v7_floor(t: DateTime<Utc>) -> String {
    let ms = u64::try_from(t.timestamp_millis()).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(ms, &[0; 10])
        .into_uuid()
        .to_string()
}

fn system_uuid(text: &str, table: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(text)
        .map_err(|_| AppError::internal(format!("unexpected system_id `{text}` in {table}")))
}

/// How the syncs of one system that ended in one hour went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOutcomes {
    pub system_id: Uuid,
    /// The hour as the first 13 characters of the stored UTC time, `2026-01-02T03`.
    pub hour: String,
    pub succeeded: i64,
    pub failed: i64,
}

/// The stored-time prefix [`SyncOutcomes::hour`] uses for the hour starting at `t`.
pub fn hour_key(t: DateTime<Utc>) -> String {
    fmt_time(t).chars().take(13).collect()
}

/// Outcomes of the syncs that ended at or after `since`, per system and UTC hour.
/// `completed` succeeded and `failed` did not; `cancelled` was a person's choice and is
/// not counted (as in the health figures). `system_id` limits it to one system.
pub async fn sync_outcomes(
    conn: &mut SqliteConnection,
    since: DateTime<Utc>,
    system_id: Option<Uuid>,
) -> Result<Vec<SyncOutcomes>, AppError> {
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT system_id, substr(end_time, 1, 13) AS hour, \
           coalesce(sum(status = 'completed'), 0), coalesce(sum(status = 'failed'), 0) \
         FROM sync_tasks \
         WHERE status IN ('completed', 'failed') AND id >= ?1 AND end_time >= ?2 \
           AND (?3 IS NULL OR system_id = ?3) \
         GROUP BY system_id, hour",
    )
    .bind(v7_floor(since - Duration::days(LONGEST_SYNC_DAYS)))
    .bind(fmt_time(since))
    .bind(system_id.map(|s| s.to_string()))
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.into_iter()
        .map(|(system, hour, succeeded, failed)| {
            Ok(SyncOutcomes {
                system_id: system_uuid(&system, "sync_tasks")?,
                hour,
                succeeded,
                failed,
            })
        })
        .collect()
}

/// The outbox entries of one system not delivered yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxWaiting {
    pub system_id: Uuid,
    /// Pending or being sent: they go out when the vendor answers.
    pub waiting: i64,
    /// Given up on: they wait for a person to retry them.
    pub dead: i64,
    /// Of the pending ones, those whose last attempt found the vendor unreachable (a
    /// network error or a timeout).
    pub unreachable: i64,
}

/// The outbox entries not delivered, per system (only systems that have some).
pub async fn outbox_waiting(
    conn: &mut SqliteConnection,
    system_id: Option<Uuid>,
) -> Result<Vec<OutboxWaiting>, AppError> {
    let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT system_id, coalesce(sum(status IN ('pending', 'in_flight')), 0), \
           coalesce(sum(status = 'dead'), 0), \
           coalesce(sum(status = 'pending' \
             AND last_error_class IN ('network_error', 'timeout_error')), 0) \
         FROM outbox WHERE status IN ('pending', 'in_flight', 'dead') \
           AND (?1 IS NULL OR system_id = ?1) \
         GROUP BY system_id",
    )
    .bind(system_id.map(|s| s.to_string()))
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.into_iter()
        .map(|(system, waiting, dead, unreachable)| {
            Ok(OutboxWaiting {
                system_id: system_uuid(&system, "outbox")?,
                waiting,
                dead,
                unreachable,
            })
        })
        .collect()
}

/// POS volume of one local hour. Amounts are integer fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PosHour {
    /// 0–23, in the zone the query was asked for.
    pub hour: u32,
    pub transactions: i64,
    /// The totals of the sales.
    pub sales_fen: i64,
    /// The totals of the refunds and voids (each takes back part or all of a sale).
    pub reversals_fen: i64,
}

/// POS transactions with `transaction_time` in `[from, to)`, per hour of the day at
/// `offset_minutes` east of UTC, of every system or of `system_id`.
pub async fn pos_hours(
    conn: &mut SqliteConnection,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    offset_minutes: i32,
    system_id: Option<Uuid>,
) -> Result<Vec<PosHour>, AppError> {
    let rows: Vec<(Option<i64>, i64, i64, i64)> = sqlx::query_as(
        "SELECT CAST(strftime('%H', transaction_time, ?3) AS INTEGER) AS hour, count(*), \
           coalesce(sum(CASE WHEN transaction_type = 'sale' THEN total_fen END), 0), \
           coalesce(sum(CASE WHEN transaction_type <> 'sale' THEN total_fen END), 0) \
         FROM pos_transactions \
         WHERE transaction_time >= ?1 AND transaction_time < ?2 \
           AND (?4 IS NULL OR system_id = ?4) \
         GROUP BY hour ORDER BY hour",
    )
    .bind(fmt_time(from))
    .bind(fmt_time(to))
    .bind(format!("{offset_minutes:+} minutes"))
    .bind(system_id.map(|s| s.to_string()))
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .filter_map(|(hour, transactions, sales_fen, reversals_fen)| {
            Some(PosHour {
                hour: u32::try_from(hour?).ok()?,
                transactions,
                sales_fen,
                reversals_fen,
            })
        })
        .collect())
}

/// The `utc_offset_minutes` the settings of the oldest live system that sets one give
/// (the store's zone), if any does.
pub async fn store_offset_minutes(conn: &mut SqliteConnection) -> Result<Option<i64>, AppError> {
    sqlx::query_scalar(
        "SELECT json_extract(config, '$.utc_offset_minutes') FROM external_systems \
         WHERE deleted_at IS NULL AND json_valid(config) \
           AND json_type(config, '$.utc_offset_minutes') = 'integer' \
         ORDER BY id LIMIT 1",
    )
    .fetch_optional(conn)
    .await
    .map_err(db_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_floor_sorts_before_ids_made_then_and_after_earlier_ones() {
        let earlier = storelink_core::ids::new_id().to_string();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let floor = v7_floor(storelink_core::ids::now());
        let later = storelink_core::ids::new_id().to_string();
        assert!(
            earlier < floor && floor <= later,
            "{earlier} {floor} {later}"
        );
    }

    #[test]
    fn hour_keys_are_the_stored_time_prefix() {
        let t = crate::parse_time("2026-01-02T03:00:00Z").unwrap_or_default();
        assert_eq!(hour_key(t), "2026-01-02T03");
        assert!(fmt_time(t + Duration::minutes(59)).starts_with(&hour_key(t)));
    }
}
