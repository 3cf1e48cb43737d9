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
        SystemType::Pos => &["meituan", "generic"],
        SystemType::Supplier => &["haier", "ylh", "shuhai", "generic"],
        SystemType::Member => &["wechat", "generic"],
        SystemType::Reservation => &["yiding"],
        SystemType::Ecommerce => &["temu"],
        _ => &[],
    }
}

/// The provider name a system's `provider` stands for (aliases and case folded), if a
/// connector serves it.
fn canonical(system_type: SystemType, provider: &str) -> Option<&'static str> {
    let provider = provider.trim().to_ascii_lowercase();
    let name = match (system_type, provider.as_str()) {
        (SystemType::Erp, "custom" | "custom_erp" | "custom-erp" | "自定义") => "custom",
        (SystemType::Erp, "sap_b1" | "sap-b1" | "sapb1") => "sap_b1",
        (SystemType::Erp, "sap_s4" | "sap-s4" | "s4hana" | "sap_s4hana") => "sap_s4",
        (SystemType::Erp, "kingdee" | "k3cloud" | "金蝶") => "kingdee",
        (SystemType::Erp, "yonyou_u8" | "yonyou-u8" | "u8" | "用友u8") => "yonyou_u8",
        (SystemType::Erp, "yonsuite" | "yonbip" | "yonyou_nc" | "用友nc") => "yonsuite",
        (SystemType::Supplier, "haier" | "海尔") => "haier",
        (SystemType::Supplier, "ylh" | "yilihuo" | "易理货") => "ylh",
        (SystemType::Ecommerce, "temu") => "temu",
        (SystemType::Reservation, "yiding" | "易订") => "yiding",
        // Seed 000's systems go through one connector configured by field mapping.
        (SystemType::Pos, "meituan" | "美团" | "generic") => "generic_pos",
        (SystemType::Supplier, "shuhai" | "蜀海" | "generic") => "generic_supplier",
        (SystemType::Member, "wechat" | "微信" | "generic") => "generic_member",
        _ => return None,
    };
    Some(name)
}

/// Whether a system's connection test is its connector's own (a real login plus one
/// cheap read). Seed 000's generic systems have no login: probing the endpoint with the API
/// key is their test.
pub fn tests_by_login(system_type: SystemType, provider: &str) -> bool {
    canonical(system_type, provider).is_some_and(|p| !p.starts_with("generic_"))
}

type MappingSpec = (
    &'static [crate::connector::StreamSpec],
    fn(&str) -> FieldMapping,
    fn(&str) -> Vec<&'static str>,
);

/// A provider's streams with their shipped mappings and the fields each may fill.
fn mapping_spec(provider: &str) -> Option<MappingSpec> {
    use crate::yonyou::mapping::{default_mapping as yonyou_default, Variant};
    fn u8_default(stream: &str) -> FieldMapping {
        yonyou_default(Variant::U8, stream)
    }
    fn yonsuite_default(stream: &str) -> FieldMapping {
        yonyou_default(Variant::YonSuite, stream)
    }
    Some(match provider {
        "custom" => (
            crate::custom_erp::STREAMS,
            crate::custom_erp::default_mapping,
            crate::custom_erp::mappable_fields,
        ),
        "sap_b1" => (
            crate::sap_b1::STREAMS,
            crate::sap_b1::default_mapping,
            crate::sap_b1::mappable_fields,
        ),
        "sap_s4" => (
            crate::sap_s4::STREAMS,
            crate::sap_s4::default_mapping,
            crate::sap_s4::mappable_fields,
        ),
        "kingdee" => (
            crate::kingdee::STREAMS,
            crate::kingdee::default_mapping,
            crate::kingdee::mappable_fields,
        ),
        "yonyou_u8" => (
            crate::yonyou::U8_STREAMS,
            u8_default,
            crate::yonyou::mapping::mappable_fields,
        ),
        "yonsuite" => (
            crate::yonyou::YONSUITE_STREAMS,
            yonsuite_default,
            crate::yonyou::mapping::mappable_fields,
        ),
        "haier" => (
            crate::haier::STREAMS,
            crate::haier::default_mapping,
            crate::haier::mappable_fields,
        ),
        "ylh" => (
            crate::ylh::STREAMS,
            crate::ylh::default_mapping,
            crate::ylh::mappable_fields,
        ),
        "temu" => (
            crate::temu::STREAMS,
            crate::temu::default_mapping,
            crate::temu::mappable_fields,
        ),
        "yiding" => (
            crate::yiding::STREAMS,
            crate::yiding::default_mapping,
            crate::yiding::mappable_fields,
        ),
        "generic_pos" | "generic_supplier" | "generic_member" => (
            match provider {
                "generic_pos" => crate::generic::POS_STREAMS,
                "generic_supplier" => crate::generic::SUPPLIER_STREAMS,
                _ => crate::generic::MEMBER_STREAMS,
            },
            crate::generic::default_mapping,
            crate::generic::mappable_fields,
        ),
        _ => return None,
    })
}

/// A stream with its shipped mapping and the fields a system may map.
pub type StreamMapping = (
    &'static crate::connector::StreamSpec,
    FieldMapping,
    Vec<&'static str>,
);

/// The streams of the connector serving a system, each with its shipped mapping and the
/// fields a system may map (what the mapping editor offers); empty when none serves it.
pub fn mapping_streams(system_type: SystemType, provider: &str) -> Vec<StreamMapping> {
    let Some((streams, default, mappable)) =
        canonical(system_type, provider).and_then(mapping_spec)
    else {
        return Vec::new();
    };
    streams
        .iter()
        .map(|s| (s, default(s.name), mappable(s.name)))
        .collect()
}

/// Checks a system's `config.field_mapping` when the system is saved: every stream named
/// must be one of the connector's, every target field one its model has, every source a
/// field path. Systems no connector serves have nothing to check.
pub fn check_field_mapping(
    system_type: SystemType,
    provider: &str,
    config: &Value,
) -> Result<(), AppError> {
    let Some((streams, default, mappable)) =
        canonical(system_type, provider).and_then(mapping_spec)
    else {
        return Ok(());
    };
    let Some(given) = config.get("field_mapping").filter(|m| !m.is_null()) else {
        return Ok(());
    };
    let Some(given) = given.as_object() else {
        return Err(AppError::field(
            "config.field_mapping",
            Rule::Json,
            "field_mapping is an object of stream → {our field: vendor field}",
        ));
    };
    let names: Vec<String> = streams.iter().map(|s| s.name.to_owned()).collect();
    if let Some(unknown) = given.keys().find(|k| !names.contains(k)) {
        return Err(AppError::field(
            format!("config.field_mapping.{unknown}"),
            Rule::OneOf { allowed: names },
            format!("`{unknown}` is not a stream of this connector"),
        ));
    }
    let settings = ConnectorSettings {
        system_type,
        provider: provider.to_owned(),
        api_endpoint: None,
        config: config.clone(),
        secrets: BTreeMap::new(),
    };
    settings
        .stream_mappings(streams, default, mappable)
        .map(|_| ())
}

/// The connector for a system.
pub fn build(settings: &ConnectorSettings) -> Result<Box<dyn Connector>, AppError> {
    match canonical(settings.system_type, &settings.provider) {
        Some("custom") => crate::custom_erp::from_settings(settings),
        Some("sap_b1") => crate::sap_b1::from_settings(settings),
        Some("sap_s4") => crate::sap_s4::from_settings(settings),
        Some("kingdee") => crate::kingdee::from_settings(settings),
        Some("yonyou_u8") => crate::yonyou::u8::from_settings(settings),
        Some("yonsuite") => crate::yonyou::yonsuite::from_settings(settings),
        Some("haier") => crate::haier::from_settings(settings),
        Some("ylh") => crate::ylh::from_settings(settings),
        Some("temu") => crate::temu::from_settings(settings),
        Some("yiding") => crate::yiding::from_settings(settings),
        Some("generic_pos" | "generic_supplier" | "generic_member") => {
            crate::generic::from_settings(settings)
        }
        _ => Err(AppError::field(
            "provider",
            Rule::OneOf {
                allowed: providers(settings.system_type)
                    .iter()
                    .map(|p| (*p).to_owned())
                    .collect(),
            },
            format!(
                "no sync connector for a {} system from `{}` yet",
                settings.system_type, settings.provider
            ),
        )),
    }
}
