//! The HTTP surface: the OAuth2 token endpoint and every OData call under
//! `/sap/opu/odata/sap/`, dispatched by hand since OData keys (`A_SalesOrder('1')`) are not
//! path segments a router can match.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use axum::Router;
use serde_json::{json, Map, Value};

use super::gate::{count_request, fetch_csrf, gate, malformed, token};
use super::query::options;
use super::render::{entity, error, json_response, kind_of, not_found, select, set_of, S4Error};
use super::{writes, Shared};
use crate::erp::data::Kind;
use crate::erp::faults::Verdict;
use crate::erp::read;
use crate::sap_b1::filter::{decode, next_query};
use crate::sap_b1::gate::reset;
use crate::server::ConnKill;

type S = State<Arc<Shared>>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(
            "/sap/bc/sec/oauth2/token",
            post(
                |State(s): S, headers: HeaderMap, body: axum::body::Bytes| async move {
                    token(&s, &headers, &body)
                },
            ),
        )
        .route("/sap/opu/odata/sap/{*rest}", any(dispatch))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "/IWFND/MED/170", "No service found") })
        .with_state(shared)
}

/// `A_SalesOrder('1')` → (`A_SalesOrder`, `1`).
fn target(segment: &str) -> (String, Option<String>) {
    match segment.split_once('(') {
        Some((set, rest)) if rest.ends_with(')') => {
            let key = &rest[..rest.len() - 1];
            let key = key.split_once('=').map_or(key, |(_, v)| v);
            let key = match key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')) {
                Some(k) => k.replace("''", "'"),
                None => key.to_owned(),
            };
            (set.to_owned(), Some(key))
        }
        _ => (segment.to_owned(), None),
    }
}

async fn dispatch(State(s): S, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    let kill = parts.extensions.get::<ConnKill>().cloned();
    let rest = parts
        .uri
        .path()
        .strip_prefix("/sap/opu/odata/sap/")
        .unwrap_or_default();
    let path = decode(rest);
    let query = parts.uri.query().map(str::to_owned);
    let Ok(bytes) = to_bytes(body, 4 << 20).await else {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "HTTP/413",
            "Request body too large",
        );
    };
    let (service, tail) = path.split_once('/').unwrap_or((&path, ""));
    let (set, key) = target(tail.trim_end_matches('/'));
    let (method, headers) = (parts.method, parts.headers);
    let known = [Kind::Customers, Kind::Products, Kind::Orders]
        .iter()
        .any(|k| set_of(*k).0 == service);
    if !known {
        count_request(&s, &format!("{method} {service}"));
        return error(
            StatusCode::NOT_FOUND,
            "/IWFND/MED/170",
            &format!("No service found for namespace '', name '{service}'"),
        );
    }
    let kind = kind_of(service, &set);
    match (method.clone(), set.as_str(), kind, key) {
        (Method::GET | Method::HEAD, "", ..) => {
            let route = format!("GET {service}/");
            if let Err(r) = gate(&s, &headers, &route, false).await {
                return r;
            }
            fetch_csrf(&s, &headers, service)
        }
        (Method::GET, _, Some(kind), None) => {
            list(
                &s,
                &headers,
                kill.as_ref(),
                &format!("GET {set}"),
                kind,
                query.as_deref(),
            )
            .await
        }
        (Method::GET, _, Some(kind), Some(key)) => {
            let verdict = match gate(&s, &headers, &format!("GET {set}(key)"), false).await {
                Ok(v) => v,
                Err(r) => return r,
            };
            let o = options(query.as_deref()).unwrap_or_default();
            let reply = {
                let store = read(&s.store);
                store
                    .number(kind, &key)
                    .and_then(|n| entity(&store, kind, n, o.expand))
                    .map(|v| json!({"d": select(v, o.select.as_deref())}))
                    .ok_or_else(not_found)
            };
            answer(verdict, kill.as_ref(), reply).await
        }
        (Method::POST, "A_BusinessPartner", _, None) => {
            let f = |sh: &Shared| writes::create_partner(sh, &bytes);
            write_route(&s, &headers, kill.as_ref(), "POST A_BusinessPartner", f).await
        }
        (Method::PATCH | Method::PUT, "A_BusinessPartner", _, Some(key)) => {
            let f = |sh: &Shared| writes::patch_partner(sh, &key, &bytes);
            write_route(
                &s,
                &headers,
                kill.as_ref(),
                "PATCH A_BusinessPartner(key)",
                f,
            )
            .await
        }
        (Method::POST, "A_SalesOrder", _, None) => {
            let f = |sh: &Shared| writes::create_order(sh, &bytes);
            write_route(&s, &headers, kill.as_ref(), "POST A_SalesOrder", f).await
        }
        _ => {
            count_request(&s, &format!("{method} {set}"));
            error(
                StatusCode::NOT_FOUND,
                "/IWBEP/CM_MGW_RT/020",
                &format!("Resource not found for segment '{set}'"),
            )
        }
    }
}

/// A read's answer after the gate let it through.
async fn answer(
    verdict: Verdict,
    kill: Option<&ConnKill>,
    reply: Result<Value, S4Error>,
) -> Response {
    match (verdict, reply) {
        (Verdict::Reset { .. }, _) => reset(kill).await,
        (Verdict::Malformed, Ok(body)) => malformed(&body),
        (_, Ok(body)) => json_response(StatusCode::OK, &body),
        (_, Err(e)) => e.into_response(),
    }
}

async fn list(
    s: &Shared,
    headers: &HeaderMap,
    kill: Option<&ConnKill>,
    route: &str,
    kind: Kind,
    query: Option<&str>,
) -> Response {
    let verdict = match gate(s, headers, route, false).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let o = match options(query) {
        Ok(o) => o,
        Err(message) => return S4Error::bad_request(message).into_response(),
    };
    let cap = match s.config.max_page_size {
        0 => usize::MAX,
        n => n,
    };
    let size = o.top.unwrap_or(usize::MAX).min(cap);
    let (values, total) = {
        let store = read(&s.store);
        let (numbers, total) = match &o.filter.purchase_order {
            Some(po) => {
                // A scan: only the connector's duplicate check asks this, for one order.
                let all: Vec<u32> = (1..=store.data.len(kind) as u32)
                    .filter(|n| {
                        entity(&store, kind, *n, false)
                            .is_some_and(|v| v["PurchaseOrderByCustomer"] == po.as_str())
                    })
                    .collect();
                let total = all.len();
                (all.into_iter().skip(o.offset).take(size).collect(), total)
            }
            None => {
                let since = o.filter.since_ms.unwrap_or(i64::MIN);
                let page = store.data.page(kind, since, o.offset, size);
                (page.numbers, page.total)
            }
        };
        let values: Vec<Value> = numbers
            .iter()
            .filter_map(|n| entity(&store, kind, *n, o.expand))
            .map(|v| select(v, o.select.as_deref()))
            .collect();
        (values, total)
    };
    let n = values.len();
    let mut d = Map::new();
    d.insert("results".into(), Value::Array(values));
    if o.count {
        d.insert("__count".into(), json!(total.to_string()));
    }
    let window_end = o.top.map_or(total, |t| total.min(o.offset + t));
    if n > 0 && o.offset + n < window_end {
        let q = next_query(&o.rest, o.top, n, "$skiptoken", o.offset + n);
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1");
        let (service, set) = set_of(kind);
        let next = format!("http://{host}/sap/opu/odata/sap/{service}/{set}?{q}");
        d.insert("__next".into(), json!(next));
    }
    answer(verdict, kill, Ok(json!({"d": d}))).await
}

/// A write through the gate: a reset may drop the connection before or after applying.
async fn write_route(
    s: &Shared,
    headers: &HeaderMap,
    kill: Option<&ConnKill>,
    route: &str,
    f: impl FnOnce(&Shared) -> Result<(StatusCode, Value), S4Error>,
) -> Response {
    let verdict = match gate(s, headers, route, true).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match verdict {
        Verdict::Malformed => return malformed(&json!({"d": {"__metadata": {}}})),
        Verdict::Reset { apply: false } => return reset(kill).await,
        _ => {}
    }
    let reply = f(s);
    if let Verdict::Reset { apply: true } = verdict {
        return reset(kill).await;
    }
    match reply {
        Ok((StatusCode::NO_CONTENT, _)) => StatusCode::NO_CONTENT.into_response(),
        Ok((status, body)) => json_response(status, &json!({"d": body})),
        Err(e) => e.into_response(),
    }
}
