//! Backups as the app makes and restores them, with a real SQLite file: what was written
//! after a backup is gone once it is restored, the database before the restore is kept,
//! a damaged file is refused before anything changes, and only the newest copies stay.

mod common;

use storelink_core::{Actor, AppError, Role};
use storelink_service::backup::{BackupKind, BackupSettings};
use storelink_service::Services;

use common::{host, user};

const STAGING: &str = "storelink.db.restoring";

async fn usernames(services: &Services, admin: &Actor) -> Vec<String> {
    services
        .list_user_accounts(admin)
        .await
        .expect("users")
        .into_iter()
        .map(|u| u.username)
        .collect()
}

async fn add(services: &Services, admin: &Actor, name: &str) {
    services
        .add_user(admin, name, "Passw0rd-long", "staff")
        .await
        .expect("add user");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_brings_the_backup_back_and_drops_what_came_after() {
    let h = host().await;
    add(&h.services, &h.admin, "before").await;
    let backup = h.services.run_backup(&h.admin).await.expect("backup");
    assert_eq!(backup.kind, BackupKind::Manual);
    assert!(backup.size_bytes > 0);
    add(&h.services, &h.admin, "after").await;
    let changed = BackupSettings {
        enabled: false,
        interval_hours: 12,
        keep: 5,
    };
    h.services
        .save_backup_settings(&h.admin, changed)
        .await
        .expect("settings");

    let report = h
        .services
        .restore_backup(&h.admin, &backup.name)
        .await
        .expect("restore");
    assert_eq!(report.restored_from, backup.name);
    assert!(!h.dir.path().join(STAGING).exists());

    // The shell opens the data folder again (the desktop app restarts): usable at once.
    let reopened = Services::open(h.dir.path()).await.expect("reopen");
    let (_, admin) = reopened
        .login("admin", "Adm1n-pass!")
        .await
        .expect("sign in");
    let names = usernames(&reopened, &admin).await;
    assert!(names.contains(&"before".to_owned()), "{names:?}");
    assert!(!names.contains(&"after".to_owned()), "{names:?}");
    assert_eq!(
        reopened.backup_settings().await.expect("settings"),
        BackupSettings::default()
    );
    // Who restored what is on record in the restored database.
    let audit = reopened
        .audit_log(&admin, Some(&backup.name), 10)
        .await
        .expect("audit");
    assert!(
        audit.iter().any(|a| a
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("restored from"))),
        "{audit:?}"
    );

    // The database as it was before is kept, and restoring it undoes the restore.
    let overview = reopened.backups_overview(&admin).await.expect("overview");
    let previous = overview
        .backups
        .iter()
        .find(|b| b.name == report.previous_copy)
        .expect("kept");
    assert_eq!(previous.kind, BackupKind::PreRestore);
    reopened
        .restore_backup(&admin, &report.previous_copy)
        .await
        .expect("undo");
    let undone = Services::open(h.dir.path()).await.expect("reopen");
    let (_, admin) = undone.login("admin", "Adm1n-pass!").await.expect("sign in");
    let names = usernames(&undone, &admin).await;
    assert!(names.contains(&"after".to_owned()), "{names:?}");
    assert_eq!(undone.backup_settings().await.expect("settings"), changed);
    undone.close().await;
}

/// Overwrites everything but the first two pages and the last one: the schema page stays
/// readable, the tables' pages are garbage.
fn damage(path: &std::path::Path) {
    let mut bytes = std::fs::read(path).expect("read backup");
    let (start, end) = (2 * 4096, bytes.len().saturating_sub(4096));
    assert!(end > start, "a backup spans more than three pages");
    for (i, b) in bytes[start..end].iter_mut().enumerate() {
        *b = (i % 251) as u8;
    }
    std::fs::write(path, bytes).expect("write backup");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_backup_is_refused_and_changes_nothing() {
    let h = host().await;
    let backup = h.services.run_backup(&h.admin).await.expect("backup");
    add(&h.services, &h.admin, "after").await;
    damage(&h.services.backup_folder().join(&backup.name));

    let refused = h
        .services
        .restore_backup(&h.admin, &backup.name)
        .await
        .expect_err("damaged");
    match &refused {
        AppError::DatabaseRefused { message, remedy } => {
            assert!(message.contains(&backup.name), "{message}");
            assert!(message.contains("damaged"), "{message}");
            assert!(remedy.contains("nothing was changed"), "{remedy}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // Still open, still holding what was written after the backup, no copy made.
    let names = usernames(&h.services, &h.admin).await;
    assert!(names.contains(&"after".to_owned()), "{names:?}");
    let overview = h
        .services
        .backups_overview(&h.admin)
        .await
        .expect("overview");
    assert_eq!(overview.backups.len(), 1, "{:?}", overview.backups);
    assert!(!h.dir.path().join(STAGING).exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_are_checked_and_only_the_newest_backups_stay() {
    let h = host().await;
    let bad = h
        .services
        .save_backup_settings(
            &h.admin,
            BackupSettings {
                enabled: true,
                interval_hours: 0,
                keep: 0,
            },
        )
        .await;
    let Err(AppError::Validation { errors }) = bad else {
        panic!("must be refused: {bad:?}")
    };
    let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["interval_hours", "keep"]);

    let keep_two = BackupSettings {
        enabled: true,
        interval_hours: 6,
        keep: 2,
    };
    h.services
        .save_backup_settings(&h.admin, keep_two)
        .await
        .expect("save");
    let mut made = Vec::new();
    for _ in 0..3 {
        made.push(h.services.run_backup(&h.admin).await.expect("backup").name);
    }
    let overview = h
        .services
        .backups_overview(&h.admin)
        .await
        .expect("overview");
    let listed: Vec<_> = overview.backups.iter().map(|b| b.name.clone()).collect();
    assert_eq!(listed, [made[2].clone(), made[1].clone()]);
    assert_eq!(overview.settings, keep_two);
    let newest = &overview.backups[0];
    assert_eq!(
        overview.next_run_at,
        Some(newest.created_at + chrono::Duration::hours(6))
    );

    let missing = h.services.restore_backup(&h.admin, "../storelink.db").await;
    assert!(
        matches!(missing, Err(AppError::NotFound { .. })),
        "{missing:?}"
    );

    // Backups are the administrator's: a store manager is refused, and it is on record.
    let manager = user(&h, "manager", Role::StoreManager).await;
    assert!(matches!(
        h.services.run_backup(&manager).await,
        Err(AppError::Forbidden { .. })
    ));
    assert!(matches!(
        h.services.restore_backup(&manager, &made[2]).await,
        Err(AppError::Forbidden { .. })
    ));
    let refusals = h
        .services
        .audit_log(&h.admin, None, 50)
        .await
        .expect("audit")
        .into_iter()
        .filter(|a| a.actor == "manager" && a.action == "backups_manage")
        .count();
    assert_eq!(refusals, 2);
}
