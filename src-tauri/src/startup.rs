//! Opening the data while the window's page loads. Opening checks the whole database file
//! first (`PRAGMA quick_check`, about 0.7 s for a million POS transactions) and ran inside
//! setup, on the main thread, which is also the thread that serves the page its files: the
//! page could only start loading once the check was over. Now setup returns at once, the
//! data is opened on the async runtime, and a command that arrives before it is open waits
//! for it (the first one, `app_status`, comes when the page has loaded).
//!
//! Quitting closes the data with a full check, so that the next start, finding the file as
//! it was left, can skip its own (`storelink_store::Db::close_verified`): that check was
//! still most of the time to the sign-in form on a large file. After a crash or a kill there
//! is no such note: the check then runs in the background while reads are served and
//! writes wait for it (`Db::open_checking_in_background`), and a damaged file is announced
//! to the window (`live::announce_a_failed_check`).

use std::path::PathBuf;
use std::sync::Arc;

use tauri::ipc::Invoke;
use tauri::{AppHandle, Manager, Runtime, Wry};
use tokio::sync::watch;

use crate::AppState;

/// The app's command handler, holding each command back until the data is open.
pub fn gated_handler<R: Runtime>(
    inner: impl Fn(Invoke<R>) -> bool + Send + Sync + 'static,
    opened: watch::Receiver<bool>,
) -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    let inner = Arc::new(inner);
    move |invoke| {
        if *opened.borrow() {
            return inner(invoke);
        }
        let (inner, mut opened) = (Arc::clone(&inner), opened.clone());
        tauri::async_runtime::spawn(async move {
            // Ends early only if the opening was dropped (the app is ending).
            let _ = opened.wait_for(|open| *open).await;
            let resolver = invoke.resolver.clone();
            let command = invoke.message.command().to_owned();
            if !inner(invoke) {
                resolver.reject(format!("Command {command} not found"));
            }
        });
        true
    }
}

/// Opens the data in `data_dir`, then manages the [`AppState`], starts what needs it (live
/// events; notifications and the tray, made on the main thread as before) and lets the
/// waiting commands through.
pub fn open_in_background(app: &AppHandle<Wry>, data_dir: PathBuf, opened: watch::Sender<bool>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = AppState::open(&data_dir).await;
        state.start_listener_if_enabled().await;
        app.manage(state);
        crate::live::forward(&app);
        crate::live::announce_a_failed_check(&app);
        // Read here, not on the main thread (see notify::saved_prefs).
        let prefs = crate::notify::saved_prefs(&app).await;
        let handle = app.clone();
        let scheduled = app.run_on_main_thread(move || {
            crate::desktop::setup(&handle, prefs);
            let _ = opened.send(true);
        });
        if let Err(e) = scheduled {
            tracing::error!(error = %e, "the app ended while its data was opening");
        }
    });
}

/// The longest quitting waits for the data to close and be checked; past it the app ends
/// anyway and the next start checks the whole file.
const CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// Closes the data when the app ends (`RunEvent::Exit`), leaving the clean-close note.
pub fn close_on_exit<R: Runtime>(app: &AppHandle<R>) {
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let Ok(services) = state.services() else {
        return;
    };
    // The timer is made inside the runtime (it needs its clock).
    let closed = tauri::async_runtime::block_on(async {
        tokio::time::timeout(CLOSE_WAIT, services.close_verified()).await
    });
    match closed {
        Ok(Ok(true)) => tracing::info!("data closed and checked"),
        Ok(Ok(false)) => tracing::info!("data closed; the next start checks the whole file"),
        Ok(Err(e)) => tracing::error!(error = %e, "the database check at quit failed"),
        Err(_) => {
            tracing::warn!("closing the data took too long; the next start checks the whole file")
        }
    }
}
