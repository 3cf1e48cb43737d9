//! The embedded listener: the seeds' REST surface for LAN POS terminals and tokens, and the
//! vendors' webhooks checked by signature. Off unless enabled; binds loopback unless LAN mode.

mod auth;
mod body_guard;
pub mod certificate;
pub mod control;
pub mod openapi;
pub mod problem;
mod routes;
mod server;
pub mod tls;
mod tls_serve;

pub use body_guard::BODY_READ_TIMEOUT;
pub use server::{
    lan_addresses, router, start, Listener, ListenerConfig, ListenerState, DEFAULT_BODY_LIMIT,
    DEFAULT_PORT,
};
pub use tls_serve::HEADER_READ_TIMEOUT;
