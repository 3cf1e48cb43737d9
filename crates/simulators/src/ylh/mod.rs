//! A simulator of 易理货 (YLH) as its interface document describes it (VENDORS.md, L):
//!
//! - `POST /ylh-cloud-mgt-auth/oauth/token` (also `/oauth/token`): form-encoded password
//!   grant with `Authorization: Basic base64(client_id:client_secret)` and the header
//!   `system-name: ylh-open-api`; Spring OAuth2 answers and refusals
//!   (`invalid_client`, `invalid_grant`, `unsupported_grant_type`); tokens last
//!   `token_ttl` and answer `401 {"error":"invalid_token"}` once expired or unknown.
//! - Order create / cancel / reschedule and the logistics query on the production paths
//!   of the document (the connector's defaults). A `soId` seen before is refused
//!   (`子订单号[…]已存在，请勿重复推送`); every create request is counted per `soId`, so a
//!   test can say an order arrived once. Reschedule times must fall on 23:59:59 local.
//!   A logistics query of more than 100 codes is refused and counted.
//! - 100 requests a second (`rate_limit_per_second`), answered 429 beyond.
//! - Faults ([`FaultSpec`], business calls with a live token): `429`, `500`, `burst500`
//!   (503), `timeout` (held 30 s, then 504), `slow`, `malformed` (half a body, not
//!   applied), `reset` (the connection dropped; a write is applied first half the time),
//!   `expire_token_every`. [`YlhSim::set_outage`] answers every request 503 until turned
//!   off, like a vendor that is down.
//! - [`YlhSim::callback_form`]: a signed callback as YLH posts it to the store.

mod callback;
mod orders;
mod routes;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::FixedOffset;
use serde::{Deserialize, Serialize};

pub use crate::erp::FaultSpec;
pub use callback::{encode_form, sign, signed_callback};

use crate::erp::faults::FaultState;
use crate::erp::{expire_all, lock};
use crate::server::{SimServer, LOCAL_FREE_PORT};
use orders::Book;

#[derive(Debug, Clone)]
pub struct YlhSimConfig {
    /// Orders the vendor already has (`SIM-PO-000001`…), so logistics has answers.
    pub orders: usize,
    pub seed: u64,
    pub client_id: String,
    pub client_secret: String,
    pub username: String,
    pub password: String,
    /// The `system-name` header the token call must carry.
    pub system_name: String,
    pub token_ttl: Duration,
    pub rate_limit_per_second: u32,
    /// Timestamps in seconds rather than milliseconds.
    pub timestamp_seconds: bool,
    /// The vendor's zone (reschedule times, callback TimeStamp).
    pub utc_offset_minutes: i32,
    /// The AppKey and secret of callbacks to the store.
    pub app_key: String,
    pub callback_secret: String,
    /// Sign callbacks over the lower-cased text, as the vendor's document does.
    pub sign_lowercase: bool,
    pub faults: FaultSpec,
}

impl Default for YlhSimConfig {
    fn default() -> Self {
        YlhSimConfig {
            orders: 0,
            seed: 42,
            client_id: "open_api_erp".to_owned(),
            client_secret: "ylh-client-secret".to_owned(),
            username: "erp".to_owned(),
            password: "ylh-pass".to_owned(),
            system_name: "ylh-open-api".to_owned(),
            token_ttl: Duration::from_secs(3600),
            rate_limit_per_second: 100,
            timestamp_seconds: false,
            utc_offset_minutes: 480,
            app_key: "storelink-ylh-app".to_owned(),
            callback_secret: "ylh-callback-secret".to_owned(),
            sign_lowercase: true,
            faults: FaultSpec::none(),
        }
    }
}

/// What the simulator saw.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct YlhStats {
    /// Requests by route (`token`, `order_create`, `order_cancel`, `order_reschedule`,
    /// `logistics`), whatever their outcome.
    pub requests: BTreeMap<String, u64>,
    pub tokens_issued: u64,
    pub failed_logins: u64,
    /// Business calls refused 401 for a missing, unknown or expired token.
    pub rejected_tokens: u64,
    pub faults: BTreeMap<String, u64>,
    /// Requests answered 503 while the outage knob was on.
    pub outage_refusals: u64,
    /// Requests over the per-second limit.
    pub rate_limited: u64,
    /// Create requests that reached the order book, per `soId` (duplicates included).
    pub create_requests: BTreeMap<String, u64>,
    pub orders_created: u64,
    pub duplicate_creates: u64,
    /// Cancels applied: `soId` → reason.
    pub cancels: BTreeMap<String, String>,
    /// Reschedule bodies applied, in arrival order.
    pub reschedules: Vec<serde_json::Value>,
    /// Order codes per logistics call answered, in order.
    pub logistics_batches: Vec<usize>,
    /// Logistics calls refused for asking more than 100 codes.
    pub logistics_refused: u64,
}

pub(crate) struct Shared {
    pub config: YlhSimConfig,
    pub offset: FixedOffset,
    pub tokens: Mutex<HashMap<String, i64>>,
    pub faults: Mutex<FaultState>,
    pub stats: Mutex<YlhStats>,
    pub book: Mutex<Book>,
    pub outage: AtomicBool,
    /// (second, requests in it).
    pub window: Mutex<(i64, u32)>,
}

impl Shared {
    pub(crate) fn stats(&self) -> std::sync::MutexGuard<'_, YlhStats> {
        lock(&self.stats)
    }
}

/// A running simulator; dropping it stops the server too.
pub struct YlhSim {
    shared: Arc<Shared>,
    server: SimServer,
}

/// One order the simulator holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimOrder {
    pub so_id: String,
    /// The vendor's order number (巨商汇订单号).
    pub retail_order_no: String,
    /// The create body as received (empty for seeded orders).
    pub body: serde_json::Value,
    pub cancel_reason: Option<String>,
    pub distribution_time: Option<i64>,
    pub install_time: Option<i64>,
}

impl YlhSim {
    pub async fn start(config: YlhSimConfig) -> io::Result<YlhSim> {
        YlhSim::start_on(LOCAL_FREE_PORT, config).await
    }

    pub async fn start_on(addr: SocketAddr, config: YlhSimConfig) -> io::Result<YlhSim> {
        let offset = FixedOffset::east_opt(config.utc_offset_minutes.saturating_mul(60))
            .ok_or_else(|| io::Error::other("utc_offset_minutes is out of range"))?;
        let mut book = Book::default();
        let seeded: Vec<String> = (1..=config.orders)
            .map(|n| format!("SIM-PO-{n:06}"))
            .collect();
        book.insert(&seeded);
        let shared = Arc::new(Shared {
            offset,
            tokens: Mutex::new(HashMap::new()),
            faults: Mutex::new(FaultState::new(config.faults.clone(), config.seed)),
            stats: Mutex::new(YlhStats::default()),
            book: Mutex::new(book),
            outage: AtomicBool::new(false),
            window: Mutex::new((0, 0)),
            config,
        });
        let server = SimServer::start_on(addr, routes::router(Arc::clone(&shared)), "ylh").await?;
        tracing::info!(addr = %server.addr(), "ylh simulator listening");
        Ok(YlhSim { shared, server })
    }

    /// `http://127.0.0.1:PORT`: the gateway root (and the token service's host).
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    pub fn config(&self) -> &YlhSimConfig {
        &self.shared.config
    }

    pub fn stats(&self) -> YlhStats {
        self.shared.stats().clone()
    }

    /// Replaces the faults; counters and the random sequence restart from the seed.
    pub fn set_faults(&self, faults: FaultSpec) {
        lock(&self.shared.faults).replace(faults);
    }

    /// While on, every request is answered 503 (the vendor is down).
    pub fn set_outage(&self, down: bool) {
        self.shared.outage.store(down, Ordering::SeqCst);
    }

    /// Every token issued so far is expired from now on; how many there were.
    pub fn expire_tokens(&self) -> usize {
        expire_all(&self.shared.tokens)
    }

    /// Orders the vendor has without a create call (for logistics), by `soId`.
    pub fn insert_orders(&self, so_ids: &[String]) {
        lock(&self.shared.book).insert(so_ids);
    }

    /// One order, by `soId`.
    pub fn order(&self, so_id: &str) -> Option<SimOrder> {
        lock(&self.shared.book).get(so_id).cloned()
    }

    /// A callback as YLH posts it to the store, signed with the configured AppKey and
    /// secret, stamped now: the form body.
    pub fn callback_form(&self, method: &str, data: &serde_json::Value) -> String {
        let c = &self.shared.config;
        let fields = signed_callback(
            &c.app_key,
            &c.callback_secret,
            method,
            &data.to_string(),
            &callback::timestamp_now(self.shared.offset),
            c.sign_lowercase,
        );
        encode_form(&fields)
    }

    pub async fn stop(self) {
        self.server.stop().await;
    }
}
