//! The platform's reservations: generated from the seed, kept in memory, listed in change
//! order, moved through seed 002's status machine.

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use serde_json::{json, Value};

use crate::erp::gen::{person, SimRng};
use crate::erp::money::yuan;

pub(crate) const STATUSES: &[&str] = &[
    "pending",
    "confirmed",
    "arrived",
    "seated",
    "completed",
    "cancelled",
    "no_show",
];

/// Seed 002's machine: pending → confirmed → arrived → seated → completed; cancelled
/// before seating; no_show while expected.
pub(crate) fn can_become(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("pending", "confirmed" | "cancelled" | "no_show")
            | ("confirmed", "arrived" | "cancelled" | "no_show")
            | ("arrived", "seated" | "cancelled")
            | ("seated", "completed")
    )
}

const SLOTS: &[&str] = &[
    "11:30-13:30",
    "12:00-14:00",
    "17:30-19:30",
    "18:00-20:00",
    "19:00-21:00",
];
const TABLE_TYPES: &[&str] = &["圆桌", "方桌", "包间", "卡座"];
const AREAS: &[&str] = &["大厅", "包间区", "露台", "二楼"];
const CHANNELS: &[&str] = &["微信小程序", "电话", "大众点评", "官网"];
const WISHES: &[&str] = &["", "靠窗位置", "需要儿童座椅", "安静一点", "生日布置"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reservation {
    pub reservation_id: String,
    pub external_id: String,
    pub number: String,
    pub customer_name: String,
    pub customer_phone: String,
    pub customer_count: i64,
    /// Midnight of the day, Unix seconds.
    pub date: i64,
    pub slot: &'static str,
    pub table_type: &'static str,
    pub table_number: Option<String>,
    pub area: &'static str,
    pub status: String,
    pub wishes: &'static str,
    pub notes: String,
    pub deposit_fen: i64,
    pub deposit_paid: bool,
    pub channel: &'static str,
    pub arrival: Option<i64>,
    pub created: i64,
    /// Unix seconds, unique across the data set (the list's change order).
    pub updated: i64,
}

fn pick<T: Copy>(rng: &mut SimRng, list: &[T]) -> T {
    list[rng.below(list.len() as u64) as usize]
}

pub(crate) struct Book {
    pub rows: Vec<Reservation>,
    /// (updated, index): the list order.
    order: BTreeSet<(i64, usize)>,
    /// The last change time handed out, so every change gets its own second.
    clock: i64,
    pub offset: FixedOffset,
}

impl Book {
    /// `records` reservations, their change times a minute apart ending an hour ago.
    pub(crate) fn generate(records: usize, seed: u64, offset: FixedOffset, now: i64) -> Book {
        let start = now - 3600 - 60 * records as i64;
        let today = now - now.rem_euclid(86_400);
        let rows: Vec<Reservation> = (1..=records)
            .map(|n| {
                let mut r = SimRng::new(seed ^ (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
                let count = 1 + r.below(12) as i64;
                let status = match n % 10 {
                    0 | 3 | 6 => "pending",
                    7 => "cancelled",
                    _ => "confirmed",
                };
                let deposit_fen = if count >= 8 { 20_000 } else { 0 };
                let updated = start + 60 * n as i64;
                Reservation {
                    reservation_id: format!("RES-{n:06}"),
                    external_id: format!("yiding_res_{n:06}"),
                    number: format!("YD{n:08}"),
                    customer_name: person(&mut r),
                    customer_phone: format!("138{:08}", r.below(100_000_000)),
                    customer_count: count,
                    date: today + 86_400 * (1 + r.below(30) as i64),
                    slot: pick(&mut r, SLOTS),
                    table_type: pick(&mut r, TABLE_TYPES),
                    table_number: None,
                    area: pick(&mut r, AREAS),
                    status: status.to_owned(),
                    wishes: pick(&mut r, WISHES),
                    notes: String::new(),
                    deposit_fen,
                    deposit_paid: deposit_fen > 0 && r.below(2) == 1,
                    channel: pick(&mut r, CHANNELS),
                    arrival: None,
                    created: updated,
                    updated,
                }
            })
            .collect();
        let order = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.updated, i))
            .collect();
        Book {
            rows,
            order,
            clock: now - 3600,
            offset,
        }
    }

    pub(crate) fn index(&self, id: &str) -> Option<usize> {
        let n: usize = id.strip_prefix("RES-")?.parse().ok()?;
        (n >= 1 && self.rows.get(n - 1)?.reservation_id == id).then(|| n - 1)
    }

    /// A new change time for row `i`: now, or a second after the last one handed out.
    pub(crate) fn bump(&mut self, i: usize, now: i64) {
        self.clock = now.max(self.clock + 1);
        let old = self.rows[i].updated;
        self.order.remove(&(old, i));
        self.rows[i].updated = self.clock;
        self.order.insert((self.clock, i));
    }

    /// Rows changed at or after `since`, oldest change first.
    pub(crate) fn changed_since(&self, since: Option<i64>) -> impl Iterator<Item = usize> + '_ {
        self.order
            .range((since.unwrap_or(i64::MIN), 0)..)
            .map(|(_, i)| *i)
    }

    pub(crate) fn local(&self, secs: i64) -> String {
        DateTime::<Utc>::from_timestamp(secs, 0)
            .map(|t| {
                t.with_timezone(&self.offset)
                    .format("%Y-%m-%dT%H:%M:%S")
                    .to_string()
            })
            .unwrap_or_default()
    }

    /// Local text (`2024-02-15T18:05:00`, a bare date, or RFC 3339) → Unix seconds.
    pub(crate) fn parse_local(&self, text: &str) -> Option<i64> {
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            return Some(t.timestamp());
        }
        let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
            .ok()
            .or_else(|| {
                chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .ok()?
                    .and_hms_opt(0, 0, 0)
            })?;
        self.offset
            .from_local_datetime(&naive)
            .single()
            .map(|t| t.timestamp())
    }

    /// The reservation's day at local midnight.
    fn day(&self, r: &Reservation) -> String {
        let local = self.local(r.date);
        format!("{}T00:00:00", local.get(..10).unwrap_or_default())
    }

    /// Seed 002's ReservationSync model, as the list and the status change answer it.
    pub(crate) fn render(&self, r: &Reservation, store_id: &str) -> Value {
        json!({
            "reservation_id": r.reservation_id,
            "external_reservation_id": r.external_id,
            "reservation_number": r.number,
            "store_id": store_id,
            "customer_name": r.customer_name,
            "customer_phone": r.customer_phone,
            "customer_count": r.customer_count,
            "reservation_date": self.day(r),
            "reservation_time": r.slot,
            "arrival_time": r.arrival.map(|a| self.local(a)),
            "table_type": r.table_type,
            "table_number": r.table_number,
            "area": r.area,
            "status": r.status,
            "special_requirements": r.wishes,
            "notes": r.notes,
            "deposit_required": r.deposit_fen > 0,
            "deposit_amount": money(r.deposit_fen),
            "deposit_paid": r.deposit_paid,
            "source": "yiding",
            "channel": r.channel,
            "created_at": self.local(r.created),
            "updated_at": self.local(r.updated),
        })
    }

    /// The webhook `data` of seed 002: the push body's names (`external_id`).
    pub(crate) fn webhook_data(&self, r: &Reservation) -> Value {
        json!({
            "reservation_id": r.reservation_id,
            "external_id": r.external_id,
            "reservation_number": r.number,
            "customer_name": r.customer_name,
            "customer_phone": r.customer_phone,
            "customer_count": r.customer_count,
            "reservation_date": self.day(r),
            "reservation_time": r.slot,
            "table_type": r.table_type,
            "area": r.area,
            "status": r.status,
            "special_requirements": r.wishes,
            "notes": r.notes,
            "deposit_required": r.deposit_fen > 0,
            "deposit_amount": money(r.deposit_fen),
            "deposit_paid": r.deposit_paid,
            "source": "yiding",
            "channel": r.channel,
        })
    }
}

/// Fen as a JSON number of yuan (`200.00` → `200.0`), built from decimal text.
fn money(fen: i64) -> Value {
    yuan(fen)
        .parse::<serde_json::Number>()
        .map(Value::Number)
        .unwrap_or(Value::Null)
}
