//! Temu's webhook pushes: seed 003's `POST /api/webhook/temu` (the system found by
//! `x-tm-app-key`) and `POST /api/v1/integrations/webhooks/temu/{system_id}`. No token: the
//! push's signature, checked by the service on the raw body, is the proof.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use storelink_core::ingest::IngestReply;

use super::{raw_push, Answer};
use crate::problem::Problem;
use crate::server::ListenerState;

/// Path of seed 003's webhook, outside the `/api/v1` prefix.
pub const PATH: &str = "/api/webhook/temu";

/// A Temu push: headers `x-tm-app-key`, `x-tm-event-code`, `x-tm-timestamp` (ms),
/// `x-tm-signature`, `x-tm-ext-param`; body `{"eventData": "<base64 AES-128-CBC>"}`. Kept
/// once in the inbox and answered at once; the order it names is pulled afterwards.
#[utoipa::path(post, path = "/api/webhook/temu", tag = "webhooks",
    request_body(content = String, description = "{\"eventData\": \"<base64>\"}", content_type = "application/json"),
    responses(
        (status = 200, description = "kept (or a repeat: duplicate is true)", body = IngestReply),
        (status = 400, body = Problem),
        (status = 401, description = "unknown app key, or a push that does not decrypt or verify", body = Problem),
        (status = 409, description = "several Temu systems use the app key", body = Problem),
        (status = 413, body = Problem)))]
pub async fn receive(
    State(state): State<ListenerState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let push = raw_push(&headers, body)?;
    let reply = state.services.receive_temu_webhook(None, push).await?;
    Ok((StatusCode::OK, Json(reply)).into_response())
}

/// The same push for a named system (when several systems share one Temu app).
pub async fn receive_for_system(
    State(state): State<ListenerState>,
    Path(system_id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let push = raw_push(&headers, body)?;
    let reply = state
        .services
        .receive_temu_webhook(Some(&system_id), push)
        .await?;
    Ok((StatusCode::OK, Json(reply)).into_response())
}
