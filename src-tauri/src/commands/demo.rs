//! Demo mode from the first-run screen and the demo banner: start (or resume), status,
//! remove. The service runs the simulators and the POS terminal; the listener it needs is
//! this app's, reached through [`ListenerSwitch`].

use storelink_core::AppError;
use storelink_listener::control::ListenerControl;
use storelink_service::demo::{BoxFuture, DemoListener, DemoRemoval, DemoStatus};
use storelink_service::listener_settings::ListenerSettings;
use tauri::State;

use crate::AppState;

/// The app's listener control, as demo mode asks for it.
struct ListenerSwitch<'a>(&'a ListenerControl);

impl DemoListener for ListenerSwitch<'_> {
    fn apply(&self, settings: ListenerSettings) -> BoxFuture<'_, Result<String, String>> {
        Box::pin(async move {
            let status = self.0.apply(settings).await;
            match (status.running, status.url) {
                (true, Some(url)) => Ok(url),
                _ => Err(status
                    .error
                    .unwrap_or_else(|| "the listener is off".to_owned())),
            }
        })
    }
}

#[tauri::command]
#[specta::specta]
pub async fn demo_status(state: State<'_, AppState>) -> Result<DemoStatus, AppError> {
    let (_, actor) = state.actor().await?;
    state.services()?.demo_status(&actor).await
}

#[tauri::command]
#[specta::specta]
pub async fn start_demo(state: State<'_, AppState>) -> Result<DemoStatus, AppError> {
    let (_, actor) = state.actor().await?;
    let switch = ListenerSwitch(state.listener()?);
    state.services()?.start_demo(&actor, &switch).await
}

#[tauri::command]
#[specta::specta]
pub async fn remove_demo(state: State<'_, AppState>) -> Result<DemoRemoval, AppError> {
    let (_, actor) = state.actor().await?;
    let switch = ListenerSwitch(state.listener()?);
    state.services()?.remove_demo(&actor, &switch).await
}
