//! Storelink's local SQLite cache: the pool, migrations, and one repository per table group.
//! Every write that must be audited takes the open transaction, so the change and its audit
//! entry commit together or not at all.

pub mod audit;
pub mod backup;
mod batch;
pub mod checkpoints;
mod clean_close;
pub mod conflicts;
pub mod dashboard;
mod db;
pub mod erp_records;
mod error;
pub mod health;
pub mod inbox;
pub mod inbox_samples;
pub mod members;
pub mod outbox;
pub mod pos;
pub mod purge;
pub mod record_lists;
pub mod reservations;
mod row;
pub mod settings;
pub mod supplier_orders;
pub mod sync_logs;
pub mod sync_tasks;
pub mod systems;
mod time;
pub mod tokens;
pub mod users;

pub use batch::{BatchWriter, BoxFuture};
pub use db::{Db, OpenCheck, Tx, DB_FILE_NAME};
pub use error::db_error;
pub use sqlx::SqliteConnection;
pub use time::{fmt_time, parse_time};
