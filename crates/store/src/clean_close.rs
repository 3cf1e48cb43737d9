//! The note a clean close leaves beside the database: "checked whole (`quick_check`) when it
//! was closed, and this is its size and modification time then". Opening a file that still
//! matches its note needs no second full check, which takes ~0.7 s per 800 MiB and was most
//! of the desktop's start-up (docs/BENCHMARKS.md, "Desktop"). The note is taken away when
//! the file is opened, before anything writes: after a crash, a kill or a power cut there is
//! no note, and the file is checked whole again. A file changed in any way since (copied
//! over, edited, its WAL left behind) no longer matches and is checked too.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

/// What identifies the file as it was left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Fingerprint {
    len: u64,
    modified_ns: u128,
}

fn note_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".verified");
    PathBuf::from(name)
}

/// A WAL with frames in it holds changes the main file does not show yet.
fn has_pending_wal(db: &Path) -> bool {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(PathBuf::from(wal)).is_ok_and(|m| m.len() > 0)
}

fn fingerprint(db: &Path) -> Option<Fingerprint> {
    if has_pending_wal(db) {
        return None;
    }
    let meta = std::fs::metadata(db).ok()?;
    let modified_ns = meta
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some(Fingerprint {
        len: meta.len(),
        modified_ns,
    })
}

/// Takes the note away and says whether it vouches for the file as it is now. A note that
/// cannot be removed vouches for nothing (it would outlive this session's writes).
pub(crate) fn take_note(db: &Path) -> bool {
    let path = note_path(db);
    let Ok(text) = std::fs::read(&path) else {
        return false;
    };
    if std::fs::remove_file(&path).is_err() {
        return false;
    }
    let noted: Option<Fingerprint> = serde_json::from_slice(&text).ok();
    noted.is_some() && noted == fingerprint(db)
}

/// Leaves the note for a file just checked whole and closed. Nothing is noted while a WAL
/// still holds frames (another process has the file open).
pub(crate) fn leave_note(db: &Path) -> std::io::Result<bool> {
    let Some(print) = fingerprint(db) else {
        return Ok(false);
    };
    let text = serde_json::to_vec(&print).map_err(std::io::Error::other)?;
    std::fs::write(note_path(db), text)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_vouches_once_and_only_for_the_file_as_it_was() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("x.db");
        std::fs::write(&db, b"0123").expect("write");
        assert!(!take_note(&db), "no note yet");

        assert!(leave_note(&db).expect("note"));
        assert!(take_note(&db));
        assert!(!take_note(&db), "a note is used up when taken");

        leave_note(&db).expect("note");
        std::fs::write(&db, b"01234").expect("grow");
        assert!(!take_note(&db), "the file changed size");

        leave_note(&db).expect("note");
        std::fs::write(dir.path().join("x.db-wal"), b"frames").expect("wal");
        assert!(!take_note(&db), "a WAL holds changes");
        assert!(
            !leave_note(&db).expect("no note"),
            "nothing noted with a WAL"
        );

        std::fs::write(note_path(&db), b"not json").expect("garbage");
        assert!(!take_note(&db));
        assert!(!note_path(&db).exists(), "a bad note is removed too");
    }
}
