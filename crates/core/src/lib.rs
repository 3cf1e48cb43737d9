//! Storelink domain: the seeds' entities, their status machines and validation rules,
//! roles and permissions, and the error type that crosses every boundary. No I/O here.

#[macro_use]
mod string_enum;

pub mod audit;
pub mod conflict;
pub mod digest;
pub mod erp;
pub mod error;
pub mod health;
pub mod ids;
pub mod inbox;
pub mod ingest;
pub mod member;
pub mod money;
pub mod outbox;
pub mod page;
pub mod pos;
pub mod reservation;
pub mod roles;
pub mod supplier;
pub mod sync;
pub mod sync_cron;
pub mod sync_pacing;
pub mod system;
pub mod token;
pub mod user;
pub mod validate;
pub mod vendor_time;

pub use error::{AppError, ErrorClass, FieldError, Rule};
pub use money::Money;
pub use page::{Page, PageRequest};
pub use roles::{Actor, Operation, Role};
