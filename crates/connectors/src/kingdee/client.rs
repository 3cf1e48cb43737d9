//! The K3 Cloud WebAPI wire: `POST {server}/k3cloud/{Service}.common.kdsvc`, the three
//! logins, the `kdservice-sessionid` cookie, and the reply envelope → seed 004 §8.1 classes.

use std::sync::Mutex;
use std::time::Duration;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use storelink_core::ErrorClass;

use crate::classify::classify_status;
use crate::connector::CallError;
use crate::http;

pub const AUTH: &str = "Kingdee.BOS.WebApi.ServicesStub.AuthService";
pub const FORM: &str = "Kingdee.BOS.WebApi.ServicesStub.DynamicFormService";
pub const SESSION_COOKIE: &str = "kdservice-sessionid";
/// The vendor's "session lost, log in again" message (MsgCode 1).
pub const SESSION_LOST: &str = "会话信息已丢失，请重新登录";

/// How the connector logs in (`config.login`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginKind {
    /// `LoginByAppSecret` (third-party app authorisation; the default).
    AppSecret,
    /// `LoginBySign`: the app secret never leaves the machine, only a signature.
    Sign,
    /// `ValidateUser` with the user's password.
    Password,
    /// No login: every call carries the SDK 8.x signature headers (see `sdk_headers`).
    SdkHeaders,
}

impl LoginKind {
    pub fn parse(text: &str) -> Option<LoginKind> {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "app_secret" | "appsecret" => Some(LoginKind::AppSecret),
            "sign" => Some(LoginKind::Sign),
            "password" => Some(LoginKind::Password),
            "sdk_headers" | "sdk" | "signature_headers" => Some(LoginKind::SdkHeaders),
            _ => None,
        }
    }
}

#[derive(Clone)]
pub struct Credentials {
    pub acct_id: String,
    pub username: String,
    pub app_id: String,
    pub login: LoginKind,
    /// The app secret (app_secret, sign, sdk_headers) or the password (password).
    pub secret: String,
    pub lcid: i64,
    /// The organisation number the SDK headers carry (`config.org_num`, default `0`).
    pub org_num: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("acct_id", &self.acct_id)
            .field("username", &self.username)
            .field("app_id", &self.app_id)
            .field("login", &self.login)
            .finish_non_exhaustive()
    }
}

/// `LoginBySign`'s sign: lowercase hex SHA-256 of acctId, user, appId, appSecret and the
/// timestamp (seconds), sorted ordinally and joined without separator.
pub fn sign(acct_id: &str, user: &str, app_id: &str, app_secret: &str, timestamp: i64) -> String {
    let ts = timestamp.to_string();
    let mut parts = [acct_id, user, app_id, app_secret, ts.as_str()];
    parts.sort_unstable();
    let digest = Sha256::digest(parts.concat().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A K3 `MsgCode` / message → seed 004 class. MsgCode 1 (session lost) is handled before.
pub fn classify_msg(msg_code: i64, message: &str) -> ErrorClass {
    match msg_code {
        2 | 7 => ErrorClass::AuthorizationError,
        15 => ErrorClass::AuthenticationError,
        3 | 5 | 8 | 9 | 10 => ErrorClass::ValidationError,
        // Network control conflict (someone else holds the record) and database
        // failures pass; worth repeating.
        6 | 13 => ErrorClass::NetworkError,
        14 => ErrorClass::RateLimitError,
        4 => ErrorClass::UnknownError,
        _ if message.contains("权限") => ErrorClass::AuthorizationError,
        _ => ErrorClass::BusinessLogicError,
    }
}

/// What a reply said, once the transport worked.
#[derive(Debug)]
pub enum Reply {
    Ok(Value),
    SessionLost(String),
}

/// `Result.ResponseStatus` of a reply, wherever the service puts it (ExecuteBillQuery
/// wraps it as `[[{"Result":…}]]`).
pub fn response_status(v: &Value) -> Option<&Value> {
    let envelope = match v {
        Value::Array(rows) => rows.first()?.as_array()?.first()?,
        other => other,
    };
    envelope.get("Result")?.get("ResponseStatus")
}

/// The errors of a failed `ResponseStatus`, joined (the vendor's words, kept for the log).
pub fn status_message(status: &Value) -> String {
    let errors: Vec<String> = status["Errors"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|e| {
                    let msg = e["Message"].as_str().unwrap_or_default();
                    match e["FieldName"].as_str().filter(|f| !f.is_empty()) {
                        Some(field) => format!("{field}: {msg}"),
                        None => msg.to_owned(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    if errors.is_empty() {
        format!("K3 error {}", status["ErrorCode"])
    } else {
        errors.join("; ")
    }
}

/// A reply body → value, session loss or a classified error.
pub fn read_reply(
    status: u16,
    retry_after: Option<Duration>,
    text: &str,
) -> Result<Reply, CallError> {
    let fail = |class: ErrorClass, message: String| CallError {
        class,
        message,
        retry_after,
        status: Some(status),
    };
    let short = |t: &str| http::excerpt(t, 200);
    if text.trim_start().starts_with("response_error:") {
        // The server failed while handling the call; repeatable.
        let class = match classify_status(status) {
            Some(c) if c.is_retryable() => c,
            _ => ErrorClass::NetworkError,
        };
        return Err(fail(class, short(text.trim())));
    }
    if let Some(class) = classify_status(status) {
        return Err(fail(class, short(text)));
    }
    let value: Value = serde_json::from_str(text).map_err(|_| {
        fail(
            ErrorClass::ValidationError,
            format!("the K3 reply is not valid JSON: {}", short(text)),
        )
    })?;
    let Some(rs) = response_status(&value) else {
        return Ok(Reply::Ok(value));
    };
    if rs.is_null() || rs["IsSuccess"].as_bool() != Some(false) {
        return Ok(Reply::Ok(value));
    }
    let message = status_message(rs);
    let msg_code = rs["MsgCode"].as_i64().unwrap_or(0);
    if msg_code == 1 || message.contains(SESSION_LOST) {
        return Ok(Reply::SessionLost(message));
    }
    Err(fail(classify_msg(msg_code, &message), message))
}

/// The session cookie a login set.
fn session_cookie(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .filter_map(|h| h.split(';').next())
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case(SESSION_COOKIE))
        .map(|(_, v)| v.to_owned())
}

pub struct Client {
    root: String,
    http: reqwest::Client,
    creds: Credentials,
    session: Mutex<Option<String>>,
}

impl Client {
    pub fn new(server: &str, creds: Credentials, timeout: Duration) -> Result<Client, CallError> {
        let http = http::client(timeout)?;
        // Both `http://host` and `http://host/k3cloud/` name the same server.
        let root = server.trim_end_matches('/');
        let root = root
            .strip_suffix("/k3cloud")
            .or_else(|| root.strip_suffix("/K3Cloud"))
            .unwrap_or(root);
        Ok(Client {
            root: root.to_owned(),
            http,
            creds,
            session: Mutex::new(None),
        })
    }

    fn url(&self, service: &str) -> String {
        format!("{}/k3cloud/{service}.common.kdsvc", self.root)
    }

    fn cached(&self) -> Option<String> {
        self.session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn store(&self, session: Option<String>) {
        *self
            .session
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = session;
    }

    pub fn forget_session(&self) {
        self.store(None);
    }

    async fn post(
        &self,
        service: &str,
        body: &Value,
        session: Option<&str>,
    ) -> Result<http::Answer, CallError> {
        let url = self.url(service);
        let mut request = self.http.post(&url).json(body);
        if self.creds.login == LoginKind::SdkHeaders {
            let c = &self.creds;
            let path = reqwest::Url::parse(&url)
                .map(|u| u.path().to_owned())
                .unwrap_or_default();
            let id = super::sdk_headers::SdkIdentity {
                app_id: &c.app_id,
                app_secret: &c.secret,
                acct_id: &c.acct_id,
                username: &c.username,
                lcid: c.lcid,
                org_num: &c.org_num,
            };
            for (name, value) in
                super::sdk_headers::headers(&id, &path, chrono::Utc::now().timestamp())?
            {
                request = request.header(name, value);
            }
        }
        if let Some(s) = session {
            request = request.header(reqwest::header::COOKIE, format!("{SESSION_COOKIE}={s}"));
        }
        http::exchange(request).await.map_err(http::transport)
    }

    /// The login body; the secret goes only to the vendor, never to a log.
    fn login_call(&self) -> (String, Value) {
        let c = &self.creds;
        match c.login {
            LoginKind::AppSecret => (
                format!("{AUTH}.LoginByAppSecret"),
                json!({"parameters": [c.acct_id, c.username, c.app_id, c.secret, c.lcid]}),
            ),
            LoginKind::Sign => {
                let ts = chrono::Utc::now().timestamp();
                let signed = sign(&c.acct_id, &c.username, &c.app_id, &c.secret, ts);
                (
                    format!("{AUTH}.LoginBySign"),
                    json!({"parameters": [c.acct_id, c.username, c.app_id, ts, signed, c.lcid]}),
                )
            }
            LoginKind::Password | LoginKind::SdkHeaders => (
                format!("{AUTH}.ValidateUser"),
                json!({"parameters": [c.acct_id, c.username, c.secret, c.lcid]}),
            ),
        }
    }

    /// Logs in and keeps the session cookie. With SDK headers there is nothing to do: each
    /// call proves itself.
    pub async fn login(&self) -> Result<String, CallError> {
        if self.creds.login == LoginKind::SdkHeaders {
            return Ok(String::new());
        }
        let (service, body) = self.login_call();
        let answer = self.post(&service, &body, None).await?;
        let status = answer.code();
        let value = match read_reply(status, answer.retry_after, &answer.text)? {
            Reply::Ok(v) => v,
            Reply::SessionLost(m) => {
                return Err(CallError::new(ErrorClass::AuthenticationError, m));
            }
        };
        if value["LoginResultType"].as_i64() != Some(1) {
            let message = value["Message"]
                .as_str()
                .filter(|m| !m.is_empty())
                .unwrap_or("login refused");
            let mut err = CallError::new(
                ErrorClass::AuthenticationError,
                format!("K3 Cloud login refused: {message}"),
            );
            err.status = Some(status);
            return Err(err);
        }
        let session = session_cookie(&answer.headers)
            .or_else(|| value["KDSVCSessionId"].as_str().map(str::to_owned))
            .ok_or_else(|| {
                CallError::new(
                    ErrorClass::ValidationError,
                    "the K3 login answer carries no session",
                )
            })?;
        self.store(Some(session.clone()));
        Ok(session)
    }

    /// One business call with the session; a lost session means one new login and one
    /// repeat, then an authentication error.
    pub async fn call(&self, method: &str, body: &Value) -> Result<Value, CallError> {
        let service = format!("{FORM}.{method}");
        let mut lost = String::new();
        for _ in 0..2 {
            let sdk = self.creds.login == LoginKind::SdkHeaders;
            let session = match self.cached() {
                Some(s) => Some(s),
                None if sdk => None,
                None => Some(self.login().await?),
            };
            let answer = self.post(&service, body, session.as_deref()).await?;
            if sdk {
                // The server may open a session for signed calls; send it back while it lasts.
                if let Some(s) = session_cookie(&answer.headers) {
                    self.store(Some(s));
                }
            }
            match read_reply(answer.code(), answer.retry_after, &answer.text)? {
                Reply::Ok(v) => return Ok(v),
                Reply::SessionLost(m) => {
                    tracing::info!(method, "K3 session lost; logging in again");
                    self.forget_session();
                    lost = m;
                }
            }
        }
        Err(CallError::new(
            ErrorClass::AuthenticationError,
            format!("K3 Cloud dropped the session again right after a new login: {lost}"),
        ))
    }
}
