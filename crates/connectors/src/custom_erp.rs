//! The custom REST ERP of seed 004 §6: `POST /auth/login` gives a bearer token with an
//! expiry; `/customers`, `/products` (with inventory) and `/orders` are paged by `page` and
//! `limit` and filtered by `updated_since`; orders are created and their status changed;
//! `/health` answers without a token.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use storelink_core::ErrorClass;

use crate::classify::classify_status;
use crate::connector::{
    erp_streams, BoxFuture, CallError, Connector, PageStyle, PullRequest, PulledPage, PushRequest,
    RemoteRecord, StreamSpec,
};
use crate::http;
use crate::mapping::{compile_streams, compiled_for, CompiledMapping, FieldMapping};

pub const STREAMS: &[StreamSpec] = &erp_streams("updated_at", PageStyle::PageLimit);

/// Fields the ERP sets itself; a pushed local change never carries them (an old `version`
/// would make the ERP refuse the change, and the strategy already decided it should win).
const VENDOR_OWNED: &[&str] = &["id", "updated_at", "created_at", "version"];

/// The shipped mapping, vendor field → seed 004 model field, one per stream.
pub fn default_mapping(stream: &str) -> FieldMapping {
    match stream {
        "customers" => FieldMapping::from_pairs(&[
            ("externalId", "id"),
            ("code", "code"),
            ("name", "name"),
            ("type", "type"),
            ("contacts[0].name", "contact_name"),
            ("contacts[0].phone", "contact_phone"),
            ("contacts[0].email", "email"),
            ("addresses[0].address", "address"),
            ("addresses[0].city", "city"),
            ("addresses[0].province", "province"),
            ("companyInfo.taxNumber", "tax_number"),
            ("financialInfo.creditLimit", "credit_limit"),
            ("metadata.status", "status"),
            ("metadata.updatedAt", "updated_at"),
            ("metadata.version", "version"),
        ]),
        "products" => FieldMapping::from_pairs(&[
            ("externalId", "id"),
            ("sku", "sku"),
            ("name", "name"),
            ("description", "description"),
            ("category.id", "category_id"),
            ("category.name", "category_name"),
            ("pricing.standardPrice", "price"),
            ("pricing.costPrice", "cost_price"),
            ("pricing.currency", "currency"),
            ("pricing.priceUnit", "unit"),
            ("pricing.taxRate", "tax_rate"),
            ("inventory.quantity", "inventory.quantity"),
            ("inventory.unit", "inventory.unit"),
            ("inventory.warehouse", "inventory.warehouse"),
            ("status", "status"),
            ("metadata.updatedAt", "updated_at"),
            ("metadata.version", "version"),
        ]),
        "orders" => FieldMapping::from_pairs(&[
            ("externalId", "id"),
            ("orderNumber", "order_number"),
            ("type", "type"),
            ("customer.id", "customer_id"),
            ("customer.name", "customer_name"),
            ("items", "items"),
            ("amounts.totalAmount", "total"),
            ("amounts.currency", "currency"),
            ("status.code", "status"),
            ("status.updatedAt", "updated_at"),
            ("metadata.createdAt", "created_at"),
            ("metadata.updatedAt", "updated_at"),
            ("metadata.version", "version"),
        ]),
        _ => FieldMapping::default(),
    }
}

/// The model fields a mapping may fill, per stream (what the settings form offers).
pub fn mappable_fields(stream: &str) -> Vec<&'static str> {
    let defaults: &[&str] = match stream {
        "customers" => &[
            "externalId",
            "code",
            "name",
            "type",
            "contacts[0].name",
            "contacts[0].title",
            "contacts[0].phone",
            "contacts[0].email",
            "addresses[0].address",
            "addresses[0].city",
            "addresses[0].province",
            "addresses[0].postalCode",
            "companyInfo.legalName",
            "companyInfo.taxNumber",
            "companyInfo.industry",
            "financialInfo.creditLimit",
            "financialInfo.paymentTerms",
            "financialInfo.currency",
            "metadata.status",
            "metadata.updatedAt",
            "metadata.version",
        ],
        "products" => &[
            "externalId",
            "sku",
            "name",
            "description",
            "category.id",
            "category.name",
            "pricing.standardPrice",
            "pricing.costPrice",
            "pricing.currency",
            "pricing.priceUnit",
            "pricing.taxRate",
            "inventory.quantity",
            "inventory.unit",
            "inventory.warehouse",
            "status",
            "metadata.updatedAt",
            "metadata.version",
        ],
        "orders" => &[
            "externalId",
            "orderNumber",
            "type",
            "customer.id",
            "customer.name",
            "customer.code",
            "items",
            "amounts.totalAmount",
            "amounts.subtotal",
            "amounts.taxAmount",
            "amounts.currency",
            "status.code",
            "status.name",
            "status.updatedAt",
            "metadata.createdAt",
            "metadata.updatedAt",
            "metadata.version",
        ],
        _ => &[],
    };
    defaults.to_vec()
}

/// The connector for a `custom` ERP system: `api_endpoint`, `config.username`, the
/// `password` secret and optional `config.field_mapping` overrides.
pub fn from_settings(
    settings: &crate::registry::ConnectorSettings,
) -> Result<Box<dyn Connector>, storelink_core::AppError> {
    let mappings = settings.stream_mappings(STREAMS, default_mapping, mappable_fields)?;
    let connector = CustomErp::new(CustomErpConfig {
        base_url: settings.base_url()?,
        username: settings.text("username", "the ERP user name")?,
        password: settings.secret("password", "the ERP password")?,
        timeout: settings.timeout(),
        mappings,
    })?;
    Ok(Box::new(connector))
}

#[derive(Debug, Clone)]
pub struct CustomErpConfig {
    pub base_url: String,
    pub username: String,
    pub password: String,
    pub timeout: Duration,
    /// Per stream, the mapping in force (defaults with the system's overrides).
    pub mappings: Vec<(String, FieldMapping)>,
}

struct Token {
    value: String,
    expires_at: DateTime<Utc>,
}

pub struct CustomErp {
    config: CustomErpConfig,
    /// The mappings in force, compiled once.
    compiled: Vec<(String, CompiledMapping)>,
    http: reqwest::Client,
    token: Mutex<Option<Token>>,
}

/// A token closer than this to its expiry is renewed before use.
const RENEW_BEFORE: chrono::Duration = chrono::Duration::seconds(60);

fn vendor_message(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| {
            let e = v.get("error")?;
            Some(format!(
                "{}: {}",
                e.get("code").and_then(Value::as_str).unwrap_or("error"),
                e.get("message").and_then(Value::as_str).unwrap_or("")
            ))
        })
        .unwrap_or_else(|| http::excerpt(body, 200))
}

impl CustomErp {
    pub fn new(config: CustomErpConfig) -> Result<Self, CallError> {
        let http = http::client(config.timeout)?;
        let compiled = compile_streams(STREAMS, &config.mappings, default_mapping);
        Ok(CustomErp {
            config,
            compiled,
            http,
            token: Mutex::new(None),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url.trim_end_matches('/'))
    }

    fn mapping(&self, stream: &str) -> Option<&CompiledMapping> {
        compiled_for(&self.compiled, stream)
    }

    fn cached_token(&self) -> Option<String> {
        let guard = self
            .token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard
            .as_ref()
            .filter(|t| t.expires_at - Utc::now() > RENEW_BEFORE)
            .map(|t| t.value.clone())
    }

    fn forget_token(&self) {
        *self
            .token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    async fn login(&self) -> Result<String, CallError> {
        let request = self
            .http
            .post(self.url("/auth/login"))
            .json(&json!({"username": self.config.username, "password": self.config.password}));
        // The URL carries no secret here (credentials go in the body), so it stays.
        let answer = http::exchange(request)
            .await
            .map_err(http::transport_with_url)?;
        if !answer.status.is_success() {
            return Err(http::refused(
                classify_status(answer.code()).unwrap_or(ErrorClass::UnknownError),
                format!("login refused: {}", vendor_message(&answer.text)),
                answer.code(),
                None,
            ));
        }
        let v: Value = serde_json::from_str(&answer.text).map_err(|_| {
            CallError::new(ErrorClass::ValidationError, "the login answer is not JSON")
        })?;
        let token = v["token"]
            .as_str()
            .ok_or_else(|| {
                CallError::new(ErrorClass::ValidationError, "the login answer has no token")
            })?
            .to_owned();
        let expires_at = v["expiresAt"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc::now() + chrono::Duration::minutes(5));
        *self
            .token
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Token {
            value: token.clone(),
            expires_at,
        });
        Ok(token)
    }

    async fn token(&self) -> Result<String, CallError> {
        match self.cached_token() {
            Some(t) => Ok(t),
            None => self.login().await,
        }
    }

    /// One authenticated call. A 401 means the session is gone: log in again and repeat
    /// once; a second 401 is an authentication error.
    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        idempotency_key: Option<&str>,
    ) -> Result<(StatusCode, Value), CallError> {
        for attempt in 0..2 {
            let token = self.token().await?;
            let mut request = self
                .http
                .request(method.clone(), self.url(path))
                .bearer_auth(&token)
                .query(query);
            if let Some(b) = body {
                request = request.json(b);
            }
            if let Some(k) = idempotency_key {
                request = request.header("Idempotency-Key", k);
            }
            let answer = http::exchange(request)
                .await
                .map_err(http::transport_with_url)?;
            let status = answer.status;
            if status == StatusCode::UNAUTHORIZED && attempt == 0 {
                self.forget_token();
                continue;
            }
            if !status.is_success() {
                let class = if status == StatusCode::CONFLICT {
                    ErrorClass::BusinessLogicError
                } else {
                    classify_status(answer.code()).unwrap_or(ErrorClass::UnknownError)
                };
                return Err(http::refused(
                    class,
                    vendor_message(&answer.text),
                    answer.code(),
                    answer.retry_after,
                ));
            }
            return Ok((status, answer.json(path)?));
        }
        Err(CallError::new(
            ErrorClass::AuthenticationError,
            "the ERP refused the session twice; check the username and password",
        ))
    }

    fn record(&self, stream: &str, raw: &Value) -> Result<RemoteRecord, CallError> {
        let external_id = raw["id"]
            .as_str()
            .ok_or_else(|| {
                CallError::new(
                    ErrorClass::ValidationError,
                    format!("a {stream} record has no id"),
                )
            })?
            .to_owned();
        let updated_at = raw["updated_at"]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc));
        Ok(RemoteRecord {
            external_id,
            updated_at,
            data: self
                .mapping(stream)
                .map(|m| m.apply(raw))
                .unwrap_or_default(),
        })
    }
}

fn known(stream: &str) -> Result<(), CallError> {
    if STREAMS.iter().any(|s| s.name == stream) {
        Ok(())
    } else {
        Err(CallError::new(
            ErrorClass::ValidationError,
            format!("the custom ERP has no stream `{stream}`"),
        ))
    }
}

fn singular(stream: &str) -> &str {
    stream.strip_suffix('s').unwrap_or(stream)
}

impl Connector for CustomErp {
    fn streams(&self) -> &'static [StreamSpec] {
        STREAMS
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<(), CallError>> {
        Box::pin(async move {
            let first = [("page", "1".into()), ("limit", "1".into())];
            http::check_connection(
                || self.forget_token(),
                self.login(),
                self.call(Method::GET, "/customers", &first, None, None),
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
            known(stream)?;
            let mut query = vec![
                ("page", request.page.to_string()),
                ("limit", request.limit.to_string()),
            ];
            if let Some(since) = request.since {
                query.push((
                    "updated_since",
                    since.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                ));
            }
            let (_, body) = self
                .call(Method::GET, &format!("/{stream}"), &query, None, None)
                .await?;
            let list = body[stream].as_array().ok_or_else(|| {
                CallError::new(
                    ErrorClass::ValidationError,
                    format!("the {stream} page has no `{stream}` list"),
                )
            })?;
            let records = list
                .iter()
                .map(|raw| self.record(stream, raw))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(PulledPage {
                has_more: body["hasMore"].as_bool().unwrap_or(false),
                total: body["total"].as_i64(),
                records,
            })
        })
    }

    fn pull_one<'a>(
        &'a self,
        stream: &'a str,
        external_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<RemoteRecord>, CallError>> {
        Box::pin(async move {
            known(stream)?;
            match self
                .call(
                    Method::GET,
                    &format!("/{stream}/{external_id}"),
                    &[],
                    None,
                    None,
                )
                .await
            {
                Ok((_, body)) => Ok(Some(self.record(stream, &body[singular(stream)])?)),
                Err(e) if e.status == Some(404) => Ok(None),
                Err(e) => Err(e),
            }
        })
    }

    fn push<'a>(&'a self, request: &'a PushRequest) -> BoxFuture<'a, Result<Value, CallError>> {
        Box::pin(async move {
            let key = Some(request.idempotency_key.as_str());
            let p = &request.payload;
            let (method, path) = match request.operation.as_str() {
                "order.create" => (Method::POST, "/orders".to_owned()),
                "order.status" => {
                    let id = p["externalId"].as_str().unwrap_or_default();
                    (Method::PUT, format!("/orders/{id}/status"))
                }
                "customer.create" => (Method::POST, "/customers".to_owned()),
                "customer.update" => {
                    let id = p["externalId"].as_str().unwrap_or_default();
                    // A local edit carries the whole record in our model (`record`): it is
                    // sent in the ERP's field names. Otherwise the body is the ERP's already.
                    if let Some(record) = p.get("record") {
                        let body = self
                            .mapping("customers")
                            .map(|m| m.reverse(record, VENDOR_OWNED))
                            .unwrap_or_default();
                        return self
                            .call(
                                Method::PUT,
                                &format!("/customers/{id}"),
                                &[],
                                Some(&body),
                                key,
                            )
                            .await
                            .map(|(_, body)| body);
                    }
                    (Method::PUT, format!("/customers/{id}"))
                }
                other => {
                    return Err(CallError::new(
                        ErrorClass::ValidationError,
                        format!("the custom ERP cannot `{other}`"),
                    ))
                }
            };
            self.call(method, &path, &[], Some(p), key)
                .await
                .map(|(_, body)| body)
        })
    }
}
