//! Desktop notifications: the service's domain events become OS notifications for sync
//! failures, dead outbox entries, health drops and new or cancelled reservations, filtered
//! by the store's preferences and deduplicated (`notify_rules`). Every one shown is kept in
//! a bounded list the UI (and the e2e tests) read; a click on one brings the window up and
//! tells the UI, through a typed event, which page to open.
//!
//! Notifications are shown whether or not someone is signed in: a failing sync matters to
//! whoever sits at the machine, and the window may be hidden in the tray.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Duration, Local, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::ids::now;
use storelink_core::ingest::DomainEvent;
use storelink_service::desktop::NotificationPrefs;
use tauri::{AppHandle, Manager, Runtime};
use tauri_specta::Event;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;
use uuid::Uuid;

use crate::notify_rules::{
    notice_for, wanted, Dedup, Lang, Notice, NotificationKind, NotificationTarget,
};
use crate::AppState;

/// How many notifications the list keeps (newest first); older ones are dropped.
pub const RECORDS_KEPT: usize = 200;

/// A notification that was shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct NotificationRecord {
    pub id: u32,
    pub kind: NotificationKind,
    pub system_id: Uuid,
    pub target: NotificationTarget,
    pub title: String,
    pub body: String,
    pub shown_at: DateTime<Utc>,
    /// Notifications of the same kind for the same system held back since, within the window.
    pub repeats: u32,
    /// Whether it was handed to the desktop's notification service (false: refused there, so
    /// only this list has it).
    pub delivered: bool,
}

/// What the window hears about notifications (`events.notificationEvent` in the bindings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, Event)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum NotificationEvent {
    /// One was shown: the notification list has a new entry.
    Shown { record: NotificationRecord },
    /// The person clicked one: open `target`.
    Clicked {
        record_id: u32,
        target: NotificationTarget,
        system_id: Uuid,
    },
}

/// Puts a notice on the desktop. The OS one is in `notify_os`; tests bring their own.
pub trait Presenter: Send + Sync + 'static {
    /// Shows `notice`; `id` is what a click reports back to [`clicked`].
    fn present(&self, id: u32, notice: &Notice) -> Result<(), String>;
}

struct Inner {
    dedup: Dedup,
    records: VecDeque<NotificationRecord>,
    prefs: NotificationPrefs,
    next_id: u32,
}

/// The notification state the app manages: preferences, the dedup memory, the list shown.
pub struct Notifier {
    presenter: Box<dyn Presenter>,
    inner: Mutex<Inner>,
    lang: watch::Sender<Lang>,
}

impl Notifier {
    pub fn new(presenter: Box<dyn Presenter>, prefs: NotificationPrefs) -> Notifier {
        Notifier {
            presenter,
            inner: Mutex::new(Inner {
                dedup: Dedup::default(),
                records: VecDeque::new(),
                prefs,
                next_id: 1,
            }),
            lang: watch::channel(Lang::default()).0,
        }
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere must not silence notifications for the rest of the session.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The notifications shown, newest first.
    pub fn records(&self) -> Vec<NotificationRecord> {
        self.inner().records.iter().cloned().collect()
    }

    pub fn prefs(&self) -> NotificationPrefs {
        self.inner().prefs
    }

    pub fn set_prefs(&self, prefs: NotificationPrefs) {
        self.inner().prefs = prefs;
    }

    pub fn lang(&self) -> Lang {
        *self.lang.borrow()
    }

    pub fn set_lang(&self, lang: Lang) {
        self.lang.send_if_modified(|current| {
            let changed = *current != lang;
            *current = lang;
            changed
        });
    }

    /// Language changes, for the tray menu.
    pub fn lang_changes(&self) -> watch::Receiver<Lang> {
        self.lang.subscribe()
    }

    /// Decides whether `event` is shown at `at`, and if so lists it. A repeat held back is
    /// counted on the last one shown of its kind and system.
    fn admit(&self, event: &DomainEvent, at: DateTime<Utc>) -> Option<(Notice, u32)> {
        let offset = *Local::now().offset();
        let notice = notice_for(event, self.lang(), offset)?;
        let mut inner = self.inner();
        if !wanted(&inner.prefs, notice.kind) {
            return None;
        }
        let window = Duration::minutes(i64::from(inner.prefs.dedup_minutes));
        if !inner.dedup.admit(notice.system_id, notice.kind, at, window) {
            let kind = notice.kind;
            if let Some(last) = inner
                .records
                .iter_mut()
                .find(|r| r.kind == kind && r.system_id == notice.system_id)
            {
                last.repeats = last.repeats.saturating_add(1);
            }
            return None;
        }
        let id = inner.next_id;
        inner.next_id = inner.next_id.wrapping_add(1).max(1);
        inner.records.push_front(NotificationRecord {
            id,
            kind: notice.kind,
            system_id: notice.system_id,
            target: notice.target,
            title: notice.title.clone(),
            body: notice.body.clone(),
            shown_at: at,
            repeats: 0,
            delivered: false,
        });
        inner.records.truncate(RECORDS_KEPT);
        Some((notice, id))
    }

    fn mark_delivered(&self, id: u32) -> Option<NotificationRecord> {
        let mut inner = self.inner();
        let record = inner.records.iter_mut().find(|r| r.id == id)?;
        record.delivered = true;
        Some(record.clone())
    }

    fn record(&self, id: u32) -> Option<NotificationRecord> {
        self.inner().records.iter().find(|r| r.id == id).cloned()
    }
}

/// The saved notification preferences, or the defaults when there is no data or they
/// cannot be read. Awaited before [`start`], off the main thread: that thread serves the
/// page its files at start-up, and a read waiting there delays the window's first page.
pub async fn saved_prefs<R: Runtime>(app: &AppHandle<R>) -> NotificationPrefs {
    let services = app.state::<AppState>().services().ok().cloned();
    let Some(services) = services else {
        return NotificationPrefs::default();
    };
    services.notification_prefs().await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot read the notification preferences; using the defaults");
        NotificationPrefs::default()
    })
}

/// Manages the notifier with `prefs` (as saved: [`saved_prefs`]) and starts turning events
/// into notifications. Called once at start, after the [`AppState`].
pub fn start<R: Runtime>(
    app: &AppHandle<R>,
    presenter: Box<dyn Presenter>,
    prefs: NotificationPrefs,
) {
    app.manage(Notifier::new(presenter, prefs));
    let Ok(services) = app.state::<AppState>().services().cloned() else {
        return;
    };
    let mut events = services.subscribe();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    notify_event(&app, &event, now());
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "events came faster than notifications were shown");
                }
                Err(RecvError::Closed) => return,
            }
        }
    });
}

/// Shows the notification `event` deserves at `at`, unless the preferences or the
/// deduplication window hold it back; returns the new record's id.
pub fn notify_event<R: Runtime>(
    app: &AppHandle<R>,
    event: &DomainEvent,
    at: DateTime<Utc>,
) -> Option<u32> {
    let notifier = app.try_state::<Notifier>()?;
    let (notice, id) = notifier.admit(event, at)?;
    let record = match notifier.presenter.present(id, &notice) {
        Ok(()) => notifier.mark_delivered(id),
        Err(e) => {
            tracing::warn!(error = %e, "the desktop did not take a notification; it is listed only");
            notifier.record(id)
        }
    }?;
    if let Err(e) = (NotificationEvent::Shown { record }).emit(app) {
        tracing::warn!(error = %e, "cannot tell the window about a notification");
    }
    Some(id)
}

/// A click on notification `id`: brings the window up and asks the UI to open its page.
pub fn clicked<R: Runtime>(app: &AppHandle<R>, id: u32) {
    crate::desktop::show_main_window(app);
    // Older than the list keeps: the window comes up on the page it was on.
    let Some(record) = app.try_state::<Notifier>().and_then(|n| n.record(id)) else {
        return;
    };
    let event = NotificationEvent::Clicked {
        record_id: record.id,
        target: record.target,
        system_id: record.system_id,
    };
    if let Err(e) = event.emit(app) {
        tracing::warn!(error = %e, "cannot tell the window which page to open");
    }
}
