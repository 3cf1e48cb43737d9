//! What the desktop shell keeps and reads for itself: which desktop notifications the store
//! wants (kept in the data folder's settings table, so they outlive restarts and apply to
//! whoever is signed in, as the notifications are shown to whoever sits at the machine), and
//! the figures its tray icon's colour is made from.

use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::error::{AppError, Rule, Violations};
use storelink_core::health::HealthSnapshot;
use storelink_core::system::{ExternalSystem, ValidSystemFilter};
use storelink_core::{Actor, Operation, PageRequest};
use storelink_store::{health as store_health, systems};

use crate::Services;

const PREFS_KEY: &str = "notification_prefs";
/// Repeats of one kind of notification for one system within this many minutes are held
/// back, so a flapping vendor does not flood the screen.
pub const NOTIFY_DEDUP_MINUTES_DEFAULT: u32 = 10;
pub const NOTIFY_DEDUP_MINUTES_MIN: u32 = 1;
/// A day: a longer silence would hide that a vendor is still failing.
pub const NOTIFY_DEDUP_MINUTES_MAX: u32 = 24 * 60;

/// Which desktop notifications are shown. Every kind is on until someone turns it off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct NotificationPrefs {
    /// A sync task failed.
    pub sync_failed: bool,
    /// A change could not be delivered and waits for a person (dead outbox entry).
    pub outbox_dead: bool,
    /// A system's health score fell.
    pub health_drop: bool,
    pub reservation_created: bool,
    pub reservation_cancelled: bool,
    /// The deduplication window in minutes.
    pub dedup_minutes: u32,
}

impl Default for NotificationPrefs {
    fn default() -> Self {
        NotificationPrefs {
            sync_failed: true,
            outbox_dead: true,
            health_drop: true,
            reservation_created: true,
            reservation_cancelled: true,
            dedup_minutes: NOTIFY_DEDUP_MINUTES_DEFAULT,
        }
    }
}

impl NotificationPrefs {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut v = Violations::new();
        if !(NOTIFY_DEDUP_MINUTES_MIN..=NOTIFY_DEDUP_MINUTES_MAX).contains(&self.dedup_minutes) {
            v.push(
                "dedup_minutes",
                Rule::OutOfRange {
                    min: i64::from(NOTIFY_DEDUP_MINUTES_MIN),
                    max: i64::from(NOTIFY_DEDUP_MINUTES_MAX),
                },
                format!(
                    "dedup_minutes must be between {NOTIFY_DEDUP_MINUTES_MIN} and {NOTIFY_DEDUP_MINUTES_MAX}"
                ),
            );
        }
        v.into_result()
    }
}

/// The systems and their latest health, for the tray icon's overall state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TraySignals {
    pub systems: Vec<ExternalSystem>,
    pub health: Vec<HealthSnapshot>,
}

/// More systems than one store ever has; the tray looks at the first page only.
const TRAY_SYSTEMS_LIMIT: u32 = 1000;

impl crate::stored_settings::StoredSetting for NotificationPrefs {
    const KEY: &'static str = PREFS_KEY;
    const ENTITY: &'static str = "notification_prefs";
    const OPERATION: Operation = Operation::NotificationsManage;

    fn check(&self) -> Result<(), AppError> {
        self.validate()
    }
}

impl Services {
    /// The saved preferences (defaults if never saved). Read at start without a user.
    pub async fn notification_prefs(&self) -> Result<NotificationPrefs, AppError> {
        self.stored_setting().await
    }

    pub async fn save_notification_prefs(
        &self,
        actor: &Actor,
        new: NotificationPrefs,
    ) -> Result<NotificationPrefs, AppError> {
        self.save_stored_setting(actor, new).await
    }

    /// Every live system and its latest health snapshot. Read without a user: the tray
    /// shows only a colour made from them, to whoever sits at the machine.
    pub async fn tray_signals(&self) -> Result<TraySignals, AppError> {
        let mut conn = self.db.read().await?;
        let page = PageRequest {
            cursor: None,
            limit: Some(TRAY_SYSTEMS_LIMIT),
        };
        let systems = systems::list(&mut conn, &ValidSystemFilter::default(), &page)
            .await?
            .items;
        let health = store_health::latest_all(&mut conn, None).await?;
        Ok(TraySignals { systems, health })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_take_the_defaults_and_the_window_is_bounded() {
        let prefs: NotificationPrefs =
            serde_json::from_str(r#"{"health_drop": false}"#).expect("parses");
        assert!(!prefs.health_drop);
        assert!(prefs.sync_failed && prefs.reservation_created);
        assert_eq!(prefs.dedup_minutes, NOTIFY_DEDUP_MINUTES_DEFAULT);
        assert!(prefs.validate().is_ok());
        for bad in [0, NOTIFY_DEDUP_MINUTES_MAX + 1] {
            let prefs = NotificationPrefs {
                dedup_minutes: bad,
                ..NotificationPrefs::default()
            };
            assert!(matches!(prefs.validate(), Err(AppError::Validation { .. })));
        }
    }
}
