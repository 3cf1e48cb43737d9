//! customers, products, erp_orders (and, kept the same way, marketplace_orders and
//! logistics): pulled records in Storelink's model, upserted a page at a time. A record
//! whose content hash is unchanged is not written again.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use storelink_core::digest::sha256_hex;
use storelink_core::ids::{new_id, now};
use storelink_core::sync::SyncAction;
use storelink_core::{AppError, Money};
use uuid::Uuid;

use crate::error::db_error;
use crate::time::fmt_time;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErpTable {
    Customers,
    Products,
    Orders,
    /// Marketplace (Temu) orders.
    MarketplaceOrders,
    /// Shipments of orders placed with a supplier (Haier, 易理货).
    Logistics,
}

impl ErpTable {
    pub const ALL: [ErpTable; 5] = [
        ErpTable::Customers,
        ErpTable::Products,
        ErpTable::Orders,
        ErpTable::MarketplaceOrders,
        ErpTable::Logistics,
    ];

    fn name(self) -> &'static str {
        match self {
            ErpTable::Customers => "customers",
            ErpTable::Products => "products",
            ErpTable::Orders => "erp_orders",
            ErpTable::MarketplaceOrders => "marketplace_orders",
            ErpTable::Logistics => "logistics",
        }
    }

    /// The stream a table is filled from, and the first part of its records' outbox keys.
    pub fn stream(self) -> &'static str {
        match self {
            ErpTable::Customers => "customers",
            ErpTable::Products => "products",
            ErpTable::Orders => "orders",
            ErpTable::MarketplaceOrders => "marketplace_orders",
            ErpTable::Logistics => "logistics",
        }
    }

    pub fn from_stream(stream: &str) -> Option<ErpTable> {
        ErpTable::ALL.into_iter().find(|t| t.stream() == stream)
    }

    /// How the outbox names a record of this table (`customers:C0001`).
    pub fn record_key(self, external_id: &str) -> String {
        format!("{}:{external_id}", self.stream())
    }

    /// The searchable columns each table keeps beside the JSON.
    fn columns(self) -> &'static [&'static str] {
        match self {
            ErpTable::Customers => &["code", "name", "status"],
            ErpTable::Products => &[
                "sku",
                "name",
                "status",
                "standard_price_fen",
                "inventory_quantity",
            ],
            ErpTable::Orders => &["order_number", "order_type", "status_code", "total_fen"],
            ErpTable::MarketplaceOrders => &["order_sn", "status", "total_fen", "currency"],
            ErpTable::Logistics => &["order_code", "tracking_number", "status"],
        }
    }

    /// The fields a record of this table must have (checked before a page is stored).
    pub fn required(self) -> &'static [&'static str] {
        match self {
            ErpTable::Customers => &["name"],
            ErpTable::Products => &["sku", "name"],
            ErpTable::Orders => &["orderNumber", "amounts.totalAmount"],
            ErpTable::MarketplaceOrders => &["orderSn", "status"],
            ErpTable::Logistics => &["orderCode"],
        }
    }
}

fn at<'v>(data: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.')
        .try_fold(data, |v, k| v.get(k))
        .filter(|v| !v.is_null())
}

fn text(data: &Value, path: &str) -> Option<String> {
    at(data, path).map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

fn fen(data: &Value, path: &str) -> Option<i64> {
    text(data, path)
        .and_then(|t| Money::parse_yuan(&t).ok())
        .map(Money::fen)
}

/// Why a record cannot be stored: the first required field it lacks or that is malformed.
pub fn missing_field(table: ErpTable, data: &Value) -> Option<String> {
    if let Some(f) = table.required().iter().find(|f| text(data, f).is_none()) {
        return Some(format!("the record has no `{f}`"));
    }
    match table {
        ErpTable::Orders if fen(data, "amounts.totalAmount").is_none() => {
            Some("`amounts.totalAmount` is not an amount of money".into())
        }
        ErpTable::Orders
            if !matches!(
                text(data, "type").as_deref(),
                None | Some("sales" | "purchase")
            ) =>
        {
            Some("`type` is neither sales nor purchase".into())
        }
        ErpTable::MarketplaceOrders
            if text(data, "totalAmount").is_some() && fen(data, "totalAmount").is_none() =>
        {
            Some("`totalAmount` is not an amount of money".into())
        }
        _ => None,
    }
}

/// A searchable column's value, taken from the record's JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Text(Option<String>),
    Int(Option<i64>),
}

/// The searchable columns of a record, in [`ErpTable::columns`] order.
fn columns_of(table: ErpTable, d: &Value) -> Vec<Column> {
    use Column::{Int, Text};
    match table {
        ErpTable::Customers => vec![
            Text(text(d, "code")),
            Text(Some(text(d, "name").unwrap_or_default())),
            Text(text(d, "metadata.status")),
        ],
        ErpTable::Products => vec![
            Text(Some(text(d, "sku").unwrap_or_default())),
            Text(Some(text(d, "name").unwrap_or_default())),
            Text(text(d, "status")),
            Int(fen(d, "pricing.standardPrice")),
            Text(text(d, "inventory.quantity")),
        ],
        ErpTable::Orders => vec![
            Text(Some(text(d, "orderNumber").unwrap_or_default())),
            Text(Some(text(d, "type").unwrap_or_else(|| "sales".into()))),
            Text(text(d, "status.code")),
            Int(Some(fen(d, "amounts.totalAmount").unwrap_or_default())),
        ],
        ErpTable::MarketplaceOrders => vec![
            Text(Some(text(d, "orderSn").unwrap_or_default())),
            Text(text(d, "status")),
            Int(fen(d, "totalAmount")),
            Text(text(d, "currency")),
        ],
        ErpTable::Logistics => vec![
            Text(Some(text(d, "orderCode").unwrap_or_default())),
            Text(text(d, "trackingNumber")),
            Text(text(d, "status")),
        ],
    }
}

/// One record of a page, mapped, serialized and hashed, with its searchable columns taken
/// out: all the work that needs the JSON tree is done where the row is made (the sync's
/// fetching stage), so the single writer only binds values.
#[derive(Debug, Clone)]
pub struct RecordRow {
    pub external_id: String,
    /// The record as stored; what the content hash is taken of.
    pub data_text: String,
    pub content_hash: String,
    pub remote_updated_at: Option<DateTime<Utc>>,
    pub columns: Vec<Column>,
}

impl RecordRow {
    pub fn new(
        table: ErpTable,
        external_id: String,
        data: &Value,
        remote_updated_at: Option<DateTime<Utc>>,
    ) -> Self {
        let data_text = data.to_string();
        RecordRow {
            external_id,
            content_hash: sha256_hex(data_text.as_bytes()),
            data_text,
            remote_updated_at,
            columns: columns_of(table, data),
        }
    }

    /// The record's JSON (read back for the rare paths that need the tree, e.g. conflicts).
    pub fn data(&self) -> Result<Value, AppError> {
        serde_json::from_str(&self.data_text).map_err(AppError::internal)
    }
}

/// Rows per statement: SQLite takes at most 32,766 bound values in one.
const CHUNK: usize = 1000;

/// Stores a page: new records are created, changed ones updated, unchanged ones left as
/// they are. Returns the action per record, in order (the last of two with one id wins).
pub async fn upsert_page(
    conn: &mut SqliteConnection,
    table: ErpTable,
    system_id: Uuid,
    rows: &[RecordRow],
) -> Result<Vec<SyncAction>, AppError> {
    let mut actions = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(CHUNK) {
        actions.extend(upsert_chunk(&mut *conn, table, system_id, chunk).await?);
    }
    Ok(actions)
}

async fn upsert_chunk(
    conn: &mut SqliteConnection,
    table: ErpTable,
    system_id: Uuid,
    rows: &[RecordRow],
) -> Result<Vec<SyncAction>, AppError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    // SQLite compares each record's fingerprint with the stored one and answers with one
    // letter per record, in page order (n: new, u: unchanged, c: changed): one row back
    // instead of one per record, which at a million records was most of a re-sync's time.
    let mut q: QueryBuilder<'_, Sqlite> = QueryBuilder::new("WITH page (pos, eid, hash) AS (");
    q.push_values(rows.iter().enumerate(), |mut b, (pos, r)| {
        b.push_bind(i64::try_from(pos).unwrap_or(i64::MAX))
            .push_bind(r.external_id.as_str())
            .push_bind(r.content_hash.as_str());
    });
    q.push(format!(
        ") SELECT group_concat(CASE WHEN t.content_hash IS NULL THEN 'n' \
         WHEN t.content_hash = page.hash THEN 'u' ELSE 'c' END, '' ORDER BY page.pos) \
         FROM page LEFT JOIN {} t ON t.system_id = ",
        table.name()
    ));
    q.push_bind(system_id.to_string())
        .push(" AND t.external_id = page.eid");
    let verdicts: Option<String> = q
        .build_query_scalar()
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)?;
    let verdicts = verdicts.unwrap_or_default();
    if verdicts.len() != rows.len() {
        return Err(AppError::internal(format!(
            "comparing {} records with {} gave {} answers",
            rows.len(),
            table.name(),
            verdicts.len()
        )));
    }
    let mut seen: HashMap<&str, &str> = HashMap::new();
    let mut actions = Vec::with_capacity(rows.len());
    let mut changed = Vec::new();
    for (r, verdict) in rows.iter().zip(verdicts.bytes()) {
        // A record twice in one page is compared with its first copy.
        let action = match (seen.get(r.external_id.as_str()), verdict) {
            (Some(h), _) if *h == r.content_hash => SyncAction::Unchanged,
            (Some(_), _) | (None, b'c') => SyncAction::Update,
            (None, b'u') => SyncAction::Unchanged,
            (None, _) => SyncAction::Create,
        };
        if action != SyncAction::Unchanged {
            changed.push(r);
        }
        seen.insert(&r.external_id, &r.content_hash);
        actions.push(action);
    }
    write_rows(conn, table, system_id, &changed).await?;
    Ok(actions)
}

/// Writes rows as given (created or replaced), whatever is stored.
pub async fn write_rows(
    conn: &mut SqliteConnection,
    table: ErpTable,
    system_id: Uuid,
    changed: &[&RecordRow],
) -> Result<(), AppError> {
    if changed.is_empty() {
        return Ok(());
    }
    let extra = table.columns();
    let mut q: QueryBuilder<'_, Sqlite> = QueryBuilder::new(format!(
        "INSERT INTO {} (id, system_id, external_id, {}, data, content_hash, remote_updated_at, updated_at) ",
        table.name(),
        extra.join(", ")
    ));
    let stamp = fmt_time(now());
    q.push_values(changed.iter(), |mut b, r| {
        b.push_bind(new_id().to_string())
            .push_bind(system_id.to_string())
            .push_bind(r.external_id.as_str());
        for c in &r.columns {
            match c {
                Column::Text(t) => b.push_bind(t.as_deref()),
                Column::Int(i) => b.push_bind(*i),
            };
        }
        b.push_bind(r.data_text.as_str())
            .push_bind(r.content_hash.as_str())
            .push_bind(r.remote_updated_at.map(fmt_time))
            .push_bind(stamp.clone());
    });
    let updates = extra
        .iter()
        .chain(["data", "content_hash", "remote_updated_at", "updated_at"].iter())
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    q.push(format!(
        " ON CONFLICT (system_id, external_id) DO UPDATE SET {updates}"
    ));
    q.build().execute(&mut *conn).await.map_err(db_error)?;
    Ok(())
}

/// A stored record: its data (with any local change) and the fingerprint and change time
/// of the vendor's version it was last synced from.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    pub data: Value,
    pub content_hash: String,
    pub remote_updated_at: Option<DateTime<Utc>>,
}

pub async fn stored(
    conn: &mut SqliteConnection,
    table: ErpTable,
    system_id: Uuid,
    external_id: &str,
) -> Result<Option<StoredRecord>, AppError> {
    let row: Option<(String, String, Option<String>)> = sqlx::query_as(&format!(
        "SELECT data, content_hash, remote_updated_at FROM {} \
         WHERE system_id = ? AND external_id = ?",
        table.name()
    ))
    .bind(system_id.to_string())
    .bind(external_id)
    .fetch_optional(conn)
    .await
    .map_err(db_error)?;
    row.map(|(data, content_hash, at)| {
        Ok(StoredRecord {
            data: serde_json::from_str(&data).map_err(AppError::internal)?,
            content_hash,
            remote_updated_at: crate::time::parse_opt_time(at)?,
        })
    })
    .transpose()
}

/// Records that the vendor's version with this fingerprint has been seen, leaving the
/// stored data (a local change that wins) as it is.
pub async fn rebase(
    conn: &mut SqliteConnection,
    table: ErpTable,
    system_id: Uuid,
    external_id: &str,
    content_hash: &str,
    remote_updated_at: Option<DateTime<Utc>>,
) -> Result<(), AppError> {
    sqlx::query(&format!(
        "UPDATE {} SET content_hash = ?, remote_updated_at = ? \
         WHERE system_id = ? AND external_id = ?",
        table.name()
    ))
    .bind(content_hash)
    .bind(remote_updated_at.map(fmt_time))
    .bind(system_id.to_string())
    .bind(external_id)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// How many records of a system a table holds.
pub async fn count(
    conn: &mut SqliteConnection,
    table: ErpTable,
    system_id: Uuid,
) -> Result<i64, AppError> {
    sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {} WHERE system_id = ?",
        table.name()
    ))
    .bind(system_id.to_string())
    .fetch_one(conn)
    .await
    .map_err(db_error)
}

/// One stored record's data, by vendor id.
pub async fn get(
    conn: &mut SqliteConnection,
    table: ErpTable,
    system_id: Uuid,
    external_id: &str,
) -> Result<Option<Value>, AppError> {
    Ok(stored(conn, table, system_id, external_id)
        .await?
        .map(|s| s.data))
}
