//! Pulling a stream: one persisted task, page after page. Each page is upserted (unchanged
//! records recognised by content hash), its items logged and the checkpoint saved in one
//! transaction, so a sync killed at any point resumes after the last page it stored.
//!
//! Paging follows the change cursor rather than page numbers: the next request asks for
//! records changed at or after the newest change time seen, skipping the ids already read
//! at that exact time. Page numbers only advance while a whole page shares one time. So a
//! record edited during the sync (which moves to the end of the vendor's order) is read
//! again later instead of shifting the pages and hiding another.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use storelink_connectors::connector::{Connector, Entity, PullRequest, RemoteRecord};
use storelink_core::error::{AppError, ErrorClass, Rule};
use storelink_core::ids::{new_id, now};
use storelink_core::sync::{
    SyncAction, SyncItemStatus, SyncLog, SyncMode, SyncTask, SyncTaskStatus, SyncTrigger,
};
use storelink_core::system::{ExternalSystem, LastSyncStatus};
use storelink_store::erp_records::{self, RecordRow};
use storelink_store::{checkpoints, db_error, supplier_orders, sync_logs, sync_tasks, systems};
use uuid::Uuid;

use crate::locks::LockFile;
use crate::records;
use crate::retry::RetryPolicy;
use crate::sink::Sink;
use crate::Engine;

const DEFAULT_PAGE_SIZE: u32 = 500;
/// Pages are committed together up to this many records or this long.
const COMMIT_EVERY_RECORDS: usize = 2000;
const COMMIT_EVERY: Duration = Duration::from_secs(1);

/// Why the fetching stage stopped early.
enum Stopped {
    Vendor(storelink_connectors::connector::CallError),
    Local(AppError),
}

/// Pages read and mapped, waiting to be committed together.
#[derive(Default)]
struct Batch {
    rows: Vec<RecordRow>,
    /// Records of a domain sink (reservations, supplier orders, members), as pulled.
    domain: Vec<RemoteRecord>,
    failed: Vec<SyncLog>,
    /// The newest change time in these pages, and the run's before them.
    high: Option<DateTime<Utc>>,
    run_high: Option<DateTime<Utc>>,
    /// Where the sync goes on after these pages (`None`: they were the last).
    next: Option<RunState>,
    /// How many records the vendor says match, from the first page.
    total: Option<i64>,
}
const DEFAULT_LOOKBACK_SECS: i64 = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRequest {
    pub system_id: Uuid,
    pub stream: String,
    pub mode: SyncMode,
    pub trigger: SyncTrigger,
}

/// The checkpoint of a stream.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Cursor {
    /// The newest change time stored by the last completed run.
    watermark: Option<DateTime<Utc>>,
    /// The run in progress, when a sync stopped half way.
    run: Option<RunState>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct RunState {
    task_id: Uuid,
    since: Option<DateTime<Utc>>,
    page: u32,
    /// Ids already read whose change time equals `since`.
    boundary: Vec<String>,
    /// The newest change time read so far.
    high: Option<DateTime<Utc>>,
}

/// A stream's checkpoint; a missing or unreadable one is a fresh start.
async fn read_cursor(
    conn: &mut storelink_store::SqliteConnection,
    system_id: Uuid,
    stream: &str,
) -> Result<Cursor, AppError> {
    Ok(checkpoints::get(conn, system_id, stream)
        .await?
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default())
}

fn config_u64(system: &ExternalSystem, key: &str) -> Option<u64> {
    system.config.get(key).and_then(serde_json::Value::as_u64)
}

impl Engine {
    /// Runs (or resumes) a pull of one stream to its end and returns the finished task.
    pub async fn run_sync(&self, request: SyncRequest) -> Result<SyncTask, AppError> {
        let system = {
            let mut conn = self.db.read().await?;
            systems::require(&mut conn, request.system_id).await?
        };
        let connector = self.connector(&system).await?;
        let spec = connector.stream(&request.stream).ok_or_else(|| {
            AppError::field(
                "stream",
                Rule::OneOf {
                    allowed: connector
                        .streams()
                        .iter()
                        .map(|s| s.name.to_owned())
                        .collect(),
                },
                format!("this system has no stream `{}`", request.stream),
            )
        })?;
        if request.mode == SyncMode::Single || !spec.modes.contains(&request.mode) {
            return Err(AppError::field(
                "mode",
                Rule::OneOf {
                    allowed: vec!["full".into(), "incremental".into()],
                },
                "a stream sync runs full or incremental (single records are pulled by id)",
            ));
        }
        let sink = Sink::of(spec.entity);
        let domain_sink = match sink {
            Sink::Domain(_) => Some(self.domain_sink()?),
            Sink::Records(_) => None,
        };
        // Held until this function returns; the OS releases it if the process dies.
        let _lock = self.stream_lock(&system, &request.stream)?;
        let (task, mut run, watermark) = self.begin(&system, &request).await?;
        let policy = RetryPolicy::from_config(&system.config);
        let limiter = self.limiter(&system);
        let limit = config_u64(&system, "page_size")
            .and_then(|n| u32::try_from(n.clamp(1, 1000)).ok())
            .unwrap_or(DEFAULT_PAGE_SIZE);
        let commit_every = config_u64(&system, "commit_every_records")
            .and_then(|n| usize::try_from(n.clamp(1, 100_000)).ok())
            .unwrap_or(COMMIT_EVERY_RECORDS);
        let item_type = spec.entity.as_str();
        let ids = match spec.entity {
            Entity::Logistics => {
                let mut conn = self.db.read().await?;
                supplier_orders::open_order_numbers(&mut conn, system.id).await?
            }
            _ => Vec::new(),
        };
        // Two stages: pages are fetched and mapped while earlier ones are being written.
        let (batches, mut to_write) = tokio::sync::mpsc::channel::<Batch>(1);
        let task_id = task.id;
        let produce = async {
            // Owned here, so the channel closes (and the writer ends) when this stage does.
            let batches = batches;
            let mut pending = Batch::default();
            let mut since_flush = std::time::Instant::now();
            loop {
                match self.cancelled(task_id).await {
                    Ok(true) => return Ok(Some(SyncTaskStatus::Cancelled)),
                    Ok(false) => {}
                    Err(e) => return Err(Stopped::Local(e)),
                }
                let pull = PullRequest {
                    since: run.since,
                    page: run.page,
                    limit,
                    ids: ids.clone(),
                };
                let page = match self
                    .fetch(connector.as_ref(), &request.stream, pull, &policy, &limiter)
                    .await
                {
                    Ok(page) => page,
                    Err(e) => return Err(Stopped::Vendor(e)),
                };
                if pending.total.is_none() {
                    pending.total = page.total;
                }
                let next = if ids.is_empty() {
                    advance(&run, &page.records, page.has_more)
                } else {
                    // Batches of ids: a batch may find nothing, and the next one is due all the same.
                    page.has_more.then(|| RunState {
                        page: run.page + 1,
                        ..run.clone()
                    })
                };
                pending.high = max_time(pending.high, page_high(&page.records));
                for record in page.records {
                    let at_boundary = record.updated_at == run.since && run.since.is_some();
                    if at_boundary && run.boundary.contains(&record.external_id) {
                        continue;
                    }
                    let table = match sink {
                        Sink::Records(table) => table,
                        Sink::Domain(_) => {
                            pending.domain.push(record);
                            continue;
                        }
                    };
                    match erp_records::missing_field(table, &record.data) {
                        Some(problem) => {
                            let mut l = SyncLog::success(
                                system.id,
                                Some(task_id),
                                item_type,
                                &record.external_id,
                                SyncAction::Update,
                            );
                            l.status = SyncItemStatus::Failed;
                            l.error_class = Some(ErrorClass::ValidationError);
                            l.error_message = Some(problem);
                            pending.failed.push(l);
                        }
                        None => pending.rows.push(RecordRow::new(
                            table,
                            record.external_id,
                            &record.data,
                            record.updated_at,
                        )),
                    }
                }
                // Several pages share one commit (one fsync); the checkpoint saved with
                // them is the last one's, so a crash re-reads at most this many records.
                let flush = next.is_none()
                    || pending.rows.len() + pending.domain.len() + pending.failed.len()
                        >= commit_every
                    || since_flush.elapsed() >= COMMIT_EVERY;
                if flush {
                    pending.next = next.clone();
                    pending.run_high = run.high;
                    if batches.send(std::mem::take(&mut pending)).await.is_err() {
                        // The writer stopped (and says why).
                        return Ok(None);
                    }
                    since_flush = std::time::Instant::now();
                }
                match next {
                    Some(state) => run = state,
                    None => return Ok(None),
                }
            }
        };
        // The writer runs as its own task, so building its statements overlaps with
        // fetching and mapping the next pages on another thread.
        let db = self.db.clone();
        let progress = self.progress.clone();
        let writer_system = system.clone();
        let stream = request.stream.clone();
        let consume = async move {
            let system = writer_system;
            let mut task = task;
            while let Some(mut batch) = to_write.recv().await {
                let read = batch.rows.len() + batch.domain.len() + batch.failed.len();
                let read = i64::try_from(read).unwrap_or(i64::MAX);
                if task.total_items == 0 {
                    task.total_items = batch.total.unwrap_or(0).max(read);
                }
                let mut tx = db.write().await?;
                let (stored_logs, not_applied) = match (sink, &domain_sink) {
                    (Sink::Records(table), _) => {
                        let stored = records::store_page(
                            &mut tx,
                            table,
                            &system,
                            Some(task.id),
                            &batch.rows,
                        )
                        .await?;
                        (stored.logs, stored.parked)
                    }
                    (Sink::Domain(entity), Some(domain)) => {
                        let stored = domain
                            .store(&mut tx, &system, entity, Some(task.id), &batch.domain)
                            .await?;
                        (stored.logs, stored.failed)
                    }
                    (Sink::Domain(_), None) => unreachable!("checked before the sync began"),
                };
                let failed = i64::try_from(batch.failed.len()).unwrap_or(0) + not_applied;
                let mut logs = std::mem::take(&mut batch.failed);
                logs.extend(stored_logs);
                sync_logs::insert_many(&mut tx, &logs).await?;
                task.success_items += read - failed;
                task.failed_items += failed;
                task.total_items = task.total_items.max(task.success_items + task.failed_items);
                task.updated_at = now();
                let cursor = match &batch.next {
                    Some(state) => Cursor {
                        watermark,
                        run: Some(state.clone()),
                    },
                    None => Cursor {
                        watermark: max_time(batch.run_high, batch.high),
                        run: None,
                    },
                };
                checkpoints::set(
                    &mut tx,
                    system.id,
                    &stream,
                    &serde_json::to_value(&cursor).map_err(AppError::internal)?,
                )
                .await?;
                if batch.next.is_none() {
                    task.status = SyncTaskStatus::Completed;
                    task.end_time = Some(task.updated_at);
                    let outcome = if task.failed_items > 0 {
                        LastSyncStatus::Partial
                    } else {
                        LastSyncStatus::Success
                    };
                    systems::record_sync(&mut tx, system.id, task.updated_at, outcome).await?;
                }
                sync_tasks::save(&mut tx, &task).await?;
                tx.commit().await.map_err(db_error)?;
                // Nobody listening is not an error.
                let _ = progress.send(task.clone());
            }
            Ok::<SyncTask, AppError>(task)
        };
        let writer = tokio::spawn(consume);
        let produced = produce.await;
        let task = writer
            .await
            .map_err(|e| AppError::internal(format!("the sync's writer stopped: {e}")))??;
        match produced {
            Ok(None) if task.status == SyncTaskStatus::Completed => Ok(task),
            Ok(None) => Err(AppError::internal("the sync stopped before its last page")),
            Ok(Some(stop)) => {
                self.finish(&system, &request.stream, task, None, stop)
                    .await
            }
            Err(stopped) => {
                let mut task = task;
                let error = match stopped {
                    Stopped::Vendor(e) => {
                        task.error_message = Some(format!(
                            "{e} ({})",
                            storelink_connectors::classify::advice(e.class)
                        ));
                        AppError::from(e)
                    }
                    Stopped::Local(e) => {
                        task.error_message = Some(e.to_string());
                        e
                    }
                };
                self.finish(&system, &request.stream, task, None, SyncTaskStatus::Failed)
                    .await?;
                Err(error)
            }
        }
    }

    /// A new task, or the one a dead process left running (resumed at its checkpoint).
    async fn begin(
        &self,
        system: &ExternalSystem,
        request: &SyncRequest,
    ) -> Result<(SyncTask, RunState, Option<DateTime<Utc>>), AppError> {
        let mut tx = self.db.write().await?;
        let cursor = read_cursor(&mut tx, system.id, &request.stream).await?;
        // We hold the stream's lock, so a task still marked running was left by a process
        // that died: resume it from its checkpoint.
        if let Some(mut running) = sync_tasks::running(&mut tx, system.id, &request.stream).await? {
            match cursor.run.clone().filter(|r| r.task_id == running.id) {
                Some(run) => {
                    tracing::info!(task = %running.id, page = run.page, "resuming an interrupted sync");
                    running.updated_at = now();
                    sync_tasks::save(&mut tx, &running).await?;
                    tx.commit().await.map_err(db_error)?;
                    self.announce(&running);
                    return Ok((running, run, cursor.watermark));
                }
                None => {
                    running.status = SyncTaskStatus::Failed;
                    running.error_message =
                        Some("interrupted before its first page was stored".into());
                    running.end_time = Some(now());
                    sync_tasks::save(&mut tx, &running).await?;
                }
            }
        }
        let lookback = chrono::Duration::seconds(
            system
                .config
                .get("lookback_seconds")
                .and_then(serde_json::Value::as_i64)
                .unwrap_or(DEFAULT_LOOKBACK_SECS)
                .clamp(0, 30 * 24 * 3600),
        );
        let since = match request.mode {
            SyncMode::Incremental => cursor.watermark.map(|w| w - lookback),
            _ => None,
        };
        let at = now();
        let task = SyncTask {
            id: new_id(),
            system_id: system.id,
            task_type: request.stream.clone(),
            mode: request.mode,
            trigger: request.trigger,
            status: SyncTaskStatus::Running,
            start_time: Some(at),
            end_time: None,
            total_items: 0,
            success_items: 0,
            failed_items: 0,
            error_message: None,
            created_at: at,
            updated_at: at,
        };
        sync_tasks::insert(&mut tx, &task).await?;
        let run = RunState {
            task_id: task.id,
            since,
            page: 1,
            boundary: Vec::new(),
            high: cursor.watermark,
        };
        let state = Cursor {
            watermark: cursor.watermark,
            run: Some(run.clone()),
        };
        checkpoints::set(
            &mut tx,
            system.id,
            &request.stream,
            &serde_json::to_value(&state).map_err(AppError::internal)?,
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        self.announce(&task);
        Ok((task, run, cursor.watermark))
    }

    /// One sync per system and stream at a time, across processes (the app, `storelink
    /// serve`, a CLI run): an exclusive lock on a file in the data folder.
    fn stream_lock(
        &self,
        system: &ExternalSystem,
        stream: &str,
    ) -> Result<std::fs::File, AppError> {
        let lock = LockFile::open(self.db.path(), &format!("sync-{}-{stream}.lock", system.id))?;
        if lock.try_lock()? {
            Ok(lock.file)
        } else {
            Err(AppError::Conflict {
                message: format!(
                    "a {stream} sync of this system is already running; wait for it or cancel it"
                ),
                field: Some("stream".into()),
            })
        }
    }

    async fn cancelled(&self, task_id: Uuid) -> Result<bool, AppError> {
        let mut conn = self.db.read().await?;
        Ok(sync_tasks::get(&mut conn, task_id).await?.status == SyncTaskStatus::Cancelled)
    }

    /// Ends a task that stops early (failed or cancelled): the checkpoint forgets the run,
    /// so the next sync starts afresh from the last completed watermark.
    async fn finish(
        &self,
        system: &ExternalSystem,
        stream: &str,
        mut task: SyncTask,
        _reason: Option<String>,
        status: SyncTaskStatus,
    ) -> Result<SyncTask, AppError> {
        let mut tx = self.db.write().await?;
        let cursor = read_cursor(&mut tx, system.id, stream).await?;
        let keep = Cursor {
            watermark: cursor.watermark,
            run: None,
        };
        checkpoints::set(
            &mut tx,
            system.id,
            stream,
            &serde_json::to_value(&keep).map_err(AppError::internal)?,
        )
        .await?;
        task.status = status;
        task.updated_at = now();
        task.end_time = Some(task.updated_at);
        sync_tasks::save(&mut tx, &task).await?;
        if status == SyncTaskStatus::Failed {
            systems::record_sync(&mut tx, system.id, task.updated_at, LastSyncStatus::Failed)
                .await?;
        }
        tx.commit().await.map_err(db_error)?;
        self.announce(&task);
        if status == SyncTaskStatus::Failed {
            self.alert_task_failed(system, stream, &task);
        }
        Ok(task)
    }

    /// One page, through the system's rate limit, retried as the policy allows.
    async fn fetch(
        &self,
        connector: &dyn Connector,
        stream: &str,
        request: PullRequest,
        policy: &RetryPolicy,
        limiter: &governor::DefaultDirectRateLimiter,
    ) -> Result<
        storelink_connectors::connector::PulledPage,
        storelink_connectors::connector::CallError,
    > {
        let mut attempt = 0;
        loop {
            limiter.until_ready().await;
            match connector.pull(stream, request.clone()).await {
                Ok(page) => return Ok(page),
                Err(e) if policy.should_retry(attempt, &e) => {
                    let wait = policy.delay(attempt, &e);
                    tracing::warn!(stream, page = request.page, attempt, class = %e.class, error = %e.message, wait_ms = wait.as_millis() as u64, "retrying");
                    tokio::time::sleep(wait.min(Duration::from_secs(300))).await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

fn max_time(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

fn page_high(records: &[RemoteRecord]) -> Option<DateTime<Utc>> {
    records.iter().filter_map(|r| r.updated_at).max()
}

/// Where the next page starts, or `None` when the stream is exhausted.
fn advance(run: &RunState, records: &[RemoteRecord], has_more: bool) -> Option<RunState> {
    if !has_more || records.is_empty() {
        return None;
    }
    let high = page_high(records);
    let mut next = run.clone();
    next.high = max_time(run.high, high);
    match high {
        Some(h) if Some(h) > run.since => {
            next.since = Some(h);
            next.page = 1;
            next.boundary = records
                .iter()
                .filter(|r| r.updated_at == Some(h))
                .map(|r| r.external_id.clone())
                .collect();
        }
        _ => {
            // The whole page shares the cursor's time: step through it by page number.
            next.page = run.page.saturating_add(1);
            next.boundary
                .extend(records.iter().map(|r| r.external_id.clone()));
        }
    }
    Some(next)
}
