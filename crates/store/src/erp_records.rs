//! customers, products, erp_orders: the ERP's records in Storelink's model, upserted a page
//! at a time. A record whose content hash is unchanged is not written again.

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
}

impl ErpTable {
    fn name(self) -> &'static str {
        match self {
            ErpTable::Customers => "customers",
            ErpTable::Products => "products",
            ErpTable::Orders => "erp_orders",
        }
    }

    /// The stream a table is filled from, and the first part of its records' outbox keys.
    pub fn stream(self) -> &'static str {
        match self {
            ErpTable::Customers => "customers",
            ErpTable::Products => "products",
            ErpTable::Orders => "orders",
        }
    }

    pub fn from_stream(stream: &str) -> Option<ErpTable> {
        [ErpTable::Customers, ErpTable::Products, ErpTable::Orders]
            .into_iter()
            .find(|t| t.stream() == stream)
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
        }
    }

    /// The fields a record of this table must have (checked before a page is stored).
    pub fn required(self) -> &'static [&'static str] {
        match self {
            ErpTable::Customers => &["name"],
            ErpTable::Products => &["sku", "name"],
            ErpTable::Orders => &["orderNumber", "amounts.totalAmount"],
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
        _ => None,
    }
}

/// One record of a page, mapped and hashed.
#[derive(Debug, Clone)]
pub struct RecordRow {
    pub external_id: String,
    pub data: Value,
    /// `data` as stored; serialized once, and what the content hash is taken of.
    pub data_text: String,
    pub content_hash: String,
    pub remote_updated_at: Option<DateTime<Utc>>,
}

impl RecordRow {
    pub fn new(external_id: String, data: Value, remote_updated_at: Option<DateTime<Utc>>) -> Self {
        let data_text = data.to_string();
        RecordRow {
            external_id,
            content_hash: sha256_hex(data_text.as_bytes()),
            data,
            data_text,
            remote_updated_at,
        }
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
    let mut q: QueryBuilder<'_, Sqlite> = QueryBuilder::new(format!(
        "SELECT external_id, content_hash FROM {} WHERE system_id = ",
        table.name()
    ));
    q.push_bind(system_id.to_string())
        .push(" AND external_id IN (");
    let mut ids = q.separated(", ");
    for r in rows {
        ids.push_bind(r.external_id.clone());
    }
    q.push(")");
    let stored: HashMap<String, String> = q
        .build_query_as::<(String, String)>()
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?
        .into_iter()
        .collect();
    let mut seen: HashMap<&str, &str> = HashMap::new();
    let mut actions = Vec::with_capacity(rows.len());
    let mut changed = Vec::new();
    for r in rows {
        let before = seen
            .get(r.external_id.as_str())
            .copied()
            .or_else(|| stored.get(&r.external_id).map(String::as_str));
        let action = match before {
            None => SyncAction::Create,
            Some(h) if h == r.content_hash => SyncAction::Unchanged,
            Some(_) => SyncAction::Update,
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
            .push_bind(r.external_id.clone());
        let d = &r.data;
        match table {
            ErpTable::Customers => {
                b.push_bind(text(d, "code"))
                    .push_bind(text(d, "name").unwrap_or_default())
                    .push_bind(text(d, "metadata.status"));
            }
            ErpTable::Products => {
                b.push_bind(text(d, "sku").unwrap_or_default())
                    .push_bind(text(d, "name").unwrap_or_default())
                    .push_bind(text(d, "status"))
                    .push_bind(fen(d, "pricing.standardPrice"))
                    .push_bind(text(d, "inventory.quantity"));
            }
            ErpTable::Orders => {
                b.push_bind(text(d, "orderNumber").unwrap_or_default())
                    .push_bind(text(d, "type").unwrap_or_else(|| "sales".into()))
                    .push_bind(text(d, "status.code"))
                    .push_bind(fen(d, "amounts.totalAmount").unwrap_or_default());
            }
        }
        b.push_bind(r.data_text.clone())
            .push_bind(r.content_hash.clone())
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
