//! Local changes in the vendor's shape. The outbox holds them in Storelink's model (a
//! `MemberInput` for `member.upsert`, a serialized `SupplierOrder` for
//! `supplier_order.create`); the stream's field mapping, read backwards, gives the
//! vendor's names, so a system that renames a field for pulls sends it renamed too.

use serde_json::{json, Value};
use storelink_core::ErrorClass;

use crate::connector::CallError;
use crate::mapping::CompiledMapping;

fn required_text<'v>(payload: &'v Value, field: &str, op: &str) -> Result<&'v str, CallError> {
    payload
        .get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            CallError::new(
                ErrorClass::ValidationError,
                format!("a {op} needs `{field}`"),
            )
        })
}

/// `member.upsert`: the member's id (for the path) and the body (points, level, balance
/// and the rest, in the vendor's names).
pub(crate) fn member_upsert(
    mapping: &CompiledMapping,
    payload: &Value,
) -> Result<(String, Value), CallError> {
    let member_id = required_text(payload, "member_id", "member.upsert")?.to_owned();
    // The platform sets its own change time.
    Ok((member_id, mapping.reverse(payload, &["updated_at"])))
}

/// `supplier_order.create`: the order as seed 000's create body names it, in the vendor's
/// names. A stored `SupplierOrder` says `order_type` / `delivery_info` where the body says
/// `type` / `delivery`; either form is accepted.
pub(crate) fn order_create(
    mapping: &CompiledMapping,
    payload: &Value,
) -> Result<(String, Value), CallError> {
    let number = required_text(payload, "order_number", "supplier_order.create")?.to_owned();
    let pick = |a: &str, b: &str| {
        payload
            .get(a)
            .filter(|v| !v.is_null())
            .or_else(|| payload.get(b))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let ours = json!({
        "order_number": number,
        "supplier_id": payload.get("supplier_id"),
        "supplier_name": payload.get("supplier_name"),
        "type": pick("type", "order_type"),
        "status": payload.get("status"),
        "subtotal": payload.get("subtotal"),
        "tax": payload.get("tax"),
        "shipping": payload.get("shipping"),
        "total": payload.get("total"),
        "items": payload.get("items"),
        "delivery": pick("delivery", "delivery_info"),
        "order_date": payload.get("order_date"),
        "expected_delivery": payload.get("expected_delivery"),
    });
    Ok((
        number,
        mapping.reverse(&ours, &["updated_at", "actual_delivery"]),
    ))
}
