//! The header row → seed 002's fields (their English names, or the Chinese titles the seed
//! and the platform's exports use), and one row's cells → the JSON body a push would send.

use serde_json::{Map, Value};
use storelink_core::error::{AppError, Rule};
use storelink_core::Money;

use super::sheet::{serial_datetime, Cell};
use super::RowError;

/// What a column holds, which decides how its cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Integer,
    Money,
    Flag,
    Date,
    Slot,
}

/// (field of `ReservationInput`, kind, titles accepted besides the field's own name).
const FIELDS: &[(&str, Kind, &[&str])] = &[
    ("reservation_id", Kind::Text, &["预订ID", "预订编号"]),
    (
        "external_id",
        Kind::Text,
        &["external_reservation_id", "易订系统预订ID", "易订预订ID"],
    ),
    ("reservation_number", Kind::Text, &["预订号"]),
    ("customer_name", Kind::Text, &["客户姓名", "姓名"]),
    (
        "customer_phone",
        Kind::Text,
        &["客户电话", "电话", "手机号"],
    ),
    (
        "customer_count",
        Kind::Integer,
        &["人数", "客户人数", "就餐人数"],
    ),
    ("reservation_date", Kind::Date, &["预订日期", "日期"]),
    (
        "reservation_time",
        Kind::Slot,
        &["时间段", "预订时间", "预订时段"],
    ),
    ("table_type", Kind::Text, &["桌台类型", "桌型"]),
    ("table_number", Kind::Text, &["桌号"]),
    ("area", Kind::Text, &["区域"]),
    ("status", Kind::Text, &["状态", "预订状态"]),
    ("special_requirements", Kind::Text, &["特殊要求"]),
    ("notes", Kind::Text, &["备注"]),
    (
        "deposit_required",
        Kind::Flag,
        &["需要预付款", "是否需要预付款"],
    ),
    (
        "deposit_amount",
        Kind::Money,
        &["预付款金额", "预付款", "定金"],
    ),
    (
        "deposit_paid",
        Kind::Flag,
        &["预付款已付", "是否已付预付款", "已付款"],
    ),
    ("source", Kind::Text, &["来源"]),
    ("channel", Kind::Text, &["渠道", "来源渠道"]),
];

/// Columns of seed 002's ReservationSync model that a push does not carry (an export of
/// it imports as is): read past, and named in the report.
const MODEL_ONLY: &[&str] = &[
    "id",
    "system_id",
    "store_id",
    "arrival_time",
    "sync_status",
    "synced_at",
    "created_at",
    "updated_at",
];

/// Which field each column fills (`None`: not imported).
pub(super) struct Columns {
    fields: Vec<Option<(&'static str, Kind)>>,
    pub ignored: Vec<String>,
}

fn field_of(title: &str) -> Option<(&'static str, Kind)> {
    let key = title.trim().to_lowercase();
    FIELDS
        .iter()
        .find(|(name, _, aliases)| *name == key || aliases.iter().any(|a| a.to_lowercase() == key))
        .map(|(name, kind, _)| (*name, *kind))
}

impl Columns {
    pub(super) fn from_header(header: &[String]) -> Result<Columns, AppError> {
        let mut fields = Vec::new();
        let mut ignored = Vec::new();
        let mut unknown = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for title in header {
            let field = field_of(title);
            match field {
                Some((name, _)) if seen.contains(&name) => {
                    return Err(header_error(format!(
                        "two columns fill {name} (`{title}` and an earlier one)"
                    )));
                }
                Some((name, _)) => seen.push(name),
                None if title.is_empty() => {}
                None if MODEL_ONLY.contains(&title.to_lowercase().as_str()) => {
                    ignored.push(title.clone());
                }
                None => unknown.push(format!("`{title}`")),
            }
            fields.push(field);
        }
        if !unknown.is_empty() {
            let known: Vec<&str> = FIELDS.iter().map(|(n, ..)| *n).collect();
            return Err(header_error(format!(
                "unknown column {}: the header row names seed 002's fields ({}) or their Chinese titles",
                unknown.join(", "),
                known.join(", ")
            )));
        }
        if !seen.contains(&"reservation_id") {
            return Err(header_error(
                "the header row has no reservation_id (预订ID) column".to_owned(),
            ));
        }
        Ok(Columns { fields, ignored })
    }

    /// One row → the push body (cells that cannot be read left out), and what is wrong
    /// with those cells.
    pub(super) fn body(&self, row: usize, cells: &[Cell]) -> (Value, Vec<RowError>) {
        let mut body = Map::new();
        let mut errors = Vec::new();
        for (column, cell) in self.fields.iter().zip(cells) {
            let Some((name, kind)) = column else {
                continue;
            };
            match value(*kind, cell) {
                Ok(Some(v)) => {
                    body.insert((*name).to_owned(), v);
                }
                Ok(None) => {}
                Err(message) => errors.push(RowError {
                    row,
                    field: (*name).to_owned(),
                    message,
                }),
            }
        }
        (Value::Object(body), errors)
    }
}

fn header_error(message: String) -> AppError {
    AppError::field(
        "file",
        Rule::Format {
            expected: "a header row of seed 002's reservation fields".into(),
        },
        message,
    )
}

/// A whole number as its text; anything else `None` (no float is computed with).
fn whole(f: f64) -> Option<i64> {
    let text = f.to_string();
    text.parse::<i64>().ok()
}

fn value(kind: Kind, cell: &Cell) -> Result<Option<Value>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    let text = |t: String| Ok(Some(Value::String(t)));
    match (kind, cell) {
        (_, Cell::Empty) => Ok(None),
        (Kind::Integer, Cell::Int(n)) => Ok(Some(Value::from(*n))),
        (Kind::Integer, Cell::Float(f)) => whole(*f)
            .map(|n| Some(Value::from(n)))
            .ok_or_else(|| format!("`{f}` is not a whole number")),
        (Kind::Integer, Cell::Text(t)) => t
            .trim()
            .parse::<i64>()
            .map(|n| Some(Value::from(n)))
            .map_err(|_| format!("`{t}` is not a whole number")),
        (Kind::Flag, Cell::Bool(b)) => Ok(Some(Value::Bool(*b))),
        (Kind::Flag, Cell::Int(n)) if *n == 0 || *n == 1 => Ok(Some(Value::Bool(*n == 1))),
        (Kind::Flag, other) => {
            let t = other.title().to_lowercase();
            match t.as_str() {
                "true" | "1" | "yes" | "y" | "是" | "已付" | "需要" => {
                    Ok(Some(Value::Bool(true)))
                }
                "false" | "0" | "no" | "n" | "否" | "未付" | "不需要" => {
                    Ok(Some(Value::Bool(false)))
                }
                _ => Err(format!(
                    "`{}` is not yes/no (true/false, 1/0, 是/否)",
                    other.title()
                )),
            }
        }
        // Money goes on as decimal text; the push rules read it exactly.
        (Kind::Money, other) => {
            let t = match other {
                Cell::Float(f) => f.to_string(),
                _ => other.title(),
            };
            Money::parse_yuan(&t)
                .map(|_| Some(Value::String(t)))
                .map_err(|e| e.to_string())
        }
        (Kind::Date, Cell::DateTime(t)) => text(t.format("%Y-%m-%dT%H:%M:%S").to_string()),
        (Kind::Date, Cell::Float(f)) => serial_datetime(*f)
            .map(|t| Some(Value::String(t.format("%Y-%m-%dT%H:%M:%S").to_string())))
            .ok_or_else(|| format!("`{f}` is not a date")),
        (Kind::Date, Cell::Int(n)) => serial_datetime(*n as f64)
            .map(|t| Some(Value::String(t.format("%Y-%m-%dT%H:%M:%S").to_string())))
            .ok_or_else(|| format!("`{n}` is not a date")),
        (Kind::Slot, Cell::DateTime(t)) => text(t.format("%H:%M").to_string()),
        (Kind::Text, Cell::Float(f)) => match whole(*f) {
            // A phone number or id Excel stored as a number.
            Some(n) => text(n.to_string()),
            None => text(f.to_string()),
        },
        (_, other) => text(other.title()),
    }
}
