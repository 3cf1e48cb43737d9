//! The HTTP surface: every call under `/b1s/v1/` goes through one dispatcher, since OData
//! keys (`BusinessPartners('C001')`, `Orders(1)/Close`) are not path segments a router
//! can match.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use serde_json::{json, Map, Value};

use super::filter::{decode, next_query, options};
use super::gate::{answer_read, count_request, gate, malformed, reset, session_id};
use super::render::{self, entity, error, json_response, not_found, select, set_name};
use super::writes;
use super::Shared;
use crate::erp::data::{wall_ms, Kind};
use crate::erp::faults::Verdict;
use crate::erp::{lock, read, write};
use crate::server::ConnKill;

type S = State<Arc<Shared>>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/b1s/v1/{*rest}", any(dispatch))
        .fallback(|| async { error(StatusCode::NOT_FOUND, -1, "Resource not found") })
        .with_state(shared)
}

/// `Orders(1)/Close` → (`Orders`, `1`, `Close`); `BusinessPartners('C''1')` → key `C'1`.
fn target(path: &str) -> (String, Option<String>, Option<String>) {
    let (head, action) = match path.split_once(")/") {
        Some((h, a)) => (format!("{h})"), Some(a.to_owned())),
        None => (path.to_owned(), None),
    };
    match head.split_once('(') {
        Some((set, rest)) if rest.ends_with(')') => {
            let key = &rest[..rest.len() - 1];
            let key = match key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')) {
                Some(k) => k.replace("''", "'"),
                None => key.to_owned(),
            };
            (set.to_owned(), Some(key), action)
        }
        _ => (head, None, action),
    }
}

fn kind_of(set: &str) -> Option<Kind> {
    match set {
        "BusinessPartners" => Some(Kind::Customers),
        "Items" => Some(Kind::Products),
        "Orders" => Some(Kind::Orders),
        _ => None,
    }
}

async fn dispatch(State(s): S, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    let kill = parts.extensions.get::<ConnKill>().cloned();
    let path = decode(
        parts
            .uri
            .path()
            .strip_prefix("/b1s/v1/")
            .unwrap_or_default(),
    );
    let query = parts.uri.query().map(str::to_owned);
    let Ok(bytes) = to_bytes(body, 4 << 20).await else {
        return error(StatusCode::PAYLOAD_TOO_LARGE, -1, "Request body too large");
    };
    let (set, key, action) = target(&path);
    let method = parts.method;
    let headers = parts.headers;
    match (method.clone(), set.as_str(), kind_of(&set), key, action) {
        (Method::POST, "Login", ..) => login(&s, &bytes),
        (Method::POST, "Logout", ..) => {
            count_request(&s, "POST Logout");
            if let Some(id) = session_id(&headers) {
                if lock(&s.sessions).remove(&id).is_some() {
                    lock(&s.stats).logouts += 1;
                }
            }
            StatusCode::NO_CONTENT.into_response()
        }
        (Method::GET, _, Some(kind), None, None) => {
            let route = format!("GET {set}");
            list(&s, &headers, kill.as_ref(), &route, kind, query.as_deref()).await
        }
        (Method::GET, _, Some(kind), Some(key), None) => {
            let route = format!("GET {set}(key)");
            let verdict = match gate(&s, &headers, &route).await {
                Ok(v) => v,
                Err(r) => return r,
            };
            let fields = options(query.as_deref()).ok().and_then(|o| o.select);
            let reply = {
                let store = read(&s.store);
                store
                    .number(kind, &key)
                    .and_then(|n| entity(&store, kind, n))
                    .map(|v| (select(v, fields.as_deref()), Vec::new()))
                    .ok_or_else(not_found)
            };
            answer_read(verdict, kill.as_ref(), reply).await
        }
        (Method::POST, "BusinessPartners", _, None, None) => {
            let f = |sh: &Shared| writes::create_partner(sh, &bytes);
            write_route(&s, &headers, kill.as_ref(), "POST BusinessPartners", f).await
        }
        (Method::PATCH, "BusinessPartners", _, Some(key), None) => {
            let f = |sh: &Shared| writes::patch_partner(sh, &key, &bytes);
            write_route(
                &s,
                &headers,
                kill.as_ref(),
                "PATCH BusinessPartners(key)",
                f,
            )
            .await
        }
        (Method::POST, "Orders", _, None, None) => {
            let f = |sh: &Shared| writes::create_order(sh, &bytes);
            write_route(&s, &headers, kill.as_ref(), "POST Orders", f).await
        }
        (Method::POST, "Orders", _, Some(key), Some(action)) => {
            let route = format!("POST Orders(key)/{action}");
            let f = |sh: &Shared| writes::close_order(sh, &key, &action);
            write_route(&s, &headers, kill.as_ref(), &route, f).await
        }
        _ => {
            count_request(&s, &format!("{method} {set}"));
            error(
                StatusCode::NOT_FOUND,
                -1,
                &format!("Resource not found for the segment '{set}'"),
            )
        }
    }
}

fn login(s: &Shared, bytes: &[u8]) -> Response {
    count_request(s, "POST Login");
    let map = match render::parse_body(bytes) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let field = |f: &str| map.get(f).and_then(Value::as_str).unwrap_or_default();
    if field("CompanyDB") != s.company_db
        || field("UserName") != s.username
        || field("Password") != s.password
    {
        lock(&s.stats).failed_logins += 1;
        return error(StatusCode::UNAUTHORIZED, 100_000_027, "Login failed");
    }
    let id = uuid::Uuid::now_v7().hyphenated().to_string();
    {
        let mut sessions = lock(&s.sessions);
        if sessions.len() > 100_000 {
            sessions.retain(|_, t| *t != i64::MIN);
        }
        sessions.insert(id.clone(), wall_ms());
    }
    lock(&s.stats).logins += 1;
    let minutes = s.session_timeout.as_secs().div_ceil(60).max(1);
    let body = json!({"odata.metadata": "$metadata#B1Sessions/@Element", "SessionId": id,
        "Version": "1000190", "SessionTimeout": minutes});
    let mut r = json_response(StatusCode::OK, &body);
    for cookie in [
        format!("B1SESSION={id}; path=/b1s; HttpOnly"),
        "ROUTEID=.node1; path=/b1s".to_owned(),
    ] {
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    r
}

/// `Prefer: odata.maxpagesize=N`
fn max_page_size(headers: &HeaderMap) -> Option<usize> {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|p| {
            p.trim()
                .strip_prefix("odata.maxpagesize=")?
                .trim()
                .parse()
                .ok()
        })
        .filter(|n| *n > 0)
}

async fn list(
    s: &Shared,
    headers: &HeaderMap,
    kill: Option<&ConnKill>,
    route: &str,
    kind: Kind,
    query: Option<&str>,
) -> Response {
    let verdict = match gate(s, headers, route).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let o = match options(query) {
        Ok(o) => o,
        Err(message) => return error(StatusCode::BAD_REQUEST, 201, &message),
    };
    let asked = max_page_size(headers);
    let mut size = asked.unwrap_or(20);
    if s.max_page_size > 0 {
        size = size.min(s.max_page_size);
    }
    if let Some(top) = o.top {
        size = size.min(top);
    }
    let set = set_name(kind);
    let (values, total) = {
        let store = read(&s.store);
        let (numbers, total) = if o.filter.nothing {
            (Vec::new(), 0)
        } else if let Some(num) = &o.filter.num_at_card {
            // A scan: only the connector's duplicate check asks this, for one order.
            let all: Vec<u32> = (1..=store.data.len(kind) as u32)
                .filter(|n| {
                    entity(&store, kind, *n).is_some_and(|v| v["NumAtCard"] == num.as_str())
                })
                .collect();
            let total = all.len();
            (all.into_iter().skip(o.skip).take(size).collect(), total)
        } else {
            let page = store
                .data
                .page(kind, o.filter.since_ms.unwrap_or(i64::MIN), o.skip, size);
            (page.numbers, page.total)
        };
        let values: Vec<Value> = numbers
            .iter()
            .filter_map(|n| entity(&store, kind, *n))
            .map(|v| select(v, o.select.as_deref()))
            .collect();
        (values, total)
    };
    let n = values.len();
    let mut body = Map::new();
    body.insert("odata.metadata".into(), json!(format!("$metadata#{set}")));
    if o.count {
        body.insert("odata.count".into(), json!(total));
    }
    let more = n > 0 && o.skip + n < total && o.top.is_none_or(|t| n < t);
    body.insert("value".into(), Value::Array(values));
    if more {
        let q = next_query(&o.rest, o.top, n, "$skip", o.skip + n);
        body.insert("odata.nextLink".into(), json!(format!("{set}?{q}")));
    }
    let extra = asked
        .map(|_| ("preference-applied", format!("odata.maxpagesize={size}")))
        .into_iter()
        .collect();
    answer_read(verdict, kill, Ok((Value::Object(body), extra))).await
}

/// A write through the gate: a reset may drop the connection before or after applying.
async fn write_route(
    s: &Shared,
    headers: &HeaderMap,
    kill: Option<&ConnKill>,
    route: &str,
    f: impl FnOnce(&Shared) -> Result<(StatusCode, Value), super::render::SapError>,
) -> Response {
    let verdict = match gate(s, headers, route).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match verdict {
        Verdict::Malformed => return malformed(&json!({"odata.metadata": "$metadata"})),
        Verdict::Reset { apply: false } => return reset(kill).await,
        _ => {}
    }
    let reply = f(s);
    if let Verdict::Reset { apply: true } = verdict {
        return reset(kill).await;
    }
    match reply {
        Ok((StatusCode::NO_CONTENT, _)) => StatusCode::NO_CONTENT.into_response(),
        Ok((status, body)) => json_response(status, &body),
        Err(e) => e.into_response(),
    }
}

/// Used by `writes`: the store, for one write.
pub(crate) fn store_mut(s: &Shared) -> std::sync::RwLockWriteGuard<'_, super::Store> {
    write(&s.store)
}
