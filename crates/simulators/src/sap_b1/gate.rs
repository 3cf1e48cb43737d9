//! Between the socket and the data: the session cookie (sliding timeout) and the faults.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::render::{error, invalid_session, json_response, wire_text, SapError};
use super::Shared;
use crate::erp::data::wall_ms;
use crate::erp::error::malformed_json;
use crate::erp::faults::{draw, Verdict, TIMEOUT_HOLD};
use crate::erp::lock;
use crate::server::ConnKill;

pub(crate) fn count_request(s: &Shared, route: &str) {
    *lock(&s.stats).requests.entry(route.to_owned()).or_default() += 1;
}

fn count_fault(s: &Shared, kind: &str) {
    *lock(&s.stats).faults.entry(kind.to_owned()).or_default() += 1;
}

/// The `B1SESSION` cookie's value.
pub(crate) fn session_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("B1SESSION=").map(str::to_owned))
}

/// The session, then the faults. `Ok` lets the request through, possibly to be answered
/// malformed or reset.
pub(crate) async fn gate(
    s: &Shared,
    headers: &HeaderMap,
    route: &str,
) -> Result<Verdict, Response> {
    count_request(s, route);
    let id = session_id(headers);
    let timeout_ms = i64::try_from(s.session_timeout.as_millis()).unwrap_or(i64::MAX);
    let alive = id.as_ref().is_some_and(|id| {
        let mut sessions = lock(&s.sessions);
        match sessions.get_mut(id) {
            Some(last) if *last != i64::MIN && last.saturating_add(timeout_ms) > wall_ms() => {
                // Sliding: every call in the session restarts its timeout.
                *last = wall_ms();
                true
            }
            _ => false,
        }
    });
    if !alive {
        lock(&s.stats).rejected_sessions += 1;
        return Err(invalid_session());
    }
    let verdict = draw(&s.faults, |kind| count_fault(s, kind)).await;
    if verdict.kind().is_none() {
        return Ok(verdict);
    }
    match verdict {
        Verdict::ExpireToken => {
            if let Some(id) = id {
                if let Some(last) = lock(&s.sessions).get_mut(&id) {
                    *last = i64::MIN;
                }
            }
            Err(invalid_session())
        }
        Verdict::Burst => Err(error(
            StatusCode::SERVICE_UNAVAILABLE,
            -1,
            "Service Unavailable",
        )),
        Verdict::RateLimited => {
            let mut r = error(StatusCode::TOO_MANY_REQUESTS, -1, "Too Many Requests");
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            Err(r)
        }
        Verdict::ServerError(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Err(error(status, -1, "Internal Server Error"))
        }
        Verdict::Timeout => {
            tokio::time::sleep(TIMEOUT_HOLD).await;
            Err(error(StatusCode::GATEWAY_TIMEOUT, -1, "Gateway Timeout"))
        }
        Verdict::Pass | Verdict::Malformed | Verdict::Reset { .. } => Ok(verdict),
    }
}

/// 200 with the first half of the body: never valid JSON.
pub(crate) fn malformed(body: &Value) -> Response {
    malformed_json(wire_text(body).into_bytes())
}

/// Drops the connection without answering.
pub(crate) async fn reset(kill: Option<&ConnKill>) -> Response {
    if let Some(kill) = kill {
        kill.reset();
        std::future::pending::<()>().await;
    }
    let mut r = StatusCode::BAD_GATEWAY.into_response();
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}

/// Extra headers of an answer.
pub(crate) type Headers = Vec<(&'static str, String)>;

/// A read's answer after the gate let it through.
pub(crate) async fn answer_read(
    verdict: Verdict,
    kill: Option<&ConnKill>,
    reply: Result<(Value, Headers), SapError>,
) -> Response {
    if let Verdict::Reset { .. } = verdict {
        return reset(kill).await;
    }
    match reply {
        Ok((body, _)) if verdict == Verdict::Malformed => malformed(&body),
        Ok((body, headers)) => {
            let mut r = json_response(StatusCode::OK, &body);
            for (name, value) in headers {
                if let Ok(v) = HeaderValue::from_str(&value) {
                    r.headers_mut().insert(name, v);
                }
            }
            r
        }
        Err(e) => e.into_response(),
    }
}
