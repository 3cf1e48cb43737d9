//! Reading typed values out of rows; a value the schema should have prevented is reported
//! as an internal error naming the table and column, never a panic.

use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use storelink_core::{AppError, Money, Page, PageRequest};
use uuid::Uuid;

use crate::error::db_error;
use crate::time::{parse_opt_time, parse_time};

pub(crate) struct Reader<'r> {
    pub row: &'r SqliteRow,
    pub table: &'static str,
}

impl<'r> Reader<'r> {
    pub fn new(row: &'r SqliteRow, table: &'static str) -> Self {
        Self { row, table }
    }

    pub fn corrupt(&self, column: &str, value: &str) -> AppError {
        AppError::internal(format!("unexpected {column} `{value}` in {}", self.table))
    }

    pub fn text(&self, c: &str) -> Result<String, AppError> {
        self.row.try_get::<String, _>(c).map_err(db_error)
    }

    pub fn opt(&self, c: &str) -> Result<Option<String>, AppError> {
        self.row.try_get::<Option<String>, _>(c).map_err(db_error)
    }

    pub fn int(&self, c: &str) -> Result<i64, AppError> {
        self.row.try_get::<i64, _>(c).map_err(db_error)
    }

    pub fn flag(&self, c: &str) -> Result<bool, AppError> {
        self.row.try_get::<bool, _>(c).map_err(db_error)
    }

    pub fn money(&self, c: &str) -> Result<Money, AppError> {
        self.int(c).map(Money::from_fen)
    }

    pub fn uuid(&self, c: &str) -> Result<Uuid, AppError> {
        let v = self.text(c)?;
        Uuid::parse_str(&v).map_err(|_| self.corrupt(c, &v))
    }

    pub fn opt_uuid(&self, c: &str) -> Result<Option<Uuid>, AppError> {
        match self.opt(c)? {
            Some(v) => Uuid::parse_str(&v)
                .map(Some)
                .map_err(|_| self.corrupt(c, &v)),
            None => Ok(None),
        }
    }

    pub fn time(&self, c: &str) -> Result<chrono::DateTime<chrono::Utc>, AppError> {
        parse_time(&self.text(c)?)
    }

    pub fn opt_time(&self, c: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, AppError> {
        parse_opt_time(self.opt(c)?)
    }

    pub fn json<T: serde::de::DeserializeOwned>(&self, c: &str) -> Result<T, AppError> {
        let v = self.text(c)?;
        serde_json::from_str(&v).map_err(|_| self.corrupt(c, &v))
    }

    /// A column holding one of a string enum's names.
    pub fn parsed<T>(&self, c: &str, parse: fn(&str) -> Option<T>) -> Result<T, AppError> {
        let v = self.text(c)?;
        parse(&v).ok_or_else(|| self.corrupt(c, &v))
    }

    pub fn opt_parsed<T>(
        &self,
        c: &str,
        parse: fn(&str) -> Option<T>,
    ) -> Result<Option<T>, AppError> {
        match self.opt(c)? {
            Some(v) => parse(&v).map(Some).ok_or_else(|| self.corrupt(c, &v)),
            None => Ok(None),
        }
    }
}

pub(crate) fn json_text(value: &impl serde::Serialize) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(AppError::internal)
}

/// Finishes a list query (already filtered, with a WHERE clause) with the keyset cursor and
/// limit, newest first. The cursor is the last item's id (UUID v7, so id order is insertion
/// order); one extra row tells whether another page follows.
pub(crate) async fn fetch_page<T>(
    conn: &mut sqlx::SqliteConnection,
    mut q: sqlx::QueryBuilder<'_, sqlx::Sqlite>,
    page: &PageRequest,
    map: fn(&SqliteRow) -> Result<T, AppError>,
    id_of: fn(&T) -> Uuid,
) -> Result<Page<T>, AppError> {
    let limit = page.effective_limit();
    if let Some(cursor) = page.cursor.as_deref().filter(|c| !c.is_empty()) {
        let after = Uuid::parse_str(cursor).map_err(|_| {
            AppError::field(
                "cursor",
                storelink_core::Rule::Format {
                    expected: "a cursor returned by the previous page".into(),
                },
                "cursor is not one this list returned",
            )
        })?;
        q.push(" AND id < ").push_bind(after.to_string());
    }
    q.push(" ORDER BY id DESC LIMIT ")
        .push_bind(i64::from(limit) + 1);
    let rows = q.build().fetch_all(conn).await.map_err(db_error)?;
    let mut items = rows.iter().map(map).collect::<Result<Vec<_>, _>>()?;
    let next_cursor = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|item| id_of(item).to_string())
    } else {
        None
    };
    Ok(Page { items, next_cursor })
}
