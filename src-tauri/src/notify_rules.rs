//! What becomes a desktop notification, and when a repeat is held back. Pure functions, so
//! the rules are tested without a window: which domain events notify (sync failures, dead
//! outbox entries, health drops, new and cancelled reservations), the text in the person's
//! language, the page a click opens, and the deduplication window.

use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::health::AlertKind;
use storelink_core::ingest::DomainEvent;
use storelink_service::desktop::NotificationPrefs;
use uuid::Uuid;

/// Why a notification was shown; one preference switch each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    SyncFailed,
    OutboxDead,
    HealthDrop,
    ReservationCreated,
    ReservationCancelled,
}

/// The page a click on the notification opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum NotificationTarget {
    SyncTasks,
    Outbox,
    Dashboard,
    FrontDesk,
}

/// The UI's languages (its `Lang`): notifications and the tray menu follow the window's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// A notification about to be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NotificationKind,
    pub system_id: Uuid,
    pub target: NotificationTarget,
    pub title: String,
    pub body: String,
}

/// Vendors' error texts can be long; a notification shows the start, the logs the rest.
const BODY_MAX_CHARS: usize = 300;

fn clip(text: &str) -> String {
    let mut chars = text.chars();
    let clipped: String = chars.by_ref().take(BODY_MAX_CHARS).collect();
    if chars.next().is_some() {
        format!("{clipped}…")
    } else {
        clipped
    }
}

/// The notification an event deserves, if any. Reservation times are shown in `offset`
/// (the machine's local time). The alert texts come from the core in English in both
/// languages: they carry the vendor's own error text, which is not translated either.
pub fn notice_for(event: &DomainEvent, lang: Lang, offset: FixedOffset) -> Option<Notice> {
    let zh = lang == Lang::Zh;
    let pick = |zh_text: &str, en_text: &str| {
        if zh {
            zh_text.to_owned()
        } else {
            en_text.to_owned()
        }
    };
    let notice = match event {
        DomainEvent::Alert { alert } => {
            let (kind, target, title) = match alert.kind {
                AlertKind::TaskFailed => (
                    NotificationKind::SyncFailed,
                    NotificationTarget::SyncTasks,
                    pick("同步失败", "Sync failed"),
                ),
                AlertKind::OutboxDead => (
                    NotificationKind::OutboxDead,
                    NotificationTarget::Outbox,
                    pick(
                        "变更未能送达，需人工重试",
                        "A change could not be delivered",
                    ),
                ),
                AlertKind::HealthDrop => (
                    NotificationKind::HealthDrop,
                    NotificationTarget::Dashboard,
                    pick("系统健康度下降", "System health dropped"),
                ),
            };
            Notice {
                kind,
                system_id: alert.system_id,
                target,
                title,
                body: clip(&alert.message),
            }
        }
        DomainEvent::ReservationCreated {
            system_id,
            reservation_id,
            customer_name,
            reservation_date,
            ..
        } => {
            let when = reservation_date
                .with_timezone(&offset)
                .format("%m-%d %H:%M");
            Notice {
                kind: NotificationKind::ReservationCreated,
                system_id: *system_id,
                target: NotificationTarget::FrontDesk,
                title: pick("新预订", "New reservation"),
                body: clip(&if zh {
                    format!("{customer_name} · {when}（{reservation_id}）")
                } else {
                    format!("{customer_name} · {when} ({reservation_id})")
                }),
            }
        }
        DomainEvent::ReservationCancelled {
            system_id,
            reservation_id,
            customer_name,
            ..
        } => Notice {
            kind: NotificationKind::ReservationCancelled,
            system_id: *system_id,
            target: NotificationTarget::FrontDesk,
            title: pick("预订已取消", "Reservation cancelled"),
            body: clip(&if zh {
                format!("{customer_name}（{reservation_id}）")
            } else {
                format!("{customer_name} ({reservation_id})")
            }),
        },
        _ => return None,
    };
    Some(notice)
}

/// Whether the preferences let this kind through.
pub fn wanted(prefs: &NotificationPrefs, kind: NotificationKind) -> bool {
    match kind {
        NotificationKind::SyncFailed => prefs.sync_failed,
        NotificationKind::OutboxDead => prefs.outbox_dead,
        NotificationKind::HealthDrop => prefs.health_drop,
        NotificationKind::ReservationCreated => prefs.reservation_created,
        NotificationKind::ReservationCancelled => prefs.reservation_cancelled,
    }
}

/// Holds back a notification of a kind for a system when one was shown within the window.
/// The window runs from the last one *shown*, not the last one held back, so a vendor that
/// keeps failing is still mentioned once per window rather than never again.
#[derive(Debug, Default)]
pub struct Dedup {
    last_shown: HashMap<(Uuid, NotificationKind), DateTime<Utc>>,
}

impl Dedup {
    /// True when the notification may be shown (and is remembered as shown at `at`).
    pub fn admit(
        &mut self,
        system_id: Uuid,
        kind: NotificationKind,
        at: DateTime<Utc>,
        window: Duration,
    ) -> bool {
        // Forgetting what has expired keeps the map as small as the live windows.
        self.last_shown.retain(|_, shown| at - *shown < window);
        match self.last_shown.entry((system_id, kind)) {
            std::collections::hash_map::Entry::Occupied(_) => false,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(at);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use storelink_core::health::Alert;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-01T08:00:00Z")
            .map(|t| t.to_utc())
            .unwrap_or_default()
            + Duration::minutes(minutes)
    }

    fn utc8() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).expect("UTC+8")
    }

    #[test]
    fn a_repeat_within_the_window_is_held_back_per_system_and_kind() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let window = Duration::minutes(10);
        let mut dedup = Dedup::default();
        assert!(dedup.admit(a, NotificationKind::SyncFailed, at(0), window));
        assert!(!dedup.admit(a, NotificationKind::SyncFailed, at(3), window));
        assert!(!dedup.admit(a, NotificationKind::SyncFailed, at(9), window));
        // Another system, or another kind of the same system, has its own window.
        assert!(dedup.admit(b, NotificationKind::SyncFailed, at(3), window));
        assert!(dedup.admit(a, NotificationKind::HealthDrop, at(3), window));
        // The window runs from the one shown at 0: at 10 the flapping vendor is told again.
        assert!(dedup.admit(a, NotificationKind::SyncFailed, at(10), window));
        assert!(!dedup.admit(a, NotificationKind::SyncFailed, at(19), window));
    }

    #[test]
    fn alerts_map_to_kinds_pages_and_both_languages() {
        let system = Uuid::from_u128(7);
        let failed = DomainEvent::Alert {
            alert: Alert::task_failed(system, "总部ERP", "customers", Some("refused"), at(0)),
        };
        let zh = notice_for(&failed, Lang::Zh, utc8()).expect("a sync failure notifies");
        assert_eq!(zh.kind, NotificationKind::SyncFailed);
        assert_eq!(zh.target, NotificationTarget::SyncTasks);
        assert_eq!(zh.system_id, system);
        assert_eq!(zh.title, "同步失败");
        assert!(zh.body.contains("总部ERP") && zh.body.contains("refused"));
        let en = notice_for(&failed, Lang::En, utc8()).expect("notifies");
        assert_eq!(en.title, "Sync failed");

        let dead = DomainEvent::Alert {
            alert: Alert::outbox_dead(system, "order:O1", None, at(0)),
        };
        let dead = notice_for(&dead, Lang::En, utc8()).expect("notifies");
        assert_eq!(
            (dead.kind, dead.target),
            (NotificationKind::OutboxDead, NotificationTarget::Outbox)
        );
        let drop = DomainEvent::Alert {
            alert: Alert::health_drop(system, "总部ERP", 90, 40, at(0)),
        };
        let drop = notice_for(&drop, Lang::Zh, utc8()).expect("notifies");
        assert_eq!(
            (drop.kind, drop.target),
            (NotificationKind::HealthDrop, NotificationTarget::Dashboard)
        );
    }

    #[test]
    fn reservations_notify_in_local_time_and_other_events_do_not() {
        let system = Uuid::from_u128(9);
        let created = DomainEvent::ReservationCreated {
            system_id: system,
            id: Uuid::from_u128(10),
            reservation_id: "R-100".into(),
            customer_name: "王女士".into(),
            reservation_date: at(0),
        };
        let notice = notice_for(&created, Lang::Zh, utc8()).expect("notifies");
        assert_eq!(notice.kind, NotificationKind::ReservationCreated);
        assert_eq!(notice.target, NotificationTarget::FrontDesk);
        assert_eq!(notice.body, "王女士 · 03-01 16:00（R-100）");
        let cancelled = DomainEvent::ReservationCancelled {
            system_id: system,
            id: Uuid::from_u128(10),
            reservation_id: "R-100".into(),
            customer_name: "Ms Wang".into(),
        };
        let notice = notice_for(&cancelled, Lang::En, utc8()).expect("notifies");
        assert_eq!(notice.title, "Reservation cancelled");
        assert_eq!(notice.body, "Ms Wang (R-100)");
        let changed = DomainEvent::ReservationChanged {
            system_id: system,
            id: Uuid::from_u128(10),
            reservation_id: "R-100".into(),
            status: "seated".into(),
        };
        assert_eq!(notice_for(&changed, Lang::Zh, utc8()), None);
    }

    #[test]
    fn long_texts_are_clipped_and_preferences_switch_kinds_off() {
        let alert =
            Alert::task_failed(Uuid::nil(), "ERP", "orders", Some(&"x".repeat(1000)), at(0));
        let notice = notice_for(&DomainEvent::Alert { alert }, Lang::En, utc8()).expect("notifies");
        assert_eq!(notice.body.chars().count(), BODY_MAX_CHARS + 1);
        assert!(notice.body.ends_with('…'));

        let prefs = NotificationPrefs {
            outbox_dead: false,
            ..NotificationPrefs::default()
        };
        assert!(!wanted(&prefs, NotificationKind::OutboxDead));
        assert!(wanted(&prefs, NotificationKind::SyncFailed));
        assert!(wanted(&prefs, NotificationKind::ReservationCancelled));
    }
}
