//! Reading what arrived: the seeds' list endpoints with their filters, newest first, with
//! keyset paging. Every list checks the role; a system-bound token sees its system only.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::error::{AppError, Violations};
use storelink_core::member::MemberSync;
use storelink_core::pos::{PosTransaction, RecordSyncStatus, TransactionType};
use storelink_core::reservation::{Reservation, ReservationStatus};
use storelink_core::supplier::{SupplierOrder, SupplierOrderStatus};
use storelink_core::sync::SyncLog;
use storelink_core::{validate, vendor_time, Actor, Operation, Page, PageRequest};
use storelink_store::members::MemberFilter;
use storelink_store::pos::PosFilter;
use storelink_store::reservations::ReservationFilter;
use storelink_store::supplier_orders::SupplierOrderFilter;
use storelink_store::sync_logs::SyncLogFilter;
use storelink_store::{members, pos, reservations, supplier_orders, sync_logs};
use uuid::Uuid;

use crate::Services;

/// Seed 000 `GET pos/transactions` query, plus paging. Times are ISO 8601 (local times
/// are the store's).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PosQuery {
    pub system_id: Option<String>,
    pub store_id: Option<String>,
    pub sync_status: Option<String>,
    #[serde(rename = "type")]
    pub transaction_type: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SupplierOrderQuery {
    pub system_id: Option<String>,
    pub store_id: Option<String>,
    pub status: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// Seed 002 `GET reservation/list` query.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReservationQuery {
    pub system_id: Option<String>,
    pub store_id: Option<String>,
    pub status: Option<String>,
    pub date_from: Option<String>,
    pub date_to: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberQuery {
    pub system_id: Option<String>,
    pub phone: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// Seed 000 `GET sync-logs` query.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncLogQuery {
    pub system_id: Option<String>,
    pub status: Option<String>,
    /// Seed 003 `item_type` (`order`, `product`, ...).
    #[serde(default)]
    pub item_type: Option<String>,
    /// The sync task the lines belong to.
    #[serde(default)]
    pub task_id: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

fn uuid_field(v: &mut Violations, field: &str, value: Option<&str>) -> Option<Uuid> {
    let value = value.filter(|s| !s.trim().is_empty())?;
    match Uuid::parse_str(value.trim()) {
        Ok(id) => Some(id),
        Err(_) => {
            v.push(
                field,
                storelink_core::Rule::Format {
                    expected: "a UUID".into(),
                },
                format!("{field} is not a system id"),
            );
            None
        }
    }
}

fn enum_field<T>(
    v: &mut Violations,
    field: &str,
    value: Option<&str>,
    names: &[&str],
    parse: fn(&str) -> Option<T>,
) -> Option<T> {
    let value = value.filter(|s| !s.is_empty())?;
    if validate::one_of(v, field, value, names) {
        parse(value)
    } else {
        None
    }
}

fn time_field(v: &mut Violations, field: &str, value: Option<&str>) -> Option<DateTime<Utc>> {
    let value = value.filter(|s| !s.trim().is_empty());
    vendor_time::field(v, field, value, vendor_time::china_offset())
}

fn text_field(v: &mut Violations, field: &str, value: Option<String>) -> Option<String> {
    let value = value.filter(|s| !s.is_empty())?;
    validate::max_len(v, field, &value, 64);
    Some(value)
}

fn page(cursor: Option<String>, limit: Option<u32>) -> PageRequest {
    PageRequest { cursor, limit }
}

impl Services {
    pub async fn list_pos_transactions(
        &self,
        actor: &Actor,
        q: PosQuery,
    ) -> Result<Page<PosTransaction>, AppError> {
        self.authorize(
            actor,
            Operation::PosTransactionsView,
            "pos_transaction",
            None,
        )
        .await?;
        let mut v = Violations::new();
        let system_id = uuid_field(&mut v, "system_id", q.system_id.as_deref());
        let filter = PosFilter {
            system_id: None,
            store_id: text_field(&mut v, "store_id", q.store_id),
            sync_status: enum_field(
                &mut v,
                "sync_status",
                q.sync_status.as_deref(),
                RecordSyncStatus::NAMES,
                RecordSyncStatus::parse,
            ),
            transaction_type: enum_field(
                &mut v,
                "type",
                q.transaction_type.as_deref(),
                TransactionType::NAMES,
                TransactionType::parse,
            ),
            from: time_field(&mut v, "start_time", q.start_time.as_deref()),
            to: time_field(&mut v, "end_time", q.end_time.as_deref()),
        };
        v.into_result()?;
        let filter = PosFilter {
            system_id: actor.scope(system_id)?,
            ..filter
        };
        let mut conn = self.db.read().await?;
        pos::list(&mut conn, &filter, &page(q.cursor, q.limit)).await
    }

    pub async fn list_supplier_orders(
        &self,
        actor: &Actor,
        q: SupplierOrderQuery,
    ) -> Result<Page<SupplierOrder>, AppError> {
        self.authorize(actor, Operation::SupplierOrdersView, "supplier_order", None)
            .await?;
        let mut v = Violations::new();
        let system_id = uuid_field(&mut v, "system_id", q.system_id.as_deref());
        let store_id = text_field(&mut v, "store_id", q.store_id);
        let status = enum_field(
            &mut v,
            "status",
            q.status.as_deref(),
            SupplierOrderStatus::NAMES,
            SupplierOrderStatus::parse,
        );
        v.into_result()?;
        let filter = SupplierOrderFilter {
            system_id: actor.scope(system_id)?,
            store_id,
            status,
        };
        let mut conn = self.db.read().await?;
        supplier_orders::list(&mut conn, &filter, &page(q.cursor, q.limit)).await
    }

    pub async fn list_reservations(
        &self,
        actor: &Actor,
        q: ReservationQuery,
    ) -> Result<Page<Reservation>, AppError> {
        self.authorize(actor, Operation::ReservationsView, "reservation", None)
            .await?;
        let mut v = Violations::new();
        let system_id = uuid_field(&mut v, "system_id", q.system_id.as_deref());
        let store_id = text_field(&mut v, "store_id", q.store_id);
        let status = enum_field(
            &mut v,
            "status",
            q.status.as_deref(),
            ReservationStatus::NAMES,
            ReservationStatus::parse,
        );
        let date_from = time_field(&mut v, "date_from", q.date_from.as_deref());
        let date_to = time_field(&mut v, "date_to", q.date_to.as_deref());
        v.into_result()?;
        let filter = ReservationFilter {
            system_id: actor.scope(system_id)?,
            store_id,
            status,
            date_from,
            date_to,
        };
        let mut conn = self.db.read().await?;
        reservations::list(&mut conn, &filter, &page(q.cursor, q.limit)).await
    }

    pub async fn list_members(
        &self,
        actor: &Actor,
        q: MemberQuery,
    ) -> Result<Page<MemberSync>, AppError> {
        self.authorize(actor, Operation::MembersView, "member", None)
            .await?;
        let mut v = Violations::new();
        let system_id = uuid_field(&mut v, "system_id", q.system_id.as_deref());
        let phone = text_field(&mut v, "phone", q.phone);
        v.into_result()?;
        let filter = MemberFilter {
            system_id: actor.scope(system_id)?,
            phone,
        };
        let mut conn = self.db.read().await?;
        members::list(&mut conn, &filter, &page(q.cursor, q.limit)).await
    }

    pub async fn list_sync_logs(
        &self,
        actor: &Actor,
        q: SyncLogQuery,
    ) -> Result<Page<SyncLog>, AppError> {
        self.authorize(actor, Operation::SyncLogsView, "sync_log", None)
            .await?;
        let mut v = Violations::new();
        let system_id = uuid_field(&mut v, "system_id", q.system_id.as_deref());
        let status = enum_field(
            &mut v,
            "status",
            q.status.as_deref(),
            storelink_core::sync::SyncItemStatus::NAMES,
            storelink_core::sync::SyncItemStatus::parse,
        );
        let task_id = q
            .task_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let task_id = task_id.and_then(|id| match Uuid::parse_str(id) {
            Ok(id) => Some(id),
            Err(_) => {
                let expected = "a UUID".into();
                v.push(
                    "task_id",
                    storelink_core::Rule::Format { expected },
                    "task_id is not a sync task id",
                );
                None
            }
        });
        let item_type = text_field(&mut v, "item_type", q.item_type);
        v.into_result()?;
        let filter = SyncLogFilter {
            system_id: actor.scope(system_id)?,
            task_id,
            status,
            item_type,
        };
        let mut conn = self.db.read().await?;
        sync_logs::list(&mut conn, &filter, &page(q.cursor, q.limit)).await
    }
}
