//! SAP S/4HANA Cloud over its public OData v2 APIs (`/sap/opu/odata/sap/…`), tested
//! against the documented protocol of S/4HANA Cloud 2302+ (on-premise 2020+ serves the same
//! APIs).
//!
//! Settings (provider `sap_s4`):
//! - `api_endpoint`: the host root, e.g. `https://my123456-api.s4hana.ondemand.com`;
//! - `config.auth`: `basic` (default; `config.username`, the communication user, and the
//!   secret `password`) or `oauth2` (client credentials: `config.client_id` and the secret
//!   `client_secret`; the token comes from `{host}/sap/bc/sec/oauth2/token` unless
//!   `config.token_url` says otherwise: the token endpoint is confidence M);
//! - optional: `config.customer_filter` (default `Customer ne ''`: business partners with a
//!   customer role), `config.sales_organization` (`1010`), `config.distribution_channel`
//!   (`10`), `config.division` (`00`), `config.order_type` (`OR`),
//!   `config.price_condition_type` (e.g. `PR00`: pushed order lines carry our unit price as
//!   that pricing condition; by default S/4HANA prices them itself),
//!   `config.timeout_ms`, `config.field_mapping`.
//!
//! Streams: customers (`API_BUSINESS_PARTNER/A_BusinessPartner`, expanded with address,
//! phone, e-mail and tax number), products (`API_PRODUCT_SRV/A_Product` with its
//! descriptions; prices and stock live in other services and are not read), orders
//! (`API_SALES_ORDER_SRV/A_SalesOrder` with `to_Item`). Incremental filters (confidence M):
//! business partners `LastChangeDate gt datetime'D' or (LastChangeDate eq datetime'D' and
//! LastChangeTime ge time'PT…')` (to the second); products and orders
//! `LastChangeDateTime ge datetimeoffset'…'` (to the millisecond). Dates arrive as
//! `/Date(ms)/` and are stored as RFC 3339.
//!
//! Paging: the engine's page `n` of `limit` is `$skip=(n-1)*limit&$top=limit` with
//! `$inlinecount=allpages`; when the server caps pages lower, `__next` (`$skiptoken`) is
//! followed until the page is whole. `__count` (a string) is the total.
//!
//! Push: `customer.create` (POST A_BusinessPartner with the customer roles FLCU00/FLCU01),
//! `customer.update` (PATCH A_BusinessPartner('id') from `{"externalId","record"}`: the
//! partner's own fields; address, phone and e-mail live in sub-entities and are not
//! patched), `order.create` (POST A_SalesOrder with `to_Item`; `orderNumber` becomes
//! `PurchaseOrderByCustomer` and is looked up first, so a repeated delivery finds the
//! order instead of making a second one). Writes carry the CSRF token (see `auth.rs`).

mod auth;
mod fields;
mod push;
pub mod wire;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::Value;
use storelink_core::{AppError, ErrorClass, Rule};

pub use auth::Auth;
pub use fields::{default_mapping, expand, mappable_fields};

use crate::connector::{
    BoxFuture, CallError, Connector, Entity, PageStyle, PullRequest, PulledPage, PushRequest,
    RemoteRecord, StreamSpec,
};
use crate::http;
use crate::mapping::{compile_streams, compiled_for, CompiledMapping, FieldMapping};
use crate::sap_b1::wire::{encode, literal};
use wire::{datetime_literal, datetimeoffset_literal, parse_date, parse_time, time_literal};

const fn stream(name: &'static str, entity: Entity, cursor: &'static str) -> StreamSpec {
    StreamSpec::new(name, entity, cursor, PageStyle::NextLink)
}

pub const STREAMS: &[StreamSpec] = &[
    stream("customers", Entity::Customers, "LastChangeDate"),
    stream("products", Entity::Products, "LastChangeDateTime"),
    stream("orders", Entity::Orders, "LastChangeDateTime"),
];

/// How a stream's change time is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cursor {
    /// `LastChangeDate` (Edm.DateTime, a day) plus `LastChangeTime` (Edm.Time).
    DateAndTime,
    /// `LastChangeDateTime` (Edm.DateTimeOffset).
    DateTimeOffset,
}

/// Where a stream lives.
struct Resource {
    service: &'static str,
    set: &'static str,
    key: &'static str,
    cursor: Cursor,
}

impl Resource {
    fn root(&self) -> String {
        format!("/sap/opu/odata/sap/{}", self.service)
    }
}

fn resource(stream: &str) -> Result<Resource, CallError> {
    let (service, set, key, cursor) = match stream {
        "customers" => (
            "API_BUSINESS_PARTNER",
            "A_BusinessPartner",
            "BusinessPartner",
            Cursor::DateAndTime,
        ),
        "products" => (
            "API_PRODUCT_SRV",
            "A_Product",
            "Product",
            Cursor::DateTimeOffset,
        ),
        "orders" => (
            "API_SALES_ORDER_SRV",
            "A_SalesOrder",
            "SalesOrder",
            Cursor::DateTimeOffset,
        ),
        other => {
            return Err(CallError::new(
                ErrorClass::ValidationError,
                format!("SAP S/4HANA has no stream `{other}`"),
            ))
        }
    };
    Ok(Resource {
        service,
        set,
        key,
        cursor,
    })
}

/// The connector for an `sap_s4` ERP system (keys in the module doc).
pub fn from_settings(
    settings: &crate::registry::ConnectorSettings,
) -> Result<Box<dyn Connector>, AppError> {
    let mappings = settings.stream_mappings(STREAMS, default_mapping, mappable_fields)?;
    let auth = match settings.optional_text("auth").as_deref().unwrap_or("basic") {
        "basic" => Auth::Basic {
            username: settings.text("username", "the S/4HANA communication user")?,
            password: settings.secret("password", "the communication user's password")?,
        },
        "oauth2" => Auth::OAuth2 {
            client_id: settings.text("client_id", "the OAuth2 client id")?,
            client_secret: settings.secret("client_secret", "the OAuth2 client secret")?,
            token_url: settings.optional_text("token_url"),
        },
        _ => {
            return Err(AppError::field(
                "config.auth",
                Rule::OneOf {
                    allowed: vec!["basic".into(), "oauth2".into()],
                },
                "S/4HANA authenticates with `basic` or `oauth2`",
            ))
        }
    };
    let text = |key: &str, default: &str| {
        settings
            .optional_text(key)
            .unwrap_or_else(|| default.to_owned())
    };
    let connector = SapS4::new(SapS4Config {
        base_url: settings.base_url()?,
        auth,
        timeout: settings.timeout(),
        customer_filter: text("customer_filter", "Customer ne ''"),
        sales_organization: text("sales_organization", "1010"),
        distribution_channel: text("distribution_channel", "10"),
        division: text("division", "00"),
        order_type: text("order_type", "OR"),
        price_condition_type: settings.optional_text("price_condition_type"),
        mappings,
    })?;
    Ok(Box::new(connector))
}

#[derive(Debug, Clone)]
pub struct SapS4Config {
    pub base_url: String,
    /// Its `Debug` leaves the secrets out.
    pub auth: Auth,
    pub timeout: Duration,
    pub customer_filter: String,
    pub sales_organization: String,
    pub distribution_channel: String,
    pub division: String,
    pub order_type: String,
    pub price_condition_type: Option<String>,
    pub mappings: Vec<(String, FieldMapping)>,
}

pub struct SapS4 {
    config: SapS4Config,
    compiled: Vec<(String, CompiledMapping)>,
    http: reqwest::Client,
    /// The OAuth2 access token and when to renew it.
    token: Mutex<Option<(String, Instant)>>,
    csrf: Mutex<Option<auth::Csrf>>,
    /// Held while fetching a token, so concurrent calls fetch once.
    auth_lock: tokio::sync::Mutex<()>,
    token_fetches: AtomicU64,
    csrf_fetches: AtomicU64,
}

impl SapS4 {
    pub fn new(config: SapS4Config) -> Result<Self, CallError> {
        let http = http::client(config.timeout)?;
        let compiled = compile_streams(STREAMS, &config.mappings, default_mapping);
        Ok(SapS4 {
            config,
            compiled,
            http,
            token: Mutex::new(None),
            csrf: Mutex::new(None),
            auth_lock: tokio::sync::Mutex::new(()),
            token_fetches: AtomicU64::new(0),
            csrf_fetches: AtomicU64::new(0),
        })
    }

    /// OAuth2 tokens fetched so far (for tests and diagnostics).
    pub fn token_fetches(&self) -> u64 {
        self.token_fetches.load(Ordering::Relaxed)
    }

    /// CSRF tokens fetched so far.
    pub fn csrf_fetches(&self) -> u64 {
        self.csrf_fetches.load(Ordering::Relaxed)
    }

    fn mapping(&self, stream: &str) -> Option<&CompiledMapping> {
        compiled_for(&self.compiled, stream)
    }

    fn updated_at(cursor: Cursor, raw: &Value) -> Option<DateTime<Utc>> {
        let date = |k: &str| raw[k].as_str().and_then(parse_date);
        match cursor {
            Cursor::DateTimeOffset => date("LastChangeDateTime").or_else(|| date("LastChangeDate")),
            Cursor::DateAndTime => {
                let (d, t) = match date("LastChangeDate") {
                    Some(d) => (d, "LastChangeTime"),
                    None => (date("CreationDate")?, "CreationTime"),
                };
                let time = raw[t].as_str().and_then(parse_time).unwrap_or_default();
                Some(d.date_naive().and_time(time).and_utc())
            }
        }
    }

    fn record(&self, stream: &str, r: &Resource, raw: &Value) -> Result<RemoteRecord, CallError> {
        let external_id = match &raw[r.key] {
            Value::String(s) if !s.is_empty() => s.clone(),
            _ => {
                return Err(CallError::new(
                    ErrorClass::ValidationError,
                    format!("a {stream} record has no {}", r.key),
                ))
            }
        };
        let mut data = self
            .mapping(stream)
            .map(|m| m.apply(raw))
            .unwrap_or_default();
        wire::normalize_dates(&mut data);
        Ok(RemoteRecord {
            external_id,
            updated_at: SapS4::updated_at(r.cursor, raw),
            data,
        })
    }

    /// The change filter for records changed at or after `since`.
    fn since_filter(cursor: Cursor, since: DateTime<Utc>) -> String {
        match cursor {
            Cursor::DateTimeOffset => {
                format!("LastChangeDateTime ge {}", datetimeoffset_literal(since))
            }
            Cursor::DateAndTime => {
                let day =
                    datetime_literal(since.date_naive().and_time(Default::default()).and_utc());
                format!(
                    "LastChangeDate gt {day} or (LastChangeDate eq {day} and LastChangeTime ge {})",
                    time_literal(since)
                )
            }
        }
    }

    /// The first URL of a page: filter, order, expand, skip, top and the count.
    fn list_path(&self, stream: &str, r: &Resource, request: &PullRequest) -> String {
        let mut filters = Vec::new();
        if stream == "customers" && !self.config.customer_filter.trim().is_empty() {
            filters.push(self.config.customer_filter.clone());
        }
        if let Some(since) = request.since {
            filters.push(format!("({})", SapS4::since_filter(r.cursor, since)));
        }
        let order = match r.cursor {
            Cursor::DateAndTime => format!("LastChangeDate,LastChangeTime,{}", r.key),
            Cursor::DateTimeOffset => format!("LastChangeDateTime,{}", r.key),
        };
        let mut query = vec![format!("$orderby={}", encode(&order))];
        if !filters.is_empty() {
            query.push(format!("$filter={}", encode(&filters.join(" and "))));
        }
        if let Some(e) = expand(stream) {
            query.push(format!("$expand={}", encode(e)));
        }
        let limit = request.limit.max(1);
        let skip = u64::from(request.page.max(1) - 1) * u64::from(limit);
        if skip > 0 {
            query.push(format!("$skip={skip}"));
        }
        query.push(format!("$top={limit}"));
        query.push("$inlinecount=allpages".to_owned());
        format!("{}/{}?{}", r.root(), r.set, query.join("&"))
    }

    /// `A_BusinessPartner('C001')`, with the stream's expansion.
    fn entity_path(stream: &str, r: &Resource, id: &str) -> String {
        let mut path = format!("{}/{}({})", r.root(), r.set, encode(&literal(id)));
        if let Some(e) = expand(stream) {
            path.push_str(&format!("?$expand={}", encode(e)));
        }
        path
    }
}

fn count(d: &Value) -> Option<i64> {
    let c = d.get("__count")?;
    c.as_str()?.parse().ok().or_else(|| c.as_i64())
}

fn next_link(d: &Value, r: &Resource) -> Option<String> {
    let link = d.get("__next")?.as_str().filter(|s| !s.is_empty())?;
    // A relative link is relative to the service root.
    Some(if link.starts_with('/') || link.contains("://") {
        link.to_owned()
    } else {
        format!("{}/{link}", r.root())
    })
}

impl Connector for SapS4 {
    fn streams(&self) -> &'static [StreamSpec] {
        STREAMS
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<(), CallError>> {
        Box::pin(http::check_connection(
            || self.forget(),
            self.authorization(),
            self.call(
                Method::GET,
                "/sap/opu/odata/sap/API_BUSINESS_PARTNER/A_BusinessPartner?$select=BusinessPartner&$top=1",
                None,
                &[],
            ),
        ))
    }

    fn pull<'a>(
        &'a self,
        stream: &'a str,
        request: PullRequest,
    ) -> BoxFuture<'a, Result<PulledPage, CallError>> {
        Box::pin(async move {
            let r = resource(stream)?;
            let limit = request.limit.max(1) as usize;
            let skip = (request.page.max(1) as usize - 1) * limit;
            let mut path = Some(self.list_path(stream, &r, &request));
            let (mut records, mut total) = (Vec::new(), None);
            while let Some(p) = path.take() {
                let answer = self.call(Method::GET, &p, None, &[]).await?;
                let d = &answer.body["d"];
                let list = d["results"]
                    .as_array()
                    .ok_or_else(|| crate::sap_b1::wire::no_list(r.set, "d.results"))?;
                for raw in list {
                    records.push(self.record(stream, &r, raw)?);
                }
                total = total.or_else(|| count(d));
                if records.len() < limit && !list.is_empty() {
                    path = next_link(d, &r);
                }
            }
            let has_more = match total {
                Some(t) => !records.is_empty() && ((skip + records.len()) as i64) < t,
                None => records.len() >= limit,
            };
            Ok(PulledPage {
                records,
                has_more,
                total,
            })
        })
    }

    fn pull_one<'a>(
        &'a self,
        stream: &'a str,
        external_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<RemoteRecord>, CallError>> {
        Box::pin(async move {
            let r = resource(stream)?;
            let path = SapS4::entity_path(stream, &r, external_id);
            match self.call(Method::GET, &path, None, &[]).await {
                Ok(answer) => Ok(Some(self.record(stream, &r, &answer.body["d"])?)),
                Err(e) if e.status == Some(404) => Ok(None),
                Err(e) => Err(e),
            }
        })
    }

    fn push<'a>(&'a self, request: &'a PushRequest) -> BoxFuture<'a, Result<Value, CallError>> {
        Box::pin(self.push_change(request))
    }
}

#[cfg(test)]
mod tests;
