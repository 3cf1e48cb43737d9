//! The typed rows of the ERP-style lists, made from the store's generic listed record
//! (whose `number`, `name`, `status`, `amount` and `note` mean what each table keeps).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::Money;
use storelink_store::record_lists::ListedRecord;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct CustomerRecord {
    pub id: Uuid,
    pub system_id: Uuid,
    pub external_id: String,
    pub code: Option<String>,
    pub name: String,
    pub status: Option<String>,
    /// When the ERP last changed it, as the ERP said.
    pub remote_updated_at: Option<DateTime<Utc>>,
    /// When Storelink last stored a change of it.
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ProductRecord {
    pub id: Uuid,
    pub system_id: Uuid,
    pub external_id: String,
    pub sku: String,
    pub name: String,
    pub status: Option<String>,
    pub standard_price: Option<Money>,
    /// `inventory.quantity` as the vendor wrote it.
    pub inventory_quantity: Option<String>,
    pub remote_updated_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ErpOrderRecord {
    pub id: Uuid,
    pub system_id: Uuid,
    pub external_id: String,
    pub order_number: String,
    pub order_type: String,
    pub status_code: Option<String>,
    pub total: Money,
    pub remote_updated_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct MarketplaceOrderRecord {
    pub id: Uuid,
    pub system_id: Uuid,
    pub external_id: String,
    pub order_sn: String,
    pub status: Option<String>,
    pub total: Option<Money>,
    pub currency: Option<String>,
    pub remote_updated_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl From<ListedRecord> for CustomerRecord {
    fn from(r: ListedRecord) -> Self {
        CustomerRecord {
            id: r.id,
            system_id: r.system_id,
            external_id: r.external_id,
            code: r.number,
            name: r.name.unwrap_or_default(),
            status: r.status,
            remote_updated_at: r.remote_updated_at,
            updated_at: r.updated_at,
        }
    }
}

impl From<ListedRecord> for ProductRecord {
    fn from(r: ListedRecord) -> Self {
        ProductRecord {
            id: r.id,
            system_id: r.system_id,
            external_id: r.external_id,
            sku: r.number.unwrap_or_default(),
            name: r.name.unwrap_or_default(),
            status: r.status,
            standard_price: r.amount,
            inventory_quantity: r.note,
            remote_updated_at: r.remote_updated_at,
            updated_at: r.updated_at,
        }
    }
}

impl From<ListedRecord> for ErpOrderRecord {
    fn from(r: ListedRecord) -> Self {
        ErpOrderRecord {
            id: r.id,
            system_id: r.system_id,
            external_id: r.external_id,
            order_number: r.number.unwrap_or_default(),
            order_type: r.note.unwrap_or_default(),
            status_code: r.status,
            total: r.amount.unwrap_or_default(),
            remote_updated_at: r.remote_updated_at,
            updated_at: r.updated_at,
        }
    }
}

impl From<ListedRecord> for MarketplaceOrderRecord {
    fn from(r: ListedRecord) -> Self {
        MarketplaceOrderRecord {
            id: r.id,
            system_id: r.system_id,
            external_id: r.external_id,
            order_sn: r.number.unwrap_or_default(),
            status: r.status,
            total: r.amount,
            currency: r.note,
            remote_updated_at: r.remote_updated_at,
            updated_at: r.updated_at,
        }
    }
}
