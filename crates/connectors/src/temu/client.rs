//! The router wire: `POST {api_endpoint}/openapi/router` with a JSON body holding the
//! business parameters beside `type`, `app_key`, `access_token`, `timestamp` (seconds),
//! `data_type` and `sign`; the answer's envelope read into a result or a `CallError`.
//! Calls are spaced by the system's rate (Temu allows 20 a second per app key), because a
//! single page of orders may take several calls (see `orders.rs`).

use std::sync::Mutex;
use std::time::Duration;

use serde_json::{Map, Value};
use storelink_core::ErrorClass;
use tokio::time::Instant;

use super::errors::{envelope_error, OK};
use super::sign::sign_params;
use crate::classify::classify_status;
use crate::connector::CallError;
use crate::http;

pub const ROUTER_PATH: &str = "/openapi/router";

#[derive(Clone)]
pub struct Credentials {
    pub app_key: String,
    pub app_secret: String,
    pub access_token: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret and the token never reach a log line.
        f.debug_struct("Credentials")
            .field("app_key", &self.app_key)
            .finish_non_exhaustive()
    }
}

/// The router's address for an `api_endpoint` given as the host root or the router itself.
pub fn router_url(endpoint: &str) -> String {
    let root = endpoint.trim().trim_end_matches('/');
    match root.strip_suffix(ROUTER_PATH) {
        Some(_) => root.to_owned(),
        None => format!("{root}{ROUTER_PATH}"),
    }
}

/// Spaces calls at least `gap` apart, whoever makes them.
struct Pacer {
    gap: Duration,
    next: Mutex<Option<Instant>>,
}

impl Pacer {
    fn new(per_second: u32) -> Pacer {
        Pacer {
            gap: Duration::from_secs(1) / per_second.max(1),
            next: Mutex::new(None),
        }
    }

    async fn wait(&self) {
        let at = {
            let mut next = self
                .next
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let now = Instant::now();
            let at = next.map_or(now, |n| n.max(now));
            *next = Some(at + self.gap);
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

/// A router answer that got through: Temu's code, words and result.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub code: i64,
    pub message: String,
    pub request_id: Option<String>,
    pub result: Value,
}

impl Envelope {
    pub fn into_result(self) -> Result<Value, CallError> {
        if self.code == OK {
            Ok(self.result)
        } else {
            Err(envelope_error(
                self.code,
                &self.message,
                self.request_id.as_deref(),
            ))
        }
    }
}

/// Reads an answer body into its envelope; a success is code [`OK`] whatever it says.
pub fn read_envelope(text: &str, status: u16) -> Result<Envelope, CallError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|_| http::not_json("the Temu router call", text, status))?;
    let code = match &value["errorCode"] {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    let success = value["success"].as_bool() == Some(true);
    let code = if success { OK } else { code.unwrap_or(0) };
    Ok(Envelope {
        code,
        message: value["errorMsg"].as_str().unwrap_or_default().to_owned(),
        request_id: value["requestId"].as_str().map(str::to_owned),
        result: value.get("result").cloned().unwrap_or(Value::Null),
    })
}

pub struct Client {
    url: String,
    http: reqwest::Client,
    creds: Credentials,
    /// `config.api_version`, sent as `version` when set (the documented sign example has none).
    version: Option<String>,
    pacer: Pacer,
}

impl Client {
    pub fn new(
        endpoint: &str,
        creds: Credentials,
        timeout: Duration,
        per_second: u32,
        version: Option<String>,
    ) -> Result<Client, CallError> {
        Ok(Client {
            url: router_url(endpoint),
            http: http::client(timeout)?,
            creds,
            version,
            pacer: Pacer::new(per_second),
        })
    }

    /// The signed body of a call: the business parameters and the common ones.
    pub fn body(
        &self,
        api_type: &str,
        mut params: Map<String, Value>,
        timestamp: i64,
    ) -> Map<String, Value> {
        let c = &self.creds;
        params.insert("type".into(), api_type.into());
        params.insert("app_key".into(), c.app_key.clone().into());
        params.insert("access_token".into(), c.access_token.clone().into());
        params.insert("timestamp".into(), timestamp.into());
        params.insert("data_type".into(), "JSON".into());
        if let Some(v) = &self.version {
            params.insert("version".into(), v.clone().into());
        }
        params.remove("sign");
        let sign = sign_params(&params, &c.app_secret);
        params.insert("sign".into(), sign.into());
        params
    }

    /// One call; the envelope whatever its code (transport, HTTP and body faults are errors).
    pub async fn envelope(
        &self,
        api_type: &str,
        params: Map<String, Value>,
    ) -> Result<Envelope, CallError> {
        self.pacer.wait().await;
        let body = self.body(api_type, params, chrono::Utc::now().timestamp());
        let request = self.http.post(&self.url).json(&body);
        // The body carries the token: transport errors are reported without the request.
        let answer = http::exchange(request).await.map_err(http::transport)?;
        if let Some(class) = classify_status(answer.code()) {
            return Err(http::refused(
                class,
                format!(
                    "Temu answered HTTP {}: {}",
                    answer.code(),
                    http::excerpt(&answer.text, 200)
                ),
                answer.code(),
                answer.retry_after,
            ));
        }
        let envelope = read_envelope(&answer.text, answer.code())?;
        tracing::debug!(api_type, code = envelope.code, "temu router call");
        Ok(envelope)
    }

    /// One call; its `result`, or the envelope's error as a `CallError`.
    pub async fn call(
        &self,
        api_type: &str,
        params: Map<String, Value>,
    ) -> Result<Value, CallError> {
        self.envelope(api_type, params).await?.into_result()
    }
}

/// A result field that should be a list.
pub fn list_of<'a>(result: &'a Value, key: &str, call: &str) -> Result<&'a [Value], CallError> {
    match result.get(key) {
        Some(Value::Array(items)) => Ok(items),
        None | Some(Value::Null) => Ok(&[]),
        Some(_) => Err(CallError::new(
            ErrorClass::ValidationError,
            format!("the {call} answer's `{key}` is not a list"),
        )),
    }
}

/// A result count (`totalItemNum`, `total`), number or numeric text.
pub fn count_of(result: &Value, key: &str) -> Option<i64> {
    match result.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::temu::errors::{RATE_LIMITED, TOKEN_EXPIRED};
    use crate::temu::sign::sign_texts;

    #[test]
    fn router_address_from_either_form() {
        assert_eq!(
            router_url("https://openapi-b-us.temu.com/"),
            "https://openapi-b-us.temu.com/openapi/router"
        );
        assert_eq!(
            router_url("https://openapi-b-eu.temu.com/openapi/router"),
            "https://openapi-b-eu.temu.com/openapi/router"
        );
    }

    #[test]
    fn envelopes() {
        let ok = read_envelope(
            r#"{"success":true,"errorCode":1000000,"result":{"total":3}}"#,
            200,
        )
        .and_then(Envelope::into_result);
        assert_eq!(ok.ok().and_then(|r| count_of(&r, "total")), Some(3));
        let expired = read_envelope(
            r#"{"success":false,"errorCode":3000034,"errorMsg":"access_token expired","requestId":"us-9"}"#,
            200,
        )
        .and_then(Envelope::into_result)
        .expect_err("expired");
        assert_eq!(expired.class, ErrorClass::AuthenticationError);
        assert!(expired.message.contains(&TOKEN_EXPIRED.to_string()));
        let limited = read_envelope(r#"{"success":false,"errorCode":"4000004"}"#, 200)
            .and_then(Envelope::into_result)
            .expect_err("limited");
        assert!(limited.retryable(), "{limited}");
        assert!(limited.message.contains(&RATE_LIMITED.to_string()));
        let broken = read_envelope(r#"{"success":tr"#, 200).expect_err("not json");
        assert_eq!(broken.class, ErrorClass::ValidationError);
    }

    #[test]
    fn the_body_is_signed_as_sent_and_keeps_no_secret() {
        let client = Client::new(
            "http://127.0.0.1:9",
            Credentials {
                app_key: "key-1".into(),
                app_secret: "secret-1".into(),
                access_token: "token-1".into(),
            },
            Duration::from_secs(1),
            20,
            None,
        )
        .expect("client");
        let mut params = Map::new();
        params.insert("pageNumber".into(), 2.into());
        params.insert("parentOrderSnList".into(), serde_json::json!(["PO-1"]));
        let body = client.body("bg.order.list.v2.get", params, 1_711_009_072);
        let by_hand = sign_texts(
            &[
                ("type", "bg.order.list.v2.get"),
                ("app_key", "key-1"),
                ("access_token", "token-1"),
                ("timestamp", "1711009072"),
                ("data_type", "JSON"),
                ("pageNumber", "2"),
                ("parentOrderSnList", r#"["PO-1"]"#),
            ],
            "secret-1",
        );
        assert_eq!(body["sign"], Value::String(by_hand));
        assert!(!Value::Object(body).to_string().contains("secret-1"));
    }
}
