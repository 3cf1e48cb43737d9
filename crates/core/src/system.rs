//! External systems (seed 000 "ExternalSystem", plus types `reservation` and `ecommerce`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use specta::Type;
use uuid::Uuid;

use crate::error::{AppError, ErrorClass, Rule, Violations};
use crate::validate;

string_enum!(SystemType {
    Pos => "pos",
    Supplier => "supplier",
    Member => "member",
    Payment => "payment",
    Delivery => "delivery",
    Erp => "erp",
    Reservation => "reservation",
    Ecommerce => "ecommerce",
});

string_enum!(SystemStatus {
    Active => "active",
    Inactive => "inactive",
    Error => "error",
    Testing => "testing",
});

string_enum!(LastSyncStatus {
    Success => "success",
    Failed => "failed",
    Partial => "partial",
});

pub const SYNC_INTERVAL_MIN: i64 = 30;
pub const SYNC_INTERVAL_MAX: i64 = 86_400;
pub const SYNC_INTERVAL_DEFAULT: i64 = 300;
const CONFIG_MAX_BYTES: usize = 64 * 1024;
const SECRET_MAX_CHARS: u32 = 4096;

/// An external system as the seeds show it. Secrets are never here: `secret_fields` names
/// the secrets saved in the OS keychain for it (e.g. `api_key`), never their values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct ExternalSystem {
    pub id: Uuid,
    pub name: String,
    #[serde(rename = "type")]
    pub system_type: SystemType,
    pub provider: String,
    pub version: Option<String>,
    pub status: SystemStatus,
    pub store_id: Option<String>,
    pub api_endpoint: Option<String>,
    pub webhook_url: Option<String>,
    #[schema(value_type = Object)]
    pub config: Value,
    pub sync_enabled: bool,
    pub sync_interval: i64,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub last_sync_status: Option<LastSyncStatus>,
    pub secret_fields: Vec<String>,
    pub last_test_at: Option<DateTime<Utc>>,
    pub last_test_latency_ms: Option<i64>,
    pub last_test_error_class: Option<ErrorClass>,
    pub last_test_message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a person submits to add a system. The seeds' create body nests `api_endpoint`,
/// `api_key` and `webhook_url` inside `config`; both that shape and top-level fields work.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct NewSystem {
    pub name: String,
    #[serde(rename = "type")]
    pub system_type: String,
    pub provider: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub store_id: Option<String>,
    #[serde(default)]
    pub api_endpoint: Option<String>,
    #[serde(default)]
    pub webhook_url: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub config: Option<Value>,
    #[serde(default)]
    pub sync_enabled: Option<bool>,
    #[serde(default)]
    pub sync_interval: Option<i64>,
    /// Secret values by name (`api_key`, `client_secret`, ...): they go to the keychain.
    #[serde(default)]
    pub secrets: BTreeMap<String, String>,
}

/// A change to a system. Absent fields stay as they are; an empty string clears an
/// optional text field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct SystemPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub store_id: Option<String>,
    #[serde(default)]
    pub api_endpoint: Option<String>,
    #[serde(default)]
    pub webhook_url: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub config: Option<Value>,
    #[serde(default)]
    pub sync_enabled: Option<bool>,
    #[serde(default)]
    pub sync_interval: Option<i64>,
    /// New secret values by name; replaces the saved value of each.
    #[serde(default)]
    pub secrets: BTreeMap<String, String>,
    /// Names of saved secrets to remove.
    #[serde(default)]
    pub clear_secrets: Vec<String>,
}

#[derive(
    Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type, utoipa::IntoParams,
)]
#[into_params(parameter_in = Query)]
pub struct SystemFilter {
    #[serde(rename = "type", default)]
    pub system_type: Option<String>,
    #[serde(default)]
    pub store_id: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub cursor: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

/// A validated filter, ready for the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidSystemFilter {
    pub system_type: Option<SystemType>,
    pub store_id: Option<String>,
    pub status: Option<SystemStatus>,
}

impl SystemFilter {
    pub fn validate(&self) -> Result<ValidSystemFilter, AppError> {
        let mut v = Violations::new();
        let system_type = parse_opt(
            &mut v,
            "type",
            self.system_type.as_deref(),
            SystemType::NAMES,
        )
        .and_then(SystemType::parse);
        let status = parse_opt(
            &mut v,
            "status",
            self.status.as_deref(),
            SystemStatus::NAMES,
        )
        .and_then(SystemStatus::parse);
        let store_id = non_empty(self.store_id.as_deref());
        if let Some(s) = &store_id {
            validate::max_len(&mut v, "store_id", s, 64);
        }
        v.into_result()?;
        Ok(ValidSystemFilter {
            system_type,
            store_id,
            status,
        })
    }
}

fn parse_opt<'a>(
    v: &mut Violations,
    field: &str,
    value: Option<&'a str>,
    allowed: &[&str],
) -> Option<&'a str> {
    match non_empty_ref(value) {
        Some(s) if validate::one_of(v, field, s, allowed) => Some(s),
        _ => None,
    }
}

fn non_empty_ref(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|s| !s.is_empty())
}

fn non_empty(value: Option<&str>) -> Option<String> {
    non_empty_ref(value).map(str::to_owned)
}

/// A new system after validation: every field checked, secrets split from config.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidNewSystem {
    pub name: String,
    pub system_type: SystemType,
    pub provider: String,
    pub version: Option<String>,
    pub store_id: Option<String>,
    pub api_endpoint: Option<String>,
    pub webhook_url: Option<String>,
    pub config: Map<String, Value>,
    pub sync_enabled: bool,
    pub sync_interval: i64,
    pub secrets: BTreeMap<String, String>,
}

/// Config keys that hold credentials. They never stay in `config` (which is stored in
/// SQLite); they are moved to the keychain like any other secret.
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase().replace('-', "_");
    const EXACT: &[&str] = &[
        "api_key",
        "apikey",
        "secret",
        "password",
        "passwd",
        "token",
        "private_key",
        "appsecret",
        "clientsecret",
        "accesstoken",
    ];
    const SUFFIXES: &[&str] = &["_secret", "_password", "_token", "_api_key", "_private_key"];
    EXACT.contains(&k.as_str()) || SUFFIXES.iter().any(|s| k.ends_with(s))
}

fn valid_secret_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn check_secrets(v: &mut Violations, secrets: &BTreeMap<String, String>) {
    for (name, value) in secrets {
        let field = format!("secrets.{name}");
        if !valid_secret_name(name) {
            v.push(
                &field,
                Rule::Format {
                    expected: "[a-z0-9_]{1,64}".into(),
                },
                format!("secret name `{name}` must be 1-64 lowercase letters, digits or _"),
            );
        }
        if value.is_empty() {
            v.push(&field, Rule::Required, format!("{field} must not be empty"));
        }
        validate::max_len(v, &field, value, SECRET_MAX_CHARS);
    }
}

/// Splits a config object into plain settings and secrets, lifting the seed's nested
/// `api_endpoint` and `webhook_url`. A secret nested deeper than the top level is refused
/// rather than stored.
struct SplitConfig {
    config: Map<String, Value>,
    secrets: BTreeMap<String, String>,
    api_endpoint: Option<String>,
    webhook_url: Option<String>,
}

fn split_config(v: &mut Violations, config: Option<Value>) -> SplitConfig {
    let mut out = SplitConfig {
        config: Map::new(),
        secrets: BTreeMap::new(),
        api_endpoint: None,
        webhook_url: None,
    };
    let map = match config {
        None | Some(Value::Null) => return out,
        Some(Value::Object(map)) => map,
        Some(_) => {
            v.push("config", Rule::Json, "config must be a JSON object");
            return out;
        }
    };
    if serde_json::to_vec(&map).map(|b| b.len()).unwrap_or(0) > CONFIG_MAX_BYTES {
        v.push(
            "config",
            Rule::TooLong {
                max: CONFIG_MAX_BYTES as u32,
            },
            format!("config must be at most {CONFIG_MAX_BYTES} bytes of JSON"),
        );
        return out;
    }
    for (key, value) in map {
        match key.as_str() {
            "api_endpoint" | "webhook_url" => match value {
                Value::String(s) if key == "api_endpoint" => out.api_endpoint = Some(s),
                Value::String(s) => out.webhook_url = Some(s),
                Value::Null => {}
                _ => v.push(
                    format!("config.{key}"),
                    Rule::Format {
                        expected: "string".into(),
                    },
                    format!("config.{key} must be a string"),
                ),
            },
            _ if is_secret_key(&key) => match value {
                Value::String(s) => {
                    out.secrets
                        .insert(key.to_ascii_lowercase().replace('-', "_"), s);
                }
                Value::Null => {}
                _ => v.push(
                    format!("config.{key}"),
                    Rule::Format {
                        expected: "string".into(),
                    },
                    format!("config.{key} is a secret and must be a string"),
                ),
            },
            _ => {
                if let Some(path) = nested_secret_path(&value) {
                    v.push(
                        format!("config.{key}.{path}"),
                        Rule::Format {
                            expected: "secret at the top level of config".into(),
                        },
                        format!(
                            "config.{key}.{path} looks like a secret; put secrets at the top level of config or in secrets so they go to the keychain"
                        ),
                    );
                }
                out.config.insert(key, value);
            }
        }
    }
    crate::sync_cron::check(v, &out.config);
    crate::conflict::check_strategy(v, &out.config);
    crate::sync_pacing::check(v, &out.config);
    out
}

fn nested_secret_path(value: &Value) -> Option<String> {
    match value {
        Value::Object(map) => map.iter().find_map(|(k, v)| {
            if is_secret_key(k) && !v.is_null() {
                Some(k.clone())
            } else {
                nested_secret_path(v).map(|p| format!("{k}.{p}"))
            }
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nested_secret_path(v).map(|p| format!("[{i}].{p}"))),
        _ => None,
    }
}

/// The fields a create and a patch share; `None` means "not given, not checked".
#[derive(Default)]
struct CommonFields<'a> {
    name: Option<&'a str>,
    provider: Option<&'a str>,
    version: Option<&'a str>,
    store_id: Option<&'a str>,
    api_endpoint: Option<&'a str>,
    webhook_url: Option<&'a str>,
    sync_interval: Option<i64>,
}

fn check_common(v: &mut Violations, f: CommonFields<'_>) {
    let CommonFields {
        name,
        provider,
        version,
        store_id,
        api_endpoint,
        webhook_url,
        sync_interval,
    } = f;
    if let Some(name) = name {
        validate::required_text(v, "name", name, 100);
    }
    if let Some(provider) = provider {
        validate::required_text(v, "provider", provider, 100);
    }
    if let Some(version) = version {
        validate::max_len(v, "version", version, 50);
    }
    if let Some(store_id) = store_id {
        validate::max_len(v, "store_id", store_id, 64);
    }
    if let Some(url) = api_endpoint.filter(|s| !s.is_empty()) {
        validate::http_url(v, "api_endpoint", url);
    }
    if let Some(url) = webhook_url.filter(|s| !s.is_empty()) {
        validate::http_url(v, "webhook_url", url);
    }
    if let Some(interval) = sync_interval {
        validate::range(
            v,
            "sync_interval",
            interval,
            SYNC_INTERVAL_MIN,
            SYNC_INTERVAL_MAX,
            " seconds",
        );
    }
}

impl NewSystem {
    pub fn validate(self) -> Result<ValidNewSystem, AppError> {
        let mut v = Violations::new();
        let system_type =
            if validate::one_of(&mut v, "type", self.system_type.trim(), SystemType::NAMES) {
                SystemType::parse(self.system_type.trim())
            } else {
                None
            };
        let split = split_config(&mut v, self.config);
        let api_endpoint =
            non_empty(self.api_endpoint.as_deref()).or(non_empty(split.api_endpoint.as_deref()));
        let webhook_url =
            non_empty(self.webhook_url.as_deref()).or(non_empty(split.webhook_url.as_deref()));
        let mut secrets = split.secrets;
        // Top-level secrets win over the same name inside config.
        secrets.extend(self.secrets);
        check_secrets(&mut v, &secrets);
        let sync_interval = self.sync_interval.unwrap_or(SYNC_INTERVAL_DEFAULT);
        check_common(
            &mut v,
            CommonFields {
                name: Some(&self.name),
                provider: Some(&self.provider),
                version: self.version.as_deref(),
                store_id: self.store_id.as_deref(),
                api_endpoint: api_endpoint.as_deref(),
                webhook_url: webhook_url.as_deref(),
                sync_interval: Some(sync_interval),
            },
        );
        v.into_result()?;
        let system_type = system_type.ok_or_else(|| AppError::internal("type checked above"))?;
        Ok(ValidNewSystem {
            name: self.name.trim().to_owned(),
            system_type,
            provider: self.provider.trim().to_owned(),
            version: non_empty(self.version.as_deref()),
            store_id: non_empty(self.store_id.as_deref()),
            api_endpoint,
            webhook_url,
            config: split.config,
            sync_enabled: self.sync_enabled.unwrap_or(false),
            sync_interval,
            secrets,
        })
    }
}

/// A patch after validation, ready to apply to a stored system.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValidSystemPatch {
    pub name: Option<String>,
    pub provider: Option<String>,
    pub version: Option<Option<String>>,
    pub status: Option<SystemStatus>,
    pub store_id: Option<Option<String>>,
    pub api_endpoint: Option<Option<String>>,
    pub webhook_url: Option<Option<String>>,
    pub config: Option<Map<String, Value>>,
    pub sync_enabled: Option<bool>,
    pub sync_interval: Option<i64>,
    pub set_secrets: BTreeMap<String, String>,
    pub clear_secrets: Vec<String>,
}

impl ValidSystemPatch {
    pub fn is_empty(&self) -> bool {
        *self == ValidSystemPatch::default()
    }

    /// Applies the patch to a copy of `system` (secret names included).
    pub fn apply(&self, system: &ExternalSystem) -> ExternalSystem {
        let mut s = system.clone();
        if let Some(x) = &self.name {
            s.name = x.clone();
        }
        if let Some(x) = &self.provider {
            s.provider = x.clone();
        }
        if let Some(x) = &self.version {
            s.version = x.clone();
        }
        if let Some(x) = self.status {
            s.status = x;
        }
        if let Some(x) = &self.store_id {
            s.store_id = x.clone();
        }
        if let Some(x) = &self.api_endpoint {
            s.api_endpoint = x.clone();
        }
        if let Some(x) = &self.webhook_url {
            s.webhook_url = x.clone();
        }
        if let Some(x) = &self.config {
            s.config = Value::Object(x.clone());
        }
        if let Some(x) = self.sync_enabled {
            s.sync_enabled = x;
        }
        if let Some(x) = self.sync_interval {
            s.sync_interval = x;
        }
        s.secret_fields.retain(|f| !self.clear_secrets.contains(f));
        for name in self.set_secrets.keys() {
            if !s.secret_fields.contains(name) {
                s.secret_fields.push(name.clone());
            }
        }
        s.secret_fields.sort();
        s
    }
}

/// Statuses a person may set; `testing` and `error` belong to the connection test.
pub const SETTABLE_STATUSES: &[&str] = &["active", "inactive"];

impl SystemPatch {
    pub fn validate(self) -> Result<ValidSystemPatch, AppError> {
        let mut v = Violations::new();
        let status = match non_empty(self.status.as_deref()) {
            Some(s) if validate::one_of(&mut v, "status", &s, SETTABLE_STATUSES) => {
                SystemStatus::parse(&s)
            }
            _ => None,
        };
        let config_given = self.config.is_some();
        let split = split_config(&mut v, self.config);
        let mut secrets = split.secrets;
        secrets.extend(self.secrets);
        check_secrets(&mut v, &secrets);
        for name in &self.clear_secrets {
            if secrets.contains_key(name) {
                v.push(
                    format!("secrets.{name}"),
                    Rule::Format {
                        expected: "either set or cleared".into(),
                    },
                    format!("secret {name} cannot be both set and cleared"),
                );
            }
        }
        let api_endpoint = self.api_endpoint.or(split.api_endpoint);
        let webhook_url = self.webhook_url.or(split.webhook_url);
        check_common(
            &mut v,
            CommonFields {
                name: self.name.as_deref(),
                provider: self.provider.as_deref(),
                version: self.version.as_deref(),
                store_id: self.store_id.as_deref(),
                api_endpoint: api_endpoint.as_deref().map(str::trim),
                webhook_url: webhook_url.as_deref().map(str::trim),
                sync_interval: self.sync_interval,
            },
        );
        v.into_result()?;
        let clear = |x: Option<String>| x.map(|s| non_empty(Some(&s)));
        Ok(ValidSystemPatch {
            name: self.name.map(|s| s.trim().to_owned()),
            provider: self.provider.map(|s| s.trim().to_owned()),
            version: clear(self.version),
            status,
            store_id: clear(self.store_id),
            api_endpoint: clear(api_endpoint),
            webhook_url: clear(webhook_url),
            config: config_given.then_some(split.config),
            sync_enabled: self.sync_enabled,
            sync_interval: self.sync_interval,
            set_secrets: secrets,
            clear_secrets: self.clear_secrets,
        })
    }
}

/// The outcome of a connection test, as shown to the manager.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct ConnectionTestResult {
    pub system_id: Uuid,
    pub ok: bool,
    pub status: SystemStatus,
    pub latency_ms: Option<i64>,
    pub http_status: Option<u16>,
    pub error_class: Option<ErrorClass>,
    pub message: String,
    pub tested_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn seed_create_body() -> NewSystem {
        serde_json::from_value(json!({
            "name": "美团POS系统",
            "type": "pos",
            "provider": "Meituan",
            "store_id": "store-001",
            "config": {
                "api_endpoint": "https://api.meituan.com/pos",
                "api_key": "your_api_key",
                "webhook_url": "http://your-domain/api/v1/integrations/webhooks/pos",
                "merchant_no": "M001"
            }
        }))
        .unwrap_or_default()
    }

    fn errors(err: AppError) -> Vec<(String, Rule)> {
        match err {
            AppError::Validation { errors } => {
                errors.into_iter().map(|e| (e.field, e.rule)).collect()
            }
            other => panic!("expected validation, got {other:?}"),
        }
    }

    #[test]
    fn seed_create_body_is_normalised_and_secrets_split_out() {
        let valid = seed_create_body().validate().expect("valid");
        assert_eq!(valid.system_type, SystemType::Pos);
        assert_eq!(
            valid.api_endpoint.as_deref(),
            Some("https://api.meituan.com/pos")
        );
        assert_eq!(
            valid.webhook_url.as_deref(),
            Some("http://your-domain/api/v1/integrations/webhooks/pos")
        );
        assert_eq!(
            valid.secrets.get("api_key").map(String::as_str),
            Some("your_api_key")
        );
        assert!(
            !valid.config.contains_key("api_key"),
            "secret left in config"
        );
        assert_eq!(valid.config.get("merchant_no"), Some(&json!("M001")));
        assert_eq!(valid.sync_interval, SYNC_INTERVAL_DEFAULT);
        assert!(!valid.sync_enabled);
    }

    #[test]
    fn all_seed_types_accepted() {
        for t in [
            "pos",
            "supplier",
            "member",
            "payment",
            "delivery",
            "erp",
            "reservation",
            "ecommerce",
        ] {
            let mut body = seed_create_body();
            body.system_type = t.into();
            assert!(body.validate().is_ok(), "{t}");
        }
    }

    #[test]
    fn every_bad_field_is_named_with_its_rule() {
        let body = NewSystem {
            name: " ".into(),
            system_type: "fax".into(),
            provider: "".into(),
            api_endpoint: Some("not a url".into()),
            sync_interval: Some(5),
            config: Some(json!([1, 2])),
            ..Default::default()
        };
        let errs = errors(body.validate().expect_err("must fail"));
        let fields: Vec<_> = errs.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "type",
                "config",
                "name",
                "provider",
                "api_endpoint",
                "sync_interval"
            ]
        );
        assert_eq!(
            errs[5].1,
            Rule::OutOfRange {
                min: 30,
                max: 86400
            }
        );
    }

    #[test]
    fn nested_secrets_and_bad_secret_names_are_refused() {
        let mut body = seed_create_body();
        body.config = Some(json!({"oauth": {"client_secret": "x"}}));
        body.secrets.insert("Bad Name".into(), "v".into());
        body.secrets.insert("empty".into(), String::new());
        let errs = errors(body.validate().expect_err("must fail"));
        let fields: Vec<_> = errs.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "config.oauth.client_secret",
                "secrets.Bad Name",
                "secrets.empty"
            ]
        );
    }

    #[test]
    fn secret_key_names() {
        for k in [
            "api_key",
            "client_secret",
            "appSecret",
            "password",
            "access_token",
            "seller_password",
            "webhook-secret",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "app_key",
            "client_id",
            "customer_code",
            "username",
            "token_url",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn patch_validation_and_apply() {
        let patch = SystemPatch {
            status: Some("active".into()),
            sync_enabled: Some(true),
            sync_interval: Some(600),
            store_id: Some(String::new()),
            secrets: BTreeMap::from([("api_key".into(), "k2".into())]),
            ..Default::default()
        }
        .validate()
        .expect("valid patch");
        assert_eq!(patch.status, Some(SystemStatus::Active));
        assert_eq!(patch.store_id, Some(None));
        let bad = SystemPatch {
            status: Some("testing".into()),
            sync_interval: Some(100_000),
            ..Default::default()
        };
        let errs = errors(bad.validate().expect_err("must fail"));
        assert_eq!(errs[0].0, "status");
        assert_eq!(errs[1].0, "sync_interval");
        assert!(SystemPatch::default()
            .validate()
            .map(|p| p.is_empty())
            .unwrap_or(false));
    }

    #[test]
    fn filter_validation() {
        let f = SystemFilter {
            system_type: Some("erp".into()),
            status: Some("".into()),
            ..Default::default()
        };
        assert_eq!(
            f.validate().ok().and_then(|f| f.system_type),
            Some(SystemType::Erp)
        );
        let bad = SystemFilter {
            status: Some("broken".into()),
            ..Default::default()
        };
        assert!(bad.validate().is_err());
    }

    #[test]
    fn wire_names_follow_the_seed() {
        let body = seed_create_body();
        let json = serde_json::to_value(&body).unwrap_or_default();
        assert_eq!(json["type"], "pos");
        assert!(json.get("system_type").is_none());
    }
}
