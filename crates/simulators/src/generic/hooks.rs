//! `/_sim/*`: the knobs of a running simulator over HTTP, for people trying it from the
//! command line (tests call the same methods on `GenericSim` directly). No API key.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::data::Table;
use super::Shared;
use crate::erp::error::{json_response, ApiError};
use crate::erp::lock;

pub(crate) fn handle(s: &Shared, hook: &str, body: &[u8]) -> Response {
    let v: Value = serde_json::from_slice(body).unwrap_or_default();
    let text = |name: &str| v.get(name).and_then(Value::as_str).unwrap_or_default();
    match hook {
        "stats" => json_response(StatusCode::OK, &json!(lock(&s.stats).clone())),
        // `{"on": true}` takes every system down (503), `{"on": false}` brings it back.
        "outage" => {
            let on = v.get("on").and_then(Value::as_bool).unwrap_or(true);
            s.set_outage(on);
            json_response(StatusCode::OK, &json!({ "outage": on }))
        }
        // `{"member_id": "MEM-0001", "points": 2000}`: points earned on the platform.
        "member_points" => match v.get("points").and_then(Value::as_u64) {
            Some(points) => changed(s.patch(
                Table::Members,
                text("member_id"),
                json!({ "points": points }),
            )),
            None => ApiError::validation("points", "points must be a whole number").into_response(),
        },
        // `{"order_number": "PO-00001", "status": "shipped"}`: the supplier moves an order.
        "order_status" => changed(s.order_status(text("order_number"), text("status"))),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn changed(record: Option<Value>) -> Response {
    match record {
        Some(r) => json_response(StatusCode::OK, &json!({ "data": r })),
        None => ApiError::not_found("record", "").into_response(),
    }
}
