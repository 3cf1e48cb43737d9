//! SAP Business One Service Layer (OData v1, `https://<host>:50000/b1s/v1`), tested against
//! the Service Layer's documented protocol for SAP Business One 10.0 (9.3+ behave alike).
//!
//! Settings (provider `sap_b1`):
//! - `api_endpoint`: the Service Layer root, e.g. `https://b1.example.com:50000/b1s/v1`;
//! - `config.company_db`: the company database (`SBODEMOUS`);
//! - `config.username`: the SAP Business One user;
//! - secret `password`: that user's password;
//! - optional: `config.timeout_ms`, `config.utc_offset_minutes` (the server's local time
//!   zone, which `UpdateDate`/`UpdateTime` are in; default 0), `config.tax_code` (the
//!   `TaxCode` put on pushed order lines; none by default), `config.field_mapping`.
//!
//! Streams: customers (`BusinessPartners` with `CardType eq 'cCustomer'`), products
//! (`Items`, with `QuantityOnStock` and `ItemWarehouseInfoCollection`), orders (`Orders`),
//! ordered by `UpdateDate,UpdateTime` and filtered by
//! `UpdateDate gt 'D' or (UpdateDate eq 'D' and UpdateTime ge 'T')` (seconds; the engine's
//! lookback covers clock skew). Filtering on `UpdateTime` is confidence M.
//!
//! Paging: the engine asks for page `n` of `limit` records changed since its cursor. That is
//! `$skip=(n-1)*limit` with `Prefer: odata.maxpagesize=limit`; when the server caps pages
//! lower, `odata.nextLink` is followed until `limit` records are in hand, and `has_more`
//! says whether a next link remained. The engine restarts at page 1 from each page's newest
//! change time, so no link needs to survive between calls and the trait is unchanged.
//!
//! Push: `customer.create` (POST BusinessPartners), `customer.update` (PATCH
//! BusinessPartners('code'), from `{"externalId","record"}` mapped back), `order.create`
//! (POST Orders from seed 004's order; `orderNumber` becomes `NumAtCard`, checked first so a
//! repeated delivery finds the order instead of making a second one: the Service Layer has no
//! idempotency keys), `order.status` (`cancelled` → `Orders(n)/Cancel`, `closed` or
//! `delivered` → `Orders(n)/Close`).

mod fields;
mod push;
mod session;
pub(crate) mod wire;

use std::sync::atomic::AtomicU64;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use reqwest::Method;
use serde_json::Value;
use storelink_core::ErrorClass;

pub use fields::{default_mapping, mappable_fields};
pub use wire::{classify_sap, vendor_error};

use crate::connector::{
    erp_streams, BoxFuture, CallError, Connector, PageStyle, PullRequest, PulledPage, PushRequest,
    RemoteRecord, StreamSpec,
};
use crate::http;
use crate::mapping::{compile_streams, compiled_for, CompiledMapping, FieldMapping};
use session::Session;

pub const STREAMS: &[StreamSpec] = &erp_streams("UpdateDate", PageStyle::NextLink);

/// Where a stream lives in the Service Layer.
struct Resource {
    set: &'static str,
    key: &'static str,
    /// Always part of the filter (business partners include suppliers and leads).
    filter: Option<&'static str>,
}

fn resource(stream: &str) -> Result<Resource, CallError> {
    match stream {
        "customers" => Ok(Resource {
            set: "BusinessPartners",
            key: "CardCode",
            filter: Some("CardType eq 'cCustomer'"),
        }),
        "products" => Ok(Resource {
            set: "Items",
            key: "ItemCode",
            filter: None,
        }),
        "orders" => Ok(Resource {
            set: "Orders",
            key: "DocEntry",
            filter: None,
        }),
        other => Err(CallError::new(
            ErrorClass::ValidationError,
            format!("SAP Business One has no stream `{other}`"),
        )),
    }
}

/// The connector for an `sap_b1` ERP system (keys in the module doc).
pub fn from_settings(
    settings: &crate::registry::ConnectorSettings,
) -> Result<Box<dyn Connector>, storelink_core::AppError> {
    let mappings = settings.stream_mappings(STREAMS, default_mapping, mappable_fields)?;
    let connector = SapB1::new(SapB1Config {
        base_url: settings.base_url()?,
        company_db: settings.text("company_db", "the SAP Business One company database")?,
        username: settings.text("username", "the SAP Business One user")?,
        password: settings.secret("password", "the SAP Business One password")?,
        timeout: settings.timeout(),
        utc_offset_minutes: settings
            .config
            .get("utc_offset_minutes")
            .and_then(Value::as_i64)
            .unwrap_or(0)
            .clamp(-14 * 60, 14 * 60),
        tax_code: settings.optional_text("tax_code"),
        mappings,
    })?;
    Ok(Box::new(connector))
}

#[derive(Clone)]
pub struct SapB1Config {
    pub base_url: String,
    pub company_db: String,
    pub username: String,
    pub password: String,
    pub timeout: Duration,
    pub utc_offset_minutes: i64,
    pub tax_code: Option<String>,
    pub mappings: Vec<(String, FieldMapping)>,
}

impl std::fmt::Debug for SapB1Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The password never reaches a log line.
        f.debug_struct("SapB1Config")
            .field("base_url", &self.base_url)
            .field("company_db", &self.company_db)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

pub struct SapB1 {
    config: SapB1Config,
    compiled: Vec<(String, CompiledMapping)>,
    http: reqwest::Client,
    session: Mutex<Option<Session>>,
    /// Held while logging in, so concurrent calls that find no session log in once.
    login_lock: tokio::sync::Mutex<()>,
    logins: AtomicU64,
}

impl SapB1 {
    pub fn new(config: SapB1Config) -> Result<Self, CallError> {
        let http = http::client(config.timeout)?;
        let compiled = compile_streams(STREAMS, &config.mappings, default_mapping);
        Ok(SapB1 {
            config,
            compiled,
            http,
            session: Mutex::new(None),
            login_lock: tokio::sync::Mutex::new(()),
            logins: AtomicU64::new(0),
        })
    }

    /// Logins made so far (for tests and diagnostics).
    pub fn logins(&self) -> u64 {
        self.logins.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn mapping(&self, stream: &str) -> Option<&CompiledMapping> {
        compiled_for(&self.compiled, stream)
    }

    fn offset(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.config.utc_offset_minutes)
    }

    /// `UpdateDate` + `UpdateTime` (server local time) as UTC.
    fn updated_at(&self, raw: &Value) -> Option<DateTime<Utc>> {
        let date = raw["UpdateDate"].as_str()?;
        let date = NaiveDate::parse_from_str(date.get(..10)?, "%Y-%m-%d").ok()?;
        let time = raw["UpdateTime"]
            .as_str()
            .and_then(|t| {
                NaiveTime::parse_from_str(t, "%H:%M:%S")
                    .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
                    .ok()
            })
            .unwrap_or_default();
        Some(date.and_time(time).and_utc() - self.offset())
    }

    /// The change filter for records changed at or after `since` (to the second).
    fn since_filter(&self, since: DateTime<Utc>) -> String {
        let local = since + self.offset();
        let (d, t) = (
            local.format("%Y-%m-%d").to_string(),
            local.format("%H:%M:%S").to_string(),
        );
        format!("UpdateDate gt '{d}' or (UpdateDate eq '{d}' and UpdateTime ge '{t}')")
    }

    fn record(&self, stream: &str, key: &str, raw: &Value) -> Result<RemoteRecord, CallError> {
        let external_id = match &raw[key] {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => {
                return Err(CallError::new(
                    ErrorClass::ValidationError,
                    format!("a {stream} record has no {key}"),
                ))
            }
        };
        Ok(RemoteRecord {
            external_id,
            updated_at: self.updated_at(raw),
            data: self
                .mapping(stream)
                .map(|m| m.apply(raw))
                .unwrap_or_default(),
        })
    }

    /// The first URL of a page: filter, order, skip (and the count on page 1).
    fn list_path(&self, r: &Resource, request: &PullRequest) -> String {
        let mut filters: Vec<String> = r.filter.iter().map(|f| (*f).to_owned()).collect();
        if let Some(since) = request.since {
            filters.push(format!("({})", self.since_filter(since)));
        }
        let mut query = vec![format!(
            "$orderby={}",
            wire::encode(&format!("UpdateDate,UpdateTime,{}", r.key))
        )];
        if !filters.is_empty() {
            query.push(format!("$filter={}", wire::encode(&filters.join(" and "))));
        }
        let skip = u64::from(request.page.max(1) - 1) * u64::from(request.limit);
        if skip > 0 {
            query.push(format!("$skip={skip}"));
        }
        if request.page <= 1 {
            query.push("$inlinecount=allpages".to_owned());
        }
        format!("{}?{}", r.set, query.join("&"))
    }

    /// The path of one entity: `BusinessPartners('C001')`, `Orders(12)`.
    fn entity_path(r: &Resource, id: &str) -> Option<String> {
        if r.key == "DocEntry" {
            let n: u64 = id.trim().parse().ok()?;
            Some(format!("{}({n})", r.set))
        } else {
            Some(format!("{}({})", r.set, wire::encode(&wire::literal(id))))
        }
    }
}

fn count(body: &Value) -> Option<i64> {
    let c = body
        .get("odata.count")
        .or_else(|| body.get("@odata.count"))?;
    c.as_i64().or_else(|| c.as_str()?.parse().ok())
}

fn next_link(body: &Value) -> Option<String> {
    body.get("odata.nextLink")
        .or_else(|| body.get("@odata.nextLink"))
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl Connector for SapB1 {
    fn streams(&self) -> &'static [StreamSpec] {
        STREAMS
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<(), CallError>> {
        Box::pin(http::check_connection(
            || self.forget(None),
            self.login(),
            self.call(
                Method::GET,
                "BusinessPartners?$select=CardCode&$top=1",
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
            let prefer = [("Prefer", format!("odata.maxpagesize={limit}"))];
            let mut path = Some(self.list_path(&r, &request));
            let (mut records, mut total) = (Vec::new(), None);
            while let Some(p) = path.take() {
                let answer = self.call(Method::GET, &p, None, &prefer).await?;
                let list = answer.body["value"]
                    .as_array()
                    .ok_or_else(|| wire::no_list(r.set, "value"))?;
                for raw in list {
                    records.push(self.record(stream, r.key, raw)?);
                }
                total = total.or_else(|| count(&answer.body));
                let next = next_link(&answer.body);
                if records.len() >= limit || next.is_none() || list.is_empty() {
                    return Ok(PulledPage {
                        has_more: next.is_some() && !list.is_empty(),
                        total,
                        records,
                    });
                }
                path = next;
            }
            Ok(PulledPage {
                records,
                has_more: false,
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
            let Some(path) = SapB1::entity_path(&r, external_id) else {
                return Ok(None);
            };
            match self.call(Method::GET, &path, None, &[]).await {
                Ok(answer) => Ok(Some(self.record(stream, r.key, &answer.body)?)),
                Err(e) if e.status == Some(404) || e.message.contains("-2028") => Ok(None),
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
