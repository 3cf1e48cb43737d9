//! Restoring a backup. The chosen file is checked first (`PRAGMA integrity_check`, a
//! Storelink schema this version knows) and copied beside the database, where an older
//! schema is brought up to date; anything wrong so far is refused and nothing has changed.
//! Then every connection is closed, the current database is kept as a `pre-restore`
//! backup, and the copy takes its place. This `Services` is closed afterwards: the shell
//! opens the data folder again (the desktop app restarts), and the app is back on the
//! restored data.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::audit::AuditOutcome;
use storelink_core::ids::now;
use storelink_core::{Actor, AppError, Operation};
use storelink_store::backup::{copy_closed, file_error, inspect, remove_sidecars};
use storelink_store::{backup as store_backup, db_error, Db};

use super::files::{self, BackupKind};
use crate::audit::{record, Change};
use crate::Services;

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct RestoreReport {
    /// The backup now in use.
    pub restored_from: String,
    /// The backup holding the database as it was just before (to undo the restore).
    pub previous_copy: String,
}

/// `storelink.db.restoring`: beside the database, so the final move is a rename.
fn staging_path(db_path: &Path) -> PathBuf {
    let mut name = db_path.as_os_str().to_owned();
    name.push(".restoring");
    PathBuf::from(name)
}

fn discard(staging: &Path) {
    let _ = std::fs::remove_file(staging);
    let _ = remove_sidecars(staging);
}

/// Copies the backup beside the database and opens it as the app does (migrations bring an
/// older schema up to date), then closes it again.
async fn prepare(source: &Path, staging: &Path) -> Result<(), AppError> {
    discard(staging);
    tokio::fs::copy(source, staging)
        .await
        .map_err(|e| file_error(staging, &e))?;
    let db = Db::open(staging).await?;
    db.close().await;
    Ok(())
}

impl Services {
    /// Replaces the database with the backup `name` (see the module notes). Afterwards
    /// this `Services` and its clones are closed; open the data folder again.
    pub async fn restore_backup(
        &self,
        actor: &Actor,
        name: &str,
    ) -> Result<RestoreReport, AppError> {
        self.authorize(
            actor,
            Operation::BackupsManage,
            "backup",
            Some(name.to_owned()),
        )
        .await?;
        let _one = super::one_at_a_time().lock().await;
        let dir = self.backup_folder();
        let source = files::resolve(&dir, name)?;
        let name = source
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(name)
            .to_owned();
        inspect(&source, &name).await?;
        let db_path = self.db.path().to_owned();
        let staging = staging_path(&db_path);
        if let Err(e) = prepare(&source, &staging).await {
            discard(&staging);
            return Err(e);
        }

        // From here on the current database is replaced: nobody may hold it open.
        self.db.close().await;
        let previous_copy = files::new_name(&dir, BackupKind::PreRestore, now());
        let kept = match copy_closed(&db_path, &dir.join(&previous_copy)).await {
            // A damaged database cannot be copied the clean way, and restoring is how it is
            // repaired: it is kept as it is beside the database, not among the backups.
            Err(AppError::DatabaseRefused { .. }) => {
                let _ = std::fs::remove_file(dir.join(&previous_copy));
                let aside = format!(
                    "{}.damaged-{}",
                    storelink_store::DB_FILE_NAME,
                    now().format("%Y%m%dT%H%M%SZ")
                );
                std::fs::copy(&db_path, db_path.with_file_name(&aside))
                    .map(|_| aside)
                    .map_err(|e| file_error(&db_path, &e))
            }
            other => other.map(|()| previous_copy),
        };
        let previous_copy = match kept {
            Ok(name) => name,
            Err(e) => {
                discard(&staging);
                return Err(AppError::DatabaseRefused {
                    message: format!(
                        "the current database could not be kept as a copy ({e}); it was not replaced"
                    ),
                    remedy: "free some disk space, then restart Storelink and try again".into(),
                });
            }
        };
        store_backup::replace_database_file(&db_path, &staging)?;
        tracing::warn!(backup = %name, previous = %previous_copy, "database restored from a backup");

        let report = RestoreReport {
            restored_from: name.clone(),
            previous_copy,
        };
        // The restored database records who restored it, opened as the app opens it.
        let restored = Db::open(&db_path).await?;
        let audited = async {
            let mut tx = restored.write().await?;
            record(
                &mut tx,
                actor,
                Change {
                    op: Operation::BackupsManage,
                    entity: "backup",
                    entity_id: Some(name.clone()),
                    outcome: AuditOutcome::Success,
                    before: None,
                    after: serde_json::to_value(&report).ok(),
                    detail: Some(format!(
                        "database restored from {name}; the one before was kept as {}",
                        report.previous_copy
                    )),
                },
            )
            .await?;
            tx.commit().await.map_err(db_error)
        }
        .await;
        restored.close().await;
        audited?;
        Ok(report)
    }
}
