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
use tokio::sync::watch;

use crate::error::db_error;

pub const DB_FILE_NAME: &str = "storelink.db";
static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

pub type Tx = sqlx::Transaction<'static, Sqlite>;

#[derive(Debug, Clone)]
pub struct Db {
    pool: SqlitePool,
    path: PathBuf,
    opened: OpenCheck,
    integrity: watch::Receiver<Integrity>,
    /// Read-only connections that serve reads while the whole-file check runs, so nothing
    /// can write through a read before the file is known healthy.
    readers_while_checking: Option<SqlitePool>,
}

/// Whether the whole file is known healthy.
#[derive(Debug, Clone)]
enum Integrity {
    /// The whole-file check is running: reads are served read-only, writes wait.
    Checking,
    Healthy,
    Damaged(AppError),
}

/// How much of the file was checked when it was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenCheck {
    /// There was no file: it was made empty.
    NewFile,
    /// Checked whole (`PRAGMA quick_check`) before anything wrote to it.
    CheckedWhole,
    /// Being checked whole while reads go on; writes wait for the check (see
    /// [`Db::open_checking_in_background`]).
    CheckingWholeInBackground,
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
        Self::open_with(path, WholeCheck::First).await
    }

    /// Like [`Db::open`], but when the whole file must be checked (after a crash, a kill or
    /// another program's write) the check runs in the background instead of first: reads
    /// are served at once from read-only connections, and every write waits until the file
    /// is found healthy, or fails with the refusal [`Db::open`] would have given. A file
    /// whose schema must change first is still checked before opening. The desktop opens
    /// this way: the whole-file check (about a second on a large file) then overlaps the
    /// sign-in instead of delaying the sign-in form.
    pub async fn open_checking_in_background(path: &Path) -> Result<Db, AppError> {
        Self::open_with(path, WholeCheck::InBackground).await
    }

    async fn open_with(path: &Path, whole_check: WholeCheck) -> Result<Db, AppError> {
        if !path.exists() {
            return Self::open_pool(path, OpenCheck::NewFile).await;
        }
        if crate::clean_close::take_note(path) {
            preflight(path, false).await?;
            return Self::open_pool(path, OpenCheck::VerifiedAtLastClose).await;
        }
        if whole_check == WholeCheck::InBackground
            && preflight(path, false).await? == Schema::Current
        {
            return Self::open_while_checking_whole(path, std::future::ready(())).await;
        }
        preflight(path, true).await?;
        Self::open_pool(path, OpenCheck::CheckedWhole).await
    }

    /// Opens a file whose schema is current while `quick_check` runs on a connection of its
    /// own, once `check_may_start` is ready (tests hold it); the verdict settles
    /// [`Db::checked`].
    async fn open_while_checking_whole(
        path: &Path,
        check_may_start: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<Db, AppError> {
        let readers = SqlitePoolOptions::new()
            .max_connections(2)
            .min_connections(0)
            .idle_timeout(Duration::from_secs(5))
            .connect_lazy_with(
                SqliteConnectOptions::new()
                    .filename(path)
                    .read_only(true)
                    .busy_timeout(Duration::from_secs(10)),
            );
        let mut db = Self::open_pool(path, OpenCheck::CheckingWholeInBackground).await?;
        let (verdict, integrity) = watch::channel(Integrity::Checking);
        db.integrity = integrity;
        db.readers_while_checking = Some(readers.clone());
        let (checked_path, pool) = (path.to_owned(), db.pool.clone());
        tokio::spawn(async move {
            check_may_start.await;
            let started = std::time::Instant::now();
            match preflight(&checked_path, true).await {
                Ok(_) => {
                    tracing::info!(
                        ms = started.elapsed().as_millis() as u64,
                        "database checked whole: healthy"
                    );
                    // The read-only connections close themselves once idle (a read may
                    // still be on its way to them).
                    let _ = verdict.send(Integrity::Healthy);
                }
                Err(refusal) => {
                    tracing::error!(error = %refusal, "the database check found the file damaged; nothing was written to it");
                    let _ = verdict.send(Integrity::Damaged(refusal));
                    pool.close().await;
                    readers.close().await;
                }
            }
        });
        Ok(db)
    }

    /// Opens the read-write pool and brings the schema up to date.
    async fn open_pool(path: &Path, opened: OpenCheck) -> Result<Db, AppError> {
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
        // Checked already (or new): a settled verdict needs no sender.
        let (_, integrity) = watch::channel(Integrity::Healthy);
        Ok(Db {
            pool,
            path: path.to_owned(),
            opened,
            integrity,
            readers_while_checking: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A connection for reads (read-only while the whole file is being checked).
    pub async fn read(&self) -> Result<PoolConnection<Sqlite>, AppError> {
        let state = self.integrity.borrow().clone();
        let pool = match (state, &self.readers_while_checking) {
            (Integrity::Damaged(refusal), _) => return Err(refusal),
            (Integrity::Checking, Some(readers)) => readers,
            _ => &self.pool,
        };
        pool.acquire().await.map_err(db_error)
    }

    /// Waits until the whole file is known healthy; `Err` is the refusal when it is not.
    pub async fn checked(&self) -> Result<(), AppError> {
        let mut integrity = self.integrity.clone();
        let verdict = integrity
            .wait_for(|state| !matches!(state, Integrity::Checking))
            .await
            .map(|state| state.clone())
            .map_err(|_| AppError::internal("the database check ended without a verdict"))?;
        match verdict {
            Integrity::Damaged(refusal) => Err(refusal),
            _ => Ok(()),
        }
    }

    /// Whether the whole file is known healthy now (no check still running).
    pub fn is_checked(&self) -> bool {
        matches!(*self.integrity.borrow(), Integrity::Healthy)
    }

    /// A write transaction, once the file is known healthy. IMMEDIATE takes the write lock
    /// up front, so a read-then-write transaction never fails half way with "database is
    /// locked".
    pub async fn write(&self) -> Result<Tx, AppError> {
        if !self.is_checked() {
            self.checked().await?;
        }
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
async fn preflight(path: &Path, whole: bool) -> Result<Schema, AppError> {
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
) -> Result<Schema, AppError> {
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
            return Ok(Schema::Behind);
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
    let current = MIGRATOR
        .iter()
        .all(|m| applied.iter().any(|(v, _)| *v == m.version));
    Ok(if current {
        Schema::Current
    } else {
        Schema::Behind
    })
}

/// Whether opening will change the schema (a write).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Schema {
    Current,
    Behind,
}

/// When [`Db::open_with`] checks the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WholeCheck {
    First,
    InBackground,
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn count(db: &Db) -> i64 {
        let mut conn = db.read().await.expect("read");
        sqlx::query_scalar("SELECT COUNT(*) FROM notes")
            .fetch_one(&mut *conn)
            .await
            .expect("count")
    }

    /// A file left without a clean close, holding a table of its own.
    async fn unclean_file(dir: &Path) -> PathBuf {
        let path = dir.join(DB_FILE_NAME);
        let db = Db::open(&path).await.expect("open");
        let mut tx = db.write().await.expect("write");
        sqlx::query("CREATE TABLE notes (text TEXT NOT NULL)")
            .execute(&mut *tx)
            .await
            .expect("table");
        sqlx::query("INSERT INTO notes VALUES ('before')")
            .execute(&mut *tx)
            .await
            .expect("row");
        tx.commit().await.expect("commit");
        db.close().await;
        path
    }

    #[tokio::test]
    async fn while_the_whole_file_is_checked_reads_are_served_read_only_and_writes_wait() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = unclean_file(dir.path()).await;
        let (start_check, hold) = tokio::sync::oneshot::channel::<()>();
        let db = Db::open_while_checking_whole(&path, async move {
            let _ = hold.await;
        })
        .await
        .expect("open");
        assert_eq!(db.opened(), OpenCheck::CheckingWholeInBackground);
        assert!(!db.is_checked());

        assert_eq!(count(&db).await, 1, "reads are served during the check");
        let mut reader = db.read().await.expect("read");
        let through_a_read = sqlx::query("INSERT INTO notes VALUES ('sneaked')")
            .execute(&mut *reader)
            .await
            .expect_err("a read connection cannot write during the check");
        assert!(
            through_a_read.to_string().contains("readonly"),
            "{through_a_read}"
        );
        drop(reader);

        let writer = tokio::spawn({
            let db = db.clone();
            async move {
                let mut tx = db.write().await?;
                sqlx::query("INSERT INTO notes VALUES ('after')")
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                tx.commit().await.map_err(db_error)
            }
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!writer.is_finished(), "the write waits for the check");
        assert_eq!(count(&db).await, 1);

        start_check.send(()).expect("start the check");
        writer.await.expect("join").expect("written once checked");
        assert!(db.is_checked());
        assert_eq!(count(&db).await, 2);
        db.close().await;
    }

    #[tokio::test]
    async fn a_file_left_cleanly_or_one_to_migrate_is_not_checked_in_the_background() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(DB_FILE_NAME);
        let new = Db::open_checking_in_background(&path).await.expect("new");
        assert_eq!(new.opened(), OpenCheck::NewFile);
        assert!(new.close_verified().await.expect("close"));
        let clean = Db::open_checking_in_background(&path).await.expect("clean");
        assert_eq!(clean.opened(), OpenCheck::VerifiedAtLastClose);
        clean.close().await;
        let unclean = Db::open_checking_in_background(&path)
            .await
            .expect("unclean");
        assert_eq!(unclean.opened(), OpenCheck::CheckingWholeInBackground);
        unclean.checked().await.expect("healthy");
        assert!(unclean.is_checked());
        // A schema change would write: such a file is checked whole first.
        sqlx::query("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)")
            .execute(unclean.pool())
            .await
            .expect("forget the newest migration");
        unclean.close().await;
        let behind = Db::open_checking_in_background(&path).await;
        // Re-running the newest migration on its own tables may fail; either way it was
        // checked whole first, not in the background.
        if let Ok(db) = behind {
            assert_eq!(db.opened(), OpenCheck::CheckedWhole);
            db.close().await;
        }
    }
}
