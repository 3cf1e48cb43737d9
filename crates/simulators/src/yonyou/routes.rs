//! Requests: one handler per variant behind a fallback route, the token check and the
//! injected faults in front of the data.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{json, Map, Value};
use sha2::Sha256;

use super::render::{self, parse_local};
use super::{Shared, Variant};
use crate::erp::data::{wall_ms, Kind};
use crate::erp::error::malformed_json;
use crate::erp::faults::{draw, Verdict, TIMEOUT_HOLD};
use crate::erp::money::quantity;
use crate::erp::{lock, read, write};

type Q = HashMap<String, String>;

pub(crate) fn router(s: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(s)
}

fn ok_json(body: &Value) -> Response {
    (StatusCode::OK, axum::Json(body.clone())).into_response()
}

fn u8_error(code: &str, message: &str) -> Value {
    json!({"errcode": code, "errmsg": message})
}

fn ys_error(code: &str, message: &str) -> Value {
    json!({"code": code, "message": message})
}

async fn handle(
    State(s): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    Query(q): Query<Q>,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    if let Some(hook) = path.strip_prefix("/_sim/") {
        return sim_hook(&s, hook, &body);
    }
    *lock(&s.stats)
        .requests
        .entry(format!("{method} {path}"))
        .or_default() += 1;
    match s.config.variant {
        Variant::U8 => u8_route(&s, &method, &path, &q, &body).await,
        Variant::YonSuite => ys_route(&s, &method, &path, &q, &body).await,
    }
}

fn sim_hook(s: &Shared, hook: &str, body: &[u8]) -> Response {
    match hook {
        "stats" => ok_json(&json!(lock(&s.stats).clone())),
        "expire_tokens" => ok_json(&json!({"expired": s.expire_tokens()})),
        "touch" => {
            let v: Value = serde_json::from_slice(body).unwrap_or_default();
            let ids: Vec<String> = v["ids"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect();
            let n = s.touch(v["kind"].as_str().unwrap_or_default(), &ids);
            ok_json(&json!({"touched": n}))
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn new_token(s: &Shared) -> String {
    let token = uuid::Uuid::now_v7().simple().to_string();
    let ttl = i64::try_from(s.config.token_ttl.as_millis()).unwrap_or(i64::MAX);
    lock(&s.tokens).insert(token.clone(), wall_ms().saturating_add(ttl));
    lock(&s.stats).logins += 1;
    token
}

fn count_fault(s: &Shared, kind: &str) {
    *lock(&s.stats).faults.entry(kind.to_owned()).or_default() += 1;
}

/// The token, then the faults. `Err` is the answer to send instead of the data.
async fn gate(s: &Shared, token: Option<&String>) -> Result<Verdict, Response> {
    let (missing, illegal) = match s.config.variant {
        Variant::U8 => (
            u8_error("30002", "token不能为空"),
            u8_error("30002", "token无效或已过期"),
        ),
        Variant::YonSuite => (
            ys_error("310001", "access_token不能为空"),
            ys_error("310036", "非法token"),
        ),
    };
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        lock(&s.stats).rejected_tokens += 1;
        return Err(ok_json(&missing));
    };
    let expires = lock(&s.tokens).get(token).copied();
    if expires.is_none_or(|e| e <= wall_ms()) {
        lock(&s.stats).rejected_tokens += 1;
        return Err(ok_json(&illegal));
    }
    let verdict = draw(&s.faults, |kind| count_fault(s, kind)).await;
    if verdict.kind().is_none() {
        return Ok(verdict);
    }
    let status = |code: u16| StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY);
    match verdict {
        Verdict::ExpireToken => {
            if let Some(e) = lock(&s.tokens).get_mut(token) {
                *e = i64::MIN;
            }
            Err(ok_json(&illegal))
        }
        Verdict::Burst => Err((status(503), "Service Unavailable").into_response()),
        Verdict::ServerError(code) => Err((status(code), "Internal Server Error").into_response()),
        Verdict::RateLimited => {
            let mut r = (StatusCode::TOO_MANY_REQUESTS, "Too Many Requests").into_response();
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            Err(r)
        }
        Verdict::Timeout => {
            tokio::time::sleep(TIMEOUT_HOLD).await;
            Err((StatusCode::GATEWAY_TIMEOUT, "Gateway Timeout").into_response())
        }
        Verdict::Reset { .. } => {
            let mut r = (StatusCode::BAD_GATEWAY, "Bad Gateway").into_response();
            r.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            Err(r)
        }
        Verdict::Pass | Verdict::Malformed => Ok(verdict),
    }
}

/// The answer, or its first half under a `malformed` fault.
fn finish(verdict: Verdict, body: &Value) -> Response {
    if verdict != Verdict::Malformed {
        return ok_json(body);
    }
    malformed_json(serde_json::to_vec(body).unwrap_or_default())
}

fn object(body: &[u8]) -> Option<Map<String, Value>> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(m)) => Some(m),
        _ => None,
    }
}

/// A write applied at most once per `key`: the first answer is replayed.
fn once(s: &Shared, key: String, apply: impl FnOnce() -> Value) -> Value {
    let mut replies = lock(&s.replies);
    if let Some(v) = replies.get(&key) {
        lock(&s.stats).replays += 1;
        return v.clone();
    }
    let v = apply();
    let ok = v["errcode"] == "0" || v["code"] == "200";
    if ok {
        replies.insert(key, v.clone());
    }
    v
}

fn u8_kind(resource: &str) -> Option<Kind> {
    match resource {
        "customer" => Some(Kind::Customers),
        "inventory" => Some(Kind::Products),
        "saleorder" => Some(Kind::Orders),
        _ => None,
    }
}

async fn u8_route(s: &Shared, method: &Method, path: &str, q: &Q, body: &[u8]) -> Response {
    let c = &s.config;
    let account_ok =
        q.get("from_account") == Some(&c.from_account) && q.get("app_key") == Some(&c.app_key);
    if path == "/system/token" {
        if account_ok && q.get("app_secret") == Some(&c.app_secret) {
            let token = new_token(s);
            let ttl = c.token_ttl.as_secs();
            return ok_json(&json!({"errcode": "0", "errmsg": "",
                "token": {"id": token, "appKey": c.app_key, "expiresIn": ttl}}));
        }
        lock(&s.stats).failed_logins += 1;
        return ok_json(&u8_error(
            "30001",
            "from_account、app_key或app_secret不正确",
        ));
    }
    if !account_ok {
        return ok_json(&u8_error("30001", "from_account或app_key不正确"));
    }
    let verdict = match gate(s, q.get("token")).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let reply = if path == "/system/tradeid" {
        let id = uuid::Uuid::now_v7().simple().to_string();
        lock(&s.trade_ids).insert(id.clone());
        json!({"errcode": "0", "errmsg": "", "trade": {"id": id}})
    } else {
        let rest = path.strip_prefix("/api/").unwrap_or_default();
        let (resource, op) = rest.split_once('/').unwrap_or((rest, ""));
        match (method.as_str(), resource, op) {
            ("GET", "currentstock", "batch_get") => u8_stock(s, q),
            ("GET", r, "batch_get") if u8_kind(r).is_some() => u8_list(s, r, q),
            ("GET", r, "get") if u8_kind(r).is_some() => u8_get(s, r, q),
            ("POST", "customer" | "saleorder", "add" | "edit") => {
                u8_write(s, resource, op, q, body)
            }
            _ => u8_error("40404", &format!("接口 {path} 不存在")),
        }
    };
    finish(verdict, &reply)
}

fn u8_list(s: &Shared, resource: &str, q: &Q) -> Value {
    let Some(kind) = u8_kind(resource) else {
        return u8_error("40404", "接口不存在");
    };
    let num = |k: &str, d: usize| q.get(k).map_or(Some(d), |v| v.parse::<usize>().ok());
    let (Some(page), Some(rows)) = (num("page_index", 1), num("rows_per_page", 20)) else {
        return u8_error("40001", "参数错误: page_index/rows_per_page");
    };
    if page == 0 || rows == 0 || rows > 500 {
        return u8_error("40001", "参数错误: page_index从1开始, rows_per_page 1-500");
    }
    let since = match q.get("modifydate_begin").map(|t| parse_local(t)) {
        None => i64::MIN,
        Some(Some(ms)) => ms,
        Some(None) => return u8_error("40001", "参数错误: modifydate_begin"),
    };
    let data = read(&s.data);
    let p = data.page(kind, since, (page - 1) * rows, rows);
    let list: Vec<Value> = p
        .numbers
        .iter()
        .filter_map(|n| render::render(&data, Variant::U8, kind, *n))
        .collect();
    let mut v = json!({
        "errcode": "0", "errmsg": "",
        "page_index": page.to_string(), "rows_per_page": rows.to_string(),
        "row_count": p.total.to_string(), "page_count": p.total.div_ceil(rows).to_string(),
    });
    v[resource] = Value::Array(list);
    v
}

fn u8_get(s: &Shared, resource: &str, q: &Q) -> Value {
    let id = q.get("id").cloned().unwrap_or_default();
    let data = read(&s.data);
    let rec =
        u8_kind(resource).and_then(|k| render::render(&data, Variant::U8, k, k.parse_id(&id)?));
    match rec {
        Some(r) => {
            let mut v = json!({"errcode": "0", "errmsg": ""});
            v[resource] = r;
            v
        }
        None => u8_error("40004", &format!("{resource} {id} 不存在")),
    }
}

fn u8_stock(s: &Shared, q: &Q) -> Value {
    let data = read(&s.data);
    let rows: Vec<Value> = q
        .get("cinvcode")
        .map(String::as_str)
        .unwrap_or_default()
        .split(',')
        .filter_map(|code| {
            let (p, _) = data.product(Kind::Products.parse_id(code.trim())?)?;
            Some(
                json!({"cInvCode": code.trim(), "cWhCode": p.warehouse, "cWhName": p.warehouse,
                "iQuantity": quantity(p.quantity_milli)}),
            )
        })
        .collect();
    json!({"errcode": "0", "errmsg": "", "page_index": "1", "rows_per_page": rows.len().to_string(),
        "row_count": rows.len().to_string(), "page_count": "1", "currentstock": rows})
}

fn u8_write(s: &Shared, resource: &str, op: &str, q: &Q, body: &[u8]) -> Value {
    let trade = q.get("tradeid").cloned().unwrap_or_default();
    if !lock(&s.trade_ids).contains(&trade) {
        return u8_error("40001", "参数错误: tradeid无效");
    }
    let Some(map) = object(body).and_then(|b| b.get(resource)?.as_object().cloned()) else {
        return u8_error(
            "40001",
            &format!("参数错误: 请求体应为 {{\"{resource}\":{{...}}}}"),
        );
    };
    once(s, format!("u8:{trade}"), || {
        let mut data = write(&s.data);
        let done = match (resource, op) {
            ("customer", "add") => render::create_customer(&mut data, Variant::U8, &map)
                .map(|(id, _)| (id, "customers_created")),
            ("customer", _) => {
                let id = map
                    .get("cCusCode")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                render::update_customer(&mut data, Variant::U8, &id, &map)
                    .map(|()| (id, "customers_updated"))
            }
            _ => render::create_order(&mut data, Variant::U8, &map)
                .map(|(id, _)| (id, "orders_created")),
        };
        match done {
            Ok((id, counter)) => {
                count_write(s, counter);
                json!({"errcode": "0", "errmsg": "", "id": id, "tradeid": trade})
            }
            Err(m) if m.contains("参数") => u8_error("40001", &m),
            Err(m) => u8_error("40004", &m),
        }
    })
}

fn count_write(s: &Shared, counter: &str) {
    let mut st = lock(&s.stats);
    match counter {
        "customers_created" => st.customers_created += 1,
        "customers_updated" => st.customers_updated += 1,
        _ => st.orders_created += 1,
    }
}

/// The YonSuite signature of a token request (Base64, before URL-encoding).
pub(crate) fn ys_signature(secret: &str, app_key: &str, timestamp: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(format!("appKey{app_key}timestamp{timestamp}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

fn ys_kind(path: &str) -> Option<(Kind, &str)> {
    let (base, op) = path.rsplit_once('/')?;
    let kind = match base {
        "/yonbip/digitalModel/merchant" => Kind::Customers,
        "/yonbip/digitalModel/product" => Kind::Products,
        "/yonbip/sd/voucherorder" => Kind::Orders,
        _ => return None,
    };
    Some((kind, op))
}

async fn ys_route(s: &Shared, method: &Method, path: &str, q: &Q, body: &[u8]) -> Response {
    if path == "/open-auth/selfAppAuth/getAccessToken" {
        let c = &s.config;
        let (key, ts, sig) = (q.get("appKey"), q.get("timestamp"), q.get("signature"));
        let good = match (key, ts, sig) {
            (Some(k), Some(t), Some(g)) => {
                k == &c.app_key && *g == ys_signature(&c.app_secret, k, t)
            }
            _ => false,
        };
        if !good {
            lock(&s.stats).failed_logins += 1;
            return ok_json(&ys_error("10004", "签名不正确"));
        }
        let token = new_token(s);
        return ok_json(&json!({"code": "00000", "message": "成功！",
            "data": {"access_token": token, "expire": c.token_ttl.as_secs()}}));
    }
    let verdict = match gate(s, q.get("access_token")).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let reply = match (method.as_str(), ys_kind(path)) {
        ("POST", Some((kind, "list"))) => ys_list(s, kind, body),
        ("GET", Some((kind, "detail"))) => {
            let id = q.get("id").cloned().unwrap_or_default();
            let data = read(&s.data);
            match kind
                .parse_id(&id)
                .and_then(|n| render::render(&data, Variant::YonSuite, kind, n))
            {
                Some(r) => json!({"code": "200", "message": "操作成功", "data": r}),
                None => ys_error("999", &format!("数据不存在: {id}")),
            }
        }
        ("POST", Some((kind @ (Kind::Customers | Kind::Orders), "save" | "singleSave"))) => {
            ys_save(s, kind, body)
        }
        _ => ys_error("404", &format!("API {path} 不存在")),
    };
    finish(verdict, &reply)
}

fn ys_list(s: &Shared, kind: Kind, body: &[u8]) -> Value {
    let Some(b) = object(body) else {
        return ys_error("999", "参数错误: 请求体不是JSON");
    };
    let num = |k: &str, d: u64| b.get(k).map_or(Some(d), Value::as_u64);
    let (Some(page), Some(size)) = (num("pageIndex", 1), num("pageSize", 10)) else {
        return ys_error("999", "参数错误: pageIndex/pageSize");
    };
    if page == 0 || size == 0 || size > 500 {
        return ys_error("999", "参数错误: pageIndex从1开始, pageSize 1-500");
    }
    let mut since = i64::MIN;
    for vo in b
        .get("simpleVOs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if vo["field"] != "pubts" {
            continue;
        }
        let Some(ms) = vo["value1"].as_str().and_then(parse_local) else {
            return ys_error("999", "参数错误: simpleVOs.value1");
        };
        match vo["op"].as_str() {
            Some("egt") => since = since.max(ms),
            Some("gt") => since = since.max(ms + 1),
            _ => {}
        }
    }
    let (page, size) = (page as usize, size as usize);
    let data = read(&s.data);
    let p = data.page(kind, since, (page - 1) * size, size);
    let list: Vec<Value> = p
        .numbers
        .iter()
        .filter_map(|n| render::render(&data, Variant::YonSuite, kind, *n))
        .collect();
    json!({"code": "200", "message": "操作成功", "data": {
        "pageIndex": page, "pageSize": size, "recordCount": p.total,
        "pageCount": p.total.div_ceil(size), "recordList": list,
    }})
}

fn ys_save(s: &Shared, kind: Kind, body: &[u8]) -> Value {
    let Some(map) = object(body).and_then(|b| b.get("data")?.as_object().cloned()) else {
        return ys_error("999", "参数错误: 请求体应为 {\"data\":{...}}");
    };
    let key = map
        .get("resubmitCheckKey")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    once(s, format!("ys:{key}"), || {
        let mut data = write(&s.data);
        let status = map
            .get("_status")
            .and_then(Value::as_str)
            .unwrap_or("Insert");
        let done = match (kind, status) {
            (Kind::Customers, "Update") => {
                let id = map
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                render::update_customer(&mut data, Variant::YonSuite, &id, &map)
                    .map(|()| (id.clone(), id, "customers_updated"))
            }
            (Kind::Customers, _) => render::create_customer(&mut data, Variant::YonSuite, &map)
                .map(|(id, code)| (id, code, "customers_created")),
            _ => render::create_order(&mut data, Variant::YonSuite, &map)
                .map(|(id, code)| (id, code, "orders_created")),
        };
        match done {
            Ok((id, code, counter)) => {
                count_write(s, counter);
                json!({"code": "200", "message": "操作成功", "data": {"id": id, "code": code}})
            }
            Err(m) => ys_error("999", &m),
        }
    })
}
