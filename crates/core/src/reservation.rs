//! Reservations (seed 002 "ReservationSync") and their status machine.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use uuid::Uuid;

use crate::error::{AppError, Rule};
use crate::money::Money;
use crate::pos::RecordSyncStatus;

string_enum!(ReservationStatus {
    Pending => "pending",
    Confirmed => "confirmed",
    Arrived => "arrived",
    Seated => "seated",
    Completed => "completed",
    Cancelled => "cancelled",
    NoShow => "no_show",
});

string_enum!(ReservationEvent {
    Created => "reservation.created",
    Updated => "reservation.updated",
    Cancelled => "reservation.cancelled",
});

impl ReservationStatus {
    /// pending → confirmed → arrived → seated → completed. A booking not yet seated can be
    /// cancelled; one that was expected (pending or confirmed) can become a no-show.
    pub fn next_allowed(self) -> &'static [ReservationStatus] {
        use ReservationStatus::*;
        match self {
            Pending => &[Confirmed, Cancelled, NoShow],
            Confirmed => &[Arrived, Cancelled, NoShow],
            Arrived => &[Seated, Cancelled],
            Seated => &[Completed],
            Completed | Cancelled | NoShow => &[],
        }
    }

    pub fn can_become(self, next: ReservationStatus) -> bool {
        self.next_allowed().contains(&next)
    }

    pub fn is_final(self) -> bool {
        self.next_allowed().is_empty()
    }

    pub fn transition(self, next: ReservationStatus) -> Result<ReservationStatus, AppError> {
        if self.can_become(next) {
            Ok(next)
        } else {
            Err(AppError::field(
                "status",
                Rule::Transition {
                    from: self.as_str().into(),
                    to: next.as_str().into(),
                },
                format!(
                    "a reservation cannot go from {self} to {next}; allowed next: {}",
                    self.next_allowed()
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Reservation {
    pub id: Uuid,
    pub system_id: Uuid,
    pub store_id: Option<String>,
    pub reservation_id: String,
    pub external_reservation_id: Option<String>,
    pub reservation_number: Option<String>,
    pub customer_name: String,
    pub customer_phone: Option<String>,
    pub customer_count: i64,
    pub reservation_date: DateTime<Utc>,
    pub reservation_time: Option<String>,
    pub arrival_time: Option<DateTime<Utc>>,
    pub table_type: Option<String>,
    pub table_number: Option<String>,
    pub area: Option<String>,
    pub status: ReservationStatus,
    pub special_requirements: Option<String>,
    pub notes: Option<String>,
    pub deposit_required: bool,
    pub deposit_amount: Money,
    pub deposit_paid: bool,
    pub source: Option<String>,
    pub channel: Option<String>,
    /// The platform's payload as received, kept for audit.
    pub raw_payload: Value,
    pub sync_status: RecordSyncStatus,
    pub synced_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::ReservationStatus::*;
    use super::*;

    #[test]
    fn happy_path() {
        let mut s = Pending;
        for next in [Confirmed, Arrived, Seated, Completed] {
            s = s.transition(next).expect("allowed");
        }
        assert!(s.is_final());
    }

    #[test]
    fn illegal_moves_are_refused_with_the_rule() {
        assert!(!Pending.can_become(Seated));
        assert!(!Seated.can_become(Cancelled));
        assert!(!Completed.can_become(Pending));
        assert!(!Arrived.can_become(NoShow));
        let Err(AppError::Validation { errors }) = Cancelled.transition(Confirmed) else {
            panic!("must fail")
        };
        assert_eq!(
            errors[0].rule,
            Rule::Transition {
                from: "cancelled".into(),
                to: "confirmed".into()
            }
        );
    }

    #[test]
    fn every_state_is_reachable_from_pending() {
        let mut seen = vec![Pending];
        let mut frontier = vec![Pending];
        while let Some(s) = frontier.pop() {
            for n in s.next_allowed() {
                if !seen.contains(n) {
                    seen.push(*n);
                    frontier.push(*n);
                }
            }
        }
        assert_eq!(seen.len(), ReservationStatus::ALL.len());
    }

    #[test]
    fn event_names() {
        assert_eq!(
            ReservationEvent::parse("reservation.cancelled"),
            Some(ReservationEvent::Cancelled)
        );
        assert_eq!(ReservationEvent::parse("reservation.deleted"), None);
        // The wire name is the seed's event name, not a derived one.
        let json = serde_json::to_string(&ReservationEvent::Created).unwrap_or_default();
        assert_eq!(json, "\"reservation.created\"");
        let back: Option<ReservationEvent> = serde_json::from_str("\"reservation.updated\"").ok();
        assert_eq!(back, Some(ReservationEvent::Updated));
    }
}
