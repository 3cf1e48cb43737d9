//! A simulator of SAP S/4HANA Cloud's OData v2 APIs on their real paths:
//! `/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner`,
//! `/sap/opu/odata/sap/API_PRODUCT_SRV/A_Product` and
//! `/sap/opu/odata/sap/API_SALES_ORDER_SRV/A_SalesOrder`, listed (`$filter` on the change
//! time, `$top`, `$skip`, `$skiptoken`, `$inlinecount`, `$expand`, `$select`; `__next` once
//! a page reaches the server's cap) and read by key; business partners created and patched,
//! sales orders created (deep insert of `to_Item`). Errors come as
//! `{"error":{"code","message":{"lang","value"}}}`; dates as `/Date(ms)/`, decimals as
//! strings (Edm.Decimal in OData v2 JSON).
//!
//! Auth: Basic (the communication user) or a Bearer token from the OAuth2 client
//! credentials endpoint `POST /sap/bc/sec/oauth2/token`. Writes need the CSRF token fetched
//! with `X-CSRF-Token: Fetch` from a service root, plus the session cookie that came with
//! it; otherwise 403 with `x-csrf-token: Required`.
//!
//! The records are the custom ERP simulator's (same seed, same dataset): customers are
//! business partners keyed by their id (`C000001`), products keep theirs (`P000001`),
//! orders are numbered sales orders (`1`). Listings are always in change order.
//!
//! Faults: the custom ERP's `FaultSpec` on authenticated data routes; `expire_token_every`
//! ends the caller's token (Bearer) or every CSRF session (Basic). Test hooks:
//! [`SapS4Sim::touch`], [`SapS4Sim::expire_tokens`], [`SapS4Sim::invalidate_csrf`],
//! [`SapS4Sim::set_faults`], [`SapS4Sim::stats`].

mod gate;
mod query;
mod render;
mod routes;
mod writes;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::erp::FaultSpec;

use crate::erp::data::{Data, Kind};
use crate::erp::faults::FaultState;
use crate::erp::{expire_all, lock, read, write};
use crate::sap_b1::Store;
use crate::server::{SimServer, LOCAL_FREE_PORT};

#[derive(Debug, Clone)]
pub struct SapS4SimConfig {
    /// Business partners; products are half as many and orders a quarter (at least one each).
    pub records: usize,
    pub seed: u64,
    /// The communication user (Basic).
    pub username: String,
    pub password: String,
    /// The OAuth2 client.
    pub client_id: String,
    pub client_secret: String,
    pub token_ttl: Duration,
    /// The most records one page may hold whatever `$top` asks (0: no cap).
    pub max_page_size: usize,
    pub faults: FaultSpec,
}

impl Default for SapS4SimConfig {
    fn default() -> Self {
        SapS4SimConfig {
            records: 1000,
            seed: 42,
            username: "STORELINK_COMM".to_owned(),
            password: "s4-pass".to_owned(),
            client_id: "storelink-client".to_owned(),
            client_secret: "s4-client-secret".to_owned(),
            token_ttl: Duration::from_secs(3600),
            max_page_size: 0,
            faults: FaultSpec::none(),
        }
    }
}

/// What the simulator saw.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SapS4Stats {
    /// By route, e.g. `"GET A_BusinessPartner"`, `"GET A_SalesOrder(key)"`, `"POST token"`.
    pub requests: BTreeMap<String, u64>,
    pub tokens_issued: u64,
    pub failed_token_requests: u64,
    /// Requests refused 401 for wrong or missing Basic credentials.
    pub failed_logins: u64,
    /// Requests refused 401 for an unknown or expired Bearer token (not injected faults).
    pub rejected_tokens: u64,
    pub csrf_fetches: u64,
    /// Writes refused 403 `x-csrf-token: Required`.
    pub csrf_rejections: u64,
    /// Injected faults by kind, named as in the spec text.
    pub faults: BTreeMap<String, u64>,
    pub writes: SapS4Writes,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SapS4Writes {
    pub customers_created: u64,
    pub customers_updated: u64,
    pub orders_created: u64,
    /// Every write applied, in order: `POST A_BusinessPartner C000009`, `PATCH
    /// A_BusinessPartner C000001`, `POST A_SalesOrder 251`.
    pub log: Vec<String>,
}

pub(crate) struct Shared {
    pub store: RwLock<Store>,
    /// Bearer token → expiry (ms); `i64::MIN` once expired by a hook or a fault.
    pub tokens: Mutex<HashMap<String, i64>>,
    /// Session cookie → CSRF token.
    pub csrf: Mutex<HashMap<String, String>>,
    pub faults: Mutex<FaultState>,
    pub stats: Mutex<SapS4Stats>,
    pub config: SapS4SimConfig,
}

/// A running simulator. Dropping it stops the server too; [`SapS4Sim::stop`] also waits.
pub struct SapS4Sim {
    shared: Arc<Shared>,
    server: SimServer,
}

impl SapS4Sim {
    /// Generates the data and serves on 127.0.0.1, on a free port.
    pub async fn start(config: SapS4SimConfig) -> io::Result<SapS4Sim> {
        SapS4Sim::start_on(LOCAL_FREE_PORT, config).await
    }

    pub async fn start_on(addr: SocketAddr, config: SapS4SimConfig) -> io::Result<SapS4Sim> {
        let (records, seed) = (config.records, config.seed);
        let data = Data::generate_blocking(records, seed).await?;
        let shared = Arc::new(Shared {
            store: RwLock::new(Store::new(data)),
            tokens: Mutex::new(HashMap::new()),
            csrf: Mutex::new(HashMap::new()),
            faults: Mutex::new(FaultState::new(config.faults.clone(), seed)),
            stats: Mutex::new(SapS4Stats::default()),
            config,
        });
        let router = routes::router(Arc::clone(&shared));
        let server = SimServer::start_on(addr, router, "sap s4").await?;
        tracing::info!(addr = %server.addr(), records, seed, "sap s4 simulator listening");
        Ok(SapS4Sim { shared, server })
    }

    /// `http://127.0.0.1:PORT`, the host root a connector is given.
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    pub fn config(&self) -> &SapS4SimConfig {
        &self.shared.config
    }

    pub fn stats(&self) -> SapS4Stats {
        lock(&self.shared.stats).clone()
    }

    /// Simulates edits made in S/4HANA (`kind`: `customers`, `products`, `orders`; keys as
    /// the API shows them). Unknown ids are ignored.
    pub fn touch(&self, kind: &str, ids: &[String]) {
        let Some(kind) = Kind::parse(kind) else {
            tracing::warn!(kind, "sap s4 simulator: touch of an unknown kind");
            return;
        };
        write(&self.shared.store).touch_keys(kind, ids);
    }

    /// Replaces the faults; counters and the random sequence restart from the seed.
    pub fn set_faults(&self, faults: FaultSpec) {
        lock(&self.shared.faults).replace(faults);
    }

    /// Every OAuth2 token issued so far is expired from now on.
    pub fn expire_tokens(&self) {
        expire_all(&self.shared.tokens);
    }

    /// Every CSRF token handed out so far is invalid from now on (the sessions ended).
    pub fn invalidate_csrf(&self) -> usize {
        let mut csrf = lock(&self.shared.csrf);
        let n = csrf.len();
        csrf.clear();
        n
    }

    /// Every key of a kind as the API shows it, in record order.
    pub fn ids(&self, kind: &str) -> Vec<String> {
        let Some(kind) = Kind::parse(kind) else {
            return Vec::new();
        };
        read(&self.shared.store).keys(kind)
    }

    /// One record as the API returns it, navigation properties expanded.
    pub fn record(&self, kind: &str, key: &str) -> Option<Value> {
        let kind = Kind::parse(kind)?;
        let store = read(&self.shared.store);
        let n = store.number(kind, key)?;
        render::entity(&store, kind, n, true)
    }

    /// Stops accepting, drops every connection and waits for the server task.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}
