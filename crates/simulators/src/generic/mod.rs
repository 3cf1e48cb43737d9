//! A simulator of the seed 000 systems, one server for all three, each under its prefix
//! (use `base_url() + "/pos"` etc. as the system's `api_endpoint`):
//!
//! - Each prefix itself (`GET /pos`, …) answers `{"data":{"ok":true}}` to its key, for a
//!   plain connection probe.
//! - **Meituan POS** `/pos`: `GET /ping` (transactions reach Storelink by push and webhook).
//! - **蜀海 supply chain** `/supplier`: `GET /orders?page&limit&updated_since` (oldest change
//!   first; `{"data":[…],"page","limit","total","has_more"}`), `GET /orders/{order_number}`
//!   (`{"data":{…}}`), `POST /orders` (201; an order number already taken is
//!   `409 duplicate`).
//! - **WeChat member** `/member`: `GET /members…` and `GET /members/{member_id}` alike,
//!   `PUT /members/{member_id}` (creates or changes the member with the fields sent).
//!
//! Records use seed 000's field names; money is a JSON number of yuan, `updated_at` is
//! RFC 3339 UTC, order dates are local (UTC+8) without an offset. Each system has its own
//! API key, accepted as `Authorization: Bearer <key>`, a bare `Authorization` or
//! `X-Api-Key`; a wrong one is `401 invalid_api_key`. Errors are
//! `{"error":{"code","message"}}`. Writes honour `Idempotency-Key` (the same key gets the
//! first answer again and counts as a replay, not a push). The vendor side changes what
//! tests ask: a member's points, any member field, an order's status (forward or not: a
//! supplier's system may well send a status back).
//!
//! Knobs: `set_outage` (every call `503 service_unavailable` until switched off) and the
//! ERP simulator's `FaultSpec` (429 with `Retry-After: 1`, 5xx, timeout, slow, malformed,
//! reset; `expire_token_every` refuses that one call `401 api_key_expired`, as an API key
//! does not expire), applied after the key check. Hooks: `GET /_sim/stats`,
//! `POST /_sim/outage` `{"on"}`, `/_sim/member_points`, `/_sim/order_status`.

mod data;
mod hooks;
mod routes;
#[cfg(test)]
mod tests;
mod writes;

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::erp::faults::FaultState;
use crate::erp::{lock, FaultSpec};
use crate::server::{SimServer, LOCAL_FREE_PORT};
use data::{local_text, render, State, Table};

/// The three systems the simulator plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum System {
    Pos,
    Supplier,
    Member,
}

impl System {
    fn parse(prefix: &str) -> Option<System> {
        match prefix {
            "pos" => Some(System::Pos),
            "supplier" => Some(System::Supplier),
            "member" => Some(System::Member),
            _ => None,
        }
    }

    /// The path prefix of the system.
    pub fn prefix(self) -> &'static str {
        match self {
            System::Pos => "/pos",
            System::Supplier => "/supplier",
            System::Member => "/member",
        }
    }
}

#[derive(Debug, Clone)]
pub struct GenericSimConfig {
    pub members: usize,
    pub orders: usize,
    pub seed: u64,
    pub pos_api_key: String,
    pub supplier_api_key: String,
    pub member_api_key: String,
    pub faults: FaultSpec,
}

impl Default for GenericSimConfig {
    fn default() -> Self {
        GenericSimConfig {
            members: 100,
            orders: 25,
            seed: 42,
            pos_api_key: "meituan-pos-key".to_owned(),
            supplier_api_key: "shuhai-key".to_owned(),
            member_api_key: "wechat-member-key".to_owned(),
            faults: FaultSpec::none(),
        }
    }
}

/// What the simulator saw; `GET /_sim/stats` answers the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenericStats {
    /// Requests by method and path, e.g. `"GET /member/members"` (not `/_sim/*`).
    pub requests: BTreeMap<String, u64>,
    /// Requests refused for a missing or wrong API key.
    pub rejected_keys: u64,
    /// Requests refused because of the outage switch.
    pub outage_refusals: u64,
    /// Injected faults by kind, as named in the spec text.
    pub faults: BTreeMap<String, u64>,
    /// Writes applied (not replays, not refusals).
    pub orders_created: u64,
    pub member_upserts: u64,
    /// Writes answered from an earlier one with the same `Idempotency-Key`.
    pub replays: u64,
    /// Writes applied per record: `member:MEM-0001`, `order:PO-00001`.
    pub pushes: BTreeMap<String, u64>,
}

pub(crate) struct Shared {
    pub config: GenericSimConfig,
    pub state: Mutex<State>,
    pub faults: Mutex<FaultState>,
    pub stats: Mutex<GenericStats>,
    pub outage: AtomicBool,
    /// (system, idempotency key) → the first answer.
    pub idempotency: Mutex<HashMap<(System, String), (StatusCode, Value)>>,
}

impl Shared {
    fn key_of(&self, system: System) -> &str {
        match system {
            System::Pos => &self.config.pos_api_key,
            System::Supplier => &self.config.supplier_api_key,
            System::Member => &self.config.member_api_key,
        }
    }

    fn set_outage(&self, on: bool) {
        self.outage.store(on, Ordering::SeqCst);
    }

    /// Changes fields of an existing record at the vendor (a new change time).
    fn patch(&self, table: Table, id: &str, patch: Value) -> Option<Value> {
        let patch = patch.as_object()?.clone();
        lock(&self.state).change(table, id, &patch, false)
    }

    /// The supplier sets an order's status; `delivered` also records when.
    fn order_status(&self, number: &str, status: &str) -> Option<Value> {
        let mut patch = json!({ "status": status });
        if status == "delivered" {
            patch["actual_delivery"] =
                Value::String(local_text(chrono::Utc::now().timestamp_millis()));
        }
        self.patch(Table::Orders, number, patch)
    }
}

/// A running simulator; dropping it stops the server.
pub struct GenericSim {
    shared: Arc<Shared>,
    server: SimServer,
}

impl GenericSim {
    /// Serves on 127.0.0.1, on a free port.
    pub async fn start(config: GenericSimConfig) -> io::Result<GenericSim> {
        GenericSim::start_on(LOCAL_FREE_PORT, config).await
    }

    pub async fn start_on(addr: SocketAddr, config: GenericSimConfig) -> io::Result<GenericSim> {
        let state = State::generate(config.members, config.orders, config.seed);
        let shared = Arc::new(Shared {
            faults: Mutex::new(FaultState::new(config.faults.clone(), config.seed)),
            config,
            state: Mutex::new(state),
            stats: Mutex::new(GenericStats::default()),
            outage: AtomicBool::new(false),
            idempotency: Mutex::new(HashMap::new()),
        });
        let router = routes::router(Arc::clone(&shared));
        let server = SimServer::start_on(addr, router, "generic").await?;
        tracing::info!(addr = %server.addr(), members = shared.config.members,
            orders = shared.config.orders, "seed 000 simulator listening");
        Ok(GenericSim { shared, server })
    }

    /// `http://127.0.0.1:PORT`; a system's endpoint adds its prefix ([`Self::url`]).
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// The `api_endpoint` of one of the systems, e.g. `http://127.0.0.1:PORT/member`.
    pub fn url(&self, system: System) -> String {
        format!("{}{}", self.server.base_url(), system.prefix())
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    pub fn config(&self) -> &GenericSimConfig {
        &self.shared.config
    }

    pub fn stats(&self) -> GenericStats {
        lock(&self.shared.stats).clone()
    }

    /// Pushes applied for one record (`member:ID`, `order:NUMBER`): "arrived once" is 1.
    pub fn pushes(&self, record: &str) -> u64 {
        self.stats().pushes.get(record).copied().unwrap_or(0)
    }

    /// Every call answers `503 service_unavailable` while on.
    pub fn set_outage(&self, on: bool) {
        self.shared.set_outage(on);
    }

    /// Replaces the faults; their counters and random sequence restart from the seed.
    pub fn set_faults(&self, faults: FaultSpec) {
        lock(&self.shared.faults).replace(faults);
    }

    pub fn member_ids(&self) -> Vec<String> {
        lock(&self.shared.state).members.keys().cloned().collect()
    }

    pub fn order_numbers(&self) -> Vec<String> {
        lock(&self.shared.state).orders.keys().cloned().collect()
    }

    /// A member as the platform answers it.
    pub fn member(&self, member_id: &str) -> Option<Value> {
        lock(&self.shared.state).members.get(member_id).map(render)
    }

    /// An order as the supplier answers it.
    pub fn order(&self, order_number: &str) -> Option<Value> {
        lock(&self.shared.state)
            .orders
            .get(order_number)
            .map(render)
    }

    /// Points earned or spent on the platform; `None` for an unknown member.
    pub fn set_member_points(&self, member_id: &str, points: u64) -> Option<Value> {
        self.shared
            .patch(Table::Members, member_id, json!({ "points": points }))
    }

    /// Any member fields changed on the platform (`{"level": "gold"}`).
    pub fn edit_member(&self, member_id: &str, fields: Value) -> Option<Value> {
        self.shared.patch(Table::Members, member_id, fields)
    }

    /// The supplier moves an order to `status` (forward or not); `None` if unknown.
    pub fn set_order_status(&self, order_number: &str, status: &str) -> Option<Value> {
        self.shared.order_status(order_number, status)
    }

    /// Stops accepting, drops every connection and waits for the server task.
    pub async fn stop(self) {
        self.server.stop().await;
    }
}
