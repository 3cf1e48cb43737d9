//! System health for people and scripts: the latest snapshot and the series, read with
//! the sync logs' permission; and the engine's alerts passed on as domain events, so the
//! desktop notifies and `storelink serve` logs them.

use chrono::{DateTime, Utc};
use storelink_core::error::AppError;
use storelink_core::health::{HealthSnapshot, SystemHealth};
use storelink_core::ids::now;
use storelink_core::ingest::DomainEvent;
use storelink_core::{Actor, Operation};
use storelink_store::{health as store_health, systems};
use tokio::sync::broadcast::{self, error::RecvError};

use crate::systems::parse_id;
use crate::Services;

/// The series a caller gets when it names no start.
pub const DEFAULT_SERIES: chrono::Duration = chrono::Duration::hours(24);

impl Services {
    /// A system's latest snapshot and its snapshots from `since` (default: 24 h back) to
    /// now, oldest first.
    pub async fn system_health(
        &self,
        actor: &Actor,
        system_id: &str,
        since: Option<DateTime<Utc>>,
    ) -> Result<SystemHealth, AppError> {
        self.authorize(
            actor,
            Operation::SyncLogsView,
            "health",
            Some(system_id.to_owned()),
        )
        .await?;
        let id = parse_id(system_id)?;
        actor.require_system(id)?;
        let to = now();
        let from = since.unwrap_or(to - DEFAULT_SERIES).min(to);
        let mut conn = self.db.read().await?;
        systems::require(&mut conn, id).await?;
        Ok(SystemHealth {
            system_id: id,
            latest: store_health::latest(&mut conn, id).await?,
            series: store_health::series(&mut conn, id, from, to).await?,
        })
    }

    /// The latest snapshot of every system that has one (a system-bound token: its own).
    pub async fn latest_health(&self, actor: &Actor) -> Result<Vec<HealthSnapshot>, AppError> {
        self.authorize(actor, Operation::SyncLogsView, "health", None)
            .await?;
        let mut conn = self.db.read().await?;
        store_health::latest_all(&mut conn, actor.scope(None)?).await
    }
}

/// Passes the engine's alerts on as [`DomainEvent::Alert`] until the engine is gone.
pub(crate) fn forward_alerts(
    engine: &storelink_engine::Engine,
    events: broadcast::Sender<DomainEvent>,
) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        tracing::warn!("no async runtime: alerts are not passed on");
        return;
    };
    let mut alerts = engine.subscribe_alerts();
    runtime.spawn(async move {
        loop {
            match alerts.recv().await {
                // Nobody listening is not an error.
                Ok(alert) => {
                    let _ = events.send(DomainEvent::Alert { alert });
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "alerts came faster than they were passed on");
                }
                Err(RecvError::Closed) => return,
            }
        }
    });
}
