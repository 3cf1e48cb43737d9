//! Pushes with a token: POS transactions, supplier orders, members, reservations, and the
//! front desk's reservation status changes.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use serde::Deserialize;
use storelink_core::ingest::IngestReply;
use storelink_core::member::MemberInput;
use storelink_core::pos::PosTransactionInput;
use storelink_core::reservation::{Reservation, ReservationInput, StatusChange};
use storelink_core::supplier::SupplierOrderInput;

use super::{created_or_ok, json, query, raw_push, Answer};
use crate::auth::Authed;
use crate::problem::Problem;
use crate::server::ListenerState;

/// Seed 000 "创建POS交易".
#[utoipa::path(post, path = "/api/v1/integrations/pos/{system_id}/transactions", tag = "pos",
    params(("system_id" = String, Path, description = "the POS system's id")),
    request_body = PosTransactionInput,
    responses(
        (status = 201, description = "stored", body = IngestReply),
        (status = 200, description = "a repeat of a stored transaction; nothing changed", body = IngestReply),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem)),
    security(("bearer" = [])))]
pub async fn pos_transaction(
    State(state): State<ListenerState>,
    Authed(actor): Authed,
    Path(system_id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let push = raw_push(&headers, body)?;
    let reply = state
        .services
        .record_pos_transaction(&actor, &system_id, push)
        .await?;
    Ok(created_or_ok(reply.created, reply))
}

/// Seed 000 "创建供应商订单".
#[utoipa::path(post, path = "/api/v1/integrations/supplier/{system_id}/orders", tag = "supplier",
    params(("system_id" = String, Path)),
    request_body = SupplierOrderInput,
    responses(
        (status = 201, body = IngestReply), (status = 200, body = IngestReply),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem)),
    security(("bearer" = [])))]
pub async fn supplier_order(
    State(state): State<ListenerState>,
    Authed(actor): Authed,
    Path(system_id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let push = raw_push(&headers, body)?;
    let reply = state
        .services
        .create_supplier_order(&actor, &system_id, push)
        .await?;
    Ok(created_or_ok(reply.created, reply))
}

/// Seed 000 "同步会员数据".
#[utoipa::path(post, path = "/api/v1/integrations/member/{system_id}/sync", tag = "member",
    params(("system_id" = String, Path)),
    request_body = MemberInput,
    responses(
        (status = 201, body = IngestReply), (status = 200, body = IngestReply),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem)),
    security(("bearer" = [])))]
pub async fn member(
    State(state): State<ListenerState>,
    Authed(actor): Authed,
    Path(system_id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let push = raw_push(&headers, body)?;
    let reply = state.services.sync_member(&actor, &system_id, push).await?;
    Ok(created_or_ok(reply.created, reply))
}

/// Seed 002 "同步预订数据".
#[utoipa::path(post, path = "/api/v1/integrations/reservation/{system_id}/sync", tag = "reservation",
    params(("system_id" = String, Path)),
    request_body = ReservationInput,
    responses(
        (status = 201, body = IngestReply), (status = 200, body = IngestReply),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem)),
    security(("bearer" = [])))]
pub async fn reservation(
    State(state): State<ListenerState>,
    Authed(actor): Authed,
    Path(system_id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let push = raw_push(&headers, body)?;
    let reply = state
        .services
        .sync_reservation(&actor, &system_id, push)
        .await?;
    Ok(created_or_ok(reply.created, reply))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// pending, confirmed, arrived, seated, completed, cancelled, no_show.
    pub status: String,
    pub arrival_time: Option<String>,
    pub table_number: Option<String>,
    /// Needed only when two systems share the reservation id.
    pub system_id: Option<String>,
}

/// Seed 002 "更新预订状态" (front desk). Query parameters as in the seed.
#[utoipa::path(put, path = "/api/v1/integrations/reservation/{reservation_id}/status", tag = "reservation",
    params(("reservation_id" = String, Path), StatusQuery),
    responses(
        (status = 200, body = Reservation),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, description = "not allowed from the current state; allowed_next lists what is", body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem)),
    security(("bearer" = [])))]
pub async fn reservation_status(
    State(state): State<ListenerState>,
    Authed(actor): Authed,
    Path(reservation_id): Path<String>,
    q: Result<Query<StatusQuery>, QueryRejection>,
) -> Answer {
    let q = query(q)?;
    let change = StatusChange {
        status: q.status,
        arrival_time: q.arrival_time,
        table_number: q.table_number,
    };
    let updated = state
        .services
        .update_reservation_status(&actor, &reservation_id, q.system_id.as_deref(), change)
        .await?;
    json(updated)
}
