//! Sync tasks and per-item sync logs (seed 003 models plus seed 001's counts), checkpoints.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use uuid::Uuid;

use crate::error::ErrorClass;

string_enum!(SyncTaskStatus {
    Pending => "pending",
    Running => "running",
    Completed => "completed",
    Failed => "failed",
    Cancelled => "cancelled",
});
string_enum!(SyncMode { Full => "full", Incremental => "incremental", Single => "single" });
string_enum!(SyncTrigger { Schedule => "schedule", Manual => "manual", Event => "event" });
string_enum!(SyncAction {
    Create => "create",
    Update => "update",
    Delete => "delete",
    Unchanged => "unchanged",
});
string_enum!(SyncItemStatus { Success => "success", Failed => "failed" });
string_enum!(ConflictStrategy {
    SourceWins => "source_wins",
    TargetWins => "target_wins",
    LatestWins => "latest_wins",
    Manual => "manual",
});

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SyncTask {
    pub id: Uuid,
    pub system_id: Uuid,
    /// What is synced: `order`, `product`, `customer`, `reservation`, `prices`, ...
    pub task_type: String,
    pub mode: SyncMode,
    pub trigger: SyncTrigger,
    pub status: SyncTaskStatus,
    pub start_time: Option<DateTime<Utc>>,
    pub end_time: Option<DateTime<Utc>>,
    pub total_items: i64,
    pub success_items: i64,
    pub failed_items: i64,
    pub error_message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl SyncTask {
    /// Percent done, 0–100, in whole tenths (seed 003 `progress`).
    pub fn progress_permille(&self) -> i64 {
        if self.total_items <= 0 {
            return if self.status == SyncTaskStatus::Completed {
                1000
            } else {
                0
            };
        }
        ((self.success_items + self.failed_items) * 1000 / self.total_items).clamp(0, 1000)
    }

    /// Seed 003 `estimated_completion`: the elapsed time per processed item, projected.
    pub fn estimated_completion(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let start = self.start_time?;
        let done = self.success_items + self.failed_items;
        if self.status != SyncTaskStatus::Running || done <= 0 || self.total_items <= done {
            return None;
        }
        let elapsed_ms = (now - start).num_milliseconds().max(0);
        let remaining = self.total_items - done;
        let remaining_ms = elapsed_ms.checked_mul(remaining)? / done;
        // A clock jumped forward can make the projection absurd: no estimate, not a panic.
        now.checked_add_signed(Duration::try_milliseconds(remaining_ms)?)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct SyncLog {
    pub id: Uuid,
    pub task_id: Option<Uuid>,
    pub system_id: Uuid,
    pub item_type: String,
    pub item_id: String,
    pub action: SyncAction,
    pub status: SyncItemStatus,
    pub error_class: Option<ErrorClass>,
    pub error_message: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl SyncLog {
    /// A successful line for one item; callers set the error fields of a failed one.
    pub fn success(
        system_id: Uuid,
        task_id: Option<Uuid>,
        item_type: &str,
        item_id: &str,
        action: SyncAction,
    ) -> SyncLog {
        SyncLog {
            id: crate::ids::new_id(),
            task_id,
            system_id,
            item_type: item_type.to_owned(),
            item_id: item_id.to_owned(),
            action,
            status: SyncItemStatus::Success,
            error_class: None,
            error_message: None,
            created_at: crate::ids::now(),
        }
    }
}

/// Where a stream's sync stopped, saved in the same transaction as the page it follows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Checkpoint {
    pub system_id: Uuid,
    pub stream: String,
    pub cursor: Value,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(total: i64, done: i64) -> SyncTask {
        let t0 = DateTime::parse_from_rfc3339("2025-11-20T10:00:00Z")
            .map(|t| t.to_utc())
            .unwrap_or_default();
        SyncTask {
            id: Uuid::nil(),
            system_id: Uuid::nil(),
            task_type: "order".into(),
            mode: SyncMode::Full,
            trigger: SyncTrigger::Manual,
            status: SyncTaskStatus::Running,
            start_time: Some(t0),
            end_time: None,
            total_items: total,
            success_items: done,
            failed_items: 0,
            error_message: None,
            created_at: t0,
            updated_at: t0,
        }
    }

    #[test]
    fn seed_003_progress_and_estimate() {
        // Seed 003: 500 of 1000 done → 50.0 %; started 10:00, now 10:02:30 → done 10:05.
        let t = task(1000, 500);
        assert_eq!(t.progress_permille(), 500);
        let now = DateTime::parse_from_rfc3339("2025-11-20T10:02:30Z")
            .map(|t| t.to_utc())
            .unwrap_or_default();
        let eta = t.estimated_completion(now).map(|t| t.to_rfc3339());
        assert_eq!(eta.as_deref(), Some("2025-11-20T10:05:00+00:00"));
        assert_eq!(task(0, 0).progress_permille(), 0);
        assert_eq!(task(10, 0).estimated_completion(now), None);
    }

    #[test]
    fn strategies_named_as_in_seed_004() {
        let names: Vec<_> = ConflictStrategy::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            ["source_wins", "target_wins", "latest_wins", "manual"]
        );
    }
}
