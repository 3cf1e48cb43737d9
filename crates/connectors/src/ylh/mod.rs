//! 易理货 (YLH, Haier's 巨商汇 retail order centre), provider `ylh` on a `supplier` system:
//! supplier orders created, cancelled and rescheduled (改约) through the outbox, logistics
//! (tracking number, carrier, SN codes) pulled for open orders, and the callbacks YLH makes
//! to the store (signature and settings in [`callback`] and [`sign`]).
//!
//! What is known comes from one unofficial transcription (VENDORS.md, confidence L) and the
//! vendor's interface document it was made from; everything else is a setting:
//! - `api_endpoint`: the gateway root, e.g. `http://www.yilihuo.com` (pre-production
//!   `http://pre.yilihuo.com`, whose services carry a `-pre` suffix: override `paths`).
//! - `config.auth_url`: the token service root (default `{api_endpoint}/ylh-cloud-mgt-auth`);
//!   the token is `POST {auth_url}/oauth/token`.
//! - `config.client_id`, `config.username`; secrets `client_secret`, `password`.
//! - `config.system_name` (`ylh-open-api`): the `system-name` header of the token call.
//! - `config.source_system` (订单来源), `config.shop_name` (店铺名称), optional
//!   `config.seller_code` (客户八码) sent with every order.
//! - `config.paths.{order_create, order_cancel, order_reschedule, logistics}`: defaults are
//!   the production paths of the document (see [`Paths::default`]).
//! - `config.timestamp_unit`: `ms` (default) or `s`.
//! - `config.duplicate_markers` (`["已存在", "重复"]`): words of the refusal of a `soId`
//!   sent before; `config.cancelled_markers` (`["已取消"]`) likewise for a cancel.
//! - `config.logistics_batch_size` (100, the vendor's maximum).
//! - `config.utc_offset_minutes` (UTC+8), `config.timeout_ms`,
//!   `config.field_mapping.logistics`.
//!
//! The business answers' envelope is not recorded for order calls; see [`wire`] for how it
//! is read and how codes map to seed 004 §8.1 classes.

mod address;
mod auth;
pub mod callback;
mod logistics;
mod orders;
pub mod sign;
mod wire;

use std::time::Duration;

use chrono::FixedOffset;
use serde_json::Value;
use storelink_core::error::{AppError, Rule};
use storelink_core::ErrorClass;

pub use address::{split as split_address, AddressParts};
pub use auth::Credentials;
pub use logistics::{default_mapping, mappable_fields, BATCH_MAX};
pub use orders::{cancel_body, create_body, end_of_day, reschedule_body, stamp};
pub use sign::{sign, verify, SignCase};
pub use wire::Reply;

use crate::connector::{
    BoxFuture, CallError, Connector, Entity, PageStyle, PullRequest, PulledPage, PushRequest,
    RemoteRecord, StreamSpec,
};
use crate::http;
use crate::mapping::{in_force, CompiledMapping, FieldMapping};
use crate::registry::ConnectorSettings;

pub const STREAMS: &[StreamSpec] = &[StreamSpec::new(
    logistics::STREAM,
    Entity::Logistics,
    "updateTime",
    PageStyle::PageLimit,
)];

/// Where each call goes, below `api_endpoint`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub order_create: String,
    pub order_cancel: String,
    pub order_reschedule: String,
    pub logistics: String,
}

impl Default for Paths {
    /// The production paths of the vendor's document.
    fn default() -> Self {
        Paths {
            order_create:
                "/ylh-cloud-service-jst-order/api/page/hmm/retailorder/receive-hmm-retail-order"
                    .into(),
            order_cancel:
                "/ylh-cloud-service-jst-order/api/page/hmm/retailorder/cancel-hmm-retail-order"
                    .into(),
            order_reschedule:
                "/ylh-cloud-service-order/api/page/retailorder/hmm/update-distribution-time".into(),
            logistics: "/ylh-cloud-service-stock/api/composite/stock/logistics/get-store-logistics-by-order-code".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct YlhConfig {
    pub base_url: String,
    pub token_url: String,
    pub credentials: Credentials,
    pub source_system: String,
    pub shop_name: String,
    pub seller_code: Option<String>,
    pub paths: Paths,
    pub timestamp_seconds: bool,
    pub duplicate_markers: Vec<String>,
    pub cancelled_markers: Vec<String>,
    pub logistics_batch: usize,
    pub offset: FixedOffset,
    pub timeout: Duration,
    pub mappings: Vec<(String, FieldMapping)>,
}

fn words(settings: &ConnectorSettings, key: &str, default: &[&str]) -> Vec<String> {
    match settings.config.get(key).and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        None => default.iter().map(|w| (*w).to_owned()).collect(),
    }
}

/// The connector for a `ylh` supplier system (keys in the module doc).
pub fn from_settings(settings: &ConnectorSettings) -> Result<Box<dyn Connector>, AppError> {
    let base_url = settings.base_url()?.trim_end_matches('/').to_owned();
    let auth_url = settings
        .optional_text("auth_url")
        .unwrap_or_else(|| format!("{base_url}/ylh-cloud-mgt-auth"));
    let auth_url = auth_url.trim_end_matches('/');
    let token_url = match auth_url.ends_with("/oauth/token") {
        true => auth_url.to_owned(),
        false => format!("{auth_url}/oauth/token"),
    };
    let mut paths = Paths::default();
    let overrides = settings.config.get("paths").and_then(Value::as_object);
    for (key, value) in overrides.into_iter().flatten() {
        let slot = match key.as_str() {
            "order_create" => &mut paths.order_create,
            "order_cancel" => &mut paths.order_cancel,
            "order_reschedule" => &mut paths.order_reschedule,
            "logistics" => &mut paths.logistics,
            other => {
                return Err(AppError::field(
                    format!("config.paths.{other}"),
                    Rule::OneOf {
                        allowed: [
                            "order_create",
                            "order_cancel",
                            "order_reschedule",
                            "logistics",
                        ]
                        .map(String::from)
                        .to_vec(),
                    },
                    format!("`{other}` is not a 易理货 call"),
                ))
            }
        };
        if let Some(p) = value.as_str().filter(|p| p.starts_with('/')) {
            *slot = p.to_owned();
        }
    }
    let unit = settings.optional_text("timestamp_unit").unwrap_or_default();
    let timestamp_seconds = match unit.as_str() {
        "" | "ms" => false,
        "s" => true,
        other => {
            return Err(AppError::field(
                "config.timestamp_unit",
                Rule::OneOf {
                    allowed: vec!["ms".into(), "s".into()],
                },
                format!("`{other}` is not ms or s"),
            ))
        }
    };
    let config = YlhConfig {
        base_url,
        token_url,
        credentials: Credentials {
            client_id: settings.text("client_id", "the 易理货 OAuth client id")?,
            client_secret: settings.secret("client_secret", "the 易理货 OAuth client secret")?,
            username: settings.text("username", "the 易理货 user name")?,
            password: settings.secret("password", "the 易理货 user's password")?,
            system_name: settings
                .optional_text("system_name")
                .unwrap_or_else(|| "ylh-open-api".to_owned()),
        },
        source_system: settings.text("source_system", "the order source (订单来源)")?,
        shop_name: settings.text("shop_name", "the shop name (店铺名称)")?,
        seller_code: settings.optional_text("seller_code"),
        paths,
        timestamp_seconds,
        duplicate_markers: words(settings, "duplicate_markers", &["已存在", "重复"]),
        cancelled_markers: words(settings, "cancelled_markers", &["已取消"]),
        logistics_batch: settings
            .config
            .get("logistics_batch_size")
            .and_then(Value::as_u64)
            .map_or(BATCH_MAX, |n| (n as usize).clamp(1, BATCH_MAX)),
        offset: storelink_core::vendor_time::offset_of_config(&settings.config),
        timeout: settings.timeout(),
        mappings: settings.stream_mappings(STREAMS, default_mapping, mappable_fields)?,
    };
    Ok(Box::new(Ylh::new(config)?))
}

pub struct Ylh {
    config: YlhConfig,
    session: auth::Session,
    logistics_map: CompiledMapping,
}

impl Ylh {
    pub fn new(config: YlhConfig) -> Result<Ylh, CallError> {
        let client = http::client(config.timeout)?;
        let session =
            auth::Session::new(client, config.token_url.clone(), config.credentials.clone());
        let logistics_map =
            in_force(&config.mappings, logistics::STREAM, default_mapping).compile();
        Ok(Ylh {
            config,
            session,
            logistics_map,
        })
    }

    pub fn config(&self) -> &YlhConfig {
        &self.config
    }

    /// One business call: `POST {api_endpoint}{path}` with the token.
    pub(crate) async fn post(
        &self,
        path: &str,
        body: &Value,
        what: &str,
    ) -> Result<Reply, CallError> {
        let url = format!("{}{path}", self.config.base_url);
        self.session.post_json(&url, body, what).await
    }

    fn unknown(stream: &str) -> CallError {
        CallError::new(
            ErrorClass::ValidationError,
            format!("易理货 has no stream `{stream}` (only `logistics`)"),
        )
    }
}

impl Connector for Ylh {
    fn streams(&self) -> &'static [StreamSpec] {
        STREAMS
    }

    /// A real login, then a logistics query for no order at all.
    fn test_connection(&self) -> BoxFuture<'_, Result<(), CallError>> {
        Box::pin(http::check_connection(
            || self.session.forget(),
            self.session.login(),
            self.logistics(&[]),
        ))
    }

    fn pull<'a>(
        &'a self,
        stream: &'a str,
        request: PullRequest,
    ) -> BoxFuture<'a, Result<PulledPage, CallError>> {
        Box::pin(async move {
            if stream != logistics::STREAM {
                return Err(Self::unknown(stream));
            }
            self.pull_logistics(request).await
        })
    }

    fn pull_one<'a>(
        &'a self,
        stream: &'a str,
        external_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<RemoteRecord>, CallError>> {
        Box::pin(async move {
            if stream != logistics::STREAM {
                return Err(Self::unknown(stream));
            }
            let found = self.logistics(&[external_id.to_owned()]).await?;
            Ok(found.into_iter().find(|r| r.external_id == external_id))
        })
    }

    fn push<'a>(&'a self, request: &'a PushRequest) -> BoxFuture<'a, Result<Value, CallError>> {
        Box::pin(orders::push(self, request))
    }

    /// YLH's callbacks are applied when they arrive (the service's `ylh` ingest); none
    /// names a record to pull.
    fn event_target(&self, _event_type: &str, _payload: &Value) -> Option<(String, String)> {
        None
    }
}

#[cfg(test)]
mod tests;
