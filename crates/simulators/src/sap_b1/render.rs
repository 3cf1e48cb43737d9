//! The dataset in the Service Layer's shape, the error shape, and decimals written as JSON
//! numbers from fixed point (a marker string is swapped for the digits after serializing,
//! so no float is ever involved).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::Store;
use crate::erp::data::Kind;
use crate::erp::model::{Customer, Order, Product, Status};
use crate::erp::money::{quantity, yuan};

const NUM: &str = "\u{1}num:";

/// A decimal that is written as a bare JSON number.
pub(crate) fn num(text: String) -> Value {
    Value::String(format!("{NUM}{text}"))
}

fn swap(v: &Value, quote: bool) -> String {
    let text = v.to_string();
    let marker = "\"\\u0001num:";
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find(marker) {
        out.push_str(&rest[..at]);
        let after = &rest[at + marker.len()..];
        let end = after.find('"').unwrap_or(after.len());
        if quote {
            out.push('"');
        }
        out.push_str(&after[..end]);
        if quote {
            out.push('"');
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// The JSON text as sent: decimals as numbers.
pub(crate) fn wire_text(v: &Value) -> String {
    swap(v, false)
}

/// The JSON text with decimals as strings (for tests reading records without floats).
pub(crate) fn plain_text(v: &Value) -> String {
    swap(v, true)
}

pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut r = (status, wire_text(body)).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json;odata=minimalmetadata;charset=utf-8"),
    );
    r
}

/// `{"error":{"code","message":{"lang","value"}}}`
pub(crate) fn error_body(code: i64, message: &str) -> Value {
    json!({"error": {"code": code, "message": {"lang": "en-us", "value": message}}})
}

pub(crate) fn error(status: StatusCode, code: i64, message: &str) -> Response {
    json_response(status, &error_body(code, message))
}

/// A refusal in the Service Layer's shape, answered by `into_response`.
#[derive(Debug)]
pub(crate) struct SapError {
    pub status: StatusCode,
    pub code: i64,
    pub message: String,
}

impl SapError {
    pub(crate) fn new(status: StatusCode, code: i64, message: impl Into<String>) -> Self {
        SapError {
            status,
            code,
            message: message.into(),
        }
    }
}

impl IntoResponse for SapError {
    fn into_response(self) -> Response {
        error(self.status, self.code, &self.message)
    }
}

pub(crate) fn not_found() -> SapError {
    SapError::new(
        StatusCode::NOT_FOUND,
        -2028,
        "No matching records found (ODBC -2028)",
    )
}

pub(crate) fn invalid_session() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        301,
        "Invalid session or session already timeout.",
    )
}

/// (`UpdateDate`, `UpdateTime`) of a change time.
pub(crate) fn date_time(ms: i64) -> (String, String) {
    let t = DateTime::<Utc>::from_timestamp_millis(ms).unwrap_or_default();
    (
        t.format("%Y-%m-%d").to_string(),
        t.format("%H:%M:%S").to_string(),
    )
}

fn yes(b: bool) -> &'static str {
    if b {
        "tYES"
    } else {
        "tNO"
    }
}

fn stamp(v: &mut Value, ms: i64) {
    let (d, t) = date_time(ms);
    v["UpdateDate"] = Value::String(d);
    v["UpdateTime"] = Value::String(t);
}

fn partner(code: String, c: &Customer, ms: i64) -> Value {
    let active = c.status == "active";
    let mut v = json!({
        "CardCode": code,
        "CardName": c.name,
        "CardType": "cCustomer",
        "CompanyPrivate": if c.kind == "company" { "cCompany" } else { "cPrivate" },
        "ContactPerson": c.contact_name,
        "Phone1": c.contact_phone,
        "EmailAddress": c.email,
        "Address": c.address,
        "City": c.city,
        "County": c.province,
        "Country": "CN",
        "FederalTaxID": c.tax_number,
        "CreditLimit": num(yuan(c.credit_limit_fen)),
        "Currency": "CNY",
        "Valid": yes(active),
        "Frozen": yes(!active),
    });
    stamp(&mut v, ms);
    v
}

/// `CAT-3` → items group 102 (groups start at 100 in a fresh company).
fn group(category_id: &str) -> i64 {
    category_id
        .strip_prefix("CAT-")
        .and_then(|n| n.parse::<i64>().ok())
        .map_or(100, |n| 99 + n)
}

fn item(code: String, p: &Product, ms: i64) -> Value {
    let stock = num(quantity(p.quantity_milli));
    let mut v = json!({
        "ItemCode": code,
        "ItemName": p.name,
        "BarCode": p.sku,
        "User_Text": p.description,
        "ItemsGroupCode": group(&p.category_id),
        "SalesUnit": p.unit,
        "InventoryUOM": p.unit,
        "QuantityOnStock": stock.clone(),
        "MovingAveragePrice": num(yuan(p.cost_fen)),
        "ItemPrices": [{"PriceList": 1, "Price": num(yuan(p.price_fen)), "Currency": p.currency}],
        "ItemWarehouseInfoCollection": [{"WarehouseCode": p.warehouse, "InStock": stock}],
        "Valid": yes(p.status == "active"),
        "Frozen": yes(p.status != "active"),
    });
    stamp(&mut v, ms);
    v
}

fn document(store: &Store, n: u32, o: &Order, ms: i64) -> Value {
    let lines: Vec<Value> = o
        .items
        .iter()
        .enumerate()
        .map(|(i, l)| {
            json!({
                "LineNum": i,
                "ItemCode": l.product_id,
                "ItemDescription": l.name,
                "Quantity": num(quantity(l.quantity_milli)),
                "Price": num(yuan(l.unit_price_fen)),
                "LineTotal": num(yuan(l.amount_fen)),
                "Currency": o.currency,
            })
        })
        .collect();
    let closed = matches!(o.status, Status::Delivered | Status::Cancelled);
    let card = Kind::Customers
        .parse_id(&o.customer_id)
        .map_or_else(|| o.customer_id.clone(), |c| store.card_code(c));
    let (doc_date, _) = date_time(o.created_ms);
    let mut v = json!({
        "DocEntry": n,
        "DocNum": n,
        "DocType": "dDocument_Items",
        "DocDate": doc_date,
        "DocDueDate": doc_date,
        "CardCode": card,
        "CardName": o.customer_name,
        "NumAtCard": o.reference.clone().unwrap_or_else(|| o.order_number.clone()),
        "DocCurrency": o.currency,
        "DocTotal": num(yuan(o.total_fen())),
        "VatSum": num(yuan(0)),
        "DocumentStatus": if closed { "bost_Close" } else { "bost_Open" },
        "Cancelled": yes(o.status == Status::Cancelled),
        "Comments": o.status.name(),
        "DocumentLines": lines,
    });
    stamp(&mut v, ms);
    v
}

/// One record in the Service Layer's shape.
pub(crate) fn entity(store: &Store, kind: Kind, n: u32) -> Option<Value> {
    let d = &store.data;
    match kind {
        Kind::Customers => d
            .customer(n)
            .map(|(c, s)| partner(store.card_code(n), &c, s.updated_ms)),
        Kind::Products => d
            .product(n)
            .map(|(p, s)| item(kind.id(n), &p, s.updated_ms)),
        Kind::Orders => d
            .order(n)
            .map(|(o, s)| document(store, n, &o, s.updated_ms)),
    }
}

/// The entity set of a kind.
pub(crate) fn set_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Customers => "BusinessPartners",
        Kind::Products => "Items",
        Kind::Orders => "Orders",
    }
}

/// Keeps only the `$select`ed properties.
pub(crate) fn select(v: Value, fields: Option<&[String]>) -> Value {
    match (fields, v) {
        (Some(keep), Value::Object(map)) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| keep.iter().any(|f| f == k))
                .collect(),
        ),
        (_, v) => v,
    }
}

/// The request body with decimal numbers as strings (parsed without floats).
pub(crate) fn parse_body(bytes: &[u8]) -> Result<serde_json::Map<String, Value>, SapError> {
    let text = std::str::from_utf8(bytes).map_err(|_| bad_body())?;
    match serde_json::from_str::<Value>(&decimals_as_strings(text)) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(bad_body()),
    }
}

fn bad_body() -> SapError {
    SapError::new(
        StatusCode::BAD_REQUEST,
        -1000,
        "The request body is not a JSON object",
    )
}

/// Non-integer number tokens become strings of the same digits.
fn decimals_as_strings(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    let (mut i, mut in_string, mut start) = (0, false, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
        } else if b == b'"' {
            in_string = true;
            i += 1;
        } else if b == b'-' || b.is_ascii_digit() {
            let end = bytes[i..]
                .iter()
                .position(|c| {
                    !(c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
                })
                .map_or(bytes.len(), |p| i + p);
            if text[i..end].contains(['.', 'e', 'E']) {
                out.push_str(&text[start..i]);
                out.push('"');
                out.push_str(&text[i..end]);
                out.push('"');
                start = end;
            }
            i = end;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[start..]);
    out
}
