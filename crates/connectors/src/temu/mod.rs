//! Temu Partner API (seed 003), provider `temu` on an `ecommerce` system.
//!
//! Settings:
//! - `api_endpoint`: the region's router host, `https://openapi-b-us.temu.com` (also
//!   `openapi-b-eu`, `openapi-b-global`; CN `https://openapi.kuajingmaihuo.com`); a full
//!   `…/openapi/router` is accepted too.
//! - `config.app_key`; secrets `app_secret` (signs calls, opens webhooks) and `access_token`
//!   (issued when the seller authorizes the app in Temu Seller Center; Temu documents no
//!   refresh call, so an expired token (3000034) fails the sync with advice to
//!   re-authorize the shop and save the new token).
//! - `config.api_version`: sent as `version` when set (the documented sign example sends
//!   none, so none is the default).
//! - `config.history_start`: where a full order sync starts (RFC 3339 or seconds; default
//!   2022-01-01, before Temu opened); `config.parent_order_status`: only that status.
//! - `config.goods_search_type`, `config.goods_status_filter_type` (both 1).
//! - `config.rate_limit_per_second` (20, Temu's limit per app key): the engine's limit,
//!   and the spacing of this connector's own calls (a page of orders may take several).
//! - `config.timeout_ms`, `config.field_mapping.orders|products`.
//!
//! Streams: `orders` (parent orders, [`orders`] explains the time windows) and `products`
//! (goods with their SKUs, [`products`]). `pull_one` reads an order through
//! `bg.order.detail.v2.get` by parent order number and a product by goods id. Webhooks:
//! [`webhook`] checks and opens Temu's pushes; [`event_target`] turns an order event
//! into a pull of that order.
//!
//! Not known from Temu's documents, and so assumed (and simulated) here: the order list's
//! amounts (none; see [`mapping::mappable_fields`]), whether `updateAtEnd` counts its last
//! second (read as inclusive, as the docs say; a window read twice at worst), and the
//! goods' status field names (`status`, `subStatus`).

pub mod client;
pub mod errors;
pub mod mapping;
pub mod orders;
pub mod products;
pub mod sign;
pub mod webhook;

use chrono::DateTime;
use serde_json::{Map, Value};
use storelink_core::error::{AppError, Rule};
use storelink_core::ErrorClass;

pub use mapping::{default_mapping, mappable_fields, STREAMS};

use crate::connector::{
    BoxFuture, CallError, Connector, PullRequest, PulledPage, PushRequest, RemoteRecord, StreamSpec,
};
use crate::mapping::{compile_streams, compiled_for, CompiledMapping};
use crate::registry::ConnectorSettings;
use client::{Client, Credentials};

/// 2022-01-01T00:00:00Z: before Temu took its first order.
const HISTORY_START: i64 = 1_640_995_200;
const DEFAULT_RATE: u32 = 20;

/// The order events Temu pushes (its `bg.tmc.message.update` list) name a parent order.
pub const ORDER_EVENTS: &[&str] = &[
    "bg_order_status_change_event",
    "bg_trade_logistics_address_changed",
    "bg_aftersales_status_change",
    "bg_cancel_order_status_change",
];

pub struct Temu {
    client: Client,
    mappings: Vec<(String, CompiledMapping)>,
    windows: orders::Windows,
    history_start: i64,
    order_status: Option<i64>,
    goods_search_type: i64,
    goods_status_filter: i64,
}

fn int(settings: &ConnectorSettings, key: &str) -> Option<i64> {
    match settings.config.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn history_start(settings: &ConnectorSettings) -> Result<i64, AppError> {
    let Some(text) = settings.optional_text("history_start") else {
        return Ok(int(settings, "history_start").unwrap_or(HISTORY_START));
    };
    text.trim()
        .parse::<i64>()
        .ok()
        .or_else(|| {
            DateTime::parse_from_rfc3339(text.trim())
                .ok()
                .map(|t| t.timestamp())
        })
        .ok_or_else(|| {
            AppError::field(
                "config.history_start",
                Rule::Format {
                    expected: "an RFC 3339 time or Unix seconds".into(),
                },
                "history_start is not a time",
            )
        })
}

/// The connector for a `temu` system (keys in the module doc).
pub fn from_settings(settings: &ConnectorSettings) -> Result<Box<dyn Connector>, AppError> {
    let creds = Credentials {
        app_key: settings.text("app_key", "the Temu app key")?,
        app_secret: settings.secret("app_secret", "the Temu app secret")?,
        access_token: settings.secret("access_token", "the shop's Temu access token")?,
    };
    let rate = int(settings, "rate_limit_per_second")
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_RATE);
    let client = Client::new(
        &settings.base_url()?,
        creds,
        settings.timeout(),
        rate,
        settings.optional_text("api_version"),
    )
    .map_err(AppError::from)?;
    let mappings = settings.stream_mappings(STREAMS, default_mapping, mappable_fields)?;
    Ok(Box::new(Temu {
        client,
        mappings: compile_streams(STREAMS, &mappings, default_mapping),
        windows: orders::Windows::default(),
        history_start: history_start(settings)?,
        order_status: int(settings, "parent_order_status").filter(|s| *s != 0),
        goods_search_type: int(settings, "goods_search_type").unwrap_or(1),
        goods_status_filter: int(settings, "goods_status_filter_type").unwrap_or(1),
    }))
}

fn unknown_stream(stream: &str) -> CallError {
    CallError::new(
        ErrorClass::ValidationError,
        format!("Temu has no stream `{stream}` (orders, products)"),
    )
}

impl Temu {
    fn mapping(&self, stream: &str) -> Result<&CompiledMapping, CallError> {
        compiled_for(&self.mappings, stream).ok_or_else(|| unknown_stream(stream))
    }

    fn orders(&self) -> Result<orders::Orders<'_>, CallError> {
        Ok(orders::Orders {
            client: &self.client,
            mapping: self.mapping("orders")?,
            windows: &self.windows,
            history_start: self.history_start,
            status: self.order_status,
        })
    }

    fn products(&self) -> Result<products::Products<'_>, CallError> {
        Ok(products::Products {
            client: &self.client,
            mapping: self.mapping("products")?,
            search_type: self.goods_search_type,
            status_filter: self.goods_status_filter,
        })
    }
}

impl Connector for Temu {
    fn streams(&self) -> &'static [StreamSpec] {
        STREAMS
    }

    /// The credentials are checked by one small, documented read: the last day's orders.
    fn test_connection(&self) -> BoxFuture<'_, Result<(), CallError>> {
        Box::pin(async move {
            let now = chrono::Utc::now().timestamp();
            let mut params = Map::new();
            params.insert("pageNumber".into(), 1.into());
            params.insert("pageSize".into(), 1.into());
            params.insert("updateAtStart".into(), (now - 86_400).into());
            params.insert("updateAtEnd".into(), now.into());
            self.client.call(orders::LIST, params).await.map(|_| ())
        })
    }

    fn pull<'a>(
        &'a self,
        stream: &'a str,
        request: PullRequest,
    ) -> BoxFuture<'a, Result<PulledPage, CallError>> {
        Box::pin(async move {
            match stream {
                "orders" => self.orders()?.pull(&request).await,
                "products" => self.products()?.pull(&request).await,
                other => Err(unknown_stream(other)),
            }
        })
    }

    fn pull_one<'a>(
        &'a self,
        stream: &'a str,
        external_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<RemoteRecord>, CallError>> {
        Box::pin(async move {
            match stream {
                "orders" => self.orders()?.one(external_id).await,
                "products" => self.products()?.one(external_id).await,
                other => Err(unknown_stream(other)),
            }
        })
    }

    fn push<'a>(&'a self, request: &'a PushRequest) -> BoxFuture<'a, Result<Value, CallError>> {
        Box::pin(async move {
            Err(CallError::new(
                ErrorClass::ValidationError,
                format!(
                    "the Temu connector only reads; it cannot deliver `{}`",
                    request.operation
                ),
            ))
        })
    }

    /// An order event (or any event naming an order) → a pull of that parent order.
    fn event_target(&self, event_type: &str, payload: &Value) -> Option<(String, String)> {
        event_target(event_type, payload)
    }
}

/// The parent order a decrypted Temu event names: `parentOrderSn`, else `orderSn` (the
/// guide's example event carries only `orderSn`; it is read as the parent order number).
pub fn event_target(event_type: &str, payload: &Value) -> Option<(String, String)> {
    let sn = ["parentOrderSn", "orderSn"]
        .iter()
        .find_map(|k| payload.get(k).and_then(Value::as_str))
        .map(str::trim)
        .filter(|s| !s.is_empty())?;
    if !ORDER_EVENTS.contains(&event_type) && !event_type.starts_with("bg_") {
        return None;
    }
    Some(("orders".to_owned(), sn.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn order_events_name_their_parent_order() {
        assert_eq!(
            event_target(
                "bg_order_status_change_event",
                &json!({"parentOrderSn": "PO-211-1", "orderSn": "211-1", "status": 4})
            ),
            Some(("orders".to_owned(), "PO-211-1".to_owned()))
        );
        assert_eq!(
            event_target(
                "bg_cancel_order_status_change",
                &json!({"orderSn": "PO-211-2"})
            ),
            Some(("orders".to_owned(), "PO-211-2".to_owned()))
        );
        assert_eq!(
            event_target("bg_order_status_change_event", &json!({"status": 1})),
            None
        );
        assert_eq!(
            event_target("order.updated", &json!({"orderSn": "x"})),
            None
        );
    }
}
