//! Writes: business partners created (with customer roles, addresses and tax numbers)
//! and patched, sales orders created with their items.

use axum::http::StatusCode;
use serde_json::{Map, Value};

use super::render::{entity, not_found, S4Error};
use super::{SapS4Writes, Shared};
use crate::erp::data::Kind;
use crate::erp::model::Customer;
use crate::erp::money::parse_fixed;
use crate::erp::{lock, write};
use crate::sap_b1::sales_item;

type Reply = Result<(StatusCode, Value), S4Error>;

fn parse_body(bytes: &[u8]) -> Result<Map<String, Value>, S4Error> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(S4Error::bad_request(
            "The request body is not a JSON object",
        )),
    }
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key)? {
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// The entries of a navigation property: `{"results":[…]}` or a bare list.
fn nav<'a>(map: &'a Map<String, Value>, key: &str) -> &'a [Value] {
    let v = map.get(key);
    v.and_then(|v| v.get("results"))
        .or(v)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// An Edm.Decimal (a string in OData v2 JSON) in fixed point; a JSON number is refused.
fn fixed(map: &Map<String, Value>, key: &str, scale: u32) -> Result<Option<i64>, S4Error> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(t)) => parse_fixed(t, scale).map(Some).ok_or_else(|| {
            S4Error::bad_request(format!("Invalid value '{t}' for property '{key}'"))
        }),
        Some(other) => Err(S4Error::bad_request(format!(
            "Property '{key}' is Edm.Decimal and must be a string, not {other}"
        ))),
    }
}

fn record(s: &Shared, line: String, count: fn(&mut SapS4Writes)) {
    let mut stats = lock(&s.stats);
    count(&mut stats.writes);
    stats.writes.log.push(line);
}

const PARTNER_FIELDS: &[&str] = &[
    "BusinessPartner",
    "BusinessPartnerCategory",
    "BusinessPartnerGrouping",
    "OrganizationBPName1",
    "OrganizationBPName2",
    "FirstName",
    "LastName",
    "BusinessPartnerIsBlocked",
    "to_BusinessPartnerAddress",
    "to_BusinessPartnerRole",
    "to_BusinessPartnerTax",
];

/// Applies a partner body to a customer; `deep` allows navigation properties (create).
fn apply_partner(c: &mut Customer, map: &Map<String, Value>, deep: bool) -> Result<(), S4Error> {
    for k in map.keys().filter(|k| *k != "__metadata") {
        if !PARTNER_FIELDS.contains(&k.as_str()) {
            return Err(S4Error::bad_request(format!(
                "Property '{k}' is invalid for 'A_BusinessPartnerType'"
            )));
        }
        if !deep && k.starts_with("to_") {
            return Err(S4Error::bad_request(format!(
                "Navigation property '{k}' cannot be changed with the partner; use its own entity"
            )));
        }
    }
    let name = text(map, "OrganizationBPName1")
        .or_else(|| text(map, "LastName"))
        .filter(|n| !n.trim().is_empty());
    if let Some(n) = name {
        c.name = n;
    }
    if let Some(category) = text(map, "BusinessPartnerCategory") {
        c.kind = (if category == "1" {
            "individual"
        } else {
            "company"
        })
        .to_owned();
    }
    if let Some(blocked) = map.get("BusinessPartnerIsBlocked").and_then(Value::as_bool) {
        c.status = (if blocked { "inactive" } else { "active" }).to_owned();
    }
    if let Some(Value::Object(a)) = nav(map, "to_BusinessPartnerAddress").first() {
        let set = |field: &mut String, key: &str| {
            if let Some(v) = text(a, key) {
                *field = v;
            }
        };
        set(&mut c.address, "StreetName");
        set(&mut c.city, "CityName");
        set(&mut c.province, "Region");
        if let Some(p) = nav(a, "to_PhoneNumber")
            .first()
            .and_then(|p| p["PhoneNumber"].as_str())
        {
            c.contact_phone = p.to_owned();
        }
        if let Some(e) = nav(a, "to_EmailAddress")
            .first()
            .and_then(|e| e["EmailAddress"].as_str())
        {
            c.email = e.to_owned();
        }
    }
    if let Some(t) = nav(map, "to_BusinessPartnerTax")
        .first()
        .and_then(|t| t["BPTaxNumber"].as_str())
    {
        c.tax_number = t.to_owned();
    }
    Ok(())
}

pub(crate) fn create_partner(s: &Shared, bytes: &[u8]) -> Reply {
    let map = parse_body(bytes)?;
    let category = text(&map, "BusinessPartnerCategory").unwrap_or_default();
    if !matches!(category.as_str(), "1" | "2") {
        return Err(S4Error::business(
            "R11/001",
            "Enter a business partner category (1 or 2)",
        ));
    }
    let name_field = if category == "1" {
        "LastName"
    } else {
        "OrganizationBPName1"
    };
    if text(&map, name_field).is_none_or(|n| n.trim().is_empty()) {
        return Err(S4Error::business("R11/002", format!("Enter {name_field}")));
    }
    let customer_role = nav(&map, "to_BusinessPartnerRole")
        .iter()
        .any(|r| r["BusinessPartnerRole"] == "FLCU01");
    if !customer_role {
        return Err(S4Error::business(
            "R11/657",
            "Only customers are simulated (role FLCU01)",
        ));
    }
    let mut store = write(&s.store);
    let next = store.data.len(Kind::Customers) as u32 + 1;
    let code = text(&map, "BusinessPartner")
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| Kind::Customers.id(next));
    if code.len() > 10 {
        return Err(S4Error::business(
            "R11/004",
            "A business partner number has at most 10 characters",
        ));
    }
    if store.customer_number(&code).is_some() {
        return Err(S4Error::business(
            "R11/124",
            format!("Business partner {code} already exists"),
        ));
    }
    let mut c = Customer::blank(code.clone(), "company");
    apply_partner(&mut c, &map, true)?;
    let n = store.insert_customer(&code, c);
    let body = entity(&store, Kind::Customers, n, true).ok_or_else(not_found)?;
    drop(store);
    record(s, format!("POST A_BusinessPartner {code}"), |w| {
        w.customers_created += 1
    });
    Ok((StatusCode::CREATED, body))
}

pub(crate) fn patch_partner(s: &Shared, key: &str, bytes: &[u8]) -> Reply {
    let map = parse_body(bytes)?;
    let mut store = write(&s.store);
    let n = store.customer_number(key).ok_or_else(not_found)?;
    if text(&map, "BusinessPartner").is_some_and(|c| c != key) {
        return Err(S4Error::bad_request(
            "The key property BusinessPartner cannot be changed",
        ));
    }
    let mut updated = store.data.customer(n).ok_or_else(not_found)?.0;
    let before = updated.kind.clone();
    apply_partner(&mut updated, &map, false)?;
    if updated.kind != before {
        return Err(S4Error::business(
            "R11/184",
            "The business partner category cannot be changed",
        ));
    }
    if let Some(c) = store.data.customer_mut(n) {
        *c = updated;
    }
    store.data.bump(Kind::Customers, n);
    drop(store);
    record(s, format!("PATCH A_BusinessPartner {key}"), |w| {
        w.customers_updated += 1
    });
    Ok((StatusCode::NO_CONTENT, Value::Null))
}

pub(crate) fn create_order(s: &Shared, bytes: &[u8]) -> Reply {
    let map = parse_body(bytes)?;
    let sold_to = text(&map, "SoldToParty").unwrap_or_default();
    let mut store = write(&s.store);
    let customer = store.customer_number(&sold_to).ok_or_else(|| {
        S4Error::business(
            "V1/302",
            format!("Sold-to party {sold_to} not maintained for sales area 1010/10/00"),
        )
    })?;
    let lines = nav(&map, "to_Item");
    if lines.is_empty() {
        return Err(S4Error::business(
            "V1/555",
            "The sales document has no items",
        ));
    }
    let mut items = Vec::with_capacity(lines.len());
    for line in lines {
        let line = line
            .as_object()
            .ok_or_else(|| S4Error::bad_request("Invalid item"))?;
        let material = text(line, "Material").unwrap_or_default();
        let pn = store.product_number(&material).ok_or_else(|| {
            S4Error::business("V1/392", format!("Material {material} does not exist"))
        })?;
        let product = store.data.product(pn).ok_or_else(not_found)?.0;
        let quantity = fixed(line, "RequestedQuantity", 3)?
            .filter(|q| *q > 0)
            .ok_or_else(|| S4Error::business("V1/331", "Enter a quantity greater than zero"))?;
        let price = match nav(line, "to_PricingElement")
            .first()
            .and_then(Value::as_object)
        {
            Some(p) => fixed(p, "ConditionRateValue", 2)?,
            None => None,
        }
        .unwrap_or(product.price_fen);
        items.push(sales_item(material, product, quantity, price));
    }
    let n = store.insert_sales_order(
        customer,
        text(&map, "PurchaseOrderByCustomer"),
        text(&map, "TransactionCurrency"),
        items,
    );
    let body = entity(&store, Kind::Orders, n, true).ok_or_else(not_found)?;
    drop(store);
    record(s, format!("POST A_SalesOrder {n}"), |w| {
        w.orders_created += 1
    });
    Ok((StatusCode::CREATED, body))
}
