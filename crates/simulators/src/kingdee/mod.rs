//! A simulator of Kingdee K3 Cloud's WebAPI (`POST /k3cloud/{Service}.common.kdsvc`):
//! the three AuthService logins (LoginBySign's sign checked), the `kdservice-sessionid`
//! cookie, sessions that expire (answered with MsgCode 1 `会话信息已丢失，请重新登录`), and
//! DynamicFormService `ExecuteBillQuery`, `Save`, `View`, `Submit`, `Audit` over the custom
//! ERP simulator's dataset rendered as K3 fields (`BD_Customer`, `BD_MATERIAL`,
//! `SAL_SaleOrder`; times local at `utc_offset_minutes`, UTC+8 by default).
//!
//! Faults (`FaultSpec`, business calls with a live session only): `429` with
//! `Retry-After: 1`; `500` and `burst500` answer that status with a `response_error:`
//! body; `timeout` holds 30 s then 504; `slow` adds latency; `malformed` truncates the
//! body; `expire_token_every` drops the session; `reset` answers 502 `response_error:`.

mod query;
mod render;
mod routes;
mod sdk_auth;
mod writes;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::FixedOffset;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::erp::FaultSpec;

use crate::erp::data::{Data, Kind};
use crate::erp::faults::FaultState;
use crate::erp::{expire_all, lock, read, write};
use crate::server::{SimServer, LOCAL_FREE_PORT};
use render::Books;

#[derive(Debug, Clone)]
pub struct KingdeeSimConfig {
    /// Customers; materials are half as many and sales orders a quarter.
    pub records: usize,
    pub seed: u64,
    pub acct_id: String,
    pub username: String,
    pub password: String,
    pub app_id: String,
    pub app_secret: String,
    pub session_ttl: Duration,
    /// The server's zone: FModifyDate is local time here.
    pub utc_offset_minutes: i32,
    pub faults: FaultSpec,
}

impl Default for KingdeeSimConfig {
    fn default() -> Self {
        KingdeeSimConfig {
            records: 1000,
            seed: 42,
            acct_id: "65f1a0c2e4b0d1".to_owned(),
            username: "storelink".to_owned(),
            password: "k3-pass".to_owned(),
            // The developer portal's form: client id, `_`, the encoded gateway key.
            app_id: "241234_c3RvcmVsaW5rLWszLXNpbS1nYXRld2F5".to_owned(),
            app_secret: "k3-app-secret".to_owned(),
            session_ttl: Duration::from_secs(3600),
            utc_offset_minutes: 480,
            faults: FaultSpec::none(),
        }
    }
}

/// What the simulator saw.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KingdeeStats {
    /// Calls by service method (`LoginByAppSecret`, `ExecuteBillQuery`, `Save`...).
    pub requests: BTreeMap<String, u64>,
    pub logins: u64,
    pub failed_logins: u64,
    /// Business calls answered "session lost" (no, unknown or expired session).
    pub sessions_lost: u64,
    /// Business calls authenticated by valid SDK 8.x signature headers.
    pub signed_calls: u64,
    pub faults: BTreeMap<String, u64>,
    pub customers_created: u64,
    pub customers_updated: u64,
    pub orders_created: u64,
    pub submits: u64,
    pub audits: u64,
}

pub(crate) struct Shared {
    pub data: RwLock<Data>,
    pub books: Mutex<Books>,
    pub sessions: Mutex<HashMap<String, i64>>,
    pub faults: Mutex<FaultState>,
    pub stats: Mutex<KingdeeStats>,
    pub config: KingdeeSimConfig,
    pub offset: FixedOffset,
}

impl Shared {
    fn touch(&self, kind: &str, numbers: &[String]) -> usize {
        let Some(kind) = Kind::parse(kind) else {
            return 0;
        };
        let mut data = write(&self.data);
        let books = lock(&self.books);
        let ids: Vec<String> = numbers
            .iter()
            .filter_map(|n| books.resolve(&data, kind, n))
            .map(|n| kind.id(n))
            .collect();
        data.touch(kind, &ids)
    }
}

/// A running simulator; dropping it stops the server too.
pub struct KingdeeSim {
    shared: Arc<Shared>,
    server: SimServer,
}

impl KingdeeSim {
    /// Generates the data and serves on 127.0.0.1, on a free port.
    pub async fn start(config: KingdeeSimConfig) -> io::Result<KingdeeSim> {
        KingdeeSim::start_on(LOCAL_FREE_PORT, config).await
    }

    pub async fn start_on(addr: SocketAddr, config: KingdeeSimConfig) -> io::Result<KingdeeSim> {
        let (records, seed) = (config.records, config.seed);
        let data = Data::generate_blocking(records, seed).await?;
        let offset = FixedOffset::east_opt(config.utc_offset_minutes.saturating_mul(60))
            .ok_or_else(|| io::Error::other("utc_offset_minutes is out of range"))?;
        let shared = Arc::new(Shared {
            data: RwLock::new(data),
            books: Mutex::new(Books::default()),
            sessions: Mutex::new(HashMap::new()),
            faults: Mutex::new(FaultState::new(config.faults.clone(), seed)),
            stats: Mutex::new(KingdeeStats::default()),
            config,
            offset,
        });
        let router = routes::router(Arc::clone(&shared));
        let server = SimServer::start_on(addr, router, "kingdee").await?;
        tracing::info!(addr = %server.addr(), records, seed, "kingdee simulator listening");
        Ok(KingdeeSim { shared, server })
    }

    /// `http://127.0.0.1:PORT` (the server root; the API is under `/k3cloud/`).
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    pub fn config(&self) -> &KingdeeSimConfig {
        &self.shared.config
    }

    pub fn stats(&self) -> KingdeeStats {
        lock(&self.shared.stats).clone()
    }

    /// Simulates edits in K3 (`kind`: `customers`, `products`, `orders`; records named by
    /// their K3 number): a new FModifyDate. How many changed.
    pub fn touch(&self, kind: &str, numbers: &[String]) -> usize {
        self.shared.touch(kind, numbers)
    }

    pub fn set_faults(&self, faults: FaultSpec) {
        lock(&self.shared.faults).replace(faults);
    }

    /// Every session issued so far is lost from now on.
    pub fn expire_sessions(&self) -> usize {
        expire_all(&self.shared.sessions)
    }

    /// Every K3 number of a kind, in record order.
    pub fn numbers(&self, kind: &str) -> Vec<String> {
        let Some(kind) = Kind::parse(kind) else {
            return Vec::new();
        };
        let data = read(&self.shared.data);
        let books = lock(&self.shared.books);
        (1..=data.len(kind) as u32)
            .map(|n| books.number(kind, n))
            .collect()
    }

    /// One record's K3 header fields, by number.
    pub fn record(&self, kind: &str, number: &str) -> Option<Value> {
        let kind = Kind::parse(kind)?;
        let data = read(&self.shared.data);
        let books = lock(&self.shared.books);
        let n = books.resolve(&data, kind, number)?;
        render::record(&data, &books, kind, n, self.shared.offset).map(Value::Object)
    }

    /// Stops accepting, drops every connection and waits for the server task.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}
