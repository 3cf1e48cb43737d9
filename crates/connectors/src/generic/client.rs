//! One authenticated call to a seed 000 vendor and the reading of its answer: the API key
//! in the configured header, the vendor's error codes mapped to seed 004 §8.1 classes
//! (its own table first, then the built-in one, then the HTTP status), pages and single
//! records read from the configured fields.

use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use reqwest::Method;
use serde_json::Value;
use storelink_core::{vendor_time, ErrorClass};

use super::contract::{at, code_text, Contract};
use super::fields::id_field;
use crate::classify::classify_status;
use crate::connector::{CallError, PulledPage, RemoteRecord};
use crate::http;
use crate::mapping::CompiledMapping;

/// What a generic connector is built from (see the module doc of `generic`).
#[derive(Debug, Clone)]
pub struct GenericConfig {
    pub base_url: String,
    pub api_key: String,
    pub timeout: Duration,
    /// Where the vendor's local times (without an offset) are read.
    pub offset: FixedOffset,
    pub contract: Contract,
}

pub(crate) struct Client {
    config: GenericConfig,
    http: reqwest::Client,
}

/// The vendor's code and message in an answer, when it gives them.
fn vendor_error(contract: &Contract, body: Option<&Value>) -> (Option<String>, Option<String>) {
    let code = body
        .and_then(|b| at(b, &contract.error_code_field))
        .and_then(code_text);
    let message = body
        .and_then(|b| at(b, &contract.error_message_field))
        .and_then(Value::as_str)
        .map(str::to_owned);
    (code, message)
}

/// An answer as the body it carries, or as the failure it reports: the vendor's code
/// through the system's table, then the built-in one, then the HTTP status.
pub(crate) fn read_answer(
    contract: &Contract,
    what: &str,
    status: u16,
    retry_after: Option<Duration>,
    text: &str,
) -> Result<Value, CallError> {
    let parsed: Option<Value> = serde_json::from_str(text).ok();
    let (code, message) = vendor_error(contract, parsed.as_ref());
    let failed_code = code.filter(|c| contract.is_failure_code(c));
    let success = (200..300).contains(&status);
    if success && failed_code.is_none() {
        return parsed.ok_or_else(|| http::not_json(what, text, status));
    }
    let class = failed_code
        .as_deref()
        .and_then(|c| contract.class_of_code(c))
        .or_else(|| (status == 409).then_some(ErrorClass::BusinessLogicError))
        .or_else(|| classify_status(status))
        // A 2xx answer with an unknown failure code: the vendor refused the request.
        .unwrap_or(ErrorClass::BusinessLogicError);
    let message = message.unwrap_or_else(|| http::excerpt(text, 200));
    let message = match &failed_code {
        Some(c) => format!("{c}: {message}"),
        None => message,
    };
    Err(http::refused(class, message, status, retry_after))
}

impl Client {
    pub(crate) fn new(config: GenericConfig) -> Result<Client, CallError> {
        let http = http::client(config.timeout)?;
        Ok(Client { config, http })
    }

    pub(crate) fn contract(&self) -> &Contract {
        &self.config.contract
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url.trim_end_matches('/'))
    }

    /// One call; a refusal, or a 2xx answer carrying a failure code, is a `CallError`.
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
        idempotency_key: Option<&str>,
    ) -> Result<Value, CallError> {
        let contract = &self.config.contract;
        let mut request = self
            .http
            .request(method, self.url(path))
            .header(
                contract.auth_header.as_str(),
                contract.auth_value(&self.config.api_key),
            )
            .query(query);
        if let Some(b) = body {
            request = request.json(b);
        }
        if let Some(key) = idempotency_key {
            request = request.header(contract.idempotency_header.as_str(), key);
        }
        // The key travels in a header, never in the URL, so the URL may show in messages.
        let answer = http::exchange(request)
            .await
            .map_err(http::transport_with_url)?;
        read_answer(
            contract,
            path,
            answer.code(),
            answer.retry_after,
            &answer.text,
        )
    }

    /// A vendor record mapped to ours, with its id and change time.
    pub(crate) fn record(
        &self,
        stream: &str,
        mapping: &CompiledMapping,
        raw: &Value,
    ) -> Result<RemoteRecord, CallError> {
        let data = mapping.apply(raw);
        let id_name = id_field(stream).unwrap_or("id");
        let external_id = data
            .get(id_name)
            .and_then(code_text)
            .filter(|id| !id.trim().is_empty())
            .ok_or_else(|| {
                CallError::new(
                    ErrorClass::ValidationError,
                    format!("a {stream} record has no `{id_name}` (check the field mapping)"),
                )
            })?;
        let updated_at = data
            .get("updated_at")
            .and_then(Value::as_str)
            .and_then(|t| vendor_time::parse(t, self.config.offset));
        Ok(RemoteRecord {
            external_id,
            updated_at,
            data,
        })
    }

    /// The query of page `page` of `limit` records changed at or after `since`.
    pub(crate) fn page_query(
        &self,
        page: u32,
        limit: u32,
        since: Option<DateTime<Utc>>,
    ) -> Vec<(String, String)> {
        let c = &self.config.contract;
        let mut query = vec![
            (c.page_param.clone(), page.to_string()),
            (c.limit_param.clone(), limit.to_string()),
        ];
        if let Some(since) = since {
            query.push((
                c.since_param.clone(),
                since.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ));
        }
        query
    }

    /// A list answer as a page: its records, and whether more follow (the vendor's flag,
    /// else its total, else a full page).
    pub(crate) fn page(
        &self,
        stream: &str,
        mapping: &CompiledMapping,
        body: &Value,
        page: u32,
        limit: u32,
    ) -> Result<PulledPage, CallError> {
        let c = &self.config.contract;
        let list = at(body, &c.list_field)
            .and_then(Value::as_array)
            .ok_or_else(|| {
                CallError::new(
                    ErrorClass::ValidationError,
                    format!("the {stream} page has no `{}` list", c.list_field),
                )
            })?;
        let records = list
            .iter()
            .map(|raw| self.record(stream, mapping, raw))
            .collect::<Result<Vec<_>, _>>()?;
        let total = at(body, &c.total_field).and_then(|t| {
            t.as_i64()
                .or_else(|| t.as_str().and_then(|s| s.trim().parse().ok()))
        });
        let has_more = match at(body, &c.has_more_field).and_then(Value::as_bool) {
            Some(more) => more,
            None => match total {
                Some(total) => i64::from(page).saturating_mul(i64::from(limit)) < total,
                None => u32::try_from(list.len()).unwrap_or(u32::MAX) >= limit,
            },
        };
        Ok(PulledPage {
            records,
            has_more: has_more && !list.is_empty(),
            total,
        })
    }
}
