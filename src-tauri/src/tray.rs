//! The tray icon: the app icon with a dot for the overall state (`tray_state`), and a menu
//! to open the window, sync everything now, or quit. Closing the window only hides it (see
//! `desktop`), so syncing goes on while the icon stays.
//!
//! The state is worked out again when a sync ends or an alert is raised (coalesced), and once
//! a minute for what changes without an event (the breaker pausing a vendor, a new health
//! snapshot): one small read, nothing while the icon already shows the right colour.

use std::sync::Mutex;
use std::time::Duration;

use storelink_core::ingest::DomainEvent;
use storelink_core::sync::SyncTaskStatus;
use tauri::image::Image;
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Manager, Runtime};
use tokio::sync::broadcast::error::RecvError;

use crate::notify::Notifier;
use crate::notify_rules::Lang;
use crate::tray_state::{badge, menu_label, overall_state, state_label, MenuEntry, OverallState};
use crate::AppState;

const REFRESH_EVERY: Duration = Duration::from_secs(60);
/// Events arriving this close together (a sync of many streams ending) refresh once.
const COALESCE: Duration = Duration::from_secs(1);

const OPEN: &str = "open";
const SYNC_ALL: &str = "sync_all";
const QUIT: &str = "quit";

/// The tray icon and the menu entries whose text changes.
pub struct Tray<R: Runtime> {
    icon: TrayIcon<R>,
    status: MenuItem<R>,
    open: MenuItem<R>,
    sync_all: MenuItem<R>,
    quit: MenuItem<R>,
    shown: Mutex<Option<OverallState>>,
}

fn lang_of<R: Runtime>(app: &AppHandle<R>) -> Lang {
    app.try_state::<Notifier>()
        .map(|n| n.lang())
        .unwrap_or_default()
}

/// Creates the icon and starts keeping it current. Fails where the desktop has no tray
/// support; the caller then lets closing the window quit instead of hiding it.
pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let lang = lang_of(app);
    let status = MenuItem::with_id(
        app,
        "status",
        state_label(OverallState::Ok, lang),
        false,
        None::<&str>,
    )?;
    let open = MenuItem::with_id(
        app,
        OPEN,
        menu_label(MenuEntry::Open, lang),
        true,
        None::<&str>,
    )?;
    let sync_all = MenuItem::with_id(
        app,
        SYNC_ALL,
        menu_label(MenuEntry::SyncAll, lang),
        true,
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(
        app,
        QUIT,
        menu_label(MenuEntry::Quit, lang),
        true,
        None::<&str>,
    )?;
    let menu = Menu::with_items(
        app,
        &[
            &status,
            &PredefinedMenuItem::separator(app)?,
            &open,
            &sync_all,
            &PredefinedMenuItem::separator(app)?,
            &quit,
        ],
    )?;
    let mut builder = TrayIconBuilder::with_id("storelink")
        .menu(&menu)
        .show_menu_on_left_click(false)
        .tooltip(state_label(OverallState::Ok, lang))
        .on_menu_event(on_menu_event)
        // Where the desktop reports clicks on the icon (not Linux): a left click opens.
        .on_tray_icon_event(|tray, event| {
            if let TrayIconEvent::Click {
                button: MouseButton::Left,
                button_state: MouseButtonState::Up,
                ..
            } = event
            {
                crate::desktop::show_main_window(tray.app_handle());
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone().to_owned());
    }
    let icon = builder.build(app)?;
    app.manage(Tray {
        icon,
        status,
        open,
        sync_all,
        quit,
        shown: Mutex::new(None),
    });
    keep_current(app);
    Ok(())
}

fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: MenuEvent) {
    match event.id().as_ref() {
        OPEN => crate::desktop::show_main_window(app),
        SYNC_ALL => crate::desktop::sync_all_from_tray(app),
        QUIT => crate::desktop::quit(app),
        _ => {}
    }
}

enum Wake {
    Event(Result<DomainEvent, RecvError>),
    Lang { alive: bool },
    Timer,
}

/// Whether an event may change the overall state.
fn changes_state(event: &DomainEvent) -> bool {
    match event {
        DomainEvent::Alert { .. } => true,
        DomainEvent::SyncTaskProgress { status, .. } => *status != SyncTaskStatus::Running,
        _ => false,
    }
}

fn keep_current<R: Runtime>(app: &AppHandle<R>) {
    let Ok(services) = app.state::<AppState>().services().cloned() else {
        return;
    };
    let mut events = services.subscribe();
    let mut langs = app.try_state::<Notifier>().map(|n| n.lang_changes());
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut relabel = true;
        loop {
            match services.tray_signals().await {
                Ok(signals) => {
                    show(
                        &app,
                        overall_state(&signals.systems, &signals.health),
                        relabel,
                    );
                }
                Err(e) => tracing::warn!(error = %e, "cannot work out the tray state"),
            }
            relabel = false;
            // A deadline, not a fresh sleep per event, so a steady stream of unrelated
            // events (transactions) cannot postpone the minute's refresh for ever.
            let deadline = tokio::time::Instant::now() + REFRESH_EVERY;
            loop {
                let lang_changed = async {
                    match langs.as_mut() {
                        Some(rx) => rx.changed().await.is_ok(),
                        None => std::future::pending().await,
                    }
                };
                let woke = tokio::select! {
                    event = events.recv() => Wake::Event(event),
                    alive = lang_changed => Wake::Lang { alive },
                    () = tokio::time::sleep_until(deadline) => Wake::Timer,
                };
                match woke {
                    Wake::Event(Ok(e)) if changes_state(&e) => {
                        tokio::time::sleep(COALESCE).await;
                        break;
                    }
                    Wake::Event(Ok(_)) => {}
                    Wake::Event(Err(RecvError::Lagged(_))) | Wake::Timer => break,
                    Wake::Event(Err(RecvError::Closed)) => return,
                    Wake::Lang { alive } => {
                        if !alive {
                            langs = None;
                        }
                        relabel = true;
                        break;
                    }
                }
            }
        }
    });
}

/// Shows `state` (and the menu in the current language when `relabel`); nothing when the
/// icon already shows it.
fn show<R: Runtime>(app: &AppHandle<R>, state: OverallState, relabel: bool) {
    let Some(tray) = app.try_state::<Tray<R>>() else {
        return;
    };
    let lang = lang_of(app);
    {
        let mut shown = tray.shown.lock().unwrap_or_else(|e| e.into_inner());
        if *shown == Some(state) && !relabel {
            return;
        }
        *shown = Some(state);
    }
    let label = state_label(state, lang);
    let results = [
        tray.status.set_text(label),
        tray.icon.set_tooltip(Some(label)),
        tray.open.set_text(menu_label(MenuEntry::Open, lang)),
        tray.sync_all.set_text(menu_label(MenuEntry::SyncAll, lang)),
        tray.quit.set_text(menu_label(MenuEntry::Quit, lang)),
    ];
    for e in results.into_iter().filter_map(Result::err) {
        tracing::warn!(error = %e, "cannot update the tray menu");
    }
    if let Some(base) = app.default_window_icon() {
        if let Some(rgba) = badge(base.rgba(), base.width(), base.height(), state) {
            let image = Image::new_owned(rgba, base.width(), base.height());
            if let Err(e) = tray.icon.set_icon(Some(image)) {
                tracing::warn!(error = %e, "cannot update the tray icon");
            }
        }
    }
    tracing::info!(state = ?state, "tray state");
}
