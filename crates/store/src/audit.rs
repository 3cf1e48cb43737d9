//! audit_log: who changed what, when, with before/after (secrets are never passed in).

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use storelink_core::audit::{AuditEntry, AuditOutcome};
use storelink_core::AppError;
use uuid::Uuid;

use crate::error::db_error;
use crate::time::{fmt_time, parse_time};

pub async fn insert(conn: &mut SqliteConnection, e: &AuditEntry) -> Result<(), AppError> {
    let json = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string());
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, actor_role, action, entity, entity_id, outcome, \
         before_json, after_json, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(e.id.to_string())
    .bind(fmt_time(e.at))
    .bind(&e.actor)
    .bind(&e.actor_role)
    .bind(&e.action)
    .bind(&e.entity)
    .bind(&e.entity_id)
    .bind(e.outcome.as_str())
    .bind(json(&e.before))
    .bind(json(&e.after))
    .bind(&e.detail)
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

fn from_row(row: &SqliteRow) -> Result<AuditEntry, AppError> {
    let text = |c: &str| row.try_get::<String, _>(c).map_err(db_error);
    let json = |c: &str| -> Result<Option<serde_json::Value>, AppError> {
        row.try_get::<Option<String>, _>(c)
            .map_err(db_error)?
            .map(|s| serde_json::from_str(&s).map_err(AppError::internal))
            .transpose()
    };
    let outcome = text("outcome")?;
    Ok(AuditEntry {
        id: Uuid::parse_str(&text("id")?).map_err(AppError::internal)?,
        at: parse_time(&text("at")?)?,
        actor: text("actor")?,
        actor_role: text("actor_role")?,
        action: text("action")?,
        entity: text("entity")?,
        entity_id: row.try_get("entity_id").map_err(db_error)?,
        outcome: AuditOutcome::parse(&outcome)
            .ok_or_else(|| AppError::internal(format!("unknown outcome {outcome}")))?,
        before: json("before_json")?,
        after: json("after_json")?,
        detail: row.try_get("detail").map_err(db_error)?,
    })
}

/// Newest first; `entity_id` narrows to one record's history.
pub async fn list(
    conn: &mut SqliteConnection,
    entity_id: Option<&str>,
    limit: u32,
) -> Result<Vec<AuditEntry>, AppError> {
    sqlx::query(
        "SELECT * FROM audit_log WHERE (?1 IS NULL OR entity_id = ?1) ORDER BY id DESC LIMIT ?2",
    )
    .bind(entity_id)
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await
    .map_err(db_error)?
    .iter()
    .map(from_row)
    .collect()
}

/// What the audit log viewer filters by; every part is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Exactly this actor (`admin`, `token:pos-1`, `cli`).
    pub actor: Option<String>,
    /// Exactly this action (an operation name or `sign_in`).
    pub action: Option<String>,
    pub entity: Option<String>,
    pub outcome: Option<AuditOutcome>,
    /// At or after.
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    /// Before.
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

/// Newest first, one keyset page.
pub async fn search(
    conn: &mut SqliteConnection,
    filter: &AuditFilter,
    page: &storelink_core::PageRequest,
) -> Result<storelink_core::Page<AuditEntry>, AppError> {
    let mut q: sqlx::QueryBuilder<'_, sqlx::Sqlite> =
        sqlx::QueryBuilder::new("SELECT * FROM audit_log WHERE 1 = 1");
    if let Some(actor) = &filter.actor {
        q.push(" AND actor = ").push_bind(actor.clone());
    }
    if let Some(action) = &filter.action {
        q.push(" AND action = ").push_bind(action.clone());
    }
    if let Some(entity) = &filter.entity {
        q.push(" AND entity = ").push_bind(entity.clone());
    }
    if let Some(outcome) = filter.outcome {
        q.push(" AND outcome = ").push_bind(outcome.as_str());
    }
    if let Some(from) = filter.from {
        q.push(" AND at >= ").push_bind(fmt_time(from));
    }
    if let Some(to) = filter.to {
        q.push(" AND at < ").push_bind(fmt_time(to));
    }
    crate::row::fetch_page(conn, q, page, from_row, |e| e.id).await
}
