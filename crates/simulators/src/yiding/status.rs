//! `PUT /{reservation_id}/status`: seed 002's status change, applied once per
//! `Idempotency-Key`, every attempt logged with its outcome (see the module doc).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use super::data::{can_become, STATUSES};
use super::routes::{gate, reset, Ctx, Q};
use super::{Shared, StatusUpdate};
use crate::erp::error::{json_response, malformed_json};
use crate::erp::faults::Verdict;
use crate::erp::{lock, write};

/// Applies one status change: (HTTP status, body, outcome for the log).
fn apply_status(s: &Shared, id: &str, q: &Q) -> (StatusCode, Value, &'static str) {
    let fail = |status: StatusCode, outcome: &'static str, message: String| {
        (status, json!({ "detail": message }), outcome)
    };
    let wanted = q.get("status").map(|t| t.trim()).unwrap_or_default();
    if !STATUSES.contains(&wanted) {
        let message = format!("status `{wanted}` is not one of {}", STATUSES.join(", "));
        return fail(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_error",
            message,
        );
    }
    let table = q
        .get("table_number")
        .map(|t| t.trim())
        .filter(|t| !t.is_empty());
    if wanted == "seated" && table.is_none() {
        let message = "table_number is required when status=seated".to_owned();
        return fail(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_error",
            message,
        );
    }
    let mut book = write(&s.book);
    let arrival = match q.get("arrival_time").map(|t| t.trim()) {
        Some(text) => match book.parse_local(text) {
            Some(t) => Some(t),
            None => {
                let message = format!("arrival_time is not an ISO date-time: {text}");
                return fail(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_error",
                    message,
                );
            }
        },
        None => None,
    };
    let Some(i) = book.index(id) else {
        let message = format!("Reservation {id} not found");
        return fail(StatusCode::NOT_FOUND, "not_found", message);
    };
    let current = book.rows[i].status.clone();
    if current == wanted {
        return (
            StatusCode::OK,
            book.render(&book.rows[i], &s.config.store_id),
            "unchanged",
        );
    }
    if !can_become(&current, wanted) {
        let message = format!("a reservation cannot go from {current} to {wanted}");
        return fail(StatusCode::CONFLICT, "invalid_transition", message);
    }
    let now = chrono::Utc::now().timestamp();
    let row = &mut book.rows[i];
    row.status = wanted.to_owned();
    if wanted == "arrived" {
        row.arrival = Some(arrival.unwrap_or(now));
    }
    if let Some(t) = table {
        row.table_number = Some(t.to_owned());
    }
    book.bump(i, now);
    (
        StatusCode::OK,
        book.render(&book.rows[i], &s.config.store_id),
        "applied",
    )
}

pub(super) async fn status(
    State(s): State<Arc<Shared>>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<Q>,
) -> Response {
    let key = ctx.header("idempotency-key");
    let log = |outcome: &str, reset: bool| {
        lock(&s.stats).status_log.push(StatusUpdate {
            reservation_id: id.clone(),
            status: q.get("status").cloned().unwrap_or_default(),
            idempotency_key: key.clone(),
            outcome: outcome.to_owned(),
            reset,
        });
    };
    let verdict = match gate(&s, &ctx, "PUT /{reservation_id}/status").await {
        Ok(v) => v,
        Err((r, reason)) => {
            log(&reason, false);
            return r;
        }
    };
    match verdict {
        Verdict::Malformed => {
            log("fault:malformed", false);
            return malformed_json(b"{\"reservation_id\":\"x\"}".to_vec());
        }
        Verdict::Reset { apply: false } => {
            log("fault:reset", true);
            return reset(&ctx).await;
        }
        _ => {}
    }
    let (code, body, outcome) = {
        let mut replies = lock(&s.replies);
        match key.as_ref().and_then(|k| replies.get(k)) {
            Some((code, body)) => (*code, body.clone(), "replayed"),
            None => {
                let (code, body, outcome) = apply_status(&s, &id, &q);
                if let (Some(k), true) = (&key, code.is_success()) {
                    replies.insert(k.clone(), (code, body.clone()));
                }
                (code, body, outcome)
            }
        }
    };
    {
        let mut stats = lock(&s.stats);
        match outcome {
            "applied" => stats.status_updates_applied += 1,
            "replayed" => stats.idempotent_replays += 1,
            _ => {}
        }
    }
    let reset_after = matches!(verdict, Verdict::Reset { apply: true });
    log(outcome, reset_after);
    if reset_after {
        return reset(&ctx).await;
    }
    let mut r = json_response(code, &body);
    if outcome == "replayed" {
        r.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    r
}
