//! The vendors' records: members on the member platform and orders at the supply chain,
//! generated from the seed, kept as the JSON the vendor answers with (seed 000 names), each
//! with its change time. Times only move forward and no two changes share one, so lists
//! ordered by change time page without ties.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Number, Value};

use crate::erp::gen::{person, SimRng};
use crate::erp::money::yuan;

/// One record and when the vendor last changed it.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub updated_ms: i64,
    pub body: Map<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Table {
    Members,
    Orders,
}

#[derive(Debug)]
pub(crate) struct State {
    pub members: BTreeMap<String, Row>,
    pub orders: BTreeMap<String, Row>,
    /// The last change time handed out (ms).
    clock_ms: i64,
}

const LEVELS: &[&str] = &["bronze", "silver", "gold", "platinum"];
const GOODS: &[(&str, &str, i64)] = &[
    ("鸡肉", "kg", 3000),
    ("牛肉", "kg", 8800),
    ("青菜", "kg", 650),
    ("大米", "bag", 12000),
    ("食用油", "bottle", 9900),
];

/// Money as the seed writes it: a JSON number of yuan (`200.00` → `200.0`), built from
/// the integer fen's text, never by float arithmetic.
pub(crate) fn money(fen: i64) -> Value {
    yuan(fen)
        .parse::<Number>()
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

pub(crate) fn utc_text(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A local (UTC+8) date-time without an offset, as seed 000 writes dates.
pub(crate) fn local_text(ms: i64) -> String {
    let at = DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default() + Duration::hours(8);
    at.format("%Y-%m-%dT%H:%M:%S").to_string()
}

pub(crate) fn member_id(n: usize) -> String {
    format!("MEM-{n:04}")
}

pub(crate) fn order_number(n: usize) -> String {
    format!("PO-{n:05}")
}

fn member(rng: &mut SimRng, n: usize) -> Map<String, Value> {
    let phone = format!("138{:08}", rng.below(100_000_000));
    let level = LEVELS[(rng.below(LEVELS.len() as u64)) as usize];
    let body = json!({
        "member_id": member_id(n),
        "external_id": format!("wx_openid_{n}"),
        "phone": phone,
        "name": person(rng),
        "email": format!("member{n}@example.com"),
        "level": level,
        "points": rng.below(10_000),
        "balance": money(i64::try_from(rng.below(100_000)).unwrap_or(0)),
    });
    body.as_object().cloned().unwrap_or_default()
}

/// Odd orders are `pending`, even ones `confirmed`: every one can still move forward.
fn order(rng: &mut SimRng, n: usize, ordered_ms: i64) -> Map<String, Value> {
    let lines = 1 + rng.below(3) as usize;
    let mut items = Vec::new();
    let mut subtotal = 0i64;
    for _ in 0..lines {
        let (name, unit, price) = GOODS[rng.below(GOODS.len() as u64) as usize];
        let quantity = 1 + i64::try_from(rng.below(50)).unwrap_or(0);
        subtotal += quantity * price;
        items
            .push(json!({"name": name, "quantity": quantity, "unit": unit, "price": money(price)}));
    }
    let (tax, shipping) = (subtotal / 10, 20_000);
    let body = json!({
        "order_number": order_number(n),
        "supplier_id": "SUP-001",
        "supplier_name": "蜀海供应链",
        "type": "purchase",
        "status": if n % 2 == 1 { "pending" } else { "confirmed" },
        "subtotal": money(subtotal),
        "tax": money(tax),
        "shipping": money(shipping),
        "total": money(subtotal + tax + shipping),
        "items": items,
        "delivery": {"address": "北京市朝阳区建国路88号", "contact": person(rng),
                     "phone": format!("139{:08}", rng.below(100_000_000))},
        "order_date": local_text(ordered_ms),
        "expected_delivery": local_text(ordered_ms + 3 * 24 * 3600 * 1000),
        "actual_delivery": null,
    });
    body.as_object().cloned().unwrap_or_default()
}

impl State {
    /// `members` members and `orders` orders, changed over the last 30 days, oldest first.
    pub(crate) fn generate(members: usize, orders: usize, seed: u64) -> State {
        let mut rng = SimRng::new(seed ^ 0x5EED_0000);
        let now = Utc::now().timestamp_millis();
        let total = i64::try_from(members + orders).unwrap_or(i64::MAX).max(1);
        let step = (30 * 24 * 3600 * 1000 / total).max(1);
        let mut at = now - step * total;
        let mut state = State {
            members: BTreeMap::new(),
            orders: BTreeMap::new(),
            clock_ms: 0,
        };
        for n in 1..=members {
            at += step;
            let body = member(&mut rng, n);
            state.members.insert(
                member_id(n),
                Row {
                    updated_ms: at,
                    body,
                },
            );
        }
        for n in 1..=orders {
            at += step;
            let body = order(&mut rng, n, at - 3600 * 1000);
            state.orders.insert(
                order_number(n),
                Row {
                    updated_ms: at,
                    body,
                },
            );
        }
        state.clock_ms = at;
        state
    }

    /// A change time later than every one before it.
    pub(crate) fn tick(&mut self) -> i64 {
        self.clock_ms = Utc::now().timestamp_millis().max(self.clock_ms + 1);
        self.clock_ms
    }

    pub(crate) fn table(&self, table: Table) -> &BTreeMap<String, Row> {
        match table {
            Table::Members => &self.members,
            Table::Orders => &self.orders,
        }
    }

    pub(crate) fn table_mut(&mut self, table: Table) -> &mut BTreeMap<String, Row> {
        match table {
            Table::Members => &mut self.members,
            Table::Orders => &mut self.orders,
        }
    }

    /// Applies `patch` to a record (creating it when `create`), with a new change time.
    pub(crate) fn change(
        &mut self,
        table: Table,
        id: &str,
        patch: &Map<String, Value>,
        create: bool,
    ) -> Option<Value> {
        let at = self.tick();
        let rows = self.table_mut(table);
        if !create && !rows.contains_key(id) {
            return None;
        }
        let row = rows.entry(id.to_owned()).or_insert_with(|| Row {
            updated_ms: at,
            body: Map::new(),
        });
        for (k, v) in patch {
            if k != "updated_at" {
                row.body.insert(k.clone(), v.clone());
            }
        }
        row.updated_ms = at;
        Some(render(row))
    }

    /// Page `page` (1-based) of the records changed at or after `since_ms`, oldest change
    /// first, and how many match in all.
    pub(crate) fn list(
        &self,
        table: Table,
        since_ms: Option<i64>,
        page: usize,
        limit: usize,
    ) -> (Vec<Value>, usize) {
        let mut rows: Vec<(&String, &Row)> = self
            .table(table)
            .iter()
            .filter(|(_, r)| since_ms.is_none_or(|s| r.updated_ms >= s))
            .collect();
        rows.sort_by(|a, b| (a.1.updated_ms, a.0).cmp(&(b.1.updated_ms, b.0)));
        let total = rows.len();
        let start = page.saturating_sub(1).saturating_mul(limit);
        let items = rows
            .into_iter()
            .skip(start)
            .take(limit)
            .map(|(_, r)| render(r))
            .collect();
        (items, total)
    }
}

/// A record as the vendor answers it: its fields and its change time.
pub(crate) fn render(row: &Row) -> Value {
    let mut body = row.body.clone();
    body.insert("updated_at".into(), Value::String(utc_text(row.updated_ms)));
    Value::Object(body)
}
