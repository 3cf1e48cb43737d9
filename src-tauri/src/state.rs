use std::path::Path;
use std::sync::Mutex;

use storelink_core::user::UserView;
use storelink_core::{Actor, AppError};
use storelink_listener::control::ListenerControl;
use storelink_service::Services;
use uuid::Uuid;

/// The app's state: the services (or why they could not start) and who is signed in.
pub struct AppState {
    services: Result<Services, AppError>,
    listener: Option<ListenerControl>,
    /// Keeps the scheduler and outbox dispatcher running while the app is open.
    _background: Option<tokio::sync::watch::Sender<bool>>,
    session: Mutex<Option<Uuid>>,
}

impl AppState {
    /// A database that is refused at start does not stop the window: every command answers
    /// with the reason and the remedy, which the UI shows. After an unclean stop the file
    /// is checked whole in the background: the sign-in form and reads do not wait for it,
    /// writes (syncs, the listener's ingest, a sign-in's note) do.
    pub async fn open(data_dir: &Path) -> AppState {
        let services = Services::open_checking_in_background(data_dir).await;
        if let Err(e) = &services {
            tracing::error!(error = %e, "storelink could not open its data");
        }
        let listener = services
            .as_ref()
            .ok()
            .map(|s| ListenerControl::new(s.clone()));
        let background = services.as_ref().ok().map(Services::start_background_sync);
        AppState {
            services,
            listener,
            _background: background,
            session: Mutex::new(None),
        }
    }

    /// Starts the listener if the manager left it enabled.
    pub async fn start_listener_if_enabled(&self) {
        let (Ok(services), Some(control)) = (self.services(), &self.listener) else {
            return;
        };
        match services.listener_settings().await {
            Ok(settings) if settings.enabled => {
                control.apply(settings).await;
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "cannot read the listener settings"),
        }
    }

    pub fn listener(&self) -> Result<&ListenerControl, AppError> {
        self.services()?;
        self.listener
            .as_ref()
            .ok_or_else(|| AppError::internal("the listener control is missing"))
    }

    pub fn services(&self) -> Result<&Services, AppError> {
        self.services.as_ref().map_err(Clone::clone)
    }

    fn session_id(&self) -> Option<Uuid> {
        self.session.lock().map(|s| *s).unwrap_or(None)
    }

    pub fn signed_in(&self) -> bool {
        self.session_id().is_some()
    }

    pub fn sign_in(&self, user: &UserView) {
        if let Ok(mut s) = self.session.lock() {
            *s = Some(user.id);
        }
    }

    pub fn sign_out(&self) {
        if let Ok(mut s) = self.session.lock() {
            *s = None;
        }
    }

    /// The signed-in user, re-read from the database for every command.
    pub async fn actor(&self) -> Result<(UserView, Actor), AppError> {
        let id = self.session_id().ok_or(AppError::Unauthenticated)?;
        self.services()?.session_actor(id).await
    }
}
