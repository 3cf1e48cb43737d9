//! Helpers of the storage fault tests: a capped database (SQLite's `max_page_count` on every
//! pooled connection stands in for a full disk, which needs no root or mount), a page
//! overwritten in a file, and a content dump of every table to compare round trips.

use std::path::Path;

use sqlx::{Connection, SqliteConnection, SqlitePool};

/// The largest page count SQLite takes: no cap.
pub const UNCAPPED: i64 = 1_073_741_823;

/// Sets `PRAGMA max_page_count` on every connection of the pool (it is per connection):
/// holds all of them at once so none is missed, then gives them back. `None` caps the
/// database at the size it has now.
pub async fn cap_pages(pool: &SqlitePool, pages: Option<i64>) -> i64 {
    let mut held = Vec::new();
    for _ in 0..pool.options().get_max_connections() {
        let conn = tokio::time::timeout(std::time::Duration::from_secs(20), pool.acquire())
            .await
            .expect("every pooled connection comes free")
            .expect("a connection");
        held.push(conn);
    }
    let mut set = 0;
    for conn in &mut held {
        let now: i64 = sqlx::query_scalar("PRAGMA page_count")
            .fetch_one(&mut **conn)
            .await
            .expect("page_count");
        let limit = pages.unwrap_or(now);
        set = sqlx::query_scalar(&format!("PRAGMA max_page_count = {limit}"))
            .fetch_one(&mut **conn)
            .await
            .expect("max_page_count");
    }
    set
}

/// Overwrites page `page` (1-based) of the file with a pattern, as a failing disk or a
/// stray write would.
pub fn overwrite_page(path: &Path, page: i64, page_size: i64) {
    let mut bytes = std::fs::read(path).expect("read the database file");
    let start = usize::try_from((page - 1) * page_size).expect("offset");
    let end = start + usize::try_from(page_size).expect("size");
    assert!(end <= bytes.len(), "page {page} is inside the file");
    for (i, b) in bytes[start..end].iter_mut().enumerate() {
        *b = 0xA5 ^ (i % 7) as u8;
    }
    std::fs::write(path, bytes).expect("write the database file");
}

/// The root page of `table` and the page size, read through the pool.
pub async fn root_page(pool: &SqlitePool, table: &str) -> (i64, i64) {
    let root: i64 = sqlx::query_scalar("SELECT rootpage FROM sqlite_master WHERE name = ?")
        .bind(table)
        .fetch_one(pool)
        .await
        .expect("rootpage");
    let size: i64 = sqlx::query_scalar("PRAGMA page_size")
        .fetch_one(pool)
        .await
        .expect("page_size");
    (root, size)
}

/// Every row of every table but the audit log, as text, sorted: two databases with the
/// same dump hold the same data.
pub async fn dump(conn: &mut SqliteConnection) -> Vec<String> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> 'audit_log' ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await
    .expect("tables");
    let mut out = Vec::new();
    for table in tables {
        let columns: Vec<String> =
            sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(&mut *conn)
                .await
                .expect("columns");
        let row = columns
            .iter()
            .map(|c| format!("quote(\"{c}\")"))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let rows: Vec<String> = sqlx::query_scalar(&format!("SELECT {row} FROM \"{table}\""))
            .fetch_all(&mut *conn)
            .await
            .expect("rows");
        out.extend(rows.into_iter().map(|r| format!("{table}: {r}")));
    }
    out.sort();
    out
}

/// A read-only connection to a database file (nothing written beside it).
pub async fn open_read_only(path: &Path) -> SqliteConnection {
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true);
    SqliteConnection::connect_with(&options)
        .await
        .expect("open read-only")
}

/// The files of a folder with their sizes and a hash of their bytes, to prove nothing
/// wrote there.
pub fn fingerprint(dir: &Path) -> Vec<(String, usize, u64)> {
    let mut files: Vec<(String, usize, u64)> = std::fs::read_dir(dir)
        .expect("folder")
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).expect("read");
            // FNV-1a: enough to tell any change apart.
            let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
            });
            (
                e.file_name().to_string_lossy().into_owned(),
                bytes.len(),
                hash,
            )
        })
        .collect();
    files.sort();
    files
}

/// Forty more staff accounts, so the `users` table spans pages a test can damage.
pub async fn fill_users(h: &crate::common::Host) {
    for i in 0..40 {
        h.services
            .add_user(&h.admin, &format!("clerk{i}"), "Passw0rd-long", "staff")
            .await
            .expect("user");
    }
}
