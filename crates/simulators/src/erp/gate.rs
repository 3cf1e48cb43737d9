//! Between the socket and the data: authentication, the injected faults, and the
//! bookkeeping of writes (`Idempotency-Key`, stats, the status-update log).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::data::{wall_ms, Data};
use super::error::{json_response, malformed_json, ApiError};
use super::faults::{draw, Verdict, TIMEOUT_HOLD};
use super::writes::Reply;
use super::{lock, read, write, Shared, StatusUpdate, WriteStats};
pub(crate) use crate::server::Ctx;

pub(crate) fn count_request(s: &Shared, route: &str) {
    *lock(&s.stats).requests.entry(route.to_owned()).or_default() += 1;
}

fn count_fault(s: &Shared, kind: &str) {
    *lock(&s.stats).faults.entry(kind.to_owned()).or_default() += 1;
}

/// Why a request was refused before reaching the data: the answer, and the reason for
/// the status-update log (`invalid_token`, `fault:429`...).
struct Refusal {
    response: Response,
    reason: String,
}

fn refuse(response: Response, reason: impl Into<String>) -> Refusal {
    Refusal {
        response,
        reason: reason.into(),
    }
}

/// Authentication, then the faults. `Ok` lets the request through, possibly to be answered
/// malformed or reset.
async fn gate(s: &Shared, ctx: &Ctx, route: &str) -> Result<Verdict, Refusal> {
    count_request(s, route);
    let token = ctx.header("authorization").and_then(|h| {
        h.strip_prefix("Bearer ")
            .or_else(|| h.strip_prefix("bearer "))
            .map(str::to_owned)
    });
    let expires = token.as_ref().and_then(|t| lock(&s.tokens).get(t).copied());
    let Some(expires) = expires else {
        lock(&s.stats).rejected_tokens += 1;
        let e = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "missing or unknown bearer token",
        );
        return Err(refuse(e.into_response(), "invalid_token"));
    };
    if expires <= wall_ms() {
        lock(&s.stats).rejected_tokens += 1;
        let e = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "token_expired",
            "the token has expired, log in again",
        );
        return Err(refuse(e.into_response(), "token_expired"));
    }
    let verdict = draw(&s.faults, |kind| count_fault(s, kind)).await;
    let Some(kind) = verdict.kind() else {
        return Ok(verdict);
    };
    let fault = |status: StatusCode, code: &'static str, message: &str| {
        refuse(
            ApiError::new(status, code, message).into_response(),
            format!("fault:{kind}"),
        )
    };
    match verdict {
        Verdict::ExpireToken => {
            if let Some(t) = token {
                if let Some(expires) = lock(&s.tokens).get_mut(&t) {
                    *expires = i64::MIN;
                }
            }
            Err(fault(
                StatusCode::UNAUTHORIZED,
                "token_expired",
                "the token has expired, log in again",
            ))
        }
        Verdict::Burst => Err(fault(
            StatusCode::SERVICE_UNAVAILABLE,
            "server_error",
            "service unavailable",
        )),
        Verdict::RateLimited => {
            let mut r = fault(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many requests",
            );
            r.response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            Err(r)
        }
        Verdict::ServerError(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Err(fault(status, "server_error", "internal error"))
        }
        Verdict::Timeout => {
            tokio::time::sleep(TIMEOUT_HOLD).await;
            Err(fault(
                StatusCode::GATEWAY_TIMEOUT,
                "timeout",
                "upstream timed out",
            ))
        }
        Verdict::Pass | Verdict::Malformed | Verdict::Reset { .. } => Ok(verdict),
    }
}

fn reply_response(reply: Reply) -> Response {
    match reply {
        Ok((status, body)) => json_response(status, &body),
        Err(e) => e.into_response(),
    }
}

/// 200 with the first half of the body.
fn malformed(body: &Value) -> Response {
    malformed_json(serde_json::to_vec(body).unwrap_or_default())
}

/// Drops the connection without answering (see the module doc).
async fn reset(ctx: &Ctx) -> Response {
    let mut r = StatusCode::BAD_GATEWAY.into_response();
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    ctx.reset_or(r).await
}

pub(crate) async fn read_route(
    s: &Shared,
    ctx: &Ctx,
    route: &str,
    f: impl FnOnce(&Data) -> Reply,
) -> Response {
    let verdict = match gate(s, ctx, route).await {
        Ok(v) => v,
        Err(r) => return r.response,
    };
    if let Verdict::Reset { .. } = verdict {
        return reset(ctx).await;
    }
    let reply = f(&read(&s.data));
    if verdict == Verdict::Malformed {
        let body = match &reply {
            Ok((_, body)) => body.clone(),
            Err(e) => e.body(),
        };
        return malformed(&body);
    }
    reply_response(reply)
}

/// A write's bookkeeping: its idempotency scope, which counter it bumps, and for status
/// updates what goes in the log.
pub(crate) struct WriteKind {
    pub scope: &'static str,
    pub count: fn(&mut WriteStats),
    pub log: Option<(String, String)>,
}

fn log_status(s: &Shared, w: &WriteKind, key: &Option<String>, outcome: &str, reset: bool) {
    if let Some((order_id, status)) = &w.log {
        lock(&s.stats).writes.order_status_log.push(StatusUpdate {
            order_id: order_id.clone(),
            status: status.clone(),
            idempotency_key: key.clone(),
            outcome: outcome.to_owned(),
            reset,
        });
    }
}

pub(crate) async fn write_route(
    s: &Shared,
    ctx: &Ctx,
    route: &str,
    w: WriteKind,
    f: impl FnOnce(&mut Data) -> Reply,
) -> Response {
    let key = ctx.header("idempotency-key");
    let verdict = match gate(s, ctx, route).await {
        Ok(v) => v,
        Err(r) => {
            log_status(s, &w, &key, &r.reason, false);
            return r.response;
        }
    };
    match verdict {
        Verdict::Malformed => {
            log_status(s, &w, &key, "fault:malformed", false);
            let mut r = (StatusCode::OK, "{\"success\":tr").into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            return r;
        }
        Verdict::Reset { apply: false } => {
            lock(&s.stats).writes.resets_not_applied += 1;
            log_status(s, &w, &key, "fault:reset", true);
            return reset(ctx).await;
        }
        _ => {}
    }
    let reset_after = matches!(verdict, Verdict::Reset { apply: true });
    let (status, body, outcome) = {
        let mut seen = lock(&s.idempotency);
        match key.as_ref().and_then(|k| seen.get(&(w.scope, k.clone()))) {
            Some((status, body)) => (*status, body.clone(), "replayed"),
            None => match f(&mut write(&s.data)) {
                Ok((status, body)) => {
                    if let Some(k) = &key {
                        seen.insert((w.scope, k.clone()), (status, body.clone()));
                    }
                    (status, body, "applied")
                }
                Err(e) => (e.status, e.body(), e.code),
            },
        }
    };
    {
        let mut stats = lock(&s.stats);
        match outcome {
            "applied" => (w.count)(&mut stats.writes),
            "replayed" => stats.writes.idempotent_replays += 1,
            _ => {}
        }
        // Did the write take effect before the connection was dropped?
        match (reset_after, outcome) {
            (true, "applied") => stats.writes.resets_applied += 1,
            (true, _) => stats.writes.resets_not_applied += 1,
            _ => {}
        }
    }
    log_status(s, &w, &key, outcome, reset_after);
    if reset_after {
        return reset(ctx).await;
    }
    let mut r = json_response(status, &body);
    if outcome == "replayed" {
        r.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    r
}
