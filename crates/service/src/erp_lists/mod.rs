//! The ERP-style records as the records pages list them: customers, products and orders
//! (seed 004's unified models) and marketplace orders (seed 003, Temu), newest first and
//! keyset-paged. The filters are the seeds' list parameters that the columns kept beside
//! each record's JSON can answer: seed 004 `GET /erp/customers` and `GET /erp/products`
//! `status`, seed 003's order status, plus each record's own number. (`updatedSince` and
//! `category` are not offered: they live only in the JSON or in a column every sync page
//! rewrites, and an index there would cost every sync what docs/BENCHMARKS.md measured.)
//! Status filters of ERP and marketplace orders, SKUs and order numbers are answered from
//! their indexes; a customer's status or name and a marketplace order's number are checked
//! along the newest-first walk, which stops after one page of matches.
//! Any signed-in staff member reads lists (PRODUCT.md); a system-bound token reads only
//! its own system. A record's whole JSON comes from `get_erp_record`.

mod rows;

use serde::{Deserialize, Serialize};
use specta::Type;
use storelink_core::error::{AppError, Rule, Violations};
use storelink_core::{validate, Actor, Operation, Page, PageRequest};
use storelink_store::erp_records::ErpTable;
use storelink_store::record_lists::{self, ErpRecordFilter, ListedRecord};
use uuid::Uuid;

pub use rows::{CustomerRecord, ErpOrderRecord, MarketplaceOrderRecord, ProductRecord};

use crate::Services;

/// Seed 004 `GET /erp/customers` filters, plus part of the name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct CustomerQuery {
    pub system_id: Option<String>,
    /// `metadata.status` as the ERP gives it (e.g. `active`).
    pub status: Option<String>,
    /// Part of the customer's name.
    pub name: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// Seed 004 `GET /erp/products` filters, plus the SKU.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct ProductQuery {
    pub system_id: Option<String>,
    /// `active`, `inactive`, `discontinued` (seed 004), or the marketplace's own code.
    pub status: Option<String>,
    pub sku: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// ERP orders by status (`status.code`), type and number.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct ErpOrderQuery {
    pub system_id: Option<String>,
    pub status: Option<String>,
    /// `sales` or `purchase` (seed 004 `orderType`).
    #[serde(rename = "type")]
    pub order_type: Option<String>,
    pub order_number: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// Marketplace (Temu) orders by status and order number.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type)]
pub struct MarketplaceOrderQuery {
    pub system_id: Option<String>,
    /// The platform's order status code, e.g. `2`.
    pub status: Option<String>,
    pub order_sn: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// The seed 004 order types, for the type filter's choices.
pub const ERP_ORDER_TYPES: &[&str] = &["sales", "purchase"];

/// An empty text from a cleared filter means "any".
fn given(value: Option<&String>) -> Option<&str> {
    value.map(String::as_str).filter(|s| !s.trim().is_empty())
}

fn text(v: &mut Violations, field: &str, value: Option<&String>) -> Option<String> {
    let value = given(value)?;
    validate::max_len(v, field, value, 64);
    Some(value.to_owned())
}

fn system(v: &mut Violations, value: Option<&String>) -> Option<Uuid> {
    let value = given(value)?;
    match Uuid::parse_str(value.trim()) {
        Ok(id) => Some(id),
        Err(_) => {
            let expected = "a UUID".into();
            v.push(
                "system_id",
                Rule::Format { expected },
                "system_id is not a system id",
            );
            None
        }
    }
}

/// Checks a query's filters and limits a system-bound token to its own system.
fn erp_filter(
    actor: &Actor,
    v: Violations,
    system_id: Option<Uuid>,
    filter: ErpRecordFilter,
) -> Result<ErpRecordFilter, AppError> {
    v.into_result()?;
    Ok(ErpRecordFilter {
        system_id: actor.scope(system_id)?,
        ..filter
    })
}

pub(crate) fn customer_filter(
    actor: &Actor,
    q: &CustomerQuery,
) -> Result<ErpRecordFilter, AppError> {
    let mut v = Violations::new();
    let system_id = system(&mut v, q.system_id.as_ref());
    let filter = ErpRecordFilter {
        status: text(&mut v, "status", q.status.as_ref()),
        name_contains: text(&mut v, "name", q.name.as_ref()),
        ..ErpRecordFilter::default()
    };
    erp_filter(actor, v, system_id, filter)
}

pub(crate) fn product_filter(actor: &Actor, q: &ProductQuery) -> Result<ErpRecordFilter, AppError> {
    let mut v = Violations::new();
    let system_id = system(&mut v, q.system_id.as_ref());
    let filter = ErpRecordFilter {
        status: text(&mut v, "status", q.status.as_ref()),
        number: text(&mut v, "sku", q.sku.as_ref()),
        ..ErpRecordFilter::default()
    };
    erp_filter(actor, v, system_id, filter)
}

pub(crate) fn erp_order_filter(
    actor: &Actor,
    q: &ErpOrderQuery,
) -> Result<ErpRecordFilter, AppError> {
    let mut v = Violations::new();
    let system_id = system(&mut v, q.system_id.as_ref());
    let order_type = given(q.order_type.as_ref())
        .filter(|t| validate::one_of(&mut v, "type", t, ERP_ORDER_TYPES))
        .map(str::to_owned);
    let filter = ErpRecordFilter {
        status: text(&mut v, "status", q.status.as_ref()),
        number: text(&mut v, "order_number", q.order_number.as_ref()),
        order_type,
        ..ErpRecordFilter::default()
    };
    erp_filter(actor, v, system_id, filter)
}

pub(crate) fn marketplace_order_filter(
    actor: &Actor,
    q: &MarketplaceOrderQuery,
) -> Result<ErpRecordFilter, AppError> {
    let mut v = Violations::new();
    let system_id = system(&mut v, q.system_id.as_ref());
    let filter = ErpRecordFilter {
        status: text(&mut v, "status", q.status.as_ref()),
        number: text(&mut v, "order_sn", q.order_sn.as_ref()),
        ..ErpRecordFilter::default()
    };
    erp_filter(actor, v, system_id, filter)
}

impl Services {
    /// Checks the role, then the filter, then reads one page and gives it its type.
    async fn erp_page<T: From<ListedRecord>>(
        &self,
        actor: &Actor,
        table: ErpTable,
        filter: impl FnOnce() -> Result<ErpRecordFilter, AppError>,
        page: PageRequest,
    ) -> Result<Page<T>, AppError> {
        self.authorize(actor, Operation::ErpRecordsView, table.stream(), None)
            .await?;
        let filter = filter()?;
        let mut conn = self.db.read().await?;
        let page = record_lists::list(&mut conn, table, &filter, &page).await?;
        Ok(Page {
            items: page.items.into_iter().map(T::from).collect(),
            next_cursor: page.next_cursor,
        })
    }

    pub async fn list_customers(
        &self,
        actor: &Actor,
        q: CustomerQuery,
    ) -> Result<Page<CustomerRecord>, AppError> {
        let page = PageRequest {
            cursor: q.cursor.clone(),
            limit: q.limit,
        };
        let filter = || customer_filter(actor, &q);
        self.erp_page(actor, ErpTable::Customers, filter, page)
            .await
    }

    pub async fn list_products(
        &self,
        actor: &Actor,
        q: ProductQuery,
    ) -> Result<Page<ProductRecord>, AppError> {
        let page = PageRequest {
            cursor: q.cursor.clone(),
            limit: q.limit,
        };
        let filter = || product_filter(actor, &q);
        self.erp_page(actor, ErpTable::Products, filter, page).await
    }

    pub async fn list_erp_orders(
        &self,
        actor: &Actor,
        q: ErpOrderQuery,
    ) -> Result<Page<ErpOrderRecord>, AppError> {
        let page = PageRequest {
            cursor: q.cursor.clone(),
            limit: q.limit,
        };
        let filter = || erp_order_filter(actor, &q);
        self.erp_page(actor, ErpTable::Orders, filter, page).await
    }

    pub async fn list_marketplace_orders(
        &self,
        actor: &Actor,
        q: MarketplaceOrderQuery,
    ) -> Result<Page<MarketplaceOrderRecord>, AppError> {
        let page = PageRequest {
            cursor: q.cursor.clone(),
            limit: q.limit,
        };
        let filter = || marketplace_order_filter(actor, &q);
        self.erp_page(actor, ErpTable::MarketplaceOrders, filter, page)
            .await
    }
}
