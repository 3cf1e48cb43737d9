//! The webhook events the scans deliver, one valid envelope per channel (shared with
//! src-tauri/tests/secrets_ipc.rs, which signs and posts them itself).

use serde_json::{json, Value};

/// Event `n` of a channel: its ids carry `n`, so every delivery is a new event.
pub fn event(system_type: &str, n: usize) -> Value {
    let (event, data) = match system_type {
        "pos" => (
            "transaction.created",
            json!({"transaction_id": format!("TXN-S-{n}"),
            "type": "sale", "subtotal": "9.00", "total": "9.00", "payment_method": "cash"}),
        ),
        "supplier" => (
            "order.created",
            json!({"order_number": format!("PO-S-{n}"),
            "supplier_id": "SUP-1", "type": "purchase", "subtotal": "5.00", "total": "5.00"}),
        ),
        "member" => (
            "member.created",
            json!({"member_id": format!("MEM-S-{n}"),
            "phone": "13800138000", "name": "张三"}),
        ),
        "reservation" => (
            "reservation.created",
            json!({"reservation_id": format!("RES-S-{n}"),
            "customer_name": "张三", "customer_phone": "13800138000", "customer_count": 2,
            "reservation_date": "2099-02-15T00:00:00", "reservation_time": "18:00-20:00",
            "status": "confirmed"}),
        ),
        _ => ("customer.updated", json!({"externalId": "C000001"})),
    };
    json!({"id": format!("evt-secrets-{n}"), "event": event, "data": data})
}
