//! Simulators of the things Storelink talks to, each answering on the vendor's real paths
//! the way the vendor does (errors and expiring sessions included): the ERPs, Haier,
//! 易理货, Temu, Yiding, the seed 000 systems (`generic`), and a LAN POS terminal that
//! pushes seed 000 transactions at the listener.

pub mod erp;
pub mod generic;
pub mod haier;
pub mod kingdee;
pub mod pos_terminal;
pub mod sap_b1;
pub mod sap_s4;
mod server;
pub mod temu;
pub mod yiding;
pub mod ylh;
pub mod yonyou;
