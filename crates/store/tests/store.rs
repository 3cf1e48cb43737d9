//! Store tests on real SQLite files.

use std::path::Path;

use chrono::Utc;
use sha2::{Digest, Sha256};
use storelink_core::ids::new_id;
use storelink_core::system::{ExternalSystem, SystemStatus, SystemType, ValidSystemFilter};
use storelink_core::{AppError, PageRequest};
use storelink_store::{systems, Db};

fn system(name: &str, store: Option<&str>, t: SystemType) -> ExternalSystem {
    let now = Utc::now();
    ExternalSystem {
        id: new_id(),
        name: name.into(),
        system_type: t,
        provider: "Meituan".into(),
        version: None,
        status: SystemStatus::Inactive,
        store_id: store.map(str::to_owned),
        api_endpoint: Some("https://api.meituan.com/pos".into()),
        webhook_url: None,
        config: serde_json::json!({"merchant_no": "M1"}),
        sync_enabled: false,
        sync_interval: 300,
        last_sync_at: None,
        last_sync_status: None,
        secret_fields: vec!["api_key".into()],
        last_test_at: None,
        last_test_latency_ms: None,
        last_test_error_class: None,
        last_test_message: None,
        created_at: now,
        updated_at: now,
    }
}

/// The database's content: the main file and its write-ahead log (a missing log and an
/// empty one hold the same nothing; SQLite may create an empty one even for a read-only
/// look).
fn digest(path: &Path) -> Vec<u8> {
    let mut h = Sha256::new();
    for suffix in ["", "-wal"] {
        let bytes = std::fs::read(format!("{}{suffix}", path.display())).unwrap_or_default();
        h.update(suffix.as_bytes());
        h.update(&bytes);
    }
    h.finalize().to_vec()
}

async fn insert(db: &Db, s: &ExternalSystem) -> Result<(), AppError> {
    let mut tx = db.write().await?;
    systems::insert(&mut tx, s).await?;
    tx.commit().await.map_err(storelink_store::db_error)
}

#[tokio::test]
async fn fresh_database_has_every_seed_table_wal_and_foreign_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&dir.path().join("s.db")).await.expect("open");
    let mut conn = db.read().await.expect("conn");
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type='table'")
            .fetch_all(&mut *conn)
            .await
            .expect("tables");
    for t in [
        "external_systems",
        "sync_logs",
        "sync_tasks",
        "pos_transactions",
        "supplier_orders",
        "member_syncs",
        "reservations",
        "customers",
        "products",
        "erp_orders",
        "inbox",
        "outbox",
        "checkpoints",
        "conflicts",
        "users",
        "audit_log",
        "api_tokens",
        "settings",
    ] {
        assert!(tables.iter().any(|x| x == t), "missing table {t}");
    }
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await
        .expect("pragma");
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut *conn)
        .await
        .expect("pragma");
    assert_eq!(fk, 1);
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&mut *conn)
        .await
        .expect("pragma");
    assert_eq!(sync, 2, "synchronous=FULL");
    let timeout: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(&mut *conn)
        .await
        .expect("pragma");
    assert!(timeout >= 5000);
    // Foreign keys are enforced: a log for a system that does not exist is refused.
    let orphan = sqlx::query("INSERT INTO sync_logs (id, system_id, item_type, item_id, action, status, created_at) VALUES ('l', 'nope', 'order', '1', 'create', 'success', 'x')")
        .execute(&mut *conn)
        .await;
    assert!(orphan.is_err());
}

#[tokio::test]
async fn reopening_keeps_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.db");
    let s = system("美团POS系统", Some("store-001"), SystemType::Pos);
    {
        let db = Db::open(&path).await.expect("open");
        insert(&db, &s).await.expect("insert");
        db.close().await;
    }
    let db = Db::open(&path).await.expect("reopen");
    let mut conn = db.read().await.expect("conn");
    let got = systems::require(&mut conn, s.id).await.expect("present");
    assert_eq!(
        got,
        ExternalSystem {
            created_at: got.created_at,
            updated_at: got.updated_at,
            ..s.clone()
        }
    );
    assert_eq!(
        got.created_at.timestamp_micros(),
        s.created_at.timestamp_micros()
    );
}

#[tokio::test]
async fn newer_schema_is_refused_and_file_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.db");
    {
        let db = Db::open(&path).await.expect("open");
        let mut conn = db.read().await.expect("conn");
        sqlx::query("INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time) VALUES (99991231000000, 'from the future', '2099-01-01', 1, x'00', 1)")
            .execute(&mut *conn)
            .await
            .expect("fake future migration");
        // Settle the log into the main file so the "before" picture is final.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut *conn)
            .await
            .expect("checkpoint");
        drop(conn);
        db.close().await;
    }
    let before = digest(&path);
    let err = Db::open(&path).await.expect_err("must refuse");
    let AppError::DatabaseRefused { message, remedy } = &err else {
        panic!("{err:?}")
    };
    assert!(message.contains("newer Storelink"), "{message}");
    assert!(remedy.contains("not changed"), "{remedy}");
    assert_eq!(digest(&path), before, "refused file was modified");
}

#[tokio::test]
async fn garbage_and_foreign_files_are_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let garbage = dir.path().join("garbage.db");
    std::fs::write(
        &garbage,
        b"this is not a database at all, just some text that is long enough to have a header"
            .repeat(100),
    )
    .expect("write");
    let before = digest(&garbage);
    let err = Db::open(&garbage).await.expect_err("must refuse");
    assert!(matches!(err, AppError::DatabaseRefused { .. }), "{err:?}");
    assert_eq!(digest(&garbage), before);

    let foreign = dir.path().join("foreign.db");
    {
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&foreign)
            .create_if_missing(true);
        let mut c = sqlx::ConnectOptions::connect(&opts).await.expect("create");
        sqlx::query("CREATE TABLE invoices (id INTEGER)")
            .execute(&mut c)
            .await
            .expect("create");
        sqlx::Connection::close(c).await.expect("close");
    }
    let before = digest(&foreign);
    let err = Db::open(&foreign).await.expect_err("must refuse");
    assert!(err.to_string().contains("another program"), "{err}");
    assert_eq!(digest(&foreign), before);
}

#[tokio::test]
async fn corrupted_page_fails_quick_check_and_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.db");
    {
        let db = Db::open(&path).await.expect("open");
        for i in 0..200 {
            insert(
                &db,
                &system(&format!("sys-{i}"), Some("store-001"), SystemType::Erp),
            )
            .await
            .expect("insert");
        }
        let mut conn = db.read().await.expect("conn");
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut *conn)
            .await
            .expect("checkpoint");
        drop(conn);
        db.close().await;
    }
    // Scribble over the middle of the file, past the header, where table pages live.
    let mut bytes = std::fs::read(&path).expect("read");
    assert!(bytes.len() > 3 * 4096);
    for b in &mut bytes[2 * 4096 + 100..3 * 4096] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).expect("write");
    let before = digest(&path);
    let err = Db::open(&path).await.expect_err("must refuse");
    assert!(matches!(err, AppError::DatabaseRefused { .. }), "{err:?}");
    assert_eq!(digest(&path), before);
}

#[tokio::test]
async fn list_filters_and_keyset_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&dir.path().join("s.db")).await.expect("open");
    let mut made = Vec::new();
    for i in 0..25 {
        let t = if i % 2 == 0 {
            SystemType::Pos
        } else {
            SystemType::Supplier
        };
        let store = if i % 5 == 0 { "store-002" } else { "store-001" };
        let s = system(&format!("系统{i}"), Some(store), t);
        insert(&db, &s).await.expect("insert");
        made.push(s);
    }
    let mut conn = db.read().await.expect("conn");
    let all = ValidSystemFilter::default();
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = systems::list(
            &mut conn,
            &all,
            &PageRequest {
                cursor: cursor.clone(),
                limit: Some(10),
            },
        )
        .await
        .expect("page");
        seen.extend(page.items.iter().map(|s| s.id));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let mut expected: Vec<_> = made.iter().map(|s| s.id).collect();
    expected.reverse();
    assert_eq!(seen, expected, "newest first, each once");

    let pos_store1 = ValidSystemFilter {
        system_type: Some(SystemType::Pos),
        store_id: Some("store-001".into()),
        status: None,
    };
    let page = systems::list(&mut conn, &pos_store1, &PageRequest::default())
        .await
        .expect("page");
    let expected = made
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 2 == 0 && i % 5 != 0)
        .count();
    assert_eq!(page.items.len(), expected);
    assert!(page
        .items
        .iter()
        .all(|s| s.system_type == SystemType::Pos && s.store_id.as_deref() == Some("store-001")));

    let bad = systems::list(
        &mut conn,
        &all,
        &PageRequest {
            cursor: Some("' OR 1=1 --".into()),
            limit: None,
        },
    )
    .await;
    assert!(matches!(bad, Err(AppError::Validation { .. })));
}

#[tokio::test]
async fn duplicate_name_in_store_conflicts_until_deleted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&dir.path().join("s.db")).await.expect("open");
    let a = system(
        "易订预订管理系统",
        Some("store-001"),
        SystemType::Reservation,
    );
    insert(&db, &a).await.expect("insert");
    let dup = system(
        "易订预订管理系统",
        Some("store-001"),
        SystemType::Reservation,
    );
    let err = insert(&db, &dup).await.expect_err("duplicate");
    assert!(
        matches!(&err, AppError::Conflict { field: Some(f), .. } if f == "name"),
        "{err:?}"
    );
    // Same name in another store is fine.
    insert(
        &db,
        &system(
            "易订预订管理系统",
            Some("store-002"),
            SystemType::Reservation,
        ),
    )
    .await
    .expect("other store");

    let mut tx = db.write().await.expect("tx");
    systems::soft_delete(&mut tx, a.id, Utc::now())
        .await
        .expect("delete");
    tx.commit().await.expect("commit");
    let mut conn = db.read().await.expect("conn");
    assert!(systems::get(&mut conn, a.id).await.expect("get").is_none());
    // History is kept: the row is still there, marked deleted.
    let kept: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM external_systems WHERE id = ? AND deleted_at IS NOT NULL",
    )
    .bind(a.id.to_string())
    .fetch_one(&mut *conn)
    .await
    .expect("count");
    assert_eq!(kept, 1);
    drop(conn);
    insert(&db, &dup)
        .await
        .expect("name free again after delete");
    let mut tx = db.write().await.expect("tx");
    let again = systems::soft_delete(&mut tx, a.id, Utc::now()).await;
    assert!(matches!(again, Err(AppError::NotFound { .. })));
}

#[tokio::test]
async fn concurrent_read_then_write_transactions_do_not_fail_locked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&dir.path().join("s.db")).await.expect("open");
    let mut tasks = Vec::new();
    for w in 0..4 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..25 {
                let mut tx = db.write().await?;
                // Read, then write, in one transaction.
                let n = systems::count(&mut tx).await?;
                let s = system(&format!("w{w}-{i}-{n}"), Some("store-001"), SystemType::Pos);
                systems::insert(&mut tx, &s).await?;
                tx.commit().await.map_err(storelink_store::db_error)?;
            }
            Ok::<(), AppError>(())
        }));
    }
    for t in tasks {
        t.await.expect("join").expect("no writer failed");
    }
    let mut conn = db.read().await.expect("conn");
    assert_eq!(systems::count(&mut conn).await.expect("count"), 100);
}
