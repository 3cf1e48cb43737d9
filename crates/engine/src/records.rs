//! Storing pulled records, with conflicts: a record the vendor changed while a local change
//! to it still waits in the outbox is decided by the system's strategy (seed 004 §7.3).
//! Without waiting local changes (the usual case) a page is one bulk upsert.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use storelink_core::conflict::{decide, Decision, DEFAULT_STRATEGY};
use storelink_core::error::{AppError, ErrorClass};
use storelink_core::sync::{ConflictStrategy, SyncAction, SyncItemStatus, SyncLog};
use storelink_core::system::ExternalSystem;
use storelink_store::conflicts::{self, NewConflict, Parked};
use storelink_store::erp_records::{self, ErpTable, RecordRow};
use storelink_store::{outbox, SqliteConnection};
use uuid::Uuid;

/// The strategy a system's config names (`conflict_strategy`), or the default.
pub fn strategy_of(system: &ExternalSystem) -> ConflictStrategy {
    system
        .config
        .get("conflict_strategy")
        .and_then(serde_json::Value::as_str)
        .and_then(ConflictStrategy::parse)
        .unwrap_or(DEFAULT_STRATEGY)
}

/// What storing a page did: one log per record, in order, and how many were not applied.
pub(crate) struct Stored {
    pub logs: Vec<SyncLog>,
    pub parked: i64,
}

/// A conflict's outcome as the record's sync log says it.
enum Outcome {
    TookRemote(ConflictStrategy),
    KeptLocal(ConflictStrategy),
    Parked,
}

/// Stores a page of one table in the open transaction.
pub(crate) async fn store_page(
    tx: &mut SqliteConnection,
    table: ErpTable,
    system: &ExternalSystem,
    task_id: Option<Uuid>,
    rows: &[RecordRow],
) -> Result<Stored, AppError> {
    let item_type = table.stream();
    let waiting = outbox::undelivered_changes(tx, system.id, table.stream()).await?;
    let mut outcomes: HashMap<&str, Outcome> = HashMap::new();
    let strategy = strategy_of(system);
    for row in rows {
        let key = table.record_key(&row.external_id);
        let Some(changed_at) = waiting.get(&key) else {
            continue;
        };
        if let Some(outcome) =
            settle(tx, table, system.id, strategy, row, &key, *changed_at).await?
        {
            outcomes.insert(&row.external_id, outcome);
        }
    }
    let held_back = |r: &RecordRow| {
        matches!(
            outcomes.get(r.external_id.as_str()),
            Some(Outcome::KeptLocal(_) | Outcome::Parked)
        )
    };
    let actions = if rows.iter().any(held_back) {
        let applied: Vec<RecordRow> = rows.iter().filter(|r| !held_back(r)).cloned().collect();
        erp_records::upsert_page(tx, table, system.id, &applied).await?
    } else {
        erp_records::upsert_page(tx, table, system.id, rows).await?
    };
    let mut actions = actions.into_iter();
    let mut logs = Vec::with_capacity(rows.len());
    let mut parked = 0;
    for row in rows {
        let id = row.external_id.as_str();
        let mut log = SyncLog::success(system.id, task_id, item_type, id, SyncAction::Update);
        match outcomes.get(id) {
            Some(Outcome::KeptLocal(s)) => {
                log.action = SyncAction::Unchanged;
                log.error_message = Some(format!(
                    "conflict: kept the local change, which will be sent to the vendor ({s})"
                ));
            }
            Some(Outcome::Parked) => {
                parked += 1;
                log.status = SyncItemStatus::Failed;
                log.error_class = Some(ErrorClass::BusinessLogicError);
                log.error_message = Some(
                    "conflict: changed here and at the vendor; parked for a person to resolve \
                     (strategy manual) — see Conflicts or `storelink conflicts list`"
                        .into(),
                );
            }
            other => {
                log.action = actions.next().unwrap_or(SyncAction::Unchanged);
                if let Some(Outcome::TookRemote(s)) = other {
                    log.error_message = Some(format!(
                        "conflict: took the vendor's version; the local change was cancelled ({s})"
                    ));
                }
            }
        }
        logs.push(log);
    }
    Ok(Stored { logs, parked })
}

/// Decides one record with a local change waiting; `None` when the vendor's version is the
/// one already synced (only our side changed: no conflict).
async fn settle(
    tx: &mut SqliteConnection,
    table: ErpTable,
    system_id: Uuid,
    strategy: ConflictStrategy,
    row: &RecordRow,
    key: &str,
    local_changed_at: DateTime<Utc>,
) -> Result<Option<Outcome>, AppError> {
    let Some(stored) = erp_records::stored(tx, table, system_id, &row.external_id).await? else {
        return Ok(None);
    };
    if stored.content_hash == row.content_hash {
        return Ok(None);
    }
    Ok(Some(
        match decide(strategy, row.remote_updated_at, local_changed_at) {
            Decision::TakeRemote => {
                let reason = format!("cancelled: the vendor's newer version won ({strategy})");
                outbox::cancel_for_record(tx, system_id, key, &reason).await?;
                Outcome::TookRemote(strategy)
            }
            Decision::KeepLocal => {
                erp_records::rebase(
                    tx,
                    table,
                    system_id,
                    &row.external_id,
                    &row.content_hash,
                    row.remote_updated_at,
                )
                .await?;
                Outcome::KeptLocal(strategy)
            }
            Decision::Park => {
                let parked = conflicts::park(
                    tx,
                    &NewConflict {
                        system_id,
                        entity: table.stream(),
                        record_key: key,
                        source_data: &row.data()?,
                        source_hash: &row.content_hash,
                        source_updated_at: row.remote_updated_at,
                        target_data: &stored.data,
                        target_updated_at: Some(local_changed_at),
                    },
                )
                .await?;
                if let Parked::New(id) = parked {
                    tracing::warn!(conflict = %id, record = key, "conflict parked for a person to resolve");
                }
                Outcome::Parked
            }
        },
    ))
}
