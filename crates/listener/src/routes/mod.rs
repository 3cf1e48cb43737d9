//! Routes under `/api/v1/integrations/`, as seeds 000 and 002 name them, plus `/healthz`
//! and `/openapi.json`. Each handler is a few lines: authenticate, hand the raw request to
//! the service, answer with its result.

pub(crate) mod ingest;
pub(crate) mod lists;
pub(crate) mod systems;
pub(crate) mod temu;
pub(crate) mod webhooks;
pub(crate) mod ylh;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Serialize;
use storelink_service::ingest::RawPush;

use crate::problem::{plain, Refusal};
use crate::server::ListenerState;

pub const PREFIX: &str = "/api/v1/integrations";

pub fn router() -> Router<ListenerState> {
    let api = Router::new()
        .route("/systems", get(systems::list).post(systems::create))
        .route(
            "/systems/{system_id}",
            get(systems::show)
                .put(systems::update)
                .delete(systems::delete),
        )
        .route("/systems/{system_id}/test", post(systems::test))
        .route(
            "/pos/{system_id}/transactions",
            post(ingest::pos_transaction),
        )
        .route("/pos/transactions", get(lists::pos_transactions))
        .route("/supplier/{system_id}/orders", post(ingest::supplier_order))
        .route("/supplier/orders", get(lists::supplier_orders))
        .route("/member/{system_id}/sync", post(ingest::member))
        .route("/members", get(lists::members))
        .route("/reservation/{system_id}/sync", post(ingest::reservation))
        .route("/reservation/list", get(lists::reservations))
        .route(
            "/reservation/{reservation_id}/status",
            put(ingest::reservation_status),
        )
        .route("/sync-logs", get(lists::sync_logs))
        .route("/webhooks/{channel}/{system_id}", post(webhooks::receive))
        .route("/webhooks/temu/{system_id}", post(temu::receive_for_system))
        .route("/callbacks/ylh/{system_id}", post(ylh::callback));
    Router::new()
        .nest(PREFIX, api)
        .route("/healthz", get(healthz))
        .route(temu::PATH, post(temu::receive))
        .route("/openapi.json", get(openapi))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed() -> Response {
    plain(
        StatusCode::METHOD_NOT_ALLOWED,
        "method",
        "this route does not take that method; see /openapi.json".into(),
    )
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// Liveness: answers without touching the database or a token.
#[utoipa::path(get, path = "/healthz", tag = "meta", responses((status = 200, body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

async fn openapi() -> Response {
    Json(crate::openapi::document()).into_response()
}

async fn not_found() -> Response {
    plain(
        StatusCode::NOT_FOUND,
        "path",
        "no such route; see /openapi.json".into(),
    )
}

/// The raw body and headers of a push. A body over the limit is 413, as a problem.
pub(crate) fn raw_push(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<RawPush, Refusal> {
    let body = body.map_err(|rejection| {
        let status = rejection.status();
        let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "the body is larger than the listener accepts (1 MiB unless configured)".to_owned()
        } else {
            rejection.body_text()
        };
        Refusal::from(plain(status, "body", message))
    })?;
    let headers = headers
        .iter()
        .filter_map(|(name, value)| {
            value
                .to_str()
                .ok()
                .map(|v| (name.as_str().to_owned(), v.to_owned()))
        })
        .collect();
    Ok(RawPush {
        body: body.to_vec(),
        headers,
    })
}

/// A bad query string is a 400 problem naming the query, not axum's plain text.
pub(crate) fn query<T>(q: Result<axum::extract::Query<T>, QueryRejection>) -> Result<T, Refusal> {
    q.map(|axum::extract::Query(v)| v)
        .map_err(|e| plain(StatusCode::BAD_REQUEST, "query", e.body_text()).into())
}

/// 201 for a new record, 200 for a change to one or a repeat.
pub(crate) fn created_or_ok<T: Serialize>(created: bool, body: T) -> Response {
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, Json(body)).into_response()
}

/// A handler's result: the response, or the problem that ended it early.
pub(crate) type Answer = Result<Response, Refusal>;

pub(crate) fn json<T: Serialize>(body: T) -> Answer {
    Ok(Json(body).into_response())
}
