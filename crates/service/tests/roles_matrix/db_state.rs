//! What a refused call must leave as it was: the row count of every table, the audit log's
//! successes, and the files in the data folder (backups, exports). Shared by the service
//! and listener matrix tests through `#[path]`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use sqlx::SqlitePool;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbState {
    /// Rows per table, the audit log aside.
    pub rows: BTreeMap<String, i64>,
    /// Audit entries by outcome.
    pub audit: BTreeMap<String, i64>,
    /// Files under the folders watched (relative paths), the database's own aside.
    pub files: Vec<String>,
}

pub async fn snapshot(pool: &SqlitePool, folders: &[&Path]) -> DbState {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT IN ('_sqlx_migrations', 'audit_log') ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .expect("tables");
    let mut rows = BTreeMap::new();
    for table in tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM \"{table}\""))
            .fetch_one(pool)
            .await
            .expect("count");
        rows.insert(table, n);
    }
    let audit: Vec<(String, i64)> =
        sqlx::query_as("SELECT outcome, count(*) FROM audit_log GROUP BY outcome")
            .fetch_all(pool)
            .await
            .expect("audit");
    let mut files = Vec::new();
    for folder in folders {
        collect(folder, folder, &mut files);
    }
    files.sort();
    DbState {
        rows,
        audit: audit.into_iter().collect(),
        files,
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        if path.is_dir() {
            collect(root, &path, out);
        } else if !name.starts_with("storelink.db") && !name.starts_with("locks") {
            out.push(name);
        }
    }
}

/// The newest audit entry's action and outcome.
pub async fn last_audit(pool: &SqlitePool) -> (String, String, String) {
    sqlx::query_as(
        "SELECT action, outcome, actor_role FROM audit_log ORDER BY at DESC, id DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .expect("an audit entry")
}

/// Asserts a refusal changed nothing but the audit log, which gained exactly one
/// `forbidden` entry for `operation`.
pub async fn assert_refusal_recorded(
    pool: &SqlitePool,
    before: &DbState,
    after: &DbState,
    operation: &str,
    cell: &str,
) {
    assert_eq!(
        before.rows, after.rows,
        "{cell}: a refused call changed rows"
    );
    assert_eq!(
        before.files, after.files,
        "{cell}: a refused call wrote files"
    );
    let count = |s: &DbState, outcome: &str| s.audit.get(outcome).copied().unwrap_or(0);
    assert_eq!(
        count(before, "success"),
        count(after, "success"),
        "{cell}: a refused call was audited as a success"
    );
    assert_eq!(
        count(before, "forbidden") + 1,
        count(after, "forbidden"),
        "{cell}: the refusal is audited once"
    );
    let (action, outcome, _) = last_audit(pool).await;
    assert_eq!(
        (action.as_str(), outcome.as_str()),
        (operation, "forbidden"),
        "{cell}"
    );
}
