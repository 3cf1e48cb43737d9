//! Changes waiting to reach a vendor, written in the same transaction as the local change.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use uuid::Uuid;

use crate::error::ErrorClass;

// `cancelled`: never sent, because a conflict resolution took the vendor's version.
string_enum!(OutboxStatus {
    Pending => "pending",
    InFlight => "in_flight",
    Done => "done",
    Dead => "dead",
    Cancelled => "cancelled",
});

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct OutboxEntry {
    pub id: Uuid,
    pub system_id: Uuid,
    /// The record the change belongs to (`reservation:RES-2024-001`); entries of one
    /// record are delivered in order.
    pub record_key: String,
    pub operation: String,
    pub payload: Value,
    pub status: OutboxStatus,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error_class: Option<ErrorClass>,
    pub last_error: Option<String>,
    pub vendor_reply: Option<Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Exponential backoff: 1 s, 2 s, 4 s … capped at `max` (seed 004 §8.2 RetryPolicy defaults:
/// initial 1000 ms, multiplier 2, max 30 000 ms).
pub fn backoff(attempt: u32, initial: Duration, max: Duration) -> Duration {
    let factor = 1_i64.checked_shl(attempt.min(30)).unwrap_or(i64::MAX);
    initial
        .num_milliseconds()
        .checked_mul(factor)
        .map(Duration::milliseconds)
        .unwrap_or(max)
        .min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let (i, m) = (Duration::milliseconds(1000), Duration::milliseconds(30_000));
        let delays: Vec<_> = (0..7)
            .map(|a| backoff(a, i, m).num_milliseconds())
            .collect();
        assert_eq!(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
        assert_eq!(backoff(200, i, m), m);
    }
}
