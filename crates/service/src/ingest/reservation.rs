//! Reservations (seed 002): the platform's webhooks and manual syncs upsert by
//! reservation_id; the front desk moves them through the status machine, and each of its
//! changes is queued in the outbox for the platform.

use storelink_core::audit::AuditOutcome;
use storelink_core::error::{AppError, Rule, Violations};
use storelink_core::ids::{new_id, now};
use storelink_core::ingest::{DomainEvent, IngestReply};
use storelink_core::pos::RecordSyncStatus;
use storelink_core::reservation::{
    Reservation, ReservationEvent, ReservationInput, ReservationStatus, StatusChange,
    ValidReservation,
};
use storelink_core::sync::SyncAction;
use storelink_core::system::{ExternalSystem, SystemType};
use storelink_core::{Actor, Money, Operation};
use storelink_store::{db_error, outbox, reservations as repo, systems, SqliteConnection};
use uuid::Uuid;

use super::{content_hash, keep_api_push, log_item, offset_of, parse_body, Applied, RawPush};
use crate::audit::{record, Change};
use crate::Services;

pub(crate) const API_EVENT: &str = "reservation.sync";

impl Services {
    /// Seed 002 "同步预订数据": `POST reservation/{system_id}/sync`.
    pub async fn sync_reservation(
        &self,
        actor: &Actor,
        system_id: &str,
        push: RawPush,
    ) -> Result<IngestReply, AppError> {
        let system = self
            .push_target(
                actor,
                Operation::ReservationsSync,
                "reservation",
                system_id,
                SystemType::Reservation,
            )
            .await?;
        let text = push.text()?;
        let raw: serde_json::Value = parse_body(text)?;
        let input: ReservationInput = super::parse_value(raw.clone())?;
        let valid = input.validate(offset_of(&system))?;
        let applied = self
            .batch
            .submit(move |conn| {
                Box::pin(async move {
                    let event_id = format!("{API_EVENT}:{}:{}", valid.reservation_id, stamp());
                    let applied = apply(conn, &system, valid, None, raw).await?;
                    if !applied.duplicate {
                        keep_api_push(conn, system.id, &event_id, API_EVENT, &push).await?;
                    }
                    Ok(applied)
                })
            })
            .await?;
        if let Some(event) = applied.event.clone() {
            self.emit(event);
        }
        Ok(applied.reply())
    }

    /// Seed 002 "更新预订状态": the front desk marks a reservation arrived, seated (with a
    /// table), completed, no-show or cancelled. `reservation_id` is the platform's id (or
    /// the local id); `system_id` is needed only when two systems share that id.
    pub async fn update_reservation_status(
        &self,
        actor: &Actor,
        reservation_id: &str,
        system_id: Option<&str>,
        change: StatusChange,
    ) -> Result<Reservation, AppError> {
        self.authorize(
            actor,
            Operation::ReservationsUpdateStatus,
            "reservation",
            Some(reservation_id.to_owned()),
        )
        .await?;
        let system_filter = match system_id {
            Some(s) => {
                Some(Uuid::parse_str(s.trim()).map_err(|_| AppError::not_found("system", s))?)
            }
            None => None,
        };
        let system_filter = actor.scope(system_filter)?;
        let mut tx = self.db.write().await?;
        let mut found = repo::find_any(&mut tx, reservation_id, system_filter).await?;
        let mut current = match found.len() {
            0 => return Err(AppError::not_found("reservation", reservation_id)),
            1 => found.remove(0),
            _ => {
                return Err(AppError::Conflict {
                    message: format!(
                        "reservation {reservation_id} exists in several systems; add system_id to say which"
                    ),
                    field: Some("system_id".into()),
                })
            }
        };
        let system = systems::require(&mut tx, current.system_id).await?;
        let valid = change.validate(offset_of(&system))?;
        let before = current.clone();
        current.status = current.status.transition(valid.status)?;
        let at = now();
        if valid.status == ReservationStatus::Arrived {
            current.arrival_time = Some(valid.arrival_time.unwrap_or(at));
        }
        if let Some(table) = valid.table_number {
            current.table_number = Some(table);
        }
        current.sync_status = RecordSyncStatus::Pending;
        current.updated_at = at;
        repo::upsert(&mut tx, &current, None).await?;
        outbox::append(
            &mut tx,
            current.system_id,
            &format!("reservation:{}", current.reservation_id),
            "reservation.status",
            &serde_json::json!({
                "reservation_id": current.reservation_id,
                "external_id": current.external_reservation_id,
                "status": current.status,
                "arrival_time": current.arrival_time,
                "table_number": current.table_number,
            }),
        )
        .await?;
        log_item(
            &mut tx,
            current.system_id,
            "reservation",
            &current.reservation_id,
            SyncAction::Update,
        )
        .await?;
        record(
            &mut tx,
            actor,
            Change {
                op: Operation::ReservationsUpdateStatus,
                entity: "reservation",
                entity_id: Some(current.id.to_string()),
                outcome: AuditOutcome::Success,
                before: Some(serde_json::json!({ "status": before.status })),
                after: Some(serde_json::json!({
                    "status": current.status,
                    "table_number": current.table_number,
                })),
                detail: None,
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        self.emit(if current.status == ReservationStatus::Cancelled {
            DomainEvent::ReservationCancelled {
                system_id: current.system_id,
                id: current.id,
                reservation_id: current.reservation_id.clone(),
                customer_name: current.customer_name.clone(),
            }
        } else {
            DomainEvent::ReservationChanged {
                system_id: current.system_id,
                id: current.id,
                reservation_id: current.reservation_id.clone(),
                status: current.status.as_str().into(),
            }
        });
        Ok(current)
    }
}

/// Manual syncs of one reservation repeat; the inbox key adds the time of receipt.
fn stamp() -> String {
    storelink_store::fmt_time(now())
}

/// Upserts what the platform reported. `event` is the webhook's event (None for a manual
/// sync). A new reservation needs a name, a guest count and a date.
pub(crate) async fn apply(
    conn: &mut SqliteConnection,
    system: &ExternalSystem,
    valid: ValidReservation,
    event: Option<ReservationEvent>,
    raw: serde_json::Value,
) -> Result<Applied, AppError> {
    let reservation_id = valid.reservation_id.clone();
    let applied = apply_unlogged(conn, system, valid, event, raw).await?;
    if !applied.duplicate {
        let action = if applied.created {
            SyncAction::Create
        } else {
            SyncAction::Update
        };
        log_item(conn, system.id, "reservation", &reservation_id, action).await?;
    }
    Ok(applied)
}

/// [`apply`] without its sync log line (a pulled reservation is logged by its sync).
pub(crate) async fn apply_unlogged(
    conn: &mut SqliteConnection,
    system: &ExternalSystem,
    valid: ValidReservation,
    event: Option<ReservationEvent>,
    raw: serde_json::Value,
) -> Result<Applied, AppError> {
    let hash = content_hash(&(&valid, event.map(|e| e.as_str())))?;
    let existing = repo::find(conn, system.id, &valid.reservation_id).await?;
    let at = now();
    let incoming = match event {
        Some(ReservationEvent::Cancelled) => Some(ReservationStatus::Cancelled),
        _ => valid.status,
    };
    let (reservation, created, was) = match existing {
        Some((stored, stored_hash)) => {
            if stored_hash == hash {
                return Ok(Applied {
                    record_id: stored.id,
                    created: false,
                    duplicate: true,
                    status: Some(stored.status.as_str().into()),
                    event: None,
                });
            }
            let status = match incoming {
                Some(ReservationStatus::Cancelled)
                    if stored.status != ReservationStatus::Cancelled =>
                {
                    stored.status.transition(ReservationStatus::Cancelled)?
                }
                Some(s) => stored.status.reconcile(s)?,
                None => stored.status,
            };
            let was = stored.status;
            (merge(stored, valid, status, raw, at), false, Some(was))
        }
        None => (
            new_reservation(system, valid, incoming, raw, at)?,
            true,
            None,
        ),
    };
    repo::upsert(conn, &reservation, Some(&hash)).await?;
    let cancelled_now = reservation.status == ReservationStatus::Cancelled
        && was != Some(ReservationStatus::Cancelled);
    let event = if cancelled_now && !created {
        DomainEvent::ReservationCancelled {
            system_id: system.id,
            id: reservation.id,
            reservation_id: reservation.reservation_id.clone(),
            customer_name: reservation.customer_name.clone(),
        }
    } else if created {
        DomainEvent::ReservationCreated {
            system_id: system.id,
            id: reservation.id,
            reservation_id: reservation.reservation_id.clone(),
            customer_name: reservation.customer_name.clone(),
            reservation_date: reservation.reservation_date,
        }
    } else {
        DomainEvent::ReservationChanged {
            system_id: system.id,
            id: reservation.id,
            reservation_id: reservation.reservation_id.clone(),
            status: reservation.status.as_str().into(),
        }
    };
    Ok(Applied {
        record_id: reservation.id,
        created,
        duplicate: false,
        status: Some(reservation.status.as_str().into()),
        event: Some(event),
    })
}

fn new_reservation(
    system: &ExternalSystem,
    valid: ValidReservation,
    status: Option<ReservationStatus>,
    raw: serde_json::Value,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Reservation, AppError> {
    let mut v = Violations::new();
    let required = "a new reservation needs this field";
    if valid.customer_name.is_none() {
        v.push("customer_name", Rule::Required, required);
    }
    if valid.customer_count.is_none() {
        v.push("customer_count", Rule::Required, required);
    }
    if valid.reservation_date.is_none() {
        v.push("reservation_date", Rule::Required, required);
    }
    v.into_result()?;
    let (Some(customer_name), Some(customer_count), Some(reservation_date)) = (
        valid.customer_name,
        valid.customer_count,
        valid.reservation_date,
    ) else {
        return Err(AppError::internal("required fields checked above"));
    };
    Ok(Reservation {
        id: new_id(),
        system_id: system.id,
        store_id: system.store_id.clone(),
        reservation_id: valid.reservation_id,
        external_reservation_id: valid.external_id,
        reservation_number: valid.reservation_number,
        customer_name,
        customer_phone: valid.customer_phone,
        customer_count,
        reservation_date,
        reservation_time: valid.reservation_time,
        arrival_time: None,
        table_type: valid.table_type,
        table_number: valid.table_number,
        area: valid.area,
        status: status.unwrap_or(ReservationStatus::Pending),
        special_requirements: valid.special_requirements,
        notes: valid.notes,
        deposit_required: valid.deposit_required.unwrap_or(false),
        deposit_amount: valid.deposit_amount.unwrap_or(Money::ZERO),
        deposit_paid: valid.deposit_paid.unwrap_or(false),
        source: valid.source,
        channel: valid.channel,
        raw_payload: raw,
        sync_status: RecordSyncStatus::Success,
        synced_at: Some(at),
        created_at: at,
        updated_at: at,
    })
}

/// Fields the platform sent replace the stored ones; fields it left out are kept.
fn merge(
    mut r: Reservation,
    valid: ValidReservation,
    status: ReservationStatus,
    raw: serde_json::Value,
    at: chrono::DateTime<chrono::Utc>,
) -> Reservation {
    fn keep<T>(slot: &mut T, new: Option<T>) {
        if let Some(v) = new {
            *slot = v;
        }
    }
    fn keep_opt<T>(slot: &mut Option<T>, new: Option<T>) {
        if new.is_some() {
            *slot = new;
        }
    }
    keep_opt(&mut r.external_reservation_id, valid.external_id);
    keep_opt(&mut r.reservation_number, valid.reservation_number);
    keep(&mut r.customer_name, valid.customer_name);
    keep_opt(&mut r.customer_phone, valid.customer_phone);
    keep(&mut r.customer_count, valid.customer_count);
    keep(&mut r.reservation_date, valid.reservation_date);
    keep_opt(&mut r.reservation_time, valid.reservation_time);
    keep_opt(&mut r.table_type, valid.table_type);
    keep_opt(&mut r.table_number, valid.table_number);
    keep_opt(&mut r.area, valid.area);
    keep_opt(&mut r.special_requirements, valid.special_requirements);
    keep_opt(&mut r.notes, valid.notes);
    keep(&mut r.deposit_required, valid.deposit_required);
    keep(&mut r.deposit_amount, valid.deposit_amount);
    keep(&mut r.deposit_paid, valid.deposit_paid);
    keep_opt(&mut r.source, valid.source);
    keep_opt(&mut r.channel, valid.channel);
    r.status = status;
    r.raw_payload = raw;
    r.synced_at = Some(at);
    r.updated_at = at;
    r
}

/// Parses a reservation payload (webhook data or sync body) for `apply`.
pub(crate) fn parse_input(
    system: &ExternalSystem,
    data: serde_json::Value,
) -> Result<ValidReservation, AppError> {
    let input: ReservationInput = super::parse_value(data)?;
    input.validate(offset_of(system))
}
