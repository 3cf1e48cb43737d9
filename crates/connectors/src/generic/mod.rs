//! The seed 000 systems through one connector: Meituan POS (`pos`, provider `meituan`),
//! 蜀海 and other supply chains (`supplier`, provider `shuhai`), WeChat membership and
//! other member platforms (`member`, provider `wechat`); `generic` fits any of the three.
//!
//! No public protocol of these vendors was found (`VENDORS.md`), so the connector speaks
//! seed 000's own contract and keeps every vendor specific in `config`, so that a real
//! vendor's contract maps in by settings, not code:
//! - `api_endpoint` (seed: `https://api.meituan.com/pos`, `https://api.shuhai.com`,
//!   `https://api.weixin.qq.com`) and the secret `api_key`, sent as
//!   `Authorization: Bearer <key>` (`auth_header`, `auth_scheme`; an empty scheme sends the
//!   bare key, e.g. `X-Api-Key`).
//! - `paths.{test,orders,order,order_create,members,member,member_upsert}`: defaults
//!   `/ping` (POS) or the list, `/orders`, `/orders/{order_number}`, `/orders` (POST),
//!   `/members`, `/members/{member_id}`, `/members/{member_id}` (PUT).
//! - Lists are paged `page` (1-based) and `limit` and filtered by `updated_since` (RFC 3339,
//!   inclusive), oldest change first (`page_param`, `limit_param`, `since_param`,
//!   `max_page_size` = 100). Answers carry the records under `data` (`list_field`,
//!   `record_field`), `total` and `has_more` (`total_field`, `has_more_field`; without
//!   them a full page means more).
//! - Errors: the vendor's code at `error.code` and message at `error.message`
//!   (`error_code_field`, `error_message_field`); a 2xx answer with a code outside
//!   `success_codes` is a failure too (vendors answering `{"errcode":40001}` with 200).
//!   Codes map to seed 004 classes by `error_codes` (`{"40001":"authentication_error"}`),
//!   then the built-in table ([`contract::builtin_class`]), then the HTTP status.
//! - Writes send the outbox entry's id in `Idempotency-Key` (`idempotency_header`).
//! - `field_mapping.orders|members.<seed field> = "<vendor field>"`; shipped: identity.
//! - `utc_offset_minutes`: where vendor times without an offset are read (UTC+8).
//!
//! Streams: supplier `orders` → supplier orders (new ones created, known ones followed by
//! status through the status machine); member `members` → members (two-way, conflicts by
//! `conflict_strategy`). POS systems have no stream: transactions arrive by push and
//! webhook; their connector still tests the connection. Pushes: `supplier_order.create`
//! (POST) and `member.upsert` (PUT, points, level and balance).

mod client;
pub mod contract;
mod fields;
mod push;
#[cfg(test)]
mod tests;

use reqwest::Method;
use serde_json::Value;
use storelink_core::error::{AppError, Rule};
use storelink_core::system::SystemType;
use storelink_core::{vendor_time, ErrorClass};

pub use client::GenericConfig;
pub use contract::{Contract, Kind};
pub use fields::{default_mapping, mappable_fields, MEMBER_STREAMS, POS_STREAMS, SUPPLIER_STREAMS};

use crate::connector::{
    BoxFuture, CallError, Connector, PullRequest, PulledPage, PushRequest, RemoteRecord, StreamSpec,
};
use crate::mapping::{compile_streams, compiled_for, CompiledMapping, FieldMapping};
use client::Client;
use contract::{at, Call};

/// The streams of a kind of system.
pub fn streams_of(kind: Kind) -> &'static [StreamSpec] {
    match kind {
        Kind::Pos => POS_STREAMS,
        Kind::Supplier => SUPPLIER_STREAMS,
        Kind::Member => MEMBER_STREAMS,
    }
}

/// The connector for a seed 000 `pos`, `supplier` or `member` system (keys above).
pub fn from_settings(
    settings: &crate::registry::ConnectorSettings,
) -> Result<Box<dyn Connector>, AppError> {
    let kind = match settings.system_type {
        SystemType::Pos => Kind::Pos,
        SystemType::Supplier => Kind::Supplier,
        SystemType::Member => Kind::Member,
        other => {
            return Err(AppError::field(
                "type",
                Rule::OneOf {
                    allowed: vec!["pos".into(), "supplier".into(), "member".into()],
                },
                format!(
                    "the seed 000 connector serves POS, supplier and member systems, not {other}"
                ),
            ))
        }
    };
    let mappings = settings.stream_mappings(streams_of(kind), default_mapping, mappable_fields)?;
    let connector = GenericConnector::new(
        GenericConfig {
            base_url: settings.base_url()?,
            api_key: settings.secret("api_key", "the vendor's API key")?,
            timeout: settings.timeout(),
            offset: vendor_time::offset_of_config(&settings.config),
            contract: Contract::from_config(kind, &settings.config)?,
        },
        &mappings,
    )?;
    Ok(Box::new(connector))
}

pub struct GenericConnector {
    client: Client,
    streams: &'static [StreamSpec],
    /// The mappings in force (shipped defaults with the system's overrides), compiled once.
    compiled: Vec<(String, CompiledMapping)>,
}

impl GenericConnector {
    /// `mappings`: per stream, the mapping in force (missing streams use the default).
    pub fn new(
        config: GenericConfig,
        mappings: &[(String, FieldMapping)],
    ) -> Result<Self, CallError> {
        let streams = streams_of(config.contract.kind);
        let compiled = compile_streams(streams, mappings, default_mapping);
        Ok(GenericConnector {
            client: Client::new(config)?,
            streams,
            compiled,
        })
    }

    /// The compiled mapping of one of this system's streams, or why there is none.
    fn mapping(&self, stream: &str) -> Result<&CompiledMapping, CallError> {
        compiled_for(&self.compiled, stream).ok_or_else(|| {
            CallError::new(
                ErrorClass::ValidationError,
                format!(
                    "this {} system has no stream `{stream}`",
                    kind_name(self.client.contract().kind)
                ),
            )
        })
    }

    async fn upsert_member(&self, request: &PushRequest) -> Result<Value, CallError> {
        let (member_id, body) = push::member_upsert(self.mapping("members")?, &request.payload)?;
        let path = self
            .client
            .contract()
            .path(Call::MemberUpsert, &[("member_id", &member_id)]);
        self.client
            .call(
                Method::PUT,
                &path,
                &[],
                Some(&body),
                Some(&request.idempotency_key),
            )
            .await
    }

    async fn create_order(&self, request: &PushRequest) -> Result<Value, CallError> {
        let (number, body) = push::order_create(self.mapping("orders")?, &request.payload)?;
        let path = self
            .client
            .contract()
            .path(Call::OrderCreate, &[("order_number", &number)]);
        self.client
            .call(
                Method::POST,
                &path,
                &[],
                Some(&body),
                Some(&request.idempotency_key),
            )
            .await
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Pos => "POS",
        Kind::Supplier => "supplier",
        Kind::Member => "member",
    }
}

/// The list and single-record calls of a stream, and the placeholder naming its records.
fn stream_calls(stream: &str) -> Option<(Call, Call, &'static str)> {
    match stream {
        "orders" => Some((Call::Orders, Call::Order, "order_number")),
        "members" => Some((Call::Members, Call::Member, "member_id")),
        _ => None,
    }
}

impl Connector for GenericConnector {
    fn streams(&self) -> &'static [StreamSpec] {
        self.streams
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<(), CallError>> {
        Box::pin(async move {
            let contract = self.client.contract();
            // A list read costs one record; a POS `ping` takes no paging.
            let query = match contract.kind {
                Kind::Pos => Vec::new(),
                _ => self.client.page_query(1, 1, None),
            };
            let path = contract.path(Call::Test, &[]);
            self.client
                .call(Method::GET, &path, &query, None, None)
                .await
                .map(|_| ())
        })
    }

    fn pull<'a>(
        &'a self,
        stream: &'a str,
        request: PullRequest,
    ) -> BoxFuture<'a, Result<PulledPage, CallError>> {
        Box::pin(async move {
            let mapping = self.mapping(stream)?;
            let (list, _, _) = stream_calls(stream).ok_or_else(|| {
                CallError::new(ErrorClass::ValidationError, format!("no stream `{stream}`"))
            })?;
            let contract = self.client.contract();
            let page = request.page.max(1);
            let limit = request.limit.clamp(1, contract.max_page_size);
            let query = self.client.page_query(page, limit, request.since);
            let body = self
                .client
                .call(Method::GET, &contract.path(list, &[]), &query, None, None)
                .await?;
            self.client.page(stream, mapping, &body, page, limit)
        })
    }

    fn pull_one<'a>(
        &'a self,
        stream: &'a str,
        external_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<RemoteRecord>, CallError>> {
        Box::pin(async move {
            let mapping = self.mapping(stream)?;
            let (_, one, placeholder) = stream_calls(stream).ok_or_else(|| {
                CallError::new(ErrorClass::ValidationError, format!("no stream `{stream}`"))
            })?;
            let contract = self.client.contract();
            let path = contract.path(one, &[(placeholder, external_id)]);
            let body = match self.client.call(Method::GET, &path, &[], None, None).await {
                Ok(body) => body,
                Err(e) if e.status == Some(404) => return Ok(None),
                Err(e) => return Err(e),
            };
            match at(&body, &contract.record_field).filter(|r| r.is_object()) {
                Some(raw) => self.client.record(stream, mapping, raw).map(Some),
                None => Ok(None),
            }
        })
    }

    fn push<'a>(&'a self, request: &'a PushRequest) -> BoxFuture<'a, Result<Value, CallError>> {
        Box::pin(async move {
            match (self.client.contract().kind, request.operation.as_str()) {
                (Kind::Member, "member.upsert") => self.upsert_member(request).await,
                (Kind::Supplier, "supplier_order.create") => self.create_order(request).await,
                (kind, other) => Err(CallError::new(
                    ErrorClass::ValidationError,
                    format!("a seed 000 {} system cannot `{other}`", kind_name(kind)),
                )),
            }
        })
    }

    /// Seed 000 webhooks are applied when they arrive; an event kept for a pull names the
    /// order (`order.*`, `data.order_number`) or member (`member.*`, `data.member_id`).
    fn event_target(&self, event_type: &str, payload: &Value) -> Option<(String, String)> {
        let (stream, field) = match (self.client.contract().kind, event_type.split('.').next()) {
            (Kind::Supplier, Some("order")) => ("orders", "order_number"),
            (Kind::Member, Some("member")) => ("members", "member_id"),
            _ => return None,
        };
        let id = payload["data"][field].as_str()?;
        Some((stream.to_owned(), id.to_owned()))
    }
}
