//! The HTTP surface: the token endpoint, the token check and the injected faults in front
//! of the data calls, and the reply envelope.

use std::sync::Arc;

use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Map, Value};

use super::answers::{self, Refusal};
use super::catalogue::unquote_numbers;
use super::Shared;
use crate::erp::data::wall_ms;
use crate::erp::error::malformed_json;
use crate::erp::faults::{draw, Verdict, TIMEOUT_HOLD};
use crate::erp::lock;
use crate::server::ConnKill;

pub(crate) const PRODUCTS: &str = "/yilihuo/jsh-service-goods-mall-search/api/product-info/procurable-products-out/check-procurable-products";
pub(crate) const PRICES: &str =
    "/yilihuo/jsh-service-goods-price/api/goods-price/price-daily-sales/price-query/pt-out-list-price";
pub(crate) const STOCK: &str =
    "/yilihuo/jsh-service-stock-mall/api/page/stock/get-available-stock-open";
pub(crate) const LOGISTICS: &str = "/yilihuo/ylh-cloud-service-stock/api/page/stock/logistics/sass/get-thirdparty-logistics-info-by-order-code-auth";
const BODY_LIMIT: usize = 1 << 20;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(handle).with_state(shared)
}

/// A JSON body, with `#num#` strings written as bare numbers.
fn reply(status: StatusCode, body: &Value) -> Response {
    let text = unquote_numbers(&body.to_string());
    let mut r = (status, text).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    r
}

fn failure(status: StatusCode, code: &str, message: &str) -> Response {
    reply(
        status,
        &json!({"success": false, "code": code, "message": message, "data": null}),
    )
}

fn count(s: &Shared, route: &str) {
    *lock(&s.stats).requests.entry(route.to_owned()).or_default() += 1;
}

fn count_fault(s: &Shared, kind: &str) {
    *lock(&s.stats).faults.entry(kind.to_owned()).or_default() += 1;
}

async fn handle(State(s): State<Arc<Shared>>, request: Request) -> Response {
    let kill = request.extensions().get::<ConnKill>().cloned();
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    if parts.method != Method::POST {
        return failure(
            StatusCode::METHOD_NOT_ALLOWED,
            "405",
            "请求方式不支持，请使用POST",
        );
    }
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return failure(StatusCode::PAYLOAD_TOO_LARGE, "413", "请求体过大");
    };
    if path == "/oauth2/auth" || path == "/oauth2/token" {
        count(&s, "token");
        return token(&s, &bytes);
    }
    let c = &s.config;
    let route = match path.as_str() {
        PRODUCTS => "products",
        PRICES => "prices",
        STOCK => "stock",
        LOGISTICS => "logistics",
        p if c.category_path.as_deref() == Some(p) => "categories",
        p if c.brand_path.as_deref() == Some(p) => "brands",
        _ => return failure(StatusCode::NOT_FOUND, "404", "接口不存在"),
    };
    count(&s, route);
    let verdict = match gate(&s, &parts.headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    if let Verdict::Reset { .. } = verdict {
        return reset(kill).await;
    }
    let answer = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(body)) => data(&s, route, &body),
        _ => Err(("400", "请求报文须为JSON对象".to_owned())),
    };
    let (status, body) = match answer {
        Ok(data) => (
            StatusCode::OK,
            json!({"success": true, "code": "200", "message": "操作成功", "data": data}),
        ),
        Err((code, message)) => {
            *lock(&s.stats).refusals.entry(code.to_owned()).or_default() += 1;
            (
                StatusCode::OK,
                json!({"success": false, "code": code, "message": message, "data": null}),
            )
        }
    };
    if verdict == Verdict::Malformed {
        return malformed_json(unquote_numbers(&body.to_string()).into_bytes());
    }
    reply(status, &body)
}

fn data(s: &Shared, route: &str, body: &Map<String, Value>) -> Result<Value, Refusal> {
    match route {
        "products" => answers::products(s, body),
        "prices" => answers::prices(s, body),
        "stock" => answers::stock(s, body),
        "logistics" => answers::logistics(s, body),
        "brands" => answers::lookup(s, body, true),
        _ => answers::lookup(s, body, false),
    }
}

/// OAuth2 client credentials with a JSON body; refusals in the OAuth2 error shape.
fn token(s: &Shared, body: &[u8]) -> Response {
    let c = &s.config;
    let refused = |status: StatusCode, error: &str, description: &str| {
        lock(&s.stats).failed_token_requests += 1;
        reply(
            status,
            &json!({"error": error, "error_description": description}),
        )
    };
    let Ok(Value::Object(v)) = serde_json::from_slice::<Value>(body) else {
        return refused(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "request body must be JSON",
        );
    };
    let field = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default();
    if field("grant_type") != "client_credentials" {
        return refused(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Unsupported grant type",
        );
    }
    if field("client_id") != c.client_id || field("client_secret") != c.client_secret {
        return refused(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Bad client credentials",
        );
    }
    let token = uuid::Uuid::now_v7().simple().to_string();
    let ttl_ms = i64::try_from(c.token_ttl.as_millis()).unwrap_or(i64::MAX);
    {
        let mut tokens = lock(&s.tokens);
        let now = wall_ms();
        if tokens.len() > 10_000 {
            tokens.retain(|_, t| *t > now);
        }
        tokens.insert(token.clone(), now.saturating_add(ttl_ms));
    }
    lock(&s.stats).tokens_issued += 1;
    reply(
        StatusCode::OK,
        &json!({"access_token": token, "token_type": "bearer",
            "expires_in": c.token_ttl.as_secs(), "scope": "all"}),
    )
}

fn token_invalid(s: &Shared) -> Response {
    lock(&s.stats).rejected_tokens += 1;
    failure(
        StatusCode::UNAUTHORIZED,
        "401",
        "token无效或已过期，请重新获取",
    )
}

/// The token (Bearer or bare), then the faults. `Err` is the answer instead of the data.
async fn gate(s: &Shared, headers: &HeaderMap) -> Result<Verdict, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .map(|h| h.trim())
        .map(|h| h.strip_prefix("Bearer ").unwrap_or(h).trim().to_owned())
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return Err(token_invalid(s));
    };
    let live = lock(&s.tokens)
        .get(&token)
        .is_some_and(|until| *until > wall_ms());
    if !live {
        return Err(token_invalid(s));
    }
    let verdict = draw(&s.faults, |kind| count_fault(s, kind)).await;
    let status = |code: u16| StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY);
    match verdict {
        Verdict::ExpireToken => {
            if let Some(until) = lock(&s.tokens).get_mut(&token) {
                *until = i64::MIN;
            }
            Err(token_invalid(s))
        }
        Verdict::RateLimited => {
            let mut r = failure(
                StatusCode::TOO_MANY_REQUESTS,
                "429",
                "请求过于频繁，请稍后再试",
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            Err(r)
        }
        Verdict::Burst => Err(failure(status(503), "500", "系统繁忙，请稍后再试")),
        Verdict::ServerError(code) => Err(failure(status(code), "500", "系统繁忙，请稍后再试")),
        Verdict::Timeout => {
            tokio::time::sleep(TIMEOUT_HOLD).await;
            Err(failure(StatusCode::GATEWAY_TIMEOUT, "504", "网关超时"))
        }
        Verdict::Pass | Verdict::Malformed | Verdict::Reset { .. } => Ok(verdict),
    }
}

/// Drops the connection without an answer (TCP RST).
async fn reset(kill: Option<ConnKill>) -> Response {
    if let Some(kill) = kill {
        kill.reset();
        std::future::pending::<()>().await;
    }
    let mut r = StatusCode::BAD_GATEWAY.into_response();
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}
