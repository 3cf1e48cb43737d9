//! Live updates: the service's domain events (new transactions, reservation changes,
//! alerts, sync task progress) passed to the window as one typed Tauri event, so the UI
//! refreshes what is on screen when something happens instead of polling.

use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::ingest::DomainEvent;
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;
use tokio::sync::broadcast::error::RecvError;

use crate::AppState;

/// What the window hears (`events.liveUpdate` in the bindings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, Event)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveUpdate {
    /// Something happened to the store's data.
    Domain { event: DomainEvent },
    /// Events came faster than they were passed on and `missed` were dropped: refresh
    /// everything on screen.
    Missed { missed: u64 },
    /// The database file, checked whole in the background after an unclean stop, was found
    /// damaged: nothing was written to it, and every command now answers with the refusal
    /// and its remedy, which the window should show instead of the page.
    DataRefused,
}

/// Tells the window when the background whole-file check of the database (see
/// `Db::open_checking_in_background`) finds the file damaged.
pub fn announce_a_failed_check<R: Runtime>(app: &AppHandle<R>) {
    let Ok(services) = app.state::<AppState>().services().cloned() else {
        return;
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if services.db().checked().await.is_ok() {
            return;
        }
        if let Err(e) = LiveUpdate::DataRefused.emit(&app) {
            tracing::warn!(error = %e, "cannot tell the window the database was refused");
        }
    });
}

/// Passes every domain event to the window until the services are gone. Nothing is sent
/// while nobody is signed in: the login screen shows no data to refresh.
pub fn forward<R: Runtime>(app: &AppHandle<R>) {
    let Ok(services) = app.state::<AppState>().services().cloned() else {
        return;
    };
    let mut events = services.subscribe();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let update = match events.recv().await {
                Ok(event) => LiveUpdate::Domain { event },
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(
                        missed,
                        "domain events came faster than the window took them"
                    );
                    LiveUpdate::Missed { missed }
                }
                Err(RecvError::Closed) => return,
            };
            if !app.state::<AppState>().signed_in() {
                continue;
            }
            if let Err(e) = update.emit(&app) {
                tracing::warn!(error = %e, "cannot send a live update to the window");
            }
        }
    });
}
