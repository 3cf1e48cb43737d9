//! What starts syncs besides a person: the system's interval or cron schedule (missed runs
//! after a sleep or an outage collapse into one, since a run is due when one slot has
//! passed since the last sync, however many did), and webhook events, each of which pulls
//! the one record it names.

use std::collections::hash_map::{Entry, HashMap};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use storelink_connectors::connector::Connector;
use storelink_core::error::AppError;
use storelink_core::ids::now;
use storelink_core::inbox::InboxStatus;
use storelink_core::sync::{SyncMode, SyncTrigger};
use storelink_core::system::{ExternalSystem, SystemStatus};
use storelink_core::{sync_cron, vendor_time, PageRequest};
use storelink_store::erp_records::{self, RecordRow};
use storelink_store::inbox::{self, InboxFilter};
use storelink_store::{db_error, sync_logs, systems};

use crate::breaker::Gate;
use crate::sink::Sink;
use crate::{Engine, SyncRequest};

/// Whether a system's scheduled sync is due at `at`. With `config.sync_cron`: once the
/// first occurrence after the last sync (or the system's creation) has come, in the
/// store's local offset. Otherwise: once the last sync is `sync_interval` old. A cron that
/// cannot be used (stored before it was checked) falls back to the interval, so the system
/// keeps syncing.
fn due(system: &ExternalSystem, at: DateTime<Utc>) -> bool {
    // A last sync "in the future": the clock went back since. How long ago it really was is
    // unknown, so sync once now (which records the new clock), rather than wait until the
    // clock catches up with the old time.
    if system.last_sync_at.is_some_and(|last| last > at) {
        return true;
    }
    if let Some(Ok(cron)) = sync_cron::of_config(&system.config) {
        let offset = vendor_time::offset_of_config(&system.config);
        let from = system.last_sync_at.unwrap_or(system.created_at);
        if let Some(next) = cron.next_after(from, offset) {
            return next <= at;
        }
    }
    match system.last_sync_at {
        None => true,
        Some(last) => at - last >= chrono::Duration::seconds(system.sync_interval),
    }
}

/// A system and the connector serving it.
type Served = (ExternalSystem, Box<dyn Connector>);

impl Engine {
    /// Starts an incremental sync of every stream of every system that is due, one
    /// system after another (each stream in turn). Returns how many streams ran.
    pub async fn schedule_once(&self) -> Result<usize, AppError> {
        let list = {
            let mut conn = self.db.read().await?;
            systems::sync_enabled(&mut conn).await?
        };
        let mut ran = 0;
        let at = now();
        for system in list.into_iter().filter(|s| due(s, at)) {
            let Ok(connector) = self.connector(&system).await else {
                continue;
            };
            match self.breakers.gate(system.id) {
                Gate::Closed => {}
                Gate::Open => continue,
                Gate::Probe => match connector.test_connection().await {
                    Ok(()) => {
                        self.breakers.success(system.id);
                        self.set_system_status(system.id, SystemStatus::Active)
                            .await?;
                        tracing::info!(system = %system.id, "vendor answers again; syncing resumes");
                    }
                    Err(e) => {
                        self.breakers.failure(system.id);
                        tracing::warn!(system = %system.id, error = %e, "vendor still failing; sync stays paused");
                        continue;
                    }
                },
            }
            for stream in connector.streams() {
                let request = SyncRequest {
                    system_id: system.id,
                    stream: stream.name.to_owned(),
                    mode: SyncMode::Incremental,
                    trigger: SyncTrigger::Schedule,
                };
                match self.run_sync(request).await {
                    Ok(_) => {
                        self.breakers.success(system.id);
                        ran += 1;
                    }
                    Err(e) => {
                        tracing::warn!(system = %system.id, stream = stream.name, error = %e, "scheduled sync failed");
                        let transient = matches!(
                            e,
                            AppError::External {
                                retryable: true,
                                ..
                            }
                        );
                        if transient && self.breakers.failure(system.id) {
                            self.set_system_status(system.id, SystemStatus::Error)
                                .await?;
                            tracing::error!(system = %system.id, "the vendor keeps failing; syncing it is paused");
                            break;
                        }
                    }
                }
            }
        }
        Ok(ran)
    }

    async fn set_system_status(
        &self,
        id: uuid::Uuid,
        status: SystemStatus,
    ) -> Result<(), AppError> {
        let mut tx = self.db.write().await?;
        systems::set_status(&mut tx, id, status, now()).await?;
        tx.commit().await.map_err(db_error)
    }

    /// Pulls the records ERP webhook events named and marks the events processed.
    pub async fn process_events_once(&self) -> Result<usize, AppError> {
        let events = {
            let mut conn = self.db.read().await?;
            inbox::list(
                &mut conn,
                &InboxFilter {
                    system_id: None,
                    status: Some(InboxStatus::Received),
                },
                &PageRequest {
                    cursor: None,
                    limit: Some(200),
                },
            )
            .await?
            .items
        };
        let mut done = 0;
        // One connector per system for the whole turn, so its session or token serves every
        // event of that system (a fresh connector would log in again for each one).
        let mut connectors: HashMap<uuid::Uuid, Option<Served>> = HashMap::new();
        for event in events.into_iter().rev() {
            let served = match connectors.entry(event.system_id) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(slot) => {
                    let system = {
                        let mut conn = self.db.read().await?;
                        systems::require(&mut conn, event.system_id).await?
                    };
                    let built = self.connector(&system).await.ok().map(|c| (system, c));
                    slot.insert(built)
                }
            };
            // Events of systems no connector serves stay received, visible in the inbox.
            let Some((system, connector)) = served.as_ref() else {
                continue;
            };
            let body: serde_json::Value = serde_json::from_str(&event.payload).unwrap_or_default();
            let outcome = match connector.event_target(&event.event_type, &body) {
                Some((stream, id)) => {
                    self.pull_record(system, connector.as_ref(), &stream, &id)
                        .await
                }
                // Storelink keeps no invoices of its own (seed 004 §2.3 lists the events):
                // the event itself, kept in the inbox, is the record.
                None if event.event_type.starts_with("invoice.") => Ok(()),
                None => Err(AppError::internal("the event names no record to pull")),
            };
            let (status, message) = match &outcome {
                Ok(()) => (InboxStatus::Processed, None),
                Err(AppError::External {
                    retryable: true, ..
                }) => continue,
                Err(e) => (InboxStatus::Failed, Some(e.to_string())),
            };
            let mut tx = self.db.write().await?;
            inbox::mark(&mut tx, event.id, status, message.as_deref(), now()).await?;
            tx.commit().await.map_err(db_error)?;
            done += 1;
        }
        Ok(done)
    }

    /// Pulls one record by id and stores it (a sync of mode `single`).
    pub(crate) async fn pull_record(
        &self,
        system: &ExternalSystem,
        connector: &dyn Connector,
        stream: &str,
        external_id: &str,
    ) -> Result<(), AppError> {
        let spec = connector
            .stream(stream)
            .ok_or_else(|| AppError::internal(format!("the connector has no stream `{stream}`")))?;
        self.limiter(system).until_ready().await;
        let Some(record) = connector.pull_one(stream, external_id).await? else {
            return Ok(());
        };
        let mut tx = self.db.write().await?;
        let logs = match Sink::of(spec.entity) {
            Sink::Records(table) => {
                if let Some(problem) = erp_records::missing_field(table, &record.data) {
                    return Err(AppError::internal(problem));
                }
                let row =
                    RecordRow::new(table, record.external_id, &record.data, record.updated_at);
                crate::records::store_page(&mut tx, table, system, None, &[row])
                    .await?
                    .logs
            }
            Sink::Domain(entity) => {
                self.domain_sink()?
                    .store(&mut tx, system, entity, None, std::slice::from_ref(&record))
                    .await?
                    .logs
            }
        };
        sync_logs::insert_many(&mut tx, &logs).await?;
        tx.commit().await.map_err(db_error)
    }

    /// The scheduler, the event puller and the outbox dispatcher, until `stop`.
    pub async fn run_background(self: Arc<Self>, stop: tokio::sync::watch::Receiver<bool>) {
        let dispatcher = {
            let engine = Arc::clone(&self);
            let stop = stop.clone();
            tokio::spawn(async move { engine.run_dispatcher(Duration::from_secs(1), stop).await })
        };
        let health = {
            let engine = Arc::clone(&self);
            let stop = stop.clone();
            tokio::spawn(async move {
                engine
                    .run_health_monitor(crate::health::HEALTH_EVERY, stop)
                    .await
            })
        };
        let mut stop = stop;
        loop {
            if let Err(e) = self.process_events_once().await {
                tracing::error!(error = %e, "processing ERP events failed");
            }
            if let Err(e) = self.schedule_once().await {
                tracing::error!(error = %e, "scheduling syncs failed");
            }
            tokio::select! {
                () = tokio::time::sleep(Duration::from_secs(5)) => {}
                _ = stop.wait_for(|s| *s) => break,
            }
        }
        let _ = dispatcher.await;
        let _ = health.await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use storelink_core::system::{SystemStatus, SystemType};

    fn t(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.to_utc())
            .unwrap_or_default()
    }

    fn system(config: serde_json::Value, last: Option<&str>) -> ExternalSystem {
        let created = t("2025-03-01T00:00:00Z");
        ExternalSystem {
            id: uuid::Uuid::nil(),
            name: "ERP".into(),
            system_type: SystemType::Erp,
            provider: "custom".into(),
            version: None,
            status: SystemStatus::Active,
            store_id: None,
            api_endpoint: None,
            webhook_url: None,
            config,
            sync_enabled: true,
            sync_interval: 300,
            last_sync_at: last.map(t),
            last_sync_status: None,
            secret_fields: Vec::new(),
            last_test_at: None,
            last_test_latency_ms: None,
            last_test_error_class: None,
            last_test_message: None,
            created_at: created,
            updated_at: created,
        }
    }

    #[test]
    fn interval_without_cron() {
        assert!(due(&system(json!({}), None), t("2025-03-01T00:00:01Z")));
        let s = system(json!({}), Some("2025-03-01T10:00:00Z"));
        assert!(!due(&s, t("2025-03-01T10:04:59Z")));
        assert!(due(&s, t("2025-03-01T10:05:00Z")));
    }

    #[test]
    fn cron_never_synced_counts_from_creation() {
        let s = system(json!({"sync_cron": "*/15 * * * *"}), None);
        assert!(!due(&s, t("2025-03-01T00:14:59Z")));
        assert!(due(&s, t("2025-03-01T00:15:00Z")));
    }

    #[test]
    fn cron_after_a_long_gap_is_due_once() {
        let cron = json!({"sync_cron": "*/15 * * * *"});
        // Three days asleep: hundreds of slots missed, one run.
        let s = system(cron.clone(), Some("2025-03-01T00:15:40Z"));
        assert!(due(&s, t("2025-03-04T09:07:00Z")));
        // That run ended at 09:07:30: not due again until the next slot.
        let s = system(cron, Some("2025-03-04T09:07:30Z"));
        assert!(!due(&s, t("2025-03-04T09:07:35Z")));
        assert!(!due(&s, t("2025-03-04T09:14:59Z")));
        assert!(due(&s, t("2025-03-04T09:15:00Z")));
    }

    #[test]
    fn cron_is_read_in_the_store_offset() {
        // 02:00 daily: 18:00 UTC in the default UTC+8, 02:00 UTC with offset 0.
        let china = system(
            json!({"sync_cron": "0 2 * * *"}),
            Some("2025-03-01T00:00:00Z"),
        );
        assert!(!due(&china, t("2025-03-01T17:59:59Z")));
        assert!(due(&china, t("2025-03-01T18:00:00Z")));
        let utc = system(
            json!({"sync_cron": "0 2 * * *", "utc_offset_minutes": 0}),
            Some("2025-03-01T00:00:00Z"),
        );
        assert!(!due(&utc, t("2025-03-01T01:59:59Z")));
        assert!(due(&utc, t("2025-03-01T02:00:00Z")));
    }

    #[test]
    fn a_clock_gone_back_makes_one_run_due_at_once() {
        // Synced at 10:00, then the clock went back an hour.
        for config in [json!({}), json!({"sync_cron": "0 * * * *"})] {
            let s = system(config.clone(), Some("2025-03-01T10:00:00Z"));
            assert!(due(&s, t("2025-03-01T09:00:00Z")), "{config}");
            // That run is recorded at 09:00: the next one waits as usual.
            let s = system(config.clone(), Some("2025-03-01T09:00:00Z"));
            assert!(!due(&s, t("2025-03-01T09:00:05Z")), "{config}");
        }
    }

    #[test]
    fn an_unusable_cron_never_panics_and_falls_back_to_the_interval() {
        for bad in [
            json!(""),
            json!(42),
            json!({"every": "hour"}),
            json!("61 * * * *"),
            json!("* * *"),
            json!("0 0 30 2 *"),
            json!("\u{0}"),
        ] {
            let s = system(json!({ "sync_cron": bad }), Some("2025-03-01T10:00:00Z"));
            assert!(!due(&s, t("2025-03-01T10:04:59Z")), "{bad}");
            assert!(due(&s, t("2025-03-01T10:05:00Z")), "{bad}");
        }
    }
}
