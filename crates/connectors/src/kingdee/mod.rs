//! Kingdee K3 Cloud / 金蝶云星空 (WebAPI, `*.common.kdsvc`), provider `kingdee`.
//!
//! Settings:
//! - `api_endpoint`: the server root, e.g. `https://k3.example.com` (a trailing `/k3cloud`
//!   is accepted).
//! - `config.acct_id` (账套 ID, the data centre), `config.username`.
//! - `config.login`: `app_secret` (LoginByAppSecret, default), `sign` (LoginBySign),
//!   `password` (ValidateUser) or `sdk_headers` (no login; the SDK 8.x signature headers on
//!   every call, see `sdk_headers`); `config.app_id` for all but `password` (for
//!   `sdk_headers` the portal's `{clientId}_{key}` form); `config.lcid` (2052);
//!   `config.org_num` (`0`) for `sdk_headers`.
//! - secrets: `app_secret` (app_secret, sign, sdk_headers) or `password` (password).
//! - `config.submit_orders` / `config.audit_orders` (false): Submit / Audit a saved sales
//!   order; `config.sale_org` (`100`): the selling organisation's number.
//! - `config.utc_offset_minutes`: the server's zone (UTC+8 default); `FModifyDate` is local.
//! - `config.timeout_ms`, `config.field_mapping.<stream>` as for every ERP connector.
//!
//! Streams read `BD_Customer`, `BD_MATERIAL` and `SAL_SaleOrder` through ExecuteBillQuery,
//! ordered by `FModifyDate` then the internal id, paged by StartRow/Limit. Records are
//! known by their number (FNumber / FBillNo), which is also how `pull_one` finds them.

mod client;
mod fields;
mod push;
pub mod sdk_headers;
#[cfg(test)]
mod tests;

use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{json, Value};
use storelink_core::ErrorClass;

pub use client::{classify_msg, read_reply, sign, Credentials, LoginKind, Reply, SESSION_LOST};
pub use fields::{default_mapping, mappable_fields, STREAMS};

use crate::connector::{
    BoxFuture, CallError, Connector, PullRequest, PulledPage, PushRequest, RemoteRecord, StreamSpec,
};
use crate::http;
use crate::mapping::{in_force, CompiledMapping, FieldMapping};
use client::Client;
use fields::{field_keys, form, quote, Form, ENTRY_KEYS, MODIFY_DATE, ORDER_ENTRY};

/// Rows asked for per entry query of order lines.
const ENTRY_PAGE: u32 = 2000;

#[derive(Debug, Clone)]
pub struct KingdeeConfig {
    pub server: String,
    pub credentials: Credentials,
    pub timeout: Duration,
    pub offset: FixedOffset,
    pub submit_orders: bool,
    pub audit_orders: bool,
    pub sale_org: String,
    pub mappings: Vec<(String, FieldMapping)>,
}

/// The connector for a `kingdee` ERP system (keys in the module doc).
pub fn from_settings(
    settings: &crate::registry::ConnectorSettings,
) -> Result<Box<dyn Connector>, storelink_core::AppError> {
    use storelink_core::error::Rule;
    let login_text = settings.optional_text("login").unwrap_or_default();
    let login = LoginKind::parse(&login_text).ok_or_else(|| {
        storelink_core::AppError::field(
            "config.login",
            Rule::OneOf {
                allowed: vec![
                    "app_secret".into(),
                    "sign".into(),
                    "password".into(),
                    "sdk_headers".into(),
                ],
            },
            format!("`{login_text}` is not a K3 Cloud login method"),
        )
    })?;
    let (app_id, secret) = match login {
        LoginKind::Password => (
            settings.optional_text("app_id").unwrap_or_default(),
            settings.secret("password", "the K3 Cloud user's password")?,
        ),
        LoginKind::AppSecret | LoginKind::Sign | LoginKind::SdkHeaders => (
            settings.text("app_id", "the K3 Cloud app ID")?,
            settings.secret("app_secret", "the K3 Cloud app secret")?,
        ),
    };
    let flag = |key: &str| settings.config.get(key).and_then(Value::as_bool) == Some(true);
    let mappings = settings.stream_mappings(STREAMS, default_mapping, mappable_fields)?;
    let config = KingdeeConfig {
        server: settings.base_url()?,
        credentials: Credentials {
            acct_id: settings.text("acct_id", "the K3 Cloud data centre (账套) ID")?,
            username: settings.text("username", "the K3 Cloud user name")?,
            app_id,
            login,
            secret,
            lcid: settings
                .config
                .get("lcid")
                .and_then(Value::as_i64)
                .unwrap_or(2052),
            org_num: settings
                .optional_text("org_num")
                .unwrap_or_else(|| "0".to_owned()),
        },
        timeout: settings.timeout(),
        offset: storelink_core::vendor_time::offset_of_config(&settings.config),
        submit_orders: flag("submit_orders"),
        audit_orders: flag("audit_orders"),
        sale_org: settings
            .optional_text("sale_org")
            .unwrap_or_else(|| "100".to_owned()),
        mappings,
    };
    Ok(Box::new(Kingdee::new(config)?))
}

pub struct Kingdee {
    config: KingdeeConfig,
    client: Client,
    /// Per stream: the mapping in force, compiled, and the FieldKeys it needs.
    streams: Vec<(String, CompiledMapping, Vec<String>, bool)>,
}

fn known(stream: &str) -> Result<Form, CallError> {
    form(stream).ok_or_else(|| {
        CallError::new(
            ErrorClass::ValidationError,
            format!("K3 Cloud has no stream `{stream}`"),
        )
    })
}

impl Kingdee {
    pub fn new(config: KingdeeConfig) -> Result<Kingdee, CallError> {
        let client = Client::new(&config.server, config.credentials.clone(), config.timeout)?;
        let streams = STREAMS
            .iter()
            .map(|s| {
                let mapping = in_force(&config.mappings, s.name, default_mapping);
                let keys = field_keys(s.name, &mapping);
                let lines = mapping.fields.values().any(|v| v == ORDER_ENTRY);
                (s.name.to_owned(), mapping.compile(), keys, lines)
            })
            .collect();
        Ok(Kingdee {
            config,
            client,
            streams,
        })
    }

    fn stream_of(&self, name: &str) -> Option<&(String, CompiledMapping, Vec<String>, bool)> {
        self.streams.iter().find(|(n, ..)| n == name)
    }

    pub(crate) fn mapping(&self, stream: &str) -> Option<&CompiledMapping> {
        self.stream_of(stream).map(|(_, m, ..)| m)
    }

    /// A UTC instant as the server's local text, for FilterString.
    pub fn local_time(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.config.offset)
            .format("%Y-%m-%d %H:%M:%S%.3f")
            .to_string()
    }

    /// One ExecuteBillQuery; its rows.
    pub(crate) async fn query(
        &self,
        form_id: &str,
        keys: &[String],
        filter: &str,
        order: &str,
        start: u32,
        limit: u32,
    ) -> Result<Vec<Value>, CallError> {
        let body = json!({"parameters": [{
            "FormId": form_id,
            "FieldKeys": keys.join(","),
            "FilterString": filter,
            "OrderString": order,
            "TopRowCount": 0,
            "StartRow": start,
            "Limit": limit,
        }]});
        let reply = self.client.call("ExecuteBillQuery", &body).await?;
        reply.as_array().cloned().ok_or_else(|| {
            CallError::new(
                ErrorClass::ValidationError,
                format!("the {form_id} query answer is not a list of rows"),
            )
        })
    }

    /// Header rows → records (with order lines read by FID when the mapping wants them).
    async fn records(&self, stream: &str, rows: &[Value]) -> Result<Vec<RemoteRecord>, CallError> {
        let f = known(stream)?;
        let (_, mapping, keys, lines) = self
            .stream_of(stream)
            .ok_or_else(|| CallError::new(ErrorClass::ValidationError, "unknown stream"))?;
        let mut objects: Vec<Value> = rows.iter().map(|r| fields::row_object(keys, r)).collect();
        if *lines && !objects.is_empty() {
            self.attach_lines(&mut objects).await?;
        }
        objects
            .iter()
            .map(|raw| {
                let external_id = raw
                    .get(f.number_key)
                    .and_then(fields::cell_text)
                    .filter(|n| !n.is_empty())
                    .ok_or_else(|| {
                        CallError::new(
                            ErrorClass::ValidationError,
                            format!("a {} row has no {}", f.form_id, f.number_key),
                        )
                    })?;
                let updated_at = raw[MODIFY_DATE]
                    .as_str()
                    .and_then(|t| storelink_core::vendor_time::parse(t, self.config.offset));
                Ok(RemoteRecord {
                    external_id,
                    updated_at,
                    data: mapping.apply(raw),
                })
            })
            .collect()
    }

    /// Reads the lines of these orders (by FID) into their `FSaleOrderEntry`.
    async fn attach_lines(&self, orders: &mut [Value]) -> Result<(), CallError> {
        let ids: Vec<String> = orders
            .iter()
            .filter_map(|o| o.get("FID").and_then(fields::cell_text))
            .collect();
        let filter = format!("FID IN ({})", ids.join(","));
        let keys: Vec<String> = ENTRY_KEYS.iter().map(|k| (*k).to_owned()).collect();
        let mut rows = Vec::new();
        let mut start = 0;
        loop {
            let page = self
                .query(
                    "SAL_SaleOrder",
                    &keys,
                    &filter,
                    "FID ASC",
                    start,
                    ENTRY_PAGE,
                )
                .await?;
            let n = page.len() as u32;
            rows.extend(page);
            if n < ENTRY_PAGE {
                break;
            }
            start += n;
        }
        for order in orders.iter_mut() {
            let id = order.get("FID").and_then(fields::cell_text);
            let items: Vec<Value> = rows
                .iter()
                .filter_map(Value::as_array)
                .filter(|r| r.first().and_then(fields::cell_text) == id)
                .enumerate()
                .map(|(i, r)| fields::order_item(i, r))
                .collect();
            if let Some(m) = order.as_object_mut() {
                m.insert(ORDER_ENTRY.to_owned(), Value::Array(items));
            }
        }
        Ok(())
    }

    /// The record with this number, as K3 has it.
    pub(crate) async fn find(
        &self,
        stream: &str,
        number: &str,
    ) -> Result<Option<RemoteRecord>, CallError> {
        let f = known(stream)?;
        let keys = self
            .stream_of(stream)
            .map(|(_, _, k, _)| k.clone())
            .unwrap_or_default();
        let filter = format!("{}={}", f.number_key, quote(number));
        let rows = self.query(f.form_id, &keys, &filter, "", 0, 1).await?;
        Ok(self.records(stream, &rows).await?.into_iter().next())
    }

    /// The internal id (FCUSTID, FID...) of the record with this number.
    pub(crate) async fn internal_id(
        &self,
        stream: &str,
        number: &str,
    ) -> Result<Option<Value>, CallError> {
        let f = known(stream)?;
        let filter = format!("{}={}", f.number_key, quote(number));
        let rows = self
            .query(f.form_id, &[f.id_key.to_owned()], &filter, "", 0, 1)
            .await?;
        Ok(rows
            .first()
            .and_then(Value::as_array)
            .and_then(|r| r.first())
            .cloned())
    }

    pub(crate) async fn form_call(
        &self,
        method: &str,
        form_id: &str,
        data: Value,
    ) -> Result<Value, CallError> {
        self.client
            .call(method, &json!({"parameters": [form_id, data]}))
            .await
    }
}

impl Connector for Kingdee {
    fn streams(&self) -> &'static [StreamSpec] {
        STREAMS
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<(), CallError>> {
        Box::pin(async move {
            let keys = ["FCUSTID".to_owned()];
            http::check_connection(
                || self.client.forget_session(),
                self.client.login(),
                self.query("BD_Customer", &keys, "", "", 0, 1),
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
            let f = known(stream)?;
            let keys = self
                .stream_of(stream)
                .map(|(_, _, k, _)| k.clone())
                .unwrap_or_default();
            let filter = request
                .since
                .map(|s| format!("{MODIFY_DATE}>='{}'", self.local_time(s)))
                .unwrap_or_default();
            let order = format!("{MODIFY_DATE} ASC,{} ASC", f.id_key);
            let limit = request.limit.max(1);
            let start = request.page.saturating_sub(1).saturating_mul(limit);
            // One row more than asked says whether another page follows (K3 sends no total).
            let mut rows = self
                .query(f.form_id, &keys, &filter, &order, start, limit + 1)
                .await?;
            let has_more = rows.len() > limit as usize;
            rows.truncate(limit as usize);
            Ok(PulledPage {
                records: self.records(stream, &rows).await?,
                has_more,
                total: None,
            })
        })
    }

    fn pull_one<'a>(
        &'a self,
        stream: &'a str,
        external_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<RemoteRecord>, CallError>> {
        Box::pin(self.find(stream, external_id))
    }

    fn push<'a>(&'a self, request: &'a PushRequest) -> BoxFuture<'a, Result<Value, CallError>> {
        Box::pin(push::push(self, request))
    }
}
