//! Group commit. Every push to the listener must be on disk before it is answered, and an
//! fsync per request would cap ingest at the disk's flush rate. Jobs are queued to one
//! writer task that runs whatever has gathered inside a single IMMEDIATE transaction, each
//! job in its own savepoint (so a refused push rolls back alone), commits once, and only
//! then answers every job. A job's answer is never sent before its commit is durable.
//!
//! POS sales, the one push that arrives by the thousand, skip the per-job round trips:
//! a batch's sales are written with one multi-row statement per table (`pos::insert_many`).

use std::future::Future;
use std::pin::Pin;

use sqlx::SqliteConnection;
use storelink_core::AppError;
use tokio::sync::{mpsc, oneshot};

use crate::db::Db;
use crate::error::db_error;
use crate::pos::{self, NewPosRow, PosInsert};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Called after the batch's commit with its outcome: `None` if it is durable.
type Finish = Box<dyn FnOnce(Option<&AppError>) + Send>;
/// A queued job; it gets no connection when the batch's transaction could not begin.
type Job =
    Box<dyn for<'c> FnOnce(Option<&'c mut SqliteConnection>) -> BoxFuture<'c, Finish> + Send>;

/// A sale for the bulk path, and where its outcome goes.
struct Sale {
    row: NewPosRow,
    reply: oneshot::Sender<Result<PosInsert, AppError>>,
}

enum Work {
    Job(Job),
    Sale(Sale),
}

/// Most jobs one transaction takes; bounds the latency a long queue adds to its first job.
const MAX_BATCH: usize = 512;

#[derive(Debug, Clone)]
pub struct BatchWriter {
    queue: mpsc::Sender<Work>,
}

impl BatchWriter {
    /// Starts the writer on a thread of its own. It ends when every handle is dropped.
    pub fn start(db: Db) -> BatchWriter {
        let (queue, jobs) = mpsc::channel::<Work>(MAX_BATCH * 8);
        // Its own thread and runtime: each statement is a round trip to SQLite's worker
        // thread, and on the shared runtime every one of them would wait its turn behind
        // the request tasks. The commit, not the queueing, should be the only wait.
        let spawned = std::thread::Builder::new()
            .name("storelink-writer".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime.block_on(run(db, jobs)),
                    Err(e) => tracing::error!(error = %e, "the database writer cannot start"),
                }
            });
        if let Err(e) = spawned {
            tracing::error!(error = %e, "the database writer thread cannot start");
        }
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
        self.send(Work::Job(job)).await?;
        answer
            .await
            .map_err(|_| AppError::internal("the database writer stopped before answering"))?
    }

    /// Stores a sale in the next group transaction (with its inbox entry and log line)
    /// unless its id is taken; answers once the transaction is committed.
    pub async fn insert_sale(&self, row: NewPosRow) -> Result<PosInsert, AppError> {
        let (reply, answer) = oneshot::channel();
        self.send(Work::Sale(Sale { row, reply })).await?;
        answer
            .await
            .map_err(|_| AppError::internal("the database writer stopped before answering"))?
    }

    async fn send(&self, work: Work) -> Result<(), AppError> {
        self.queue
            .send(work)
            .await
            .map_err(|_| AppError::internal("the database writer has stopped"))
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

async fn run(db: Db, mut queue: mpsc::Receiver<Work>) {
    let mut batch: Vec<Work> = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (mut rows, mut sales, mut jobs) = (Vec::new(), Vec::new(), Vec::new());
        for work in batch.drain(..) {
            match work {
                Work::Sale(Sale { row, reply }) => {
                    rows.push(row);
                    sales.push(reply);
                }
                Work::Job(job) => jobs.push(job),
            }
        }
        let mut finishers = Vec::with_capacity(jobs.len());
        let started = std::time::Instant::now();
        let (sale_outcomes, commit_error) = match db.write().await {
            Ok(mut tx) => {
                // Sales first, so a refund queued beside its sale finds it.
                let outcomes = pos::insert_many(&mut tx, &rows).await;
                for job in jobs.drain(..) {
                    finishers.push(job(Some(&mut tx)).await);
                }
                let ran = started.elapsed();
                // A failed bulk write leaves the transaction unusable: nothing commits.
                let committed = match &outcomes {
                    Ok(_) => tx.commit().await.map_err(db_error).err(),
                    Err(e) => {
                        let _ = tx.rollback().await;
                        Some(e.clone())
                    }
                };
                tracing::debug!(
                    sales = sales.len(),
                    jobs = finishers.len(),
                    run_us = ran.as_micros(),
                    commit_us = (started.elapsed() - ran).as_micros(),
                    "group commit"
                );
                (outcomes.ok(), committed)
            }
            Err(e) => {
                // No transaction: every job fails with the reason, unrun.
                for job in jobs.drain(..) {
                    finishers.push(job(None).await);
                }
                (None, Some(e))
            }
        };
        if let Some(e) = &commit_error {
            tracing::error!(error = %e, jobs = finishers.len(), sales = sales.len(), "group commit failed");
        }
        for finish in finishers {
            finish(commit_error.as_ref());
        }
        match (sale_outcomes, commit_error) {
            (Some(outcomes), None) => {
                for (reply, outcome) in sales.into_iter().zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            (_, error) => {
                let error =
                    error.unwrap_or_else(|| AppError::internal("the sales were not stored"));
                for reply in sales {
                    let _ = reply.send(Err(error.clone()));
                }
            }
        }
    }
}
