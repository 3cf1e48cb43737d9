//! supplier_orders: one per (system, order_number); status moves only forward.

use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use storelink_core::supplier::{SupplierOrder, SupplierOrderStatus, SupplierOrderType};
use storelink_core::{AppError, Page, PageRequest};
use uuid::Uuid;

use crate::error::db_error;
use crate::row::{fetch_page, json_text, Reader};
use crate::time::fmt_time;

const COLUMNS: &str = "id, system_id, store_id, order_number, supplier_id, supplier_name, \
    order_type, status, subtotal_fen, tax_fen, shipping_fen, total_fen, items, delivery_info, \
    order_date, expected_delivery, actual_delivery, created_at, updated_at";

fn from_row(row: &SqliteRow) -> Result<SupplierOrder, AppError> {
    let r = Reader::new(row, "supplier_orders");
    Ok(SupplierOrder {
        id: r.uuid("id")?,
        system_id: r.uuid("system_id")?,
        store_id: r.opt("store_id")?,
        order_number: r.text("order_number")?,
        supplier_id: r.text("supplier_id")?,
        supplier_name: r.opt("supplier_name")?,
        order_type: r.parsed("order_type", SupplierOrderType::parse)?,
        status: r.parsed("status", SupplierOrderStatus::parse)?,
        subtotal: r.money("subtotal_fen")?,
        tax: r.money("tax_fen")?,
        shipping: r.money("shipping_fen")?,
        total: r.money("total_fen")?,
        items: r.json("items")?,
        delivery_info: r.json("delivery_info")?,
        order_date: r.opt_time("order_date")?,
        expected_delivery: r.opt_time("expected_delivery")?,
        actual_delivery: r.opt_time("actual_delivery")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
    })
}

pub async fn insert(
    conn: &mut SqliteConnection,
    o: &SupplierOrder,
    content_hash: &str,
    source: &str,
) -> Result<(), AppError> {
    sqlx::query(&format!(
        "INSERT INTO supplier_orders ({COLUMNS}, content_hash, source) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(o.id.to_string())
    .bind(o.system_id.to_string())
    .bind(&o.store_id)
    .bind(&o.order_number)
    .bind(&o.supplier_id)
    .bind(&o.supplier_name)
    .bind(o.order_type.as_str())
    .bind(o.status.as_str())
    .bind(o.subtotal.fen())
    .bind(o.tax.fen())
    .bind(o.shipping.fen())
    .bind(o.total.fen())
    .bind(json_text(&o.items)?)
    .bind(json_text(&o.delivery_info)?)
    .bind(o.order_date.map(fmt_time))
    .bind(o.expected_delivery.map(fmt_time))
    .bind(o.actual_delivery.map(fmt_time))
    .bind(fmt_time(o.created_at))
    .bind(fmt_time(o.updated_at))
    .bind(content_hash)
    .bind(source)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub async fn find(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    order_number: &str,
) -> Result<Option<(SupplierOrder, String)>, AppError> {
    let sql = format!(
        "SELECT {COLUMNS}, content_hash FROM supplier_orders \
         WHERE system_id = ? AND order_number = ?"
    );
    let row = sqlx::query(&sql)
        .bind(system_id.to_string())
        .bind(order_number)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    match row {
        Some(row) => {
            let hash = Reader::new(&row, "supplier_orders").text("content_hash")?;
            Ok(Some((from_row(&row)?, hash)))
        }
        None => Ok(None),
    }
}

pub async fn set_status(conn: &mut SqliteConnection, o: &SupplierOrder) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE supplier_orders SET status = ?, actual_delivery = ?, updated_at = ? WHERE id = ?",
    )
    .bind(o.status.as_str())
    .bind(o.actual_delivery.map(fmt_time))
    .bind(fmt_time(o.updated_at))
    .bind(o.id.to_string())
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Replaces an order's delivery info (what a supplier reported about the delivery).
pub async fn set_delivery_info(
    conn: &mut SqliteConnection,
    o: &SupplierOrder,
) -> Result<(), AppError> {
    sqlx::query("UPDATE supplier_orders SET delivery_info = ?, updated_at = ? WHERE id = ?")
        .bind(json_text(&o.delivery_info)?)
        .bind(fmt_time(o.updated_at))
        .bind(o.id.to_string())
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct SupplierOrderFilter {
    pub system_id: Option<Uuid>,
    pub store_id: Option<String>,
    pub status: Option<SupplierOrderStatus>,
}

pub async fn list(
    conn: &mut SqliteConnection,
    f: &SupplierOrderFilter,
    page: &PageRequest,
) -> Result<Page<SupplierOrder>, AppError> {
    let mut q: QueryBuilder<'_, Sqlite> =
        QueryBuilder::new(format!("SELECT {COLUMNS} FROM supplier_orders WHERE 1 = 1"));
    push_conditions(&mut q, f, true);
    fetch_page(conn, q, page, from_row, |o| o.id).await
}

/// How many orders [`list`] pages through for this filter.
pub async fn count(conn: &mut SqliteConnection, f: &SupplierOrderFilter) -> Result<i64, AppError> {
    let mut q = QueryBuilder::new("SELECT count(*) FROM supplier_orders WHERE 1 = 1");
    push_conditions(&mut q, f, false);
    q.build_query_scalar()
        .fetch_one(conn)
        .await
        .map_err(db_error)
}

/// The filter's conditions, shared by [`list`] and [`count`].
fn push_conditions(q: &mut QueryBuilder<'_, Sqlite>, f: &SupplierOrderFilter, paging: bool) {
    if let Some(s) = f.system_id {
        // For a page, `+system_id`: walk the primary key newest first and stop after a
        // page, rather than let SQLite take the (system_id, …) unique index and sort all
        // the system's rows. A count wants that index.
        q.push(if paging {
            " AND +system_id = "
        } else {
            " AND system_id = "
        })
        .push_bind(s.to_string());
    }
    if let Some(s) = &f.store_id {
        q.push(" AND store_id = ").push_bind(s.clone());
    }
    if let Some(s) = f.status {
        q.push(" AND status = ").push_bind(s.as_str());
    }
}

/// Order numbers of a system's orders still on their way (pending, confirmed, shipped):
/// the codes whose logistics a supplier is asked for.
pub async fn open_order_numbers(
    conn: &mut SqliteConnection,
    system_id: Uuid,
) -> Result<Vec<String>, AppError> {
    sqlx::query_scalar(
        "SELECT order_number FROM supplier_orders WHERE system_id = ? \
         AND status IN ('pending', 'confirmed', 'shipped') ORDER BY order_number",
    )
    .bind(system_id.to_string())
    .fetch_all(conn)
    .await
    .map_err(db_error)
}
