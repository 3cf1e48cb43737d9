//! Records the sync engine pulled for reservations, supplier orders and members, applied
//! inside the sync's open transaction by the same code as a push of the same body: the
//! same validation, status machines, duplicates and live events. The engine writes one
//! sync log per record from what this returns (the push path's own log line is left out,
//! so each record is logged once, with the task that read it).
//!
//! A record that breaks a rule (bad field, unknown order, a status going backwards) is
//! logged `failed` with its class and message and the page goes on: every apply function
//! checks its rules before it writes, so a refused record has changed nothing. Anything
//! else (the database failing) fails the page, which the engine rolls back and retries.
//!
//! Members are two-way ([`members`]): a member the platform changed while a local change
//! to it still waits in the outbox is decided by the system's `conflict_strategy`.

mod members;
mod orders;

use std::collections::HashMap;

use storelink_connectors::connector::{BoxFuture, Entity, RemoteRecord};
use storelink_core::error::{AppError, ErrorClass, Rule};
use storelink_core::ingest::DomainEvent;
use storelink_core::sync::{SyncAction, SyncItemStatus, SyncLog};
use storelink_core::system::ExternalSystem;
use storelink_engine::records::strategy_of;
use storelink_engine::sink::{DomainSink, DomainStored};
use storelink_store::{outbox, SqliteConnection};
use tokio::sync::broadcast;
use uuid::Uuid;

use super::{reservation, Applied};

/// The engine's [`DomainSink`]: where pulled reservations, supplier orders and members go.
#[derive(Debug, Clone)]
pub struct PulledRecords {
    events: broadcast::Sender<DomainEvent>,
}

impl PulledRecords {
    /// Live events of applied records go to `events`, as the push path sends them.
    pub fn new(events: broadcast::Sender<DomainEvent>) -> Self {
        PulledRecords { events }
    }
}

impl Default for PulledRecords {
    /// A sink whose events nobody hears (hosts without a shell).
    fn default() -> Self {
        PulledRecords::new(broadcast::channel(16).0)
    }
}

/// What applying one record did, before it becomes its sync log line.
pub(super) struct Done {
    action: SyncAction,
    /// A record that was handled but not applied (a conflict parked for a person).
    failure: Option<(ErrorClass, String)>,
    /// Why a successful line looks the way it does (which side of a conflict won).
    note: Option<String>,
    event: Option<DomainEvent>,
}

impl Done {
    pub(super) fn applied(applied: Applied) -> Done {
        let action = if applied.duplicate {
            SyncAction::Unchanged
        } else if applied.created {
            SyncAction::Create
        } else {
            SyncAction::Update
        };
        Done {
            action,
            failure: None,
            note: None,
            event: applied.event,
        }
    }

    pub(super) fn unchanged(note: Option<String>) -> Done {
        Done {
            action: SyncAction::Unchanged,
            failure: None,
            note,
            event: None,
        }
    }

    pub(super) fn held(class: ErrorClass, message: impl Into<String>) -> Done {
        Done {
            action: SyncAction::Update,
            failure: Some((class, message.into())),
            note: None,
            event: None,
        }
    }

    pub(super) fn with_note(mut self, note: String) -> Done {
        self.note = Some(note);
        self
    }
}

/// The class a refused record is logged with; `None` for failures that are not the
/// record's fault and must fail the page.
fn record_failure(e: &AppError) -> Option<ErrorClass> {
    match e {
        AppError::Validation { errors }
            if errors
                .iter()
                .any(|f| matches!(f.rule, Rule::Transition { .. })) =>
        {
            Some(ErrorClass::BusinessLogicError)
        }
        AppError::Validation { .. } | AppError::NotFound { .. } => {
            Some(ErrorClass::ValidationError)
        }
        AppError::Conflict { .. } => Some(ErrorClass::BusinessLogicError),
        _ => None,
    }
}

/// A refused record's log message: each broken rule with the field it is about.
fn failure_message(e: &AppError) -> String {
    match e {
        AppError::Validation { errors } => errors
            .iter()
            .map(|f| {
                if f.message.contains(f.field.as_str()) {
                    f.message.clone()
                } else {
                    format!("{}: {}", f.field, f.message)
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// The local changes waiting in the outbox, by record key, when they matter to the entity.
async fn waiting_changes(
    tx: &mut SqliteConnection,
    system: &ExternalSystem,
    entity: Entity,
) -> Result<HashMap<String, chrono::DateTime<chrono::Utc>>, AppError> {
    match entity {
        Entity::Members => outbox::undelivered_changes(tx, system.id, members::ENTITY).await,
        _ => Ok(HashMap::new()),
    }
}

async fn apply_one(
    tx: &mut SqliteConnection,
    system: &ExternalSystem,
    entity: Entity,
    waiting: &HashMap<String, chrono::DateTime<chrono::Utc>>,
    record: &RemoteRecord,
) -> Result<Done, AppError> {
    match entity {
        Entity::Reservations => {
            let valid = reservation::parse_input(system, record.data.clone())?;
            let applied =
                reservation::apply_unlogged(tx, system, valid, None, record.data.clone()).await?;
            Ok(Done::applied(applied))
        }
        Entity::SupplierOrders => orders::store(tx, system, record).await,
        Entity::Members => members::store(tx, system, strategy_of(system), waiting, record).await,
        other => Err(AppError::internal(format!(
            "{} records are not applied by the service",
            other.as_str()
        ))),
    }
}

impl DomainSink for PulledRecords {
    fn store<'a>(
        &'a self,
        tx: &'a mut SqliteConnection,
        system: &'a ExternalSystem,
        entity: Entity,
        task_id: Option<Uuid>,
        records: &'a [RemoteRecord],
    ) -> BoxFuture<'a, Result<DomainStored, AppError>> {
        Box::pin(async move {
            let waiting = waiting_changes(tx, system, entity).await?;
            let mut stored = DomainStored::default();
            let mut events = Vec::new();
            for record in records {
                let mut log = SyncLog::success(
                    system.id,
                    task_id,
                    entity.as_str(),
                    &record.external_id,
                    SyncAction::Update,
                );
                match apply_one(tx, system, entity, &waiting, record).await {
                    Ok(done) => {
                        log.action = done.action;
                        log.error_message = done.note;
                        if let Some((class, message)) = done.failure {
                            log.status = SyncItemStatus::Failed;
                            log.error_class = Some(class);
                            log.error_message = Some(message);
                            stored.failed += 1;
                        }
                        events.extend(done.event);
                    }
                    Err(e) => {
                        let Some(class) = record_failure(&e) else {
                            return Err(e);
                        };
                        log.status = SyncItemStatus::Failed;
                        log.error_class = Some(class);
                        log.error_message = Some(failure_message(&e));
                        stored.failed += 1;
                    }
                }
                stored.logs.push(log);
            }
            // Sent before the engine commits the page (the sink has no later hook); a page
            // that then fails to commit is read and applied again, and says so again.
            for event in events {
                let _ = self.events.send(event);
            }
            Ok(stored)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use storelink_core::error::FieldError;

    #[test]
    fn rule_breaks_fail_the_record_and_the_rest_fail_the_page() {
        let backwards = AppError::Validation {
            errors: vec![FieldError::new(
                "status",
                Rule::Transition {
                    from: "shipped".into(),
                    to: "confirmed".into(),
                    allowed: vec!["delivered".into()],
                },
                "no way back",
            )],
        };
        assert_eq!(
            record_failure(&backwards),
            Some(ErrorClass::BusinessLogicError)
        );
        assert_eq!(
            record_failure(&AppError::field("phone", Rule::PhoneCn, "bad")),
            Some(ErrorClass::ValidationError)
        );
        assert_eq!(
            record_failure(&AppError::not_found("supplier order", "PO-1")),
            Some(ErrorClass::ValidationError)
        );
        assert_eq!(
            record_failure(&AppError::Conflict {
                message: "two members".into(),
                field: None
            }),
            Some(ErrorClass::BusinessLogicError)
        );
        assert_eq!(record_failure(&AppError::internal("disk")), None);
        assert_eq!(
            record_failure(&AppError::Database {
                message: "locked".into()
            }),
            None
        );
    }
}
