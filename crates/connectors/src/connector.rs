//! The one interface every vendor module implements: pull pages of a stream, fetch one
//! record, push a change, test the connection. Authentication (and re-login when the vendor
//! says the session is gone) lives inside each connector; retries, rate limits and
//! checkpoints live in the engine, the same for every vendor.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;
use storelink_core::sync::SyncMode;
use storelink_core::{AppError, ErrorClass};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A failed vendor call: its seed 004 class, the vendor's own message (kept for the log),
/// and how long the vendor asked us to wait, if it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    pub class: ErrorClass,
    pub message: String,
    pub retry_after: Option<Duration>,
    pub status: Option<u16>,
}

impl CallError {
    pub fn new(class: ErrorClass, message: impl Into<String>) -> Self {
        CallError {
            class,
            message: message.into(),
            retry_after: None,
            status: None,
        }
    }

    pub fn retryable(&self) -> bool {
        self.class.is_retryable()
    }
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            Some(s) => write!(f, "{} (HTTP {s}): {}", self.class, self.message),
            None => write!(f, "{}: {}", self.class, self.message),
        }
    }
}

impl From<CallError> for AppError {
    fn from(e: CallError) -> Self {
        AppError::External {
            class: e.class,
            retryable: e.retryable(),
            message: e.to_string(),
        }
    }
}

/// How a stream's pages are addressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// `page` (1-based) and `limit`, filtered by a change time (`updated_since`).
    PageLimit,
    /// The vendor returns a link to the next page.
    NextLink,
    /// `offset`/`start row` and `limit`.
    Offset,
}

/// Which local table a stream fills, and so the shape of its records' `data`:
/// - `Customers`, `Products`, `Orders`: seed 004 §2.1 (camelCase);
/// - `MarketplaceOrders`: `orderSn`, `status` (required), `totalAmount` (decimal text),
///   `currency`, `orderTime`, `items`, and whatever else the vendor sends;
/// - `Logistics`: `orderCode` (required), `trackingNumber`, `carrier`, `status`, `snCodes`;
/// - `Reservations`, `SupplierOrders`, `Members`: the bodies seeds 002 and 000 push
///   (`ReservationInput`, `SupplierOrderInput` or `SupplierStatusChange`, `MemberInput`),
///   applied through the same rules as a push (the engine's domain sink).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Customers,
    Products,
    Orders,
    MarketplaceOrders,
    Logistics,
    Reservations,
    SupplierOrders,
    Members,
}

impl Entity {
    /// The item type of the entity's sync logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Customers => "customer",
            Entity::Products => "product",
            Entity::Orders => "order",
            Entity::MarketplaceOrders => "marketplace_order",
            Entity::Logistics => "logistics",
            Entity::Reservations => "reservation",
            Entity::SupplierOrders => "supplier_order",
            Entity::Members => "member",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamSpec {
    /// `customers`, `products`, `orders`.
    pub name: &'static str,
    pub entity: Entity,
    pub modes: &'static [SyncMode],
    /// The vendor field the change cursor follows (`updated_at`).
    pub cursor_field: &'static str,
    pub page_style: PageStyle,
}

/// Every shipped stream supports full, incremental and single-record syncs.
pub const ALL_MODES: &[SyncMode] = &[SyncMode::Full, SyncMode::Incremental, SyncMode::Single];

impl StreamSpec {
    /// A stream supporting [`ALL_MODES`].
    pub const fn new(
        name: &'static str,
        entity: Entity,
        cursor_field: &'static str,
        page_style: PageStyle,
    ) -> Self {
        StreamSpec {
            name,
            entity,
            modes: ALL_MODES,
            cursor_field,
            page_style,
        }
    }
}

/// The `customers`, `products` and `orders` streams of an ERP whose three lists follow the
/// same cursor field and are paged the same way.
pub const fn erp_streams(cursor_field: &'static str, page_style: PageStyle) -> [StreamSpec; 3] {
    [
        StreamSpec::new("customers", Entity::Customers, cursor_field, page_style),
        StreamSpec::new("products", Entity::Products, cursor_field, page_style),
        StreamSpec::new("orders", Entity::Orders, cursor_field, page_style),
    ]
}

/// One page to fetch: records changed at or after `since` (all when `None`), in the
/// vendor's change order, page `page` (1-based) of `limit`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullRequest {
    pub since: Option<DateTime<Utc>>,
    pub page: u32,
    pub limit: u32,
    /// For streams read by id rather than listed (logistics by order code): every id the
    /// sync is about, the same on each page; the connector asks for page `page` of them in
    /// the batches its vendor allows. Empty for listed streams.
    pub ids: Vec<String>,
}

/// A record as Storelink keeps it: mapped to the seed 004 model, with what paging needs.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteRecord {
    pub external_id: String,
    /// The vendor's change time; the cursor of incremental syncs.
    pub updated_at: Option<DateTime<Utc>>,
    /// The record in Storelink's model (seed 004 §2.1, camelCase), after the field mapping.
    pub data: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PulledPage {
    pub records: Vec<RemoteRecord>,
    pub has_more: bool,
    /// How many records match in all, when the vendor says.
    pub total: Option<i64>,
}

/// A local change to deliver (an outbox entry).
#[derive(Debug, Clone, PartialEq)]
pub struct PushRequest {
    /// `order.create`, `order.status`, `customer.create`, `customer.update`, ...
    pub operation: String,
    pub payload: Value,
    /// Sent to vendors that support it, so a retried delivery is applied once.
    pub idempotency_key: String,
}

pub trait Connector: Send + Sync {
    fn streams(&self) -> &'static [StreamSpec];

    fn stream(&self, name: &str) -> Option<&'static StreamSpec> {
        self.streams().iter().find(|s| s.name == name)
    }

    /// A real login and one cheap read.
    fn test_connection(&self) -> BoxFuture<'_, Result<(), CallError>>;

    fn pull<'a>(
        &'a self,
        stream: &'a str,
        request: PullRequest,
    ) -> BoxFuture<'a, Result<PulledPage, CallError>>;

    /// One record by its vendor id (a webhook named it); `None` if the vendor has none.
    fn pull_one<'a>(
        &'a self,
        stream: &'a str,
        external_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<RemoteRecord>, CallError>>;

    /// Delivers a change; the vendor's reply is kept with the outbox entry.
    fn push<'a>(&'a self, request: &'a PushRequest) -> BoxFuture<'a, Result<Value, CallError>>;

    /// The stream and vendor id of the record a received webhook event is about, so the
    /// engine pulls it; `None` when the event names no record (it is kept as it is). The
    /// default reads seed 004 §2.3 ERP events: `customer.*`, `product.*`, `order.*` with
    /// `data.externalId` (or `data.id`).
    fn event_target(&self, event_type: &str, payload: &Value) -> Option<(String, String)> {
        erp_event_target(event_type, payload)
    }
}

/// Seed 004 §2.3: `customer.updated` with `data.externalId` → (`customers`, id).
pub fn erp_event_target(event_type: &str, payload: &Value) -> Option<(String, String)> {
    let stream = match event_type.split('.').next()? {
        "customer" => "customers",
        "product" => "products",
        "order" => "orders",
        _ => return None,
    };
    let id = payload["data"]["externalId"]
        .as_str()
        .or_else(|| payload["data"]["id"].as_str())?;
    Some((stream.to_owned(), id.to_owned()))
}
