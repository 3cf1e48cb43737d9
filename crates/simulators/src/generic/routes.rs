//! Requests: the outage switch, the API key, the injected faults, then the three systems'
//! calls under `/pos`, `/supplier` and `/member`.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};

use super::data::{render, Table};
use super::writes::{create_order, upsert_member, write};
use super::{Shared, System};
use crate::erp::error::{json_response, malformed_json, ApiError};
use crate::erp::faults::{draw, Verdict, TIMEOUT_HOLD};
use crate::erp::lock;
use crate::server::ConnKill;

/// Largest request body read (a member or an order is far smaller).
const BODY_LIMIT: usize = 1 << 20;
const MAX_LIMIT: usize = 100;

pub(crate) fn router(s: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(s)
}

/// One request, taken apart.
pub(crate) struct Call {
    pub method: Method,
    pub system: System,
    /// The path below the system's prefix, split at `/`.
    pub parts: Vec<String>,
    pub query: HashMap<String, String>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

async fn handle(State(s): State<Arc<Shared>>, request: Request) -> Response {
    let kill = request.extensions().get::<ConnKill>().cloned();
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let Ok(body) = to_bytes(body, BODY_LIMIT).await else {
        return ApiError::bad_request("the body is too large").into_response();
    };
    if let Some(hook) = path.strip_prefix("/_sim/") {
        return super::hooks::handle(&s, hook, &body);
    }
    let mut segments = path.trim_matches('/').split('/').map(str::to_owned);
    let Some(system) = segments.next().as_deref().and_then(System::parse) else {
        return ApiError::not_found("path", &path).into_response();
    };
    let query = parts
        .uri
        .query()
        .map(|q| {
            url_pairs(q)
                .into_iter()
                .collect::<HashMap<String, String>>()
        })
        .unwrap_or_default();
    let call = Call {
        method: parts.method.clone(),
        system,
        parts: segments
            .filter(|p| !p.is_empty())
            .map(|p| decode(&p, false))
            .collect(),
        query,
        headers: parts.headers,
        body: body.to_vec(),
    };
    *lock(&s.stats)
        .requests
        .entry(format!("{} {path}", call.method))
        .or_default() += 1;
    if s.outage.load(Ordering::SeqCst) {
        lock(&s.stats).outage_refusals += 1;
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "the service is down for maintenance",
        )
        .into_response();
    }
    if !key_accepted(&s, &call) {
        lock(&s.stats).rejected_keys += 1;
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_api_key",
            "missing or unknown API key",
        )
        .into_response();
    }
    let verdict = draw(&s.faults, |kind| {
        *lock(&s.stats).faults.entry(kind.to_owned()).or_default() += 1;
    })
    .await;
    if let Some(refusal) = fault_answer(verdict).await {
        return refusal;
    }
    let write = call.method != Method::GET;
    if verdict == (Verdict::Reset { apply: false }) || (!write && verdict.kind() == Some("reset")) {
        return reset(kill).await;
    }
    let (status, body) = route(&s, &call);
    if verdict == Verdict::Malformed {
        return malformed_json(serde_json::to_vec(&body).unwrap_or_default());
    }
    if verdict == (Verdict::Reset { apply: true }) {
        return reset(kill).await;
    }
    json_response(status, &body)
}

/// The key of the system, as `Authorization: Bearer <key>` or as a bare key in
/// `Authorization` or `X-Api-Key`.
fn key_accepted(s: &Shared, call: &Call) -> bool {
    let expected = s.key_of(call.system);
    ["authorization", "x-api-key"].iter().any(|name| {
        call.headers
            .get(*name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim())
            .map(|v| v.strip_prefix("Bearer ").unwrap_or(v).trim())
            .is_some_and(|given| !given.is_empty() && given == expected)
    })
}

/// The answer an injected fault sends instead of the data (`None`: go on to the data).
async fn fault_answer(verdict: Verdict) -> Option<Response> {
    let answer = |status: StatusCode, code: &'static str, message: &str| {
        Some(ApiError::new(status, code, message).into_response())
    };
    match verdict {
        // An API key does not expire; the vendor refusing it once is what this knob does.
        Verdict::ExpireToken => answer(
            StatusCode::UNAUTHORIZED,
            "api_key_expired",
            "the API key was refused",
        ),
        Verdict::Burst => answer(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "service unavailable",
        ),
        Verdict::ServerError(code) => answer(
            StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "server_error",
            "internal error",
        ),
        Verdict::RateLimited => {
            let mut r = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many requests",
            )
            .into_response();
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            Some(r)
        }
        Verdict::Timeout => {
            tokio::time::sleep(TIMEOUT_HOLD).await;
            answer(StatusCode::GATEWAY_TIMEOUT, "timeout", "upstream timed out")
        }
        Verdict::Pass | Verdict::Malformed | Verdict::Reset { .. } => None,
    }
}

/// Drops the connection without an answer (see `server.rs`).
async fn reset(kill: Option<ConnKill>) -> Response {
    if let Some(kill) = kill {
        kill.reset();
        std::future::pending::<()>().await;
    }
    StatusCode::BAD_GATEWAY.into_response()
}

pub(crate) type Reply = (StatusCode, Value);

pub(crate) fn error(e: ApiError) -> Reply {
    (e.status, e.body())
}

fn route(s: &Shared, call: &Call) -> Reply {
    let parts: Vec<&str> = call.parts.iter().map(String::as_str).collect();
    match (call.system, &call.method, parts.as_slice()) {
        (System::Pos, &Method::GET, ["ping"]) => (
            StatusCode::OK,
            json!({"data": {"ok": true, "system": "meituan-pos"}}),
        ),
        // The endpoint itself answers too (what a plain connection probe asks for).
        (system, &Method::GET, []) => (
            StatusCode::OK,
            json!({"data": {"ok": true, "system": system.prefix().trim_start_matches('/')}}),
        ),
        (System::Supplier, &Method::GET, ["orders"]) => list(s, call, Table::Orders),
        (System::Supplier, &Method::GET, ["orders", id]) => one(s, Table::Orders, id),
        (System::Supplier, &Method::POST, ["orders"]) => write(s, call, "order", create_order),
        (System::Member, &Method::GET, ["members"]) => list(s, call, Table::Members),
        (System::Member, &Method::GET, ["members", id]) => one(s, Table::Members, id),
        (System::Member, &Method::PUT, ["members", id]) => {
            let id = (*id).to_owned();
            write(s, call, "member", move |s, body| {
                upsert_member(s, &id, body)
            })
        }
        _ => error(ApiError::not_found("path", &call.parts.join("/"))),
    }
}

fn list(s: &Shared, call: &Call, table: Table) -> Reply {
    let number = |name: &str, default: usize| -> Result<usize, ApiError> {
        match call.query.get(name) {
            None => Ok(default),
            Some(v) => v.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                ApiError::bad_param(format!("{name} must be a whole number from 1"))
            }),
        }
    };
    let since = match call.query.get("updated_since") {
        None => None,
        Some(t) => match chrono::DateTime::parse_from_rfc3339(t) {
            Ok(t) => Some(t.timestamp_millis()),
            Err(_) => {
                return error(ApiError::bad_param(
                    "updated_since must be an RFC 3339 date-time",
                ))
            }
        },
    };
    let (page, limit) = match (number("page", 1), number("limit", 20)) {
        (Ok(p), Ok(l)) => (p, l.min(MAX_LIMIT)),
        (Err(e), _) | (_, Err(e)) => return error(e),
    };
    let (items, total) = lock(&s.state).list(table, since, page, limit);
    let has_more = page.saturating_mul(limit) < total;
    (
        StatusCode::OK,
        json!({"data": items, "page": page, "limit": limit, "total": total, "has_more": has_more}),
    )
}

fn one(s: &Shared, table: Table, id: &str) -> Reply {
    match lock(&s.state).table(table).get(id) {
        Some(row) => (StatusCode::OK, json!({ "data": render(row) })),
        None => error(ApiError::not_found("record", id)),
    }
}

/// `a=1&b=x%20y` as decoded pairs.
fn url_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k, true), decode(v, true))
        })
        .collect()
}

fn hex(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// Percent-decoding; in a query `+` is a space, in a path it is itself.
fn decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' && i + 2 < bytes.len() {
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(high * 16 + low);
                i += 3;
                continue;
            }
        }
        out.push(if plus_is_space && b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
