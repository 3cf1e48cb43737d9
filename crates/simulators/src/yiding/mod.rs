//! A simulator of the Yiding · 易订 reservation platform, speaking seed 002's contract on
//! its paths under `/api/v1/integrations/reservation` (the system's `api_endpoint` is
//! [`YidingSim::api_endpoint`]):
//! - `GET /` (the API root itself): `{"service":"yiding"}`, so the generic connection test
//!   of a system (a GET of its `api_endpoint` with the key) sees the key accepted or refused;
//! - `GET /list` with seed 002's `store_id`, `status`, `date_from`, `date_to`, `limit`
//!   (default 100, above `max_limit` a 422), plus `page` (1-based) and `updated_since`
//!   (inclusive, local time): `{"total","page","limit","data":[ReservationSync…]}`, oldest
//!   change first, every record with its own `updated_at` second;
//! - `GET /{reservation_id}`: one ReservationSync, or 404;
//! - `PUT /{reservation_id}/status?status=&arrival_time=&table_number=`: seed 002's status
//!   machine (409 for a move it does not allow, 422 for an unknown status or seating
//!   without a table, 404 for an unknown reservation); the status it already has is a
//!   harmless 200; an `Idempotency-Key` seen before gets the first answer again
//!   (`idempotent-replayed: true`). Every update is logged with its outcome in the stats.
//!
//! Every call needs `Authorization: Bearer <api_key>` (401 `{"detail"}` otherwise); errors
//! are FastAPI-style `{"detail": "..."}` bodies, as the seed's Python service would send.
//! Knobs: [`YidingSim::set_outage`] (every call 503 until lifted), `FaultSpec` (`429` with
//! `Retry-After: 1`, `500`, `burst500`, `timeout`, `slow`, `malformed`, `reset` dropping
//! the connection, with a write applied first half of the time; `expire_token_every`
//! answers 401 `API key expired`), [`YidingSim::rotate_api_key`]. Hooks: `GET /_sim/stats`,
//! `POST /_sim/outage` (`{"on": bool}`). [`YidingSim::webhook`] builds seed 002's signed
//! webhooks for tests.

mod data;
mod routes;
mod status;
#[cfg(test)]
mod tests;
mod webhook;

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::erp::FaultSpec;
pub use webhook::{sign_sha256, sign_standard, SignedWebhook, WebhookScheme};

use crate::erp::faults::FaultState;
use crate::erp::{lock, read, write};
use crate::server::{SimServer, LOCAL_FREE_PORT};
use data::Book;

/// Where the platform's API lives on the simulator.
pub const PREFIX: &str = "/api/v1/integrations/reservation";

#[derive(Debug, Clone)]
pub struct YidingSimConfig {
    /// Reservations generated.
    pub records: usize,
    pub seed: u64,
    pub api_key: String,
    /// The store the platform serves (`store_id` on lists and records).
    pub store_id: String,
    /// The largest `limit` a list accepts.
    pub max_limit: u32,
    /// The platform's zone: its local times are here.
    pub utc_offset_minutes: i32,
    pub faults: FaultSpec,
}

impl Default for YidingSimConfig {
    fn default() -> Self {
        YidingSimConfig {
            records: 200,
            seed: 42,
            api_key: "yiding-sim-api-key".to_owned(),
            store_id: "store-001".to_owned(),
            max_limit: 100,
            utc_offset_minutes: 480,
            faults: FaultSpec::none(),
        }
    }
}

/// One status change received, in arrival order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusUpdate {
    pub reservation_id: String,
    pub status: String,
    pub idempotency_key: Option<String>,
    /// `applied`, `unchanged` (it had that status), `replayed` (key seen before), an error
    /// (`not_found`, `invalid_transition`, `validation_error`, `invalid_api_key`,
    /// `outage`) or `fault:<kind>`.
    pub outcome: String,
    /// The connection was dropped instead of answering.
    pub reset: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct YidingStats {
    /// Requests by route, e.g. `"GET /list"` (not `/_sim/*`).
    pub requests: BTreeMap<String, u64>,
    /// Calls refused for a missing or wrong key.
    pub rejected_keys: u64,
    /// Calls answered 503 because of [`YidingSim::set_outage`].
    pub outage_refusals: u64,
    pub faults: BTreeMap<String, u64>,
    /// The largest `limit` a list asked for.
    pub max_limit_asked: u32,
    /// Status changes that took effect.
    pub status_updates_applied: u64,
    pub idempotent_replays: u64,
    pub status_log: Vec<StatusUpdate>,
}

pub(crate) struct Shared {
    pub config: YidingSimConfig,
    pub book: RwLock<Book>,
    pub api_key: Mutex<String>,
    pub outage: AtomicBool,
    pub faults: Mutex<FaultState>,
    pub stats: Mutex<YidingStats>,
    /// Idempotency key → the first answer.
    pub replies: Mutex<HashMap<String, (StatusCode, Value)>>,
}

/// A running simulator; dropping it stops the server.
pub struct YidingSim {
    shared: Arc<Shared>,
    server: SimServer,
}

impl YidingSim {
    /// Serves on 127.0.0.1, on a free port.
    pub async fn start(config: YidingSimConfig) -> io::Result<YidingSim> {
        YidingSim::start_on(LOCAL_FREE_PORT, config).await
    }

    pub async fn start_on(addr: SocketAddr, config: YidingSimConfig) -> io::Result<YidingSim> {
        let offset = chrono::FixedOffset::east_opt(config.utc_offset_minutes.saturating_mul(60))
            .ok_or_else(|| io::Error::other("utc_offset_minutes is more than a day"))?;
        let now = chrono::Utc::now().timestamp();
        let book = Book::generate(config.records, config.seed, offset, now);
        let shared = Arc::new(Shared {
            faults: Mutex::new(FaultState::new(config.faults.clone(), config.seed)),
            api_key: Mutex::new(config.api_key.clone()),
            config,
            book: RwLock::new(book),
            outage: AtomicBool::new(false),
            stats: Mutex::new(YidingStats::default()),
            replies: Mutex::new(HashMap::new()),
        });
        let router = routes::router(Arc::clone(&shared));
        let server = SimServer::start_on(addr, router, "yiding").await?;
        tracing::info!(addr = %server.addr(), records = shared.config.records, "yiding simulator listening");
        Ok(YidingSim { shared, server })
    }

    /// `http://127.0.0.1:PORT`
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// What a system's `api_endpoint` is set to: the base URL and [`PREFIX`].
    pub fn api_endpoint(&self) -> String {
        format!("{}{PREFIX}", self.base_url())
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    pub fn config(&self) -> &YidingSimConfig {
        &self.shared.config
    }

    pub fn stats(&self) -> YidingStats {
        lock(&self.shared.stats).clone()
    }

    /// While on, every call is answered 503 and changes nothing.
    pub fn set_outage(&self, on: bool) {
        self.shared.outage.store(on, Ordering::SeqCst);
    }

    /// Replaces the faults; the random sequence restarts from the seed.
    pub fn set_faults(&self, faults: FaultSpec) {
        lock(&self.shared.faults).replace(faults);
    }

    /// The platform now accepts only `key` (the old one is refused 401).
    pub fn rotate_api_key(&self, key: &str) {
        *lock(&self.shared.api_key) = key.to_owned();
    }

    /// Every reservation id, in id order.
    pub fn ids(&self) -> Vec<String> {
        read(&self.shared.book)
            .rows
            .iter()
            .map(|r| r.reservation_id.clone())
            .collect()
    }

    /// One reservation as the API renders it.
    pub fn reservation(&self, id: &str) -> Option<Value> {
        let book = read(&self.shared.book);
        let i = book.index(id)?;
        Some(book.render(&book.rows[i], &self.shared.config.store_id))
    }

    /// An edit on the platform (a guest changes the note): new notes and change time.
    /// How many of `ids` exist.
    pub fn touch(&self, ids: &[String], notes: &str) -> usize {
        let mut book = write(&self.shared.book);
        let now = chrono::Utc::now().timestamp();
        let mut n = 0;
        for id in ids {
            if let Some(i) = book.index(id) {
                book.rows[i].notes = notes.to_owned();
                book.bump(i, now);
                n += 1;
            }
        }
        n
    }

    /// Seed 002 webhook `event` (`reservation.created|updated|cancelled`) about `id`, with
    /// the reservation's current data, signed with `secret` under `scheme`.
    pub fn webhook(
        &self,
        event: &str,
        id: &str,
        scheme: WebhookScheme,
        secret: &str,
    ) -> Option<SignedWebhook> {
        let data = {
            let book = read(&self.shared.book);
            let i = book.index(id)?;
            let mut data = book.webhook_data(&book.rows[i]);
            if event == "reservation.cancelled" {
                data["status"] = Value::from("cancelled");
            }
            data
        };
        webhook::build(event, data, scheme, secret, chrono::Utc::now().timestamp())
    }

    /// Stops accepting, drops every connection and waits for the server task.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}
