//! Storelink's local SQLite cache: the pool, migrations, and one repository per table group.
//! Every write that must be audited takes the open transaction, so the change and its audit
//! entry commit together or not at all.

pub mod audit;
mod db;
mod error;
pub mod systems;
mod time;
pub mod users;

pub use db::{Db, Tx, DB_FILE_NAME};
pub use error::db_error;
pub use sqlx::SqliteConnection;
pub use time::{fmt_time, parse_time};
