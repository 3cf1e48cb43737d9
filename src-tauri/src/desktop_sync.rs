//! "Sync all now" (the tray menu, and a command for the UI): send what waits in the outbox,
//! then an incremental sync of every stream of every system that syncs, one after another in
//! the background. Each call goes through the service as the signed-in person, so the core
//! checks the role; progress and failures arrive as live updates and notifications.

use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::sync::SyncMode;
use storelink_core::system::{SystemFilter, SystemStatus};
use storelink_core::{AppError, Operation, PageRequest};

use crate::AppState;

/// What "sync all now" started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct SyncAllStarted {
    pub systems: u32,
    pub streams: u32,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Checks the role, plans the runs and starts them; answers before they end.
pub async fn start_sync_all(state: &AppState) -> Result<SyncAllStarted, AppError> {
    let (_, actor) = state.actor().await?;
    let services = state.services()?.clone();
    services
        .require(&actor, Operation::SyncRun, "sync_task")
        .await?;
    let filter = SystemFilter {
        limit: Some(PageRequest::MAX_LIMIT),
        ..SystemFilter::default()
    };
    let systems: Vec<_> = services
        .list_systems(&actor, &filter)
        .await?
        .items
        .into_iter()
        .filter(|s| s.sync_enabled && s.status != SystemStatus::Inactive)
        .collect();
    let mut plan = Vec::new();
    for system in &systems {
        let id = system.id.to_string();
        let streams = match services.sync_streams(&actor, &id).await {
            Ok(streams) => streams,
            // A system no connector serves yet has nothing to pull.
            Err(e) => {
                tracing::warn!(system = %id, error = %e, "nothing to sync");
                continue;
            }
        };
        for stream in streams {
            let mode = if stream.modes.contains(&SyncMode::Incremental) {
                "incremental"
            } else if stream.modes.contains(&SyncMode::Full) {
                "full"
            } else {
                continue;
            };
            plan.push((id.clone(), stream.name, mode));
        }
    }
    let started = SyncAllStarted {
        systems: count(systems.len()),
        streams: count(plan.len()),
    };
    tauri::async_runtime::spawn(async move {
        if let Err(e) = services.dispatch_outbox(&actor).await {
            tracing::warn!(error = %e, "sending the outbox failed");
        }
        for (system_id, stream, mode) in plan {
            if let Err(e) = services.run_sync(&actor, &system_id, &stream, mode).await {
                tracing::warn!(system = %system_id, stream, error = %e, "sync failed");
            }
        }
    });
    Ok(started)
}
