//! A simulator of the SAP Business One Service Layer (v1) on the real paths under
//! `/b1s/v1/`: `Login`/`Logout` with `B1SESSION` + `ROUTEID` cookies and sliding session
//! timeouts (401 code 301 once gone), `BusinessPartners`, `Items`, `Orders` listed (with
//! `$filter` on `UpdateDate`/`UpdateTime`, `$skip`, `$top`, `$select`, `$inlinecount`,
//! `Prefer: odata.maxpagesize`, `odata.nextLink`, default page 20) and by key, business
//! partners created and patched, orders created, closed and cancelled. Errors come in the
//! Service Layer's shape `{"error":{"code","message":{"lang","value"}}}`.
//!
//! The records are the custom ERP simulator's (same seed, same dataset), rendered in SAP's
//! fields: customers become business partners keyed by their id (`C000001`), products items
//! (`P000001`, the SKU as `BarCode`), orders documents (`DocEntry` = the order's number).
//! Money and quantities are JSON numbers written from fixed point, never through a float.
//! Listings are always in change order (`$orderby` is accepted, not applied), which is the
//! order the connector asks for. Filters understood: `CardType eq '...'`, `NumAtCard eq
//! '...'`, `UpdateDate ge|gt 'D'`, `UpdateDate gt 'D' or (UpdateDate eq 'D' and UpdateTime
//! ge 'T')`, joined by `and`; anything else is a 400. Times are UTC.
//!
//! Faults: the custom ERP's `FaultSpec` on authenticated data routes (429 with
//! `Retry-After: 1`, 5xx, timeout, slow, malformed, reset, `expire_token_every` which ends
//! the caller's session, burst500). Test hooks: [`SapB1Sim::touch`],
//! [`SapB1Sim::expire_sessions`], [`SapB1Sim::set_faults`], [`SapB1Sim::stats`].

pub(crate) mod filter;
pub(crate) mod gate;
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
use crate::erp::model::{Customer, Item, Order, Product, Status, Step};
use crate::erp::money::line_amount;
use crate::erp::{expire_all, lock, read, write};
use crate::server::{SimServer, LOCAL_FREE_PORT};

#[derive(Debug, Clone)]
pub struct SapB1SimConfig {
    /// Business partners; items are half as many and orders a quarter (at least one each).
    pub records: usize,
    pub seed: u64,
    pub company_db: String,
    pub username: String,
    pub password: String,
    /// A session ends after this long without a call (the Service Layer's default is 30 min).
    pub session_timeout: Duration,
    /// The most records one page may hold whatever `Prefer` asks (0: no cap).
    pub max_page_size: usize,
    pub faults: FaultSpec,
}

impl Default for SapB1SimConfig {
    fn default() -> Self {
        SapB1SimConfig {
            records: 1000,
            seed: 42,
            company_db: "SBODEMOCN".to_owned(),
            username: "manager".to_owned(),
            password: "b1-pass".to_owned(),
            session_timeout: Duration::from_secs(30 * 60),
            max_page_size: 0,
            faults: FaultSpec::none(),
        }
    }
}

/// What the simulator saw.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SapB1Stats {
    /// By route, e.g. `"GET BusinessPartners"`, `"GET Orders(key)"`, `"POST Login"`.
    pub requests: BTreeMap<String, u64>,
    pub logins: u64,
    pub failed_logins: u64,
    pub logouts: u64,
    /// Requests refused 401 code 301 for a missing, unknown or expired session (not
    /// injected faults).
    pub rejected_sessions: u64,
    /// Injected faults by kind, named as in the spec text.
    pub faults: BTreeMap<String, u64>,
    pub writes: SapB1Writes,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SapB1Writes {
    pub customers_created: u64,
    pub customers_updated: u64,
    pub orders_created: u64,
    pub orders_closed: u64,
    pub orders_cancelled: u64,
    /// Every write applied, in order: `POST BusinessPartners C000009`, `PATCH
    /// BusinessPartners C000001`, `POST Orders 251`...
    pub log: Vec<String>,
}

/// The dataset plus the codes of business partners created with codes of their own.
pub(crate) struct Store {
    pub data: Data,
    pub code_to_n: HashMap<String, u32>,
    pub n_to_code: HashMap<u32, String>,
}

impl Store {
    pub(crate) fn new(data: Data) -> Store {
        Store {
            data,
            code_to_n: HashMap::new(),
            n_to_code: HashMap::new(),
        }
    }

    /// Marks records changed now, by the keys the API shows for them; unknown keys are
    /// ignored.
    pub(crate) fn touch_keys(&mut self, kind: Kind, keys: &[String]) {
        let canonical: Vec<String> = keys
            .iter()
            .filter_map(|id| self.number(kind, id))
            .map(|n| kind.id(n))
            .collect();
        self.data.touch(kind, &canonical);
    }

    /// Every key of a kind as the API shows it, in record order.
    pub(crate) fn keys(&self, kind: Kind) -> Vec<String> {
        let n = self.data.len(kind) as u32;
        (1..=n)
            .map(|i| match kind {
                Kind::Customers => self.card_code(i),
                Kind::Products => kind.id(i),
                Kind::Orders => i.to_string(),
            })
            .collect()
    }

    /// Inserts a new customer under `code`, remembering the code when it is not the
    /// generated one; returns its number.
    pub(crate) fn insert_customer(&mut self, code: &str, c: Customer) -> u32 {
        let now = self.data.now();
        let n = self.data.customers.insert(now, c);
        if Kind::Customers.id(n) != code {
            self.code_to_n.insert(code.to_owned(), n);
            self.n_to_code.insert(n, code.to_owned());
        }
        n
    }

    /// A product's number from its key, if it exists.
    pub(crate) fn product_number(&self, code: &str) -> Option<u32> {
        Kind::Products
            .parse_id(code)
            .filter(|n| (*n as usize) <= self.data.len(Kind::Products))
    }

    /// Inserts a new pending sales order of `customer` (a number); returns its number.
    pub(crate) fn insert_sales_order(
        &mut self,
        customer: u32,
        reference: Option<String>,
        currency: Option<String>,
        items: Vec<Item>,
    ) -> u32 {
        let now = self.data.now();
        let next = self.data.len(Kind::Orders) + 1;
        let order = Order {
            order_number: reference.clone().unwrap_or_else(|| format!("SO-{next:06}")),
            kind: "sales".to_owned(),
            customer_id: Kind::Customers.id(customer),
            customer_name: self
                .data
                .customer(customer)
                .map(|c| c.0.name)
                .unwrap_or_default(),
            status: Status::Pending,
            currency: currency.unwrap_or_else(|| "CNY".to_owned()),
            items,
            created_ms: now,
            timeline: Step::created(now),
            reference,
        };
        self.data.orders.insert(now, order)
    }

    pub(crate) fn card_code(&self, n: u32) -> String {
        self.n_to_code
            .get(&n)
            .cloned()
            .unwrap_or_else(|| Kind::Customers.id(n))
    }

    /// A business partner's number from its CardCode.
    pub(crate) fn customer_number(&self, code: &str) -> Option<u32> {
        if let Some(n) = self.code_to_n.get(code) {
            return Some(*n);
        }
        let n = Kind::Customers.parse_id(code)?;
        (!self.n_to_code.contains_key(&n) && (n as usize) <= self.data.len(Kind::Customers))
            .then_some(n)
    }

    /// A record's number from the key the Service Layer shows for it.
    pub(crate) fn number(&self, kind: Kind, key: &str) -> Option<u32> {
        let n = match kind {
            Kind::Customers => return self.customer_number(key),
            Kind::Products => kind.parse_id(key)?,
            Kind::Orders => key.parse().ok().or_else(|| kind.parse_id(key))?,
        };
        (n > 0 && (n as usize) <= self.data.len(kind)).then_some(n)
    }
}

/// A sales order line for `quantity` (milli) of a product at `price` (fen).
pub(crate) fn sales_item(product_id: String, product: Product, quantity: i64, price: i64) -> Item {
    Item {
        product_id,
        sku: product.sku,
        name: product.name,
        quantity_milli: quantity,
        unit_price_fen: price,
        amount_fen: line_amount(quantity, price),
    }
}

pub(crate) struct Shared {
    pub store: RwLock<Store>,
    /// SessionId → last use (ms); `i64::MIN` once expired by a hook or a fault.
    pub sessions: Mutex<HashMap<String, i64>>,
    pub faults: Mutex<FaultState>,
    pub stats: Mutex<SapB1Stats>,
    pub company_db: String,
    pub username: String,
    pub password: String,
    pub session_timeout: Duration,
    pub max_page_size: usize,
}

/// A running simulator. Dropping it stops the server too; [`SapB1Sim::stop`] also waits.
pub struct SapB1Sim {
    shared: Arc<Shared>,
    server: SimServer,
}

impl SapB1Sim {
    /// Generates the data and serves on 127.0.0.1, on a free port.
    pub async fn start(config: SapB1SimConfig) -> io::Result<SapB1Sim> {
        SapB1Sim::start_on(LOCAL_FREE_PORT, config).await
    }

    pub async fn start_on(addr: SocketAddr, config: SapB1SimConfig) -> io::Result<SapB1Sim> {
        let (records, seed) = (config.records, config.seed);
        let data = Data::generate_blocking(records, seed).await?;
        let shared = Arc::new(Shared {
            store: RwLock::new(Store::new(data)),
            sessions: Mutex::new(HashMap::new()),
            faults: Mutex::new(FaultState::new(config.faults, seed)),
            stats: Mutex::new(SapB1Stats::default()),
            company_db: config.company_db,
            username: config.username,
            password: config.password,
            session_timeout: config.session_timeout,
            max_page_size: config.max_page_size,
        });
        let router = routes::router(Arc::clone(&shared));
        let server = SimServer::start_on(addr, router, "sap b1").await?;
        tracing::info!(addr = %server.addr(), records, seed, "sap b1 simulator listening");
        Ok(SapB1Sim { shared, server })
    }

    /// `http://127.0.0.1:PORT/b1s/v1`, the Service Layer root a connector is given.
    pub fn base_url(&self) -> String {
        format!("{}/b1s/v1", self.server.base_url())
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    pub fn stats(&self) -> SapB1Stats {
        lock(&self.shared.stats).clone()
    }

    /// Simulates edits made in SAP (`kind`: `customers`, `products`, `orders`; ids as the
    /// Service Layer shows them: CardCode, ItemCode, DocEntry). Unknown ids are ignored.
    pub fn touch(&self, kind: &str, ids: &[String]) {
        let Some(kind) = Kind::parse(kind) else {
            tracing::warn!(kind, "sap b1 simulator: touch of an unknown kind");
            return;
        };
        write(&self.shared.store).touch_keys(kind, ids);
    }

    /// Replaces the faults; counters and the random sequence restart from the seed.
    pub fn set_faults(&self, faults: FaultSpec) {
        lock(&self.shared.faults).replace(faults);
    }

    /// Every session opened so far is expired from now on.
    pub fn expire_sessions(&self) {
        expire_all(&self.shared.sessions);
    }

    /// Every key of a kind as the Service Layer shows it, in record order.
    pub fn ids(&self, kind: &str) -> Vec<String> {
        let Some(kind) = Kind::parse(kind) else {
            return Vec::new();
        };
        read(&self.shared.store).keys(kind)
    }

    /// One record as the Service Layer returns it (money as decimal strings here).
    pub fn record(&self, kind: &str, key: &str) -> Option<Value> {
        let kind = Kind::parse(kind)?;
        let store = read(&self.shared.store);
        let n = store.number(kind, key)?;
        let v = render::entity(&store, kind, n)?;
        serde_json::from_str(&render::plain_text(&v)).ok()
    }

    /// Stops accepting, drops every connection and waits for the server task.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}
