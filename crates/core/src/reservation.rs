//! Reservations (seed 002 "ReservationSync") and their status machine.

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use uuid::Uuid;

use crate::error::{AppError, Rule, Violations};
use crate::money::Money;
use crate::pos::RecordSyncStatus;
use crate::{validate, vendor_time};

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

    /// Whether `target` can be reached from `self` in any number of steps.
    pub fn leads_to(self, target: ReservationStatus) -> bool {
        let mut frontier = vec![self];
        let mut seen: Vec<ReservationStatus> = Vec::new();
        while let Some(s) = frontier.pop() {
            if s == target {
                return true;
            }
            if !seen.contains(&s) {
                seen.push(s);
                frontier.extend_from_slice(s.next_allowed());
            }
        }
        false
    }

    /// The platform reports `incoming` for a reservation that is `self` here. The same or a
    /// later state is applied; a state the front desk has already moved past (a stale
    /// report) keeps the local one; a contradiction (no path either way) is refused.
    pub fn reconcile(self, incoming: ReservationStatus) -> Result<ReservationStatus, AppError> {
        if self == incoming || incoming.leads_to(self) {
            Ok(self)
        } else if self.leads_to(incoming) {
            Ok(incoming)
        } else {
            self.transition(incoming)
        }
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
                    allowed: self
                        .next_allowed()
                        .iter()
                        .map(|s| s.as_str().to_owned())
                        .collect(),
                },
                format!(
                    "a reservation cannot go from {self} to {next}; allowed next: {}",
                    if self.is_final() {
                        "none (final state)".to_owned()
                    } else {
                        self.next_allowed()
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            ))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
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
    #[schema(value_type = Object)]
    pub raw_payload: Value,
    pub sync_status: RecordSyncStatus,
    pub synced_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Seed 002 "同步预订数据" body, and the data of its webhooks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct ReservationInput {
    pub reservation_id: String,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default)]
    pub reservation_number: Option<String>,
    #[serde(default)]
    pub customer_name: Option<String>,
    #[serde(default)]
    pub customer_phone: Option<String>,
    #[serde(default)]
    pub customer_count: Option<i64>,
    /// ISO 8601 date or date-time; without an offset it is the store's local time.
    #[serde(default)]
    pub reservation_date: Option<String>,
    /// The booked slot as the platform writes it, e.g. `18:00-20:00`.
    #[serde(default)]
    pub reservation_time: Option<String>,
    #[serde(default)]
    pub table_type: Option<String>,
    #[serde(default)]
    pub table_number: Option<String>,
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub special_requirements: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub deposit_required: Option<bool>,
    #[serde(default)]
    pub deposit_amount: Option<Money>,
    #[serde(default)]
    pub deposit_paid: Option<bool>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub channel: Option<String>,
}

/// The fields of a reservation that passed every rule. `None` means "not sent": an update
/// keeps the stored value. A new reservation needs name, count and date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidReservation {
    pub reservation_id: String,
    pub external_id: Option<String>,
    pub reservation_number: Option<String>,
    pub customer_name: Option<String>,
    pub customer_phone: Option<String>,
    pub customer_count: Option<i64>,
    pub reservation_date: Option<DateTime<Utc>>,
    pub reservation_time: Option<String>,
    pub table_type: Option<String>,
    pub table_number: Option<String>,
    pub area: Option<String>,
    pub status: Option<ReservationStatus>,
    pub special_requirements: Option<String>,
    pub notes: Option<String>,
    pub deposit_required: Option<bool>,
    pub deposit_amount: Option<Money>,
    pub deposit_paid: Option<bool>,
    pub source: Option<String>,
    pub channel: Option<String>,
}

impl ReservationInput {
    pub fn validate(self, offset: FixedOffset) -> Result<ValidReservation, AppError> {
        let mut v = Violations::new();
        validate::required_text(&mut v, "reservation_id", &self.reservation_id, 64);
        for (field, value, max) in [
            ("external_id", &self.external_id, 64),
            ("reservation_number", &self.reservation_number, 64),
            ("reservation_time", &self.reservation_time, 32),
            ("table_type", &self.table_type, 32),
            ("table_number", &self.table_number, 32),
            ("area", &self.area, 32),
            ("special_requirements", &self.special_requirements, 500),
            ("notes", &self.notes, 1000),
            ("source", &self.source, 32),
            ("channel", &self.channel, 32),
        ] {
            if let Some(text) = value {
                validate::max_len(&mut v, field, text, max);
            }
        }
        if let Some(name) = &self.customer_name {
            validate::required_text(&mut v, "customer_name", name, 100);
        }
        if let Some(phone) = &self.customer_phone {
            validate::cn_mobile(&mut v, "customer_phone", phone);
        }
        if let Some(count) = self.customer_count {
            validate::range(&mut v, "customer_count", count, 1, 500, "guests");
        }
        if let Some(deposit) = self.deposit_amount {
            validate::non_negative(&mut v, "deposit_amount", deposit);
        }
        let status = self.status.as_deref().and_then(|s| {
            validate::one_of(&mut v, "status", s, ReservationStatus::NAMES);
            ReservationStatus::parse(s)
        });
        let reservation_date = vendor_time::field(
            &mut v,
            "reservation_date",
            self.reservation_date.as_deref(),
            offset,
        );
        v.into_result()?;
        Ok(ValidReservation {
            reservation_id: self.reservation_id,
            external_id: self.external_id,
            reservation_number: self.reservation_number,
            customer_name: self.customer_name,
            customer_phone: self.customer_phone,
            customer_count: self.customer_count,
            reservation_date,
            reservation_time: self.reservation_time,
            table_type: self.table_type,
            table_number: self.table_number,
            area: self.area,
            status,
            special_requirements: self.special_requirements,
            notes: self.notes,
            deposit_required: self.deposit_required,
            deposit_amount: self.deposit_amount,
            deposit_paid: self.deposit_paid,
            source: self.source,
            channel: self.channel,
        })
    }
}

/// Seed 002 "更新预订状态": the front desk moves a reservation on.
#[derive(
    Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema, utoipa::IntoParams,
)]
#[into_params(parameter_in = Query)]
pub struct StatusChange {
    pub status: String,
    /// When the guests arrived (with `arrived`); defaults to now.
    #[serde(default)]
    pub arrival_time: Option<String>,
    /// Required with `seated`.
    #[serde(default)]
    pub table_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidStatusChange {
    pub status: ReservationStatus,
    pub arrival_time: Option<DateTime<Utc>>,
    pub table_number: Option<String>,
}

impl StatusChange {
    pub fn validate(self, offset: FixedOffset) -> Result<ValidStatusChange, AppError> {
        let mut v = Violations::new();
        validate::one_of(&mut v, "status", &self.status, ReservationStatus::NAMES);
        let status = ReservationStatus::parse(&self.status);
        let table_number = self.table_number.filter(|t| !t.trim().is_empty());
        if status == Some(ReservationStatus::Seated) && table_number.is_none() {
            v.push(
                "table_number",
                Rule::Required,
                "seating a reservation needs the table_number",
            );
        }
        if let Some(t) = &table_number {
            validate::max_len(&mut v, "table_number", t, 32);
        }
        let arrival_time =
            vendor_time::field(&mut v, "arrival_time", self.arrival_time.as_deref(), offset);
        v.into_result()?;
        let status = status.ok_or_else(|| AppError::internal("status checked above"))?;
        Ok(ValidStatusChange {
            status,
            arrival_time,
            table_number,
        })
    }
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
                to: "confirmed".into(),
                allowed: vec![]
            }
        );
    }

    #[test]
    fn platform_reports_reconcile_with_the_front_desk() {
        // The front desk seated them; the platform still says confirmed: keep seated.
        assert_eq!(Seated.reconcile(Confirmed), Ok(Seated));
        // The platform confirms a pending booking.
        assert_eq!(Pending.reconcile(Confirmed), Ok(Confirmed));
        // A no-show cannot have arrived: refused with the allowed states.
        assert!(NoShow.reconcile(Arrived).is_err());
        assert!(Seated.reconcile(Cancelled).is_err());
    }

    #[test]
    fn seating_needs_a_table() {
        let change = StatusChange {
            status: "seated".into(),
            arrival_time: None,
            table_number: Some("  ".into()),
        };
        let Err(AppError::Validation { errors }) =
            change.validate(crate::vendor_time::china_offset())
        else {
            panic!("must fail")
        };
        assert_eq!(errors[0].field, "table_number");
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
