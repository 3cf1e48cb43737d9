//! Haier open platform (海尔开放平台, the 巨商汇/易理货 product, price, stock and logistics
//! APIs), provider `haier`, system type `supplier`.
//!
//! What is recorded (seed 001 and VENDORS.md, confidence L: one third-party
//! transcription, with the request bodies of a transcribed interface document):
//! - Token: `POST {token_url}` (default `{api_endpoint}/oauth2/auth`; the test host is
//!   `https://openplat-test.haier.net`) with the JSON body `{client_id, client_secret,
//!   grant_type: "client_credentials"}`. The answer's `access_token` (or `token`, also under
//!   `data`) is used until 60 s before `expires_in` (3600 s when not given) and shared by
//!   concurrent calls. A 401 or a token-invalid code means one new token and one repeat,
//!   then `authentication_error`.
//! - Calls: JSON POSTs with `Authorization: Bearer <token>` to
//!   - product info `…/procurable-products-out/check-procurable-products`
//!     `{customerCode, sendToCode, supplierCode, searchType: "PTJSH", passWord,
//!     productCodes}` (at most 20 codes; none = every procurable product) →
//!     `productCode, productModel, productGroupNamd, productBrandName, productImageUrl,
//!     productLageUrls, isSales, noSalesReason`;
//!   - daily sales price `…/price-query/pt-out-list-price` `{customerCode, sendToCode,
//!     productCodes (≤ 20), priceType: "PT", passWord}` → `productCode, supplyPrice,
//!     invoicePrice, rebateMoney, reason, isSales`;
//!   - available stock `…/stock/get-available-stock-open` `{salesCode, senderCode,
//!     productCode, countyCode, source: "JSH-B", sellerPassword}` → rows of `secCode,
//!     stock, warehouseGrade, timelinessData` (the rows are added up);
//!   - logistics `…/get-thirdparty-logistics-info-by-order-code-auth` `{orderCode,
//!     sellerCode, sellerPassword}` → the lists `getAllLogisticsInfoByOrderCode`,
//!     `getStockDeliveryLogisticsRecord`, `getStockDeliveryLogisticsRecordThirdparty`.
//!
//! What is not recorded, and so is a setting (defaults in brackets):
//! - The reply envelope: `config.reply.{success_key [success], code_key [code],
//!   message_key [message], data_key [data], ok_codes [200, 0], token_invalid_codes [401]}`.
//!   A bare list is taken as the payload. Codes map to classes through
//!   `config.error_classes` (`{"E100": "business_logic_error"}`), else HTTP-like codes read as
//!   their status would (400 validation, 403 authorization, 429 rate limit, 5xx network…)
//!   and any other code is `business_logic_error`; the vendor's message is kept.
//! - Category and brand endpoints: none recorded. Categories and brands are taken from the
//!   product info replies (`productGroupNamd`, `productBrandName`); `config.paths.categories`
//!   and `config.paths.brands`, when set, are POSTed once per sync with `{customerCode,
//!   sendToCode, supplierCode, passWord}` and their `{code, name}` entries give the codes
//!   (`category.id`, `brand.id`) of those names.
//! - The fields inside the logistics lists: the shipped mapping reads `expressNo`,
//!   `expressCompany`, `status`, `snCodes`, `deliveryRecordCode`, `updateTime` of the first
//!   entry of the first non-empty list (`config.logistics_lists` orders them); change them
//!   under `config.field_mapping.logistics`.
//! - `config.auth_scheme` [`Bearer`]: the transcribed client sends the bare token (`""`).
//! - Every path: `config.paths.{products, prices, stock, logistics}`.
//!
//! Settings: `api_endpoint` (the platform host), `config.client_id`,
//! `config.customer_code` (售达方), `config.send_to_code` (送达方, default the customer code),
//! `config.supplier_code` [1001 海尔智家], `config.seller_code` (logistics, default the
//! customer code), `config.county_code` (6-digit area code, needed while `sync_stock`),
//! `config.product_codes` (list, or comma-separated text), `config.product_batch_size`
//! [20, at most 20], `config.sync_prices` [true], `config.sync_stock` [true],
//! `config.price_type` [PT], `config.stock_source` [JSH-B], `config.search_type` [PTJSH],
//! `config.token_url`, `config.timeout_ms`, `config.field_mapping.{products,logistics}`.
//! Secrets: `client_secret`, `password` (约定密码, product info and prices) and
//! `seller_password` (客户密码, stock and logistics).
//!
//! Streams: `products`, `prices`, `stock` (all `Entity::Products`, the same merged records,
//! so running one after another never flips a record back; `prices` / `stock` are refused
//! while their option is off) and `logistics` (`Entity::Logistics`, by the open supplier
//! order numbers). No change time is recorded, so every sync reads all it covers. Nothing
//! recorded writes, so `push` is refused; orders go to 易理货 (provider `ylh`).

mod auth;
mod client;
pub mod config;
mod logistics;
pub mod mapping;
mod products;
mod reply;
#[cfg(test)]
mod tests;

use serde_json::Value;
use storelink_core::{AppError, ErrorClass};

pub use auth::{read_token, usable_for};
pub use config::HaierConfig;
pub use mapping::{default_mapping, mappable_fields, STREAMS};
pub use reply::{default_class, read_reply, Reply, ReplyShape};

use crate::connector::{
    BoxFuture, CallError, Connector, PullRequest, PulledPage, PushRequest, RemoteRecord, StreamSpec,
};
use crate::mapping::{in_force, CompiledMapping};
use crate::registry::ConnectorSettings;
use client::Client;
use mapping::Lookups;

/// The connector for a `haier` supplier system (keys in the module docs).
pub fn from_settings(settings: &ConnectorSettings) -> Result<Box<dyn Connector>, AppError> {
    Ok(Box::new(Haier::new(config::from_settings(settings)?)?))
}

pub struct Haier {
    config: HaierConfig,
    client: Client,
    products: CompiledMapping,
    logistics: CompiledMapping,
    /// Every procurable product, when no codes are configured; read once per connector.
    catalogue: tokio::sync::Mutex<Option<Vec<Value>>>,
    lookups: tokio::sync::Mutex<Option<Lookups>>,
}

impl Haier {
    pub fn new(config: HaierConfig) -> Result<Haier, CallError> {
        let client = Client::new(&config)?;
        // `prices` and `stock` use the products mapping, so their records are identical.
        let products = in_force(&config.mappings, "products", default_mapping).compile();
        let logistics = in_force(&config.mappings, "logistics", default_mapping).compile();
        Ok(Haier {
            config,
            client,
            products,
            logistics,
            catalogue: tokio::sync::Mutex::new(None),
            lookups: tokio::sync::Mutex::new(None),
        })
    }

    /// Tokens fetched by this connector so far.
    pub fn token_fetches(&self) -> u64 {
        self.client.auth.fetches()
    }

    /// A stream this connector reads, or why not.
    fn check_stream(&self, stream: &str) -> Result<(), CallError> {
        let refused = |option: &str| {
            CallError::new(
                ErrorClass::ValidationError,
                format!(
                    "the `{stream}` stream is off for this system (config.{option} is false); \
                     turn it on or sync `products`"
                ),
            )
        };
        match stream {
            "products" | "logistics" => Ok(()),
            "prices" if self.config.sync_prices => Ok(()),
            "prices" => Err(refused("sync_prices")),
            "stock" if self.config.sync_stock => Ok(()),
            "stock" => Err(refused("sync_stock")),
            other => Err(CallError::new(
                ErrorClass::ValidationError,
                format!("the Haier connector has no stream `{other}`"),
            )),
        }
    }
}

impl Connector for Haier {
    fn streams(&self) -> &'static [StreamSpec] {
        STREAMS
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<(), CallError>> {
        Box::pin(async move {
            let codes: Vec<String> = self.config.product_codes.iter().take(1).cloned().collect();
            crate::http::check_connection(
                || self.client.auth.forget(),
                self.client.auth.token(),
                self.product_info(&codes),
            )
            .await
        })
    }

    fn pull<'a>(
        &'a self,
        stream: &'a str,
        request: PullRequest,
    ) -> BoxFuture<'a, Result<PulledPage, CallError>> {
        Box::pin(async move {
            self.check_stream(stream)?;
            match stream {
                "logistics" => self.logistics_page(&request).await,
                _ => self.product_page(request.page, request.limit).await,
            }
        })
    }

    fn pull_one<'a>(
        &'a self,
        stream: &'a str,
        external_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<RemoteRecord>, CallError>> {
        Box::pin(async move {
            self.check_stream(stream)?;
            match stream {
                "logistics" => self.logistics_one(external_id).await,
                _ => self.product_one(external_id).await,
            }
        })
    }

    fn push<'a>(&'a self, request: &'a PushRequest) -> BoxFuture<'a, Result<Value, CallError>> {
        Box::pin(async move {
            Err(CallError::new(
                ErrorClass::ValidationError,
                format!(
                    "the Haier open platform connector only reads (products, prices, stock, \
                     logistics); `{}` cannot be sent to it. Orders go to 易理货 (provider `ylh`)",
                    request.operation
                ),
            ))
        })
    }

    /// No Haier webhooks are recorded: an event names no record to pull.
    fn event_target(&self, _event_type: &str, _payload: &Value) -> Option<(String, String)> {
        None
    }
}
