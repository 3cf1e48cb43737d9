//! Health and alerts: a snapshot of every sync-enabled system every few minutes (the
//! figures of the last 24 h and their score, kept 30 days), and one alert, not a flood,
//! when a sync fails, an outbox entry goes dead or a system's score drops.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use storelink_core::error::AppError;
use storelink_core::health::{self, Alert, HealthFigures, HealthSnapshot};
use storelink_core::ids::{new_id, now};
use storelink_core::outbox::OutboxEntry;
use storelink_core::sync::SyncTask;
use storelink_core::system::ExternalSystem;
use storelink_store::{db_error, health as store_health, systems};
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::Engine;

/// How often the background loop takes snapshots.
pub const HEALTH_EVERY: Duration = Duration::from_secs(5 * 60);
/// Alerts with the same key within this long are raised once.
pub const ALERT_DEDUP: Duration = Duration::from_secs(10 * 60);
/// Snapshots older than this are deleted when new ones are written.
pub const RETENTION: chrono::Duration = chrono::Duration::days(30);
/// The window of the success rate.
pub const RATE_WINDOW: chrono::Duration = chrono::Duration::hours(24);

/// The engine's alerts: broadcast to whoever listens (the service forwards them to the
/// shells), each key at most once per window so an outage makes one notification.
#[derive(Debug)]
pub(crate) struct Alerts {
    sender: broadcast::Sender<Alert>,
    window: Duration,
    raised: Mutex<HashMap<String, Instant>>,
}

impl Alerts {
    pub(crate) fn new(window: Duration) -> Self {
        let (sender, _) = broadcast::channel(256);
        Alerts {
            sender,
            window,
            raised: Mutex::new(HashMap::new()),
        }
    }

    /// Sends the alert unless its key was raised within the window; true when sent.
    pub(crate) fn raise(&self, alert: Alert) -> bool {
        let now = Instant::now();
        {
            let mut raised = self
                .raised
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            raised.retain(|_, at| now.duration_since(*at) < self.window);
            if raised.contains_key(&alert.dedup_key) {
                return false;
            }
            raised.insert(alert.dedup_key.clone(), now);
        }
        // Nobody listening (a CLI run) is not an error.
        let _ = self.sender.send(alert);
        true
    }
}

/// What one health pass did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HealthReport {
    pub snapshots: Vec<HealthSnapshot>,
    /// The health-drop alerts raised (after deduplication).
    pub alerts: Vec<Alert>,
}

impl Engine {
    /// Alerts as they are raised (after deduplication).
    pub fn subscribe_alerts(&self) -> broadcast::Receiver<Alert> {
        self.alerts.sender.subscribe()
    }

    /// The p95 duration of the system's recent vendor calls made by this engine.
    pub fn p95_latency_ms(&self, system_id: Uuid) -> Option<i64> {
        self.timings.p95_ms(system_id)
    }

    /// Takes and stores a snapshot of every sync-enabled system, raises an alert for
    /// each whose score dropped (see `storelink_core::health::dropped`) since its previous
    /// snapshot, and deletes snapshots past retention.
    pub async fn health_once(&self) -> Result<HealthReport, AppError> {
        let list = {
            let mut conn = self.db.read().await?;
            systems::sync_enabled(&mut conn).await?
        };
        let mut report = HealthReport::default();
        for system in list {
            let (snapshot, previous) = self.take_snapshot(&system).await?;
            if let Some(previous) = previous {
                if health::dropped(previous.score, snapshot.score) {
                    let alert = Alert::health_drop(
                        system.id,
                        &system.name,
                        previous.score,
                        snapshot.score,
                        snapshot.taken_at,
                    );
                    if self.alerts.raise(alert.clone()) {
                        report.alerts.push(alert);
                    }
                }
            }
            report.snapshots.push(snapshot);
        }
        let mut tx = self.db.write().await?;
        store_health::prune(&mut tx, now() - RETENTION).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(report)
    }

    /// Stores a snapshot of one system; returns it with the one before it.
    async fn take_snapshot(
        &self,
        system: &ExternalSystem,
    ) -> Result<(HealthSnapshot, Option<HealthSnapshot>), AppError> {
        let at = now();
        // One write transaction: the previous snapshot and the new one cannot interleave
        // with another process's pass.
        let mut tx = self.db.write().await?;
        let stored = store_health::figures(&mut tx, system.id, at - RATE_WINDOW).await?;
        let previous = store_health::latest(&mut tx, system.id).await?;
        let figures = HealthFigures {
            success_permille: stored.success_permille(),
            p95_latency_ms: self.timings.p95_ms(system.id),
            consecutive_failures: stored.consecutive_failures,
            outbox_backlog: stored.outbox_backlog,
            outbox_dead: stored.outbox_dead,
        };
        let snapshot = HealthSnapshot {
            id: new_id(),
            system_id: system.id,
            taken_at: at,
            success_permille: figures.success_permille,
            outcomes_24h: stored.outcomes,
            p95_latency_ms: figures.p95_latency_ms,
            consecutive_failures: figures.consecutive_failures,
            outbox_backlog: figures.outbox_backlog,
            outbox_dead: figures.outbox_dead,
            score: health::score(&figures),
        };
        store_health::insert(&mut tx, &snapshot).await?;
        tx.commit().await.map_err(db_error)?;
        Ok((snapshot, previous))
    }

    /// Takes snapshots now and every `every` until `stop`.
    pub async fn run_health_monitor(
        &self,
        every: Duration,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        loop {
            if let Err(e) = self.health_once().await {
                tracing::error!(error = %e, "taking health snapshots failed");
            }
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                _ = stop.wait_for(|s| *s) => return,
            }
        }
    }

    /// A sync ended failed.
    pub(crate) fn alert_task_failed(&self, system: &ExternalSystem, stream: &str, task: &SyncTask) {
        self.alerts.raise(Alert::task_failed(
            system.id,
            &system.name,
            stream,
            task.error_message.as_deref(),
            task.updated_at,
        ));
    }

    /// An outbox entry was parked as dead.
    pub(crate) fn alert_outbox_dead(&self, entry: &OutboxEntry) {
        self.alerts.raise(Alert::outbox_dead(
            entry.system_id,
            &entry.record_key,
            entry.last_error.as_deref(),
            entry.updated_at,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(key: &str) -> Alert {
        Alert {
            kind: storelink_core::health::AlertKind::OutboxDead,
            system_id: Uuid::nil(),
            message: "m".into(),
            dedup_key: key.into(),
            at: now(),
        }
    }

    #[test]
    fn a_key_is_raised_once_per_window() {
        let alerts = Alerts::new(Duration::from_secs(600));
        let mut rx = alerts.sender.subscribe();
        assert!(alerts.raise(alert("a")));
        assert!(!alerts.raise(alert("a")), "a repeat within the window");
        assert!(alerts.raise(alert("b")), "another key");
        assert_eq!(
            rx.try_recv().map(|a| a.dedup_key).ok().as_deref(),
            Some("a")
        );
        assert_eq!(
            rx.try_recv().map(|a| a.dedup_key).ok().as_deref(),
            Some("b")
        );
        assert!(rx.try_recv().is_err());

        let no_window = Alerts::new(Duration::ZERO);
        assert!(no_window.raise(alert("a")));
        assert!(no_window.raise(alert("a")), "the window is over at once");
    }
}
