//! The front-desk board (seed 002, for floor staff): one store day's reservations by time,
//! each with the states the core allows next, and moving one on. A move goes through
//! `update_reservation_status`, so it is role-checked, audited and queued for the platform
//! like any other.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::error::{AppError, Rule};
use storelink_core::ids::now;
use storelink_core::reservation::{Reservation, ReservationStatus, StatusChange};
use storelink_core::{Actor, Operation};
use storelink_store::reservations;

use super::assemble::{day_start, store_offset};
use crate::Services;

/// The most reservations one day's board shows.
pub const BOARD_LIMIT: usize = 1000;

/// One store day of reservations, by time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct FrontDeskBoard {
    /// The store's date, `YYYY-MM-DD`.
    pub date: String,
    /// The store's offset east of UTC, which the times are read in.
    pub utc_offset_minutes: i32,
    pub reservations: Vec<BoardReservation>,
    /// The day has more than [`BOARD_LIMIT`] reservations and only the first are shown.
    pub truncated: bool,
}

/// A reservation on the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct BoardReservation {
    pub reservation: Reservation,
    /// When the guests are expected, `HH:MM` store time: the start of the booked slot
    /// (`18:00-20:00`), else the time of `reservation_date`.
    pub time: String,
    /// The states the front desk may move it to (the core's status machine).
    pub next_allowed: Vec<ReservationStatus>,
}

impl BoardReservation {
    pub fn of(reservation: Reservation, offset: FixedOffset) -> Self {
        let time = reservation
            .reservation_time
            .as_deref()
            .and_then(slot_start)
            .unwrap_or_else(|| {
                reservation
                    .reservation_date
                    .with_timezone(&offset)
                    .format("%H:%M")
                    .to_string()
            });
        BoardReservation {
            next_allowed: reservation.status.next_allowed().to_vec(),
            time,
            reservation,
        }
    }
}

/// The start of a slot as platforms write it (`18:00-20:00`, `9:30~11:00`, `18:00`).
fn slot_start(slot: &str) -> Option<String> {
    let first = slot
        .split(['-', '~', '–', '至', ' '])
        .find(|part| !part.trim().is_empty())?;
    NaiveTime::parse_from_str(first.trim(), "%H:%M")
        .ok()
        .map(|t| t.format("%H:%M").to_string())
}

fn parse_date(text: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::field(
            "date",
            Rule::Format {
                expected: "a date, e.g. 2026-02-15".into(),
            },
            format!("date is not a date: `{text}`"),
        )
    })
}

impl Services {
    /// The reservations of the store's `date` (`YYYY-MM-DD`; default today), by time.
    /// Read with the reservation list's permission; a system-bound token sees its own.
    pub async fn front_desk_board(
        &self,
        actor: &Actor,
        date: Option<&str>,
    ) -> Result<FrontDeskBoard, AppError> {
        self.authorize(actor, Operation::ReservationsView, "reservation", None)
            .await?;
        let asked = date.filter(|d| !d.trim().is_empty()).map(parse_date);
        let scope = actor.scope(None)?;
        let mut conn = self.db.read().await?;
        let offset = store_offset(&mut conn).await?;
        let date = match asked {
            Some(date) => date?,
            None => now().with_timezone(&offset).date_naive(),
        };
        let from: DateTime<Utc> = day_start(date, offset)?;
        let limit = i64::try_from(BOARD_LIMIT).unwrap_or(i64::MAX);
        let mut rows =
            reservations::day_board(&mut conn, from, from + Duration::days(1), scope, limit + 1)
                .await?;
        let truncated = rows.len() > BOARD_LIMIT;
        rows.truncate(BOARD_LIMIT);
        let mut board: Vec<BoardReservation> = rows
            .into_iter()
            .map(|r| BoardReservation::of(r, offset))
            .collect();
        board.sort_by(|a, b| {
            (&a.time, a.reservation.reservation_date, a.reservation.id).cmp(&(
                &b.time,
                b.reservation.reservation_date,
                b.reservation.id,
            ))
        });
        Ok(FrontDeskBoard {
            date: date.format("%Y-%m-%d").to_string(),
            utc_offset_minutes: offset.local_minus_utc() / 60,
            reservations: board,
            truncated,
        })
    }

    /// Moves the reservation with local id `id` on (seed 002 "更新预订状态") and answers
    /// with it as the board shows it.
    pub async fn move_reservation(
        &self,
        actor: &Actor,
        id: &str,
        change: StatusChange,
    ) -> Result<BoardReservation, AppError> {
        let moved = self
            .update_reservation_status(actor, id, None, change)
            .await?;
        let mut conn = self.db.read().await?;
        let offset = store_offset(&mut conn).await?;
        Ok(BoardReservation::of(moved, offset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_start_where_platforms_write_them() {
        assert_eq!(slot_start("18:00-20:00").as_deref(), Some("18:00"));
        assert_eq!(slot_start("9:30~11:00").as_deref(), Some("09:30"));
        assert_eq!(slot_start(" 12:00 ").as_deref(), Some("12:00"));
        assert_eq!(slot_start("晚市"), None);
        assert_eq!(slot_start(""), None);
    }

    #[test]
    fn dates_are_checked() {
        assert!(parse_date("2026-02-15").is_ok());
        let Err(AppError::Validation { errors }) = parse_date("15/02/2026") else {
            panic!("must fail")
        };
        assert_eq!(errors[0].field, "date");
    }

    #[test]
    fn moves_offered_are_the_core_s() {
        let sample = serde_json::json!({
            "id": uuid::Uuid::nil(), "system_id": uuid::Uuid::nil(), "store_id": null,
            "reservation_id": "R1", "external_reservation_id": null, "reservation_number": null,
            "customer_name": "张三", "customer_phone": null, "customer_count": 4,
            "reservation_date": "2026-02-15T11:00:00Z", "reservation_time": null,
            "arrival_time": null, "table_type": null, "table_number": null, "area": null,
            "status": "arrived", "special_requirements": null, "notes": null,
            "deposit_required": false, "deposit_amount": 0, "deposit_paid": false,
            "source": null, "channel": null, "raw_payload": {}, "sync_status": "success",
            "synced_at": null, "created_at": "2026-02-15T00:00:00Z",
            "updated_at": "2026-02-15T00:00:00Z"
        });
        let reservation: Reservation = serde_json::from_value(sample).expect("reservation");
        let row = BoardReservation::of(reservation, storelink_core::vendor_time::china_offset());
        assert_eq!(row.time, "19:00", "11:00 UTC is 19:00 in the store");
        assert_eq!(
            row.next_allowed,
            [ReservationStatus::Seated, ReservationStatus::Cancelled]
        );
    }
}
