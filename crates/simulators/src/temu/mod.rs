//! A simulator of Temu's Partner API router (`POST /openapi/router`) and of its webhook
//! pushes. Each call is checked the way Temu does, in this order: the app key (4000000),
//! the MD5 `sign` over the raw body's parameters (3000001), the `timestamp` (3000011 when
//! missing or unreadable, 3000012 when more than 300 s away), the caller's IP when
//! refused (5000003), the `access_token` (3000031 unknown, 3000034 expired), then 20 calls
//! per second per app key (a token bucket of 20; 4000004).
//!
//! Calls: `bg.order.list.v2.get` (`pageNumber` from 1, `pageSize` ≤ 100, `updateAtStart`
//! and `updateAtEnd` together and inclusive, `createAfter`/`createBefore`,
//! `parentOrderStatus`, `parentOrderSnList` ≤ 20, `sortby` newest first by `createTime` or
//! `updateTime`; `result.totalItemNum`, `result.pageItems`), `bg.order.detail.v2.get`
//! (`parentOrderSn`; 140020002 when unknown) and `bg.local.goods.list.query` (`pageNo`,
//! `pageSize` ≤ 100, `goodsSearchType` and `goodsStatusFilterType` required,
//! `goodsIdList`, `orderField`/`orderType`; `result.goodsList`, `result.total`). Bad
//! parameters are 150010003. An unknown `type` is answered 3000003 "type not exist": that
//! code is this simulator's choice (Temu's is not documented).
//!
//! Knobs: [`FaultSpec`] (`429` answers 4000004, `500`/`burst500` a gateway 5xx,
//! `timeout` holds 30 s then 504, `slow`, `malformed` truncates the body, `reset` drops the
//! connection, `expire_token_every` expires the token), [`TemuSim::expire_tokens`],
//! [`TemuSim::force_error`], [`TemuSim::refuse_ip`], [`TemuSim::touch_orders`] and
//! [`TemuSim::set_churn`] (orders that change while a sync reads them), and
//! [`TemuSim::webhook`], which builds the signed, encrypted push Temu would send.

mod calls;
mod data;
mod routes;
mod webhook;
mod wire;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::erp::FaultSpec;
pub use webhook::{TemuPush, WebhookLayout};

use crate::erp::faults::FaultState;
use crate::erp::lock;
use crate::server::{SimServer, LOCAL_FREE_PORT};
use data::Shop;

#[derive(Debug, Clone)]
pub struct TemuSimConfig {
    /// Parent orders in the shop.
    pub orders: usize,
    pub goods: usize,
    pub seed: u64,
    pub app_key: String,
    pub app_secret: String,
    pub access_token: String,
    /// How many orders share one `updateTime` second (more than a page exercises paging
    /// inside a second).
    pub crowded_second: usize,
    /// Calls allowed per second per app key.
    pub qps: u32,
    pub faults: FaultSpec,
}

impl Default for TemuSimConfig {
    fn default() -> Self {
        TemuSimConfig {
            orders: 250,
            goods: 60,
            seed: 42,
            app_key: "4ebbc9190ae410443d65b4c2fa5e0001".to_owned(),
            app_secret: "sim0a1a63542be4de3cb5488f9fba8149e8fc290".to_owned(),
            access_token: "uplsim0hfyt5kcwoymrgnajnbl1ow5qxlz4sqhev6hl3xosz5dejrtyl2jre7"
                .to_owned(),
            crowded_second: 0,
            qps: 20,
            faults: FaultSpec::none(),
        }
    }
}

/// What the simulator saw.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemuStats {
    /// Calls that reached the router, by `type`.
    pub requests: BTreeMap<String, u64>,
    /// Calls refused, by Temu error code (`"3000001"`, `"4000004"`...).
    pub refused: BTreeMap<String, u64>,
    /// Calls refused by the 20-per-second limit itself (not injected faults).
    pub rate_limited: u64,
    /// Injected faults by kind, named as in the spec text.
    pub faults: BTreeMap<String, u64>,
    /// Orders moved on by `touch_orders` or churn.
    pub orders_touched: u64,
}

impl TemuStats {
    /// Calls answered with this Temu code.
    pub fn refused_with(&self, code: i64) -> u64 {
        self.refused.get(&code.to_string()).copied().unwrap_or(0)
    }

    pub fn calls(&self, api_type: &str) -> u64 {
        self.requests.get(api_type).copied().unwrap_or(0)
    }
}

/// The token bucket of the per-second limit, in millionths of a call (no floats).
pub(crate) struct Bucket {
    pub micro_tokens: u64,
    pub at: Instant,
}

pub(crate) struct Shared {
    pub config: TemuSimConfig,
    pub shop: Mutex<Shop>,
    pub faults: Mutex<FaultState>,
    pub stats: Mutex<TemuStats>,
    pub bucket: Mutex<Bucket>,
    pub token_expired: Mutex<bool>,
    pub ip_refused: Mutex<bool>,
    /// (code, message, calls left) answered instead of the real thing.
    pub forced: Mutex<Option<(i64, String, u32)>>,
    /// (every Nth order list call, orders moved on each time).
    pub churn: Mutex<Option<(u64, usize)>>,
    pub list_calls: Mutex<u64>,
}

pub(crate) fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A running simulator; dropping it stops the server too.
pub struct TemuSim {
    shared: Arc<Shared>,
    server: SimServer,
}

impl TemuSim {
    pub async fn start(config: TemuSimConfig) -> io::Result<TemuSim> {
        TemuSim::start_on(LOCAL_FREE_PORT, config).await
    }

    pub async fn start_on(addr: SocketAddr, config: TemuSimConfig) -> io::Result<TemuSim> {
        let shop = Shop::generate(
            config.orders,
            config.goods,
            config.crowded_second,
            config.seed,
            now_secs(),
        );
        let shared = Arc::new(Shared {
            faults: Mutex::new(FaultState::new(config.faults.clone(), config.seed)),
            bucket: Mutex::new(Bucket {
                micro_tokens: u64::from(config.qps.max(1)) * 1_000_000,
                at: Instant::now(),
            }),
            config,
            shop: Mutex::new(shop),
            stats: Mutex::new(TemuStats::default()),
            token_expired: Mutex::new(false),
            ip_refused: Mutex::new(false),
            forced: Mutex::new(None),
            churn: Mutex::new(None),
            list_calls: Mutex::new(0),
        });
        let server = SimServer::start_on(addr, routes::router(Arc::clone(&shared)), "temu").await?;
        tracing::info!(addr = %server.addr(), orders = shared.config.orders, "temu simulator listening");
        Ok(TemuSim { shared, server })
    }

    /// `http://127.0.0.1:PORT` (the router is `/openapi/router` under it).
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    pub fn config(&self) -> &TemuSimConfig {
        &self.shared.config
    }

    pub fn stats(&self) -> TemuStats {
        lock(&self.shared.stats).clone()
    }

    pub fn set_faults(&self, faults: FaultSpec) {
        lock(&self.shared.faults).replace(faults);
    }

    /// The shop's access token is expired from now on (3000034), as when the seller's
    /// authorization lapses.
    pub fn expire_tokens(&self) {
        *lock(&self.shared.token_expired) = true;
    }

    /// The next `times` calls that pass the checks are answered with this error instead
    /// (`times` 0 clears it).
    pub fn force_error(&self, code: i64, message: &str, times: u32) {
        *lock(&self.shared.forced) = (times > 0).then(|| (code, message.to_owned(), times));
    }

    /// Every call is refused 5000003 (the caller's IP is not on the allow list) while on.
    pub fn refuse_ip(&self, on: bool) {
        *lock(&self.shared.ip_refused) = on;
    }

    /// Every `every`th order list call moves `orders` orders on (0 turns it off).
    pub fn set_churn(&self, every: u64, orders: usize) {
        *lock(&self.shared.churn) = (every > 0 && orders > 0).then_some((every, orders));
    }

    /// Moves these orders on (status and `updateTime`); how many were found.
    pub fn touch_orders(&self, sns: &[String]) -> usize {
        let now = now_secs();
        let mut shop = lock(&self.shared.shop);
        let touched = sns
            .iter()
            .filter_map(|sn| shop.order_index(sn))
            .collect::<Vec<_>>()
            .into_iter()
            .filter(|&i| shop.touch(i, now))
            .count();
        lock(&self.shared.stats).orders_touched += touched as u64;
        touched
    }

    /// Every parent order number, in shop order.
    pub fn order_sns(&self) -> Vec<String> {
        lock(&self.shared.shop)
            .orders
            .iter()
            .map(|o| o.sn.clone())
            .collect()
    }

    /// A parent order as the list renders it (`parentOrderMap`, `orderList`).
    pub fn order(&self, sn: &str) -> Option<Value> {
        let shop = lock(&self.shared.shop);
        let order = shop.orders.iter().find(|o| o.sn == sn)?;
        Some(shop.render_order(order, false))
    }

    /// Goods ids with this `goodsStatusFilterType` family (all when `None`).
    pub fn goods_ids(&self, status: Option<i64>) -> Vec<String> {
        lock(&self.shared.shop)
            .goods
            .iter()
            .filter(|g| status.is_none_or(|s| g.status == s))
            .map(|g| g.id.to_string())
            .collect()
    }

    /// One goods item as the goods list renders it.
    pub fn goods(&self, id: &str) -> Option<Value> {
        let shop = lock(&self.shared.shop);
        let goods = shop.goods.iter().find(|g| g.id.to_string() == id)?;
        Some(shop.render_goods(goods))
    }

    /// The push Temu sends for `event_code` with this event data, signed and encrypted
    /// with the simulator's app key and secret.
    pub fn webhook(&self, event_code: &str, event: &Value, layout: WebhookLayout) -> TemuPush {
        let c = &self.shared.config;
        webhook::push(&c.app_key, &c.app_secret, event_code, event, layout)
    }

    /// `bg_order_status_change_event` for this order as it is now.
    pub fn order_status_event(&self, sn: &str) -> Option<TemuPush> {
        let order = self.order(sn)?;
        let status = order["parentOrderMap"]["parentOrderStatus"].clone();
        let event = serde_json::json!({"parentOrderSn": sn, "orderSn": sn, "status": status});
        Some(self.webhook(
            "bg_order_status_change_event",
            &event,
            WebhookLayout::DocExample,
        ))
    }

    /// Stops accepting, drops every connection and waits for the server task.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}
