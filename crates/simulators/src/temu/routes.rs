//! `POST /openapi/router`: the checks every call passes (see the module doc for their
//! order), the injected faults, then the call itself (`calls.rs`).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Map, Value};

use super::{calls, now_secs, wire, Shared};
use crate::erp::faults::{draw, Verdict, TIMEOUT_HOLD};
use crate::erp::lock;
use crate::server::Ctx;

pub(crate) const OK: i64 = 1_000_000;
pub(crate) const BAD_SIGN: i64 = 3_000_001;
pub(crate) const TYPE_UNKNOWN: i64 = 3_000_003;
pub(crate) const TIMESTAMP_INVALID: i64 = 3_000_011;
pub(crate) const TIMESTAMP_EXPIRED: i64 = 3_000_012;
pub(crate) const TOKEN_UNKNOWN: i64 = 3_000_031;
pub(crate) const TOKEN_EXPIRED: i64 = 3_000_034;
pub(crate) const APP_UNKNOWN: i64 = 4_000_000;
pub(crate) const RATE_LIMITED: i64 = 4_000_004;
pub(crate) const IP_NOT_ALLOWED: i64 = 5_000_003;
pub(crate) const INVALID_PARAMETERS: i64 = 150_010_003;
pub(crate) const ORDER_NOT_FOUND: i64 = 140_020_002;
/// How far a `timestamp` may be from the server's clock.
pub(crate) const TIMESTAMP_WINDOW: i64 = 300;

/// A call's outcome: its result, or Temu's error code and message.
pub(crate) type Outcome = Result<Value, (i64, String)>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/openapi/router", post(route))
        .with_state(shared)
}

fn request_id() -> String {
    format!("us-{}", uuid::Uuid::now_v7())
}

fn envelope(outcome: &Outcome) -> Value {
    match outcome {
        Ok(result) => json!({"success": true, "errorCode": OK, "errorMsg": "",
            "requestId": request_id(), "result": result}),
        Err((code, msg)) => json!({"success": false, "errorCode": code, "errorMsg": msg,
            "requestId": request_id(), "result": null}),
    }
}

fn json_response(body: Vec<u8>) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    r
}

/// Answers an outcome, counting a refusal by its code.
fn answer(s: &Shared, outcome: Outcome) -> Response {
    if let Err((code, _)) = &outcome {
        *lock(&s.stats).refused.entry(code.to_string()).or_default() += 1;
    }
    json_response(serde_json::to_vec(&envelope(&outcome)).unwrap_or_default())
}

fn gateway(status: StatusCode) -> Response {
    let body = format!("<html><body><h1>{status}</h1></body></html>");
    let mut r = (status, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    r
}

/// Takes one call from the app key's bucket (20 a second, refilled continuously).
fn admit(s: &Shared) -> bool {
    let capacity = u64::from(s.config.qps.max(1)) * 1_000_000;
    let mut bucket = lock(&s.bucket);
    let now = Instant::now();
    let elapsed = u64::try_from(now.duration_since(bucket.at).as_micros()).unwrap_or(u64::MAX);
    let refill = elapsed.saturating_mul(u64::from(s.config.qps.max(1)));
    bucket.micro_tokens = bucket.micro_tokens.saturating_add(refill).min(capacity);
    bucket.at = now;
    if bucket.micro_tokens >= 1_000_000 {
        bucket.micro_tokens -= 1_000_000;
        true
    } else {
        false
    }
}

/// The checks before any call runs; the refusal if one fails.
fn gate(s: &Shared, members: &[(String, String)]) -> Result<(), (i64, String)> {
    let get = |k: &str| {
        members
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    };
    let c = &s.config;
    if get("app_key") != Some(c.app_key.as_str()) {
        return Err((
            APP_UNKNOWN,
            "The application information query is abnormal".into(),
        ));
    }
    if !admit(s) {
        lock(&s.stats).rate_limited += 1;
        return Err((RATE_LIMITED, "RATE_LIMIT_EXCEED_EXCEPTION".into()));
    }
    if get("sign") != Some(wire::sign(members, &c.app_secret).as_str()) {
        return Err((BAD_SIGN, "sign is invalid".into()));
    }
    let Some(ts) = get("timestamp").and_then(|t| t.trim().parse::<i64>().ok()) else {
        return Err((TIMESTAMP_INVALID, "timestamp is invalid".into()));
    };
    if (now_secs() - ts).abs() > TIMESTAMP_WINDOW {
        return Err((TIMESTAMP_EXPIRED, "timestamp is expired".into()));
    }
    if *lock(&s.ip_refused) {
        return Err((IP_NOT_ALLOWED, "ip is not in the white list".into()));
    }
    if get("access_token") != Some(c.access_token.as_str()) {
        return Err((TOKEN_UNKNOWN, "access_token is not exist".into()));
    }
    if *lock(&s.token_expired) {
        return Err((TOKEN_EXPIRED, "access_token is expired".into()));
    }
    Ok(())
}

/// A forced error, if one is waiting.
fn forced(s: &Shared) -> Option<(i64, String)> {
    let mut forced = lock(&s.forced);
    let (code, message, left) = forced.as_mut()?;
    let out = (*code, message.clone());
    *left = left.saturating_sub(1);
    if *left == 0 {
        *forced = None;
    }
    Some(out)
}

async fn route(State(s): State<Arc<Shared>>, ctx: Ctx, body: Bytes) -> Response {
    let text = std::str::from_utf8(&body).unwrap_or_default();
    let Some(members) = wire::members(text) else {
        return answer(
            &s,
            Err((INVALID_PARAMETERS, "Invalid Request Parameters".into())),
        );
    };
    let api_type = members
        .iter()
        .find(|(k, _)| k == "type")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    *lock(&s.stats).requests.entry(api_type.clone()).or_default() += 1;
    if let Err(refusal) = gate(&s, &members) {
        return answer(&s, Err(refusal));
    }
    let verdict = draw(&s.faults, |kind| {
        *lock(&s.stats).faults.entry(kind.to_owned()).or_default() += 1;
    })
    .await;
    match verdict {
        Verdict::ExpireToken => {
            *lock(&s.token_expired) = true;
            return answer(&s, Err((TOKEN_EXPIRED, "access_token is expired".into())));
        }
        Verdict::RateLimited => {
            return answer(
                &s,
                Err((RATE_LIMITED, "RATE_LIMIT_EXCEED_EXCEPTION".into())),
            )
        }
        Verdict::Burst => return gateway(StatusCode::SERVICE_UNAVAILABLE),
        Verdict::ServerError(code) => {
            return gateway(StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY))
        }
        Verdict::Timeout => {
            tokio::time::sleep(TIMEOUT_HOLD).await;
            return gateway(StatusCode::GATEWAY_TIMEOUT);
        }
        Verdict::Reset { .. } => return ctx.reset_or(gateway(StatusCode::BAD_GATEWAY)).await,
        Verdict::Pass | Verdict::Malformed => {}
    }
    if let Some(refusal) = forced(&s) {
        return answer(&s, Err(refusal));
    }
    let params: Map<String, Value> = serde_json::from_str(text).unwrap_or_default();
    let outcome = calls::dispatch(&s, &api_type, &params);
    if verdict == Verdict::Malformed {
        let mut bytes = serde_json::to_vec(&envelope(&outcome)).unwrap_or_default();
        bytes.truncate(bytes.len() / 2);
        return json_response(bytes);
    }
    answer(&s, outcome)
}
