//! The front desk's status changes (outbox `reservation.status`, payload `reservation_id`,
//! `external_id`, `status`, `arrival_time`, `table_number`) → seed 002 "更新预订状态":
//! `PUT {status path}?status=…&arrival_time=…&table_number=…`, once per outbox entry.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use storelink_core::ErrorClass;

use super::settings::StatusId;
use super::wire::{self, Missing};
use super::Yiding;
use crate::connector::{CallError, PushRequest};

fn invalid(message: impl Into<String>) -> CallError {
    CallError::new(ErrorClass::ValidationError, message)
}

fn text<'v>(payload: &'v Value, key: &str) -> Option<&'v str> {
    payload[key]
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

pub(super) async fn push(y: &Yiding, request: &PushRequest) -> Result<Value, CallError> {
    match request.operation.as_str() {
        "reservation.status" => status(y, request).await,
        other => Err(invalid(format!(
            "Yiding takes only reservation.status changes, not `{other}`"
        ))),
    }
}

/// The query of a status change: `status`, plus the arrival time (platform local time)
/// with `arrived` and the table with `seated`, as the seed describes them.
pub(super) fn status_query(
    y: &Yiding,
    payload: &Value,
) -> Result<Vec<(String, String)>, CallError> {
    let status = text(payload, "status")
        .ok_or_else(|| invalid("a reservation.status change names no status"))?;
    let mut query = vec![("status".to_owned(), status.to_owned())];
    if status == "arrived" {
        if let Some(at) = text(payload, "arrival_time") {
            let local = storelink_core::vendor_time::parse(at, y.config.offset)
                .map(|t| y.local_time(t))
                .ok_or_else(|| invalid(format!("arrival_time `{at}` is not a date-time")))?;
            query.push(("arrival_time".to_owned(), local));
        }
    }
    if status == "seated" {
        let table = text(payload, "table_number")
            .ok_or_else(|| invalid("seating a reservation needs its table_number"))?;
        query.push(("table_number".to_owned(), table.to_owned()));
    }
    Ok(query)
}

async fn status(y: &Yiding, request: &PushRequest) -> Result<Value, CallError> {
    let payload = &request.payload;
    let id = match y.config.status_id {
        StatusId::ReservationId => text(payload, "reservation_id"),
        StatusId::ExternalId => text(payload, "external_id"),
    }
    .ok_or_else(|| {
        invalid(match y.config.status_id {
            StatusId::ReservationId => "the change names no reservation_id",
            StatusId::ExternalId => "the reservation has no Yiding id (external_id) to send",
        })
    })?;
    let mut url = wire::address(&y.config.endpoint, &y.config.paths.status, Some(id))?;
    url.query_pairs_mut()
        .extend_pairs(status_query(y, payload)?);
    let mut headers = HeaderMap::new();
    if !y.config.idempotency_header.is_empty() {
        let name = HeaderName::from_bytes(y.config.idempotency_header.as_bytes())
            .map_err(|_| invalid("config.idempotency_header is not an HTTP header name"))?;
        let value = HeaderValue::from_str(&request.idempotency_key)
            .map_err(|_| invalid("the idempotency key cannot be sent as a header"))?;
        headers.insert(name, value);
    }
    let answer = wire::call(&y.http, reqwest::Method::PUT, url, &y.key, headers).await?;
    let body = wire::read_answer(
        answer.code(),
        answer.retry_after,
        &answer.text,
        &format!("status change of reservation {id}"),
        Missing::Refused,
    )?;
    Ok(body.unwrap_or_default())
}
