//! The sync engine: runs a stream's pull as a persisted task, page by page, each page
//! stored with its sync logs and checkpoint in one transaction, with retries, a rate limit
//! per system, and resume after a crash. Vendor protocols come from the connectors crate.

pub mod breaker;
pub mod health;
mod locks;
pub mod outbox;
mod pull;
pub mod records;
pub mod retry;
mod schedule;
pub mod sink;
pub mod timing;

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use storelink_connectors::connector::Connector;
use storelink_connectors::registry::{self, ConnectorSettings};
use storelink_core::error::AppError;
use storelink_core::system::ExternalSystem;
use storelink_secrets::Keychain;
use storelink_store::Db;

pub use pull::SyncRequest;

/// Calls a second to a vendor unless its config says otherwise (`rate_limit_per_second`).
pub const DEFAULT_RATE_LIMIT: u32 = 20;

pub struct Engine {
    db: Db,
    keychain: Keychain,
    limiters: Mutex<HashMap<uuid::Uuid, (u32, Arc<DefaultDirectRateLimiter>)>>,
    pub(crate) breakers: breaker::Breakers,
    pub(crate) timings: Arc<timing::CallTimings>,
    pub(crate) alerts: health::Alerts,
    domain_sink: Option<Arc<dyn sink::DomainSink>>,
    /// Each sync task as it starts, stores pages and ends, for whoever shows progress.
    progress: tokio::sync::broadcast::Sender<storelink_core::sync::SyncTask>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("db", &self.db.path())
            .finish_non_exhaustive()
    }
}

impl Engine {
    pub fn new(db: Db, keychain: Keychain) -> Self {
        Engine {
            db,
            keychain,
            limiters: Mutex::new(HashMap::new()),
            breakers: breaker::Breakers::new(Duration::from_secs(60)),
            timings: Arc::default(),
            alerts: health::Alerts::new(health::ALERT_DEDUP),
            domain_sink: None,
            progress: tokio::sync::broadcast::channel(256).0,
        }
    }

    /// Sync tasks as they start, store pages (at most about once a second) and end.
    pub fn subscribe_progress(
        &self,
    ) -> tokio::sync::broadcast::Receiver<storelink_core::sync::SyncTask> {
        self.progress.subscribe()
    }

    /// Tells progress listeners about a task's new state.
    pub(crate) fn announce(&self, task: &storelink_core::sync::SyncTask) {
        // Nobody listening is not an error.
        let _ = self.progress.send(task.clone());
    }

    /// Where pulled reservations, supplier orders and members are applied (the service
    /// crate's rules); without one, streams of those entities refuse to run.
    pub fn with_domain_sink(mut self, sink: Arc<dyn sink::DomainSink>) -> Self {
        self.domain_sink = Some(sink);
        self
    }

    pub(crate) fn domain_sink(&self) -> Result<Arc<dyn sink::DomainSink>, AppError> {
        self.domain_sink.clone().ok_or_else(|| {
            AppError::internal(
                "reservations, supplier orders and members are applied by the service; \
                 this engine was started without it",
            )
        })
    }

    /// How long a repeated alert is held back (tests shorten it).
    pub fn with_alert_window(mut self, window: Duration) -> Self {
        self.alerts = health::Alerts::new(window);
        self
    }

    /// How long the breaker first pauses a failing vendor (tests shorten it).
    pub fn with_breaker_pause(mut self, pause: Duration) -> Self {
        self.breakers = breaker::Breakers::new(pause);
        self
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The token bucket of a system, sized by its config.
    fn limiter(&self, system: &ExternalSystem) -> Arc<DefaultDirectRateLimiter> {
        let rate = system
            .config
            .get("rate_limit_per_second")
            .and_then(serde_json::Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .and_then(NonZeroU32::new)
            .unwrap_or(NonZeroU32::new(DEFAULT_RATE_LIMIT).unwrap_or(NonZeroU32::MIN));
        let mut map = self
            .limiters
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let entry = map
            .entry(system.id)
            .or_insert_with(|| (0, Arc::new(RateLimiter::direct(Quota::per_second(rate)))));
        if entry.0 != rate.get() {
            *entry = (
                rate.get(),
                Arc::new(RateLimiter::direct(Quota::per_second(rate))),
            );
        }
        Arc::clone(&entry.1)
    }

    /// The connector for a system, with its credentials from the keychain and its field
    /// mapping (the shipped default with the system's overrides).
    pub async fn connector(&self, system: &ExternalSystem) -> Result<Box<dyn Connector>, AppError> {
        let mut secrets = std::collections::BTreeMap::new();
        for name in &system.secret_fields {
            if let Some(secret) = self.keychain.get(system.id, name).await? {
                secrets.insert(name.clone(), secret.expose().to_owned());
            }
        }
        let connector = registry::build(&ConnectorSettings {
            system_type: system.system_type,
            provider: system.provider.clone(),
            api_endpoint: system.api_endpoint.clone(),
            config: system.config.clone(),
            secrets,
        })?;
        // Every call through it is timed for the system's health.
        Ok(Box::new(timing::Timed::new(
            connector,
            system.id,
            Arc::clone(&self.timings),
        )))
    }
}
