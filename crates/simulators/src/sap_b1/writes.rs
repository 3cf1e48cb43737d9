//! Writes: business partners created and patched, orders created, closed and cancelled.
//! Refusals use DI API codes (negative), as the Service Layer passes them on.

use axum::http::StatusCode;
use serde_json::{Map, Value};

use super::render::{entity, not_found, parse_body, SapError};
use super::routes::store_mut;
use super::{sales_item, SapB1Writes, Shared};
use crate::erp::data::Kind;
use crate::erp::lock;
use crate::erp::model::{step_note, Customer, Status, Step};
use crate::erp::money::parse_fixed;

type Reply = Result<(StatusCode, Value), SapError>;

fn refuse(code: i64, message: &str) -> SapError {
    SapError::new(StatusCode::BAD_REQUEST, code, message)
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A decimal field in fixed point (`scale` places), refused when malformed.
fn fixed(map: &Map<String, Value>, key: &str, scale: u32) -> Result<Option<i64>, SapError> {
    match text(map, key) {
        None => Ok(None),
        Some(t) => parse_fixed(&t, scale).map(Some).ok_or_else(|| {
            refuse(
                -1000,
                &format!("Value '{t}' is invalid for property '{key}'"),
            )
        }),
    }
}

fn record(s: &Shared, line: String, count: fn(&mut SapB1Writes)) {
    let mut stats = lock(&s.stats);
    count(&mut stats.writes);
    stats.writes.log.push(line);
}

const PARTNER_FIELDS: &[&str] = &[
    "CardCode",
    "CardName",
    "CardType",
    "CompanyPrivate",
    "ContactPerson",
    "Phone1",
    "EmailAddress",
    "Address",
    "City",
    "County",
    "Country",
    "ZipCode",
    "FederalTaxID",
    "CreditLimit",
    "Currency",
    "Valid",
    "Frozen",
];

/// Applies the fields of a partner body to a customer.
fn apply_partner(c: &mut Customer, map: &Map<String, Value>) -> Result<(), SapError> {
    if let Some(bad) = map.keys().find(|k| !PARTNER_FIELDS.contains(&k.as_str())) {
        return Err(refuse(
            -1000,
            &format!("Property '{bad}' of 'BusinessPartner' is invalid"),
        ));
    }
    let set = |field: &mut String, key: &str| {
        if let Some(v) = text(map, key) {
            *field = v;
        }
    };
    set(&mut c.name, "CardName");
    set(&mut c.contact_name, "ContactPerson");
    set(&mut c.contact_phone, "Phone1");
    set(&mut c.email, "EmailAddress");
    set(&mut c.address, "Address");
    set(&mut c.city, "City");
    set(&mut c.province, "County");
    set(&mut c.tax_number, "FederalTaxID");
    if let Some(kind) = text(map, "CompanyPrivate") {
        c.kind = (if kind == "cPrivate" {
            "individual"
        } else {
            "company"
        })
        .to_owned();
    }
    if let Some(valid) = text(map, "Valid") {
        c.status = (if valid == "tNO" { "inactive" } else { "active" }).to_owned();
    }
    if let Some(limit) = fixed(map, "CreditLimit", 2)? {
        c.credit_limit_fen = limit;
    }
    Ok(())
}

pub(crate) fn create_partner(s: &Shared, bytes: &[u8]) -> Reply {
    let map = parse_body(bytes)?;
    let code = text(&map, "CardCode")
        .filter(|c| !c.trim().is_empty() && c.len() <= 15)
        .ok_or_else(|| refuse(-10, "Enter valid code"))?;
    if text(&map, "CardName").is_none_or(|n| n.trim().is_empty()) {
        return Err(refuse(-10, "Enter a business partner name"));
    }
    if text(&map, "CardType").is_some_and(|t| t != "cCustomer") {
        return Err(refuse(
            -10,
            "Only customers are simulated (CardType cCustomer)",
        ));
    }
    let mut c = Customer::blank(code.clone(), "company");
    apply_partner(&mut c, &map)?;
    let mut store = store_mut(s);
    if store.customer_number(&code).is_some() {
        return Err(refuse(
            -10,
            &format!("1320000140 - Business partner code '{code}' already assigned to a business partner; enter a unique business partner code"),
        ));
    }
    let n = store.insert_customer(&code, c);
    let body = entity(&store, Kind::Customers, n).ok_or_else(not_found)?;
    drop(store);
    record(s, format!("POST BusinessPartners {code}"), |w| {
        w.customers_created += 1
    });
    Ok((StatusCode::CREATED, body))
}

pub(crate) fn patch_partner(s: &Shared, key: &str, bytes: &[u8]) -> Reply {
    let map = parse_body(bytes)?;
    let mut store = store_mut(s);
    let n = store.customer_number(key).ok_or_else(not_found)?;
    if text(&map, "CardCode").is_some_and(|c| c != key) {
        return Err(refuse(-10, "The business partner code cannot be changed"));
    }
    let mut updated = store.data.customer(n).ok_or_else(not_found)?.0;
    apply_partner(&mut updated, &map)?;
    if let Some(c) = store.data.customer_mut(n) {
        *c = updated;
    }
    store.data.bump(Kind::Customers, n);
    drop(store);
    record(s, format!("PATCH BusinessPartners {key}"), |w| {
        w.customers_updated += 1
    });
    Ok((StatusCode::NO_CONTENT, Value::Null))
}

pub(crate) fn create_order(s: &Shared, bytes: &[u8]) -> Reply {
    let map = parse_body(bytes)?;
    let card = text(&map, "CardCode").unwrap_or_default();
    let mut store = store_mut(s);
    let customer = store
        .customer_number(&card)
        .ok_or_else(|| refuse(-10, &format!("Invalid BP code '{card}'")))?;
    let lines = map
        .get("DocumentLines")
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty())
        .ok_or_else(|| refuse(-10, "The document has no lines"))?;
    let mut items = Vec::with_capacity(lines.len());
    for line in lines {
        let line = line
            .as_object()
            .ok_or_else(|| refuse(-1000, "Invalid line"))?;
        let code = text(line, "ItemCode").unwrap_or_default();
        let pn = store
            .product_number(&code)
            .ok_or_else(|| refuse(-10, &format!("Invalid item number '{code}'")))?;
        let product = store.data.product(pn).ok_or_else(not_found)?.0;
        let quantity = fixed(line, "Quantity", 3)?
            .filter(|q| *q > 0)
            .ok_or_else(|| refuse(-10, "Quantity must be greater than zero"))?;
        let price = fixed(line, "Price", 2)?.unwrap_or(product.price_fen);
        items.push(sales_item(code, product, quantity, price));
    }
    let n = store.insert_sales_order(
        customer,
        text(&map, "NumAtCard"),
        text(&map, "DocCurrency"),
        items,
    );
    let body = entity(&store, Kind::Orders, n).ok_or_else(not_found)?;
    drop(store);
    record(s, format!("POST Orders {n}"), |w| w.orders_created += 1);
    Ok((StatusCode::CREATED, body))
}

pub(crate) fn close_order(s: &Shared, key: &str, action: &str) -> Reply {
    let next = match action {
        "Close" => Status::Delivered,
        "Cancel" => Status::Cancelled,
        _ => return Err(SapError::new(StatusCode::NOT_FOUND, -1, "Unknown action")),
    };
    let mut store = store_mut(s);
    let n = store.number(Kind::Orders, key).ok_or_else(not_found)?;
    let now = store.data.now();
    let order = store.data.order_mut(n).ok_or_else(not_found)?;
    if matches!(order.status, Status::Delivered | Status::Cancelled) {
        return Err(refuse(-5002, "Document is already closed"));
    }
    order.status = next;
    order.timeline.push(Step {
        status: next,
        at_ms: now,
        notes: step_note(next).to_owned(),
    });
    store.data.touch_at(Kind::Orders, n, now);
    drop(store);
    let count: fn(&mut SapB1Writes) = if next == Status::Cancelled {
        |w| w.orders_cancelled += 1
    } else {
        |w| w.orders_closed += 1
    };
    record(s, format!("POST Orders({n})/{action}"), count);
    Ok((StatusCode::NO_CONTENT, Value::Null))
}
