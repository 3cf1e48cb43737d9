//! The clean-close note (`storelink_store::Db::close_verified`): a file checked whole at a
//! clean close and untouched since opens without a second full check; after a plain close,
//! a kill or another process's write it is checked again, and a file damaged after its clean
//! close is still refused.

use storelink_core::AppError;
use storelink_service::Services;
use storelink_store::{OpenCheck, DB_FILE_NAME};

use super::support::{fill_users, overwrite_page, root_page};
use crate::common::host;

const NOTE: &str = "storelink.db.verified";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clean_close_spares_the_next_open_its_full_check_once() {
    let h = host().await;
    assert_eq!(h.services.opened_check(), OpenCheck::NewFile);
    assert!(h.services.close_verified().await.expect("healthy"), "noted");
    assert!(h.dir.path().join(NOTE).exists());

    let again = Services::open(h.dir.path()).await.expect("open");
    assert_eq!(again.opened_check(), OpenCheck::VerifiedAtLastClose);
    assert!(
        !h.dir.path().join(NOTE).exists(),
        "the note is used up at open"
    );
    // Work goes on as usual on a file opened this way.
    again
        .add_user(&h.admin, "clerk", "Passw0rd-long", "staff")
        .await
        .expect("write");
    // A plain close (or a kill) leaves no note: the next open checks the whole file.
    again.close().await;
    let third = Services::open(h.dir.path()).await.expect("open");
    assert_eq!(third.opened_check(), OpenCheck::CheckedWhole);
    assert_eq!(third.list_users(&h.admin).await.expect("users").len(), 2);
    third.close().await;
}

/// Damage after the clean close changes the file, so its note no longer vouches for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_damaged_after_its_clean_close_is_still_refused() {
    let h = host().await;
    fill_users(&h).await;
    let (page, page_size) = root_page(h.services.db().pool(), "users").await;
    assert!(h.services.close_verified().await.expect("healthy"));
    let path = h.dir.path().join(DB_FILE_NAME);
    overwrite_page(&path, page, page_size);

    let refused = Services::open(h.dir.path()).await.expect_err("refused");
    assert!(
        matches!(&refused, AppError::DatabaseRefused { message, .. } if message.contains("not a healthy Storelink database")),
        "{refused:?}"
    );
}

/// Another process (here: another pool) still has the file open when this one closes: its
/// next write lands in the WAL or changes the file, so the note no longer vouches for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_by_another_process_after_the_close_voids_the_note() {
    let h = host().await;
    let other = Services::open(h.dir.path()).await.expect("second opener");
    h.services.close_verified().await.expect("healthy");
    other
        .add_user(&h.admin, "clerk", "Passw0rd-long", "staff")
        .await
        .expect("write");
    let next = Services::open(h.dir.path()).await.expect("open");
    assert_eq!(next.opened_check(), OpenCheck::CheckedWhole);
    // And once the other one has closed too (folding its WAL into the file).
    other.close().await;
    next.close().await;
    let last = Services::open(h.dir.path()).await.expect("open");
    assert_eq!(last.opened_check(), OpenCheck::CheckedWhole);
    assert_eq!(last.list_users(&h.admin).await.expect("users").len(), 2);
    last.close().await;
}
