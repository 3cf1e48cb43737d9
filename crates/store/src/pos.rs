//! pos_transactions: stored once per (system, pos_transaction_id); listed with the seed 000
//! filters (store_id, sync_status, time range) and keyset paging.

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use storelink_core::pos::{PaymentMethod, PosTransaction, RecordSyncStatus, TransactionType};
use storelink_core::{AppError, Page, PageRequest};
use uuid::Uuid;

use std::collections::HashSet;

use storelink_core::sync::SyncLog;

use crate::error::db_error;
use crate::inbox::{self, NewInboxEvent};
use crate::row::{fetch_page, json_text, Reader};
use crate::sync_logs;
use crate::time::fmt_time;

const COLUMNS: &str = "id, system_id, store_id, pos_transaction_id, pos_order_number, \
    transaction_type, original_transaction_id, subtotal_fen, tax_fen, discount_fen, total_fen, \
    payment_method, items, customer_info, sync_status, transaction_time, created_at";

fn from_row(row: &SqliteRow) -> Result<PosTransaction, AppError> {
    let r = Reader::new(row, "pos_transactions");
    Ok(PosTransaction {
        id: r.uuid("id")?,
        system_id: r.uuid("system_id")?,
        store_id: r.opt("store_id")?,
        pos_transaction_id: r.text("pos_transaction_id")?,
        pos_order_number: r.opt("pos_order_number")?,
        transaction_type: r.parsed("transaction_type", TransactionType::parse)?,
        original_transaction_id: r.opt("original_transaction_id")?,
        subtotal: r.money("subtotal_fen")?,
        tax: r.money("tax_fen")?,
        discount: r.money("discount_fen")?,
        total: r.money("total_fen")?,
        payment_method: r.opt_parsed("payment_method", PaymentMethod::parse)?,
        items: r.json("items")?,
        customer_info: r.json("customer_info")?,
        sync_status: r.parsed("sync_status", RecordSyncStatus::parse)?,
        transaction_time: r.time("transaction_time")?,
        created_at: r.time("created_at")?,
    })
}

pub async fn insert(
    conn: &mut SqliteConnection,
    t: &PosTransaction,
    content_hash: &str,
) -> Result<(), AppError> {
    sqlx::query(&format!(
        "INSERT INTO pos_transactions ({COLUMNS}, content_hash) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(t.id.to_string())
    .bind(t.system_id.to_string())
    .bind(&t.store_id)
    .bind(&t.pos_transaction_id)
    .bind(&t.pos_order_number)
    .bind(t.transaction_type.as_str())
    .bind(&t.original_transaction_id)
    .bind(t.subtotal.fen())
    .bind(t.tax.fen())
    .bind(t.discount.fen())
    .bind(t.total.fen())
    .bind(t.payment_method.map(|p| p.as_str()))
    .bind(json_text(&t.items)?)
    .bind(json_text(&t.customer_info)?)
    .bind(t.sync_status.as_str())
    .bind(fmt_time(t.transaction_time))
    .bind(fmt_time(t.created_at))
    .bind(content_hash)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// A sale ready to store, with the raw push for the inbox and its sync log line.
#[derive(Debug, Clone)]
pub struct NewPosRow {
    pub transaction: PosTransaction,
    pub content_hash: String,
    pub inbox: NewInboxEvent,
    pub log: SyncLog,
}

/// What became of one row of `insert_many`.
#[derive(Debug, Clone, PartialEq)]
pub enum PosInsert {
    Inserted,
    /// A transaction with this id was already stored (or came earlier in the same batch);
    /// nothing was written for this row.
    Existing {
        id: Uuid,
        content_hash: String,
        sync_status: RecordSyncStatus,
    },
}

/// Stores many sales in a few statements: the rows (a row whose id is taken is skipped),
/// then the inbox entries and log lines of those that were new. Rows are taken in order,
/// so of two with one id in the same batch the first is stored.
pub async fn insert_many(
    conn: &mut SqliteConnection,
    rows: &[NewPosRow],
) -> Result<Vec<PosInsert>, AppError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut q: QueryBuilder<'_, Sqlite> = QueryBuilder::new(format!(
        "INSERT INTO pos_transactions ({COLUMNS}, content_hash) "
    ));
    let mut failed = None;
    q.push_values(rows.iter(), |mut b, row| {
        let t = &row.transaction;
        let (items, customer) = match (json_text(&t.items), json_text(&t.customer_info)) {
            (Ok(i), Ok(c)) => (i, c),
            (Err(e), _) | (_, Err(e)) => {
                failed = Some(e);
                (String::new(), String::new())
            }
        };
        b.push_bind(t.id.to_string())
            .push_bind(t.system_id.to_string())
            .push_bind(t.store_id.clone())
            .push_bind(t.pos_transaction_id.clone())
            .push_bind(t.pos_order_number.clone())
            .push_bind(t.transaction_type.as_str())
            .push_bind(t.original_transaction_id.clone())
            .push_bind(t.subtotal.fen())
            .push_bind(t.tax.fen())
            .push_bind(t.discount.fen())
            .push_bind(t.total.fen())
            .push_bind(t.payment_method.map(|p| p.as_str()))
            .push_bind(items)
            .push_bind(customer)
            .push_bind(t.sync_status.as_str())
            .push_bind(fmt_time(t.transaction_time))
            .push_bind(fmt_time(t.created_at))
            .push_bind(row.content_hash.clone());
    });
    if let Some(e) = failed {
        return Err(e);
    }
    q.push(" ON CONFLICT (system_id, pos_transaction_id) DO NOTHING RETURNING id");
    let inserted: HashSet<String> = q
        .build_query_scalar::<String>()
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?
        .into_iter()
        .collect();
    let mut outcomes = Vec::with_capacity(rows.len());
    let (mut inbox_rows, mut logs) = (Vec::new(), Vec::new());
    for row in rows {
        let t = &row.transaction;
        if inserted.contains(&t.id.to_string()) {
            inbox_rows.push(&row.inbox);
            logs.push(row.log.clone());
            outcomes.push(PosInsert::Inserted);
        } else {
            let (stored, hash) = find(conn, t.system_id, &t.pos_transaction_id)
                .await?
                .ok_or_else(|| AppError::internal("a skipped POS row has no stored twin"))?;
            outcomes.push(PosInsert::Existing {
                id: stored.id,
                content_hash: hash,
                sync_status: stored.sync_status,
            });
        }
    }
    inbox::insert_many(conn, &inbox_rows).await?;
    sync_logs::insert_many(conn, &logs).await?;
    Ok(outcomes)
}

/// The stored transaction with this POS id in this system, and its content hash.
pub async fn find(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    pos_transaction_id: &str,
) -> Result<Option<(PosTransaction, String)>, AppError> {
    let sql = format!(
        "SELECT {COLUMNS}, content_hash FROM pos_transactions \
         WHERE system_id = ? AND pos_transaction_id = ?"
    );
    let row = sqlx::query(&sql)
        .bind(system_id.to_string())
        .bind(pos_transaction_id)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    match row {
        Some(row) => {
            let hash = Reader::new(&row, "pos_transactions").text("content_hash")?;
            Ok(Some((from_row(&row)?, hash)))
        }
        None => Ok(None),
    }
}

/// What refunds and voids already took back from a sale, in fen.
pub async fn reversed_total(
    conn: &mut SqliteConnection,
    system_id: Uuid,
    original_transaction_id: &str,
) -> Result<i64, AppError> {
    sqlx::query_scalar(
        "SELECT coalesce(sum(total_fen), 0) FROM pos_transactions \
         WHERE system_id = ? AND original_transaction_id = ?",
    )
    .bind(system_id.to_string())
    .bind(original_transaction_id)
    .fetch_one(conn)
    .await
    .map_err(db_error)
}

#[derive(Debug, Clone, Default)]
pub struct PosFilter {
    pub system_id: Option<Uuid>,
    pub store_id: Option<String>,
    pub sync_status: Option<RecordSyncStatus>,
    pub transaction_type: Option<TransactionType>,
    /// Transactions at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Transactions before this time.
    pub to: Option<DateTime<Utc>>,
}

pub async fn list(
    conn: &mut SqliteConnection,
    f: &PosFilter,
    page: &PageRequest,
) -> Result<Page<PosTransaction>, AppError> {
    // A time range is listed in time order through its index (see `time_page`).
    let by_time = f.from.is_some() || f.to.is_some();
    let index = if by_time {
        " INDEXED BY pos_transactions_time"
    } else {
        ""
    };
    let mut q: QueryBuilder<'_, Sqlite> = QueryBuilder::new(format!(
        "SELECT {COLUMNS} FROM pos_transactions{index} WHERE 1 = 1"
    ));
    push_conditions(&mut q, f, true);
    if by_time {
        return time_page(conn, q, f.to, page).await;
    }
    fetch_page(conn, q, page, from_row, |t| t.id).await
}

/// How many transactions [`list`] pages through for this filter.
pub async fn count(conn: &mut SqliteConnection, f: &PosFilter) -> Result<i64, AppError> {
    let mut q = QueryBuilder::new("SELECT count(*) FROM pos_transactions WHERE 1 = 1");
    push_conditions(&mut q, f, false);
    if let Some(to) = f.to {
        q.push(" AND transaction_time < ").push_bind(fmt_time(to));
    }
    q.build_query_scalar()
        .fetch_one(conn)
        .await
        .map_err(db_error)
}

/// The filter's conditions but the range's end (a page bounds that itself, see
/// `time_page`), shared by [`list`] and [`count`].
fn push_conditions(q: &mut QueryBuilder<'_, Sqlite>, f: &PosFilter, paging: bool) {
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
    if let Some(s) = f.sync_status {
        q.push(" AND sync_status = ").push_bind(s.as_str());
    }
    if let Some(t) = f.transaction_type {
        q.push(" AND transaction_type = ").push_bind(t.as_str());
    }
    if let Some(from) = f.from {
        q.push(" AND transaction_time >= ")
            .push_bind(fmt_time(from));
    }
}

/// A page of a time-filtered list: newest transaction time first (ties newest id first),
/// walking `pos_transactions_time` backwards from the range's end and stopping after the
/// page. In id order SQLite has to read and sort the whole range (seconds for a range of a
/// million rows) or walk every newer row when the range lies in the past. The cursor is
/// still the last row's id; the next page continues below that row's (time, id).
async fn time_page(
    conn: &mut SqliteConnection,
    mut q: QueryBuilder<'_, Sqlite>,
    to: Option<DateTime<Utc>>,
    page: &PageRequest,
) -> Result<Page<PosTransaction>, AppError> {
    let limit = page.effective_limit();
    let to = to.map(fmt_time);
    let mut bounded = false;
    if let Some(cursor) = page.cursor.as_deref().filter(|c| !c.is_empty()) {
        let bad = || {
            AppError::field(
                "cursor",
                storelink_core::Rule::Format {
                    expected: "a cursor returned by the previous page".into(),
                },
                "cursor is not one this list returned",
            )
        };
        let after = Uuid::parse_str(cursor).map_err(|_| bad())?;
        let time: String =
            sqlx::query_scalar("SELECT transaction_time FROM pos_transactions WHERE id = ?")
                .bind(after.to_string())
                .fetch_optional(&mut *conn)
                .await
                .map_err(db_error)?
                .ok_or_else(bad)?;
        // Below the cursor's row is also below the range's end when that row was in the
        // range: then only this bound is given, so SQLite seeks the index to it.
        bounded = to.as_ref().is_none_or(|to| time < *to);
        q.push(" AND (transaction_time, id) < (")
            .push_bind(time)
            .push(", ")
            .push_bind(after.to_string())
            .push(")");
    }
    if let (Some(to), false) = (to, bounded) {
        q.push(" AND transaction_time < ").push_bind(to);
    }
    q.push(" ORDER BY transaction_time DESC, id DESC LIMIT ")
        .push_bind(i64::from(limit) + 1);
    let rows = q.build().fetch_all(&mut *conn).await.map_err(db_error)?;
    let mut items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|t| t.id.to_string())
    } else {
        None
    };
    Ok(Page { items, next_cursor })
}
