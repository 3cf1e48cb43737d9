//! A simulator of the custom REST ERP (seed 004 §6): `/auth/login`, `/customers`,
//! `/products`, `/orders`, `/health`, in the vendor's own snake_case shape, with seeded
//! faults and test hooks under `/_sim/` (`stats`, `touch`, `faults`, `expire_tokens`).
//!
//! Data: records are generated from the seed and rebuilt on demand; only written records
//! are stored in full, so a million customers take a few dozen bytes each. Listings are
//! ordered by (updated_at, id) and cost O(limit + log n) (see `table.rs`); no two records
//! share an `updated_at`. Odd-numbered generated orders are `pending`, so tests can walk
//! O000001 through its lifecycle; the others have any status.
//!
//! Writes: `POST /customers`, `PUT /customers/{id}`, `POST /orders` and
//! `PUT /orders/{id}/status` all honour `Idempotency-Key` (scoped per operation; the same
//! key again gets the first 2xx answer back, with `Idempotent-Replayed: true`; refusals
//! are not remembered). A `version` in a customer update must match (409
//! `version_conflict`). Money and quantities are decimal strings; a JSON number there is
//! a 422, as is an order `total` or line `amount` that does not add up.
//!
//! Faults (authenticated data routes only, decided before a write is applied): `timeout`
//! holds the request 30 s then answers 504; `malformed` answers 200 with the first half of
//! the real body (reads) or `{"success":tr` (writes, not applied). `reset` drops the TCP
//! connection without an answer: the simulator runs its own accept loop (hyper, one task
//! per connection); each request carries a handle on its connection, and a handler that
//! draws `reset` wakes the connection task, which sets `SO_LINGER` 0 on the socket and
//! drops it, so the client sees ECONNRESET, not a response. A reset write is applied
//! first with probability 1/2; `SimStats::writes` and the status-update log say which.

// The dataset (generated records, their change order and paging) and the fault knobs are
// shared with the other ERP simulators, which render the same records in their vendor's
// shape.
pub(crate) mod data;
pub(crate) mod error;
pub(crate) mod faults;
mod gate;
pub(crate) mod gen;
pub(crate) mod model;
pub(crate) mod money;
mod routes;
pub(crate) mod table;
mod writes;

#[cfg(test)]
mod fault_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod write_tests;

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use faults::{FaultSpec, PPM, TIMEOUT_HOLD};

use crate::server::{SimServer, LOCAL_FREE_PORT};
use data::{Data, Kind};
use faults::FaultState;

/// How big, which seed, who may log in, and what to break.
#[derive(Debug, Clone)]
pub struct ErpSimConfig {
    /// Customers; products are half as many and orders a quarter (at least one of each).
    pub records: usize,
    pub seed: u64,
    pub username: String,
    pub password: String,
    pub token_ttl: Duration,
    pub faults: FaultSpec,
}

impl Default for ErpSimConfig {
    fn default() -> Self {
        ErpSimConfig {
            records: 1000,
            seed: 42,
            username: "storelink".to_owned(),
            password: "erp-pass".to_owned(),
            token_ttl: Duration::from_secs(3600),
            faults: FaultSpec::none(),
        }
    }
}

/// What the simulator saw; `GET /_sim/stats` answers the same, as JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimStats {
    /// Data, login and health requests by route, e.g. `"GET /customers"` (not `/_sim/*`).
    pub requests: BTreeMap<String, u64>,
    /// Successful logins.
    pub logins: u64,
    pub failed_logins: u64,
    /// Requests refused 401 for a missing, unknown or expired token (not injected faults).
    pub rejected_tokens: u64,
    /// Injected faults by kind, named as in the spec text: `429`, `500`, `timeout`,
    /// `slow`, `malformed`, `reset`, `expire_token_every`, `burst500`.
    pub faults: BTreeMap<String, u64>,
    pub writes: WriteStats,
}

/// Writes received; the counters count writes applied (not replays, not refusals).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteStats {
    pub customers_created: u64,
    pub customers_updated: u64,
    pub orders_created: u64,
    pub order_status_updates: u64,
    /// Writes answered from an earlier response with the same `Idempotency-Key`.
    pub idempotent_replays: u64,
    /// `reset` faults on writes: the write took effect, then the connection was dropped...
    pub resets_applied: u64,
    /// ...or the connection was dropped and nothing changed (not applied, or a replay or
    /// a refusal answered into the void).
    pub resets_not_applied: u64,
    /// Every `PUT /orders/{id}/status` received, in arrival order.
    pub order_status_log: Vec<StatusUpdate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusUpdate {
    pub order_id: String,
    /// The status asked for, as sent.
    pub status: String,
    pub idempotency_key: Option<String>,
    /// `applied`, `replayed` (same `Idempotency-Key` as an earlier update), an error code
    /// (`invalid_transition`, `not_found`, `validation_error`, `invalid_token`,
    /// `token_expired`) or `fault:<kind>` (refused by an injected fault, not applied).
    pub outcome: String,
    /// The connection was dropped instead of answering (a `reset` fault): the client never
    /// learnt the outcome. With `applied`, the update took effect anyway.
    #[serde(default)]
    pub reset: bool,
}

/// (scope such as `orders.create`, the client's key).
pub(crate) type IdempotencyKey = (&'static str, String);

pub(crate) struct Shared {
    pub data: RwLock<Data>,
    pub tokens: Mutex<HashMap<String, i64>>,
    pub faults: Mutex<FaultState>,
    pub stats: Mutex<SimStats>,
    /// (scope, key) → the first answer.
    pub idempotency: Mutex<HashMap<IdempotencyKey, (StatusCode, Value)>>,
    pub username: String,
    pub password: String,
    pub token_ttl: Duration,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Expires every token or session in a `credential → expiry/last use (ms)` map (the
/// `i64::MIN` mark every simulator checks); how many there were.
pub(crate) fn expire_all(map: &Mutex<HashMap<String, i64>>) -> usize {
    let mut map = lock(map);
    map.values_mut().for_each(|t| *t = i64::MIN);
    map.len()
}

pub(crate) fn read<T>(m: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    m.read().unwrap_or_else(PoisonError::into_inner)
}

pub(crate) fn write<T>(m: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    m.write().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn touch(&self, kind: &str, ids: &[String]) -> Option<usize> {
        let kind = Kind::parse(kind)?;
        Some(write(&self.data).touch(kind, ids))
    }

    pub(crate) fn expire_tokens(&self) -> usize {
        expire_all(&self.tokens)
    }
}

/// A running simulator. Dropping it stops the server too; [`ErpSim::stop`] also waits.
pub struct ErpSim {
    shared: Arc<Shared>,
    server: SimServer,
}

impl ErpSim {
    /// Generates the data and serves on 127.0.0.1, on a free port.
    pub async fn start(config: ErpSimConfig) -> io::Result<ErpSim> {
        ErpSim::start_on(LOCAL_FREE_PORT, config).await
    }

    pub async fn start_on(addr: SocketAddr, config: ErpSimConfig) -> io::Result<ErpSim> {
        let (records, seed) = (config.records, config.seed);
        let data = Data::generate_blocking(records, seed).await?;
        let shared = Arc::new(Shared {
            data: RwLock::new(data),
            tokens: Mutex::new(HashMap::new()),
            faults: Mutex::new(FaultState::new(config.faults, seed)),
            stats: Mutex::new(SimStats::default()),
            idempotency: Mutex::new(HashMap::new()),
            username: config.username,
            password: config.password,
            token_ttl: config.token_ttl,
        });
        let router = routes::router(Arc::clone(&shared));
        let server = SimServer::start_on(addr, router, "erp").await?;
        tracing::info!(addr = %server.addr(), records, seed, "erp simulator listening");
        Ok(ErpSim { shared, server })
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    pub fn stats(&self) -> SimStats {
        lock(&self.shared.stats).clone()
    }

    /// Simulates edits in the ERP (`kind`: `customers`, `products` or `orders`): new
    /// version and `updated_at`; customers get a new name suffix, products a price one
    /// yuan higher. Unknown kinds and ids are ignored.
    pub fn touch(&self, kind: &str, ids: &[String]) {
        if self.shared.touch(kind, ids).is_none() {
            tracing::warn!(kind, "erp simulator: touch of an unknown kind");
        }
    }

    /// Replaces the faults; counters and the random sequence restart from the seed.
    pub fn set_faults(&self, faults: FaultSpec) {
        lock(&self.shared.faults).replace(faults);
    }

    /// Every token issued so far is expired from now on.
    pub fn expire_tokens(&self) {
        self.shared.expire_tokens();
    }

    pub fn customer_ids(&self) -> Vec<String> {
        self.ids("customers")
    }

    /// Every id of a kind (`customers`, `products`, `orders`), in id order.
    pub fn ids(&self, kind: &str) -> Vec<String> {
        let Some(kind) = Kind::parse(kind) else {
            return Vec::new();
        };
        let n = read(&self.shared.data).len(kind) as u32;
        (1..=n).map(|i| kind.id(i)).collect()
    }

    /// One record as the API returns it (`kind`: `customer(s)`, `product(s)`, `order(s)`).
    pub fn record(&self, kind: &str, id: &str) -> Option<Value> {
        let kind = Kind::parse(kind)?;
        let n = kind.parse_id(id)?;
        read(&self.shared.data).render(kind, n)
    }

    /// Stops accepting, drops every connection and waits for the server task.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}
