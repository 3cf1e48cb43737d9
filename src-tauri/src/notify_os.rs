//! The OS notifications, through tauri-plugin-notification: its desktop side reports a
//! click on the notification itself as the action `tap` (on Linux through the Desktop
//! Notifications `default` action, as far as the notification server reports it), carrying
//! the id we gave it, which is the notification record's id.

use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::notify::Presenter;
use crate::notify_rules::Notice;

/// What a click on the notification body is reported as.
const TAP: &str = "tap";

pub struct OsPresenter<R: Runtime> {
    app: AppHandle<R>,
}

impl<R: Runtime> OsPresenter<R> {
    /// Needs the notification plugin registered; also starts listening for clicks, so it is
    /// made before the first notification is shown (earlier ones would report nothing).
    pub fn new(app: &AppHandle<R>) -> Self {
        let handle = app.clone();
        let listening = app.notification().on_action(move |performed| {
            if performed.action_id() != TAP {
                return;
            }
            match performed
                .notification()
                .and_then(|n| u32::try_from(n.id()).ok())
            {
                Some(id) => crate::notify::clicked(&handle, id),
                None => crate::desktop::show_main_window(&handle),
            }
        });
        if let Err(e) = listening {
            tracing::warn!(error = %e, "clicks on notifications will not open the window");
        }
        OsPresenter { app: app.clone() }
    }
}

impl<R: Runtime> Presenter for OsPresenter<R> {
    fn present(&self, id: u32, notice: &Notice) -> Result<(), String> {
        let id = i32::try_from(id).map_err(|e| e.to_string())?;
        self.app
            .notification()
            .builder()
            .id(id)
            .title(&notice.title)
            .body(&notice.body)
            .show()
            .map_err(|e| e.to_string())
    }
}
