//! Opening the database: refuse what must not be touched, then WAL, foreign keys, a busy
//! timeout and full fsync on every connection, then migrations.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Row, Sqlite};
use storelink_core::AppError;

use crate::error::db_error;

pub const DB_FILE_NAME: &str = "storelink.db";
static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

pub type Tx = sqlx::Transaction<'static, Sqlite>;

#[derive(Debug, Clone)]
pub struct Db {
    pool: SqlitePool,
    path: PathBuf,
    opened: OpenCheck,
}

/// How much of the file was checked when it was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenCheck {
    /// There was no file: it was made empty.
    NewFile,
    /// Checked whole (`PRAGMA quick_check`) before anything wrote to it.
    CheckedWhole,
    /// Checked whole at the last clean close and untouched since (see `clean_close`).
    VerifiedAtLastClose,
}

fn refused(message: impl Into<String>, remedy: impl Into<String>) -> AppError {
    AppError::DatabaseRefused {
        message: message.into(),
        remedy: remedy.into(),
    }
}

impl Db {
    /// Opens (creating if absent) the database at `path` and brings its schema up to date.
    /// An unreadable or corrupt file, or one written by a newer Storelink, is refused
    /// before anything writes to it.
    pub async fn open(path: &Path) -> Result<Db, AppError> {
        let opened = if !path.exists() {
            OpenCheck::NewFile
        } else if crate::clean_close::take_note(path) {
            preflight(path, false).await?;
            OpenCheck::VerifiedAtLastClose
        } else {
            preflight(path, true).await?;
            OpenCheck::CheckedWhole
        };
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit is on disk before it returns, so "saved" and a 2xx mean it.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // 32 MiB of page cache per connection (SQLite's default is 2 MiB): a sync
            // writing into a table of a million rows otherwise re-reads its index pages
            // from the OS on every page.
            .pragma("cache_size", "-32768");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            // On a full disk SQLite rolls a transaction back by itself; the ROLLBACK that
            // follows then fails and sqlx keeps counting the connection as inside one, so
            // every later BEGIN on it would fail. Such a connection is replaced. Only a
            // connection that looks inside a transaction is pinged (which lets a rollback
            // queued by a dropped transaction finish) and checked again: the usual acquire
            // costs no round trip to the connection's worker.
            .before_acquire(|conn, _| {
                Box::pin(async move {
                    if !sqlx::Connection::is_in_transaction(&*conn) {
                        return Ok(true);
                    }
                    sqlx::Connection::ping(&mut *conn).await?;
                    Ok(!sqlx::Connection::is_in_transaction(&*conn))
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| {
                refused(
                    format!("{} cannot be opened: {e}", path.display()),
                    "check that the folder exists and is writable by this user",
                )
            })?;
        MIGRATOR.run(&pool).await.map_err(|e| {
            refused(
                format!("the database schema could not be updated: {e}"),
                "restore the latest backup, or move the file away to start with an empty database",
            )
        })?;
        Ok(Db {
            pool,
            path: path.to_owned(),
            opened,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A connection for reads.
    pub async fn read(&self) -> Result<PoolConnection<Sqlite>, AppError> {
        self.pool.acquire().await.map_err(db_error)
    }

    /// A write transaction. IMMEDIATE takes the write lock up front, so a read-then-write
    /// transaction never fails half way with "database is locked".
    pub async fn write(&self) -> Result<Tx, AppError> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// How much of the file was checked when it was opened.
    pub fn opened(&self) -> OpenCheck {
        self.opened
    }

    /// Closes, then checks the whole file and, when it is healthy and nothing else has it
    /// open, leaves the note that spares the next open its full check. `Ok(false)`: closed,
    /// but the next open checks the whole file again.
    pub async fn close_verified(&self) -> Result<bool, AppError> {
        self.pool.close().await;
        // Connections that close at the same moment can each see the other still open and
        // leave the WAL behind with frames in it: fold it into the file from one connection.
        if let Err(e) = fold_wal(&self.path).await {
            tracing::warn!(error = %e, "cannot fold the WAL at close; the next start checks the whole file");
            return Ok(false);
        }
        preflight(&self.path, true).await?;
        crate::clean_close::leave_note(&self.path).or_else(|e| {
            tracing::warn!(error = %e, "cannot note the clean close; the next start checks the whole file");
            Ok(false)
        })
    }

    /// Highest schema version this build knows.
    pub fn known_schema_version() -> i64 {
        MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
    }
}

/// Copies every frame of the WAL into the file and empties it (`wal_checkpoint(TRUNCATE)`),
/// through a connection of its own.
async fn fold_wal(path: &Path) -> Result<(), AppError> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false);
    let mut conn = sqlx::ConnectOptions::connect(&options)
        .await
        .map_err(db_error)?;
    let folded: Result<(i64, i64, i64), _> = sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
        .fetch_one(&mut conn)
        .await;
    let _ = sqlx::Connection::close(conn).await;
    match folded.map_err(db_error)? {
        (0, _, _) => Ok(()),
        // Another process is reading or writing it.
        _ => Err(AppError::internal(
            "the database is busy in another process",
        )),
    }
}

/// Checks an existing file through a read-only connection that changes nothing on disk:
/// `whole` adds the full-file `quick_check` to the schema checks.
async fn preflight(path: &Path, whole: bool) -> Result<(), AppError> {
    let shown = path.display().to_string();
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false);
    let mut conn = sqlx::ConnectOptions::connect(&options).await.map_err(|e| {
        refused(
            format!("{shown} cannot be opened: {e}"),
            "check the file's permissions, or restore a backup",
        )
    })?;
    let result = check_existing(&mut conn, &shown, whole).await;
    let _ = sqlx::Connection::close(conn).await;
    result
}

async fn check_existing(
    conn: &mut sqlx::SqliteConnection,
    shown: &str,
    whole: bool,
) -> Result<(), AppError> {
    let corrupt = |detail: String| {
        refused(
            format!("{shown} is not a healthy Storelink database ({detail})"),
            "restore the latest backup (copy the newest file of the `backups` folder beside it over it), or move the file away to start with an empty database; Storelink has not changed it",
        )
    };
    if whole {
        let rows = sqlx::query("PRAGMA quick_check")
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| corrupt(e.to_string()))?;
        let verdicts: Vec<String> = rows.iter().filter_map(|r| r.try_get(0).ok()).collect();
        if verdicts != ["ok"] {
            return Err(corrupt(format!("quick_check: {}", verdicts.join("; "))));
        }
    }
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| corrupt(e.to_string()))?;
    if !tables.iter().any(|t| t == "_sqlx_migrations") {
        if tables.is_empty() {
            return Ok(());
        }
        return Err(refused(
            format!("{shown} belongs to another program (it has tables but no Storelink schema)"),
            "point Storelink at another data folder",
        ));
    }
    let applied: Vec<(i64, bool)> =
        sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| corrupt(e.to_string()))?;
    let known = Db::known_schema_version();
    if let Some((newest, _)) = applied
        .iter()
        .find(|(v, _)| !MIGRATOR.iter().any(|m| m.version == *v))
    {
        return Err(refused(
            format!(
                "{shown} was written by a newer Storelink (schema {newest}; this version knows up to {known})"
            ),
            "install the newer Storelink, or open a backup made by this version; the file was not changed",
        ));
    }
    if let Some((failed, _)) = applied.iter().find(|(_, ok)| !ok) {
        return Err(corrupt(format!("schema change {failed} failed earlier")));
    }
    Ok(())
}
