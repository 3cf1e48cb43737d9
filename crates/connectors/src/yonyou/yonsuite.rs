//! Yonyou YonSuite / YonBIP open API (see the module docs of `yonyou` for settings).
//!
//! Token: `GET {token_url}/open-auth/selfAppAuth/getAccessToken?appKey&timestamp&signature`,
//! signature = URL-encode(Base64(HMAC-SHA256(appSecret, "appKey"+appKey+"timestamp"+ms)))
//! (parameters sorted by name, name and value concatenated, `signature` left out); the
//! answer `{"code":"00000","data":{"access_token","expire"}}` is reused until shortly
//! before `expire` seconds. Codes `310036` (illegal token) and `310001` (missing token)
//! mean: get a new token and repeat once.
//!
//! Lists: `POST {gateway}{list_path}?access_token=` with `pageIndex` (1-based), `pageSize`
//! and, for incremental reads, `simpleVOs: [{"field":"pubts","op":"egt","value1":<local
//! time>}]`, ordered by `pubts` ascending; records in `data.recordList`. Default paths
//! (`config.list_paths` / `detail_paths` / `save_paths` override them):
//! customers `/yonbip/digitalModel/merchant/{list,detail,save}`, products
//! `/yonbip/digitalModel/product/{list,detail}`, orders `/yonbip/sd/voucherorder/{list,
//! detail,singleSave}`. Saves send `{"data":{..., "_status":"Insert"|"Update",
//! "resubmitCheckKey":<idempotency key>}}` so a repeated delivery is applied once.

use std::collections::BTreeMap;
use std::time::Duration;

use base64::Engine as _;
use chrono::{FixedOffset, Utc};
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;
use storelink_core::{AppError, ErrorClass};

use super::mapping::{vendor_body, Variant};
use super::{
    code_text, detail, find_map, local_time, map_record, number, page, pushed_record, refusal,
    send, settings_mappings, stream_maps, unknown_stream, unsupported, url_encode, StreamMap,
    TokenCache, YONSUITE_STREAMS,
};
use crate::connector::{
    BoxFuture, CallError, Connector, PullRequest, PulledPage, PushRequest, RemoteRecord, StreamSpec,
};
use crate::http;
use crate::mapping::FieldMapping;
use crate::registry::ConnectorSettings;

/// Token codes: illegal token, missing token.
pub const TOKEN_CODES: &[&str] = &["310036", "310001"];

/// The signature of a token request, already URL-encoded.
pub fn signature(app_secret: &str, params: &[(&str, &str)]) -> String {
    let mut sorted: Vec<&(&str, &str)> = params.iter().filter(|(k, _)| *k != "signature").collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let text: String = sorted.iter().map(|(k, v)| format!("{k}{v}")).collect();
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(text.as_bytes());
    url_encode(&base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
}

fn default_paths(kind: &str) -> BTreeMap<String, String> {
    let pairs: &[(&str, &str)] = match kind {
        "list" => &[
            ("customers", "/yonbip/digitalModel/merchant/list"),
            ("products", "/yonbip/digitalModel/product/list"),
            ("orders", "/yonbip/sd/voucherorder/list"),
        ],
        "detail" => &[
            ("customers", "/yonbip/digitalModel/merchant/detail"),
            ("products", "/yonbip/digitalModel/product/detail"),
            ("orders", "/yonbip/sd/voucherorder/detail"),
        ],
        _ => &[
            ("customers", "/yonbip/digitalModel/merchant/save"),
            ("orders", "/yonbip/sd/voucherorder/singleSave"),
        ],
    };
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[derive(Debug, Clone)]
pub struct YonSuiteConfig {
    pub gateway_url: String,
    pub token_url: String,
    pub app_key: String,
    pub app_secret: String,
    pub timeout: Duration,
    pub offset: FixedOffset,
    pub list_paths: BTreeMap<String, String>,
    pub detail_paths: BTreeMap<String, String>,
    pub save_paths: BTreeMap<String, String>,
    pub cursor_field: String,
    pub mappings: Vec<(String, FieldMapping)>,
}

impl YonSuiteConfig {
    pub fn new(gateway_url: &str, token_url: &str, app_key: &str, app_secret: &str) -> Self {
        YonSuiteConfig {
            gateway_url: gateway_url.to_owned(),
            token_url: token_url.to_owned(),
            app_key: app_key.to_owned(),
            app_secret: app_secret.to_owned(),
            timeout: Duration::from_secs(30),
            offset: storelink_core::vendor_time::china_offset(),
            list_paths: default_paths("list"),
            detail_paths: default_paths("detail"),
            save_paths: default_paths("save"),
            cursor_field: "pubts".to_owned(),
            mappings: Vec::new(),
        }
    }
}

fn override_paths(paths: &mut BTreeMap<String, String>, value: Option<&Value>) {
    for (k, v) in value.and_then(Value::as_object).into_iter().flatten() {
        if let Some(p) = v.as_str() {
            paths.insert(k.clone(), p.to_owned());
        }
    }
}

/// The connector for a `yonsuite` system.
pub fn from_settings(settings: &ConnectorSettings) -> Result<Box<dyn Connector>, AppError> {
    let mut config = YonSuiteConfig::new(
        &settings.base_url()?,
        &settings.text("token_url", "the YonSuite token (auth) address")?,
        &settings.text("app_key", "the YonSuite app key")?,
        &settings.secret("app_secret", "the YonSuite app secret")?,
    );
    config.timeout = settings.timeout();
    config.offset = storelink_core::vendor_time::offset_of_config(&settings.config);
    override_paths(&mut config.list_paths, settings.config.get("list_paths"));
    override_paths(
        &mut config.detail_paths,
        settings.config.get("detail_paths"),
    );
    override_paths(&mut config.save_paths, settings.config.get("save_paths"));
    if let Some(f) = settings.optional_text("cursor_field") {
        config.cursor_field = f;
    }
    config.mappings.extend(settings_mappings(
        settings,
        YONSUITE_STREAMS,
        Variant::YonSuite,
    )?);
    Ok(Box::new(YonSuite::new(config)?))
}

pub struct YonSuite {
    config: YonSuiteConfig,
    maps: Vec<(StreamMap, FieldMapping)>,
    http: reqwest::Client,
    token: TokenCache,
}

impl YonSuite {
    pub fn new(config: YonSuiteConfig) -> Result<Self, CallError> {
        let http = http::client(config.timeout)?;
        let maps = stream_maps(YONSUITE_STREAMS, &config.mappings, Variant::YonSuite);
        Ok(YonSuite {
            config,
            maps,
            http,
            token: TokenCache::default(),
        })
    }

    fn map(&self, stream: &str) -> Result<&(StreamMap, FieldMapping), CallError> {
        find_map(&self.maps, "YonSuite", stream)
    }

    fn path<'a>(paths: &'a BTreeMap<String, String>, stream: &str) -> Result<&'a str, CallError> {
        paths
            .get(stream)
            .map(String::as_str)
            .ok_or_else(|| unknown_stream("YonSuite", stream))
    }

    async fn login(&self) -> Result<String, CallError> {
        let ts = Utc::now().timestamp_millis().to_string();
        let sig = signature(
            &self.config.app_secret,
            &[("appKey", &self.config.app_key), ("timestamp", &ts)],
        );
        let url = format!(
            "{}/open-auth/selfAppAuth/getAccessToken?appKey={}&timestamp={ts}&signature={sig}",
            self.config.token_url.trim_end_matches('/'),
            url_encode(&self.config.app_key),
        );
        let v = send(self.http.get(url), "the YonSuite token request").await?;
        let code = code_text(&v["code"]).unwrap_or_default();
        match (code.as_str(), v["data"]["access_token"].as_str()) {
            ("00000", Some(t)) if !t.is_empty() => {
                let ttl = number(&v["data"]["expire"]).unwrap_or(7200);
                self.token.set(t.to_owned(), ttl);
                Ok(t.to_owned())
            }
            _ => Err(CallError::new(
                ErrorClass::AuthenticationError,
                format!(
                    "YonSuite refused the token request ({code}): {}",
                    v["message"]
                        .as_str()
                        .unwrap_or("no access_token in the answer")
                ),
            )),
        }
    }

    async fn token(&self) -> Result<String, CallError> {
        self.token.get_or_login(self.login()).await
    }

    /// One gateway call; `data` of a `"200"` answer. A refused token is renewed once.
    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<Value, CallError> {
        for attempt in 0..2 {
            let token = self.token().await?;
            let url = format!("{}{path}", self.config.gateway_url.trim_end_matches('/'));
            let mut q = vec![("access_token", token)];
            q.extend(query.iter().cloned());
            let mut request = self.http.request(method.clone(), url).query(&q);
            if let Some(b) = body {
                request = request.json(b);
            }
            let v = send(request, path).await?;
            let code = code_text(&v["code"]).unwrap_or_default();
            if code == "200" || code == "00000" {
                return Ok(v["data"].clone());
            }
            let message = v["message"].as_str().unwrap_or_default();
            let token_refused = TOKEN_CODES.contains(&code.as_str());
            if let Some(e) = refusal(
                "YonSuite",
                &self.token,
                token_refused,
                attempt,
                &code,
                message,
            ) {
                return Err(e);
            }
        }
        Err(CallError::new(
            ErrorClass::AuthenticationError,
            "YonSuite refused the token",
        ))
    }

    fn record(&self, stream: &str, raw: &Value) -> Result<RemoteRecord, CallError> {
        map_record(
            &self.maps,
            Variant::YonSuite,
            "YonSuite",
            stream,
            raw,
            self.config.offset,
        )
    }

    async fn save(
        &self,
        stream: &str,
        mut data: Value,
        status: &str,
        key: &str,
    ) -> Result<Value, CallError> {
        let path = Self::path(&self.config.save_paths, stream)?.to_owned();
        if let Some(map) = data.as_object_mut() {
            map.insert("_status".to_owned(), json!(status));
            map.insert("resubmitCheckKey".to_owned(), json!(key));
        }
        self.call(Method::POST, &path, &[], Some(&json!({ "data": data })))
            .await
    }
}

impl Connector for YonSuite {
    fn streams(&self) -> &'static [StreamSpec] {
        YONSUITE_STREAMS
    }

    fn test_connection(&self) -> BoxFuture<'_, Result<(), CallError>> {
        Box::pin(http::check_connection(
            || self.token.clear(),
            self.login(),
            async move {
                let path = Self::path(&self.config.list_paths, "customers")?;
                let body = json!({"pageIndex": 1, "pageSize": 1, "simpleVOs": []});
                self.call(Method::POST, path, &[], Some(&body)).await
            },
        ))
    }

    fn pull<'a>(
        &'a self,
        stream: &'a str,
        request: PullRequest,
    ) -> BoxFuture<'a, Result<PulledPage, CallError>> {
        Box::pin(async move {
            let path = Self::path(&self.config.list_paths, stream)?;
            let field = &self.config.cursor_field;
            let filters: Vec<Value> = request
                .since
                .map(|s| json!({"field": field, "op": "egt", "value1": local_time(s, self.config.offset)}))
                .into_iter()
                .collect();
            let body = json!({
                "pageIndex": request.page,
                "pageSize": request.limit,
                "simpleVOs": filters,
                "queryOrders": [{"field": field, "order": "asc"}],
            });
            let data = self.call(Method::POST, path, &[], Some(&body)).await?;
            let records = data["recordList"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| self.record(stream, r))
                .collect::<Result<Vec<_>, _>>()?;
            let total = number(&data["recordCount"]);
            let read = i64::from(request.page) * i64::from(request.limit);
            Ok(page(records, total, total.map(|t| read < t), request.limit))
        })
    }

    fn pull_one<'a>(
        &'a self,
        stream: &'a str,
        external_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<RemoteRecord>, CallError>> {
        Box::pin(async move {
            let path = Self::path(&self.config.detail_paths, stream)?;
            let answer = self
                .call(Method::GET, path, &[("id", external_id.to_owned())], None)
                .await;
            match detail(answer, "not found")? {
                Some(data) if data.is_object() => Ok(Some(self.record(stream, &data)?)),
                _ => Ok(None),
            }
        })
    }

    fn push<'a>(&'a self, request: &'a PushRequest) -> BoxFuture<'a, Result<Value, CallError>> {
        Box::pin(async move {
            let key = request.idempotency_key.as_str();
            let record = pushed_record(&request.payload);
            match request.operation.as_str() {
                "customer.create" => {
                    let (_, m) = self.map("customers")?;
                    let data = vendor_body(Variant::YonSuite, "customers", m, record);
                    self.save("customers", data, "Insert", key).await
                }
                "customer.update" => {
                    let (_, m) = self.map("customers")?;
                    let mut data = vendor_body(Variant::YonSuite, "customers", m, record);
                    if let Some(map) = data.as_object_mut() {
                        map.insert("id".to_owned(), request.payload["externalId"].clone());
                    }
                    self.save("customers", data, "Update", key).await
                }
                "order.create" => {
                    let (_, m) = self.map("orders")?;
                    let data = vendor_body(Variant::YonSuite, "orders", m, record);
                    self.save("orders", data, "Insert", key).await
                }
                other => Err(unsupported("YonSuite", other)),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_a_vector_computed_from_the_published_algorithm() {
        // HMAC-SHA256(key "YS-secret-2024", "appKeya1b2c3d4timestamp1700000000000"),
        // Base64, URL-encoded (computed independently with Python's hmac and urllib).
        let sig = signature(
            "YS-secret-2024",
            &[("timestamp", "1700000000000"), ("appKey", "a1b2c3d4")],
        );
        assert_eq!(sig, "%2BERbKB%2Bk9d1GBvjQJjOQDubvm5IMcV7rVLcYy20eI0U%3D");
        // `signature` itself is never signed.
        let again = signature(
            "YS-secret-2024",
            &[
                ("appKey", "a1b2c3d4"),
                ("signature", "x"),
                ("timestamp", "1700000000000"),
            ],
        );
        assert_eq!(again, sig);
    }

    #[test]
    fn settings_are_checked_and_secrets_stay_out_of_debug() {
        let mut settings = ConnectorSettings {
            system_type: storelink_core::system::SystemType::Erp,
            provider: "yonsuite".into(),
            api_endpoint: Some("http://127.0.0.1:1".into()),
            config: json!({"app_key": "k"}),
            secrets: [("app_secret".to_owned(), "s3cr3t".to_owned())].into(),
        };
        assert!(from_settings(&settings).is_err(), "token_url is required");
        settings.config = json!({"app_key": "k", "token_url": "http://127.0.0.1:1",
            "list_paths": {"orders": "/yonbip/sd/voucherorder/list2"}});
        assert!(from_settings(&settings).is_ok());
        assert!(!format!("{settings:?}").contains("s3cr3t"));
    }
}
