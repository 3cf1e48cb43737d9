//! The listener's settings, kept in the data folder: off by default, loopback unless LAN
//! mode, HTTPS only in LAN mode. The desktop shell starts and stops the listener by them.

use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::error::{AppError, Rule, Violations};
use storelink_core::{Actor, Operation};

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

impl crate::stored_settings::StoredSetting for ListenerSettings {
    const KEY: &'static str = KEY;
    const ENTITY: &'static str = "listener";
    const OPERATION: Operation = Operation::ListenerManage;

    fn check(&self) -> Result<(), AppError> {
        self.validate()
    }
}

impl Services {
    /// The saved settings (defaults if never saved). Read at start without a user.
    pub async fn listener_settings(&self) -> Result<ListenerSettings, AppError> {
        self.stored_setting().await
    }

    pub async fn save_listener_settings(
        &self,
        actor: &Actor,
        new: ListenerSettings,
    ) -> Result<ListenerSettings, AppError> {
        self.save_stored_setting(actor, new).await
    }
}
