//! Simulators of Yonyou's two APIs, one server per variant, serving the custom ERP's
//! dataset (same seed, same records) in Yonyou's field names.
//!
//! **U8 OpenAPI**: `GET /system/token?from_account&app_key&app_secret` →
//! `{"errcode":"0","token":{"id","appKey","expiresIn"}}`; `GET /system/tradeid`;
//! `GET /api/{customer|inventory|saleorder}/get?id=`; `GET /api/{resource}/batch_get` with
//! `page_index` (1-based), `rows_per_page` (default 20, at most 500) and
//! `modifydate_begin` (local time, inclusive), answering `page_index`, `rows_per_page`,
//! `row_count`, `page_count` as strings and the rows under the resource's name, oldest
//! change first; `GET /api/currentstock/batch_get?cinvcode=a,b`; `POST /api/customer/add`,
//! `/api/customer/edit`, `/api/saleorder/add` with `?tradeid=` (a trade id applies once; its
//! second use replays the first answer). Errors are HTTP 200: `30001` wrong
//! from_account/app_key/app_secret, `30002` token missing/unknown/expired, `40001` bad
//! parameters, `40004` no such record.
//!
//! **YonSuite**: `GET /open-auth/selfAppAuth/getAccessToken?appKey&timestamp&signature`
//! (signature checked; a wrong one gets `{"code":"10004","message":"签名不正确"}` — the code is
//! not confirmed by public docs); `POST /yonbip/digitalModel/{merchant,product}/list`,
//! `/yonbip/sd/voucherorder/list` with `pageIndex`, `pageSize`, `simpleVOs` on `pubts`
//! (`egt`/`gt`/`elt`/`lt`); `GET .../detail?id=`; `POST /yonbip/digitalModel/merchant/save`
//! (`_status` Insert/Update) and `/yonbip/sd/voucherorder/singleSave`, both once per
//! `resubmitCheckKey`. Token errors: `310001` missing, `310036` illegal or expired.
//!
//! Both: the `FaultSpec` knobs of the ERP simulator (429 with `Retry-After: 1`, 5xx,
//! timeout, slow, malformed, expire_token_every, burst500; `reset` answers 502 with
//! `Connection: close`), applied to token-checked requests; hooks `GET /_sim/stats`,
//! `POST /_sim/touch` (`{"kind","ids"}`), `POST /_sim/expire_tokens`.

mod render;
mod routes;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::erp::data::{Data, Kind};
use crate::erp::faults::FaultState;
use crate::erp::{expire_all, lock, read, write, FaultSpec};
use crate::server::{SimServer, LOCAL_FREE_PORT};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Variant {
    U8,
    YonSuite,
}

#[derive(Debug, Clone)]
pub struct YonyouSimConfig {
    pub variant: Variant,
    /// Customers; products are half as many and orders a quarter.
    pub records: usize,
    pub seed: u64,
    /// U8 only.
    pub from_account: String,
    pub app_key: String,
    pub app_secret: String,
    pub token_ttl: Duration,
    pub faults: FaultSpec,
}

impl YonyouSimConfig {
    pub fn new(variant: Variant) -> Self {
        YonyouSimConfig {
            variant,
            records: 1000,
            seed: 42,
            from_account: "storelink".to_owned(),
            app_key: "opa-storelink".to_owned(),
            app_secret: "yonyou-secret".to_owned(),
            token_ttl: Duration::from_secs(7200),
            faults: FaultSpec::none(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct YonyouStats {
    /// Requests by route, e.g. `"GET /api/customer/batch_get"` (not `/_sim/*`).
    pub requests: BTreeMap<String, u64>,
    pub logins: u64,
    pub failed_logins: u64,
    /// Requests refused for a missing, unknown or expired token (not injected faults).
    pub rejected_tokens: u64,
    pub faults: BTreeMap<String, u64>,
    pub customers_created: u64,
    pub customers_updated: u64,
    pub orders_created: u64,
    /// Writes answered from an earlier one with the same trade id / resubmitCheckKey.
    pub replays: u64,
}

pub(crate) struct Shared {
    pub config: YonyouSimConfig,
    pub data: RwLock<Data>,
    /// Token → expiry (ms).
    pub tokens: Mutex<HashMap<String, i64>>,
    pub faults: Mutex<FaultState>,
    pub stats: Mutex<YonyouStats>,
    /// U8 trade ids handed out.
    pub trade_ids: Mutex<HashSet<String>>,
    /// Trade id / resubmitCheckKey → the first answer.
    pub replies: Mutex<HashMap<String, Value>>,
}

impl Shared {
    pub(crate) fn expire_tokens(&self) -> usize {
        expire_all(&self.tokens)
    }

    pub(crate) fn touch(&self, kind: &str, ids: &[String]) -> usize {
        match Kind::parse(kind) {
            Some(k) => write(&self.data).touch(k, ids),
            None => 0,
        }
    }
}

/// A running Yonyou simulator; dropping it stops the server.
pub struct YonyouSim {
    shared: Arc<Shared>,
    server: SimServer,
}

impl YonyouSim {
    /// Serves on 127.0.0.1, on a free port.
    pub async fn start(config: YonyouSimConfig) -> io::Result<YonyouSim> {
        YonyouSim::start_on(LOCAL_FREE_PORT, config).await
    }

    pub async fn start_on(addr: SocketAddr, config: YonyouSimConfig) -> io::Result<YonyouSim> {
        let (records, seed) = (config.records, config.seed);
        let data = Data::generate_blocking(records, seed).await?;
        let shared = Arc::new(Shared {
            faults: Mutex::new(FaultState::new(config.faults.clone(), seed)),
            config,
            data: RwLock::new(data),
            tokens: Mutex::new(HashMap::new()),
            stats: Mutex::new(YonyouStats::default()),
            trade_ids: Mutex::new(HashSet::new()),
            replies: Mutex::new(HashMap::new()),
        });
        let router = routes::router(Arc::clone(&shared));
        let server = SimServer::start_on(addr, router, "yonyou").await?;
        tracing::info!(addr = %server.addr(), records, seed, variant = ?shared.config.variant, "yonyou simulator listening");
        Ok(YonyouSim { shared, server })
    }

    /// `http://127.0.0.1:PORT` (U8 base, YonSuite gateway and token URL alike).
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    pub fn config(&self) -> &YonyouSimConfig {
        &self.shared.config
    }

    pub fn stats(&self) -> YonyouStats {
        lock(&self.shared.stats).clone()
    }

    /// Simulates edits in the ERP (`customers`, `products`, `orders`), as `ErpSim::touch`.
    pub fn touch(&self, kind: &str, ids: &[String]) {
        self.shared.touch(kind, ids);
    }

    pub fn set_faults(&self, faults: FaultSpec) {
        lock(&self.shared.faults).replace(faults);
    }

    /// Every token issued so far is expired from now on.
    pub fn expire_tokens(&self) {
        self.shared.expire_tokens();
    }

    /// Every id of a kind, in id order.
    pub fn ids(&self, kind: &str) -> Vec<String> {
        let Some(kind) = Kind::parse(kind) else {
            return Vec::new();
        };
        let n = read(&self.shared.data).len(kind) as u32;
        (1..=n).map(|i| kind.id(i)).collect()
    }

    /// One record as this variant's API renders it.
    pub fn record(&self, kind: &str, id: &str) -> Option<Value> {
        let kind = Kind::parse(kind)?;
        let n = kind.parse_id(id)?;
        render::render(
            &read(&self.shared.data),
            self.shared.config.variant,
            kind,
            n,
        )
    }

    /// Stops accepting, drops every connection and waits for the server task.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}
