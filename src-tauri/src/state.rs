use std::path::Path;
use std::sync::Mutex;

use storelink_core::user::UserView;
use storelink_core::{Actor, AppError};
use storelink_service::Services;
use uuid::Uuid;

/// The app's state: the services (or why they could not start) and who is signed in.
pub struct AppState {
    services: Result<Services, AppError>,
    session: Mutex<Option<Uuid>>,
}

impl AppState {
    /// A database that is refused at start does not stop the window: every command answers
    /// with the reason and the remedy, which the UI shows.
    pub async fn open(data_dir: &Path) -> AppState {
        let services = Services::open(data_dir).await;
        if let Err(e) = &services {
            tracing::error!(error = %e, "storelink could not open its data");
        }
        AppState {
            services,
            session: Mutex::new(None),
        }
    }

    pub fn services(&self) -> Result<&Services, AppError> {
        self.services.as_ref().map_err(Clone::clone)
    }

    fn session_id(&self) -> Option<Uuid> {
        self.session.lock().map(|s| *s).unwrap_or(None)
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
