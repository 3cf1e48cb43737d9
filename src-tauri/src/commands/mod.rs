//! Tauri commands: each checks the session, calls the service layer, returns its result.
//! Errors cross IPC as the typed `AppError`. The session, systems and settings commands are
//! here; the operations pages' commands are in the submodules.

pub mod conflicts;
pub mod connector_settings;
pub mod dashboard;
pub mod demo;
pub mod desktop;
pub mod frontdesk;
pub mod queues;
pub mod records;
pub mod settings;
pub mod sync;

use storelink_core::system::{
    ConnectionTestResult, ExternalSystem, NewSystem, SystemFilter, SystemPatch,
};
use storelink_core::token::{ApiToken, CreatedToken, NewToken};
use storelink_core::user::UserView;
use storelink_core::{AppError, Operation, Page};
use storelink_listener::control::ListenerStatus;
use storelink_service::listener_settings::ListenerSettings;
use storelink_service::AppStatus;
use tauri::State;
use uuid::Uuid;

use crate::AppState;

#[tauri::command]
#[specta::specta]
pub async fn app_status(state: State<'_, AppState>) -> Result<AppStatus, AppError> {
    let current = state.actor().await.ok().map(|(user, _)| user);
    state.services()?.status(current).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_first_admin(
    state: State<'_, AppState>,
    username: String,
    password: String,
) -> Result<UserView, AppError> {
    let (user, _) = state
        .services()?
        .create_first_admin(&username, &password)
        .await?;
    state.sign_in(&user);
    Ok(user)
}

#[tauri::command]
#[specta::specta]
pub async fn login(
    state: State<'_, AppState>,
    username: String,
    password: String,
) -> Result<UserView, AppError> {
    let (user, _) = state.services()?.login(&username, &password).await?;
    state.sign_in(&user);
    Ok(user)
}

#[tauri::command]
#[specta::specta]
pub async fn logout(state: State<'_, AppState>) -> Result<(), AppError> {
    state.sign_out();
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub async fn my_permissions(state: State<'_, AppState>) -> Result<Vec<Operation>, AppError> {
    Ok(state.actor().await?.1.permissions())
}

#[tauri::command]
#[specta::specta]
pub async fn list_systems(
    state: State<'_, AppState>,
    filter: SystemFilter,
) -> Result<Page<ExternalSystem>, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.list_systems(&actor, &filter).await
}

#[tauri::command]
#[specta::specta]
pub async fn get_system(
    state: State<'_, AppState>,
    id: String,
) -> Result<ExternalSystem, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.get_system(&actor, &id).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_system(
    state: State<'_, AppState>,
    input: NewSystem,
) -> Result<ExternalSystem, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.create_system(&actor, input).await
}

#[tauri::command]
#[specta::specta]
pub async fn update_system(
    state: State<'_, AppState>,
    id: String,
    patch: SystemPatch,
) -> Result<ExternalSystem, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.update_system(&actor, &id, patch).await
}

#[tauri::command]
#[specta::specta]
pub async fn delete_system(state: State<'_, AppState>, id: String) -> Result<(), AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.delete_system(&actor, &id).await
}

#[tauri::command]
#[specta::specta]
pub async fn test_system(
    state: State<'_, AppState>,
    id: String,
) -> Result<ConnectionTestResult, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.test_system(&actor, &id).await
}

#[tauri::command]
#[specta::specta]
pub async fn listener_status(state: State<'_, AppState>) -> Result<ListenerStatus, AppError> {
    let (_, actor) = state.actor().await?;
    state
        .services()?
        .require(&actor, Operation::ListenerManage, "listener")
        .await?;
    state.listener()?.status().await
}

/// Saves the listener settings and starts, restarts or stops it to match.
#[tauri::command]
#[specta::specta]
pub async fn save_listener_settings(
    state: State<'_, AppState>,
    settings: ListenerSettings,
) -> Result<ListenerStatus, AppError> {
    let (_, actor) = state.actor().await?;
    let saved = state
        .services()?
        .save_listener_settings(&actor, settings)
        .await?;
    Ok(state.listener()?.apply(saved).await)
}

#[tauri::command]
#[specta::specta]
pub async fn list_tokens(state: State<'_, AppState>) -> Result<Vec<ApiToken>, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.list_tokens(&actor).await
}

#[tauri::command]
#[specta::specta]
pub async fn create_token(
    state: State<'_, AppState>,
    input: NewToken,
) -> Result<CreatedToken, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.add_token(&actor, input).await
}

#[tauri::command]
#[specta::specta]
pub async fn revoke_token(state: State<'_, AppState>, id: Uuid) -> Result<ApiToken, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.revoke_token(&actor, id).await
}
