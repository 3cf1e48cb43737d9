//! Turning the listener on and off from the desktop app's settings: one running listener
//! at a time, restarted when its settings change.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::AppError;
use storelink_service::listener_settings::ListenerSettings;
use storelink_service::Services;
use tokio::sync::Mutex;

use crate::{certificate, start, tls, Listener, ListenerConfig, DEFAULT_BODY_LIMIT};

/// What the settings page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ListenerStatus {
    pub settings: ListenerSettings,
    pub running: bool,
    /// The address on this computer, e.g. `http://127.0.0.1:8765`.
    pub url: Option<String>,
    /// In LAN mode, the addresses terminals on the store's network use.
    pub lan_urls: Vec<String>,
    /// SHA-256 of the HTTPS certificate, for terminals to pin (LAN mode with HTTPS).
    pub fingerprint: Option<String>,
    /// Why it is not running although enabled (port taken, ...).
    pub error: Option<String>,
}

pub struct ListenerControl {
    services: Services,
    running: Mutex<Option<(Listener, Option<String>)>>,
    last_error: Mutex<Option<String>>,
}

impl ListenerControl {
    pub fn new(services: Services) -> Self {
        ListenerControl {
            services,
            running: Mutex::new(None),
            last_error: Mutex::new(None),
        }
    }

    /// Starts, restarts or stops the listener to match `settings`.
    pub async fn apply(&self, settings: ListenerSettings) -> ListenerStatus {
        let mut running = self.running.lock().await;
        if let Some((listener, _)) = running.take() {
            listener.stop().await;
        }
        let mut error = None;
        if settings.enabled {
            match self.launch(settings).await {
                Ok(started) => *running = Some(started),
                Err(e) => {
                    tracing::error!(error = %e, "the listener could not start");
                    error = Some(e.to_string());
                }
            }
        }
        *self.last_error.lock().await = error.clone();
        status_of(settings, running.as_ref(), error)
    }

    pub async fn status(&self) -> Result<ListenerStatus, AppError> {
        let settings = self.services.listener_settings().await?;
        let running = self.running.lock().await;
        let error = self.last_error.lock().await.clone();
        let mut status = status_of(settings, running.as_ref(), error);
        if status.fingerprint.is_none() && settings.tls {
            status.fingerprint = certificate::stored_fingerprint(&self.services).await;
        }
        Ok(status)
    }

    async fn launch(
        &self,
        settings: ListenerSettings,
    ) -> Result<(Listener, Option<String>), AppError> {
        let ip: [u8; 4] = if settings.lan {
            [0, 0, 0, 0]
        } else {
            [127, 0, 0, 1]
        };
        let addr = SocketAddr::from((ip, settings.port));
        let (tls_config, fingerprint) = if settings.tls {
            let names = certificate_names();
            let (material, fingerprint) =
                certificate::load_or_create(&self.services, &names).await?;
            let config =
                tls::server_config(&material).map_err(|e| AppError::internal(e.to_string()))?;
            (Some(config), Some(fingerprint))
        } else {
            (None, None)
        };
        let listener = start(
            self.services.clone(),
            ListenerConfig {
                addr,
                lan: settings.lan,
                tls: tls_config,
                body_limit: DEFAULT_BODY_LIMIT,
            },
        )
        .await?;
        Ok((listener, fingerprint))
    }

    pub async fn stop(&self) {
        if let Some((listener, _)) = self.running.lock().await.take() {
            listener.stop().await;
        }
    }
}

/// Host names and addresses the certificate names: this computer, and its LAN addresses
/// when it is made (terminals pin the fingerprint, so later address changes do not matter).
pub fn certificate_names() -> Vec<String> {
    let mut names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    names.extend(
        crate::server::lan_addresses()
            .iter()
            .map(ToString::to_string),
    );
    names
}

fn status_of(
    settings: ListenerSettings,
    running: Option<&(Listener, Option<String>)>,
    error: Option<String>,
) -> ListenerStatus {
    ListenerStatus {
        settings,
        running: running.is_some(),
        url: running.map(|(l, _)| l.base_url()),
        lan_urls: running.map(|(l, _)| l.lan_urls()).unwrap_or_default(),
        fingerprint: running.and_then(|(_, f)| f.clone()),
        error,
    }
}
