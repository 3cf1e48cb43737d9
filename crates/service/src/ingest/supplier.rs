//! Supplier orders: created by the store (sent on to the supplier through the outbox) or
//! by the supplier's webhook; status only moves forward.

use storelink_core::error::AppError;
use storelink_core::ids::{new_id, now};
use storelink_core::ingest::{DomainEvent, IngestReply};
use storelink_core::supplier::{
    SupplierOrder, SupplierOrderInput, SupplierOrderStatus, SupplierStatusChange,
    ValidSupplierOrder,
};
use storelink_core::sync::SyncAction;
use storelink_core::system::{ExternalSystem, SystemType};
use storelink_core::{Actor, Operation};
use storelink_store::{outbox, supplier_orders as repo, SqliteConnection};

use super::{
    audit_push, content_hash, keep_api_push, log_item, offset_of, parse_body, Applied, RawPush,
};
use crate::Services;

pub(crate) const API_EVENT: &str = "supplier.order";

/// Who created an order: the store (sent on to the supplier) or the supplier itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Store,
    Supplier,
}

impl Services {
    /// Seed 000 "创建供应商订单": `POST supplier/{system_id}/orders`.
    pub async fn create_supplier_order(
        &self,
        actor: &Actor,
        system_id: &str,
        push: RawPush,
    ) -> Result<IngestReply, AppError> {
        let system = self
            .push_target(
                actor,
                Operation::SupplierOrdersCreate,
                "supplier_order",
                system_id,
                SystemType::Supplier,
            )
            .await?;
        let input: SupplierOrderInput = parse_body(push.text()?)?;
        let valid = input.validate(offset_of(&system))?;
        let actor = actor.clone();
        let applied = self
            .batch
            .submit(move |conn| {
                Box::pin(async move {
                    let number = valid.order_number.clone();
                    let applied = apply_order(conn, &system, valid, Origin::Store).await?;
                    if !applied.duplicate {
                        let event_id = format!("{API_EVENT}:{number}");
                        keep_api_push(conn, system.id, &event_id, API_EVENT, &push).await?;
                        audit_push(
                            conn,
                            &actor,
                            Operation::SupplierOrdersCreate,
                            "supplier_order",
                            applied.record_id,
                            serde_json::json!({ "order_number": number }),
                        )
                        .await?;
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
}

/// Stores a new order and logs it; the same order again is a duplicate.
pub(crate) async fn apply_order(
    conn: &mut SqliteConnection,
    system: &ExternalSystem,
    valid: ValidSupplierOrder,
    origin: Origin,
) -> Result<Applied, AppError> {
    let number = valid.order_number.clone();
    let applied = apply_order_unlogged(conn, system, valid, origin).await?;
    if !applied.duplicate {
        log_item(
            conn,
            system.id,
            "supplier_order",
            &number,
            SyncAction::Create,
        )
        .await?;
    }
    Ok(applied)
}

/// [`apply_order`] without its sync log line (a pulled order is logged by its sync).
pub(crate) async fn apply_order_unlogged(
    conn: &mut SqliteConnection,
    system: &ExternalSystem,
    valid: ValidSupplierOrder,
    origin: Origin,
) -> Result<Applied, AppError> {
    let hash = content_hash(&valid)?;
    if let Some((stored, stored_hash)) = repo::find(conn, system.id, &valid.order_number).await? {
        if stored_hash == hash {
            return Ok(Applied {
                record_id: stored.id,
                created: false,
                duplicate: true,
                status: Some(stored.status.as_str().into()),
                event: None,
            });
        }
        return Err(AppError::Conflict {
            message: format!(
                "order {} exists already with different content; change its status with order.status_changed",
                valid.order_number
            ),
            field: Some("order_number".into()),
        });
    }
    let at = now();
    let order = SupplierOrder {
        id: new_id(),
        system_id: system.id,
        store_id: system.store_id.clone(),
        order_number: valid.order_number.clone(),
        supplier_id: valid.supplier_id.clone(),
        supplier_name: valid.supplier_name.clone(),
        order_type: valid.order_type,
        status: valid.status,
        subtotal: valid.subtotal,
        tax: valid.tax,
        shipping: valid.shipping,
        total: valid.total,
        items: valid.items.clone(),
        delivery_info: serde_json::to_value(&valid.delivery)
            .ok()
            .filter(serde_json::Value::is_object)
            .unwrap_or_else(|| serde_json::json!({})),
        order_date: valid.order_date.or(Some(at)),
        expected_delivery: valid.expected_delivery,
        actual_delivery: None,
        created_at: at,
        updated_at: at,
    };
    let source = match origin {
        Origin::Store => "local",
        Origin::Supplier => "webhook",
    };
    repo::insert(conn, &order, &hash, source).await?;
    if origin == Origin::Store {
        let payload = serde_json::to_value(&order).map_err(AppError::internal)?;
        outbox::append(
            conn,
            system.id,
            &format!("supplier_order:{}", order.order_number),
            "supplier_order.create",
            &payload,
        )
        .await?;
    }
    Ok(Applied {
        record_id: order.id,
        created: true,
        duplicate: false,
        status: Some(order.status.as_str().into()),
        event: Some(DomainEvent::SupplierOrderChanged {
            system_id: system.id,
            id: order.id,
            order_number: order.order_number,
            status: order.status.as_str().into(),
        }),
    })
}

/// Seed 000 `order.status_changed`: moves the order forward; the same status again is a
/// duplicate; a step back or out of a final state is refused with the allowed states.
pub(crate) async fn apply_status(
    conn: &mut SqliteConnection,
    system: &ExternalSystem,
    change: SupplierStatusChange,
) -> Result<Applied, AppError> {
    let number = change.order_number.clone();
    let applied = apply_status_unlogged(conn, system, change).await?;
    if !applied.duplicate {
        log_item(
            conn,
            system.id,
            "supplier_order",
            &number,
            SyncAction::Update,
        )
        .await?;
    }
    Ok(applied)
}

/// [`apply_status`] without its sync log line (a pulled status is logged by its sync).
pub(crate) async fn apply_status_unlogged(
    conn: &mut SqliteConnection,
    system: &ExternalSystem,
    change: SupplierStatusChange,
) -> Result<Applied, AppError> {
    let mut v = storelink_core::error::Violations::new();
    storelink_core::validate::required_text(&mut v, "order_number", &change.order_number, 64);
    storelink_core::validate::one_of(&mut v, "status", &change.status, SupplierOrderStatus::NAMES);
    let delivered_at = storelink_core::vendor_time::field(
        &mut v,
        "actual_delivery",
        change.actual_delivery.as_deref(),
        offset_of(system),
    );
    v.into_result()?;
    let next = SupplierOrderStatus::parse(&change.status)
        .ok_or_else(|| AppError::internal("status checked above"))?;
    let (mut order, _) = repo::find(conn, system.id, &change.order_number)
        .await?
        .ok_or_else(|| AppError::not_found("supplier order", &change.order_number))?;
    if order.status == next {
        return Ok(Applied {
            record_id: order.id,
            created: false,
            duplicate: true,
            status: Some(order.status.as_str().into()),
            event: None,
        });
    }
    order.status = order.status.transition(next)?;
    order.updated_at = now();
    if next == SupplierOrderStatus::Delivered {
        order.actual_delivery = Some(delivered_at.unwrap_or(order.updated_at));
    }
    repo::set_status(conn, &order).await?;
    Ok(Applied {
        record_id: order.id,
        created: false,
        duplicate: false,
        status: Some(order.status.as_str().into()),
        event: Some(DomainEvent::SupplierOrderChanged {
            system_id: system.id,
            id: order.id,
            order_number: order.order_number,
            status: order.status.as_str().into(),
        }),
    })
}
