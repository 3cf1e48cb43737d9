//! A simulator of the Haier open platform (seed 001; VENDORS.md "Haier", confidence L):
//! `POST /oauth2/auth` (also `/oauth2/token`) with the JSON client credentials, and the four
//! recorded JSON POSTs with `Authorization: Bearer <token>` (a bare token is accepted too,
//! as the transcribed client sends it):
//! - product info (`…/check-procurable-products`): at most 20 `productCodes` (more is
//!   refused with code `400` and counted in [`HaierStats::oversized_requests`]); none
//!   answers every procurable product;
//! - daily sales prices (`…/pt-out-list-price`): `supplyPrice`, `invoicePrice`,
//!   `rebateMoney` as exact JSON numbers (`1299.50`), as a Java BigDecimal is written;
//! - available stock (`…/get-available-stock-open`) per product and 6-digit `countyCode`:
//!   one row for the county's warehouse, a second for the one above it on every third
//!   product;
//! - logistics (`…/get-thirdparty-logistics-info-by-order-code-auth`) for the known order
//!   codes ([`HaierSim::order_codes`]); an unknown order has three empty lists.
//!
//! Not recorded, so chosen here (and matched by the connector's defaults): replies are
//! `{"success","code","message","data"}` with code `"200"`; refusals carry an HTTP-like
//! code: `401` token invalid or expired (HTTP 401), `403` wrong password, `400` bad
//! parameters, `429` too many calls (HTTP 429, `Retry-After: 1`), `500` system busy (HTTP
//! 5xx), `10001` unknown customer, `10002` unknown product. The token endpoint answers as
//! OAuth2 does: `{"access_token","token_type","expires_in"}`, or HTTP 401
//! `{"error":"invalid_client","error_description"}`. Category and brand endpoints are not
//! recorded: they are served only at the paths [`HaierSimConfig::category_path`] and
//! `brand_path` name, as `{code, name}` lists. The logistics entries' own fields
//! (`expressNo`, `expressCompany`, `status`, `snCodes`...) are not recorded either.
//!
//! Faults (`FaultSpec`, data calls with a live token only): `429`, `500`/`burst500`,
//! `timeout` (held 30 s, then 504), `slow`, `malformed` (the first half of the body),
//! `reset` (the connection is dropped), `expire_token_every` (the token is refused from
//! then on). [`HaierSim::expire_tokens`] ends every token at once, for expiry mid-sync.

mod answers;
mod catalogue;
mod routes;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::erp::FaultSpec;

use crate::erp::faults::FaultState;
use crate::erp::{expire_all, lock};
use crate::server::{SimServer, LOCAL_FREE_PORT};

#[derive(Debug, Clone)]
pub struct HaierSimConfig {
    /// Products in the catalogue.
    pub products: usize,
    /// Orders with logistics.
    pub orders: usize,
    pub seed: u64,
    pub client_id: String,
    pub client_secret: String,
    pub customer_code: String,
    pub send_to_code: String,
    /// `passWord` of product info and prices.
    pub password: String,
    /// `sellerPassword` of stock and logistics.
    pub seller_password: String,
    pub token_ttl: Duration,
    /// Where a category list is served (not recorded; off when `None`).
    pub category_path: Option<String>,
    pub brand_path: Option<String>,
    pub faults: FaultSpec,
}

impl Default for HaierSimConfig {
    fn default() -> Self {
        HaierSimConfig {
            products: 100,
            orders: 50,
            seed: 42,
            client_id: "storelink-haier".to_owned(),
            client_secret: "haier-client-secret".to_owned(),
            customer_code: "8800633175".to_owned(),
            send_to_code: "8800633175".to_owned(),
            password: "haier-pass".to_owned(),
            seller_password: "haier-seller-pass".to_owned(),
            token_ttl: Duration::from_secs(7200),
            category_path: None,
            brand_path: None,
            faults: FaultSpec::none(),
        }
    }
}

/// What the simulator saw.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HaierStats {
    /// Calls by route: `token`, `products`, `prices`, `stock`, `logistics`, `categories`,
    /// `brands`.
    pub requests: BTreeMap<String, u64>,
    pub tokens_issued: u64,
    pub failed_token_requests: u64,
    /// Data calls refused for a missing, unknown or expired token.
    pub rejected_tokens: u64,
    /// Product codes asked for in product info and price calls, all told.
    pub product_codes_asked: u64,
    /// The most product codes one call carried.
    pub max_codes_per_call: u64,
    /// Calls refused for carrying more than 20 product codes.
    pub oversized_requests: u64,
    /// Business refusals by code (`403`, `400`, `10001`...).
    pub refusals: BTreeMap<String, u64>,
    pub faults: BTreeMap<String, u64>,
}

pub(crate) struct Shared {
    pub config: HaierSimConfig,
    pub tokens: Mutex<HashMap<String, i64>>,
    pub faults: Mutex<FaultState>,
    pub stats: Mutex<HaierStats>,
}

/// A running simulator; dropping it stops the server too.
pub struct HaierSim {
    shared: Arc<Shared>,
    server: SimServer,
}

impl HaierSim {
    /// Serves on 127.0.0.1, on a free port.
    pub async fn start(config: HaierSimConfig) -> io::Result<HaierSim> {
        HaierSim::start_on(LOCAL_FREE_PORT, config).await
    }

    pub async fn start_on(addr: SocketAddr, config: HaierSimConfig) -> io::Result<HaierSim> {
        let shared = Arc::new(Shared {
            faults: Mutex::new(FaultState::new(config.faults.clone(), config.seed)),
            tokens: Mutex::new(HashMap::new()),
            stats: Mutex::new(HaierStats::default()),
            config,
        });
        let server =
            SimServer::start_on(addr, routes::router(Arc::clone(&shared)), "haier").await?;
        tracing::info!(addr = %server.addr(), products = shared.config.products, "haier simulator listening");
        Ok(HaierSim { shared, server })
    }

    /// `http://127.0.0.1:PORT`: the API endpoint (the token is at `/oauth2/auth`).
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    pub fn config(&self) -> &HaierSimConfig {
        &self.shared.config
    }

    pub fn stats(&self) -> HaierStats {
        lock(&self.shared.stats).clone()
    }

    pub fn set_faults(&self, faults: FaultSpec) {
        lock(&self.shared.faults).replace(faults);
    }

    /// Every token issued so far is refused from now on; how many there were.
    pub fn expire_tokens(&self) -> usize {
        expire_all(&self.shared.tokens)
    }

    /// Every product code of the catalogue, procurable or not.
    pub fn product_codes(&self) -> Vec<String> {
        (1..=self.shared.config.products)
            .map(catalogue::product_code)
            .collect()
    }

    /// The product info entry of a code, as served.
    pub fn product(&self, code: &str) -> Option<Value> {
        let n = catalogue::product_number(code, self.shared.config.products)?;
        Some(catalogue::product(self.shared.config.seed, n))
    }

    /// The ordinary supply price of a code as decimal text (`1299.50`), when it has one.
    pub fn supply_price(&self, code: &str) -> Option<String> {
        let n = catalogue::product_number(code, self.shared.config.products)?;
        catalogue::supply_fen(self.shared.config.seed, n).map(crate::erp::money::yuan)
    }

    /// The available stock of a code in a county, all rows added up.
    pub fn available_stock(&self, code: &str, county: &str) -> Option<u64> {
        let n = catalogue::product_number(code, self.shared.config.products)?;
        let rows = catalogue::stock_rows(self.shared.config.seed, n, county);
        Some(rows.iter().map(|(_, q, _)| q).sum())
    }

    /// The order codes Haier has logistics for.
    pub fn order_codes(&self) -> Vec<String> {
        (1..=self.shared.config.orders)
            .map(catalogue::order_code)
            .collect()
    }

    /// The logistics answer of an order (three lists, one of them filled).
    pub fn logistics(&self, order_code: &str) -> Option<Value> {
        let n = catalogue::order_number(order_code, self.shared.config.orders)?;
        Some(catalogue::logistics(self.shared.config.seed, n))
    }

    /// Stops accepting, drops every connection and waits for the server task.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}
