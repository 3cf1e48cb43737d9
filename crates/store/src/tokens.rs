//! api_tokens: hashed bearer tokens with a role, an optional system, a rate limit.

use sqlx::sqlite::SqliteRow;
use sqlx::SqliteConnection;
use storelink_core::token::ApiToken;
use storelink_core::{AppError, Role};
use uuid::Uuid;

use crate::error::{db_error, is_unique_violation};
use crate::row::Reader;
use crate::time::fmt_time;

const COLUMNS: &str = "id, name, role, system_id, token_prefix, rate_limit, created_by, \
    created_at, last_used_at, revoked_at";

fn from_row(row: &SqliteRow) -> Result<ApiToken, AppError> {
    let r = Reader::new(row, "api_tokens");
    let rate = r.int("rate_limit")?;
    Ok(ApiToken {
        id: r.uuid("id")?,
        name: r.text("name")?,
        role: r.parsed("role", Role::parse)?,
        system_id: r.opt_uuid("system_id")?,
        token_prefix: r.text("token_prefix")?,
        rate_limit: u32::try_from(rate).map_err(|_| r.corrupt("rate_limit", &rate.to_string()))?,
        created_by: r.text("created_by")?,
        created_at: r.time("created_at")?,
        last_used_at: r.opt_time("last_used_at")?,
        revoked_at: r.opt_time("revoked_at")?,
    })
}

pub async fn insert(
    conn: &mut SqliteConnection,
    token: &ApiToken,
    token_hash: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO api_tokens (id, name, role, system_id, token_prefix, token_hash, \
         rate_limit, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(token.id.to_string())
    .bind(&token.name)
    .bind(token.role.as_str())
    .bind(token.system_id.map(|s| s.to_string()))
    .bind(&token.token_prefix)
    .bind(token_hash)
    .bind(i64::from(token.rate_limit))
    .bind(&token.created_by)
    .bind(fmt_time(token.created_at))
    .execute(conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::Conflict {
                message: format!(
                    "a live token named `{}` exists already; revoke it or choose another name",
                    token.name
                ),
                field: Some("name".into()),
            }
        } else {
            db_error(e)
        }
    })?;
    Ok(())
}

/// The live (not revoked) token with this hash.
pub async fn by_hash(
    conn: &mut SqliteConnection,
    token_hash: &str,
) -> Result<Option<ApiToken>, AppError> {
    let sql =
        format!("SELECT {COLUMNS} FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL");
    let row = sqlx::query(&sql)
        .bind(token_hash)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref().map(from_row).transpose()
}

pub async fn get(conn: &mut SqliteConnection, id: Uuid) -> Result<ApiToken, AppError> {
    let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE id = ?");
    let row = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db_error)?;
    row.as_ref()
        .map(from_row)
        .transpose()?
        .ok_or_else(|| AppError::not_found("token", id))
}

/// Every token, live ones first, newest first.
pub async fn list(conn: &mut SqliteConnection) -> Result<Vec<ApiToken>, AppError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM api_tokens ORDER BY revoked_at IS NOT NULL, id DESC LIMIT 1000"
    );
    let rows = sqlx::query(&sql).fetch_all(conn).await.map_err(db_error)?;
    rows.iter().map(from_row).collect()
}

pub async fn revoke(
    conn: &mut SqliteConnection,
    id: Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    sqlx::query("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
        .bind(fmt_time(at))
        .bind(id.to_string())
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

pub async fn touch(
    conn: &mut SqliteConnection,
    id: Uuid,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    sqlx::query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")
        .bind(fmt_time(at))
        .bind(id.to_string())
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}
