//! Sync task progress as domain events: the engine announces each task as it starts, stores
//! pages and ends, and this passes the news on, so nothing reads the task table to find out.

use storelink_core::ingest::DomainEvent;
use storelink_core::sync::SyncTask;
use tokio::sync::broadcast::{self, error::RecvError};

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

/// Passes the engine's task announcements on as [`DomainEvent::SyncTaskProgress`].
pub(crate) fn forward_progress(
    engine: &storelink_engine::Engine,
    events: broadcast::Sender<DomainEvent>,
) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        tracing::warn!("no async runtime: sync progress is not passed on");
        return;
    };
    let mut tasks = engine.subscribe_progress();
    runtime.spawn(async move {
        loop {
            match tasks.recv().await {
                // Nobody listening is not an error.
                Ok(task) => {
                    let _ = events.send(progress_event(&task));
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "sync progress came faster than it was passed on");
                }
                Err(RecvError::Closed) => return,
            }
        }
    });
}
