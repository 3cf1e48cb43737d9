//! users: local staff accounts. Only argon2 hashes are stored (hashing is the caller's).

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use storelink_core::user::UserView;
use storelink_core::{AppError, Role};
use uuid::Uuid;

use crate::error::{db_error, is_unique_violation};
use crate::time::{fmt_time, parse_opt_time, parse_time};

/// A user with the password hash, for sign-in only; never leaves the service layer.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub view: UserView,
    pub password_hash: String,
    pub disabled: bool,
}

fn from_row(row: &SqliteRow) -> Result<UserRecord, AppError> {
    let id: String = row.try_get("id").map_err(db_error)?;
    let role: String = row.try_get("role").map_err(db_error)?;
    Ok(UserRecord {
        view: UserView {
            id: Uuid::parse_str(&id).map_err(AppError::internal)?,
            username: row.try_get("username").map_err(db_error)?,
            role: Role::parse(&role)
                .ok_or_else(|| AppError::internal(format!("unknown role {role}")))?,
            created_at: parse_time(&row.try_get::<String, _>("created_at").map_err(db_error)?)?,
            last_login_at: parse_opt_time(row.try_get("last_login_at").map_err(db_error)?)?,
        },
        password_hash: row.try_get("password_hash").map_err(db_error)?,
        disabled: row.try_get("disabled").map_err(db_error)?,
    })
}

/// Enabled administrators: while there are none, the first start asks for one.
pub async fn count_admins(conn: &mut SqliteConnection) -> Result<i64, AppError> {
    sqlx::query_scalar("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0")
        .fetch_one(conn)
        .await
        .map_err(db_error)
}

pub async fn insert(
    conn: &mut SqliteConnection,
    user: &UserView,
    password_hash: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO users (id, username, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(user.id.to_string())
    .bind(&user.username)
    .bind(password_hash)
    .bind(user.role.as_str())
    .bind(fmt_time(user.created_at))
    .execute(conn)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::Conflict {
                message: format!("the username `{}` is taken", user.username),
                field: Some("username".into()),
            }
        } else {
            db_error(e)
        }
    })?;
    Ok(())
}

pub async fn by_username(
    conn: &mut SqliteConnection,
    username: &str,
) -> Result<Option<UserRecord>, AppError> {
    sqlx::query("SELECT * FROM users WHERE username = ?")
        .bind(username)
        .fetch_optional(conn)
        .await
        .map_err(db_error)?
        .map(|r| from_row(&r))
        .transpose()
}

pub async fn by_id(conn: &mut SqliteConnection, id: Uuid) -> Result<Option<UserRecord>, AppError> {
    sqlx::query("SELECT * FROM users WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await
        .map_err(db_error)?
        .map(|r| from_row(&r))
        .transpose()
}

pub async fn list(conn: &mut SqliteConnection) -> Result<Vec<UserView>, AppError> {
    sqlx::query("SELECT * FROM users ORDER BY username")
        .fetch_all(conn)
        .await
        .map_err(db_error)?
        .iter()
        .map(|r| from_row(r).map(|u| u.view))
        .collect()
}

pub async fn touch_login(
    conn: &mut SqliteConnection,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET last_login_at = ? WHERE id = ?")
        .bind(fmt_time(at))
        .bind(id.to_string())
        .execute(conn)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Every account with its hash and state, by username (for the administration list; the
/// service hands out no hash).
pub async fn list_records(conn: &mut SqliteConnection) -> Result<Vec<UserRecord>, AppError> {
    sqlx::query("SELECT * FROM users ORDER BY username")
        .fetch_all(conn)
        .await
        .map_err(db_error)?
        .iter()
        .map(from_row)
        .collect()
}

async fn update_one<'q>(
    conn: &mut SqliteConnection,
    id: Uuid,
    query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
) -> Result<(), AppError> {
    let done = query.execute(conn).await.map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(AppError::not_found("user", id));
    }
    Ok(())
}

pub async fn set_role(conn: &mut SqliteConnection, id: Uuid, role: Role) -> Result<(), AppError> {
    let q = sqlx::query("UPDATE users SET role = ? WHERE id = ?")
        .bind(role.as_str())
        .bind(id.to_string());
    update_one(conn, id, q).await
}

pub async fn set_disabled(
    conn: &mut SqliteConnection,
    id: Uuid,
    disabled: bool,
) -> Result<(), AppError> {
    let q = sqlx::query("UPDATE users SET disabled = ? WHERE id = ?")
        .bind(disabled)
        .bind(id.to_string());
    update_one(conn, id, q).await
}

pub async fn set_password_hash(
    conn: &mut SqliteConnection,
    id: Uuid,
    password_hash: &str,
) -> Result<(), AppError> {
    let q = sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
        .bind(password_hash)
        .bind(id.to_string());
    update_one(conn, id, q).await
}
