//! Reads of the records pages that the per-table modules do not have: keyset pages of the
//! ERP-style tables (customers, products, erp_orders, marketplace_orders, logistics) with
//! their searchable columns, and how many rows a list's filter matches (the total an
//! export's progress is measured against).
//!
//! Lists are always in primary-key order, newest first, so a page walks one index range;
//! the filters use the columns kept beside each record's JSON, and the indexed ones
//! (`erp_orders (status_code, id)`, `erp_orders (order_number)`, `products (sku)`,
//! `marketplace_orders (status, id)`) are answered from their index.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};
use storelink_core::{AppError, Money, Page, PageRequest};
use uuid::Uuid;

use crate::erp_records::ErpTable;
use crate::error::db_error;
use crate::row::{fetch_page, Reader};

/// Where a table keeps what a list shows: its record's own number (customer code, SKU,
/// order number), name, status, amount in fen, and the one column that differs per table
/// (stock, order type, currency, tracking number). `NULL` where the table has none.
struct Shape {
    table: &'static str,
    number: &'static str,
    name: &'static str,
    status: &'static str,
    amount_fen: &'static str,
    note: &'static str,
}

const fn shape_of(
    table: &'static str,
    number: &'static str,
    name: &'static str,
    status: &'static str,
    amount_fen: &'static str,
    note: &'static str,
) -> Shape {
    Shape {
        table,
        number,
        name,
        status,
        amount_fen,
        note,
    }
}

fn shape(table: ErpTable) -> Shape {
    match table {
        ErpTable::Customers => shape_of("customers", "code", "name", "status", "NULL", "NULL"),
        ErpTable::Products => shape_of(
            "products",
            "sku",
            "name",
            "status",
            "standard_price_fen",
            "inventory_quantity",
        ),
        ErpTable::Orders => shape_of(
            "erp_orders",
            "order_number",
            "NULL",
            "status_code",
            "total_fen",
            "order_type",
        ),
        ErpTable::MarketplaceOrders => shape_of(
            "marketplace_orders",
            "order_sn",
            "NULL",
            "status",
            "total_fen",
            "currency",
        ),
        ErpTable::Logistics => shape_of(
            "logistics",
            "order_code",
            "NULL",
            "status",
            "NULL",
            "tracking_number",
        ),
    }
}

/// Which records of an ERP-style table a list shows. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErpRecordFilter {
    pub system_id: Option<Uuid>,
    /// The status column (`status_code` for ERP orders), exactly.
    pub status: Option<String>,
    /// The record's number (customer code, SKU, order number, order sn), exactly.
    pub number: Option<String>,
    /// Part of the name (customers and products), any case for ASCII letters.
    pub name_contains: Option<String>,
    /// ERP orders only: `sales` or `purchase`.
    pub order_type: Option<String>,
}

/// A listed record's searchable columns; its JSON stays in the table until asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedRecord {
    pub id: Uuid,
    pub system_id: Uuid,
    pub external_id: String,
    pub number: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
    pub amount: Option<Money>,
    pub note: Option<String>,
    pub remote_updated_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// `LIKE` treats `%` and `_` as wildcards: a name containing them is searched as typed.
fn contains_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// `SELECT <what> FROM <table> WHERE <filter>`. For a page (`keyset`), the system is
/// compared as `+system_id`, which keeps SQLite from choosing the `(system_id,
/// external_id)` index and sorting every record of the system to find the newest: the
/// primary key is walked newest first instead and stops after one page.
fn filtered(
    table: ErpTable,
    what: &str,
    f: &ErpRecordFilter,
    keyset: bool,
) -> Result<QueryBuilder<'static, Sqlite>, AppError> {
    let s = shape(table);
    let mut q = QueryBuilder::new(format!("SELECT {what} FROM {} WHERE 1 = 1", s.table));
    if let Some(id) = f.system_id {
        let column = if keyset {
            " AND +system_id = "
        } else {
            " AND system_id = "
        };
        q.push(column).push_bind(id.to_string());
    }
    if let Some(status) = &f.status {
        q.push(format!(" AND {} = ", s.status))
            .push_bind(status.clone());
    }
    if let Some(number) = &f.number {
        q.push(format!(" AND {} = ", s.number))
            .push_bind(number.clone());
    }
    if let Some(name) = &f.name_contains {
        if s.name == "NULL" {
            return Err(AppError::internal(format!("{} have no name", s.table)));
        }
        // SQLite's LIKE reads its pattern only up to a NUL, so `\0` would match every row.
        if name.contains('\0') {
            return Err(AppError::field(
                "name",
                storelink_core::Rule::Format {
                    expected: "text without NUL characters".into(),
                },
                "the name to search for holds a NUL character",
            ));
        }
        q.push(format!(" AND {} LIKE ", s.name))
            .push_bind(contains_pattern(name))
            .push(" ESCAPE '\\'");
    }
    if let Some(order_type) = &f.order_type {
        if table != ErpTable::Orders {
            return Err(AppError::internal(format!(
                "{} have no order type",
                s.table
            )));
        }
        q.push(" AND order_type = ").push_bind(order_type.clone());
    }
    Ok(q)
}

fn read_listed(row: &SqliteRow) -> Result<ListedRecord, AppError> {
    let r = Reader::new(row, "erp records");
    let amount: Option<i64> = row.try_get("amount_fen").map_err(db_error)?;
    Ok(ListedRecord {
        id: r.uuid("id")?,
        system_id: r.uuid("system_id")?,
        external_id: r.text("external_id")?,
        number: r.opt("number")?,
        name: r.opt("name")?,
        status: r.opt("status")?,
        amount: amount.map(Money::from_fen),
        note: r.opt("note")?,
        remote_updated_at: r.opt_time("remote_updated_at")?,
        updated_at: r.time("updated_at")?,
    })
}

/// One page of a table's records, newest first.
pub async fn list(
    conn: &mut SqliteConnection,
    table: ErpTable,
    f: &ErpRecordFilter,
    page: &PageRequest,
) -> Result<Page<ListedRecord>, AppError> {
    let s = shape(table);
    let columns = format!(
        "id, system_id, external_id, {} AS number, {} AS name, {} AS status, \
         {} AS amount_fen, {} AS note, remote_updated_at, updated_at",
        s.number, s.name, s.status, s.amount_fen, s.note
    );
    let q = filtered(table, &columns, f, true)?;
    fetch_page(conn, q, page, read_listed, |r| r.id).await
}

/// How many records [`list`] pages through for this filter.
pub async fn count(
    conn: &mut SqliteConnection,
    table: ErpTable,
    f: &ErpRecordFilter,
) -> Result<i64, AppError> {
    let mut q = filtered(table, "count(*)", f, false)?;
    q.build_query_scalar()
        .fetch_one(conn)
        .await
        .map_err(db_error)
}

/// Every system's name by id, deleted ones included: their records are still listed.
pub async fn system_names(conn: &mut SqliteConnection) -> Result<HashMap<Uuid, String>, AppError> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT id, name FROM external_systems")
        .fetch_all(conn)
        .await
        .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, name)| Uuid::parse_str(&id).ok().map(|id| (id, name)))
        .collect())
}
