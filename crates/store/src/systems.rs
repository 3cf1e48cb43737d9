//! external_systems: the seed 000 list filters (type, store_id, status) with keyset paging.

use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};
use storelink_core::error::ErrorClass;
use storelink_core::system::{
    ExternalSystem, LastSyncStatus, SystemStatus, SystemType, ValidSystemFilter,
};
use storelink_core::{AppError, Page, PageRequest};
use uuid::Uuid;

use crate::error::{db_error, is_unique_violation};
use crate::row::json_text;
use crate::time::{fmt_time, parse_opt_time, parse_time};

const COLUMNS: &str = "id, name, type, provider, version, status, store_id, api_endpoint, \
    webhook_url, config, sync_enabled, sync_interval, last_sync_at, last_sync_status, \
    secret_fields, last_test_at, last_test_latency_ms, last_test_error_class, \
    last_test_message, created_at, updated_at";

/// The conflict a person sees when the name is taken in the store.
pub fn duplicate_name(store_id: Option<&str>, name: &str) -> AppError {
    let store = store_id.unwrap_or("(no store)");
    AppError::Conflict {
        message: format!(
            "a system named `{name}` already exists in store {store}; choose another name"
        ),
        field: Some("name".into()),
    }
}

/// Maps a write failure: the unique name index becomes the name conflict.
fn write_error(system: &ExternalSystem) -> impl FnOnce(sqlx::Error) -> AppError + '_ {
    move |e| {
        if is_unique_violation(&e) {
            duplicate_name(system.store_id.as_deref(), &system.name)
        } else {
            db_error(e)
        }
    }
}

fn corrupt(column: &str, value: &str) -> AppError {
    AppError::internal(format!("unexpected {column} `{value}` in external_systems"))
}

fn from_row(row: &SqliteRow) -> Result<ExternalSystem, AppError> {
    let text = |c: &str| row.try_get::<String, _>(c).map_err(db_error);
    let opt = |c: &str| row.try_get::<Option<String>, _>(c).map_err(db_error);
    let id = text("id")?;
    let system_type = text("type")?;
    let status = text("status")?;
    let config = text("config")?;
    let secret_fields = text("secret_fields")?;
    let last_sync_status = opt("last_sync_status")?;
    let last_test_error_class = opt("last_test_error_class")?;
    Ok(ExternalSystem {
        id: Uuid::parse_str(&id).map_err(|_| corrupt("id", &id))?,
        name: text("name")?,
        system_type: SystemType::parse(&system_type)
            .ok_or_else(|| corrupt("type", &system_type))?,
        provider: text("provider")?,
        version: opt("version")?,
        status: SystemStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        store_id: opt("store_id")?,
        api_endpoint: opt("api_endpoint")?,
        webhook_url: opt("webhook_url")?,
        config: serde_json::from_str(&config).map_err(|_| corrupt("config", &config))?,
        sync_enabled: row.try_get::<bool, _>("sync_enabled").map_err(db_error)?,
        sync_interval: row.try_get::<i64, _>("sync_interval").map_err(db_error)?,
        last_sync_at: parse_opt_time(opt("last_sync_at")?)?,
        last_sync_status: match last_sync_status {
            Some(s) => {
                Some(LastSyncStatus::parse(&s).ok_or_else(|| corrupt("last_sync_status", &s))?)
            }
            None => None,
        },
        secret_fields: serde_json::from_str(&secret_fields)
            .map_err(|_| corrupt("secret_fields", &secret_fields))?,
        last_test_at: parse_opt_time(opt("last_test_at")?)?,
        last_test_latency_ms: row
            .try_get::<Option<i64>, _>("last_test_latency_ms")
            .map_err(db_error)?,
        last_test_error_class: last_test_error_class.as_deref().and_then(ErrorClass::parse),
        last_test_message: opt("last_test_message")?,
        created_at: parse_time(&text("created_at")?)?,
        updated_at: parse_time(&text("updated_at")?)?,
    })
}

pub async fn insert(conn: &mut SqliteConnection, s: &ExternalSystem) -> Result<(), AppError> {
    let sql = format!(
        "INSERT INTO external_systems ({COLUMNS}) VALUES \
         (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    );
    bind_all(sqlx::query(&sql), s)?
        .execute(conn)
        .await
        .map_err(write_error(s))?;
    Ok(())
}

fn bind_all<'q>(
    q: sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    s: &'q ExternalSystem,
) -> Result<sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>, AppError> {
    Ok(q.bind(s.id.to_string())
        .bind(&s.name)
        .bind(s.system_type.as_str())
        .bind(&s.provider)
        .bind(&s.version)
        .bind(s.status.as_str())
        .bind(&s.store_id)
        .bind(&s.api_endpoint)
        .bind(&s.webhook_url)
        .bind(json_text(&s.config)?)
        .bind(s.sync_enabled)
        .bind(s.sync_interval)
        .bind(s.last_sync_at.map(fmt_time))
        .bind(s.last_sync_status.map(LastSyncStatus::as_str))
        .bind(json_text(&s.secret_fields)?)
        .bind(s.last_test_at.map(fmt_time))
        .bind(s.last_test_latency_ms)
        .bind(s.last_test_error_class.map(ErrorClass::as_str))
        .bind(&s.last_test_message)
        .bind(fmt_time(s.created_at))
        .bind(fmt_time(s.updated_at)))
}

/// Writes every field of a live system back (the caller applied its change to a copy).
pub async fn update(conn: &mut SqliteConnection, s: &ExternalSystem) -> Result<(), AppError> {
    let sql = "UPDATE external_systems SET id = ?1, name = ?2, type = ?3, provider = ?4, \
        version = ?5, status = ?6, store_id = ?7, api_endpoint = ?8, webhook_url = ?9, \
        config = ?10, sync_enabled = ?11, sync_interval = ?12, last_sync_at = ?13, \
        last_sync_status = ?14, secret_fields = ?15, last_test_at = ?16, \
        last_test_latency_ms = ?17, last_test_error_class = ?18, last_test_message = ?19, \
        created_at = ?20, updated_at = ?21 WHERE id = ?1 AND deleted_at IS NULL";
    let done = bind_all(sqlx::query(sql), s)?
        .execute(conn)
        .await
        .map_err(write_error(s))?;
    one_row(done, s.id)
}

/// A write aimed at one live system: touching none means it is gone (or never was).
fn one_row(done: sqlx::sqlite::SqliteQueryResult, id: Uuid) -> Result<(), AppError> {
    if done.rows_affected() == 0 {
        Err(AppError::not_found("system", id))
    } else {
        Ok(())
    }
}

/// A live (not deleted) system.
pub async fn get(
    conn: &mut SqliteConnection,
    id: Uuid,
) -> Result<Option<ExternalSystem>, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM external_systems WHERE id = ? AND deleted_at IS NULL");
    sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db_error)?
        .map(|row| from_row(&row))
        .transpose()
}

pub async fn require(conn: &mut SqliteConnection, id: Uuid) -> Result<ExternalSystem, AppError> {
    get(conn, id)
        .await?
        .ok_or_else(|| AppError::not_found("system", id))
}

/// Newest first. The cursor is the id of the last item of the previous page.
pub async fn list(
    conn: &mut SqliteConnection,
    filter: &ValidSystemFilter,
    page: &PageRequest,
) -> Result<Page<ExternalSystem>, AppError> {
    let mut q: QueryBuilder<'_, Sqlite> = QueryBuilder::new(format!(
        "SELECT {COLUMNS} FROM external_systems WHERE deleted_at IS NULL"
    ));
    if let Some(t) = filter.system_type {
        q.push(" AND type = ").push_bind(t.as_str());
    }
    if let Some(store) = &filter.store_id {
        q.push(" AND store_id = ").push_bind(store.clone());
    }
    if let Some(status) = filter.status {
        q.push(" AND status = ").push_bind(status.as_str());
    }
    crate::row::fetch_page(conn, q, page, from_row, |s| s.id).await
}

/// Marks a system deleted: it leaves every list and stops syncing; its history stays.
pub async fn soft_delete(
    conn: &mut SqliteConnection,
    id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE external_systems SET deleted_at = ?2, updated_at = ?2, sync_enabled = 0, \
         status = 'inactive', secret_fields = '[]' WHERE id = ?1 AND deleted_at IS NULL",
    )
    .bind(id.to_string())
    .bind(fmt_time(now))
    .execute(conn)
    .await
    .map_err(db_error)?;
    one_row(done, id)
}

/// Count of live systems; also used by tests to prove nothing was half-saved.
pub async fn count(conn: &mut SqliteConnection) -> Result<i64, AppError> {
    sqlx::query_scalar("SELECT count(*) FROM external_systems WHERE deleted_at IS NULL")
        .fetch_one(conn)
        .await
        .map_err(db_error)
}

/// Sets the status alone (the connection test moves it through `testing`).
pub async fn set_status(
    conn: &mut SqliteConnection,
    id: Uuid,
    status: SystemStatus,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE external_systems SET status = ?2, updated_at = ?3 WHERE id = ?1 AND deleted_at IS NULL",
    )
    .bind(id.to_string())
    .bind(status.as_str())
    .bind(fmt_time(now))
    .execute(conn)
    .await
    .map_err(db_error)?;
    one_row(done, id)
}

/// The outcome of a connection test; touches only the status and the last_test_* fields so
/// an edit made while the test ran is kept.
pub struct TestRecord<'a> {
    pub status: SystemStatus,
    pub at: chrono::DateTime<chrono::Utc>,
    pub latency_ms: Option<i64>,
    pub error_class: Option<ErrorClass>,
    pub message: &'a str,
}

pub async fn record_test(
    conn: &mut SqliteConnection,
    id: Uuid,
    t: &TestRecord<'_>,
) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE external_systems SET status = ?2, last_test_at = ?3, last_test_latency_ms = ?4, \
         last_test_error_class = ?5, last_test_message = ?6, updated_at = ?3 \
         WHERE id = ?1 AND deleted_at IS NULL",
    )
    .bind(id.to_string())
    .bind(t.status.as_str())
    .bind(fmt_time(t.at))
    .bind(t.latency_ms)
    .bind(t.error_class.map(ErrorClass::as_str))
    .bind(t.message)
    .execute(conn)
    .await
    .map_err(db_error)?;
    one_row(done, id)
}

/// Whether a live system with this name exists in the store (checked before touching the
/// keychain, so a duplicate costs nothing to undo).
pub async fn name_taken(
    conn: &mut SqliteConnection,
    store_id: Option<&str>,
    name: &str,
    except: Option<Uuid>,
) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM external_systems WHERE deleted_at IS NULL \
         AND ifnull(store_id, '') = ifnull(?1, '') AND name = ?2 AND id != ifnull(?3, '')",
    )
    .bind(store_id)
    .bind(name)
    .bind(except.map(|u| u.to_string()))
    .fetch_one(conn)
    .await
    .map_err(db_error)?;
    Ok(n > 0)
}

/// Records how the last sync of a system ended (seed 000 `last_sync_at`/`last_sync_status`).
pub async fn record_sync(
    conn: &mut SqliteConnection,
    id: Uuid,
    at: chrono::DateTime<chrono::Utc>,
    status: LastSyncStatus,
) -> Result<(), AppError> {
    sqlx::query("UPDATE external_systems SET last_sync_at = ?, last_sync_status = ? WHERE id = ?")
        .bind(fmt_time(at))
        .bind(status.as_str())
        .bind(id.to_string())
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Live systems with sync switched on (the scheduler's list).
pub async fn sync_enabled(conn: &mut SqliteConnection) -> Result<Vec<ExternalSystem>, AppError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM external_systems WHERE deleted_at IS NULL AND sync_enabled = 1 \
         AND status <> 'inactive' ORDER BY id LIMIT 10000"
    );
    let rows = sqlx::query(&sql).fetch_all(conn).await.map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

/// Forgets when the system last synced, so the scheduler finds it due (tests, "sync now").
pub async fn clear_last_sync(conn: &mut SqliteConnection, id: Uuid) -> Result<(), AppError> {
    sqlx::query("UPDATE external_systems SET last_sync_at = NULL WHERE id = ?")
        .bind(id.to_string())
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}
