//! Backups of the database: `VACUUM INTO` copies in `<data folder>/backups`, made by the
//! schedule (interval and how many to keep are settings) or on demand, listed with their
//! size and time, and restored once the file has passed its checks (`restore`).
//! Administrators only.

mod files;
mod restore;
mod schedule;

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::audit::AuditOutcome;
use storelink_core::error::{AppError, Rule, Violations};
use storelink_core::ids::now;
use storelink_core::{Actor, Operation};
use storelink_store::backup::{file_error, vacuum_into};
use storelink_store::db_error;

pub use files::{BackupInfo, BackupKind};
pub use restore::RestoreReport;
pub(crate) use schedule::run_schedule;

use crate::audit::{record, Change};
use crate::Services;

const SETTINGS_KEY: &str = "backups";
pub const INTERVAL_HOURS_MAX: u32 = 168;
pub const KEEP_MAX: u32 = 100;

/// When to back up and how many copies to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct BackupSettings {
    /// Scheduled backups on or off (backing up by hand always works).
    pub enabled: bool,
    /// Hours between scheduled backups, 1 to 168.
    pub interval_hours: u32,
    /// How many backups to keep (the oldest go first), 1 to 100.
    pub keep: u32,
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings {
            enabled: true,
            interval_hours: 24,
            keep: 7,
        }
    }
}

impl BackupSettings {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut v = Violations::new();
        if !(1..=INTERVAL_HOURS_MAX).contains(&self.interval_hours) {
            v.push(
                "interval_hours",
                Rule::OutOfRange {
                    min: 1,
                    max: i64::from(INTERVAL_HOURS_MAX),
                },
                format!("interval_hours must be between 1 and {INTERVAL_HOURS_MAX}"),
            );
        }
        if !(1..=KEEP_MAX).contains(&self.keep) {
            v.push(
                "keep",
                Rule::OutOfRange {
                    min: 1,
                    max: i64::from(KEEP_MAX),
                },
                format!("keep must be between 1 and {KEEP_MAX}"),
            );
        }
        v.into_result()
    }

    fn interval(&self) -> chrono::Duration {
        chrono::Duration::hours(i64::from(self.interval_hours))
    }
}

/// What the backups tab shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct BackupOverview {
    pub settings: BackupSettings,
    /// Newest first.
    pub backups: Vec<BackupInfo>,
    /// Where the files are.
    pub folder: String,
    /// When the schedule makes the next one; `None` while it is off, or before the first
    /// backup (made a few minutes after the app starts).
    pub next_run_at: Option<DateTime<Utc>>,
}

/// One backup or restore at a time in this process.
fn one_at_a_time() -> &'static tokio::sync::Mutex<()> {
    static LOCK: OnceLock<tokio::sync::Mutex<()>> = OnceLock::new();
    LOCK.get_or_init(|| tokio::sync::Mutex::new(()))
}

impl crate::stored_settings::StoredSetting for BackupSettings {
    const KEY: &'static str = SETTINGS_KEY;
    const ENTITY: &'static str = "backup_settings";
    const OPERATION: Operation = Operation::BackupsManage;

    fn check(&self) -> Result<(), AppError> {
        self.validate()
    }
}

impl Services {
    pub fn backup_folder(&self) -> PathBuf {
        self.data_dir.join(files::FOLDER)
    }

    /// The saved settings (defaults if never saved). Read by the schedule, without a user.
    pub async fn backup_settings(&self) -> Result<BackupSettings, AppError> {
        self.stored_setting().await
    }

    pub async fn save_backup_settings(
        &self,
        actor: &Actor,
        new: BackupSettings,
    ) -> Result<BackupSettings, AppError> {
        let saved = self.save_stored_setting(actor, new).await?;
        schedule::settings_changed().notify_waiters();
        Ok(saved)
    }

    pub async fn backups_overview(&self, actor: &Actor) -> Result<BackupOverview, AppError> {
        self.authorize(actor, Operation::BackupsManage, "backup", None)
            .await?;
        let settings = self.backup_settings().await?;
        let folder = self.backup_folder();
        let backups = files::list(&folder)?;
        let next_run_at = settings
            .enabled
            .then(|| backups.first().map(|b| b.created_at + settings.interval()))
            .flatten();
        Ok(BackupOverview {
            settings,
            backups,
            folder: folder.display().to_string(),
            next_run_at,
        })
    }

    /// Backs up now ("back up now" in the settings).
    pub async fn run_backup(&self, actor: &Actor) -> Result<BackupInfo, AppError> {
        self.authorize(actor, Operation::BackupsManage, "backup", None)
            .await?;
        let info = self.make_backup(BackupKind::Manual).await?;
        let mut tx = self.db.write().await?;
        record(
            &mut tx,
            actor,
            Change {
                op: Operation::BackupsManage,
                entity: "backup",
                entity_id: Some(info.name.clone()),
                outcome: AuditOutcome::Success,
                before: None,
                after: serde_json::to_value(&info).ok(),
                detail: Some("backup made".into()),
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(info)
    }

    /// Writes a copy to a `.partial` file, flushes it to disk, then gives it its name, so
    /// a listed backup is always complete; then keeps only the newest `keep`.
    pub(crate) async fn make_backup(&self, kind: BackupKind) -> Result<BackupInfo, AppError> {
        let _one = one_at_a_time().lock().await;
        let dir = self.backup_folder();
        std::fs::create_dir_all(&dir).map_err(|e| file_error(&dir, &e))?;
        let name = files::new_name(&dir, kind, now());
        let partial = dir.join(format!("{name}.partial"));
        let done = dir.join(&name);
        {
            let mut conn = self.db.read().await?;
            if let Err(e) = vacuum_into(&mut conn, &partial).await {
                // A copy cut short (a damaged database, a full disk) is not a backup.
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        }
        let flushed = partial.clone();
        tokio::task::spawn_blocking(move || std::fs::File::open(&flushed)?.sync_all())
            .await
            .map_err(AppError::internal)?
            .map_err(|e| file_error(&partial, &e))?;
        std::fs::rename(&partial, &done).map_err(|e| file_error(&done, &e))?;
        let keep = self.backup_settings().await?.keep;
        for old in files::prune(&dir, keep)? {
            tracing::info!(backup = %old, "old backup removed");
        }
        let size_bytes = std::fs::metadata(&done)
            .map_err(|e| file_error(&done, &e))?
            .len();
        tracing::info!(backup = %name, size_bytes, "backup made");
        Ok(BackupInfo {
            created_at: files::list(&dir)?
                .into_iter()
                .find(|b| b.name == name)
                .map_or_else(now, |b| b.created_at),
            name,
            kind,
            size_bytes,
        })
    }
}
