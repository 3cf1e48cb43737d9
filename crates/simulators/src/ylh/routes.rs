//! The HTTP surface: the token endpoint, the business routes, and the gate in front of
//! them (outage, the per-second limit, the bearer token, injected faults).

use std::convert::Infallible;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use base64::Engine as _;
use serde_json::{json, Value};

use super::callback::decode_form;
use super::{orders, Shared};
use crate::erp::data::wall_ms;
use crate::erp::faults::{draw, Verdict, TIMEOUT_HOLD};
use crate::erp::lock;
use crate::server::ConnKill;

type S = State<Arc<Shared>>;

pub(crate) const CREATE: &str =
    "/ylh-cloud-service-jst-order/api/page/hmm/retailorder/receive-hmm-retail-order";
pub(crate) const CANCEL: &str =
    "/ylh-cloud-service-jst-order/api/page/hmm/retailorder/cancel-hmm-retail-order";
pub(crate) const RESCHEDULE: &str =
    "/ylh-cloud-service-order/api/page/retailorder/hmm/update-distribution-time";
pub(crate) const LOGISTICS: &str =
    "/ylh-cloud-service-stock/api/composite/stock/logistics/get-store-logistics-by-order-code";

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/ylh-cloud-mgt-auth/oauth/token", post(token))
        .route("/oauth/token", post(token))
        .route(CREATE, post(create))
        .route(CANCEL, post(cancel))
        .route(RESCHEDULE, post(reschedule))
        .route(LOGISTICS, post(logistics))
        .with_state(shared)
}

/// The request's connection handle (for the `reset` fault).
pub(crate) struct Kill(Option<ConnKill>);

impl<St: Send + Sync> FromRequestParts<St> for Kill {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &St) -> Result<Self, Infallible> {
        Ok(Kill(parts.extensions.get::<ConnKill>().cloned()))
    }
}

fn json_reply(status: StatusCode, body: &Value) -> Response {
    let mut r = (status, serde_json::to_vec(body).unwrap_or_default()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;charset=UTF-8"),
    );
    r
}

fn count(s: &Shared, route: &str) {
    *s.stats().requests.entry(route.to_owned()).or_default() += 1;
}

/// Outage, then the per-second limit: what every route meets first.
fn front_door(s: &Shared, route: &str) -> Option<Response> {
    count(s, route);
    if s.outage.load(Ordering::SeqCst) {
        s.stats().outage_refusals += 1;
        return Some(json_reply(
            StatusCode::SERVICE_UNAVAILABLE,
            &orders::refusal("503", "服务暂时不可用，请稍后重试"),
        ));
    }
    let second = wall_ms().div_euclid(1000);
    let over = {
        let mut w = lock(&s.window);
        if w.0 != second {
            *w = (second, 0);
        }
        w.1 += 1;
        w.1 > s.config.rate_limit_per_second
    };
    if over {
        s.stats().rate_limited += 1;
        let mut r = json_reply(
            StatusCode::TOO_MANY_REQUESTS,
            &orders::refusal("429", "接口调用频率超过限制，请稍后重试"),
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return Some(r);
    }
    None
}

fn oauth_refusal(status: StatusCode, error: &str, description: &str) -> Response {
    json_reply(
        status,
        &json!({"error": error, "error_description": description}),
    )
}

async fn token(State(s): S, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = front_door(&s, "token") {
        return r;
    }
    let c = &s.config;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let refuse = |status, error, description| {
        s.stats().failed_logins += 1;
        oauth_refusal(status, error, description)
    };
    if header("system-name") != Some(c.system_name.as_str()) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "system-name 不正确或缺失",
        );
    }
    let client = header("authorization")
        .and_then(|h| h.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok());
    if client.as_deref() != Some(format!("{}:{}", c.client_id, c.client_secret).as_str()) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Bad client credentials",
        );
    }
    let form = decode_form(&body).unwrap_or_default();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if field("grant_type") != Some("password") {
        let grant = field("grant_type").unwrap_or_default();
        return refuse(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("Unsupported grant type: {grant}"),
        );
    }
    if field("username") != Some(c.username.as_str())
        || field("password") != Some(c.password.as_str())
    {
        return refuse(StatusCode::BAD_REQUEST, "invalid_grant", "用户名或密码错误");
    }
    let token = uuid::Uuid::now_v7().to_string();
    let ttl_ms = i64::try_from(c.token_ttl.as_millis()).unwrap_or(i64::MAX);
    lock(&s.tokens).insert(token.clone(), wall_ms().saturating_add(ttl_ms));
    s.stats().tokens_issued += 1;
    json_reply(
        StatusCode::OK,
        &json!({"access_token": token, "token_type": "bearer",
            "refresh_token": uuid::Uuid::now_v7().to_string(),
            "expires_in": c.token_ttl.as_secs().saturating_sub(1), "scope": "server"}),
    )
}

/// Drops the connection without an answer.
async fn reset(kill: &Kill) -> Response {
    if let Some(k) = &kill.0 {
        k.reset();
        std::future::pending::<()>().await;
    }
    StatusCode::BAD_GATEWAY.into_response()
}

fn server_error(status: StatusCode, description: &str) -> Response {
    json_reply(status, &orders::refusal(status.as_str(), description))
}

/// The token, then the faults; `Ok` lets the call through with its verdict.
async fn gate(s: &Shared, headers: &HeaderMap) -> Result<Verdict, Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(str::to_owned);
    let Some(token) = token else {
        s.stats().rejected_tokens += 1;
        return Err(oauth_refusal(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Full authentication is required to access this resource",
        ));
    };
    let expires = lock(&s.tokens).get(&token).copied();
    let refused = match expires {
        None => Some(format!("Invalid access token: {token}")),
        Some(t) if t <= wall_ms() => Some(format!("Access token expired: {token}")),
        Some(_) => None,
    };
    if let Some(description) = refused {
        s.stats().rejected_tokens += 1;
        return Err(oauth_refusal(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            &description,
        ));
    }
    let verdict = draw(&s.faults, |kind| {
        *s.stats().faults.entry(kind.to_owned()).or_default() += 1;
    })
    .await;
    match verdict {
        Verdict::ExpireToken => {
            lock(&s.tokens).insert(token.clone(), i64::MIN);
            s.stats().rejected_tokens += 1;
            Err(oauth_refusal(
                StatusCode::UNAUTHORIZED,
                "invalid_token",
                &format!("Access token expired: {token}"),
            ))
        }
        Verdict::RateLimited => {
            let mut r = server_error(
                StatusCode::TOO_MANY_REQUESTS,
                "接口调用频率超过限制，请稍后重试",
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            Err(r)
        }
        Verdict::Burst => Err(server_error(StatusCode::SERVICE_UNAVAILABLE, "服务不可用")),
        Verdict::ServerError(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Err(server_error(status, "服务器内部错误"))
        }
        Verdict::Timeout => {
            tokio::time::sleep(TIMEOUT_HOLD).await;
            Err(server_error(StatusCode::GATEWAY_TIMEOUT, "请求超时"))
        }
        Verdict::Pass | Verdict::Malformed | Verdict::Reset { .. } => Ok(verdict),
    }
}

/// One business call: the gate, the body, `f`, and the `malformed` / `reset` faults.
async fn business(
    s: &Shared,
    route: &str,
    headers: &HeaderMap,
    kill: Kill,
    body: &[u8],
    f: fn(&Shared, &Value) -> Value,
) -> Response {
    if let Some(r) = front_door(s, route) {
        return r;
    }
    let verdict = match gate(s, headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match verdict {
        Verdict::Malformed => {
            return (StatusCode::OK, "{\"success\":tr").into_response();
        }
        Verdict::Reset { apply: false } => return reset(&kill).await,
        _ => {}
    }
    let Ok(parsed) = serde_json::from_slice::<Value>(body) else {
        return json_reply(
            StatusCode::BAD_REQUEST,
            &orders::refusal("400", "参数错误: 请求体不是合法的JSON"),
        );
    };
    let answer = f(s, &parsed);
    if let Verdict::Reset { apply: true } = verdict {
        // Applied, then the connection is lost before the answer.
        return reset(&kill).await;
    }
    json_reply(StatusCode::OK, &answer)
}

async fn create(State(s): S, headers: HeaderMap, kill: Kill, body: Bytes) -> Response {
    business(&s, "order_create", &headers, kill, &body, orders::create).await
}

async fn cancel(State(s): S, headers: HeaderMap, kill: Kill, body: Bytes) -> Response {
    business(&s, "order_cancel", &headers, kill, &body, orders::cancel).await
}

async fn reschedule(State(s): S, headers: HeaderMap, kill: Kill, body: Bytes) -> Response {
    business(
        &s,
        "order_reschedule",
        &headers,
        kill,
        &body,
        orders::reschedule,
    )
    .await
}

async fn logistics(State(s): S, headers: HeaderMap, kill: Kill, body: Bytes) -> Response {
    business(&s, "logistics", &headers, kill, &body, orders::logistics).await
}
