//! The listener's settings, kept in the data folder: off by default, loopback unless LAN
//! mode, HTTPS only in LAN mode. The desktop shell starts and stops the listener by them.

use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::audit::AuditOutcome;
use storelink_core::error::{AppError, Rule, Violations};
use storelink_core::{Actor, Operation};
use storelink_store::{db_error, settings};

use crate::audit::{record, Change};
use crate::Services;

const KEY: &str = "listener";
pub const DEFAULT_LISTENER_PORT: u16 = 8765;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ListenerSettings {
    pub enabled: bool,
    /// Listen on the store's network, not only on this computer.
    pub lan: bool,
    pub port: u16,
    /// HTTPS with the listener's own certificate (LAN mode only).
    pub tls: bool,
}

impl Default for ListenerSettings {
    fn default() -> Self {
        ListenerSettings {
            enabled: false,
            lan: false,
            port: DEFAULT_LISTENER_PORT,
            tls: false,
        }
    }
}

impl ListenerSettings {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut v = Violations::new();
        if self.port < 1024 {
            v.push(
                "port",
                Rule::OutOfRange {
                    min: 1024,
                    max: 65535,
                },
                "port must be between 1024 and 65535",
            );
        }
        if self.tls && !self.lan {
            v.push(
                "tls",
                Rule::Format {
                    expected: "LAN mode on".into(),
                },
                "HTTPS is for LAN mode; turn LAN mode on first",
            );
        }
        v.into_result()
    }
}

impl Services {
    /// The saved settings (defaults if never saved). Read at start without a user.
    pub async fn listener_settings(&self) -> Result<ListenerSettings, AppError> {
        let mut conn = self.db.read().await?;
        Ok(settings::get(&mut conn, KEY)
            .await?
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default())
    }

    pub async fn save_listener_settings(
        &self,
        actor: &Actor,
        new: ListenerSettings,
    ) -> Result<ListenerSettings, AppError> {
        self.authorize(actor, Operation::ListenerManage, "listener", None)
            .await?;
        new.validate()?;
        let before = self.listener_settings().await?;
        let mut tx = self.db.write().await?;
        let text = serde_json::to_string(&new).map_err(AppError::internal)?;
        settings::set(&mut tx, KEY, &text).await?;
        record(
            &mut tx,
            actor,
            Change {
                op: Operation::ListenerManage,
                entity: "listener",
                entity_id: None,
                outcome: AuditOutcome::Success,
                before: serde_json::to_value(before).ok(),
                after: serde_json::to_value(new).ok(),
                detail: None,
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(new)
    }
}
