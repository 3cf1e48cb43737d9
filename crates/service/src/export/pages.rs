//! Reading an exported list page by page through the same list operations the pages use
//! (so the role, the filter checks and a token's system limit are exactly the list's),
//! and counting the rows the filter matches for the progress bar.

use std::collections::HashMap;

use storelink_core::member::MemberSync;
use storelink_core::pos::{RecordSyncStatus, TransactionType};
use storelink_core::supplier::SupplierOrderStatus;
use storelink_core::{vendor_time, Actor, AppError, Page, PageRequest};
use storelink_store::erp_records::ErpTable;
use storelink_store::members::MemberFilter;
use storelink_store::pos::PosFilter;
use storelink_store::record_lists;
use storelink_store::supplier_orders::SupplierOrderFilter;
use uuid::Uuid;

use super::sheet::{Row, Rows};
use super::RecordFilter;
use crate::erp_lists;
use crate::Services;

/// Rows read per page: the lists' largest page.
const PAGE_ROWS: u32 = PageRequest::MAX_LIMIT;

/// One page of an export, already turned into rows, and where the next one starts.
pub(crate) struct ExportPage {
    pub rows: Vec<Row>,
    pub next: Option<String>,
}

fn rows_of<T>(page: Page<T>, row: impl Fn(&T) -> Row) -> ExportPage {
    ExportPage {
        rows: page.items.iter().map(row).collect(),
        next: page.next_cursor,
    }
}

/// An empty text from a cleared filter means "any", as in the lists.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|s| !s.trim().is_empty())
}

fn system(value: &Option<String>) -> Option<Uuid> {
    given(value).and_then(|s| Uuid::parse_str(s.trim()).ok())
}

impl Services {
    pub(crate) async fn export_page(
        &self,
        actor: &Actor,
        filter: &RecordFilter,
        cursor: Option<String>,
        systems: &HashMap<Uuid, String>,
    ) -> Result<ExportPage, AppError> {
        let (cursor, limit) = (cursor, Some(PAGE_ROWS));
        let to = Rows { systems };
        Ok(match filter {
            RecordFilter::PosTransactions(q) => {
                let q = crate::records::PosQuery {
                    cursor,
                    limit,
                    ..q.clone()
                };
                rows_of(self.list_pos_transactions(actor, q).await?, |t| to.pos(t))
            }
            RecordFilter::SupplierOrders(q) => {
                let q = crate::records::SupplierOrderQuery {
                    cursor,
                    limit,
                    ..q.clone()
                };
                let page = self.list_supplier_orders(actor, q).await?;
                rows_of(page, |o| to.supplier_order(o))
            }
            RecordFilter::Members(q) => {
                let q = crate::records::MemberQuery {
                    cursor,
                    limit,
                    ..q.clone()
                };
                let page = self.list_members(actor, q).await?;
                rows_of(page, |m: &MemberSync| to.member(m))
            }
            RecordFilter::Customers(q) => {
                let q = erp_lists::CustomerQuery {
                    cursor,
                    limit,
                    ..q.clone()
                };
                rows_of(self.list_customers(actor, q).await?, |c| to.customer(c))
            }
            RecordFilter::Products(q) => {
                let q = erp_lists::ProductQuery {
                    cursor,
                    limit,
                    ..q.clone()
                };
                rows_of(self.list_products(actor, q).await?, |p| to.product(p))
            }
            RecordFilter::ErpOrders(q) => {
                let q = erp_lists::ErpOrderQuery {
                    cursor,
                    limit,
                    ..q.clone()
                };
                rows_of(self.list_erp_orders(actor, q).await?, |o| to.erp_order(o))
            }
            RecordFilter::MarketplaceOrders(q) => {
                let q = erp_lists::MarketplaceOrderQuery {
                    cursor,
                    limit,
                    ..q.clone()
                };
                let page = self.list_marketplace_orders(actor, q).await?;
                rows_of(page, |o| to.marketplace_order(o))
            }
        })
    }

    /// How many rows the export will have. Called after the first page was read, so the
    /// filter has passed the list's checks and reading it again here cannot fail on them.
    pub(crate) async fn export_total(
        &self,
        actor: &Actor,
        filter: &RecordFilter,
    ) -> Result<i64, AppError> {
        let mut conn = self.db.read().await?;
        let conn = &mut *conn;
        match filter {
            RecordFilter::PosTransactions(q) => {
                let time = |t: &Option<String>| {
                    given(t).and_then(|t| vendor_time::parse(t, vendor_time::china_offset()))
                };
                let f = PosFilter {
                    system_id: actor.scope(system(&q.system_id))?,
                    store_id: q.store_id.clone().filter(|s| !s.is_empty()),
                    sync_status: given(&q.sync_status).and_then(RecordSyncStatus::parse),
                    transaction_type: given(&q.transaction_type).and_then(TransactionType::parse),
                    from: time(&q.start_time),
                    to: time(&q.end_time),
                };
                storelink_store::pos::count(conn, &f).await
            }
            RecordFilter::SupplierOrders(q) => {
                let f = SupplierOrderFilter {
                    system_id: actor.scope(system(&q.system_id))?,
                    store_id: q.store_id.clone().filter(|s| !s.is_empty()),
                    status: given(&q.status).and_then(SupplierOrderStatus::parse),
                };
                storelink_store::supplier_orders::count(conn, &f).await
            }
            RecordFilter::Members(q) => {
                let f = MemberFilter {
                    system_id: actor.scope(system(&q.system_id))?,
                    phone: q.phone.clone().filter(|s| !s.is_empty()),
                };
                storelink_store::members::count(conn, &f).await
            }
            RecordFilter::Customers(q) => {
                let f = erp_lists::customer_filter(actor, q)?;
                record_lists::count(conn, ErpTable::Customers, &f).await
            }
            RecordFilter::Products(q) => {
                let f = erp_lists::product_filter(actor, q)?;
                record_lists::count(conn, ErpTable::Products, &f).await
            }
            RecordFilter::ErpOrders(q) => {
                let f = erp_lists::erp_order_filter(actor, q)?;
                record_lists::count(conn, ErpTable::Orders, &f).await
            }
            RecordFilter::MarketplaceOrders(q) => {
                let f = erp_lists::marketplace_order_filter(actor, q)?;
                record_lists::count(conn, ErpTable::MarketplaceOrders, &f).await
            }
        }
    }
}
