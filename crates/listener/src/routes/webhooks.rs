//! Vendor webhooks: no token, a signature instead (checked by the service on raw bytes).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use storelink_core::ingest::{IngestReply, WebhookChannel, WebhookEnvelope};

use super::{raw_push, Answer};
use crate::problem::{plain, Problem};
use crate::server::ListenerState;

/// Seeds 000, 002 and 004 webhooks. Signed with Standard Webhooks (`webhook-id`,
/// `webhook-timestamp`, `webhook-signature`) or `X-Signature-256: sha256=<hex>`, as the
/// system's `webhook_signature` setting says.
#[utoipa::path(post, path = "/api/v1/integrations/webhooks/{channel}/{system_id}", tag = "webhooks",
    params(
        ("channel" = String, Path, description = "pos, supplier, member, reservation or erp"),
        ("system_id" = String, Path)),
    request_body = WebhookEnvelope,
    responses(
        (status = 200, description = "stored (or a repeat: duplicate is true)", body = IngestReply),
        (status = 400, body = Problem), (status = 401, description = "bad or missing signature", body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem),
        (status = 422, body = Problem)))]
pub async fn receive(
    State(state): State<ListenerState>,
    Path((channel, system_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    let Some(channel) = WebhookChannel::parse(&channel) else {
        return Ok(plain(
            StatusCode::NOT_FOUND,
            "channel",
            format!(
                "no webhook channel `{}`; use one of {}",
                channel.chars().take(32).collect::<String>(),
                WebhookChannel::NAMES.join(", ")
            ),
        ));
    };
    let push = raw_push(&headers, body)?;
    let reply = state
        .services
        .receive_webhook(channel, &system_id, push)
        .await?;
    Ok((StatusCode::OK, Json(reply)).into_response())
}
