//! Which connector serves a system: one entry per vendor, each building its connector from
//! the system's settings, its secrets (read from the keychain by the caller) and its field
//! mapping overrides. Adding a vendor is one module and one arm here.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;
use storelink_core::error::{AppError, Rule};
use storelink_core::system::SystemType;

use crate::connector::Connector;
use crate::mapping::FieldMapping;

/// What a connector is built from.
#[derive(Clone)]
pub struct ConnectorSettings {
    pub system_type: SystemType,
    pub provider: String,
    pub api_endpoint: Option<String>,
    pub config: Value,
    /// Secret values by name (`password`, `app_secret`, ...), fresh from the keychain.
    pub secrets: BTreeMap<String, String>,
}

impl std::fmt::Debug for ConnectorSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secret values never reach a log line.
        f.debug_struct("ConnectorSettings")
            .field("provider", &self.provider)
            .field("api_endpoint", &self.api_endpoint)
            .field("secrets", &self.secrets.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl ConnectorSettings {
    /// The vendor's API address (`api_endpoint`).
    pub fn base_url(&self) -> Result<String, AppError> {
        self.api_endpoint.clone().ok_or_else(|| {
            AppError::field(
                "api_endpoint",
                Rule::Required,
                "the vendor's API address is needed to sync",
            )
        })
    }

    /// A text setting in `config`, or a field error naming it.
    pub fn text(&self, key: &str, what: &str) -> Result<String, AppError> {
        self.optional_text(key).ok_or_else(|| {
            AppError::field(
                format!("config.{key}"),
                Rule::Required,
                format!("{what} (config.{key}) is needed to sync"),
            )
        })
    }

    pub fn optional_text(&self, key: &str) -> Option<String> {
        self.config
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
    }

    /// A secret, or a field error naming it (never its value).
    pub fn secret(&self, name: &str, what: &str) -> Result<String, AppError> {
        self.secrets.get(name).cloned().ok_or_else(|| {
            AppError::field(
                format!("secrets.{name}"),
                Rule::Required,
                format!("{what} (secret `{name}`) is needed to sync"),
            )
        })
    }

    /// How long one call may take (`config.timeout_ms`, default 30 s).
    pub fn timeout(&self) -> Duration {
        self.config
            .get("timeout_ms")
            .and_then(Value::as_u64)
            .map(Duration::from_millis)
            .unwrap_or(Duration::from_secs(30))
    }

    /// The mapping of a stream: the shipped default with `config.field_mapping.<stream>`
    /// applied, each override checked against the fields the stream may fill.
    pub fn mapping(
        &self,
        stream: &str,
        default: FieldMapping,
        mappable: &[&str],
    ) -> Result<FieldMapping, AppError> {
        let overrides = self.config.get("field_mapping").and_then(|m| m.get(stream));
        default.with_overrides(overrides, mappable, stream)
    }

    /// [`Self::mapping`] for every stream of a connector, in stream order.
    pub(crate) fn stream_mappings(
        &self,
        streams: &[crate::connector::StreamSpec],
        default: impl Fn(&str) -> FieldMapping,
        mappable: impl Fn(&str) -> Vec<&'static str>,
    ) -> Result<Vec<(String, FieldMapping)>, AppError> {
        streams
            .iter()
            .map(|s| {
                let m = self.mapping(s.name, default(s.name), &mappable(s.name))?;
                Ok((s.name.to_owned(), m))
            })
            .collect()
    }
}

/// The provider names a system of this type can sync with, for error messages and forms.
pub fn providers(system_type: SystemType) -> &'static [&'static str] {
    match system_type {
        SystemType::Erp => &[
            "custom",
            "kingdee",
            "yonyou_u8",
            "yonsuite",
            "sap_b1",
            "sap_s4",
        ],
        _ => &[],
    }
}

/// The connector for a system.
pub fn build(settings: &ConnectorSettings) -> Result<Box<dyn Connector>, AppError> {
    let provider = settings.provider.trim().to_ascii_lowercase();
    match (settings.system_type, provider.as_str()) {
        (SystemType::Erp, "custom" | "custom_erp" | "custom-erp" | "自定义") => {
            crate::custom_erp::from_settings(settings)
        }
        (SystemType::Erp, "sap_b1" | "sap-b1" | "sapb1") => crate::sap_b1::from_settings(settings),
        (SystemType::Erp, "sap_s4" | "sap-s4" | "s4hana" | "sap_s4hana") => {
            crate::sap_s4::from_settings(settings)
        }
        (SystemType::Erp, "kingdee" | "k3cloud" | "金蝶") => {
            crate::kingdee::from_settings(settings)
        }
        (SystemType::Erp, "yonyou_u8" | "yonyou-u8" | "u8" | "用友u8") => {
            crate::yonyou::u8::from_settings(settings)
        }
        (SystemType::Erp, "yonsuite" | "yonbip" | "yonyou_nc" | "用友nc") => {
            crate::yonyou::yonsuite::from_settings(settings)
        }
        (t, _) => Err(AppError::field(
            "provider",
            Rule::OneOf {
                allowed: providers(t).iter().map(|p| (*p).to_owned()).collect(),
            },
            format!(
                "no sync connector for a {t} system from `{}` yet",
                settings.provider
            ),
        )),
    }
}
