//! The vendor's HTTP contract as a system's `config` describes it: where each call goes,
//! how the API key is sent, how pages are asked for and read, and what the vendor's error
//! codes mean. Every key is optional; the defaults are the seed 000 contract the
//! `generic` simulator speaks, so a real vendor's contract maps in by settings alone.

use std::collections::BTreeMap;

use serde_json::Value;
use storelink_core::error::{AppError, Rule, Violations};
use storelink_core::ErrorClass;

/// Which seed 000 system a connector talks to (the system's type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pos,
    Supplier,
    Member,
}

/// The calls the connector makes, each a configurable path under `api_endpoint`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// `test_connection`'s cheap authenticated read.
    Test,
    Orders,
    Order,
    OrderCreate,
    Members,
    Member,
    MemberUpsert,
}

impl Call {
    pub const ALL: [Call; 7] = [
        Call::Test,
        Call::Orders,
        Call::Order,
        Call::OrderCreate,
        Call::Members,
        Call::Member,
        Call::MemberUpsert,
    ];

    /// The key under `config.paths`.
    pub fn key(self) -> &'static str {
        match self {
            Call::Test => "test",
            Call::Orders => "orders",
            Call::Order => "order",
            Call::OrderCreate => "order_create",
            Call::Members => "members",
            Call::Member => "member",
            Call::MemberUpsert => "member_upsert",
        }
    }

    /// The default path; `{order_number}` / `{member_id}` are filled in per record.
    fn default_path(self, kind: Kind) -> &'static str {
        match self {
            Call::Test => match kind {
                Kind::Pos => "/ping",
                Kind::Supplier => "/orders",
                Kind::Member => "/members",
            },
            Call::Orders | Call::OrderCreate => "/orders",
            Call::Order => "/orders/{order_number}",
            Call::Members => "/members",
            Call::Member | Call::MemberUpsert => "/members/{member_id}",
        }
    }
}

/// The settings of one system's vendor contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub kind: Kind,
    /// Header carrying the API key (`auth_header`, default `Authorization`) and the text
    /// before the key (`auth_scheme`, default `Bearer`; empty sends the bare key).
    pub auth_header: String,
    pub auth_scheme: String,
    paths: BTreeMap<&'static str, String>,
    pub page_param: String,
    pub limit_param: String,
    pub since_param: String,
    /// The most records the vendor gives per page (`max_page_size`, default 100).
    pub max_page_size: u32,
    /// Dot paths into the answers: the list, the one record, the total, the more flag.
    pub list_field: String,
    pub record_field: String,
    pub total_field: String,
    pub has_more_field: String,
    pub idempotency_header: String,
    /// Where an answer carries the vendor's error code and message (`error.code`,
    /// `error.message`); a 2xx answer with a code outside `success_codes` is a failure
    /// (vendors that answer errors with HTTP 200, such as `{"errcode":40001}`).
    pub error_code_field: String,
    pub error_message_field: String,
    pub success_codes: Vec<String>,
    /// `error_codes`: vendor code → error class, over the built-in table.
    pub error_codes: BTreeMap<String, ErrorClass>,
}

fn text(config: &Value, key: &str, default: &str) -> String {
    config
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| default.to_owned())
}

/// A code given as text or as a number (`40001`), as text.
pub fn code_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Contract {
    /// Reads the contract from a system's config; a setting of the wrong shape is a field
    /// error naming it.
    pub fn from_config(kind: Kind, config: &Value) -> Result<Contract, AppError> {
        let mut v = Violations::new();
        let mut paths = BTreeMap::new();
        let given = config.get("paths");
        if given.is_some_and(|p| !p.is_object() && !p.is_null()) {
            v.push(
                "config.paths",
                Rule::Json,
                "paths is an object of call → path",
            );
        }
        for call in Call::ALL {
            let path = match given.and_then(|p| p.get(call.key())) {
                None | Some(Value::Null) => call.default_path(kind).to_owned(),
                Some(Value::String(p)) if p.starts_with('/') => p.clone(),
                Some(_) => {
                    v.push(
                        format!("config.paths.{}", call.key()),
                        Rule::Format {
                            expected: "a path starting with /".into(),
                        },
                        format!("paths.{} must be a path such as `/orders`", call.key()),
                    );
                    continue;
                }
            };
            paths.insert(call.key(), path);
        }
        let max_page_size = match config.get("max_page_size") {
            None | Some(Value::Null) => 100,
            Some(n) => match n.as_u64().and_then(|n| u32::try_from(n).ok()) {
                Some(n) if (1..=10_000).contains(&n) => n,
                _ => {
                    v.push(
                        "config.max_page_size",
                        Rule::OutOfRange {
                            min: 1,
                            max: 10_000,
                        },
                        "max_page_size must be a whole number from 1 to 10000",
                    );
                    100
                }
            },
        };
        let success_codes = match config.get("success_codes") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(list)) => list.iter().filter_map(code_text).collect(),
            Some(_) => {
                v.push(
                    "config.success_codes",
                    Rule::Json,
                    "success_codes is a list of the codes that mean success",
                );
                Vec::new()
            }
        };
        let mut error_codes = BTreeMap::new();
        match config.get("error_codes") {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                for (code, class) in map {
                    match class.as_str().and_then(ErrorClass::parse) {
                        Some(class) => {
                            error_codes.insert(code.clone(), class);
                        }
                        None => v.push(
                            format!("config.error_codes.{code}"),
                            Rule::OneOf {
                                allowed: ErrorClass::NAMES
                                    .iter()
                                    .map(|n| (*n).to_owned())
                                    .collect(),
                            },
                            format!("error_codes.{code} must name an error class"),
                        ),
                    }
                }
            }
            Some(_) => v.push(
                "config.error_codes",
                Rule::Json,
                "error_codes is an object of vendor code → error class",
            ),
        }
        v.into_result()?;
        Ok(Contract {
            kind,
            auth_header: text(config, "auth_header", "Authorization"),
            auth_scheme: text(config, "auth_scheme", "Bearer"),
            paths,
            page_param: text(config, "page_param", "page"),
            limit_param: text(config, "limit_param", "limit"),
            since_param: text(config, "since_param", "updated_since"),
            max_page_size,
            list_field: text(config, "list_field", "data"),
            record_field: text(config, "record_field", "data"),
            total_field: text(config, "total_field", "total"),
            has_more_field: text(config, "has_more_field", "has_more"),
            idempotency_header: text(config, "idempotency_header", "Idempotency-Key"),
            error_code_field: text(config, "error_code_field", "error.code"),
            error_message_field: text(config, "error_message_field", "error.message"),
            success_codes,
            error_codes,
        })
    }

    /// The path of a call with `{name}` placeholders filled in (each value URL-encoded).
    pub fn path(&self, call: Call, values: &[(&str, &str)]) -> String {
        let mut path = self
            .paths
            .get(call.key())
            .cloned()
            .unwrap_or_else(|| call.default_path(self.kind).to_owned());
        for (name, value) in values {
            path = path.replace(&format!("{{{name}}}"), &encode_segment(value));
        }
        path
    }

    /// The `Authorization` (or configured) header's value for a key.
    pub fn auth_value(&self, api_key: &str) -> String {
        if self.auth_scheme.trim().is_empty() {
            api_key.to_owned()
        } else {
            format!("{} {api_key}", self.auth_scheme.trim())
        }
    }

    /// The class of a vendor code: the system's table, then the built-in one.
    pub fn class_of_code(&self, code: &str) -> Option<ErrorClass> {
        self.error_codes
            .get(code)
            .copied()
            .or_else(|| builtin_class(code))
    }

    /// A code in a 2xx answer that means failure.
    pub fn is_failure_code(&self, code: &str) -> bool {
        !self.success_codes.iter().any(|s| s == code)
    }
}

/// The error codes of the seed 000 contract (what the `generic` simulator answers).
pub fn builtin_class(code: &str) -> Option<ErrorClass> {
    Some(match code {
        "invalid_api_key" | "api_key_expired" => ErrorClass::AuthenticationError,
        "forbidden" => ErrorClass::AuthorizationError,
        "validation_error" | "invalid_parameter" | "not_found" => ErrorClass::ValidationError,
        "duplicate" | "invalid_transition" | "conflict" => ErrorClass::BusinessLogicError,
        "rate_limited" => ErrorClass::RateLimitError,
        "server_error" | "service_unavailable" => ErrorClass::NetworkError,
        "timeout" => ErrorClass::TimeoutError,
        _ => return None,
    })
}

/// A value at a dot path (`error.code`, `data`); the whole value for an empty path.
pub fn at<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    if path.is_empty() {
        return Some(value);
    }
    path.split('.').try_fold(value, |v, key| v.get(key))
}

/// Percent-encodes everything but RFC 3986 unreserved characters, for a path segment.
fn encode_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
