//! The Systems page's connector settings: the field mapping editor's spec and preview, and
//! the webhook secret's rotation (the new secret is answered once, to this call only).

use storelink_core::system::ExternalSystem;
use storelink_core::AppError;
use storelink_service::systems::connector_settings::{
    ConnectorSettingsSpec, MappingPreview, PreviewRequest, RotatedWebhookSecret,
};
use tauri::State;

use crate::AppState;

#[tauri::command]
#[specta::specta]
pub async fn connector_settings(
    state: State<'_, AppState>,
    id: String,
) -> Result<ConnectorSettingsSpec, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.connector_settings(&actor, &id).await
}

/// A stream's mapping (the shipped one with the overrides being edited) applied to the
/// pasted, stored or shipped sample record.
#[tauri::command]
#[specta::specta]
pub async fn preview_field_mapping(
    state: State<'_, AppState>,
    id: String,
    request: PreviewRequest,
) -> Result<MappingPreview, AppError> {
    let (_, actor) = state.actor().await?;
    state
        .services()?
        .preview_mapping(&actor, &id, request)
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn rotate_webhook_secret(
    state: State<'_, AppState>,
    id: String,
) -> Result<RotatedWebhookSecret, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.rotate_webhook_secret(&actor, &id).await
}

/// Stops accepting the secret a rotation replaced.
#[tauri::command]
#[specta::specta]
pub async fn end_webhook_secret_grace(
    state: State<'_, AppState>,
    id: String,
) -> Result<ExternalSystem, AppError> {
    let (_, actor) = state.actor().await?;
    state
        .services()?
        .end_webhook_secret_grace(&actor, &id)
        .await
}
