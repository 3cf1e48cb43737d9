use storelink_core::AppError;

/// Maps a database failure to the error a person sees. The SQL text is logged, not shown.
pub fn db_error(err: sqlx::Error) -> AppError {
    tracing::error!(error = %err, "database error");
    if let sqlx::Error::Database(db) = &err {
        // SQLITE_CORRUPT (11) and SQLITE_NOTADB (26), with their extended codes.
        let code = db.code().and_then(|c| c.parse::<i64>().ok()).unwrap_or(0);
        if matches!(code & 0xff, 11 | 26) || db.message().contains("malformed") {
            return AppError::DatabaseRefused {
                message: format!("the database file is damaged ({})", db.message()),
                remedy: "restore the latest backup (Settings, Backups; the files are in the \
                         data folder's `backups`); do not keep working on the damaged file"
                    .into(),
            };
        }
    }
    let message = match &err {
        sqlx::Error::Database(db) if db.message().contains("database or disk is full") => {
            "the disk is full: free some space and try again".to_owned()
        }
        sqlx::Error::Database(db) if db.message().contains("locked") => {
            "the database is busy: try again in a moment".to_owned()
        }
        sqlx::Error::PoolTimedOut => "the database is busy: try again in a moment".to_owned(),
        sqlx::Error::Io(io) => format!("the database file could not be read or written ({io})"),
        _ => "the local database failed to carry out the change; nothing was saved".to_owned(),
    };
    AppError::Database { message }
}

/// True when the error is a UNIQUE constraint violation (a duplicate).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}
