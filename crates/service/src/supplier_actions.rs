//! Store-side actions on a supplier order the supplier must hear of: cancel, and
//! reschedule (改约) the delivery and installation days. Each checks the role (seed 000:
//! whoever may create supplier orders), validates, changes the order here and queues the
//! change for the supplier in the outbox in the same transaction, audited with it.
//!
//! Outbox operations (the supplier's connector sends them):
//! - `supplier_order.cancel` `{order_number, reason}`;
//! - `supplier_order.reschedule` `{order_number, retail_order_no, distribution_time,
//!   install_time}` with RFC 3339 times; `retail_order_no` is the supplier's own order
//!   number when it reported one (`delivery_info.supplier_order_no`).
//!
//! A reschedule keeps the new times in the order's `delivery_info` (`distribution_time`,
//! `install_time`); the supplier confirms the days, so `expected_delivery` is left as it is.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use storelink_core::audit::AuditOutcome;
use storelink_core::error::{AppError, Rule, Violations};
use storelink_core::ids::now;
use storelink_core::ingest::DomainEvent;
use storelink_core::supplier::{SupplierOrder, SupplierOrderStatus};
use storelink_core::sync::SyncAction;
use storelink_core::system::SystemType;
use storelink_core::{validate, vendor_time, Actor, Operation};
use storelink_store::{db_error, outbox, supplier_orders as repo, SqliteConnection};

use crate::audit::{record, Change};
use crate::ingest::log_item;
use crate::Services;

const ENTITY: &str = "supplier_order";

/// A time that must be given in the future, read at the system's offset.
fn future_time(
    v: &mut Violations,
    field: &str,
    text: Option<&str>,
    offset: chrono::FixedOffset,
    at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let t = vendor_time::field(v, field, text.filter(|t| !t.trim().is_empty()), offset)?;
    if t <= at {
        v.push(
            field,
            Rule::Format {
                expected: "a date-time in the future".into(),
            },
            format!("{field} must be in the future"),
        );
        return None;
    }
    Some(t)
}

/// The order to act on, which must still be on its way (not delivered or cancelled).
async fn open_order(
    conn: &mut SqliteConnection,
    system_id: uuid::Uuid,
    order_number: &str,
    action: &str,
) -> Result<SupplierOrder, AppError> {
    let (order, _) = repo::find(conn, system_id, order_number)
        .await?
        .ok_or_else(|| AppError::not_found("supplier order", order_number))?;
    if order.status.next_allowed().is_empty() {
        return Err(AppError::Conflict {
            message: format!(
                "order {order_number} is {}; a {} order cannot be {action}",
                order.status, order.status
            ),
            field: Some("status".into()),
        });
    }
    Ok(order)
}

impl Services {
    /// Cancels a supplier order here and asks the supplier to cancel it.
    pub async fn cancel_supplier_order(
        &self,
        actor: &Actor,
        system_id: &str,
        order_number: &str,
        reason: &str,
    ) -> Result<SupplierOrder, AppError> {
        let op = Operation::SupplierOrdersCancel;
        self.authorize(actor, op, ENTITY, Some(order_number.to_owned()))
            .await?;
        let mut v = Violations::new();
        validate::required_text(&mut v, "order_number", order_number, 64);
        validate::required_text(&mut v, "reason", reason, 200);
        v.into_result()?;
        let system = self.system_for(system_id, SystemType::Supplier).await?;
        actor.require_system(system.id)?;
        let (number, reason) = (order_number.trim(), reason.trim());
        let mut tx = self.db.write().await?;
        let mut order = open_order(&mut tx, system.id, number, "cancelled").await?;
        let before = order.status;
        order.status = order.status.transition(SupplierOrderStatus::Cancelled)?;
        order.updated_at = now();
        repo::set_status(&mut tx, &order).await?;
        let payload = json!({"order_number": order.order_number, "reason": reason});
        self.queue_and_audit(
            &mut tx,
            actor,
            op,
            &order,
            "supplier_order.cancel",
            &payload,
            json!({"status": before}),
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        self.emit(changed(&order));
        Ok(order)
    }

    /// Moves the delivery and/or installation day of a supplier order (改约) and tells
    /// the supplier. Times are RFC 3339 or local (the system's offset), in the future.
    pub async fn reschedule_supplier_order(
        &self,
        actor: &Actor,
        system_id: &str,
        order_number: &str,
        distribution_time: Option<&str>,
        install_time: Option<&str>,
    ) -> Result<SupplierOrder, AppError> {
        let op = Operation::SupplierOrdersReschedule;
        self.authorize(actor, op, ENTITY, Some(order_number.to_owned()))
            .await?;
        let system = self.system_for(system_id, SystemType::Supplier).await?;
        actor.require_system(system.id)?;
        let offset = crate::ingest::offset_of(&system);
        let at = now();
        let mut v = Violations::new();
        validate::required_text(&mut v, "order_number", order_number, 64);
        let distribution = future_time(&mut v, "distribution_time", distribution_time, offset, at);
        let install = future_time(&mut v, "install_time", install_time, offset, at);
        let given = |t: Option<&str>| t.is_some_and(|t| !t.trim().is_empty());
        if !given(distribution_time) && !given(install_time) {
            v.push(
                "distribution_time",
                Rule::Required,
                "give distribution_time, install_time or both",
            );
        }
        v.into_result()?;
        let mut tx = self.db.write().await?;
        let mut order = open_order(&mut tx, system.id, order_number.trim(), "rescheduled").await?;
        let before = order.delivery_info.clone();
        let mut info = order.delivery_info.as_object().cloned().unwrap_or_default();
        for (key, t) in [
            ("distribution_time", distribution),
            ("install_time", install),
        ] {
            if let Some(t) = t {
                info.insert(key.into(), json!(t));
            }
        }
        order.delivery_info = Value::Object(info);
        order.updated_at = at;
        repo::set_delivery_info(&mut tx, &order).await?;
        let payload = json!({
            "order_number": order.order_number,
            "retail_order_no": order.delivery_info.get("supplier_order_no"),
            "distribution_time": distribution,
            "install_time": install,
        });
        let before = json!({
            "distribution_time": before.get("distribution_time"),
            "install_time": before.get("install_time"),
        });
        self.queue_and_audit(
            &mut tx,
            actor,
            op,
            &order,
            "supplier_order.reschedule",
            &payload,
            before,
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        self.emit(changed(&order));
        Ok(order)
    }

    /// The outbox entry, the sync log line and the audit entry of an action, in the
    /// action's transaction.
    #[allow(clippy::too_many_arguments)]
    async fn queue_and_audit(
        &self,
        tx: &mut SqliteConnection,
        actor: &Actor,
        op: Operation,
        order: &SupplierOrder,
        operation: &str,
        payload: &Value,
        before: Value,
    ) -> Result<(), AppError> {
        outbox::append(
            tx,
            order.system_id,
            &format!("supplier_order:{}", order.order_number),
            operation,
            payload,
        )
        .await?;
        log_item(
            tx,
            order.system_id,
            ENTITY,
            &order.order_number,
            SyncAction::Update,
        )
        .await?;
        record(
            tx,
            actor,
            Change {
                op,
                entity: ENTITY,
                entity_id: Some(order.id.to_string()),
                outcome: AuditOutcome::Success,
                before: Some(before),
                after: Some(payload.clone()),
                detail: None,
            },
        )
        .await
    }
}

fn changed(order: &SupplierOrder) -> DomainEvent {
    DomainEvent::SupplierOrderChanged {
        system_id: order.system_id,
        id: order.id,
        order_number: order.order_number.clone(),
        status: order.status.as_str().into(),
    }
}
