//! The custom ERP dataset rendered as K3 Cloud fields: one flat map per record, keyed as
//! ExecuteBillQuery FieldKeys name them (`FCustId.FNumber`), and one per order line.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use serde_json::{json, Map, Value};

use crate::erp::data::{Data, Kind};
use crate::erp::money::{quantity, yuan};

/// Internal ids (FCUSTID, FMATERIALID, FID) are the record number plus this.
pub(crate) const ID_BASE: i64 = 100_000;

pub(crate) fn form_kind(form_id: &str) -> Option<Kind> {
    match form_id.to_ascii_uppercase().as_str() {
        "BD_CUSTOMER" => Some(Kind::Customers),
        "BD_MATERIAL" => Some(Kind::Products),
        "SAL_SALEORDER" => Some(Kind::Orders),
        _ => None,
    }
}

pub(crate) fn id_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Customers => "FCUSTID",
        Kind::Products => "FMATERIALID",
        Kind::Orders => "FID",
    }
}

pub(crate) fn number_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Orders => "FBillNo",
        _ => "FNumber",
    }
}

/// Order line fields; a query naming any of them answers one row per line.
pub(crate) const ENTRY_FIELDS: &[&str] = &[
    "FEntryID",
    "FMaterialId.FNumber",
    "FMaterialId.FName",
    "FUnitID.FName",
    "FQty",
    "FTaxPrice",
    "FAllAmount",
];

/// Numbers given by writes (FNumber, FBillNo) that are not the canonical `C000001`, and
/// the document status of orders moved by Submit/Audit.
#[derive(Debug, Default)]
pub(crate) struct Books {
    pub numbers: HashMap<(u8, String), u32>,
    pub named: HashMap<(u8, u32), String>,
    pub doc_status: HashMap<u32, &'static str>,
}

fn tag(kind: Kind) -> u8 {
    match kind {
        Kind::Customers => 0,
        Kind::Products => 1,
        Kind::Orders => 2,
    }
}

impl Books {
    pub(crate) fn number(&self, kind: Kind, n: u32) -> String {
        self.named
            .get(&(tag(kind), n))
            .cloned()
            .unwrap_or_else(|| kind.id(n))
    }

    /// The record number behind a K3 number, if the record exists.
    pub(crate) fn resolve(&self, data: &Data, kind: Kind, number: &str) -> Option<u32> {
        let n = self
            .numbers
            .get(&(tag(kind), number.to_owned()))
            .copied()
            .or_else(|| kind.parse_id(number))?;
        ((n as usize) <= data.len(kind)).then_some(n)
    }

    pub(crate) fn name(&mut self, kind: Kind, n: u32, number: &str) {
        if kind.id(n) != number {
            self.numbers.insert((tag(kind), number.to_owned()), n);
            self.named.insert((tag(kind), n), number.to_owned());
        }
    }
}

/// Local wall time as K3 prints it: `2024-02-15T18:05:00.123`.
pub(crate) fn local(ms: i64, offset: FixedOffset) -> String {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&offset)
        .format("%Y-%m-%dT%H:%M:%S%.3f")
        .to_string()
}

/// A local date-time literal (`T` or space, optional fraction, or a bare date) → ms.
pub(crate) fn parse_local(text: &str, offset: FixedOffset) -> Option<i64> {
    let text = text.trim();
    let naive = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })?;
    offset
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.timestamp_millis())
}

fn put(map: &mut Map<String, Value>, key: &str, value: Value) {
    map.insert(key.to_owned(), value);
}

/// Every header field of a record.
pub(crate) fn record(
    data: &Data,
    books: &Books,
    kind: Kind,
    n: u32,
    offset: FixedOffset,
) -> Option<Map<String, Value>> {
    let mut m = Map::new();
    put(&mut m, id_key(kind), json!(ID_BASE + i64::from(n)));
    put(&mut m, number_key(kind), json!(books.number(kind, n)));
    match kind {
        Kind::Customers => {
            let (c, slot) = data.customer(n)?;
            put(&mut m, "FModifyDate", json!(local(slot.updated_ms, offset)));
            for (k, v) in [
                ("FName", c.name),
                ("FCustTypeId.FNumber", c.kind),
                ("FContact", c.contact_name),
                ("FPhone", c.contact_phone),
                ("FEMail", c.email),
                ("FAddress", c.address),
                ("FCity", c.city),
                ("FProvince", c.province),
                ("FTaxNo", c.tax_number),
                ("FCreditAmount", yuan(c.credit_limit_fen)),
                ("FStatus", c.status),
                ("FDocumentStatus", "C".to_owned()),
                ("FForbidStatus", "A".to_owned()),
            ] {
                put(&mut m, k, json!(v));
            }
        }
        Kind::Products => {
            let (p, slot) = data.product(n)?;
            put(&mut m, "FModifyDate", json!(local(slot.updated_ms, offset)));
            let forbid = if p.status == "active" { "A" } else { "B" };
            for (k, v) in [
                ("FName", p.name),
                ("FDescription", p.description),
                ("FMaterialGroup.FNumber", p.category_id),
                ("FMaterialGroup.FName", p.category_name),
                ("FRefCost", yuan(p.cost_fen)),
                ("FBaseUnitId.FName", p.unit),
                ("FForbidStatus", forbid.to_owned()),
                ("FDocumentStatus", "C".to_owned()),
            ] {
                put(&mut m, k, json!(v));
            }
        }
        Kind::Orders => {
            let (o, slot) = data.order(n)?;
            put(&mut m, "FModifyDate", json!(local(slot.updated_ms, offset)));
            let status = books.doc_status.get(&n).copied().unwrap_or(
                if o.status == crate::erp::model::Status::Pending {
                    "A"
                } else {
                    "C"
                },
            );
            for (k, v) in [
                ("FDate", local(o.created_ms, offset)),
                ("FCustId.FNumber", o.customer_id.clone()),
                ("FCustId.FName", o.customer_name.clone()),
                ("FBillAllAmount", yuan(o.total_fen())),
                ("FSettleCurrId.FNumber", o.currency.clone()),
                ("FDocumentStatus", status.to_owned()),
            ] {
                put(&mut m, k, json!(v));
            }
        }
    }
    Some(m)
}

/// The lines of an order: its header fields plus one line's fields each.
pub(crate) fn lines(header: &Map<String, Value>, data: &Data, n: u32) -> Vec<Map<String, Value>> {
    let Some((o, _)) = data.order(n) else {
        return Vec::new();
    };
    o.items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let mut m = header.clone();
            put(
                &mut m,
                "FEntryID",
                json!(ID_BASE * 10 + i64::from(n) * 100 + i as i64),
            );
            put(&mut m, "FMaterialId.FNumber", json!(item.product_id));
            put(&mut m, "FMaterialId.FName", json!(item.name));
            put(&mut m, "FUnitID.FName", json!("Pcs"));
            put(&mut m, "FQty", json!(quantity(item.quantity_milli)));
            put(&mut m, "FTaxPrice", json!(yuan(item.unit_price_fen)));
            put(&mut m, "FAllAmount", json!(yuan(item.amount_fen)));
            m
        })
        .collect()
}
