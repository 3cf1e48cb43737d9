//! Yiding · 易订 reservations, provider `yiding` (system type `reservation`).
//!
//! No public Yiding protocol is known (VENDORS.md), so this speaks seed 002's own contract,
//! with every vendor detail the seed leaves open in `config`:
//! - `api_endpoint`: the platform's address, e.g. `https://api.yiding.com/reservation`;
//!   paths below are relative to it.
//! - secret `api_key`, sent as `Authorization: Bearer <key>` as the seed shows;
//!   `config.auth_header` / `config.auth_scheme` change that (`X-Api-Key` with an empty
//!   scheme sends the key alone).
//! - `config.paths.list` (`/list`): seed 002 "获取预订列表", asked with `limit` (at most
//!   `config.max_page_size`, default 100 as the seed's default limit) and `store_id`
//!   (`config.store_id`, when set). Not in the seed and so configurable: the page number
//!   `page` (1-based, `config.page_param`) and the change filter
//!   `updated_since=<local time>` (`config.since_param`), inclusive, records oldest change
//!   first; the answer as a bare array or an object with the records under `data`
//!   (`config.list_key`) and the match count under `total` (`config.total_key`).
//! - `config.paths.get` (`/{reservation_id}`): one reservation (not in the seed; a 404 means
//!   none). Used by `pull_one`.
//! - `config.paths.status` (`/{reservation_id}/status`): seed 002 "更新预订状态", `PUT` with
//!   `status`, `arrival_time` (with `arrived`) and `table_number` (with `seated`) as query
//!   parameters. `config.status_id` = `external_id` puts the platform's own id in the path
//!   instead. Each delivery carries the outbox entry's key in `Idempotency-Key`
//!   (`config.idempotency_header`; empty sends none); the seed names no such header, and
//!   setting the status a reservation already has is harmless anyway.
//! - Records are seed 002's ReservationSync model; `config.field_mapping.reservations` maps
//!   them onto the push body (`ReservationInput`). Local times (`reservation_date`,
//!   `updated_at`, `arrival_time`) are in the store's zone (`config.utc_offset_minutes`,
//!   UTC+8 by default). `config.timeout_ms` as everywhere.
//!
//! Error classes: see [`wire`].

mod fields;
mod push;
mod settings;
#[cfg(test)]
mod tests;
pub mod wire;

use serde_json::Value;
use storelink_core::ErrorClass;

pub use fields::{default_mapping, mappable_fields, STREAMS, UPDATED_AT};
pub use settings::{Paths, StatusId, YidingConfig};

use crate::connector::{
    BoxFuture, CallError, Connector, PullRequest, PulledPage, PushRequest, RemoteRecord, StreamSpec,
};
use crate::mapping::{in_force, CompiledMapping};
use crate::registry::ConnectorSettings;
use wire::{KeyHeader, Missing};

/// The connector for a `yiding` reservation system (keys in the module doc).
pub fn from_settings(
    settings: &ConnectorSettings,
) -> Result<Box<dyn Connector>, storelink_core::AppError> {
    let config = YidingConfig::from_settings(settings)?;
    Ok(Box::new(Yiding::new(config)?))
}

pub struct Yiding {
    config: YidingConfig,
    http: reqwest::Client,
    key: KeyHeader,
    mapping: CompiledMapping,
}

fn unknown_stream(stream: &str) -> CallError {
    CallError::new(
        ErrorClass::ValidationError,
        format!("Yiding has no stream `{stream}` (only `reservations`)"),
    )
}

impl Yiding {
    pub fn new(config: YidingConfig) -> Result<Yiding, CallError> {
        let http = crate::http::client(config.timeout)?;
        let key = KeyHeader::new(&config.auth_header, &config.auth_scheme, &config.api_key)?;
        let mapping = in_force(&config.mappings, "reservations", default_mapping).compile();
        Ok(Yiding {
            config,
            http,
            key,
            mapping,
        })
    }

    pub fn config(&self) -> &YidingConfig {
        &self.config
    }

    /// A UTC instant as the platform's local text (`2024-02-15T18:05:00`).
    pub fn local_time(&self, t: chrono::DateTime<chrono::Utc>) -> String {
        t.with_timezone(&self.config.offset)
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string()
    }

    /// One platform record → a record whose `data` is the push body.
    pub fn record(&self, raw: &Value) -> RemoteRecord {
        let data = self.mapping.apply(raw);
        // A record without its id is still handed on: the domain sink logs it failed
        // (reservation_id is required) instead of the whole page stopping.
        let external_id = data["reservation_id"]
            .as_str()
            .map(str::to_owned)
            .unwrap_or_default();
        let updated_at = raw[UPDATED_AT]
            .as_str()
            .and_then(|t| storelink_core::vendor_time::parse(t, self.config.offset));
        RemoteRecord {
            external_id,
            updated_at,
            data,
        }
    }

    /// One list page as the platform answers it: (records, total if given).
    pub fn read_page(&self, body: &Value) -> Result<(Vec<Value>, Option<i64>), CallError> {
        let total = |v: &Value| match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        match body {
            Value::Array(rows) => Ok((rows.clone(), None)),
            Value::Object(map) => {
                let rows = map
                    .get(&self.config.list_key)
                    .and_then(Value::as_array)
                    .cloned()
                    .ok_or_else(|| {
                        CallError::new(
                            ErrorClass::ValidationError,
                            format!(
                                "the Yiding list answer has no `{}` list (config.list_key)",
                                self.config.list_key
                            ),
                        )
                    })?;
                Ok((rows, map.get(&self.config.total_key).and_then(total)))
            }
            _ => Err(CallError::new(
                ErrorClass::ValidationError,
                "the Yiding list answer is neither a list nor an object",
            )),
        }
    }

    async fn list(&self, request: &PullRequest) -> Result<PulledPage, CallError> {
        let limit = request.limit.clamp(1, self.config.max_page_size);
        let page = request.page.max(1);
        let mut url = wire::address(&self.config.endpoint, &self.config.paths.list, None)?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair(&self.config.limit_param, &limit.to_string());
            q.append_pair(&self.config.page_param, &page.to_string());
            if let Some(since) = request.since {
                q.append_pair(&self.config.since_param, &self.local_time(since));
            }
            if let Some(store) = &self.config.store_id {
                q.append_pair("store_id", store);
            }
        }
        let answer = self.get(url).await?;
        let body = wire::read_answer(
            answer.code(),
            answer.retry_after,
            &answer.text,
            "reservation list",
            Missing::Path,
        )?
        .unwrap_or_default();
        let (rows, total) = self.read_page(&body)?;
        let read = u64::from(page) * u64::from(limit);
        let has_more = match total {
            Some(t) => read < u64::try_from(t).unwrap_or(0),
            None => rows.len() >= limit as usize,
        };
        Ok(PulledPage {
            records: rows.iter().map(|r| self.record(r)).collect(),
            has_more,
            total,
        })
    }

    async fn get(&self, url: reqwest::Url) -> Result<crate::http::Answer, CallError> {
        wire::call(
            &self.http,
            reqwest::Method::GET,
            url,
            &self.key,
            Default::default(),
        )
        .await
    }

    async fn one(&self, id: &str) -> Result<Option<RemoteRecord>, CallError> {
        let url = wire::address(&self.config.endpoint, &self.config.paths.get, Some(id))?;
        let answer = self.get(url).await?;
        let body = wire::read_answer(
            answer.code(),
            answer.retry_after,
            &answer.text,
            &format!("reservation {id}"),
            Missing::Absent,
        )?;
        // The record itself, or wrapped like a list's records.
        Ok(body.map(|b| {
            let raw = match b.get(&self.config.list_key) {
                Some(inner) if inner.is_object() => inner.clone(),
                _ => b,
            };
            self.record(&raw)
        }))
    }
}

impl Connector for Yiding {
    fn streams(&self) -> &'static [StreamSpec] {
        STREAMS
    }

    /// A one-record list: the key is checked and the list path found.
    fn test_connection(&self) -> BoxFuture<'_, Result<(), CallError>> {
        Box::pin(async move {
            let probe = PullRequest {
                page: 1,
                limit: 1,
                ..PullRequest::default()
            };
            self.list(&probe).await.map(|_| ())
        })
    }

    fn pull<'a>(
        &'a self,
        stream: &'a str,
        request: PullRequest,
    ) -> BoxFuture<'a, Result<PulledPage, CallError>> {
        Box::pin(async move {
            if stream != "reservations" {
                return Err(unknown_stream(stream));
            }
            self.list(&request).await
        })
    }

    fn pull_one<'a>(
        &'a self,
        stream: &'a str,
        external_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<RemoteRecord>, CallError>> {
        Box::pin(async move {
            if stream != "reservations" {
                return Err(unknown_stream(stream));
            }
            self.one(external_id).await
        })
    }

    fn push<'a>(&'a self, request: &'a PushRequest) -> BoxFuture<'a, Result<Value, CallError>> {
        Box::pin(push::push(self, request))
    }

    /// Seed 002's `reservation.created|updated|cancelled` name the reservation in
    /// `data.reservation_id`.
    fn event_target(&self, event_type: &str, payload: &Value) -> Option<(String, String)> {
        if !event_type.starts_with("reservation.") {
            return None;
        }
        let id = payload["data"]["reservation_id"].as_str()?;
        Some(("reservations".to_owned(), id.to_owned()))
    }
}
