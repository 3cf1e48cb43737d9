//! Backups of the database file: consistent copies made with `VACUUM INTO`, the checks a
//! file must pass before it may take the database's place (`PRAGMA integrity_check` and a
//! schema this build knows), and the swap itself. Which files exist and when they are made
//! is the service's business; this module only touches the files it is given.

use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, Row, SqliteConnection};
use storelink_core::AppError;

use crate::db::Db;
use crate::error::db_error;

/// Writes a consistent copy of the database `conn` is open on to `dest`, which must not
/// exist yet. Readers and writers carry on meanwhile; the copy is the state at its start.
pub async fn vacuum_into(conn: &mut SqliteConnection, dest: &Path) -> Result<(), AppError> {
    let target = dest
        .to_str()
        .ok_or_else(|| AppError::internal("the backup folder's path is not valid UTF-8"))?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// [`vacuum_into`] from a database file no pool has open (the current database, once its
/// pool is closed, just before a restore replaces it).
pub async fn copy_closed(src: &Path, dest: &Path) -> Result<(), AppError> {
    let mut conn = SqliteConnectOptions::new()
        .filename(src)
        .create_if_missing(false)
        .connect()
        .await
        .map_err(db_error)?;
    let copied = vacuum_into(&mut conn, dest).await;
    let _ = conn.close().await;
    copied
}

/// Checks a backup file without changing it, and answers its schema version. `shown` is
/// how the person knows the file (its name). Damage, a file that is not a Storelink
/// database, and one from a newer Storelink are refused, each saying so.
pub async fn inspect(path: &Path, shown: &str) -> Result<i64, AppError> {
    // Immutable: nothing is written next to the file (no -wal or -shm), even for a copy
    // of a database in WAL mode.
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .create_if_missing(false)
        .connect()
        .await
        .map_err(|e| damaged(shown, &e.to_string()))?;
    let checked = check(&mut conn, shown).await;
    let _ = conn.close().await;
    checked
}

fn damaged(shown: &str, detail: &str) -> AppError {
    AppError::DatabaseRefused {
        message: format!("the backup {shown} is damaged ({detail})"),
        remedy: "choose another backup; nothing was changed".into(),
    }
}

async fn check(conn: &mut SqliteConnection, shown: &str) -> Result<i64, AppError> {
    let rows = sqlx::query("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| damaged(shown, &e.to_string()))?;
    let verdicts: Vec<String> = rows.iter().filter_map(|r| r.try_get(0).ok()).collect();
    if verdicts != ["ok"] {
        let first: Vec<String> = verdicts.into_iter().take(3).collect();
        return Err(damaged(
            shown,
            &format!("integrity_check: {}", first.join("; ")),
        ));
    }
    let has_schema: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| damaged(shown, &e.to_string()))?;
    let not_ours = || AppError::DatabaseRefused {
        message: format!("{shown} is not a Storelink database"),
        remedy: "choose a backup made by Storelink; nothing was changed".into(),
    };
    if has_schema == 0 {
        return Err(not_ours());
    }
    let (newest, failed): (Option<i64>, i64) =
        sqlx::query_as("SELECT max(version), coalesce(sum(success = 0), 0) FROM _sqlx_migrations")
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| damaged(shown, &e.to_string()))?;
    let newest = newest.ok_or_else(not_ours)?;
    let known = Db::known_schema_version();
    if newest > known {
        return Err(AppError::DatabaseRefused {
            message: format!(
                "the backup {shown} was made by a newer Storelink (schema {newest}; this version knows up to {known})"
            ),
            remedy: "install the newer Storelink to restore it; nothing was changed".into(),
        });
    }
    if failed > 0 {
        return Err(damaged(shown, "a schema change failed in it"));
    }
    Ok(newest)
}

/// `storelink.db-wal` and the like: the files SQLite keeps beside a database.
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Removes a database's `-wal`, `-shm` and `-journal` files if there are any.
pub fn remove_sidecars(path: &Path) -> Result<(), AppError> {
    for suffix in ["-wal", "-shm", "-journal"] {
        let file = sidecar(path, suffix);
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(file_error(&file, &e)),
        }
    }
    Ok(())
}

/// Puts `replacement` where the database file `db_path` is. Call it only with every
/// connection to both files closed: a `-wal` left beside the old file would otherwise be
/// replayed onto the new one.
pub fn replace_database_file(db_path: &Path, replacement: &Path) -> Result<(), AppError> {
    remove_sidecars(db_path)?;
    std::fs::rename(replacement, db_path).map_err(|e| file_error(db_path, &e))?;
    remove_sidecars(replacement)
}

pub fn file_error(path: &Path, e: &std::io::Error) -> AppError {
    AppError::Database {
        message: format!("{} could not be written or read ({e})", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn backup_of_fresh_db(dir: &Path) -> PathBuf {
        let db = Db::open(&dir.join("live.db")).await.expect("db");
        let copy = dir.join("copy.db");
        let mut conn = db.read().await.expect("conn");
        vacuum_into(&mut conn, &copy).await.expect("vacuum into");
        drop(conn);
        db.close().await;
        copy
    }

    #[tokio::test]
    async fn a_fresh_copy_passes_and_names_its_schema() {
        let dir = tempfile::tempdir().expect("tempdir");
        let copy = backup_of_fresh_db(dir.path()).await;
        let version = inspect(&copy, "copy.db").await.expect("healthy");
        assert_eq!(version, Db::known_schema_version());
        assert!(
            !sidecar(&copy, "-wal").exists(),
            "inspection writes nothing"
        );
    }

    #[tokio::test]
    async fn a_newer_schema_and_a_foreign_file_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let copy = backup_of_fresh_db(dir.path()).await;
        {
            let mut conn = SqliteConnectOptions::new()
                .filename(&copy)
                .connect()
                .await
                .expect("open copy");
            sqlx::query(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
                 VALUES (99990101000001, 'future', 1, x'00', 0)",
            )
            .execute(&mut conn)
            .await
            .expect("future schema");
            conn.close().await.expect("close");
        }
        let newer = inspect(&copy, "copy.db").await.expect_err("newer");
        assert!(newer.to_string().contains("newer Storelink"), "{newer}");

        let text = dir.path().join("notes.db");
        std::fs::write(&text, "not a database at all, just some text".repeat(200)).expect("write");
        let foreign = inspect(&text, "notes.db").await.expect_err("not sqlite");
        assert!(
            matches!(foreign, AppError::DatabaseRefused { ref message, .. } if message.contains("notes.db")),
            "{foreign}"
        );
    }
}
