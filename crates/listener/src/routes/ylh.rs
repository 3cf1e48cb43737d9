//! 易理货 callbacks: form-encoded and signed with `Sign` (checked by the service on the raw
//! form); answered in the vendor's own reply shape, refusals included.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use super::raw_push;
use crate::problem::problem_of;
use crate::server::ListenerState;

/// What 易理货 reads back (its callback document §4).
#[derive(Serialize, utoipa::ToSchema)]
pub struct YlhCallbackAnswer {
    pub success: bool,
    /// `success`, or the HTTP status of the refusal as text.
    pub code: String,
    pub description: String,
    /// `yyyyMMddHHmmss`, UTC+8.
    #[serde(rename = "timeStamp")]
    pub time_stamp: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// The form fields of a callback, for the OpenAPI document (the handler reads the raw
/// form, since `Sign` covers it as sent).
#[derive(utoipa::ToSchema)]
#[allow(non_snake_case, dead_code)]
pub struct YlhCallbackForm {
    AppKey: String,
    /// `yyyyMMddHHmmss`, UTC+8.
    TimeStamp: String,
    Method: String,
    /// JSON text: `PlatformOrderNo`, `ExtOrderNo`, `State`, `FailMsg`.
    Data: String,
    Sign: String,
}

/// A refusal in the vendor's shape, with the status the problem would have had.
fn refusal(status: StatusCode, message: &str) -> Response {
    let body = storelink_service::Services::ylh_callback_refusal(status.as_u16(), message);
    (status, Json(body)).into_response()
}

/// 易理货 order callbacks (confirm, cancel, out of stock): form fields `AppKey`,
/// `TimeStamp` (yyyyMMddHHmmss), `Method`, `Data` (JSON text) and `Sign`.
#[utoipa::path(post, path = "/api/v1/integrations/callbacks/ylh/{system_id}", tag = "webhooks",
    params(("system_id" = String, Path, description = "the 易理货 supplier system")),
    request_body(content = YlhCallbackForm, content_type = "application/x-www-form-urlencoded",
        description = "AppKey, TimeStamp, Method, Data, Sign"),
    responses(
        (status = 200, description = "applied, or a repeat", body = YlhCallbackAnswer),
        (status = 400, description = "not a form", body = YlhCallbackAnswer),
        (status = 401, description = "bad Sign, AppKey or TimeStamp; nothing stored", body = YlhCallbackAnswer),
        (status = 404, description = "no such system, or no such order (kept as failed)", body = YlhCallbackAnswer),
        (status = 409, description = "the order's status does not allow it (kept as failed)", body = YlhCallbackAnswer),
        (status = 422, description = "unknown Method or unreadable Data", body = YlhCallbackAnswer)))]
pub async fn callback(
    State(state): State<ListenerState>,
    Path(system_id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let push = match raw_push(&headers, body) {
        Ok(push) => push,
        Err(refused) => {
            let status = refused.into_response().status();
            return refusal(
                status,
                "the body could not be read (larger than the listener takes?)",
            );
        }
    };
    match state.services.receive_ylh_callback(&system_id, push).await {
        Ok(reply) => {
            let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
            (status, Json(reply.body)).into_response()
        }
        Err(e) => {
            let (status, problem) = problem_of(&e);
            refusal(status, &problem.detail)
        }
    }
}
