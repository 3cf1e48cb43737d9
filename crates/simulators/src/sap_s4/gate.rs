//! Between the socket and the data: Basic or Bearer credentials, the OAuth2 token
//! endpoint, CSRF tokens for writes, and the faults.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{json, Value};

use super::render::{error, json_response};
use super::Shared;
use crate::erp::data::wall_ms;
use crate::erp::error::malformed_json;
use crate::erp::faults::{draw, Verdict, TIMEOUT_HOLD};
use crate::erp::lock;
use crate::sap_b1::filter::decode;

/// The session cookie that carries a CSRF token.
pub(crate) const SESSION_COOKIE: &str = "SAP_SESSIONID_S4H_100";

pub(crate) fn count_request(s: &Shared, route: &str) {
    *lock(&s.stats).requests.entry(route.to_owned()).or_default() += 1;
}

fn count_fault(s: &Shared, kind: &str) {
    *lock(&s.stats).faults.entry(kind.to_owned()).or_default() += 1;
}

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Caller {
    Basic,
    Bearer(String),
}

fn basic_pair(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (user, pass) = text.split_once(':')?;
    Some((user.to_owned(), pass.to_owned()))
}

fn unauthorized() -> Response {
    let mut r = (StatusCode::UNAUTHORIZED, "Logon failed").into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"SAP NetWeaver Application Server [S4H/100]\""),
    );
    r
}

/// The caller, or `None` (counted) when its credentials are refused.
fn authenticate(s: &Shared, headers: &HeaderMap) -> Option<Caller> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if let Some(token) = bearer {
        let alive = lock(&s.tokens)
            .get(token)
            .is_some_and(|until| *until != i64::MIN && *until > wall_ms());
        if alive {
            return Some(Caller::Bearer(token.to_owned()));
        }
        lock(&s.stats).rejected_tokens += 1;
        return None;
    }
    match basic_pair(headers) {
        Some((u, p)) if u == s.config.username && p == s.config.password => Some(Caller::Basic),
        _ => {
            lock(&s.stats).failed_logins += 1;
            None
        }
    }
}

/// The value of a cookie the request sent.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(&prefix).map(str::to_owned))
}

fn csrf_valid(s: &Shared, headers: &HeaderMap) -> bool {
    let sent = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
    let session = cookie(headers, SESSION_COOKIE);
    match (sent, session) {
        (Some(sent), Some(session)) => lock(&s.csrf).get(&session).is_some_and(|t| t == sent),
        _ => false,
    }
}

/// Credentials, then (for writes) the CSRF token, then the faults. `Ok` lets the request
/// through, possibly to be answered malformed or reset.
pub(crate) async fn gate(
    s: &Shared,
    headers: &HeaderMap,
    route: &str,
    write: bool,
) -> Result<Verdict, Response> {
    count_request(s, route);
    let Some(caller) = authenticate(s, headers) else {
        return Err(unauthorized());
    };
    if write && !csrf_valid(s, headers) {
        lock(&s.stats).csrf_rejections += 1;
        let mut r = (StatusCode::FORBIDDEN, "CSRF token validation failed").into_response();
        r.headers_mut()
            .insert("x-csrf-token", HeaderValue::from_static("Required"));
        return Err(r);
    }
    let verdict = draw(&s.faults, |kind| count_fault(s, kind)).await;
    match verdict {
        Verdict::ExpireToken => match caller {
            Caller::Bearer(token) => {
                if let Some(until) = lock(&s.tokens).get_mut(&token) {
                    *until = i64::MIN;
                }
                Err(unauthorized())
            }
            // A Basic caller has no token: its session (and CSRF token) ends instead.
            Caller::Basic => {
                lock(&s.csrf).clear();
                Ok(Verdict::Pass)
            }
        },
        Verdict::Burst => Err(error(
            StatusCode::SERVICE_UNAVAILABLE,
            "HTTP/503",
            "Service Unavailable",
        )),
        Verdict::RateLimited => {
            let mut r = error(
                StatusCode::TOO_MANY_REQUESTS,
                "HTTP/429",
                "Too Many Requests",
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            Err(r)
        }
        Verdict::ServerError(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Err(error(status, "HTTP/500", "Internal Server Error"))
        }
        Verdict::Timeout => {
            tokio::time::sleep(TIMEOUT_HOLD).await;
            Err(error(
                StatusCode::GATEWAY_TIMEOUT,
                "HTTP/504",
                "Gateway Timeout",
            ))
        }
        Verdict::Pass | Verdict::Malformed | Verdict::Reset { .. } => Ok(verdict),
    }
}

/// `GET` a service root with `X-CSRF-Token: Fetch`: the service document, the token and
/// the session cookie it belongs to (the same token again within a session).
pub(crate) fn fetch_csrf(s: &Shared, headers: &HeaderMap, service: &str) -> Response {
    let mut r = json_response(StatusCode::OK, &json!({"d": {"EntitySets": [service]}}));
    let asked = headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("fetch"));
    if !asked {
        return r;
    }
    let mut csrf = lock(&s.csrf);
    let session = cookie(headers, SESSION_COOKIE)
        .filter(|id| csrf.contains_key(id))
        .unwrap_or_else(|| uuid::Uuid::now_v7().simple().to_string());
    let token = csrf
        .entry(session.clone())
        .or_insert_with(|| {
            base64::engine::general_purpose::STANDARD.encode(uuid::Uuid::now_v7().as_bytes())
        })
        .clone();
    drop(csrf);
    lock(&s.stats).csrf_fetches += 1;
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&token) {
        h.insert("x-csrf-token", v);
    }
    for c in [
        format!("{SESSION_COOKIE}={session}; path=/; HttpOnly"),
        "sap-usercontext=sap-client=100; path=/".to_owned(),
    ] {
        if let Ok(v) = HeaderValue::from_str(&c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    r
}

/// `POST /sap/bc/sec/oauth2/token`: client credentials, the client in Basic auth or in
/// the form.
pub(crate) fn token(s: &Shared, headers: &HeaderMap, body: &[u8]) -> Response {
    count_request(s, "POST token");
    let form: Vec<(String, String)> = String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect();
    let field = |k: &str| form.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone());
    let refuse = |status: StatusCode, code: &str, text: &str| {
        lock(&s.stats).failed_token_requests += 1;
        json_response(status, &json!({"error": code, "error_description": text}))
    };
    if field("grant_type").as_deref() != Some("client_credentials") {
        return refuse(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Only client_credentials is supported",
        );
    }
    let (id, secret) = basic_pair(headers)
        .or_else(|| Some((field("client_id")?, field("client_secret")?)))
        .unwrap_or_default();
    if id != s.config.client_id || secret != s.config.client_secret {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed",
        );
    }
    let token = uuid::Uuid::now_v7().simple().to_string();
    let ttl = s.config.token_ttl.as_secs().max(1);
    {
        let mut tokens = lock(&s.tokens);
        if tokens.len() > 100_000 {
            tokens.retain(|_, t| *t != i64::MIN);
        }
        tokens.insert(token.clone(), wall_ms().saturating_add(ttl as i64 * 1000));
    }
    lock(&s.stats).tokens_issued += 1;
    json_response(
        StatusCode::OK,
        &json!({"access_token": token, "token_type": "Bearer", "expires_in": ttl,
            "scope": "API_BUSINESS_PARTNER_0001 API_SALES_ORDER_SRV_0001 API_PRODUCT_SRV_0001"}),
    )
}

/// 200 with the first half of the body: never valid JSON.
pub(crate) fn malformed(body: &Value) -> Response {
    malformed_json(body.to_string().into_bytes())
}
