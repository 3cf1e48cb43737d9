//! Storage faults with real SQLite files: the disk filling up during ingest over HTTP, a
//! damaged database file at open and under a running app, and a backup/restore round trip
//! compared row by row. The full disk is SQLite's `max_page_count` on every connection (no
//! root or mount needed; a real tmpfs run is in docs/RELIABILITY.md).
//!
//! Run: `scripts/with-keyring.sh cargo test -p storelink-service --test storage_faults`

mod common;

#[path = "storage_faults/clean_close.rs"]
mod clean_close;
#[path = "storage_faults/disk_full.rs"]
mod disk_full;
#[path = "storage_faults/support.rs"]
mod support;

use serde_json::json;
use storelink_core::AppError;
use storelink_service::Services;
use storelink_store::DB_FILE_NAME;

use common::host;
use support::{dump, fill_users, fingerprint, open_read_only, overwrite_page, root_page};

/// A copy of a database with one page of `users` overwritten, in a folder of its own,
/// and the fingerprint of that folder.
async fn damaged_copy() -> (tempfile::TempDir, Vec<(String, usize, u64)>) {
    let h = host().await;
    fill_users(&h).await;
    let (page, page_size) = root_page(h.services.db().pool(), "users").await;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(h.services.db().pool())
        .await
        .expect("checkpoint");
    h.services.close().await;
    let copy_dir = tempfile::tempdir().expect("copy folder");
    let copy = copy_dir.path().join(DB_FILE_NAME);
    std::fs::copy(h.dir.path().join(DB_FILE_NAME), &copy).expect("copy");
    overwrite_page(&copy, page, page_size);
    let before = fingerprint(copy_dir.path());
    (copy_dir, before)
}

/// The refusal of a damaged file says what happened and what to do.
fn assert_refused_with_remedy(refused: &AppError) {
    let AppError::DatabaseRefused { message, remedy } = refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    assert!(
        message.contains("not a healthy Storelink database"),
        "{message}"
    );
    assert!(remedy.contains("restore the latest backup"), "{remedy}");
    assert!(
        remedy.contains("backups"),
        "says where the backups are: {remedy}"
    );
}

/// The file is byte for byte as it was. Opening a WAL database read-only makes SQLite
/// create its shared-memory index (`-shm`) and an empty `-wal`; neither holds a write.
fn assert_untouched(dir: &std::path::Path, before: &[(String, usize, u64)]) {
    let after = fingerprint(dir);
    let db = |list: &[(String, usize, u64)]| list.iter().find(|f| f.0 == DB_FILE_NAME).cloned();
    assert_eq!(db(before), db(&after), "the database file was not written");
    for (name, len, _) in &after {
        assert!(
            name == DB_FILE_NAME || name.ends_with("-shm") || (name.ends_with("-wal") && *len == 0),
            "{name} ({len} bytes) appeared beside the damaged file"
        );
    }
}

/// A damaged copy of a database: refused at open with what to do, and never written to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_database_is_refused_at_open_and_left_untouched() {
    let (copy_dir, before) = damaged_copy().await;
    let refused = Services::open(copy_dir.path()).await.expect_err("refused");
    assert_refused_with_remedy(&refused);
    assert_untouched(copy_dir.path(), &before);
    eprintln!("damaged at open: {refused}");
}

/// The desktop's way of opening after an unclean stop checks the whole file in the
/// background: the same damaged copy opens, but the check's verdict is the same refusal,
/// every write (a sign-in's note, a first account) and every later read answers with it,
/// and the file is never written to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_database_checked_in_the_background_refuses_every_write_and_is_left_untouched() {
    let (copy_dir, before) = damaged_copy().await;
    let services = Services::open_checking_in_background(copy_dir.path())
        .await
        .expect("the schema is readable, so it opens while the whole file is checked");
    assert_eq!(
        services.opened_check(),
        storelink_store::OpenCheck::CheckingWholeInBackground
    );
    let verdict = services.db().checked().await.expect_err("found damaged");
    assert_refused_with_remedy(&verdict);
    assert!(!services.db().is_checked());
    let status = services
        .status(None)
        .await
        .expect_err("reads refused after the verdict");
    assert_eq!(status, verdict);
    let write = services
        .create_first_admin("second", "Adm1n-pass!")
        .await
        .expect_err("writes refused");
    assert_eq!(write, verdict);
    let login = services
        .login("admin", "Adm1n-pass!")
        .await
        .expect_err("no sign-in on a damaged file");
    assert_eq!(login, verdict);
    services.close().await;
    assert_untouched(copy_dir.path(), &before);
    eprintln!("damaged, checked in the background: {verdict}");
}

/// The database is damaged under the running app: a backup of it is refused (and leaves no
/// file), the backups made before stay healthy, and restoring one brings the data back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_of_a_damaged_database_is_refused_and_a_restore_recovers() {
    let h = host().await;
    fill_users(&h).await;
    let good = h.services.run_backup(&h.admin).await.expect("backup");
    let pool = h.services.db().pool().clone();
    let (page, page_size) = root_page(&pool, "users").await;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await
        .expect("checkpoint");
    overwrite_page(&h.dir.path().join(DB_FILE_NAME), page, page_size);
    // Any write makes every connection drop its cached pages and read the file again.
    h.services
        .save_backup_settings(&h.admin, Default::default())
        .await
        .expect("a write elsewhere");

    let refused = h.services.run_backup(&h.admin).await.expect_err("refused");
    let AppError::DatabaseRefused { message, remedy } = &refused else {
        panic!("a damaged database is named as such, got {refused:?}");
    };
    assert!(message.contains("damaged"), "{message}");
    assert!(remedy.contains("restore"), "{remedy}");
    let folder = h.services.backup_folder();
    let left: Vec<String> = fingerprint(&folder)
        .into_iter()
        .map(|(n, _, _)| n)
        .collect();
    assert_eq!(
        left,
        std::slice::from_ref(&good.name),
        "no copy of the damaged database is kept"
    );
    storelink_store::backup::inspect(&folder.join(&good.name), &good.name)
        .await
        .expect("the earlier backup is still healthy");

    let report = h
        .services
        .restore_backup(&h.admin, &good.name)
        .await
        .expect("restoring over a damaged database");
    let reopened = Services::open(h.dir.path()).await.expect("healthy again");
    let (_, admin) = reopened
        .login("admin", "Adm1n-pass!")
        .await
        .expect("sign in");
    assert_eq!(reopened.list_users(&admin).await.expect("users").len(), 41);
    eprintln!(
        "damaged while running: {refused}; restored from {}",
        report.restored_from
    );
    reopened.close().await;
}

/// Backup, change everything, restore: the data is exactly what it was at the backup.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_round_trip_compares_every_row() {
    let h = host().await;
    let admin = h.admin.clone();
    for i in 0..25 {
        h.services
            .add_user(&admin, &format!("clerk{i}"), "Passw0rd-long", "staff")
            .await
            .expect("user");
    }
    let input = json!({"name": "ERP", "type": "erp", "provider": "custom",
        "config": {"username": "u", "password": "round-trip-secret"}});
    let system = h
        .services
        .create_system(&admin, serde_json::from_value(input).expect("input"))
        .await
        .expect("system");
    let backup = h.services.run_backup(&admin).await.expect("backup");
    let at_backup = {
        let mut conn = h.services.db().pool().acquire().await.expect("conn");
        dump(&mut conn).await
    };
    let mut from_file = open_read_only(&h.services.backup_folder().join(&backup.name)).await;
    assert_eq!(
        dump(&mut from_file).await,
        at_backup,
        "the backup file holds it all"
    );

    for i in 0..5 {
        h.services
            .add_user(&admin, &format!("later{i}"), "Passw0rd-long", "staff")
            .await
            .expect("user");
    }
    h.services
        .delete_system(&admin, &system.id.to_string())
        .await
        .expect("delete");
    h.services
        .restore_backup(&admin, &backup.name)
        .await
        .expect("restore");

    let reopened = Services::open(h.dir.path()).await.expect("reopen");
    let mut conn = reopened.db().pool().acquire().await.expect("conn");
    let restored = dump(&mut conn).await;
    assert_eq!(restored.len(), at_backup.len());
    assert_eq!(
        restored, at_backup,
        "the restored database is the backup, row for row"
    );
    drop(conn);
    eprintln!("round trip: {} rows compared", restored.len());
    reopened.close().await;
}
