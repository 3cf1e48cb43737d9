//! What 易理货 answers, read into seed 004 §8.1 classes with its own words kept.
//!
//! The token service is a Spring OAuth2 server: `{"access_token","token_type","expires_in"}`,
//! refusals as `{"error","error_description"}`, and `401 {"error":"invalid_token"}` for a
//! token that is unknown or expired. The business services answer with an envelope; its
//! exact shape for order calls is not recorded, so the reader is lenient: `success`
//! (boolean), `code` (text or number; `success`, `200` and `0` mean success), the message
//! under `description`, `message` or `msg`, the payload under `data`. The vendor's error
//! codes (its document §5.2: 400, 401, 403, 404, 500, 503) map like HTTP statuses.

use std::time::Duration;

use serde_json::Value;
use storelink_core::ErrorClass;

use crate::classify::classify_status;
use crate::connector::CallError;
use crate::http;

/// Codes of a successful envelope.
const SUCCESS_CODES: &[&str] = &["success", "200", "0", "00000"];

/// A code as text, whether it came as `"200"` or `200`.
pub fn code_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The vendor's message in an envelope or an OAuth2 refusal.
pub fn message(v: &Value) -> String {
    [
        "description",
        "message",
        "msg",
        "error_description",
        "error",
    ]
    .iter()
    .find_map(|k| v.get(k).and_then(Value::as_str).filter(|m| !m.is_empty()))
    .unwrap_or_default()
    .to_owned()
}

/// True for an envelope that says the call worked (or a body with no envelope at all,
/// such as a bare list).
pub fn succeeded(v: &Value) -> bool {
    let Some(map) = v.as_object() else {
        return true;
    };
    match (map.get("success").and_then(Value::as_bool), map.get("code")) {
        (Some(ok), _) => ok,
        (None, Some(code)) => code_text(code)
            .is_some_and(|c| SUCCESS_CODES.contains(&c.to_ascii_lowercase().as_str())),
        (None, None) => !map.contains_key("error"),
    }
}

/// True for Spring's answer to an unknown or expired bearer token.
pub fn token_refused(status: u16, body: &Value) -> bool {
    status == 401 || body.get("error").and_then(Value::as_str) == Some("invalid_token")
}

/// The class of a vendor error code (the §5.2 table reads like HTTP statuses); codes
/// that are not statuses are the vendor refusing the request on business grounds.
pub fn classify_code(code: &str) -> ErrorClass {
    match code.parse::<u16>() {
        Ok(status) if (400..=599).contains(&status) => {
            classify_status(status).unwrap_or(ErrorClass::BusinessLogicError)
        }
        _ => ErrorClass::BusinessLogicError,
    }
}

/// One answer, read: its status and its JSON body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub body: Value,
}

impl Reply {
    /// The envelope's `data` (or the whole body when it has none), or the refusal.
    pub fn into_data(self) -> Result<Value, CallError> {
        self.check()?;
        Ok(match self.body.get("data") {
            Some(data) => data.clone(),
            None => self.body,
        })
    }

    /// The whole body when the call worked, else the classified refusal with the vendor's
    /// message.
    pub fn check(&self) -> Result<&Value, CallError> {
        let http_class = classify_status(self.status);
        if http_class.is_none() && succeeded(&self.body) {
            return Ok(&self.body);
        }
        let code = self.body.get("code").and_then(code_text);
        let class = match (http_class, &code) {
            (Some(c), _) => c,
            (None, Some(code)) => classify_code(code),
            (None, None) => ErrorClass::BusinessLogicError,
        };
        let text = message(&self.body);
        let text = match (&code, text.is_empty()) {
            (Some(code), false) => format!("{code}: {text}"),
            (Some(code), true) => format!("{code}: {}", http::excerpt(&self.body.to_string(), 200)),
            (None, false) => text,
            (None, true) => http::excerpt(&self.body.to_string(), 200),
        };
        Err(http::refused(
            class,
            format!("易理货: {text}"),
            self.status,
            self.retry_after,
        ))
    }

    /// The vendor's message, for matching markers (duplicates, already cancelled).
    pub fn message(&self) -> String {
        message(&self.body)
    }
}

/// Reads an HTTP answer. A body that is not JSON is refused with its status's class (or as
/// unreadable when the status said success).
pub fn read(answer: &http::Answer, what: &str) -> Result<Reply, CallError> {
    let status = answer.code();
    match serde_json::from_str::<Value>(&answer.text) {
        Ok(body) => Ok(Reply {
            status,
            retry_after: answer.retry_after,
            body,
        }),
        Err(_) => match classify_status(status) {
            Some(class) => Err(http::refused(
                class,
                format!("易理货 {what}: {}", http::excerpt(&answer.text, 200)),
                status,
                answer.retry_after,
            )),
            None => Err(http::not_json(what, &answer.text, status)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reply(status: u16, body: Value) -> Reply {
        Reply {
            status,
            retry_after: None,
            body,
        }
    }

    #[test]
    fn envelopes_are_read_leniently() {
        assert!(succeeded(&json!({"success": true, "code": "500"})));
        assert!(succeeded(&json!({"code": 200, "data": []})));
        assert!(succeeded(&json!({"code": "success"})));
        assert!(succeeded(&json!([1, 2])));
        assert!(!succeeded(&json!({"success": false, "code": "200"})));
        assert!(!succeeded(
            &json!({"code": "400", "description": "参数错误"})
        ));
        assert!(!succeeded(&json!({"error": "invalid_grant"})));
        let data = reply(
            200,
            json!({"success": true, "code": "200", "data": {"soId": "X"}}),
        )
        .into_data()
        .expect("ok");
        assert_eq!(data, json!({"soId": "X"}));
    }

    #[test]
    fn each_vendor_code_has_its_class_and_keeps_the_message() {
        for (code, class) in [
            ("400", ErrorClass::ValidationError),
            ("401", ErrorClass::AuthenticationError),
            ("403", ErrorClass::AuthorizationError),
            ("404", ErrorClass::ValidationError),
            ("429", ErrorClass::RateLimitError),
            ("500", ErrorClass::NetworkError),
            ("503", ErrorClass::NetworkError),
            ("504", ErrorClass::TimeoutError),
            ("ORDER_LOCKED", ErrorClass::BusinessLogicError),
        ] {
            let e = reply(
                200,
                json!({"success": false, "code": code, "description": "订单状态不允许"}),
            )
            .check()
            .expect_err(code);
            assert_eq!(e.class, class, "{code}");
            assert!(e.message.contains("订单状态不允许"), "{}", e.message);
            assert!(e.message.contains(code), "{}", e.message);
        }
        let http = reply(503, json!({"success": false, "description": "服务不可用"}))
            .check()
            .expect_err("503");
        assert_eq!(http.class, ErrorClass::NetworkError);
        assert!(http.retryable());
        assert!(token_refused(401, &json!({})));
        assert!(token_refused(200, &json!({"error": "invalid_token"})));
        assert!(!token_refused(400, &json!({"error": "invalid_grant"})));
    }
}
