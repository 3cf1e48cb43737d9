//! Vendor protocols. For now: the generic connection probe every system type gets, the
//! mapping of HTTP outcomes to seed 004's error classes that every connector shares, and the
//! webhook signature schemes.
//! Vendor-specific modules arrive with their connectors, one module per vendor.

pub mod classify;
pub mod connector;
pub mod custom_erp;
mod http;
pub mod kingdee;
pub mod mapping;
pub mod probe;
pub mod registry;
pub mod sap_b1;
pub mod sap_s4;
pub mod signature;
pub mod yonyou;

pub use classify::{classify_status, classify_transport};
pub use probe::{probe_endpoint, ProbeOutcome, ProbeRequest};
