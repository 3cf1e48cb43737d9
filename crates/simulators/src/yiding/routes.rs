//! Requests: the outage switch, the API key and the injected faults in front of the list,
//! the single read and the status change (see the module doc for the contract).

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use serde_json::{json, Value};

use super::data::STATUSES;
use super::{Shared, PREFIX};
use crate::erp::error::{json_response, malformed_json};
use crate::erp::faults::{draw, Verdict, TIMEOUT_HOLD};
use crate::erp::{lock, read};
pub(super) use crate::server::Ctx;

pub(super) type Q = HashMap<String, String>;

pub(crate) fn router(s: Arc<Shared>) -> Router {
    Router::new()
        .route(PREFIX, get(root))
        .route(&format!("{PREFIX}/list"), get(list))
        .route(&format!("{PREFIX}/{{reservation_id}}"), get(one))
        .route(
            &format!("{PREFIX}/{{reservation_id}}/status"),
            put(super::status::status),
        )
        .route("/_sim/stats", get(stats))
        .route("/_sim/outage", post(outage))
        .with_state(s)
}

fn detail(status: StatusCode, message: &str) -> Response {
    json_response(status, &json!({ "detail": message }))
}

fn count_fault(s: &Shared, kind: &str) {
    *lock(&s.stats).faults.entry(kind.to_owned()).or_default() += 1;
}

/// A refusal before the data: the answer and its reason for the status log.
pub(super) type Refusal = (Response, String);

/// Outage, key, faults. `Ok` lets the request through (possibly malformed or reset).
pub(super) async fn gate(s: &Shared, ctx: &Ctx, route: &str) -> Result<Verdict, Refusal> {
    *lock(&s.stats).requests.entry(route.to_owned()).or_default() += 1;
    if s.outage.load(Ordering::SeqCst) {
        lock(&s.stats).outage_refusals += 1;
        let r = detail(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable");
        return Err((r, "outage".into()));
    }
    let expected = format!("Bearer {}", lock(&s.api_key));
    match ctx.header("authorization") {
        Some(given) if given == expected => {}
        given => {
            lock(&s.stats).rejected_keys += 1;
            let why = if given.is_some() {
                "Invalid API key"
            } else {
                "Not authenticated"
            };
            return Err((
                detail(StatusCode::UNAUTHORIZED, why),
                "invalid_api_key".into(),
            ));
        }
    }
    let verdict = draw(&s.faults, |kind| count_fault(s, kind)).await;
    let Some(kind) = verdict.kind() else {
        return Ok(verdict);
    };
    let fault =
        |status: StatusCode, message: &str| (detail(status, message), format!("fault:{kind}"));
    match verdict {
        Verdict::ExpireToken => Err(fault(StatusCode::UNAUTHORIZED, "API key expired")),
        Verdict::Burst => Err(fault(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service Unavailable",
        )),
        Verdict::ServerError(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Err(fault(status, "Internal Server Error"))
        }
        Verdict::RateLimited => {
            let mut r = fault(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");
            r.0.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            Err(r)
        }
        Verdict::Timeout => {
            tokio::time::sleep(TIMEOUT_HOLD).await;
            Err(fault(StatusCode::GATEWAY_TIMEOUT, "Gateway Timeout"))
        }
        Verdict::Pass | Verdict::Malformed | Verdict::Reset { .. } => Ok(verdict),
    }
}

/// Drops the connection without an answer (the server's abortive close).
pub(super) async fn reset(ctx: &Ctx) -> Response {
    let mut r = StatusCode::BAD_GATEWAY.into_response();
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    ctx.reset_or(r).await
}

/// A read's answer under its verdict.
async fn answer_read(ctx: &Ctx, verdict: Verdict, status: StatusCode, body: Value) -> Response {
    match verdict {
        Verdict::Reset { .. } => reset(ctx).await,
        Verdict::Malformed => malformed_json(serde_json::to_vec(&body).unwrap_or_default()),
        _ => json_response(status, &body),
    }
}

fn unprocessable(message: String) -> (StatusCode, Value) {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({ "detail": message }),
    )
}

/// The API root: what a generic connection test reaches (`api_endpoint` itself).
async fn root(State(s): State<Arc<Shared>>, ctx: Ctx) -> Response {
    match gate(&s, &ctx, "GET /").await {
        Ok(verdict) => {
            answer_read(&ctx, verdict, StatusCode::OK, json!({"service": "yiding"})).await
        }
        Err((r, _)) => r,
    }
}

async fn list(State(s): State<Arc<Shared>>, ctx: Ctx, Query(q): Query<Q>) -> Response {
    let verdict = match gate(&s, &ctx, "GET /list").await {
        Ok(v) => v,
        Err((r, _)) => return r,
    };
    let (status, body) = list_page(&s, &q);
    answer_read(&ctx, verdict, status, body).await
}

fn list_page(s: &Shared, q: &Q) -> (StatusCode, Value) {
    let max = s.config.max_limit;
    let number = |key: &str, default: u32| match q.get(key) {
        None => Some(default),
        Some(t) => t.trim().parse::<u32>().ok().filter(|n| *n >= 1),
    };
    let Some(limit) = number("limit", 100.min(max)).filter(|l| *l <= max) else {
        return unprocessable(format!("limit must be a whole number from 1 to {max}"));
    };
    let Some(page) = number("page", 1) else {
        return unprocessable("page must be a whole number from 1".into());
    };
    {
        let mut stats = lock(&s.stats);
        stats.max_limit_asked = stats.max_limit_asked.max(limit);
    }
    let book = read(&s.book);
    let mut times = [None, None, None];
    for (slot, key) in times
        .iter_mut()
        .zip(["updated_since", "date_from", "date_to"])
    {
        if let Some(text) = q.get(key) {
            match book.parse_local(text.trim()) {
                Some(t) => *slot = Some(t),
                None => return unprocessable(format!("{key} is not an ISO date-time: {text}")),
            }
        }
    }
    let [since, from, to] = times;
    let wanted = q.get("status").map(|t| t.trim().to_owned());
    if let Some(w) = wanted.as_deref().filter(|w| !STATUSES.contains(w)) {
        return unprocessable(format!(
            "status `{w}` is not one of {}",
            STATUSES.join(", ")
        ));
    }
    let other_store = q.get("store_id").is_some_and(|id| *id != s.config.store_id);
    let matching: Vec<usize> = book
        .changed_since(since)
        .filter(|_| !other_store)
        .filter(|&i| {
            let r = &book.rows[i];
            wanted.as_deref().is_none_or(|w| r.status == w)
                && from.is_none_or(|f| r.date >= f)
                && to.is_none_or(|t| r.date <= t)
        })
        .collect();
    let skip = (page as usize - 1).saturating_mul(limit as usize);
    let data: Vec<Value> = matching
        .iter()
        .skip(skip)
        .take(limit as usize)
        .map(|&i| book.render(&book.rows[i], &s.config.store_id))
        .collect();
    let body = json!({"total": matching.len(), "page": page, "limit": limit, "data": data});
    (StatusCode::OK, body)
}

async fn one(State(s): State<Arc<Shared>>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let verdict = match gate(&s, &ctx, "GET /{reservation_id}").await {
        Ok(v) => v,
        Err((r, _)) => return r,
    };
    let (status, body) = {
        let book = read(&s.book);
        match book.index(&id) {
            Some(i) => (
                StatusCode::OK,
                book.render(&book.rows[i], &s.config.store_id),
            ),
            None => (
                StatusCode::NOT_FOUND,
                json!({"detail": format!("Reservation {id} not found")}),
            ),
        }
    };
    answer_read(&ctx, verdict, status, body).await
}

async fn stats(State(s): State<Arc<Shared>>) -> Response {
    json_response(StatusCode::OK, &json!(lock(&s.stats).clone()))
}

async fn outage(State(s): State<Arc<Shared>>, body: axum::body::Bytes) -> Response {
    let on = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["on"].as_bool())
        .unwrap_or(true);
    s.outage.store(on, Ordering::SeqCst);
    json_response(StatusCode::OK, &json!({ "outage": on }))
}
