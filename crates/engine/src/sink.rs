//! Where pulled records go. ERP records, marketplace orders and logistics are kept as
//! mapped JSON with a fingerprint ([`records`](crate::records)). Reservations, supplier
//! orders and members have their own tables and rules (status machines, outbox entries,
//! live events) that the service crate owns, so the host that runs the engine hands it a
//! [`DomainSink`] applying pulled records exactly as a push of the same body is applied.

use storelink_connectors::connector::{BoxFuture, Entity, RemoteRecord};
use storelink_core::error::AppError;
use storelink_core::sync::SyncLog;
use storelink_core::system::ExternalSystem;
use storelink_store::erp_records::ErpTable;
use storelink_store::SqliteConnection;
use uuid::Uuid;

/// How a stream's records are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sink {
    Records(ErpTable),
    Domain(Entity),
}

impl Sink {
    pub fn of(entity: Entity) -> Sink {
        match entity {
            Entity::Customers => Sink::Records(ErpTable::Customers),
            Entity::Products => Sink::Records(ErpTable::Products),
            Entity::Orders => Sink::Records(ErpTable::Orders),
            Entity::MarketplaceOrders => Sink::Records(ErpTable::MarketplaceOrders),
            Entity::Logistics => Sink::Records(ErpTable::Logistics),
            Entity::Reservations | Entity::SupplierOrders | Entity::Members => Sink::Domain(entity),
        }
    }
}

/// What applying a page of domain records did: one log per record, in order (a record
/// that breaks a rule is logged failed and changes nothing), and how many failed.
#[derive(Debug, Default)]
pub struct DomainStored {
    pub logs: Vec<SyncLog>,
    pub failed: i64,
}

/// Applies pulled reservations, supplier orders and members inside the sync's open
/// transaction (so the page, its logs and its checkpoint commit together).
pub trait DomainSink: Send + Sync {
    fn store<'a>(
        &'a self,
        tx: &'a mut SqliteConnection,
        system: &'a ExternalSystem,
        entity: Entity,
        task_id: Option<Uuid>,
        records: &'a [RemoteRecord],
    ) -> BoxFuture<'a, Result<DomainStored, AppError>>;
}
