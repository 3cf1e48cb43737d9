//! Yonyou U8 OpenAPI (see the module docs of `yonyou` for settings).
//!
//! Streams: `customers` ← `customer`, `products` ← `inventory` (with `currentstock` for the
//! quantity on hand, one extra call per page), `orders` ← `saleorder`. Lists are read with
//! `batch_get` by `page_index` (1-based) and `rows_per_page`; incremental reads add the
//! date filter `modifydate_begin=<yyyy-MM-dd HH:mm:ss.SSS>` (local time; the parameter name
//! is not pinned by public docs, so it is `config.since_params.<stream>`). Rows are
//! expected oldest change first. Stock changes do not move `dModifyDate`, so only a full
//! sync refreshes quantities.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

use chrono::FixedOffset;
use reqwest::Method;
use serde_json::{json, Value};
use storelink_core::{AppError, ErrorClass};

use super::mapping::{vendor_body, Variant};
use super::{
    code_text, detail, find_map, local_time, map_record, number, page, pushed_record, refusal,
    send, settings_mappings, stream_maps, unknown_stream, unsupported, StreamMap, TokenCache,
    U8_STREAMS,
};
use crate::connector::{
    BoxFuture, CallError, Connector, PullRequest, PulledPage, PushRequest, RemoteRecord, StreamSpec,
};
use crate::http;
use crate::mapping::FieldMapping;
use crate::registry::ConnectorSettings;

#[derive(Debug, Clone)]
pub struct U8Config {
    pub base_url: String,
    pub from_account: String,
    pub to_account: Option<String>,
    pub ds_sequence: Option<String>,
    pub app_key: String,
    pub app_secret: String,
    pub timeout: Duration,
    pub offset: FixedOffset,
    /// Per stream, the query parameter of the change-date filter.
    pub since_params: BTreeMap<String, String>,
    /// `errcode`s meaning the token was refused (expired, unknown).
    pub token_error_codes: Vec<String>,
    /// Read `currentstock` for products.
    pub stock: bool,
    pub mappings: Vec<(String, FieldMapping)>,
}

impl U8Config {
    /// Defaults for everything but the address and credentials.
    pub fn new(base_url: &str, from_account: &str, app_key: &str, app_secret: &str) -> Self {
        U8Config {
            base_url: base_url.to_owned(),
            from_account: from_account.to_owned(),
            to_account: None,
            ds_sequence: None,
            app_key: app_key.to_owned(),
            app_secret: app_secret.to_owned(),
            timeout: Duration::from_secs(30),
            offset: storelink_core::vendor_time::china_offset(),
            since_params: U8_STREAMS
                .iter()
                .map(|s| (s.name.to_owned(), "modifydate_begin".to_owned()))
                .collect(),
            token_error_codes: vec!["30002".into(), "30003".into()],
            stock: true,
            mappings: Vec::new(),
        }
    }
}

/// The connector for a `yonyou_u8` system.
pub fn from_settings(settings: &ConnectorSettings) -> Result<Box<dyn Connector>, AppError> {
    let mut config = U8Config::new(
        &settings.base_url()?,
        &settings.text("from_account", "the U8 OpenAPI account (from_account)")?,
        &settings.text("app_key", "the U8 OpenAPI app key")?,
        &settings.secret("app_secret", "the U8 OpenAPI app secret")?,
    );
    config.to_account = settings.optional_text("to_account");
    config.ds_sequence = settings.optional_text("ds_sequence");
    config.timeout = settings.timeout();
    config.offset = storelink_core::vendor_time::offset_of_config(&settings.config);
    if let Some(map) = settings
        .config
        .get("since_params")
        .and_then(Value::as_object)
    {
        for (stream, param) in map {
            if let Some(p) = param.as_str() {
                config.since_params.insert(stream.clone(), p.to_owned());
            }
        }
    }
    if let Some(codes) = settings
        .config
        .get("token_error_codes")
        .and_then(Value::as_array)
    {
        config.token_error_codes = codes.iter().filter_map(code_text).collect();
    }
    if let Some(stock) = settings.config.get("stock").and_then(Value::as_bool) {
        config.stock = stock;
    }
    config
        .mappings
        .extend(settings_mappings(settings, U8_STREAMS, Variant::U8)?);
    Ok(Box::new(YonyouU8::new(config)?))
}

pub struct YonyouU8 {
    config: U8Config,
    maps: Vec<(StreamMap, FieldMapping)>,
    http: reqwest::Client,
    token: TokenCache,
    /// Outbox idempotency key → the U8 trade id its write uses, so a retried delivery
    /// repeats the same trade (applied once by U8).
    trades: Mutex<HashMap<String, String>>,
}

fn resource(stream: &str) -> Option<&'static str> {
    match stream {
        "customers" => Some("customer"),
        "products" => Some("inventory"),
        "orders" => Some("saleorder"),
        _ => None,
    }
}

impl YonyouU8 {
    pub fn new(config: U8Config) -> Result<Self, CallError> {
        let http = http::client(config.timeout)?;
        let maps = stream_maps(U8_STREAMS, &config.mappings, Variant::U8);
        Ok(YonyouU8 {
            config,
            maps,
            http,
            token: TokenCache::default(),
            trades: Mutex::new(HashMap::new()),
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url.trim_end_matches('/'))
    }

    fn map(&self, stream: &str) -> Result<&(StreamMap, FieldMapping), CallError> {
        find_map(&self.maps, "U8", stream)
    }

    async fn login(&self) -> Result<String, CallError> {
        let request = self.http.get(self.url("/system/token")).query(&[
            ("from_account", self.config.from_account.as_str()),
            ("app_key", self.config.app_key.as_str()),
            ("app_secret", self.config.app_secret.as_str()),
        ]);
        let v = send(request, "the U8 token request").await?;
        let code = code_text(&v["errcode"]).unwrap_or_default();
        let id = v["token"]["id"].as_str().filter(|t| !t.is_empty());
        match (code.as_str(), id) {
            ("0", Some(id)) => {
                let ttl = number(&v["token"]["expiresIn"]).unwrap_or(7200);
                self.token.set(id.to_owned(), ttl);
                Ok(id.to_owned())
            }
            _ => Err(CallError::new(
                ErrorClass::AuthenticationError,
                format!(
                    "U8 refused the token request ({code}): {}",
                    v["errmsg"].as_str().unwrap_or("no token in the answer")
                ),
            )),
        }
    }

    async fn token(&self) -> Result<String, CallError> {
        self.token.get_or_login(self.login()).await
    }

    fn is_token_error(&self, code: &str, message: &str) -> bool {
        self.config.token_error_codes.iter().any(|c| c == code)
            || message.to_lowercase().contains("token")
    }

    /// One call with the account parameters and the token; a refused token is renewed
    /// once. The answer when `errcode` is `"0"`.
    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Value, CallError> {
        for attempt in 0..2 {
            let token = self.token().await?;
            let mut q: Vec<(&str, String)> = vec![
                ("from_account", self.config.from_account.clone()),
                ("app_key", self.config.app_key.clone()),
                ("token", token),
            ];
            if let Some(to) = &self.config.to_account {
                q.push(("to_account", to.clone()));
            }
            if let Some(ds) = &self.config.ds_sequence {
                q.push(("ds_sequence", ds.clone()));
            }
            q.extend(query.iter().cloned());
            let mut request = self.http.request(method.clone(), self.url(path)).query(&q);
            if let Some(b) = body {
                request = request.json(b);
            }
            let v = send(request, path).await?;
            let code = code_text(&v["errcode"]).unwrap_or_default();
            if code == "0" {
                return Ok(v);
            }
            let message = v["errmsg"].as_str().unwrap_or_default();
            let token_refused = self.is_token_error(&code, message);
            if let Some(e) = refusal("U8", &self.token, token_refused, attempt, &code, message) {
                return Err(e);
            }
        }
        Err(CallError::new(
            ErrorClass::AuthenticationError,
            "U8 refused the token",
        ))
    }

    /// Quantities on hand for one page of products, merged into the rows as `stock`.
    async fn add_stock(&self, rows: &mut [Value]) -> Result<(), CallError> {
        let codes: Vec<String> = rows
            .iter()
            .filter_map(|r| code_text(&r["cInvCode"]))
            .collect();
        if codes.is_empty() {
            return Ok(());
        }
        let v = self
            .call(
                Method::GET,
                "/api/currentstock/batch_get",
                &[
                    ("cinvcode", codes.join(",")),
                    ("page_index", "1".into()),
                    ("rows_per_page", codes.len().max(1).to_string()),
                ],
                None,
            )
            .await?;
        let stock: HashMap<String, &Value> = v["currentstock"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| Some((code_text(&s["cInvCode"])?, s)))
            .collect();
        for row in rows {
            if let (Some(code), Some(map)) = (code_text(&row["cInvCode"]), row.as_object_mut()) {
                if let Some(s) = stock.get(&code) {
                    map.insert("stock".to_owned(), (*s).clone());
                }
            }
        }
        Ok(())
    }

    fn record(&self, stream: &str, raw: &Value) -> Result<RemoteRecord, CallError> {
        map_record(
            &self.maps,
            Variant::U8,
            "U8",
            stream,
            raw,
            self.config.offset,
        )
    }

    /// The trade id of a write: one per outbox entry, from `GET /system/tradeid`.
    async fn trade_id(&self, key: &str) -> Result<String, CallError> {
        let lock = |t: &Mutex<HashMap<String, String>>| {
            t.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .get(key)
                .cloned()
        };
        if let Some(t) = lock(&self.trades) {
            return Ok(t);
        }
        let v = self.call(Method::GET, "/system/tradeid", &[], None).await?;
        let id = v["trade"]["id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| {
                CallError::new(
                    ErrorClass::ValidationError,
                    "the trade id answer has no trade.id",
                )
            })?;
        let mut trades = self
            .trades
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if trades.len() > 10_000 {
            trades.clear();
        }
        Ok(trades.entry(key.to_owned()).or_insert(id).clone())
    }

    async fn write(
        &self,
        path: &str,
        key: &str,
        res: &str,
        body: Value,
    ) -> Result<Value, CallError> {
        let trade = self.trade_id(key).await?;
        self.call(
            Method::POST,
            path,
            &[("tradeid", trade)],
            Some(&json!({ res: body })),
        )
        .await
    }
}

impl Connector for YonyouU8 {
    fn streams(&self) -> &'static [StreamSpec] {
        U8_STREAMS
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<(), CallError>> {
        Box::pin(async move {
            let first = [("page_index", "1".into()), ("rows_per_page", "1".into())];
            http::check_connection(
                || self.token.clear(),
                self.login(),
                self.call(Method::GET, "/api/customer/batch_get", &first, None),
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
            let res = resource(stream).ok_or_else(|| unknown_stream("U8", stream))?;
            let mut query = vec![
                ("page_index", request.page.to_string()),
                ("rows_per_page", request.limit.to_string()),
            ];
            let param = self.config.since_params.get(stream);
            if let (Some(since), Some(param)) = (request.since, param) {
                query.push((param.as_str(), local_time(since, self.config.offset)));
            }
            let path = format!("/api/{res}/batch_get");
            let v = self.call(Method::GET, &path, &query, None).await?;
            let mut rows: Vec<Value> = v[res].as_array().cloned().unwrap_or_default();
            if stream == "products" && self.config.stock {
                self.add_stock(&mut rows).await?;
            }
            let records = rows
                .iter()
                .map(|r| self.record(stream, r))
                .collect::<Result<Vec<_>, _>>()?;
            let more = number(&v["page_count"]).map(|pages| i64::from(request.page) < pages);
            Ok(page(records, number(&v["row_count"]), more, request.limit))
        })
    }

    fn pull_one<'a>(
        &'a self,
        stream: &'a str,
        external_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<RemoteRecord>, CallError>> {
        Box::pin(async move {
            let res = resource(stream).ok_or_else(|| unknown_stream("U8", stream))?;
            let path = format!("/api/{res}/get");
            let answer = self
                .call(Method::GET, &path, &[("id", external_id.to_owned())], None)
                .await;
            let Some(v) = detail(answer, "无数据")?.filter(|v| v[res].is_object()) else {
                return Ok(None);
            };
            let mut rows = vec![v[res].clone()];
            if stream == "products" && self.config.stock {
                self.add_stock(&mut rows).await?;
            }
            Ok(Some(self.record(stream, &rows[0])?))
        })
    }

    fn push<'a>(&'a self, request: &'a PushRequest) -> BoxFuture<'a, Result<Value, CallError>> {
        Box::pin(async move {
            let key = request.idempotency_key.as_str();
            let record = pushed_record(&request.payload);
            match request.operation.as_str() {
                "customer.create" | "customer.update" => {
                    let (_, mapping) = self.map("customers")?;
                    let mut body = vendor_body(Variant::U8, "customers", mapping, record);
                    let path = if request.operation == "customer.create" {
                        "/api/customer/add"
                    } else {
                        let id = request.payload["externalId"].as_str().unwrap_or_default();
                        if let (Some(map), Some(src)) =
                            (body.as_object_mut(), mapping.fields.get("externalId"))
                        {
                            map.insert(src.clone(), json!(id));
                        }
                        "/api/customer/edit"
                    };
                    self.write(path, key, "customer", body).await
                }
                "order.create" => {
                    let (_, mapping) = self.map("orders")?;
                    let body = vendor_body(Variant::U8, "orders", mapping, record);
                    self.write("/api/saleorder/add", key, "saleorder", body)
                        .await
                }
                other => Err(unsupported("U8", other)),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(config: Value) -> ConnectorSettings {
        ConnectorSettings {
            system_type: storelink_core::system::SystemType::Erp,
            provider: "yonyou_u8".into(),
            api_endpoint: Some("http://127.0.0.1:1".into()),
            config,
            secrets: [("app_secret".to_owned(), "s3cr3t".to_owned())].into(),
        }
    }

    #[test]
    fn settings_and_token_codes() {
        assert!(from_settings(&settings(json!({"app_key": "k"}))).is_err());
        assert!(
            crate::registry::build(&settings(json!({"app_key": "k", "from_account": "a"}))).is_ok()
        );
        let mut config = U8Config::new("http://127.0.0.1:1", "a", "k", "s");
        config.token_error_codes = vec!["91001".into()];
        let c = YonyouU8::new(config).expect("connector");
        assert!(c.is_token_error("91001", "失效"));
        assert!(c.is_token_error("1", "Token expired"));
        assert!(!c.is_token_error("40001", "参数错误"));
        assert_eq!(
            crate::yonyou::classify_code("40004", "客户不存在"),
            ErrorClass::BusinessLogicError
        );
        assert_eq!(resource("orders"), Some("saleorder"));
    }

    #[tokio::test]
    async fn a_refused_token_request_is_an_authentication_error_without_the_secret() {
        // A one-shot HTTP server on loopback answering as U8 does for a wrong secret.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let (mut sock, _) = listener.accept().await.expect("accept");
            let mut buf = vec![0u8; 4096];
            let _ = sock.read(&mut buf).await;
            let body = r#"{"errcode":"30001","errmsg":"app_secret不正确"}"#;
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(reply.as_bytes()).await;
        });
        let c = YonyouU8::new(U8Config::new(&format!("http://{addr}"), "a", "k", "s3cr3t"))
            .expect("connector");
        let err = c.test_connection().await.expect_err("refused");
        assert_eq!(err.class, ErrorClass::AuthenticationError);
        assert!(
            err.message.contains("30001") && !err.message.contains("s3cr3t"),
            "{err}"
        );
    }
}
