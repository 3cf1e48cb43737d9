//! Simulators of the things Storelink talks to. For now a LAN POS terminal that pushes
//! seed 000 transactions at the listener, used by the ingest benchmark and the crash test.

pub mod erp;
pub mod kingdee;
pub mod pos_terminal;
pub mod sap_b1;
pub mod sap_s4;
mod server;
pub mod yonyou;
