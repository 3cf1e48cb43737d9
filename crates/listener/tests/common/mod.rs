//! The listener's HTTP test host: a real SQLite file in a temp folder, the real keychain,
//! and the listener on 127.0.0.1 with an ephemeral port, spoken to over real HTTP.
#![allow(dead_code)]

use std::collections::BTreeMap;

use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};
use storelink_connectors::signature::{sign_sha256_hex, sign_standard};
use storelink_core::token::NewToken;
use storelink_core::{Actor, PageRequest, Role};
use storelink_listener::{Listener, ListenerConfig};
use storelink_service::Services;
use uuid::Uuid;

pub const PREFIX: &str = "/api/v1/integrations";
pub const PROBLEM_JSON: &str = "application/problem+json";
/// The current and previous Standard Webhooks secrets (base64 behind `whsec_`).
pub const WHSEC: &str = "whsec_c3RvcmVsaW5rLWN1cnJlbnQtd2ViaG9vay1rZXktMDE=";
pub const WHSEC_PREVIOUS: &str = "whsec_c3RvcmVsaW5rLXByZXZpb3VzLXdlYmhvb2sta2V5LTI=";
pub const WHSEC_UNRELATED: &str = "whsec_c3RvcmVsaW5rLXVucmVsYXRlZC13ZWJob29rLWtleTM=";
/// A `sha256=` scheme secret, used as UTF-8 bytes.
pub const HEX_SECRET: &str = "It's a Secret to Everybody";

pub struct Host {
    pub dir: tempfile::TempDir,
    pub services: Services,
    pub listener: Listener,
    pub base: String,
    pub http: reqwest::Client,
    /// An admin token with a rate limit no test reaches.
    pub admin: String,
}

/// A listener on a fresh data folder, with an admin token.
pub async fn host() -> Host {
    let dir = tempfile::tempdir().expect("tempdir");
    let services = Services::open(dir.path()).await.expect("open services");
    let listener = storelink_listener::start(services.clone(), ListenerConfig::loopback(0))
        .await
        .expect("start the listener on 127.0.0.1");
    let base = listener.base_url();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("http client");
    let mut host = Host {
        dir,
        services,
        listener,
        base,
        http,
        admin: String::new(),
    };
    host.admin = host.token(Role::Admin, None, Some(100_000)).await;
    host
}

/// What came back: status, headers and the body (JSON when it parses, else `Null`).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    pub body: Value,
}

impl Reply {
    /// Asserts the status, showing the body when it differs.
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "unexpected answer: {}", self.text);
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts an `application/problem+json` answer with this status whose `errors` are
    /// well formed, and returns the field names it lists.
    pub fn problem(&self, status: u16) -> Vec<String> {
        self.expect(status);
        let content_type = self.header("content-type").unwrap_or_default();
        assert!(
            content_type.starts_with(PROBLEM_JSON),
            "content-type {content_type} for {}",
            self.text
        );
        assert_eq!(self.body["status"], json!(status), "{}", self.text);
        assert!(
            self.body["type"]
                .as_str()
                .is_some_and(|t| t.starts_with("urn:storelink:problem:")),
            "{}",
            self.text
        );
        assert!(self.body["detail"].is_string(), "{}", self.text);
        let errors = self.body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("errors must be an array: {}", self.text));
        errors
            .iter()
            .map(|e| {
                for key in ["field", "message", "rule"] {
                    assert!(e[key].is_string(), "errors[].{key} in {}", self.text);
                }
                e["field"].as_str().unwrap_or_default().to_owned()
            })
            .collect()
    }

    /// A problem with this status that names `field` with `rule`.
    pub fn problem_naming(&self, status: u16, field: &str, rule: &str) {
        self.problem(status);
        let errors = self.body["errors"].as_array().cloned().unwrap_or_default();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == json!(field) && e["rule"] == json!(rule)),
            "expected {field} ({rule}) in {}",
            self.text
        );
    }

    /// `allowed_next` of a 409 transition problem.
    pub fn allowed_next(&self) -> Vec<String> {
        self.problem(409);
        self.body["allowed_next"]
            .as_array()
            .unwrap_or_else(|| panic!("allowed_next must be listed: {}", self.text))
            .iter()
            .map(|s| s.as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

impl Host {
    pub fn url(&self, path: &str) -> String {
        if path.starts_with('/') {
            format!("{}{path}", self.base)
        } else {
            format!("{}{PREFIX}/{path}", self.base)
        }
    }

    /// Adds a system of `system_type` in store `store-001` with these secrets and config.
    pub async fn system_with(
        &self,
        system_type: &str,
        name: &str,
        store_id: &str,
        secrets: &[(&str, &str)],
        config: Value,
    ) -> Uuid {
        let secrets: BTreeMap<String, String> = secrets
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        self.services
            .create_system(
                &Actor::local_cli(),
                storelink_core::system::NewSystem {
                    name: name.to_owned(),
                    system_type: system_type.to_owned(),
                    provider: "test".to_owned(),
                    store_id: Some(store_id.to_owned()),
                    config: Some(config),
                    secrets,
                    ..Default::default()
                },
            )
            .await
            .expect("create system")
            .id
    }

    /// A system in `store-001` signing its webhooks with Standard Webhooks (`WHSEC`).
    pub async fn system(&self, system_type: &str, name: &str) -> Uuid {
        self.system_with(
            system_type,
            name,
            "store-001",
            &[("webhook_secret", WHSEC)],
            json!({}),
        )
        .await
    }

    /// A token; `rate_limit` None is the default (50/s).
    pub async fn token(
        &self,
        role: Role,
        system_id: Option<Uuid>,
        rate_limit: Option<u32>,
    ) -> String {
        self.services
            .add_token(
                &Actor::local_cli(),
                NewToken {
                    name: format!("{role}-{}", Uuid::now_v7()),
                    role,
                    system_id,
                    rate_limit,
                },
            )
            .await
            .expect("add token")
            .token
    }

    /// A token with a rate limit no test reaches.
    pub async fn token_for(&self, role: Role) -> String {
        self.token(role, None, Some(100_000)).await
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        headers: &[(String, String)],
        body: Option<Vec<u8>>,
    ) -> Reply {
        let mut req = self.http.request(method, self.url(path));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        for (name, value) in headers {
            req = req.header(name.as_str(), value.as_str());
        }
        if let Some(body) = body {
            req = req.header("content-type", "application/json").body(body);
        }
        let response = req.send().await.expect("the listener answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("read the answer");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            text,
            body,
        }
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Reply {
        self.post_raw(path, Some(token), body.to_string().into_bytes())
            .await
    }

    pub async fn post_raw(&self, path: &str, token: Option<&str>, body: Vec<u8>) -> Reply {
        self.send(Method::POST, path, token, &[], Some(body)).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.send(Method::GET, path, Some(token), &[], None).await
    }

    pub async fn put(&self, path: &str, token: &str) -> Reply {
        self.send(Method::PUT, path, Some(token), &[], None).await
    }

    /// A webhook with exactly these bytes and headers (no token).
    pub async fn webhook(
        &self,
        channel: &str,
        system_id: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Reply {
        self.send(
            Method::POST,
            &format!("webhooks/{channel}/{system_id}"),
            None,
            headers,
            Some(body.to_vec()),
        )
        .await
    }

    /// A webhook signed with Standard Webhooks by `WHSEC`, with a fresh message id.
    pub async fn signed_webhook(&self, channel: &str, system_id: Uuid, body: &Value) -> Reply {
        let body = body.to_string().into_bytes();
        let headers = standard_headers(WHSEC, &message_id(), now_unix(), &body);
        self.webhook(channel, &system_id.to_string(), &headers, &body)
            .await
    }

    /// Every item of a list endpoint, walking `next_cursor` with `limit` per page.
    pub async fn walk(&self, path_and_query: &str, limit: u32) -> Vec<Value> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        let joiner = if path_and_query.contains('?') {
            '&'
        } else {
            '?'
        };
        for _ in 0..1000 {
            let mut path = format!("{path_and_query}{joiner}limit={limit}");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let page = self.get(&path, &self.admin).await;
            page.expect(200);
            let got = page.body["items"].as_array().cloned().unwrap_or_default();
            assert!(
                got.len() <= limit as usize,
                "page over the limit: {}",
                page.text
            );
            items.extend(got);
            match page.body["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return items,
            }
        }
        panic!("paging did not end");
    }

    /// Items of a list endpoint's first page (admin token).
    pub async fn list(&self, path_and_query: &str) -> Vec<Value> {
        let page = self.get(path_and_query, &self.admin).await;
        page.expect(200);
        page.body["items"].as_array().cloned().unwrap_or_default()
    }

    /// POS transactions stored for a system, read through the service (not HTTP).
    pub async fn stored_pos(&self, system_id: Uuid) -> Vec<storelink_core::pos::PosTransaction> {
        self.services
            .list_pos_transactions(
                &Actor::local_cli(),
                storelink_service::records::PosQuery {
                    system_id: Some(system_id.to_string()),
                    limit: Some(1000),
                    ..Default::default()
                },
            )
            .await
            .expect("list pos transactions")
            .items
    }

    /// Inbox entries of a system, newest first.
    pub async fn inbox(&self, system_id: Uuid) -> Vec<storelink_core::inbox::InboxEvent> {
        self.services
            .list_inbox(
                &Actor::local_cli(),
                Some(system_id),
                None,
                &PageRequest {
                    cursor: None,
                    limit: Some(1000),
                },
            )
            .await
            .expect("list inbox")
            .items
    }
}

/// Runs the futures concurrently on this task and returns their outputs in order.
pub async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (fut, out) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if out.is_none() {
                match fut.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *out = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

pub fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

pub fn message_id() -> String {
    format!("msg_{}", Uuid::now_v7().simple())
}

/// `webhook-id`, `webhook-timestamp` and `webhook-signature` for `body`.
pub fn standard_headers(
    secret: &str,
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> Vec<(String, String)> {
    let signature = sign_standard(secret, id, timestamp, body).expect("a usable whsec_ secret");
    vec![
        ("webhook-id".to_owned(), id.to_owned()),
        ("webhook-timestamp".to_owned(), timestamp.to_string()),
        ("webhook-signature".to_owned(), signature),
    ]
}

/// `X-Signature-256: sha256=<hex>` for `body`.
pub fn sha256_headers(secret: &str, body: &[u8]) -> Vec<(String, String)> {
    vec![("X-Signature-256".to_owned(), sign_sha256_hex(secret, body))]
}

/// Seed 000 "创建POS交易".
pub fn pos_seed() -> Value {
    json!({
        "transaction_id": "TXN-2024-001",
        "order_number": "ORD-2024-001",
        "type": "sale",
        "subtotal": 288.00,
        "tax": 28.80,
        "discount": 20.00,
        "total": 296.80,
        "payment_method": "wechat_pay",
        "items": [{"name": "宫保鸡丁", "quantity": 2, "price": 68.00}],
        "customer": {"phone": "13800138000", "name": "张三"}
    })
}

/// A sale of `total` yuan (no tax, no discount) with this id.
/// Amounts go as decimal text, exact to the fen (never a float).
pub fn pos_sale(transaction_id: &str, total: &str) -> Value {
    json!({
        "transaction_id": transaction_id,
        "type": "sale",
        "subtotal": total,
        "total": total,
        "payment_method": "cash"
    })
}

/// Seed 000 "创建供应商订单".
pub fn supplier_seed() -> Value {
    json!({
        "order_number": "PO-2024-001",
        "supplier_id": "SUP-001",
        "supplier_name": "蜀海供应链",
        "type": "purchase",
        "status": "pending",
        "subtotal": 5000.00,
        "tax": 500.00,
        "shipping": 200.00,
        "total": 5700.00,
        "items": [{"name": "鸡肉", "quantity": 50, "unit": "kg", "price": 30.00}],
        "delivery": {"address": "北京市朝阳区xxx路xxx号", "contact": "李四", "phone": "13900139000"},
        "expected_delivery": "2024-02-15T10:00:00"
    })
}

/// Seed 000 "同步会员数据".
pub fn member_seed() -> Value {
    json!({
        "member_id": "MEM-001",
        "external_id": "wx_openid_123",
        "phone": "13800138000",
        "name": "张三",
        "email": "zhangsan@example.com",
        "level": "gold",
        "points": 1500,
        "balance": 200.00
    })
}

/// Seed 002 "同步预订数据".
pub fn reservation_seed() -> Value {
    json!({
        "reservation_id": "RES-2024-001",
        "external_id": "yiding_res_001",
        "reservation_number": "YD20240214001",
        "customer_name": "张三",
        "customer_phone": "13800138000",
        "customer_count": 4,
        "reservation_date": "2024-02-15T00:00:00",
        "reservation_time": "18:00-20:00",
        "table_type": "圆桌",
        "area": "大厅",
        "status": "confirmed",
        "special_requirements": "靠窗位置，需要儿童座椅",
        "notes": "客户是VIP会员",
        "deposit_required": true,
        "deposit_amount": 200.00,
        "deposit_paid": true,
        "source": "yiding",
        "channel": "微信小程序"
    })
}
