use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::ingest::DomainEvent;
use storelink_core::system::ExternalSystem;
use storelink_core::token::ApiToken;
use uuid::Uuid;

use crate::cache::TtlCache;
use storelink_core::user::UserView;
use storelink_core::AppError;
use storelink_secrets::Keychain;
use storelink_store::{BatchWriter, Db, DB_FILE_NAME};
use tokio::sync::broadcast;

/// The bundle identifier; the desktop app's data folder is named after it, so the CLI's
/// default folder is the same one.
pub const APP_IDENTIFIER: &str = "com.storelink.desktop";
pub const KEYCHAIN_SERVICE: &str = "storelink";

/// `<OS data dir>/com.storelink.desktop`: what Tauri's `app_data_dir()` gives on every OS.
pub fn default_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join(APP_IDENTIFIER))
}

/// Everything an operation needs: the database, the keychain, and settings.
#[derive(Debug, Clone)]
pub struct Services {
    pub(crate) db: Db,
    pub(crate) keychain: Keychain,
    pub(crate) data_dir: PathBuf,
    pub(crate) probe_timeout: Duration,
    /// Group-commit writer for pushes: many requests, one fsync.
    pub(crate) batch: BatchWriter,
    pub(crate) events: broadcast::Sender<DomainEvent>,
    /// Token (by hash) and system (by id) lookups of the push path.
    pub(crate) tokens_cache: Arc<TtlCache<String, ApiToken>>,
    pub(crate) systems_cache: Arc<TtlCache<Uuid, Arc<ExternalSystem>>>,
    pub(crate) engine: Arc<storelink_engine::Engine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct AppStatus {
    /// No account exists yet: the first start must create the administrator.
    pub needs_admin: bool,
    pub current_user: Option<UserView>,
    pub data_dir: String,
    pub version: String,
}

/// The database's path in `data_dir`, creating the folder.
fn database_in(data_dir: &Path) -> Result<std::path::PathBuf, AppError> {
    std::fs::create_dir_all(data_dir).map_err(|e| AppError::DatabaseRefused {
        message: format!(
            "the data folder {} cannot be created: {e}",
            data_dir.display()
        ),
        remedy: "choose a data folder this user can write to (--data-dir or STORELINK_DATA_DIR)"
            .into(),
    })?;
    Ok(data_dir.join(DB_FILE_NAME))
}

impl Services {
    /// Opens the data folder (creating it), its database, and the keychain namespace.
    pub async fn open(data_dir: &Path) -> Result<Services, AppError> {
        let db = Db::open(&database_in(data_dir)?).await?;
        Ok(Self::with_db(data_dir, db))
    }

    /// Like [`Services::open`], but a whole-file check of the database runs in the
    /// background while reads are served; writes wait for it
    /// (`Db::open_checking_in_background`). For the desktop's start-up.
    pub async fn open_checking_in_background(data_dir: &Path) -> Result<Services, AppError> {
        let db = Db::open_checking_in_background(&database_in(data_dir)?).await?;
        Ok(Self::with_db(data_dir, db))
    }

    fn with_db(data_dir: &Path, db: Db) -> Services {
        let (events, _) = broadcast::channel(1024);
        let keychain = Keychain::new(KEYCHAIN_SERVICE);
        let engine = Arc::new(
            storelink_engine::Engine::new(db.clone(), keychain.clone())
                .with_domain_sink(Arc::new(crate::ingest::PulledRecords::new(events.clone()))),
        );
        crate::health::forward_alerts(&engine, events.clone());
        crate::sync::forward_progress(&engine, events.clone());
        Services {
            engine,
            batch: BatchWriter::start(db.clone()),
            db,
            keychain,
            data_dir: data_dir.to_owned(),
            probe_timeout: Duration::from_secs(10),
            events,
            tokens_cache: Arc::new(TtlCache::new()),
            systems_cache: Arc::new(TtlCache::new()),
        }
    }

    /// Shortens the connection-test timeout (tests of slow endpoints).
    pub fn with_probe_timeout(mut self, timeout: Duration) -> Self {
        self.probe_timeout = timeout;
        self
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Live domain events (new reservations, cancellations, transactions) for the shells.
    pub fn subscribe(&self) -> broadcast::Receiver<DomainEvent> {
        self.events.subscribe()
    }

    /// Tells the shells; nobody listening is not an error.
    pub(crate) fn emit(&self, event: DomainEvent) {
        let _ = self.events.send(event);
    }

    pub async fn status(&self, current_user: Option<UserView>) -> Result<AppStatus, AppError> {
        Ok(AppStatus {
            needs_admin: self.needs_admin().await?,
            current_user,
            data_dir: self.data_dir.display().to_string(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        })
    }

    /// Whether secrets can be saved now; `Err` says why not and what to do.
    pub async fn keychain_check(&self) -> Result<(), AppError> {
        self.keychain.check().await
    }

    /// An application secret (not a system's), such as the listener's TLS key.
    pub async fn app_secret(
        &self,
        name: &str,
    ) -> Result<Option<storelink_secrets::Secret>, AppError> {
        self.keychain.get(uuid::Uuid::nil(), name).await
    }

    pub async fn set_app_secret(
        &self,
        name: &str,
        value: &storelink_secrets::Secret,
    ) -> Result<(), AppError> {
        self.keychain.set(uuid::Uuid::nil(), name, value).await
    }

    pub async fn close(&self) {
        self.db.close().await;
    }

    /// Closes at a clean shutdown, checking the whole file so the next start need not
    /// (see `Db::close_verified`).
    pub async fn close_verified(&self) -> Result<bool, AppError> {
        self.db.close_verified().await
    }

    /// How much of the database file was checked when it was opened.
    pub fn opened_check(&self) -> storelink_store::OpenCheck {
        self.db.opened()
    }
}
