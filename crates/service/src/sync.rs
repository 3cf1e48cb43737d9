//! Running syncs for people and scripts: the role check and audit around the engine, and
//! the progress of sync tasks passed on as domain events (`progress`).

mod progress;

use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::audit::AuditOutcome;
use storelink_core::error::{AppError, Rule};
use storelink_core::ids::now;
use storelink_core::sync::{SyncMode, SyncTask, SyncTaskStatus, SyncTrigger};
use storelink_core::{Actor, Operation, Page, PageRequest};
use storelink_engine::SyncRequest;
use storelink_store::sync_tasks::{self, TaskFilter};
use storelink_store::{db_error, systems};
use uuid::Uuid;

use crate::audit::{record, Change};
use crate::Services;

pub(crate) use progress::forward_progress;

pub(crate) fn parse_uuid(field: &str, value: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(value.trim()).map_err(|_| AppError::not_found(field, value))
}

impl Services {
    /// Starts the scheduler, the ERP event puller, the outbox dispatcher and the backup
    /// schedule in the background; send `true` on the returned channel to stop them.
    pub fn start_background_sync(&self) -> tokio::sync::watch::Sender<bool> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let engine = std::sync::Arc::clone(&self.engine);
        tokio::spawn(engine.run_background(stopped));
        tokio::spawn(crate::backup::run_schedule(self.clone(), stop.subscribe()));
        stop
    }

    /// Runs a stream's sync now and waits for it to end (resuming one a crash left).
    pub async fn run_sync(
        &self,
        actor: &Actor,
        system_id: &str,
        stream: &str,
        mode: &str,
    ) -> Result<SyncTask, AppError> {
        self.authorize(
            actor,
            Operation::SyncRun,
            "sync_task",
            Some(system_id.to_owned()),
        )
        .await?;
        let system_id = parse_uuid("system", system_id)?;
        actor.require_system(system_id)?;
        let mode = SyncMode::parse(mode).ok_or_else(|| {
            AppError::field(
                "mode",
                Rule::OneOf {
                    allowed: vec!["full".into(), "incremental".into()],
                },
                "mode must be full or incremental",
            )
        })?;
        self.engine
            .run_sync(SyncRequest {
                system_id,
                stream: stream.to_owned(),
                mode,
                trigger: SyncTrigger::Manual,
            })
            .await
    }

    pub async fn list_sync_tasks(
        &self,
        actor: &Actor,
        system_id: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<SyncTask>, AppError> {
        self.authorize(actor, Operation::SyncLogsView, "sync_task", None)
            .await?;
        let system_id = system_id.map(|s| parse_uuid("system", s)).transpose()?;
        let mut conn = self.db.read().await?;
        sync_tasks::list(
            &mut conn,
            &TaskFilter {
                system_id: actor.scope(system_id)?,
                status: None,
            },
            page,
        )
        .await
    }

    /// Asks a running task to stop; it stops after the page it is on.
    pub async fn cancel_sync(&self, actor: &Actor, task_id: &str) -> Result<SyncTask, AppError> {
        self.authorize(
            actor,
            Operation::SyncRun,
            "sync_task",
            Some(task_id.to_owned()),
        )
        .await?;
        let id = parse_uuid("sync task", task_id)?;
        let mut tx = self.db.write().await?;
        let mut task = sync_tasks::get(&mut tx, id).await?;
        actor.require_system(task.system_id)?;
        if !matches!(
            task.status,
            SyncTaskStatus::Running | SyncTaskStatus::Pending
        ) {
            return Err(AppError::Conflict {
                message: format!("task {id} is {} and cannot be cancelled", task.status),
                field: Some("status".into()),
            });
        }
        task.status = SyncTaskStatus::Cancelled;
        task.updated_at = now();
        sync_tasks::save(&mut tx, &task).await?;
        record(
            &mut tx,
            actor,
            Change {
                op: Operation::SyncRun,
                entity: "sync_task",
                entity_id: Some(id.to_string()),
                outcome: AuditOutcome::Success,
                before: None,
                after: Some(serde_json::json!({"status": "cancelled"})),
                detail: None,
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(task)
    }
}

impl Services {
    /// Local changes waiting for (or delivered to) their vendor, newest first.
    pub async fn list_outbox(
        &self,
        actor: &Actor,
        system_id: Option<&str>,
        status: Option<&str>,
        page: &PageRequest,
    ) -> Result<Page<storelink_core::outbox::OutboxEntry>, AppError> {
        self.authorize(actor, Operation::SyncLogsView, "outbox", None)
            .await?;
        let system_id = system_id.map(|s| parse_uuid("system", s)).transpose()?;
        let status = match status {
            Some(s) => Some(
                storelink_core::outbox::OutboxStatus::parse(s).ok_or_else(|| {
                    AppError::field(
                        "status",
                        Rule::OneOf {
                            allowed: storelink_core::outbox::OutboxStatus::NAMES
                                .iter()
                                .map(|n| (*n).to_owned())
                                .collect(),
                        },
                        format!(
                            "status must be one of {}",
                            storelink_core::outbox::OutboxStatus::NAMES.join(", ")
                        ),
                    )
                })?,
            ),
            None => None,
        };
        let mut conn = self.db.read().await?;
        storelink_store::outbox::list(
            &mut conn,
            &storelink_store::outbox::OutboxFilter {
                system_id: actor.scope(system_id)?,
                status,
            },
            page,
        )
        .await
    }

    /// Sends what is due in the outbox now instead of at the dispatcher's next turn.
    pub async fn dispatch_outbox(&self, actor: &Actor) -> Result<crate::DispatchReport, AppError> {
        self.authorize(actor, Operation::SyncRun, "outbox", None)
            .await?;
        self.engine.dispatch_once().await
    }

    /// Puts a dead entry back in line (after the cause was fixed).
    pub async fn retry_outbox(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<storelink_core::outbox::OutboxEntry, AppError> {
        self.authorize(actor, Operation::SyncRun, "outbox", Some(id.to_owned()))
            .await?;
        let id = parse_uuid("outbox entry", id)?;
        let mut tx = self.db.write().await?;
        let mut entry = storelink_store::outbox::get(&mut tx, id).await?;
        actor.require_system(entry.system_id)?;
        if entry.status == storelink_core::outbox::OutboxStatus::Done {
            return Err(AppError::Conflict {
                message: format!("outbox entry {id} was delivered already"),
                field: Some("status".into()),
            });
        }
        let before = entry.status;
        entry.status = storelink_core::outbox::OutboxStatus::Pending;
        entry.next_attempt_at = now();
        entry.updated_at = now();
        storelink_store::outbox::save(&mut tx, &entry).await?;
        record(
            &mut tx,
            actor,
            Change {
                op: Operation::SyncRun,
                entity: "outbox",
                entity_id: Some(id.to_string()),
                outcome: AuditOutcome::Success,
                before: Some(serde_json::json!({"status": before})),
                after: Some(serde_json::json!({"status": entry.status})),
                detail: Some("retry by hand".into()),
            },
        )
        .await?;
        tx.commit().await.map_err(db_error)?;
        Ok(entry)
    }
}

/// A stream a system can sync, with the modes a person may start it in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct SyncStream {
    pub name: String,
    /// What it stores: `customer`, `product`, `order`, `reservation`, ...
    pub entity: String,
    pub modes: Vec<SyncMode>,
}

impl Services {
    /// The streams a system's connector syncs (managers: it is asked to start one).
    pub async fn sync_streams(
        &self,
        actor: &Actor,
        system_id: &str,
    ) -> Result<Vec<SyncStream>, AppError> {
        self.authorize(
            actor,
            Operation::SyncRun,
            "sync_task",
            Some(system_id.to_owned()),
        )
        .await?;
        let id = parse_uuid("system", system_id)?;
        actor.require_system(id)?;
        let system = {
            let mut conn = self.db.read().await?;
            systems::require(&mut conn, id).await?
        };
        let connector = self.engine.connector(&system).await?;
        Ok(connector
            .streams()
            .iter()
            .map(|s| SyncStream {
                name: s.name.to_owned(),
                entity: s.entity.as_str().to_owned(),
                // Single records are pulled by id, not started from a list.
                modes: s
                    .modes
                    .iter()
                    .copied()
                    .filter(|m| *m != SyncMode::Single)
                    .collect(),
            })
            .collect())
    }
}
