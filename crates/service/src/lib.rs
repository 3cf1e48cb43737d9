//! The operations of Storelink, shared by the desktop app and the headless CLI. Each one
//! checks the acting user's role against the core's permission table, validates, writes the
//! change and its audit entry in one transaction, and returns a typed result. Shells only
//! translate: a Tauri command or a CLI subcommand is a call into this crate.

mod audit;
pub mod audit_log;
pub mod backup;
mod cache;
pub mod conflicts;
mod context;
pub mod dashboard;
pub mod demo;
pub mod desktop;
pub mod erp_lists;
pub mod export;
pub mod health;
pub mod ingest;
pub mod listener_settings;
pub mod records;
mod stored_settings;
mod supplier_actions;
pub mod sync;
pub mod systems;
pub mod tokens;
pub mod users;

pub use context::{default_data_dir, AppStatus, Services, APP_IDENTIFIER, KEYCHAIN_SERVICE};
pub use storelink_engine::outbox::DispatchReport;
pub use storelink_store::OpenCheck;
