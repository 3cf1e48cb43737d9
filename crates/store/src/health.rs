//! health_snapshots: each system's health over time, and the figures of a snapshot that
//! come from the database (sync task outcomes, outbox deliveries and backlog).

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::SqliteConnection;
use storelink_core::health::HealthSnapshot;
use storelink_core::AppError;
use uuid::Uuid;

use crate::error::db_error;
use crate::row::Reader;
use crate::time::fmt_time;

const COLUMNS: &str = "id, system_id, taken_at, success_permille, outcomes_24h, \
    p95_latency_ms, consecutive_failures, outbox_backlog, outbox_dead, score";

/// At most this many snapshots in one series (30 days every 5 minutes is 8,640).
pub const SERIES_LIMIT: i64 = 10_000;
/// The most recent finished syncs looked at for a failure streak.
const STREAK_WINDOW: i64 = 50;

fn from_row(row: &SqliteRow) -> Result<HealthSnapshot, AppError> {
    let r = Reader::new(row, "health_snapshots");
    let opt_int = |c: &str| sqlx::Row::try_get::<Option<i64>, _>(row, c).map_err(db_error);
    Ok(HealthSnapshot {
        id: r.uuid("id")?,
        system_id: r.uuid("system_id")?,
        taken_at: r.time("taken_at")?,
        success_permille: opt_int("success_permille")?,
        outcomes_24h: r.int("outcomes_24h")?,
        p95_latency_ms: opt_int("p95_latency_ms")?,
        consecutive_failures: r.int("consecutive_failures")?,
        outbox_backlog: r.int("outbox_backlog")?,
        outbox_dead: r.int("outbox_dead")?,
        score: r.int("score")?,
    })
}

pub async fn insert(conn: &mut SqliteConnection, s: &HealthSnapshot) -> Result<(), AppError> {
    sqlx::query(&format!(
        "INSERT INTO health_snapshots ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(s.id.to_string())
    .bind(s.system_id.to_string())
    .bind(fmt_time(s.taken_at))
    .bind(s.success_permille)
    .bind(s.outcomes_24h)
    .bind(s.p95_latency_ms)
    .bind(s.consecutive_failures)
    .bind(s.outbox_backlog)
    .bind(s.outbox_dead)
    .bind(s.score)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Deletes snapshots taken before `older_than` (retention); returns how many.
pub async fn prune(
    conn: &mut SqliteConnection,
    older_than: DateTime<Utc>,
) -> Result<u64, AppError> {
    sqlx::query("DELETE FROM health_snapshots WHERE taken_at < ?")
        .bind(fmt_time(older_than))
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
        .map_err(db_error)
}

pub async fn latest(
    conn: &mut SqliteConnection,
    system_id: Uuid,
) -> Result<Option<HealthSnapshot>, AppError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM health_snapshots WHERE system_id = ? \
         ORDER BY taken_at DESC, id DESC LIMIT 1"
    ))
    .bind(system_id.to_string())
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

/// The latest snapshot of every live system that has one (or of `system_id` only).
pub async fn latest_all(
    conn: &mut SqliteConnection,
    system_id: Option<Uuid>,
) -> Result<Vec<HealthSnapshot>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM (SELECT h.*, row_number() OVER \
           (PARTITION BY h.system_id ORDER BY h.taken_at DESC, h.id DESC) AS n \
           FROM health_snapshots h JOIN external_systems s ON s.id = h.system_id \
           WHERE s.deleted_at IS NULL AND (?1 IS NULL OR h.system_id = ?1)) \
         WHERE n = 1 ORDER BY system_id"
    ))
    .bind(system_id.map(|s| s.to_string()))
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

/// A system's snapshots taken in `[from, to]`, oldest first (the newest
/// [`SERIES_LIMIT`] when there are more).
pub async fn series(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<HealthSnapshot>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM (SELECT {COLUMNS} FROM health_snapshots \
           WHERE system_id = ? AND taken_at >= ? AND taken_at <= ? \
           ORDER BY taken_at DESC, id DESC LIMIT ?) \
         ORDER BY taken_at, id"
    ))
    .bind(system_id.to_string())
    .bind(fmt_time(from))
    .bind(fmt_time(to))
    .bind(SERIES_LIMIT)
    .fetch_all(conn)
    .await
    .map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

/// Syncs are assumed to take less than this: tasks started earlier are not read when
/// counting those that ended in the window, so the count reads an index range instead of
/// every task the system ever ran.
const LONGEST_SYNC_DAYS: i64 = 7;

/// The smallest UUID v7 made at `t`: ids are UUID v7, so `id >= first_id_at(t)` selects
/// the rows created at or after `t` (their text order is their byte order).
fn first_id_at(t: DateTime<Utc>) -> String {
    let ms = u64::try_from(t.timestamp_millis()).unwrap_or(0);
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    bytes[6] = 0x70;
    bytes[8] = 0x80;
    Uuid::from_bytes(bytes).to_string()
}

/// What the database knows of a system's health.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StoredFigures {
    /// Successful outcomes since the window's start, and all outcomes.
    pub succeeded: i64,
    pub outcomes: i64,
    pub consecutive_failures: i64,
    pub outbox_backlog: i64,
    pub outbox_dead: i64,
}

impl StoredFigures {
    /// Successes per thousand outcomes; `None` when there were none.
    pub fn success_permille(&self) -> Option<i64> {
        (self.outcomes > 0).then(|| self.succeeded.clamp(0, self.outcomes) * 1000 / self.outcomes)
    }
}

/// The figures of `system_id` for a snapshot, outcomes counted since `since` (24 h back).
///
/// An outcome is a sync task that ended in the window (`completed` succeeded, `failed`
/// did not; `cancelled` is a person's choice and not counted; a completed sync with a few
/// invalid records still succeeded: the vendor answered) or an outbox entry last changed in
/// the window, by where it stands now (`done` succeeded; `dead`, or `pending` after a
/// failed attempt, did not). The failure streak counts the most recent finished syncs that
/// failed, up to the latest that completed. The backlog is every entry not yet delivered
/// (pending, in flight or dead).
pub async fn figures(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    since: DateTime<Utc>,
) -> Result<StoredFigures, AppError> {
    let system = system_id.to_string();
    let since_time = since;
    let since = fmt_time(since);
    let (task_ok, task_all): (i64, i64) = sqlx::query_as(
        "SELECT coalesce(sum(status = 'completed'), 0), count(*) FROM sync_tasks \
         WHERE system_id = ? AND id >= ? AND status IN ('completed','failed') AND end_time >= ?",
    )
    .bind(&system)
    .bind(first_id_at(
        since_time - chrono::Duration::days(LONGEST_SYNC_DAYS),
    ))
    .bind(&since)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    let (sent_ok, sent_all): (i64, i64) = sqlx::query_as(
        "SELECT coalesce(sum(status = 'done'), 0), count(*) FROM outbox \
         WHERE system_id = ? AND updated_at >= ? AND (status IN ('done','dead') \
           OR (status = 'pending' AND last_error IS NOT NULL))",
    )
    .bind(&system)
    .bind(&since)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    let recent: Vec<String> = sqlx::query_scalar(
        "SELECT status FROM sync_tasks WHERE system_id = ? AND status IN ('completed','failed') \
         ORDER BY id DESC LIMIT ?",
    )
    .bind(&system)
    .bind(STREAK_WINDOW)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    let streak = recent.iter().take_while(|s| *s == "failed").count();
    let (backlog, dead): (i64, i64) = sqlx::query_as(
        "SELECT count(*), coalesce(sum(status = 'dead'), 0) FROM outbox \
         WHERE system_id = ? AND status IN ('pending','in_flight','dead')",
    )
    .bind(&system)
    .fetch_one(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(StoredFigures {
        succeeded: task_ok + sent_ok,
        outcomes: task_all + sent_all,
        consecutive_failures: i64::try_from(streak).unwrap_or(i64::MAX),
        outbox_backlog: backlog,
        outbox_dead: dead,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_id_at_orders_before_ids_made_then_and_after_earlier_ones() {
        let t = storelink_core::ids::now();
        let before = storelink_core::ids::new_id().to_string();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let bound = first_id_at(storelink_core::ids::now());
        let after = storelink_core::ids::new_id().to_string();
        assert!(before < bound && bound <= after, "{before} {bound} {after}");
        assert!(first_id_at(t - chrono::Duration::days(1)) < before);
    }
}
