//! What a refused call must leave as it was: every row of every table (its content, not
//! only how many there are), the audit log's successes, and the files in the data folder
//! (backups, exports). Shared by the service, listener and desktop matrix tests through
//! `#[path]`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use sqlx::SqlitePool;

/// Columns a refused call may still change, each with why: they record the caller's
/// authentication, which happens before (and whatever) the role check says.
pub const AUTHENTICATION_BOOKKEEPING: &[(&str, &str, &str)] = &[(
    "api_tokens",
    "last_used_at",
    "a presented token's last use is written (off the request's path, at most once a \
     minute) when it authenticates, before the role check; the refused call did not write it",
)];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbState {
    /// Rows per table, the audit log aside.
    pub rows: BTreeMap<String, i64>,
    /// Every row per table, the audit log aside: each row's columns rendered by SQLite's
    /// `quote()` (type and value, blobs in hex), rows sorted, so a row changed in place
    /// shows even when no row was added or removed.
    pub content: BTreeMap<String, Vec<String>>,
    /// Audit entries by outcome.
    pub audit: BTreeMap<String, i64>,
    /// Files under the folders watched (relative paths), the database's own aside.
    pub files: Vec<String>,
}

fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The query that renders every row of `table` as one text, bookkeeping columns aside.
async fn render_query(pool: &SqlitePool, table: &str) -> String {
    let columns: Vec<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
            .bind(table)
            .fetch_all(pool)
            .await
            .expect("columns");
    let rendered: Vec<String> = columns
        .iter()
        .filter(|c| {
            !AUTHENTICATION_BOOKKEEPING
                .iter()
                .any(|(t, col, _)| *t == table && col == c)
        })
        .map(|c| format!("{} || '=' || quote({})", quote_text(c), ident(c)))
        .collect();
    let row = if rendered.is_empty() {
        "''".to_owned()
    } else {
        rendered.join(" || ', ' || ")
    };
    format!("SELECT {row} AS r FROM {} ORDER BY r", ident(table))
}

fn quote_text(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
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
    let mut content = BTreeMap::new();
    for table in tables {
        let query = render_query(pool, &table).await;
        let all: Vec<String> = sqlx::query_scalar(&query)
            .fetch_all(pool)
            .await
            .unwrap_or_else(|e| panic!("rows of {table}: {e}"));
        rows.insert(table.clone(), all.len() as i64);
        content.insert(table, all);
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
        content,
        audit: audit.into_iter().collect(),
        files,
    }
}

/// The tables whose rows differ between two snapshots, each with the rows only one of
/// them holds (a row changed in place shows as one of each).
pub fn changed_tables(before: &DbState, after: &DbState) -> Vec<String> {
    let empty = Vec::new();
    let names: std::collections::BTreeSet<&String> =
        before.content.keys().chain(after.content.keys()).collect();
    let mut changed = Vec::new();
    for name in names {
        let (b, a) = (
            before.content.get(name).unwrap_or(&empty),
            after.content.get(name).unwrap_or(&empty),
        );
        if a == b {
            continue;
        }
        let gone: Vec<&String> = b.iter().filter(|r| !a.contains(r)).collect();
        let new: Vec<&String> = a.iter().filter(|r| !b.contains(r)).collect();
        changed.push(format!(
            "{name} ({} rows → {}): before only {gone:?}; after only {new:?}",
            b.len(),
            a.len()
        ));
    }
    changed
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
    let changed = changed_tables(before, after);
    assert!(
        changed.is_empty(),
        "{cell}: a refused call changed rows:\n{}",
        changed.join("\n")
    );
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

/// The check catches what counting rows missed: one row changed in place, however small
/// the change (a NULL becoming an empty text, an integer becoming the same digits as
/// text), while bookkeeping columns are left out.
#[tokio::test]
async fn a_row_changed_in_place_is_a_change() {
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await
        .expect("in-memory database");
    for sql in [
        "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at TEXT, action TEXT, outcome TEXT, \
         actor_role TEXT)",
        "CREATE TABLE \"odd \"\"name\" (id TEXT PRIMARY KEY, note TEXT, n, data BLOB) \
         WITHOUT ROWID",
        "INSERT INTO \"odd \"\"name\" VALUES ('a', NULL, 1, x'00ff'), ('b', 'x', 2, NULL)",
        "CREATE TABLE api_tokens (id TEXT PRIMARY KEY, name TEXT, last_used_at TEXT)",
        "INSERT INTO api_tokens VALUES ('t', 'till', NULL)",
    ] {
        sqlx::query(sql).execute(&pool).await.expect(sql);
    }
    let state = || snapshot(&pool, &[]);
    let first = state().await;
    assert_eq!(first.content["odd \"name"].len(), 2);
    assert!(changed_tables(&first, &state().await).is_empty());

    let table = "\"odd \"\"name\"";
    for change in [
        format!("UPDATE {table} SET note = '' WHERE id = 'a'"),
        format!("UPDATE {table} SET n = '1' WHERE id = 'a'"),
        format!("UPDATE {table} SET data = x'00fe' WHERE id = 'a'"),
        format!("UPDATE {table} SET note = 'y' WHERE id = 'b'"),
    ] {
        let before = state().await;
        sqlx::query(&change).execute(&pool).await.expect("change");
        let after = state().await;
        assert_eq!(before.rows, after.rows, "{change}: the counts alone agree");
        let changed = changed_tables(&before, &after);
        assert_eq!(changed.len(), 1, "{change}: {changed:?}");
        assert!(
            changed[0].starts_with("odd \"name (2 rows → 2)"),
            "{changed:?}"
        );
    }

    let before = state().await;
    sqlx::query("UPDATE api_tokens SET last_used_at = '2026-01-01T00:00:00Z'")
        .execute(&pool)
        .await
        .expect("touch");
    assert!(
        changed_tables(&before, &state().await).is_empty(),
        "a token's last use is authentication bookkeeping"
    );
    sqlx::query("UPDATE api_tokens SET name = 'renamed'")
        .execute(&pool)
        .await
        .expect("rename");
    assert_eq!(changed_tables(&before, &state().await).len(), 1);
}
