//! How well each external system is doing: the figures of the last 24 hours, one 0–100
//! score made from them (kept as a time series), and the alerts a person should hear about.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

string_enum!(
    /// Why an alert was raised.
    AlertKind {
    TaskFailed => "task_failed",
    OutboxDead => "outbox_dead",
    HealthDrop => "health_drop",
});

/// A fall of at least this many points between two snapshots is a health drop.
pub const DROP_POINTS: i64 = 20;
/// Falling below this score from at or above it is a health drop, however small the fall.
pub const DROP_FLOOR: i64 = 50;

/// The figures a score is made from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HealthFigures {
    /// Successful outcomes per thousand over 24 h; `None` when there were none at all.
    pub success_permille: Option<i64>,
    /// 95th percentile of vendor call durations; `None` when no call was timed.
    pub p95_latency_ms: Option<i64>,
    /// Syncs that failed in a row, newest first.
    pub consecutive_failures: i64,
    /// Outbox entries not delivered (pending, in flight or dead).
    pub outbox_backlog: i64,
    /// Of those, the dead ones (they wait for a person).
    pub outbox_dead: i64,
}

/// The health of one system at one time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct HealthSnapshot {
    pub id: Uuid,
    pub system_id: Uuid,
    pub taken_at: DateTime<Utc>,
    /// Successful outcomes per thousand over 24 h (`None`: nothing happened).
    pub success_permille: Option<i64>,
    /// How many outcomes the rate counts.
    pub outcomes_24h: i64,
    pub p95_latency_ms: Option<i64>,
    pub consecutive_failures: i64,
    pub outbox_backlog: i64,
    pub outbox_dead: i64,
    /// 0–100, see [`score`].
    pub score: i64,
}

impl HealthSnapshot {
    pub fn figures(&self) -> HealthFigures {
        HealthFigures {
            success_permille: self.success_permille,
            p95_latency_ms: self.p95_latency_ms,
            consecutive_failures: self.consecutive_failures,
            outbox_backlog: self.outbox_backlog,
            outbox_dead: self.outbox_dead,
        }
    }
}

/// A system's latest snapshot and its series over the asked range, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SystemHealth {
    pub system_id: Uuid,
    pub latest: Option<HealthSnapshot>,
    pub series: Vec<HealthSnapshot>,
}

/// The health score, 0–100: 100 minus five penalties, floored at 0.
///
/// - failures over 24 h: `60 × (1000 − success‰) / 1000` (no outcomes at all: 0, since a
///   system with nothing to do has failed at nothing; staleness is the scheduler's concern);
/// - failures in a row: 10 each, at most 30 (three is when the breaker pauses the vendor),
///   so a vendor that just started failing shows at once, before the 24 h rate moves;
/// - slowness: 0 while the p95 call takes ≤ 1 s, rising evenly to 15 at ≥ 10 s;
/// - entries waiting to be sent (backlog less dead): 1 per 10 entries, at most 10;
/// - dead entries: 5 each, at most 15 (each needs a person).
///
/// So every call failing for a while scores 10, a healthy but slow vendor 85, and a
/// healthy vendor with one parked change 95.
pub fn score(f: &HealthFigures) -> i64 {
    let failures = f
        .success_permille
        .map_or(0, |p| 60 * (1000 - p.clamp(0, 1000)) / 1000);
    let streak = (f.consecutive_failures.max(0) * 10).min(30);
    let slowness = f
        .p95_latency_ms
        .map_or(0, |ms| (ms.clamp(1000, 10_000) - 1000) * 15 / 9000);
    let dead = f.outbox_dead.clamp(0, f.outbox_backlog.max(0));
    let waiting = ((f.outbox_backlog.max(0) - dead) / 10).min(10);
    let parked = (dead * 5).min(15);
    (100 - failures - streak - slowness - waiting - parked).clamp(0, 100)
}

/// Whether going from `previous` to `current` is a drop worth an alert: a fall of at
/// least [`DROP_POINTS`], or crossing below [`DROP_FLOOR`].
pub fn dropped(previous: i64, current: i64) -> bool {
    previous - current >= DROP_POINTS || (previous >= DROP_FLOOR && current < DROP_FLOOR)
}

/// Something a person should hear about: the desktop shows a notification, headless logs
/// it. Alerts with the same `dedup_key` are raised once per window (the engine keeps it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Alert {
    pub kind: AlertKind,
    pub system_id: Uuid,
    pub message: String,
    /// `task_failed:<system>:<stream>`, `outbox_dead:<system>` or `health_drop:<system>`:
    /// one stream, or one system's outbox or health, raises one alert per window rather
    /// than one per failed entry during an outage.
    pub dedup_key: String,
    pub at: DateTime<Utc>,
}

impl Alert {
    pub fn task_failed(
        system_id: Uuid,
        system_name: &str,
        stream: &str,
        error: Option<&str>,
        at: DateTime<Utc>,
    ) -> Alert {
        Alert {
            kind: AlertKind::TaskFailed,
            system_id,
            message: format!(
                "the {stream} sync of {system_name} failed: {}",
                error.unwrap_or("no reason given")
            ),
            dedup_key: format!("task_failed:{system_id}:{stream}"),
            at,
        }
    }

    pub fn outbox_dead(
        system_id: Uuid,
        record_key: &str,
        error: Option<&str>,
        at: DateTime<Utc>,
    ) -> Alert {
        Alert {
            kind: AlertKind::OutboxDead,
            system_id,
            message: format!(
                "a change to {record_key} could not be delivered and waits to be retried by hand: {}",
                error.unwrap_or("no reason given")
            ),
            dedup_key: format!("outbox_dead:{system_id}"),
            at,
        }
    }

    pub fn health_drop(
        system_id: Uuid,
        system_name: &str,
        previous: i64,
        current: i64,
        at: DateTime<Utc>,
    ) -> Alert {
        Alert {
            kind: AlertKind::HealthDrop,
            system_id,
            message: format!("the health of {system_name} fell from {previous} to {current}"),
            dedup_key: format!("health_drop:{system_id}"),
            at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(permille: Option<i64>) -> HealthFigures {
        HealthFigures {
            success_permille: permille,
            ..HealthFigures::default()
        }
    }

    #[test]
    fn no_data_is_healthy_and_all_good_is_100() {
        assert_eq!(score(&HealthFigures::default()), 100);
        assert_eq!(score(&figures(Some(1000))), 100);
    }

    #[test]
    fn all_failing_is_low() {
        let f = HealthFigures {
            success_permille: Some(0),
            consecutive_failures: 5,
            ..HealthFigures::default()
        };
        assert_eq!(score(&f), 10);
        // A rate of zero alone (failures long ago, the last sync worked) is still poor.
        assert_eq!(score(&figures(Some(0))), 40);
        assert_eq!(score(&figures(Some(500))), 70);
    }

    #[test]
    fn streak_counts_until_the_breaker_opens() {
        let streak = |n| HealthFigures {
            consecutive_failures: n,
            ..HealthFigures::default()
        };
        assert_eq!(score(&streak(1)), 90);
        assert_eq!(score(&streak(3)), 70);
        assert_eq!(score(&streak(30)), 70);
    }

    #[test]
    fn latency_penalty_starts_at_one_second() {
        let slow = |ms| HealthFigures {
            p95_latency_ms: Some(ms),
            ..HealthFigures::default()
        };
        assert_eq!(score(&slow(0)), 100);
        assert_eq!(score(&slow(1000)), 100);
        assert_eq!(score(&slow(5500)), 93);
        assert_eq!(score(&slow(10_000)), 85);
        assert_eq!(score(&slow(120_000)), 85);
    }

    #[test]
    fn backlog_and_dead_entries_cost_points() {
        let outbox = |backlog, dead| HealthFigures {
            outbox_backlog: backlog,
            outbox_dead: dead,
            ..HealthFigures::default()
        };
        assert_eq!(
            score(&outbox(9, 0)),
            100,
            "a few waiting entries are normal"
        );
        assert_eq!(score(&outbox(50, 0)), 95);
        assert_eq!(score(&outbox(10_000, 0)), 90);
        assert_eq!(score(&outbox(1, 1)), 95);
        assert_eq!(
            score(&outbox(100, 100)),
            85,
            "dead entries are not counted twice"
        );
        // Inconsistent figures (more dead than backlog) do not go negative.
        assert_eq!(score(&outbox(0, 3)), 100);
    }

    #[test]
    fn everything_wrong_floors_at_zero() {
        let f = HealthFigures {
            success_permille: Some(0),
            p95_latency_ms: Some(30_000),
            consecutive_failures: 10,
            outbox_backlog: 500,
            outbox_dead: 10,
        };
        assert_eq!(score(&f), 0);
        // Out-of-range inputs are clamped, never panic or exceed 100.
        assert_eq!(score(&figures(Some(5000))), 100);
        assert_eq!(score(&figures(Some(-5))), 40);
    }

    #[test]
    fn drops_are_big_falls_or_crossing_the_floor() {
        assert!(dropped(100, 80));
        assert!(!dropped(100, 81));
        assert!(dropped(55, 49), "crossing 50");
        assert!(!dropped(49, 40), "already below the floor, a small fall");
        assert!(dropped(49, 29));
        assert!(!dropped(40, 90), "a rise");
    }

    #[test]
    fn alerts_travel_with_snake_case_kinds() {
        let a = Alert::outbox_dead(Uuid::nil(), "order:O1", Some("refused"), Utc::now());
        let v = serde_json::to_value(&a).expect("serializes");
        assert_eq!(v["kind"], "outbox_dead");
        assert_eq!(v["dedup_key"], format!("outbox_dead:{}", Uuid::nil()));
        assert_eq!(
            AlertKind::NAMES,
            ["task_failed", "outbox_dead", "health_drop"]
        );
    }
}
