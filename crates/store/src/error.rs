use storelink_core::AppError;

/// Maps a database failure to the error a person sees. The SQL text is logged, not shown.
pub fn db_error(err: sqlx::Error) -> AppError {
    tracing::error!(error = %err, "database error");
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
