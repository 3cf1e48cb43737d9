//! The backup folder: file names (time and kind in the name), the listing, pruning to the
//! newest N, and turning a name a person picked back into a path inside the folder.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::AppError;
use storelink_store::backup::file_error;

/// Under the data folder.
pub(crate) const FOLDER: &str = "backups";
const PREFIX: &str = "storelink-";
const SUFFIX: &str = ".db";
/// UTC, so names sort in time order whatever the machine's zone.
const STAMP: &str = "%Y%m%dT%H%M%SZ";
const STAMP_LEN: usize = "20260101T000000Z".len();

/// Why a backup was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    /// "Back up now".
    Manual,
    /// By the schedule.
    Scheduled,
    /// The database as it was just before a restore replaced it.
    PreRestore,
    /// A file someone put in the folder under another name.
    Other,
}

impl BackupKind {
    fn tag(self) -> &'static str {
        match self {
            BackupKind::Manual => "manual",
            BackupKind::Scheduled => "scheduled",
            BackupKind::PreRestore => "pre-restore",
            BackupKind::Other => "other",
        }
    }
}

/// One backup file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct BackupInfo {
    /// The file name in the backup folder; it names the backup to restore.
    pub name: String,
    pub kind: BackupKind,
    pub size_bytes: u64,
    pub created_at: DateTime<Utc>,
}

/// `storelink-20261121T103000Z-manual.db`, with `-2`, `-3`, … when one was made in the same
/// second.
pub(crate) fn new_name(dir: &Path, kind: BackupKind, at: DateTime<Utc>) -> String {
    let base = format!("{PREFIX}{}-{}", at.format(STAMP), kind.tag());
    let mut name = format!("{base}{SUFFIX}");
    let mut n = 2;
    while dir.join(&name).exists() || dir.join(format!("{name}.partial")).exists() {
        name = format!("{base}-{n}{SUFFIX}");
        n += 1;
    }
    name
}

/// The time, kind and same-second sequence number (1, 2, …) a backup's name records;
/// `None` for a name this folder never gives.
fn parse(name: &str) -> Option<(DateTime<Utc>, BackupKind, u32)> {
    let middle = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let stamp = middle.get(..STAMP_LEN)?;
    let at = NaiveDateTime::parse_from_str(stamp, STAMP).ok()?.and_utc();
    let rest = middle.get(STAMP_LEN..)?.strip_prefix('-')?;
    let Some(kind) = [
        BackupKind::Manual,
        BackupKind::Scheduled,
        BackupKind::PreRestore,
    ]
    .into_iter()
    .find(|k| rest.starts_with(k.tag())) else {
        return Some((at, BackupKind::Other, 1));
    };
    let seq = rest[kind.tag().len()..]
        .strip_prefix('-')
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    Some((at, kind, seq))
}

/// A name a person may pick: a plain `*.db` file name, no folders.
fn plain_name(name: &str) -> bool {
    name.ends_with(SUFFIX)
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Every backup in `dir`, newest first; none when the folder does not exist yet.
pub(crate) fn list(dir: &Path) -> Result<Vec<BackupInfo>, AppError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(file_error(dir, &e)),
    };
    let mut found: Vec<(BackupInfo, u32)> = Vec::new();
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() || !plain_name(&name) {
            continue;
        }
        let modified = meta.modified().ok().map(DateTime::<Utc>::from);
        let (created_at, kind, seq) = match parse(&name) {
            Some(parsed) => parsed,
            None => (modified.unwrap_or_default(), BackupKind::Other, 1),
        };
        let info = BackupInfo {
            name,
            kind,
            size_bytes: meta.len(),
            created_at,
        };
        found.push((info, seq));
    }
    found.sort_by(|(a, a_seq), (b, b_seq)| {
        (b.created_at, b_seq, &b.name).cmp(&(a.created_at, a_seq, &a.name))
    });
    Ok(found.into_iter().map(|(info, _)| info).collect())
}

/// Deletes all but the newest `keep` backups; answers the names deleted.
pub(crate) fn prune(dir: &Path, keep: u32) -> Result<Vec<String>, AppError> {
    let mut removed = Vec::new();
    for old in list(dir)?.into_iter().skip(keep as usize) {
        let path = dir.join(&old.name);
        std::fs::remove_file(&path).map_err(|e| file_error(&path, &e))?;
        removed.push(old.name);
    }
    Ok(removed)
}

/// The path of the backup a person picked by name; only files the listing shows.
pub(crate) fn resolve(dir: &Path, name: &str) -> Result<PathBuf, AppError> {
    let name = name.trim();
    if plain_name(name) && list(dir)?.iter().any(|b| b.name == name) {
        Ok(dir.join(name))
    } else {
        Err(AppError::not_found("backup", name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_time_and_kind_and_never_collide() {
        let dir = tempfile::tempdir().expect("tempdir");
        let at = DateTime::parse_from_rfc3339("2026-11-21T10:30:00Z")
            .expect("time")
            .to_utc();
        let first = new_name(dir.path(), BackupKind::PreRestore, at);
        assert_eq!(first, "storelink-20261121T103000Z-pre-restore.db");
        assert_eq!(parse(&first), Some((at, BackupKind::PreRestore, 1)));
        std::fs::write(dir.path().join(&first), b"x").expect("write");
        let second = new_name(dir.path(), BackupKind::PreRestore, at);
        assert_eq!(second, "storelink-20261121T103000Z-pre-restore-2.db");
        assert_eq!(parse(&second), Some((at, BackupKind::PreRestore, 2)));
        assert_eq!(parse("storelink-garbage.db"), None);
    }

    #[test]
    fn only_listed_plain_names_resolve() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("storelink-a.db"), b"x").expect("write");
        assert!(resolve(dir.path(), "storelink-a.db").is_ok());
        for bad in [
            "../storelink.db",
            "storelink-b.db",
            "/etc/passwd",
            "storelink-a.db/x",
        ] {
            assert!(
                matches!(resolve(dir.path(), bad), Err(AppError::NotFound { .. })),
                "{bad}"
            );
        }
    }
}
