//! Turning the store's figures into the dashboard's cards and chart hours, and the
//! store's zone and day.

use std::collections::HashMap;

use chrono::{DateTime, Duration, DurationRound, FixedOffset, NaiveDate, Utc};
use storelink_core::error::{AppError, ErrorClass};
use storelink_core::health::HealthSnapshot;
use storelink_core::system::{ExternalSystem, SystemStatus};
use storelink_core::vendor_time;
use storelink_store::dashboard::{self as figures, OutboxWaiting, SyncOutcomes};
use storelink_store::SqliteConnection;

use super::{PosHour, SyncHour, SystemCard, UnreachableReason, CHART_HOURS};

/// The store's zone (see the module docs).
pub(crate) async fn store_offset(conn: &mut SqliteConnection) -> Result<FixedOffset, AppError> {
    Ok(figures::store_offset_minutes(conn)
        .await?
        .and_then(|m| i32::try_from(m.checked_mul(60)?).ok())
        .map(vendor_time::offset_from_secs)
        .unwrap_or_else(vendor_time::china_offset))
}

/// The UTC time the store's `date` starts at.
pub(crate) fn day_start(date: NaiveDate, offset: FixedOffset) -> Result<DateTime<Utc>, AppError> {
    date.and_hms_opt(0, 0, 0)
        .and_then(|midnight| midnight.and_local_timezone(offset).single())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| AppError::internal(format!("no midnight on {date}")))
}

/// When the store's day that `at` falls in started, and its date.
pub(super) fn local_day(
    at: DateTime<Utc>,
    offset: FixedOffset,
) -> Result<(DateTime<Utc>, NaiveDate), AppError> {
    let date = at.with_timezone(&offset).date_naive();
    Ok((day_start(date, offset)?, date))
}

pub(super) fn hour_start(at: DateTime<Utc>) -> Result<DateTime<Utc>, AppError> {
    at.duration_trunc(Duration::hours(1))
        .map_err(|e| AppError::internal(format!("cannot round {at} to the hour: {e}")))
}

/// Why a system counts as unreachable, if it does (the first reason that applies).
pub(super) fn unreachable_reason(
    system: &ExternalSystem,
    outbox: Option<&OutboxWaiting>,
) -> Option<UnreachableReason> {
    let failed_connection = matches!(
        system.last_test_error_class,
        Some(ErrorClass::NetworkError | ErrorClass::TimeoutError)
    );
    if system.status == SystemStatus::Error {
        Some(UnreachableReason::SystemError)
    } else if failed_connection && system.status != SystemStatus::Inactive {
        // A system switched off is not in use, whatever its last test said.
        Some(UnreachableReason::ConnectionFailed)
    } else if outbox.is_some_and(|o| o.unreachable > 0) {
        Some(UnreachableReason::DeliveriesFailing)
    } else {
        None
    }
}

pub(super) fn card(
    system: &ExternalSystem,
    health: &[HealthSnapshot],
    outcomes: &[SyncOutcomes],
    outbox: &[OutboxWaiting],
) -> SystemCard {
    let snapshot = health.iter().find(|h| h.system_id == system.id);
    let (succeeded, failed) = outcomes
        .iter()
        .filter(|o| o.system_id == system.id)
        .fold((0, 0), |(s, f), o| (s + o.succeeded, f + o.failed));
    let syncs = succeeded + failed;
    let waiting = outbox.iter().find(|o| o.system_id == system.id);
    SystemCard {
        system_id: system.id,
        name: system.name.clone(),
        system_type: system.system_type,
        provider: system.provider.clone(),
        status: system.status,
        sync_enabled: system.sync_enabled,
        last_sync_at: system.last_sync_at,
        last_sync_status: system.last_sync_status,
        health_score: snapshot.map(|h| h.score),
        health_at: snapshot.map(|h| h.taken_at),
        syncs_24h: syncs,
        failed_syncs_24h: failed,
        success_permille_24h: (syncs > 0).then(|| succeeded * 1000 / syncs),
        outbox_waiting: waiting.map_or(0, |o| o.waiting),
        outbox_dead: waiting.map_or(0, |o| o.dead),
        unreachable: unreachable_reason(system, waiting),
    }
}

/// Every chart hour from `first`, with the outcomes of all systems added up.
pub(super) fn sync_hours(first: DateTime<Utc>, outcomes: &[SyncOutcomes]) -> Vec<SyncHour> {
    let mut by_hour: HashMap<&str, (i64, i64)> = HashMap::new();
    for o in outcomes {
        let sums = by_hour.entry(o.hour.as_str()).or_default();
        sums.0 += o.succeeded;
        sums.1 += o.failed;
    }
    (0..CHART_HOURS)
        .map(|i| {
            let hour_start = first + Duration::hours(i);
            let (succeeded, failed) = by_hour
                .get(figures::hour_key(hour_start).as_str())
                .copied()
                .unwrap_or_default();
            SyncHour {
                hour_start,
                succeeded,
                failed,
            }
        })
        .collect()
}

/// The 24 hours of the day, hours without a transaction included.
pub(super) fn pos_hours(rows: &[figures::PosHour]) -> Vec<PosHour> {
    (0..24)
        .map(|hour| {
            let row = rows.iter().find(|r| r.hour == hour);
            let sales_fen = row.map_or(0, |r| r.sales_fen);
            let reversals_fen = row.map_or(0, |r| r.reversals_fen);
            PosHour {
                hour,
                transactions: row.map_or(0, |r| r.transactions),
                sales_fen,
                reversals_fen,
                net_fen: sales_fen.saturating_sub(reversals_fen),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        storelink_store::parse_time(text).unwrap_or_default()
    }

    #[test]
    fn the_store_day_starts_at_local_midnight() {
        let china = vendor_time::china_offset();
        // 17:30 UTC is 01:30 the next day in China.
        let (start, date) = local_day(at("2026-03-01T17:30:00Z"), china).expect("day");
        assert_eq!(date.to_string(), "2026-03-02");
        assert_eq!(start, at("2026-03-01T16:00:00Z"));
        let (start, date) = local_day(at("2026-03-01T15:59:59Z"), china).expect("day");
        assert_eq!(
            (date.to_string(), start),
            ("2026-03-01".into(), at("2026-02-28T16:00:00Z"))
        );
    }

    #[test]
    fn sync_hours_cover_the_window_and_add_up_systems() {
        let first = at("2026-03-01T00:00:00Z");
        let outcome = |system: u128, hour: &str, succeeded, failed| SyncOutcomes {
            system_id: Uuid::from_u128(system),
            hour: hour.into(),
            succeeded,
            failed,
        };
        let hours = sync_hours(
            first,
            &[
                outcome(1, "2026-03-01T05", 2, 1),
                outcome(2, "2026-03-01T05", 1, 0),
                outcome(1, "2026-03-01T23", 0, 3),
                outcome(1, "2026-02-28T23", 9, 9),
            ],
        );
        assert_eq!(hours.len(), 24);
        assert_eq!(
            hours[5],
            SyncHour {
                hour_start: at("2026-03-01T05:00:00Z"),
                succeeded: 3,
                failed: 1
            }
        );
        assert_eq!((hours[23].succeeded, hours[23].failed), (0, 3));
        let total: i64 = hours.iter().map(|h| h.succeeded + h.failed).sum();
        assert_eq!(total, 7, "outcomes before the window are not shown");
    }

    #[test]
    fn unreachable_systems_are_told_apart() {
        let mut system: ExternalSystem = serde_json::from_value(serde_json::json!({
            "id": Uuid::nil(), "name": "ERP", "type": "erp", "provider": "custom",
            "version": null, "status": "active", "store_id": null, "api_endpoint": null,
            "webhook_url": null, "config": {}, "sync_enabled": true, "sync_interval": 300,
            "last_sync_at": null, "last_sync_status": null, "secret_fields": [],
            "last_test_at": null, "last_test_latency_ms": null, "last_test_error_class": null,
            "last_test_message": null, "created_at": "2026-03-01T00:00:00Z",
            "updated_at": "2026-03-01T00:00:00Z"
        }))
        .expect("system");
        let waiting = |unreachable| OutboxWaiting {
            system_id: Uuid::nil(),
            waiting: 3,
            dead: 0,
            unreachable,
        };
        assert_eq!(unreachable_reason(&system, Some(&waiting(0))), None);
        assert_eq!(
            unreachable_reason(&system, Some(&waiting(2))),
            Some(UnreachableReason::DeliveriesFailing)
        );
        system.last_test_error_class = Some(ErrorClass::AuthenticationError);
        assert_eq!(
            unreachable_reason(&system, None),
            None,
            "reachable, refused"
        );
        system.last_test_error_class = Some(ErrorClass::TimeoutError);
        assert_eq!(
            unreachable_reason(&system, None),
            Some(UnreachableReason::ConnectionFailed)
        );
        system.status = SystemStatus::Inactive;
        assert_eq!(unreachable_reason(&system, None), None, "switched off");
        system.status = SystemStatus::Error;
        assert_eq!(
            unreachable_reason(&system, None),
            Some(UnreachableReason::SystemError)
        );
    }

    #[test]
    fn pos_hours_fill_the_day_and_net_out_reversals() {
        let hours = pos_hours(&[figures::PosHour {
            hour: 10,
            transactions: 3,
            sales_fen: 15_050,
            reversals_fen: 2_000,
        }]);
        assert_eq!(hours.len(), 24);
        assert_eq!(hours[10].net_fen, 13_050);
        assert_eq!(hours[9].transactions, 0);
    }
}
