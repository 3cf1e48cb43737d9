//! The backup schedule, run beside the background sync: it sleeps until the next backup
//! is due (the newest backup plus the interval; the first one a few minutes after start)
//! and wakes early only when the settings change, so it costs nothing while idle.

use std::sync::OnceLock;
use std::time::Duration;

use chrono::{DateTime, Utc};
use storelink_core::ids::now;
use storelink_core::AppError;
use tokio::sync::{watch, Notify};

use super::files::{self, BackupKind};
use crate::Services;

/// Without any backup yet, the first one is made this long after the app starts (not at
/// once, so starting stays fast).
const FIRST_DELAY: chrono::Duration = chrono::Duration::minutes(10);
/// After a failed backup, the next attempt.
const RETRY_AFTER: chrono::Duration = chrono::Duration::hours(1);
/// The longest sleep: the clock may have jumped meanwhile.
const LONGEST_SLEEP: Duration = Duration::from_secs(6 * 3600);

/// Woken when a person saves the backup settings.
pub(crate) fn settings_changed() -> &'static Notify {
    static CHANGED: OnceLock<Notify> = OnceLock::new();
    CHANGED.get_or_init(Notify::new)
}

impl Services {
    /// When the schedule makes the next backup; `None` while scheduled backups are off.
    async fn next_backup_at(
        &self,
        started: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, AppError> {
        let settings = self.backup_settings().await?;
        if !settings.enabled {
            return Ok(None);
        }
        let newest = files::list(&self.backup_folder())?
            .first()
            .map(|b| b.created_at);
        Ok(Some(match newest {
            Some(at) => at + settings.interval(),
            None => started + FIRST_DELAY,
        }))
    }
}

/// Runs until `stop` says so (or its sender is gone).
pub(crate) async fn run_schedule(services: Services, mut stop: watch::Receiver<bool>) {
    let started = now();
    let mut failed_at: Option<DateTime<Utc>> = None;
    loop {
        let changed = settings_changed().notified();
        let wait = match services.next_backup_at(started).await {
            Ok(Some(due)) => {
                let due = failed_at.map_or(due, |f| due.max(f + RETRY_AFTER));
                (due - now()).to_std().unwrap_or(Duration::ZERO)
            }
            Ok(None) => LONGEST_SLEEP,
            Err(e) => {
                tracing::warn!(error = %e, "cannot tell when the next backup is due");
                RETRY_AFTER.to_std().unwrap_or(LONGEST_SLEEP)
            }
        };
        if wait.is_zero() {
            match services.make_backup(BackupKind::Scheduled).await {
                Ok(_) => failed_at = None,
                Err(e) => {
                    tracing::error!(error = %e, "the scheduled backup failed");
                    failed_at = Some(now());
                }
            }
            continue;
        }
        tokio::select! {
            () = tokio::time::sleep(wait.min(LONGEST_SLEEP)) => {}
            () = changed => {}
            _ = stop.wait_for(|s| *s) => break,
        }
    }
}
