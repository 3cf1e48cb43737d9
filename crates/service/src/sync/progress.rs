//! Sync task progress as domain events. The engine commits a task's pages without telling
//! anyone, so a watcher reads the task table: every second while a task runs, every 5 s
//! (the scheduler's own turn) otherwise, and at once when woken.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use storelink_core::error::AppError;
use storelink_core::ingest::DomainEvent;
use storelink_core::sync::{SyncTask, SyncTaskStatus};
use storelink_core::PageRequest;
use storelink_store::sync_tasks::{self, TaskFilter};
use tokio::sync::{watch, Notify};
use uuid::Uuid;

use crate::Services;

/// How often the progress watcher reads the task table while a task runs (the engine
/// commits pages at most about once a second).
const PROGRESS_BUSY: Duration = Duration::from_secs(1);
/// ...and while none runs: the scheduler's own turn, so a scheduled sync shows within one.
const PROGRESS_IDLE: Duration = Duration::from_secs(5);
/// After a wake, the watcher looks every second this long: the task row is written a
/// moment after the sync is asked for.
const PROGRESS_WAKE_WINDOW: Duration = Duration::from_secs(5);
/// The newest tasks compared each turn, so a task that started and ended between two
/// turns is reported too.
const PROGRESS_RECENT: u32 = 20;

/// Makes the progress watcher look at once (a person just started or cancelled a sync).
#[derive(Debug, Clone, Default)]
pub struct ProgressWake(Arc<Notify>);

impl ProgressWake {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// What a progress event reports of a task; a change of any of it is news.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Progress {
    status: SyncTaskStatus,
    success: i64,
    failed: i64,
    total: i64,
}

impl Progress {
    fn of(task: &SyncTask) -> Self {
        Progress {
            status: task.status,
            success: task.success_items,
            failed: task.failed_items,
            total: task.total_items,
        }
    }
}

fn progress_event(task: &SyncTask) -> DomainEvent {
    DomainEvent::SyncTaskProgress {
        task_id: task.id,
        system_id: task.system_id,
        stream: task.task_type.clone(),
        status: task.status,
        success_items: task.success_items,
        failed_items: task.failed_items,
        total_items: task.total_items,
    }
}

impl Services {
    /// Sends a [`DomainEvent::SyncTaskProgress`] whenever a sync task starts, stores more
    /// items or ends, until `stop`. The engine commits pages without telling anyone, so
    /// this reads the task table (two indexed queries of a few rows): every second while a
    /// task runs, every 5 s otherwise, and at once after [`ProgressWake::wake`].
    pub fn watch_sync_progress(&self, mut stop: watch::Receiver<bool>) -> ProgressWake {
        let wake = ProgressWake::default();
        let woken = Arc::clone(&wake.0);
        let services = self.clone();
        tokio::spawn(async move {
            let mut seen = HashMap::new();
            let mut quiet = true;
            let mut fast_until = Instant::now();
            loop {
                let busy = match services.progress_turn(&mut seen, quiet).await {
                    Ok(busy) => busy,
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot read sync task progress");
                        false
                    }
                };
                quiet = false;
                let pause = if busy || Instant::now() < fast_until {
                    PROGRESS_BUSY
                } else {
                    PROGRESS_IDLE
                };
                tokio::select! {
                    () = tokio::time::sleep(pause) => {}
                    () = woken.notified() => fast_until = Instant::now() + PROGRESS_WAKE_WINDOW,
                    _ = stop.wait_for(|s| *s) => return,
                }
            }
        });
        wake
    }

    /// One look at the running and newest tasks: reports what changed since the last
    /// look (on the first, `quiet`, look: only the running ones, since tasks that ended
    /// before are not news); true while a task runs.
    async fn progress_turn(
        &self,
        seen: &mut HashMap<Uuid, Progress>,
        quiet: bool,
    ) -> Result<bool, AppError> {
        let mut conn = self.db.read().await?;
        let running = TaskFilter {
            system_id: None,
            status: Some(SyncTaskStatus::Running),
        };
        let page = |limit| PageRequest {
            cursor: None,
            limit: Some(limit),
        };
        let mut tasks: HashMap<Uuid, SyncTask> =
            sync_tasks::list(&mut conn, &running, &page(PageRequest::MAX_LIMIT))
                .await?
                .items
                .into_iter()
                .chain(
                    sync_tasks::list(&mut conn, &TaskFilter::default(), &page(PROGRESS_RECENT))
                        .await?
                        .items,
                )
                .map(|t| (t.id, t))
                .collect();
        // A task that was running and is in neither list has ended: read its end.
        for (id, before) in seen.iter() {
            if before.status == SyncTaskStatus::Running && !tasks.contains_key(id) {
                if let Ok(task) = sync_tasks::get(&mut conn, *id).await {
                    tasks.insert(*id, task);
                }
            }
        }
        drop(conn);
        for task in tasks.values() {
            let news = if quiet {
                task.status == SyncTaskStatus::Running
            } else {
                seen.get(&task.id) != Some(&Progress::of(task))
            };
            if news {
                self.emit(progress_event(task));
            }
        }
        *seen = tasks.iter().map(|(id, t)| (*id, Progress::of(t))).collect();
        Ok(tasks.values().any(|t| t.status == SyncTaskStatus::Running))
    }
}
