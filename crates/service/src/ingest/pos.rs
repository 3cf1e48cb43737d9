//! POS transactions: sales, refunds and voids, stored once per (system, transaction id).

use storelink_core::error::{AppError, Rule};
use storelink_core::ids::{new_id, now};
use storelink_core::inbox::InboxStatus;
use storelink_core::ingest::{DomainEvent, IngestReply};
use storelink_core::pos::{
    PosTransaction, PosTransactionInput, RecordSyncStatus, TransactionType, ValidPosTransaction,
};
use storelink_core::sync::SyncAction;
use storelink_core::system::{ExternalSystem, SystemType};
use storelink_core::{Actor, Money, Operation};
use storelink_store::pos::{NewPosRow, PosInsert};
use storelink_store::{pos as repo, SqliteConnection};

use super::{
    content_hash, keep_api_push, log_item, offset_of, parse_body, raw_event, sync_log, Applied,
    RawPush,
};
use crate::Services;

pub(crate) const API_EVENT: &str = "pos.transaction";

impl Services {
    /// Seed 000 "创建POS交易": `POST pos/{system_id}/transactions`.
    pub async fn record_pos_transaction(
        &self,
        actor: &Actor,
        system_id: &str,
        push: RawPush,
    ) -> Result<IngestReply, AppError> {
        let system = self
            .push_target(
                actor,
                Operation::PosTransactionsCreate,
                "pos_transaction",
                system_id,
                SystemType::Pos,
            )
            .await?;
        let input: PosTransactionInput = parse_body(push.text()?)?;
        let valid = input.validate(offset_of(&system))?;
        let applied = if valid.original_transaction_id.is_none() {
            self.record_sale(&system, valid, &push).await?
        } else {
            self.record_reversal(system, valid, push).await?
        };
        if let Some(event) = applied.event.clone() {
            self.emit(event);
        }
        Ok(applied.reply())
    }

    /// Sales take the writer's bulk path: a batch of them costs a few statements.
    async fn record_sale(
        &self,
        system: &ExternalSystem,
        valid: ValidPosTransaction,
        push: &RawPush,
    ) -> Result<Applied, AppError> {
        let hash = content_hash(&valid)?;
        let transaction = new_transaction(system, valid)?;
        let event_id = format!("{API_EVENT}:{}", transaction.pos_transaction_id);
        let row = NewPosRow {
            inbox: raw_event(
                system.id,
                &event_id,
                API_EVENT,
                "api",
                push,
                InboxStatus::Processed,
            )?,
            log: sync_log(
                system.id,
                "pos_transaction",
                &transaction.pos_transaction_id,
                SyncAction::Create,
            ),
            content_hash: hash.clone(),
            transaction,
        };
        let (id, pos_transaction_id, status) = (
            row.transaction.id,
            row.transaction.pos_transaction_id.clone(),
            row.transaction.sync_status,
        );
        match self.batch.insert_sale(row).await? {
            PosInsert::Inserted => Ok(Applied {
                record_id: id,
                created: true,
                duplicate: false,
                status: Some(status.as_str().into()),
                event: Some(DomainEvent::PosTransactionRecorded {
                    system_id: system.id,
                    id,
                    pos_transaction_id,
                }),
            }),
            PosInsert::Existing {
                id,
                content_hash,
                sync_status,
            } if content_hash == hash => Ok(Applied {
                record_id: id,
                created: false,
                duplicate: true,
                status: Some(sync_status.as_str().into()),
                event: None,
            }),
            PosInsert::Existing { .. } => Err(different_content(&pos_transaction_id)),
        }
    }

    /// Refunds and voids are checked against their sale inside the transaction.
    async fn record_reversal(
        &self,
        system: std::sync::Arc<ExternalSystem>,
        valid: ValidPosTransaction,
        push: RawPush,
    ) -> Result<Applied, AppError> {
        self.batch
            .submit(move |conn| {
                Box::pin(async move {
                    let applied = apply(conn, &system, valid).await?;
                    if !applied.duplicate {
                        let event_id = format!("{API_EVENT}:{}", applied_key(&applied));
                        keep_api_push(conn, system.id, &event_id, API_EVENT, &push).await?;
                    }
                    Ok(applied)
                })
            })
            .await
    }
}

fn different_content(transaction_id: &str) -> AppError {
    AppError::Conflict {
        message: format!(
            "transaction {transaction_id} was already received with different content; a correction needs a refund or void with a new transaction_id"
        ),
        field: Some("transaction_id".into()),
    }
}

fn applied_key(applied: &Applied) -> String {
    match &applied.event {
        Some(DomainEvent::PosTransactionRecorded {
            pos_transaction_id, ..
        }) => pos_transaction_id.clone(),
        _ => applied.record_id.to_string(),
    }
}

/// Stores a validated transaction once. The same id with the same content is a duplicate;
/// with other content it is refused. A refund or void must reverse an existing sale and
/// may not take back more than the sale's total.
pub(crate) async fn apply(
    conn: &mut SqliteConnection,
    system: &ExternalSystem,
    valid: ValidPosTransaction,
) -> Result<Applied, AppError> {
    let hash = content_hash(&valid)?;
    if let Some((stored, stored_hash)) = repo::find(conn, system.id, &valid.transaction_id).await? {
        if stored_hash == hash {
            return Ok(Applied {
                record_id: stored.id,
                created: false,
                duplicate: true,
                status: Some(stored.sync_status.as_str().into()),
                event: None,
            });
        }
        return Err(different_content(&valid.transaction_id));
    }
    if let Some(original_id) = &valid.original_transaction_id {
        check_reversal(conn, system, &valid, original_id).await?;
    }
    let transaction = new_transaction(system, valid)?;
    repo::insert(conn, &transaction, &hash).await?;
    log_item(
        conn,
        system.id,
        "pos_transaction",
        &transaction.pos_transaction_id,
        SyncAction::Create,
    )
    .await?;
    Ok(Applied {
        record_id: transaction.id,
        created: true,
        duplicate: false,
        status: Some(transaction.sync_status.as_str().into()),
        event: Some(DomainEvent::PosTransactionRecorded {
            system_id: system.id,
            id: transaction.id,
            pos_transaction_id: transaction.pos_transaction_id,
        }),
    })
}

async fn check_reversal(
    conn: &mut SqliteConnection,
    system: &ExternalSystem,
    valid: &ValidPosTransaction,
    original_id: &str,
) -> Result<(), AppError> {
    let field = "original_transaction_id";
    let Some((original, _)) = repo::find(conn, system.id, original_id).await? else {
        return Err(AppError::field(
            field,
            Rule::Format {
                expected: "the transaction_id of a sale already received".into(),
            },
            format!("no sale {original_id} has been received from this system"),
        ));
    };
    if original.transaction_type != TransactionType::Sale {
        return Err(AppError::field(
            field,
            Rule::Format {
                expected: "a sale".into(),
            },
            format!(
                "{original_id} is a {}, not a sale",
                original.transaction_type
            ),
        ));
    }
    let already = Money::from_fen(repo::reversed_total(conn, system.id, original_id).await?);
    let left = original.total.checked_sub(already).unwrap_or(Money::ZERO);
    if valid.total > left {
        return Err(AppError::field(
            "total",
            Rule::OutOfRange {
                min: 0,
                max: left.fen(),
            },
            format!(
                "the {} of {} is more than is left of sale {original_id} ({left} of {})",
                valid.transaction_type, valid.total, original.total
            ),
        ));
    }
    Ok(())
}

/// The row for a validated transaction, received now.
fn new_transaction(
    system: &ExternalSystem,
    valid: ValidPosTransaction,
) -> Result<PosTransaction, AppError> {
    let received = now();
    let customer_info = match &valid.customer {
        Some(c) => serde_json::to_value(c).map_err(AppError::internal)?,
        None => serde_json::json!({}),
    };
    Ok(PosTransaction {
        id: new_id(),
        system_id: system.id,
        store_id: system.store_id.clone(),
        pos_transaction_id: valid.transaction_id,
        pos_order_number: valid.order_number,
        transaction_type: valid.transaction_type,
        original_transaction_id: valid.original_transaction_id,
        subtotal: valid.subtotal,
        tax: valid.tax,
        discount: valid.discount,
        total: valid.total,
        payment_method: valid.payment_method,
        items: valid.items,
        customer_info,
        sync_status: RecordSyncStatus::Success,
        transaction_time: valid.transaction_time.unwrap_or(received),
        created_at: received,
    })
}
