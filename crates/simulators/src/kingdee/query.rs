//! ExecuteBillQuery over the dataset. FilterString understands what a sync sends:
//! clauses joined by `AND`, each `FModifyDate >=|> 'local time'`, `<number> = 'X'`,
//! `<id> = N` or `<id> IN (N, …)`. Rows always come in (FModifyDate, id) order, whatever
//! OrderString says (the order a sync asks for). StartRow/Limit count rows; `Limit` 0 is
//! everything. With order line fields, one row per line; then StartRow/Limit count orders
//! unless the filter names the orders (as a lines query does), when they count lines.

use chrono::FixedOffset;
use serde_json::{Map, Value};

use super::render::{self, form_kind, id_key, number_key, Books, ENTRY_FIELDS, ID_BASE};
use crate::erp::data::{Data, Kind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Query {
    pub kind: Kind,
    pub keys: Vec<String>,
    pub since_ms: i64,
    /// Exactly these records (an id or number filter).
    pub only: Option<Vec<u32>>,
    pub start: usize,
    pub limit: usize,
}

/// A K3 refusal: (MsgCode, message).
pub(crate) type Refusal = (i64, String);

fn field<'v>(map: &'v Map<String, Value>, name: &str) -> Option<&'v Value> {
    map.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

fn count(map: &Map<String, Value>, name: &str) -> Result<usize, Refusal> {
    match field(map, name) {
        None | Some(Value::Null) => Ok(0),
        Some(v) => v
            .as_u64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            .map(|n| n as usize)
            .ok_or_else(|| (8, format!("{name} 必须是非负整数"))),
    }
}

fn unquote(text: &str) -> Option<String> {
    let t = text.trim();
    let inner = t.strip_prefix('\'')?.strip_suffix('\'')?;
    Some(inner.replace("''", "'"))
}

/// Splits on ` AND ` in any case.
fn clauses(filter: &str) -> Vec<String> {
    let lower = filter.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = lower[at..].find(" and ") {
        out.push(filter[at..at + i].to_owned());
        at += i + 5;
    }
    out.push(filter[at..].to_owned());
    out.into_iter()
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect()
}

impl Query {
    pub(crate) fn parse(
        data: &Data,
        books: &Books,
        map: &Map<String, Value>,
        offset: FixedOffset,
    ) -> Result<Query, Refusal> {
        let form = field(map, "FormId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let kind = form_kind(form).ok_or_else(|| (5, format!("业务对象 {form:?} 不存在")))?;
        let keys: Vec<String> = field(map, "FieldKeys")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .split(',')
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .collect();
        if keys.is_empty() {
            return Err((8, "FieldKeys 不能为空".to_owned()));
        }
        let mut q = Query {
            kind,
            keys,
            since_ms: i64::MIN,
            only: None,
            start: count(map, "StartRow")?,
            limit: count(map, "Limit")?,
        };
        let filter = field(map, "FilterString")
            .and_then(Value::as_str)
            .unwrap_or_default();
        for clause in clauses(filter) {
            q.clause(data, books, &clause, offset)?;
        }
        Ok(q)
    }

    fn clause(
        &mut self,
        data: &Data,
        books: &Books,
        clause: &str,
        offset: FixedOffset,
    ) -> Result<(), Refusal> {
        let bad = || (8, format!("过滤条件 {clause:?} 无法解析"));
        let lower = clause.to_ascii_lowercase();
        if let Some(i) = lower.find(" in ") {
            let name = clause[..i].trim();
            if !name.eq_ignore_ascii_case(id_key(self.kind)) {
                return Err(bad());
            }
            let list = clause[i + 4..].trim();
            let list = list
                .strip_prefix('(')
                .and_then(|l| l.strip_suffix(')'))
                .ok_or_else(bad)?;
            let ids = list
                .split(',')
                .map(|x| x.trim().parse::<i64>().map_err(|_| bad()))
                .collect::<Result<Vec<_>, _>>()?;
            self.narrow(data, ids.into_iter().filter_map(number_of).collect());
            return Ok(());
        }
        let (name, op, value) = [">=", "<=", "=", ">", "<"]
            .iter()
            .find_map(|op| {
                clause
                    .split_once(op)
                    .map(|(a, b)| (a.trim(), *op, b.trim()))
            })
            .ok_or_else(bad)?;
        if name.eq_ignore_ascii_case("FModifyDate") {
            let ms = unquote(value)
                .and_then(|t| render::parse_local(&t, offset))
                .ok_or_else(bad)?;
            self.since_ms = match op {
                ">=" => self.since_ms.max(ms),
                ">" => self.since_ms.max(ms + 1),
                _ => return Err(bad()),
            };
        } else if op != "=" {
            return Err(bad());
        } else if name.eq_ignore_ascii_case(number_key(self.kind)) {
            let number = unquote(value).ok_or_else(bad)?;
            let found = books.resolve(data, self.kind, &number);
            self.narrow(data, found.into_iter().collect());
        } else if name.eq_ignore_ascii_case(id_key(self.kind)) {
            let id: i64 = value.trim_matches('\'').parse().map_err(|_| bad())?;
            self.narrow(data, number_of(id).into_iter().collect());
        } else {
            return Err(bad());
        }
        Ok(())
    }

    fn narrow(&mut self, data: &Data, numbers: Vec<u32>) {
        let live: Vec<u32> = numbers
            .into_iter()
            .filter(|n| (*n as usize) <= data.len(self.kind))
            .collect();
        self.only = Some(match self.only.take() {
            Some(prev) => prev.into_iter().filter(|n| live.contains(n)).collect(),
            None => live,
        });
    }

    /// The rows, in FieldKeys order.
    pub(crate) fn run(
        &self,
        data: &Data,
        books: &Books,
        offset: FixedOffset,
    ) -> Result<Vec<Value>, Refusal> {
        let lines = self.kind == Kind::Orders
            && self
                .keys
                .iter()
                .any(|k| ENTRY_FIELDS.iter().any(|e| e.eq_ignore_ascii_case(k)));
        let limit = if self.limit == 0 {
            usize::MAX
        } else {
            self.limit
        };
        let maps: Vec<Map<String, Value>> = match &self.only {
            Some(only) => {
                let mut picked: Vec<(i64, u32)> = only
                    .iter()
                    .filter_map(|n| Some((updated_ms(data, self.kind, *n)?, *n)))
                    .filter(|(t, _)| *t >= self.since_ms)
                    .collect();
                picked.sort_unstable();
                picked.dedup();
                let all = picked
                    .iter()
                    .flat_map(|(_, n)| self.expand(data, books, *n, lines, offset));
                all.skip(self.start).take(limit).collect()
            }
            None => {
                let page = data.page(self.kind, self.since_ms, self.start, limit);
                page.numbers
                    .iter()
                    .flat_map(|n| self.expand(data, books, *n, lines, offset))
                    .collect()
            }
        };
        maps.iter()
            .map(|m| {
                self.keys
                    .iter()
                    .map(|k| {
                        m.iter()
                            .find(|(name, _)| name.eq_ignore_ascii_case(k))
                            .map(|(_, v)| v.clone())
                            .ok_or_else(|| (9, format!("字段 {k} 不存在")))
                    })
                    .collect::<Result<Vec<Value>, Refusal>>()
                    .map(Value::Array)
            })
            .collect()
    }

    fn expand(
        &self,
        data: &Data,
        books: &Books,
        n: u32,
        lines: bool,
        offset: FixedOffset,
    ) -> Vec<Map<String, Value>> {
        let Some(header) = render::record(data, books, self.kind, n, offset) else {
            return Vec::new();
        };
        if lines {
            render::lines(&header, data, n)
        } else {
            vec![header]
        }
    }
}

/// An internal id → record number.
pub(crate) fn number_of(id: i64) -> Option<u32> {
    u32::try_from(id - ID_BASE).ok().filter(|n| *n > 0)
}

fn updated_ms(data: &Data, kind: Kind, n: u32) -> Option<i64> {
    match kind {
        Kind::Customers => data.customers.get(n).map(|s| s.updated_ms),
        Kind::Products => data.products.get(n).map(|s| s.updated_ms),
        Kind::Orders => data.orders.get(n).map(|s| s.updated_ms),
    }
}
