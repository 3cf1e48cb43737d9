//! The seeds' list endpoints, newest first with keyset paging (`cursor`, `limit`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use storelink_core::member::MemberSync;
use storelink_core::pos::PosTransaction;
use storelink_core::reservation::Reservation;
use storelink_core::supplier::SupplierOrder;
use storelink_core::sync::SyncLog;
use storelink_core::Page;
use storelink_service::records::{
    MemberQuery, PosQuery, ReservationQuery, SupplierOrderQuery, SyncLogQuery,
};

use super::{json, query, Answer};
use crate::auth::Authed;
use crate::problem::Problem;
use crate::server::ListenerState;

/// Seed 000 "获取POS交易记录".
#[utoipa::path(get, path = "/api/v1/integrations/pos/transactions", tag = "pos", params(PosQuery),
    responses((status = 200, body = Page<PosTransaction>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem)),
    security(("bearer" = [])))]
pub async fn pos_transactions(
    State(state): State<ListenerState>,
    Authed(actor): Authed,
    q: Result<Query<PosQuery>, QueryRejection>,
) -> Answer {
    json(
        state
            .services
            .list_pos_transactions(&actor, query(q)?)
            .await?,
    )
}

/// Seed 000 "获取供应商订单".
#[utoipa::path(get, path = "/api/v1/integrations/supplier/orders", tag = "supplier",
    params(SupplierOrderQuery),
    responses((status = 200, body = Page<SupplierOrder>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem)),
    security(("bearer" = [])))]
pub async fn supplier_orders(
    State(state): State<ListenerState>,
    Authed(actor): Authed,
    q: Result<Query<SupplierOrderQuery>, QueryRejection>,
) -> Answer {
    json(
        state
            .services
            .list_supplier_orders(&actor, query(q)?)
            .await?,
    )
}

/// Members received or synced.
#[utoipa::path(get, path = "/api/v1/integrations/members", tag = "member", params(MemberQuery),
    responses((status = 200, body = Page<MemberSync>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem)),
    security(("bearer" = [])))]
pub async fn members(
    State(state): State<ListenerState>,
    Authed(actor): Authed,
    q: Result<Query<MemberQuery>, QueryRejection>,
) -> Answer {
    json(state.services.list_members(&actor, query(q)?).await?)
}

/// Seed 002 "获取预订列表".
#[utoipa::path(get, path = "/api/v1/integrations/reservation/list", tag = "reservation",
    params(ReservationQuery),
    responses((status = 200, body = Page<Reservation>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem)),
    security(("bearer" = [])))]
pub async fn reservations(
    State(state): State<ListenerState>,
    Authed(actor): Authed,
    q: Result<Query<ReservationQuery>, QueryRejection>,
) -> Answer {
    json(state.services.list_reservations(&actor, query(q)?).await?)
}

/// Seed 000 "获取同步日志".
#[utoipa::path(get, path = "/api/v1/integrations/sync-logs", tag = "sync", params(SyncLogQuery),
    responses((status = 200, body = Page<SyncLog>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem)),
    security(("bearer" = [])))]
pub async fn sync_logs(
    State(state): State<ListenerState>,
    Authed(actor): Authed,
    q: Result<Query<SyncLogQuery>, QueryRejection>,
) -> Answer {
    json(state.services.list_sync_logs(&actor, query(q)?).await?)
}
