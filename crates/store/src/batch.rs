//! Group commit. Every push to the listener must be on disk before it is answered, and an
//! fsync per request would cap ingest at the disk's flush rate. Jobs are queued to one
//! writer task that runs whatever has gathered inside a single IMMEDIATE transaction, each
//! job in its own savepoint (so a refused push rolls back alone), commits once, and only
//! then answers every job. A job's answer is never sent before its commit is durable.

use std::future::Future;
use std::pin::Pin;

use sqlx::SqliteConnection;
use storelink_core::AppError;
use tokio::sync::{mpsc, oneshot};

use crate::db::Db;
use crate::error::db_error;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Called after the batch's commit with its outcome: `None` if it is durable.
type Finish = Box<dyn FnOnce(Option<&AppError>) + Send>;
/// A queued job; it gets no connection when the batch's transaction could not begin.
type Job =
    Box<dyn for<'c> FnOnce(Option<&'c mut SqliteConnection>) -> BoxFuture<'c, Finish> + Send>;

/// Most jobs one transaction takes; bounds the latency a long queue adds to its first job.
const MAX_BATCH: usize = 512;

#[derive(Debug, Clone)]
pub struct BatchWriter {
    queue: mpsc::Sender<Job>,
}

impl BatchWriter {
    /// Starts the writer task on the current Tokio runtime. It ends when every handle is
    /// dropped.
    pub fn start(db: Db) -> BatchWriter {
        let (queue, jobs) = mpsc::channel::<Job>(MAX_BATCH * 8);
        tokio::spawn(run(db, jobs));
        BatchWriter { queue }
    }

    /// Runs `work` inside the next group transaction and returns its result once that
    /// transaction is committed. If `work` fails, only its own changes are rolled back.
    pub async fn submit<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, Result<T, AppError>>
            + Send
            + 'static,
    {
        let (reply, answer) = oneshot::channel::<Result<T, AppError>>();
        let job: Job = Box::new(move |conn| {
            Box::pin(async move {
                let outcome = match conn {
                    Some(conn) => Some(in_savepoint(conn, work).await),
                    None => None,
                };
                let finish: Finish = Box::new(move |commit_error| {
                    let result = match (outcome, commit_error) {
                        (Some(Ok(value)), None) => Ok(value),
                        (Some(Err(e)), _) => Err(e),
                        (_, Some(e)) => Err(e.clone()),
                        (None, None) => Err(AppError::internal("the job was not run")),
                    };
                    // The caller may have gone (client hung up); the data is stored anyway.
                    let _ = reply.send(result);
                });
                finish
            })
        });
        self.queue
            .send(job)
            .await
            .map_err(|_| AppError::internal("the database writer has stopped"))?;
        answer
            .await
            .map_err(|_| AppError::internal("the database writer stopped before answering"))?
    }
}

async fn in_savepoint<T, F>(conn: &mut SqliteConnection, work: F) -> Result<T, AppError>
where
    F: for<'c> FnOnce(&'c mut SqliteConnection) -> BoxFuture<'c, Result<T, AppError>>,
{
    exec(&mut *conn, "SAVEPOINT job").await?;
    let outcome = work(&mut *conn).await;
    // A failed release or rollback leaves the transaction in an unknown state; report it.
    if outcome.is_err() {
        exec(&mut *conn, "ROLLBACK TO job").await?;
    }
    exec(&mut *conn, "RELEASE job").await?;
    outcome
}

/// Boxed so the generic job futures above do not carry sqlx's executor bounds, which the
/// compiler cannot prove for every connection lifetime.
fn exec<'c>(
    conn: &'c mut SqliteConnection,
    sql: &'static str,
) -> BoxFuture<'c, Result<(), AppError>> {
    Box::pin(async move {
        sqlx::query(sql)
            .execute(conn)
            .await
            .map(|_| ())
            .map_err(db_error)
    })
}

async fn run(db: Db, mut jobs: mpsc::Receiver<Job>) {
    let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
    while jobs.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let mut finishers = Vec::with_capacity(batch.len());
        let commit_error = match db.write().await {
            Ok(mut tx) => {
                for job in batch.drain(..) {
                    finishers.push(job(Some(&mut tx)).await);
                }
                tx.commit().await.map_err(db_error).err()
            }
            Err(e) => {
                // No transaction: every job fails with the reason, unrun.
                for job in batch.drain(..) {
                    finishers.push(job(None).await);
                }
                Some(e)
            }
        };
        if let Some(e) = &commit_error {
            tracing::error!(error = %e, jobs = finishers.len(), "group commit failed");
        }
        for finish in finishers {
            finish(commit_error.as_ref());
        }
    }
}
