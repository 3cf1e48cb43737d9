//! Pulled supplier orders (seed 000 order tracking): an order Storelink does not know yet
//! is created as the supplier's (`SupplierOrderInput`, as its `order.created` webhook);
//! for a known one only its status is followed (`order.status_changed`), so the status
//! machine decides: forward moves apply, the same status is unchanged, a step back is
//! refused for that record alone.

use serde_json::{json, Value};
use storelink_connectors::connector::RemoteRecord;
use storelink_core::error::AppError;
use storelink_core::supplier::{SupplierOrderInput, SupplierStatusChange};
use storelink_core::system::ExternalSystem;
use storelink_store::{supplier_orders, SqliteConnection};

use super::Done;
use crate::ingest::supplier::{self, Origin};
use crate::ingest::{offset_of, parse_value};

pub(super) async fn store(
    tx: &mut SqliteConnection,
    system: &ExternalSystem,
    record: &RemoteRecord,
) -> Result<Done, AppError> {
    let data = &record.data;
    if let Some(number) = data.get("order_number").and_then(Value::as_str) {
        if supplier_orders::find(tx, system.id, number)
            .await?
            .is_some()
        {
            let change: SupplierStatusChange = parse_value(json!({
                "order_number": number,
                "status": data.get("status"),
                "actual_delivery": data.get("actual_delivery"),
            }))?;
            let applied = supplier::apply_status_unlogged(tx, system, change).await?;
            return Ok(Done::applied(applied));
        }
    }
    let input: SupplierOrderInput = parse_value(data.clone())?;
    let valid = input.validate(offset_of(system))?;
    let applied = supplier::apply_order_unlogged(tx, system, valid, Origin::Supplier).await?;
    Ok(Done::applied(applied))
}
