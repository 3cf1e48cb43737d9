//! Which K3 form and fields each stream reads, the shipped mapping (seed 004 §4.1.2 for
//! customers), and turning ExecuteBillQuery rows into records.

use serde_json::{Map, Value};

use crate::connector::{erp_streams, PageStyle, StreamSpec};
use crate::mapping::FieldMapping;

pub const STREAMS: &[StreamSpec] = &erp_streams("FModifyDate", PageStyle::Offset);

/// The K3 form behind a stream: its FormId, internal id key and number key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Form {
    pub form_id: &'static str,
    pub id_key: &'static str,
    pub number_key: &'static str,
}

pub fn form(stream: &str) -> Option<Form> {
    let (form_id, id_key, number_key) = match stream {
        "customers" => ("BD_Customer", "FCUSTID", "FNumber"),
        "products" => ("BD_MATERIAL", "FMATERIALID", "FNumber"),
        "orders" => ("SAL_SaleOrder", "FID", "FBillNo"),
        _ => return None,
    };
    Some(Form {
        form_id,
        id_key,
        number_key,
    })
}

pub const MODIFY_DATE: &str = "FModifyDate";
/// The order lines, read by a second query; not a field of the header.
pub const ORDER_ENTRY: &str = "FSaleOrderEntry";
/// Entry fields of a sales order line, in this order.
pub const ENTRY_KEYS: &[&str] = &[
    "FID",
    "FMaterialId.FNumber",
    "FMaterialId.FName",
    "FUnitID.FName",
    "FQty",
    "FTaxPrice",
    "FAllAmount",
];

/// The shipped mapping, K3 field → seed 004 model field, one per stream. Customers follow
/// seed 004's K3 table (FNumber, FName, FContact, FPhone, FAddress, FTaxNo, FStatus).
pub fn default_mapping(stream: &str) -> FieldMapping {
    match stream {
        "customers" => FieldMapping::from_pairs(&[
            ("externalId", "FNumber"),
            ("code", "FNumber"),
            ("name", "FName"),
            ("type", "FCustTypeId.FNumber"),
            ("contacts[0].name", "FContact"),
            ("contacts[0].phone", "FPhone"),
            ("contacts[0].email", "FEMail"),
            ("addresses[0].address", "FAddress"),
            ("addresses[0].city", "FCity"),
            ("addresses[0].province", "FProvince"),
            ("companyInfo.taxNumber", "FTaxNo"),
            ("financialInfo.creditLimit", "FCreditAmount"),
            ("metadata.status", "FStatus"),
            ("metadata.updatedAt", "FModifyDate"),
        ]),
        "products" => FieldMapping::from_pairs(&[
            ("externalId", "FNumber"),
            ("sku", "FNumber"),
            ("name", "FName"),
            ("description", "FDescription"),
            ("category.id", "FMaterialGroup.FNumber"),
            ("category.name", "FMaterialGroup.FName"),
            ("pricing.costPrice", "FRefCost"),
            ("pricing.priceUnit", "FBaseUnitId.FName"),
            ("status", "FForbidStatus"),
            ("metadata.updatedAt", "FModifyDate"),
        ]),
        "orders" => FieldMapping::from_pairs(&[
            ("externalId", "FBillNo"),
            ("orderNumber", "FBillNo"),
            ("customer.id", "FCustId.FNumber"),
            ("customer.code", "FCustId.FNumber"),
            ("customer.name", "FCustId.FName"),
            ("items", ORDER_ENTRY),
            ("amounts.totalAmount", "FBillAllAmount"),
            ("amounts.currency", "FSettleCurrId.FNumber"),
            ("status.code", "FDocumentStatus"),
            ("metadata.createdAt", "FDate"),
            ("metadata.updatedAt", "FModifyDate"),
        ]),
        _ => FieldMapping::default(),
    }
}

/// The model fields a mapping may fill (the same model as every ERP connector).
pub fn mappable_fields(stream: &str) -> Vec<&'static str> {
    crate::custom_erp::mappable_fields(stream)
}

/// The FieldKeys to ask for: every header field the mapping reads, plus the id, number
/// and change time paging needs; sorted so the query is the same every time.
pub fn field_keys(stream: &str, mapping: &FieldMapping) -> Vec<String> {
    let Some(f) = form(stream) else {
        return Vec::new();
    };
    let mut keys: Vec<String> = mapping
        .fields
        .values()
        .filter(|s| s.as_str() != ORDER_ENTRY)
        .cloned()
        .collect();
    keys.extend([f.id_key, f.number_key, MODIFY_DATE].map(str::to_owned));
    keys.sort();
    keys.dedup();
    keys
}

/// K3 sends amounts as JSON numbers; they are kept as decimal text, never as floats.
fn normalise(v: &Value) -> Value {
    match v {
        Value::Number(n) if !n.is_i64() && !n.is_u64() => Value::String(n.to_string()),
        other => other.clone(),
    }
}

/// One ExecuteBillQuery row as an object; `FCustId.FNumber` becomes `{"FCustId":{"FNumber"}}`
/// so mapping paths read it.
pub fn row_object(keys: &[String], row: &Value) -> Value {
    let mut out = Map::new();
    let cells = row.as_array().map(Vec::as_slice).unwrap_or_default();
    for (key, cell) in keys.iter().zip(cells) {
        let value = normalise(cell);
        match key.split_once('.') {
            Some((head, rest)) => {
                let slot = out
                    .entry(head.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                if let Some(m) = slot.as_object_mut() {
                    m.insert(rest.to_owned(), value);
                }
            }
            None => {
                out.insert(key.clone(), value);
            }
        }
    }
    Value::Object(out)
}

/// Text of a cell that may be a string or a number.
pub fn cell_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One order line in the seed 004 model, from an entry row (keys: [`ENTRY_KEYS`]).
pub fn order_item(line: usize, row: &[Value]) -> Value {
    let at = |i: usize| row.get(i).and_then(cell_text).map(Value::String);
    let mut item = Map::new();
    item.insert("lineNumber".into(), Value::from(line as u64 + 1));
    let mut product = Map::new();
    for (k, i) in [("id", 1), ("sku", 1), ("name", 2)] {
        if let Some(v) = at(i) {
            product.insert(k.into(), v);
        }
    }
    item.insert("product".into(), Value::Object(product));
    for (k, i) in [
        ("unit", 3),
        ("quantity", 4),
        ("unitPrice", 5),
        ("subtotal", 6),
    ] {
        if let Some(v) = at(i) {
            item.insert(k.into(), v);
        }
    }
    Value::Object(item)
}

/// A value for a K3 FilterString literal: single quotes doubled.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}
