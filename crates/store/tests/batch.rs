//! The group-commit writer on a real SQLite file: many concurrent jobs share transactions,
//! a failing job is rolled back alone, and every answer comes after its commit.

use std::sync::Arc;

use storelink_core::AppError;
use storelink_store::{settings, BatchWriter, Db};

async fn open() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&dir.path().join("s.db")).await.expect("open");
    (dir, db)
}

async fn value(db: &Db, key: &str) -> Option<String> {
    let mut conn = db.read().await.expect("read");
    settings::get(&mut conn, key).await.expect("get")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_jobs_all_commit_and_a_failing_one_rolls_back_alone() {
    let (_dir, db) = open().await;
    let writer = Arc::new(BatchWriter::start(db.clone()));
    let mut tasks = Vec::new();
    for i in 0..200 {
        let writer = Arc::clone(&writer);
        tasks.push(tokio::spawn(async move {
            writer
                .submit(move |conn| {
                    Box::pin(async move {
                        settings::set(conn, &format!("k{i}"), "v").await?;
                        if i % 10 == 7 {
                            // Writes, then fails: its write must not survive.
                            return Err(AppError::internal(format!("job {i} refuses")));
                        }
                        Ok(i)
                    })
                })
                .await
        }));
    }
    let mut ok = 0;
    for (i, t) in tasks.into_iter().enumerate() {
        match t.await.expect("task") {
            Ok(n) => {
                assert_eq!(n, i);
                ok += 1;
                // Answered, so committed: visible from another connection.
                assert_eq!(value(&db, &format!("k{i}")).await.as_deref(), Some("v"));
            }
            Err(e) => {
                assert_eq!(i % 10, 7, "job {i} failed: {e}");
                assert_eq!(value(&db, &format!("k{i}")).await, None, "job {i} leaked");
            }
        }
    }
    assert_eq!(ok, 180);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_that_cannot_begin_fails_its_jobs_unrun() {
    let (_dir, db) = open().await;
    let writer = BatchWriter::start(db.clone());
    db.close().await;
    let ran = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = Arc::clone(&ran);
    let result = writer
        .submit(move |conn| {
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
            Box::pin(async move { settings::set(conn, "k", "v").await })
        })
        .await;
    assert!(
        matches!(result, Err(AppError::Database { .. })),
        "a closed database cannot acknowledge a write: {result:?}"
    );
    assert!(
        !ran.load(std::sync::atomic::Ordering::SeqCst),
        "the job must not run"
    );
}
