//! Vendor protocols: one module per vendor (ERPs, Haier, 易理货, Temu, Yiding, and the
//! seed 000 generic connector), the registry that picks one for a system, the connection
//! probe every system type gets, the mapping of HTTP outcomes to seed 004's error classes,
//! and the webhook signature schemes.

pub mod classify;
pub mod connector;
pub mod custom_erp;
pub mod generic;
pub mod haier;
mod http;
pub mod kingdee;
pub mod mapping;
pub mod probe;
pub mod registry;
pub mod samples;
pub mod sap_b1;
pub mod sap_s4;
pub mod signature;
pub mod temu;
pub mod yiding;
pub mod ylh;
pub mod yonyou;

pub use classify::{classify_status, classify_transport};
pub use probe::{probe_endpoint, ProbeOutcome, ProbeRequest};
