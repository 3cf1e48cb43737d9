//! Desktop behaviour around the window: one instance (a second launch brings the first
//! window up), the window's position and size remembered, OS notifications, and the tray
//! icon, with closing the window hiding it to the tray so syncing goes on; "quit" in the
//! tray menu ends the app.

use std::sync::atomic::{AtomicBool, Ordering};

use storelink_service::desktop::NotificationPrefs;
use tauri::{AppHandle, Manager, Runtime, Window, WindowEvent, Wry};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

use crate::notify_os::OsPresenter;
use crate::AppState;

/// The window the app opens (tauri.conf.json).
pub const MAIN_WINDOW: &str = "main";

/// What is remembered of the window. Not whether it was visible: the app always starts
/// with its window shown, even when it was hidden in the tray when it quit.
fn remembered() -> StateFlags {
    StateFlags::all() - StateFlags::VISIBLE
}

/// Whether closing the window hides it (a tray icon exists to bring it back), whether it
/// has been hidden so, and whether the app is quitting (then closing really closes).
#[derive(Default)]
struct CloseBehaviour {
    to_tray: AtomicBool,
    hidden_to_tray: AtomicBool,
    quitting: AtomicBool,
}

/// How long the window may stay hidden at start (tauri.conf.json has it hidden) waiting
/// for the page to show it once rendered (ui/src/main.tsx). Without compositing (no GPU),
/// a window shown before its page has drawn made WebKit's main thread wait ~500 ms for
/// the first frame in one launch of five (docs/BENCHMARKS.md, "Cold start"). Past the
/// deadline the window is shown anyway, so a page that fails to start is still seen.
const PAGE_SHOWS_WINDOW_WITHIN: std::time::Duration = std::time::Duration::from_secs(5);

/// Shows the main window at the deadline unless the page has shown it, or the person has
/// since put it away in the tray.
pub fn show_window_if_the_page_does_not(app: &AppHandle<Wry>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(PAGE_SHOWS_WINDOW_WITHIN).await;
        let Some(window) = app.get_webview_window(MAIN_WINDOW) else {
            return;
        };
        let put_away = app
            .try_state::<CloseBehaviour>()
            .is_some_and(|c| c.hidden_to_tray.load(Ordering::SeqCst));
        if !put_away && !window.is_visible().unwrap_or(true) {
            tracing::warn!("the page did not show the window in time; showing it");
            show_main_window(&app);
        }
    });
}

/// The plugins and the window handler, on the app's builder. Single instance comes first,
/// so a second launch exits before it sets anything else up.
pub fn plugins(builder: tauri::Builder<Wry>) -> tauri::Builder<Wry> {
    let builder = if session_bus_reachable() {
        builder.plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            show_main_window(app);
        }))
    } else {
        // The Linux plugin needs the session bus and would end the app without one.
        tracing::warn!("no D-Bus session bus: a second launch opens a second window");
        builder
    };
    builder
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_state_flags(remembered())
                .build(),
        )
        .plugin(tauri_plugin_notification::init())
        .on_window_event(on_window_event)
}

#[cfg(target_os = "linux")]
fn session_bus_reachable() -> bool {
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|dir| std::path::Path::new(&dir).join("bus").exists())
}

#[cfg(not(target_os = "linux"))]
fn session_bus_reachable() -> bool {
    true
}

/// After the [`AppState`] is managed: notifications (with the preferences as saved), then
/// the tray icon.
pub fn setup(app: &AppHandle<Wry>, prefs: NotificationPrefs) {
    app.manage(CloseBehaviour::default());
    crate::notify::start(app, Box::new(OsPresenter::new(app)), prefs);
    match crate::tray::create(app) {
        Ok(()) => {
            if let Some(close) = app.try_state::<CloseBehaviour>() {
                close.to_tray.store(true, Ordering::SeqCst);
            }
        }
        // Without a tray a hidden window could not be brought back: closing quits.
        Err(e) => tracing::warn!(error = %e, "no tray icon; closing the window quits"),
    }
}

fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    let app = window.app_handle();
    let hide = window.label() == MAIN_WINDOW
        && app.try_state::<CloseBehaviour>().is_some_and(|c| {
            c.to_tray.load(Ordering::SeqCst) && !c.quitting.load(Ordering::SeqCst)
        });
    if !hide {
        return;
    }
    api.prevent_close();
    save_window_state(app);
    if let Some(close) = app.try_state::<CloseBehaviour>() {
        close.hidden_to_tray.store(true, Ordering::SeqCst);
    }
    if let Err(e) = window.hide() {
        tracing::warn!(error = %e, "cannot hide the window");
    }
}

fn save_window_state<R: Runtime>(app: &AppHandle<R>) {
    if let Err(e) = app.save_window_state(remembered()) {
        tracing::warn!(error = %e, "cannot save the window position");
    }
}

/// Brings the main window up: shown, restored if minimised, focused.
pub fn show_main_window<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else {
        return;
    };
    let shown = window
        .show()
        .and_then(|()| window.unminimize())
        .and_then(|()| window.set_focus());
    if let Err(e) = shown {
        tracing::warn!(error = %e, "cannot bring the window up");
    }
}

/// Ends the app (the tray's "quit"), saving where the window was.
pub fn quit<R: Runtime>(app: &AppHandle<R>) {
    if let Some(close) = app.try_state::<CloseBehaviour>() {
        close.quitting.store(true, Ordering::SeqCst);
    }
    save_window_state(app);
    app.exit(0);
}

/// The tray's "sync all now": as the signed-in person, whose role the core checks. With
/// nobody signed in (or no right to sync) the window comes up instead, to sign in.
pub fn sync_all_from_tray<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        match crate::desktop_sync::start_sync_all(&state).await {
            Ok(started) => tracing::info!(
                systems = started.systems,
                streams = started.streams,
                "syncing everything now"
            ),
            Err(e) => {
                tracing::warn!(error = %e, "sync all from the tray refused");
                show_main_window(&app);
            }
        }
    });
}
