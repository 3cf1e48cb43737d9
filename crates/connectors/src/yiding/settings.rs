//! A Yiding system's settings, with seed 002's defaults for everything it shows and a
//! documented default (configurable) for everything it does not.

use std::time::Duration;

use chrono::FixedOffset;
use serde_json::Value;
use storelink_core::error::{AppError, Rule};

use super::fields::{default_mapping, mappable_fields, STREAMS};
use crate::mapping::FieldMapping;
use crate::registry::ConnectorSettings;

/// Which id of a reservation the status path carries (`config.status_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusId {
    /// `reservation_id`, as seed 002's `PUT .../reservation/{reservation_id}/status`.
    ReservationId,
    /// The platform's own id (`external_id` of the push body).
    ExternalId,
}

/// Path templates under `api_endpoint` (`config.paths.{list,get,status}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub list: String,
    pub get: String,
    pub status: String,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            list: "/list".into(),
            get: "/{reservation_id}".into(),
            status: "/{reservation_id}/status".into(),
        }
    }
}

#[derive(Clone)]
pub struct YidingConfig {
    /// `api_endpoint`, e.g. `https://api.yiding.com/reservation`.
    pub endpoint: String,
    pub api_key: String,
    pub auth_header: String,
    /// Put before the key with a space; empty sends the key alone.
    pub auth_scheme: String,
    pub paths: Paths,
    pub since_param: String,
    pub page_param: String,
    pub limit_param: String,
    /// The store's id at Yiding, sent as `store_id` on lists when set.
    pub store_id: Option<String>,
    /// Where a list answer keeps its records and its total (a bare array is read as is).
    pub list_key: String,
    pub total_key: String,
    pub max_page_size: u32,
    pub status_id: StatusId,
    /// Empty: no idempotency header is sent.
    pub idempotency_header: String,
    pub offset: FixedOffset,
    pub timeout: Duration,
    pub mappings: Vec<(String, FieldMapping)>,
}

impl std::fmt::Debug for YidingConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key never reaches a log line.
        f.debug_struct("YidingConfig")
            .field("endpoint", &self.endpoint)
            .field("paths", &self.paths)
            .field("status_id", &self.status_id)
            .finish_non_exhaustive()
    }
}

impl YidingConfig {
    /// Seed 002's defaults for this address and key.
    pub fn new(endpoint: &str, api_key: &str) -> YidingConfig {
        YidingConfig {
            endpoint: endpoint.trim().to_owned(),
            api_key: api_key.to_owned(),
            auth_header: "Authorization".into(),
            auth_scheme: "Bearer".into(),
            paths: Paths::default(),
            since_param: "updated_since".into(),
            page_param: "page".into(),
            limit_param: "limit".into(),
            store_id: None,
            list_key: "data".into(),
            total_key: "total".into(),
            max_page_size: 100,
            status_id: StatusId::ReservationId,
            idempotency_header: "Idempotency-Key".into(),
            offset: storelink_core::vendor_time::china_offset(),
            timeout: Duration::from_secs(30),
            mappings: Vec::new(),
        }
    }

    /// Reads a system's settings (keys in the module doc).
    pub fn from_settings(settings: &ConnectorSettings) -> Result<YidingConfig, AppError> {
        let mut c = YidingConfig::new(
            &settings.base_url()?,
            &settings.secret("api_key", "the Yiding API key")?,
        );
        let text = |key: &str| settings.optional_text(key);
        let raw = |key: &str| settings.config.get(key).and_then(Value::as_str);
        if let Some(h) = text("auth_header") {
            c.auth_header = h;
        }
        // An empty scheme is meaningful (the key alone), so it is read even when blank.
        if let Some(s) = raw("auth_scheme") {
            c.auth_scheme = s.trim().to_owned();
        }
        if let Some(h) = raw("idempotency_header") {
            c.idempotency_header = h.trim().to_owned();
        }
        let paths = settings.config.get("paths");
        for (key, slot) in [
            ("list", &mut c.paths.list),
            ("get", &mut c.paths.get),
            ("status", &mut c.paths.status),
        ] {
            if let Some(p) = paths.and_then(|p| p.get(key)).and_then(Value::as_str) {
                *slot = p.trim().to_owned();
            }
        }
        for (key, slot) in [
            ("since_param", &mut c.since_param),
            ("page_param", &mut c.page_param),
            ("limit_param", &mut c.limit_param),
            ("list_key", &mut c.list_key),
            ("total_key", &mut c.total_key),
        ] {
            if let Some(v) = text(key) {
                *slot = v;
            }
        }
        c.store_id = text("store_id");
        if let Some(n) = settings.config.get("max_page_size").and_then(Value::as_u64) {
            c.max_page_size = u32::try_from(n.clamp(1, 10_000)).unwrap_or(100);
        }
        c.status_id = match text("status_id").as_deref() {
            None | Some("reservation_id") => StatusId::ReservationId,
            Some("external_id") => StatusId::ExternalId,
            Some(other) => {
                return Err(AppError::field(
                    "config.status_id",
                    Rule::OneOf {
                        allowed: vec!["reservation_id".into(), "external_id".into()],
                    },
                    format!("`{other}` is not an id the status path can carry"),
                ))
            }
        };
        c.offset = storelink_core::vendor_time::offset_of_config(&settings.config);
        c.timeout = settings.timeout();
        c.mappings = settings.stream_mappings(STREAMS, default_mapping, mappable_fields)?;
        Ok(c)
    }
}
