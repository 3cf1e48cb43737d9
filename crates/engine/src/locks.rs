//! Work that must run once at a time across processes (the app, `storelink serve`, CLI
//! runs) holds an exclusive lock on a file in the data folder's `locks` directory. The OS
//! releases it when its process dies, so a lock never outlives a crash.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use storelink_core::AppError;

/// A lock file beside the database (`locks/<name>`), created when missing.
pub(crate) struct LockFile {
    pub file: File,
    path: PathBuf,
}

impl LockFile {
    pub fn open(db_path: &Path, name: &str) -> Result<Self, AppError> {
        let dir = db_path
            .parent()
            .map(|p| p.join("locks"))
            .ok_or_else(|| AppError::internal("the database has no folder"))?;
        std::fs::create_dir_all(&dir)
            .map_err(|e| AppError::internal(format!("cannot create {}: {e}", dir.display())))?;
        let path = dir.join(name);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| AppError::internal(format!("cannot open {}: {e}", path.display())))?;
        Ok(Self { file, path })
    }

    /// Takes the exclusive lock without waiting: `false` when another holder has it.
    pub fn try_lock(&self) -> Result<bool, AppError> {
        match self.file.try_lock() {
            Ok(()) => Ok(true),
            Err(TryLockError::WouldBlock) => Ok(false),
            Err(TryLockError::Error(e)) => Err(AppError::internal(format!(
                "cannot lock {}: {e}",
                self.path.display()
            ))),
        }
    }
}
