//! What starts syncs besides a person: the system's interval (missed runs after a sleep or
//! an outage collapse into one, since a run is due when the last one is older than the
//! interval), and webhook events, each of which pulls the one record it names.

use std::sync::Arc;
use std::time::Duration;

use storelink_connectors::connector::Entity;
use storelink_core::error::AppError;
use storelink_core::ids::{new_id, now};
use storelink_core::inbox::InboxStatus;
use storelink_core::sync::{SyncAction, SyncItemStatus, SyncLog, SyncMode, SyncTrigger};
use storelink_core::system::{ExternalSystem, SystemStatus, SystemType};
use storelink_core::PageRequest;
use storelink_store::erp_records::{self, ErpTable, RecordRow};
use storelink_store::inbox::{self, InboxFilter};
use storelink_store::{db_error, sync_logs, systems};

use crate::breaker::Gate;
use crate::{Engine, SyncRequest};

fn due(system: &ExternalSystem) -> bool {
    match system.last_sync_at {
        None => true,
        Some(last) => now() - last >= chrono::Duration::seconds(system.sync_interval),
    }
}

/// The stream an ERP event names (`customer.updated` → `customers`).
fn stream_of(event: &str) -> Option<(&'static str, ErpTable)> {
    match event.split('.').next()? {
        "customer" => Some(("customers", ErpTable::Customers)),
        "product" => Some(("products", ErpTable::Products)),
        "order" => Some(("orders", ErpTable::Orders)),
        _ => None,
    }
}

impl Engine {
    /// Starts an incremental sync of every stream of every system that is due, one
    /// system after another (each stream in turn). Returns how many streams ran.
    pub async fn schedule_once(&self) -> Result<usize, AppError> {
        let list = {
            let mut conn = self.db.read().await?;
            systems::sync_enabled(&mut conn).await?
        };
        let mut ran = 0;
        for system in list.into_iter().filter(due) {
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
        for event in events.into_iter().rev() {
            let system = {
                let mut conn = self.db.read().await?;
                systems::require(&mut conn, event.system_id).await?
            };
            if system.system_type != SystemType::Erp {
                continue;
            }
            let body: serde_json::Value = serde_json::from_str(&event.payload).unwrap_or_default();
            let external_id = body["data"]["externalId"]
                .as_str()
                .or_else(|| body["data"]["id"].as_str())
                .map(str::to_owned);
            let outcome = match (stream_of(&event.event_type), external_id) {
                (Some((stream, table)), Some(id)) => {
                    self.pull_record(&system, stream, table, &id).await
                }
                _ => Err(AppError::internal("the event names no record to pull")),
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
    async fn pull_record(
        &self,
        system: &ExternalSystem,
        stream: &str,
        table: ErpTable,
        external_id: &str,
    ) -> Result<(), AppError> {
        let connector = self.connector(system).await?;
        self.limiter(system).until_ready().await;
        let Some(record) = connector.pull_one(stream, external_id).await? else {
            return Ok(());
        };
        if let Some(problem) = erp_records::missing_field(table, &record.data) {
            return Err(AppError::internal(problem));
        }
        let row = RecordRow::new(record.external_id, record.data, record.updated_at);
        let mut tx = self.db.write().await?;
        let actions = erp_records::upsert_page(&mut tx, table, system.id, &[row]).await?;
        let item_type = match table {
            ErpTable::Customers => Entity::Customers.as_str(),
            ErpTable::Products => Entity::Products.as_str(),
            ErpTable::Orders => Entity::Orders.as_str(),
        };
        sync_logs::insert(
            &mut tx,
            &SyncLog {
                id: new_id(),
                task_id: None,
                system_id: system.id,
                item_type: item_type.to_owned(),
                item_id: external_id.to_owned(),
                action: actions.first().copied().unwrap_or(SyncAction::Unchanged),
                status: SyncItemStatus::Success,
                error_class: None,
                error_message: None,
                created_at: now(),
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)
    }

    /// The scheduler, the event puller and the outbox dispatcher, until `stop`.
    pub async fn run_background(self: Arc<Self>, stop: tokio::sync::watch::Receiver<bool>) {
        let dispatcher = {
            let engine = Arc::clone(&self);
            let stop = stop.clone();
            tokio::spawn(async move { engine.run_dispatcher(Duration::from_secs(1), stop).await })
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
    }
}
