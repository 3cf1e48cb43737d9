//! The HTTP surface: login, the data routes (through the gate in `gate.rs`) and the
//! `/_sim/` hooks.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::DateTime;
use serde_json::{json, Value};

use super::data::{render_inventory, render_status, timestamp, wall_ms, Data, Kind};
use super::error::ApiError;
use super::faults::FaultSpec;
use super::gate::{count_request, read_route, write_route, Ctx, WriteKind};
use super::writes::{self, parse_body, Reply};
use super::{lock, Shared};

type S = State<Arc<Shared>>;
type Params = Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/auth/login", post(login))
        .route("/customers", get(list_customers).post(create_customer))
        .route("/customers/{id}", get(get_customer).put(update_customer))
        .route("/products", get(list_products))
        .route("/products/{id}", get(get_product))
        .route("/products/{id}/inventory", get(get_inventory))
        .route("/orders", get(list_orders).post(create_order))
        .route("/orders/{id}", get(get_order))
        .route("/orders/{id}/status", get(get_status).put(put_status))
        .route("/_sim/stats", get(sim_stats))
        .route("/_sim/touch", post(sim_touch))
        .route("/_sim/faults", post(sim_faults))
        .route("/_sim/expire_tokens", post(sim_expire_tokens))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route") })
        .with_state(shared)
}

async fn health(State(s): S) -> Response {
    count_request(&s, "GET /health");
    axum::Json(json!({"status": "ok"})).into_response()
}

async fn login(State(s): S, body: Bytes) -> Response {
    count_request(&s, "POST /auth/login");
    let map = match parse_body(&body) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let field = |f: &str| map.get(f).and_then(Value::as_str).unwrap_or_default();
    if field("username") != s.username || field("password") != s.password {
        lock(&s.stats).failed_logins += 1;
        return ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "wrong username or password",
        )
        .into_response();
    }
    let token = uuid::Uuid::now_v7().simple().to_string();
    let ttl_ms = i64::try_from(s.token_ttl.as_millis()).unwrap_or(i64::MAX);
    let expires = wall_ms().saturating_add(ttl_ms);
    {
        let mut tokens = lock(&s.tokens);
        if tokens.len() > 100_000 {
            let now = wall_ms();
            tokens.retain(|_, t| *t > now);
        }
        tokens.insert(token.clone(), expires);
    }
    lock(&s.stats).logins += 1;
    axum::Json(json!({"token": token, "expiresAt": timestamp(expires)})).into_response()
}

fn param(
    params: &HashMap<String, String>,
    name: &str,
    default: usize,
    max: usize,
) -> Result<usize, ApiError> {
    let Some(text) = params.get(name) else {
        return Ok(default);
    };
    match text.parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) && text.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(ApiError::bad_param(format!(
            "{name} must be a whole number from 1 to {max}, not {text:?}"
        ))),
    }
}

/// RFC 3339 → the first millisecond at or after it (so `>=` stays exact).
fn since_ms(text: &str) -> Result<i64, ApiError> {
    let parsed = DateTime::parse_from_rfc3339(text)
        .or_else(|e| DateTime::parse_from_rfc3339(&text.replace(' ', "+")).map_err(|_| e));
    let t = parsed
        .map_err(|e| ApiError::bad_param(format!("updated_since {text:?} is not RFC 3339: {e}")))?;
    let partial = t.timestamp_subsec_nanos() % 1_000_000 != 0;
    Ok(t.timestamp_millis() + i64::from(partial))
}

fn list_reply(data: &Data, kind: Kind, params: &HashMap<String, String>) -> Reply {
    let page = param(params, "page", 1, usize::MAX)?;
    let limit = param(params, "limit", 100, 1000)?;
    let since = match params.get("updated_since") {
        Some(t) => since_ms(t)?,
        None => i64::MIN,
    };
    let offset = (page - 1).saturating_mul(limit);
    let p = data.page(kind, since, offset, limit);
    let items: Vec<Value> = p
        .numbers
        .iter()
        .filter_map(|n| data.render(kind, *n))
        .collect();
    let has_more = offset.saturating_add(items.len()) < p.total;
    let mut body = json!({"page": page, "limit": limit, "total": p.total, "hasMore": has_more});
    if let Some(map) = body.as_object_mut() {
        map.insert(kind.plural().to_owned(), Value::Array(items));
    }
    Ok((StatusCode::OK, body))
}

async fn list(s: &Shared, ctx: &Ctx, kind: Kind, params: Params) -> Response {
    let route = format!("GET /{}", kind.plural());
    read_route(s, ctx, &route, |data| {
        let Query(params) = params.map_err(|e| ApiError::bad_param(e.body_text()))?;
        list_reply(data, kind, &params)
    })
    .await
}

async fn list_customers(State(s): S, ctx: Ctx, q: Params) -> Response {
    list(&s, &ctx, Kind::Customers, q).await
}

async fn list_products(State(s): S, ctx: Ctx, q: Params) -> Response {
    list(&s, &ctx, Kind::Products, q).await
}

async fn list_orders(State(s): S, ctx: Ctx, q: Params) -> Response {
    list(&s, &ctx, Kind::Orders, q).await
}

async fn one(s: &Shared, ctx: &Ctx, kind: Kind, id: &str) -> Response {
    let route = format!("GET /{}/{{id}}", kind.plural());
    read_route(s, ctx, &route, |data| {
        let v = kind.parse_id(id).and_then(|n| data.render(kind, n));
        let v = v.ok_or_else(|| ApiError::not_found(kind.singular(), id))?;
        Ok((StatusCode::OK, json!({ kind.singular(): v })))
    })
    .await
}

async fn get_customer(State(s): S, ctx: Ctx, Path(id): Path<String>) -> Response {
    one(&s, &ctx, Kind::Customers, &id).await
}

async fn get_product(State(s): S, ctx: Ctx, Path(id): Path<String>) -> Response {
    one(&s, &ctx, Kind::Products, &id).await
}

async fn get_order(State(s): S, ctx: Ctx, Path(id): Path<String>) -> Response {
    one(&s, &ctx, Kind::Orders, &id).await
}

async fn get_inventory(State(s): S, ctx: Ctx, Path(id): Path<String>) -> Response {
    read_route(&s, &ctx, "GET /products/{id}/inventory", |data| {
        let p = Kind::Products.parse_id(&id).and_then(|n| data.product(n));
        let (p, _) = p.ok_or_else(|| ApiError::not_found("product", &id))?;
        Ok((StatusCode::OK, json!({"inventory": render_inventory(&p)})))
    })
    .await
}

async fn get_status(State(s): S, ctx: Ctx, Path(id): Path<String>) -> Response {
    read_route(&s, &ctx, "GET /orders/{id}/status", |data| {
        let o = Kind::Orders.parse_id(&id).and_then(|n| data.order(n));
        let (o, slot) = o.ok_or_else(|| ApiError::not_found("order", &id))?;
        Ok((
            StatusCode::OK,
            json!({"success": true, "data": render_status(&o, slot.updated_ms)}),
        ))
    })
    .await
}

async fn create_customer(State(s): S, ctx: Ctx, body: Bytes) -> Response {
    let w = WriteKind {
        scope: "customers.create",
        count: |w| w.customers_created += 1,
        log: None,
    };
    write_route(&s, &ctx, "POST /customers", w, |data| {
        writes::create_customer(data, &parse_body(&body)?)
    })
    .await
}

async fn update_customer(State(s): S, ctx: Ctx, Path(id): Path<String>, body: Bytes) -> Response {
    let w = WriteKind {
        scope: "customers.update",
        count: |w| w.customers_updated += 1,
        log: None,
    };
    write_route(&s, &ctx, "PUT /customers/{id}", w, |data| {
        writes::update_customer(data, &id, &parse_body(&body)?)
    })
    .await
}

async fn create_order(State(s): S, ctx: Ctx, body: Bytes) -> Response {
    let w = WriteKind {
        scope: "orders.create",
        count: |w| w.orders_created += 1,
        log: None,
    };
    write_route(&s, &ctx, "POST /orders", w, |data| {
        writes::create_order(data, &parse_body(&body)?)
    })
    .await
}

async fn put_status(State(s): S, ctx: Ctx, Path(id): Path<String>, body: Bytes) -> Response {
    let parsed = parse_body(&body);
    let asked = parsed
        .as_ref()
        .ok()
        .and_then(|m| m.get("status"))
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        .unwrap_or_default();
    let w = WriteKind {
        scope: "orders.status",
        count: |w| w.order_status_updates += 1,
        log: Some((id.clone(), asked)),
    };
    write_route(&s, &ctx, "PUT /orders/{id}/status", w, |data| {
        writes::set_status(data, &id, &parsed?)
    })
    .await
}

async fn sim_stats(State(s): S) -> Response {
    let stats = lock(&s.stats).clone();
    axum::Json(stats).into_response()
}

async fn sim_touch(State(s): S, body: Bytes) -> Response {
    let map = match parse_body(&body) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or_default();
    let ids: Vec<String> = map
        .get("ids")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    match s.touch(kind, &ids) {
        Some(n) => axum::Json(json!({"touched": n})).into_response(),
        None => ApiError::bad_param(format!(
            "kind {kind:?} is not customers, products or orders"
        ))
        .into_response(),
    }
}

async fn sim_faults(State(s): S, body: Bytes) -> Response {
    let map = match parse_body(&body) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let text = map.get("spec").and_then(Value::as_str).unwrap_or_default();
    match FaultSpec::parse(text) {
        Ok(spec) => {
            let printed = spec.to_string();
            lock(&s.faults).replace(spec);
            axum::Json(json!({"faults": printed})).into_response()
        }
        Err(e) => ApiError::bad_param(e).into_response(),
    }
}

async fn sim_expire_tokens(State(s): S) -> Response {
    axum::Json(json!({"expired": s.expire_tokens()})).into_response()
}
