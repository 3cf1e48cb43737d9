//! Seed 000 "系统管理": systems CRUD and the connection test, over HTTP.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::de::DeserializeOwned;
use storelink_core::system::{
    ConnectionTestResult, ExternalSystem, NewSystem, SystemFilter, SystemPatch,
};
use storelink_core::Page;
use storelink_service::ingest::parse_json;

use super::{json, query, Answer};
use crate::auth::Authed;
use crate::problem::{plain, Problem, Refusal};
use crate::server::ListenerState;

fn body<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> Result<T, Refusal> {
    let bytes = body.map_err(|r| Refusal::from(plain(r.status(), "body", r.body_text())))?;
    Ok(parse_json(&bytes)?)
}

#[utoipa::path(get, path = "/api/v1/integrations/systems", tag = "systems", params(SystemFilter),
    responses((status = 200, body = Page<ExternalSystem>), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<ListenerState>,
    Authed(actor): Authed,
    q: Result<Query<SystemFilter>, QueryRejection>,
) -> Answer {
    let filter = query(q)?;
    let mut page = state.services.list_systems(&actor, &filter).await?;
    if let Some(bound) = actor.system_id {
        page.items.retain(|s| s.id == bound);
    }
    json(page)
}

#[utoipa::path(post, path = "/api/v1/integrations/systems", tag = "systems",
    request_body = NewSystem,
    responses((status = 201, body = ExternalSystem), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<ListenerState>,
    Authed(actor): Authed,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let input: NewSystem = body(raw)?;
    let created = state.services.create_system(&actor, input).await?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

#[utoipa::path(get, path = "/api/v1/integrations/systems/{system_id}", tag = "systems",
    params(("system_id" = String, Path)),
    responses((status = 200, body = ExternalSystem), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn show(
    State(state): State<ListenerState>,
    Authed(actor): Authed,
    Path(system_id): Path<String>,
) -> Answer {
    let system = state.services.get_system(&actor, &system_id).await?;
    actor.require_system(system.id)?;
    json(system)
}

#[utoipa::path(put, path = "/api/v1/integrations/systems/{system_id}", tag = "systems",
    params(("system_id" = String, Path)),
    request_body = SystemPatch,
    responses((status = 200, body = ExternalSystem), (status = 400, body = Problem),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<ListenerState>,
    Authed(actor): Authed,
    Path(system_id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Answer {
    let patch: SystemPatch = body(raw)?;
    json(
        state
            .services
            .update_system(&actor, &system_id, patch)
            .await?,
    )
}

#[utoipa::path(delete, path = "/api/v1/integrations/systems/{system_id}", tag = "systems",
    params(("system_id" = String, Path)),
    responses((status = 204, description = "deleted"), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete(
    State(state): State<ListenerState>,
    Authed(actor): Authed,
    Path(system_id): Path<String>,
) -> Answer {
    state.services.delete_system(&actor, &system_id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, path = "/api/v1/integrations/systems/{system_id}/test", tag = "systems",
    params(("system_id" = String, Path)),
    responses((status = 200, body = ConnectionTestResult), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, description = "no api_endpoint to test", body = Problem)),
    security(("bearer" = [])))]
pub async fn test(
    State(state): State<ListenerState>,
    Authed(actor): Authed,
    Path(system_id): Path<String>,
) -> Answer {
    json(state.services.test_system(&actor, &system_id).await?)
}
