//! The HTTP surface: one route per `*.common.kdsvc` service, logins, the session gate
//! and the injected faults.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Map, Value};

use super::query::{Query, Refusal};
use super::writes;
use super::Shared;
use crate::erp::data::wall_ms;
use crate::erp::faults::{draw, Verdict, TIMEOUT_HOLD};
use crate::erp::{lock, read, write};

const AUTH: &str = "Kingdee.BOS.WebApi.ServicesStub.AuthService.";
const FORM: &str = "Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.";
const SESSION_LOST: &str = "会话信息已丢失，请重新登录";
const COOKIE: &str = "kdservice-sessionid";

type S = State<Arc<Shared>>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/k3cloud/{service}", post(service))
        .route("/K3Cloud/{service}", post(service))
        .with_state(shared)
}

fn json_reply(status: StatusCode, body: &Value) -> Response {
    let mut r = (status, serde_json::to_vec(body).unwrap_or_default()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    r
}

/// The K3 failure envelope.
pub(crate) fn failure(msg_code: i64, message: &str) -> Value {
    json!({"Result": {"ResponseStatus": {"ErrorCode": 500, "IsSuccess": false,
        "Errors": [{"FieldName": null, "Message": message, "DIndex": 0}],
        "SuccessEntitys": [], "SuccessMessages": [], "MsgCode": msg_code}}})
}

/// The body's arguments: `{"parameters":[…]}` as given, or named keys in `names` order.
fn arguments(body: &[u8], names: &[&str]) -> Option<Vec<Value>> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let map = v.as_object()?;
    if let Some(p) = map.get("parameters") {
        // Some clients send the list itself as a JSON string.
        return match p {
            Value::Array(a) => Some(a.clone()),
            Value::String(s) => serde_json::from_str::<Vec<Value>>(s).ok(),
            _ => None,
        };
    }
    let named: Vec<Value> = names
        .iter()
        .map(|n| {
            map.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.clone())
                .unwrap_or(Value::Null)
        })
        .collect();
    if named.iter().all(Value::is_null) {
        // ExecuteBillQuery's arguments may come as the top-level object itself.
        return Some(vec![v.clone()]);
    }
    Some(named)
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// An argument that is an object, or a JSON string of one.
fn object(v: Option<&Value>) -> Option<Map<String, Value>> {
    match v? {
        Value::Object(m) => Some(m.clone()),
        Value::String(s) => serde_json::from_str(s).ok(),
        _ => None,
    }
}

async fn service(
    State(s): S,
    Path(name): Path<String>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(call) = name.strip_suffix(".common.kdsvc") else {
        return (StatusCode::NOT_FOUND, "no such service").into_response();
    };
    let method = call.rsplit('.').next().unwrap_or_default().to_owned();
    *lock(&s.stats).requests.entry(method.clone()).or_default() += 1;
    if call.starts_with(AUTH) {
        return login(&s, &method, &body);
    }
    if !call.starts_with(FORM) {
        return (StatusCode::NOT_FOUND, "response_error: no such service").into_response();
    }
    business(&s, &method, uri.path(), &headers, &body).await
}

fn login(s: &Shared, method: &str, body: &[u8]) -> Response {
    let c = &s.config;
    let names: &[&str] = match method {
        "ValidateUser" => &["acctID", "username", "password", "lcid"],
        "LoginByAppSecret" => &["acctID", "username", "appId", "appSecret", "lcid"],
        "LoginBySign" => &["acctID", "username", "appId", "timestamp", "sign", "lcid"],
        _ => return (StatusCode::NOT_FOUND, "response_error: no such login").into_response(),
    };
    let args = arguments(body, names).unwrap_or_default();
    let arg = |i: usize| text(args.get(i));
    let known = arg(0) == c.acct_id && arg(1) == c.username;
    let refusal = match method {
        "ValidateUser" if !(known && arg(2) == c.password) => Some("用户名或密码错误！"),
        "LoginByAppSecret" if !(known && arg(2) == c.app_id && arg(3) == c.app_secret) => {
            Some("第三方系统登录授权验证失败：应用ID或应用密钥错误")
        }
        "LoginBySign" => {
            let ts: i64 = arg(3).parse().unwrap_or(0);
            let fresh = (chrono::Utc::now().timestamp() - ts).abs() <= 600;
            let expected = sign(&arg(0), &arg(1), &arg(2), &c.app_secret, ts);
            if !(known && arg(2) == c.app_id) || arg(4) != expected {
                Some("签名验证失败，请检查应用密钥")
            } else if !fresh {
                Some("时间戳已过期")
            } else {
                None
            }
        }
        _ => None,
    };
    if let Some(message) = refusal {
        lock(&s.stats).failed_logins += 1;
        return json_reply(
            StatusCode::OK,
            &json!({"Message": message, "MessageCode": "CheckPasswordPolicy", "LoginResultType": 0,
                "Context": null, "KDSVCSessionId": null, "IsSuccessByAPI": false}),
        );
    }
    let session = uuid::Uuid::now_v7().simple().to_string();
    let ttl = i64::try_from(c.session_ttl.as_millis()).unwrap_or(i64::MAX);
    {
        let mut sessions = lock(&s.sessions);
        let now = wall_ms();
        if sessions.len() > 10_000 {
            sessions.retain(|_, t| *t > now);
        }
        sessions.insert(session.clone(), now.saturating_add(ttl));
    }
    lock(&s.stats).logins += 1;
    let mut r = json_reply(
        StatusCode::OK,
        &json!({"Message": null, "MessageCode": "CheckPasswordPolicy", "LoginResultType": 1,
            "Context": {"UserName": c.username, "DBid": c.acct_id, "DataCenterName": "Storelink 模拟账套",
                "UserLocale": "zh-CN", "LogLocale": "zh-CN", "SessionId": session},
            "KDSVCSessionId": session, "IsSuccessByAPI": true}),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("{COOKIE}={session}; path=/")) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

fn session_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|h| h.to_str().ok())
        .flat_map(|h| h.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case(COOKIE))
        .map(|(_, v)| v.to_owned())
}

/// ExecuteBillQuery wraps its envelope in a 2-D array, as K3 does.
fn envelope(method: &str, v: Value) -> Value {
    if method == "ExecuteBillQuery" {
        json!([[v]])
    } else {
        v
    }
}

fn count_fault(s: &Shared, kind: &str) {
    *lock(&s.stats).faults.entry(kind.to_owned()).or_default() += 1;
}

fn server_fault(status: StatusCode, message: &str) -> Response {
    (status, format!("response_error:{message}")).into_response()
}

async fn business(
    s: &Shared,
    method: &str,
    path: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let session = session_of(headers);
    // SDK 8.x clients sign every call instead of logging in.
    let signed = super::sdk_auth::present(headers);
    if signed {
        if let Err(message) = super::sdk_auth::verify(&s.config, headers, path) {
            lock(&s.stats).failed_logins += 1;
            return json_reply(StatusCode::OK, &envelope(method, failure(15, &message)));
        }
        lock(&s.stats).signed_calls += 1;
    }
    let live = signed
        || session
            .as_ref()
            .and_then(|id| lock(&s.sessions).get(id).copied())
            .is_some_and(|t| t > wall_ms());
    if !live {
        lock(&s.stats).sessions_lost += 1;
        return json_reply(StatusCode::OK, &envelope(method, failure(1, SESSION_LOST)));
    }
    let verdict = draw(&s.faults, |kind| count_fault(s, kind)).await;
    match verdict {
        Verdict::ExpireToken => {
            if let Some(id) = session {
                lock(&s.sessions).insert(id, i64::MIN);
            }
            lock(&s.stats).sessions_lost += 1;
            return json_reply(StatusCode::OK, &envelope(method, failure(1, SESSION_LOST)));
        }
        Verdict::RateLimited => {
            let mut r = server_fault(StatusCode::TOO_MANY_REQUESTS, "调用频率超过限制");
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return r;
        }
        Verdict::Burst => return server_fault(StatusCode::SERVICE_UNAVAILABLE, "服务不可用"),
        Verdict::ServerError(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return server_fault(status, "服务器内部错误");
        }
        Verdict::Reset { .. } => return server_fault(StatusCode::BAD_GATEWAY, "连接被重置"),
        Verdict::Timeout => {
            tokio::time::sleep(TIMEOUT_HOLD).await;
            return server_fault(StatusCode::GATEWAY_TIMEOUT, "请求超时");
        }
        Verdict::Pass | Verdict::Malformed => {}
    }
    let reply = match answer(s, method, body) {
        Ok(v) => v,
        Err((code, message)) => envelope(method, failure(code, &message)),
    };
    if verdict == Verdict::Malformed {
        let mut bytes = serde_json::to_vec(&reply).unwrap_or_default();
        bytes.truncate(bytes.len() / 2);
        return (StatusCode::OK, bytes).into_response();
    }
    json_reply(StatusCode::OK, &reply)
}

fn answer(s: &Shared, method: &str, body: &[u8]) -> Result<Value, Refusal> {
    let bad = || (8, "请求参数格式错误".to_owned());
    if method == "ExecuteBillQuery" {
        let args = arguments(body, &["data"]).ok_or_else(bad)?;
        let q = object(args.first()).ok_or_else(bad)?;
        let data = read(&s.data);
        let books = lock(&s.books);
        let query = Query::parse(&data, &books, &q, s.offset)?;
        return query.run(&data, &books, s.offset).map(Value::Array);
    }
    let args = arguments(body, &["formid", "data"]).ok_or_else(bad)?;
    let form = text(args.first());
    let data = object(args.get(1)).ok_or_else(bad)?;
    match method {
        "Save" => {
            let mut d = write(&s.data);
            let mut books = lock(&s.books);
            let (reply, counter) = writes::save(&mut d, &mut books, &form, &data, s.offset)?;
            let mut stats = lock(&s.stats);
            match counter {
                "customers_created" => stats.customers_created += 1,
                "customers_updated" => stats.customers_updated += 1,
                _ => stats.orders_created += 1,
            }
            Ok(reply)
        }
        "Submit" | "Audit" => {
            let d = read(&s.data);
            let audit = method == "Audit";
            let reply = writes::operate(&d, &mut lock(&s.books), &form, audit, &data)?;
            let mut stats = lock(&s.stats);
            if audit {
                stats.audits += 1;
            } else {
                stats.submits += 1;
            }
            Ok(reply)
        }
        "View" => writes::view(&read(&s.data), &lock(&s.books), &form, &data, s.offset),
        other => Err((3, format!("模拟器不支持操作 {other}"))),
    }
}

/// LoginBySign's sign as the vendor records it: lowercase hex SHA-256 of the five strings
/// sorted ordinally and joined.
pub(crate) fn sign(acct: &str, user: &str, app_id: &str, secret: &str, ts: i64) -> String {
    use sha2::{Digest, Sha256};
    let ts = ts.to_string();
    let mut parts = [acct, user, app_id, secret, ts.as_str()];
    parts.sort_unstable();
    Sha256::digest(parts.concat().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
