//! The vendors' writes: an order created at the supply chain, a member upserted on the
//! platform, each applied once per `Idempotency-Key` and counted per record.

use axum::http::StatusCode;
use serde_json::{json, Map, Value};

use super::data::Table;
use super::routes::{error, Call, Reply};
use super::Shared;
use crate::erp::error::ApiError;
use crate::erp::lock;

fn object(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::bad_request("the body must be a JSON object")),
    }
}

/// `POST /supplier/orders`: a new order (status `pending` unless given); an order number
/// already taken is refused `409 duplicate`.
pub(crate) fn create_order(s: &Shared, body: &[u8]) -> Result<(Reply, String), ApiError> {
    let mut order = object(body)?;
    let number = order
        .get("order_number")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty())
        .map(str::to_owned)
        .ok_or_else(|| ApiError::validation("order_number", "order_number is required"))?;
    let mut state = lock(&s.state);
    if state.orders.contains_key(&number) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "duplicate",
            format!("order {number} exists already"),
        ));
    }
    order
        .entry("status")
        .or_insert_with(|| Value::String("pending".into()));
    let stored = state.change(Table::Orders, &number, &order, true);
    Ok(((StatusCode::CREATED, json!({ "data": stored })), number))
}

/// `PUT /member/members/{id}`: creates or changes the member with the fields sent.
pub(crate) fn upsert_member(
    s: &Shared,
    id: &str,
    body: &[u8],
) -> Result<(Reply, String), ApiError> {
    let mut member = object(body)?;
    if member
        .get("member_id")
        .is_some_and(|m| m.as_str() != Some(id))
    {
        return Err(ApiError::validation(
            "member_id",
            "member_id differs from the path",
        ));
    }
    if member.get("points").is_some_and(|p| p.as_u64().is_none()) {
        return Err(ApiError::validation(
            "points",
            "points must be a whole number of 0 or more",
        ));
    }
    member.insert("member_id".into(), Value::String(id.to_owned()));
    let stored = lock(&s.state).change(Table::Members, id, &member, true);
    Ok(((StatusCode::OK, json!({ "data": stored })), id.to_owned()))
}

/// A write, once per `Idempotency-Key`: the same key again gets the first answer back
/// (counted as a replay, not as a push); a refusal is not remembered. `f` answers the
/// reply and the id of the record it changed (counted per record: "arrived once").
pub(crate) fn write(
    s: &Shared,
    call: &Call,
    kind: &'static str,
    f: impl FnOnce(&Shared, &[u8]) -> Result<(Reply, String), ApiError>,
) -> Reply {
    let key = call
        .headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|k| (call.system, k.trim().to_owned()))
        .filter(|(_, k)| !k.is_empty());
    let mut seen = lock(&s.idempotency);
    if let Some(first) = key.as_ref().and_then(|k| seen.get(k)) {
        lock(&s.stats).replays += 1;
        return first.clone();
    }
    match f(s, &call.body) {
        Ok((reply, id)) => {
            if let Some(k) = key {
                seen.insert(k, reply.clone());
            }
            let mut stats = lock(&s.stats);
            *stats.pushes.entry(format!("{kind}:{id}")).or_default() += 1;
            match kind {
                "order" => stats.orders_created += 1,
                _ => stats.member_upserts += 1,
            }
            reply
        }
        Err(e) => error(e),
    }
}
