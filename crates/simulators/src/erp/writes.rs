//! Validated writes: create and update customers, create orders, move an order's status.
//! Each one validates the whole body first, so a refused write changes nothing.

use axum::http::StatusCode;
use serde_json::{json, Map, Value};

use super::data::{timestamp, Data, Kind};
use super::error::ApiError;
use super::model::{step_note, Customer, Item, Order, Status, Step};
use super::money::{line_amount, parse_fixed, yuan};

pub(crate) type Reply = Result<(StatusCode, Value), ApiError>;

pub(crate) fn parse_body(bytes: &[u8]) -> Result<Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request("the body must be a JSON object")),
        Err(e) => Err(ApiError::bad_request(format!("the body is not JSON: {e}"))),
    }
}

/// A string field; `None` when absent or null.
fn text(map: &Map<String, Value>, field: &str) -> Result<Option<String>, ApiError> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::validation(
            field,
            format!("{field} must be a string"),
        )),
    }
}

/// Money: a decimal string with at most two places (never a JSON number).
fn money(map: &Map<String, Value>, field: &str, label: &str) -> Result<Option<i64>, ApiError> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => parse_fixed(s, 2).map(Some).ok_or_else(|| {
            ApiError::validation(
                label,
                format!("{label} must be a decimal string like \"68.00\""),
            )
        }),
        Some(_) => Err(ApiError::validation(
            label,
            format!("{label} must be a decimal string like \"68.00\", not a JSON number"),
        )),
    }
}

fn is_cn_mobile(phone: &str) -> bool {
    let b = phone.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

fn is_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.contains('@')
                && !domain.starts_with('.')
        }
        None => false,
    }
}

/// Where a plain text field lives in a customer.
type FieldOf = fn(&mut Customer) -> &mut String;

/// Applies the customer fields present in `map` to `c`.
fn apply_customer(c: &mut Customer, map: &Map<String, Value>) -> Result<(), ApiError> {
    let plain: [(&str, FieldOf); 6] = [
        ("code", |c| &mut c.code),
        ("contact_name", |c| &mut c.contact_name),
        ("address", |c| &mut c.address),
        ("city", |c| &mut c.city),
        ("province", |c| &mut c.province),
        ("tax_number", |c| &mut c.tax_number),
    ];
    for (field, slot) in plain {
        if let Some(v) = text(map, field)? {
            *slot(c) = v;
        }
    }
    if let Some(name) = text(map, "name")? {
        if name.trim().is_empty() {
            return Err(ApiError::validation("name", "name must not be empty"));
        }
        c.name = name;
    }
    if let Some(kind) = text(map, "type")? {
        if kind != "company" && kind != "individual" {
            return Err(ApiError::validation(
                "type",
                "type must be company or individual",
            ));
        }
        c.kind = kind;
    }
    if let Some(phone) = text(map, "contact_phone")? {
        if !phone.is_empty() && !is_cn_mobile(&phone) {
            return Err(ApiError::validation(
                "contact_phone",
                format!("contact_phone {phone:?} is not a mainland mobile number"),
            ));
        }
        c.contact_phone = phone;
    }
    if let Some(email) = text(map, "email")? {
        if !email.is_empty() && !is_email(&email) {
            return Err(ApiError::validation(
                "email",
                format!("email {email:?} is not valid"),
            ));
        }
        c.email = email;
    }
    if let Some(limit) = money(map, "credit_limit", "credit_limit")? {
        c.credit_limit_fen = limit;
    }
    if let Some(status) = text(map, "status")? {
        if status != "active" && status != "inactive" {
            return Err(ApiError::validation(
                "status",
                "status must be active or inactive",
            ));
        }
        c.status = status;
    }
    Ok(())
}

/// `POST /customers`: `id`, `updated_at` and `version` in the body are ignored.
pub(crate) fn create_customer(data: &mut Data, map: &Map<String, Value>) -> Reply {
    let n = data.customers.len() as u32 + 1;
    let mut c = Customer::blank(format!("CUST-{n:06}"), "individual");
    if text(map, "name")?.is_none() {
        return Err(ApiError::validation("name", "name is required"));
    }
    apply_customer(&mut c, map)?;
    let code = c.code.clone();
    let now = data.now();
    let n = data.customers.insert(now, c);
    let id = Kind::Customers.id(n);
    Ok((
        StatusCode::CREATED,
        json!({"success": true, "data": {"externalId": id, "code": code}}),
    ))
}

/// `PUT /customers/{id}`: a partial update. A `version` in the body must match the stored
/// one (409 `version_conflict` otherwise); without it the write is unconditional.
pub(crate) fn update_customer(data: &mut Data, id: &str, map: &Map<String, Value>) -> Reply {
    let Some((mut c, slot)) = Kind::Customers.parse_id(id).and_then(|n| data.customer(n)) else {
        return Err(ApiError::not_found("customer", id));
    };
    let current = slot.version;
    match map.get("version") {
        None | Some(Value::Null) => {}
        Some(v) if v.as_u64() == Some(u64::from(current)) => {}
        Some(v) => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "version_conflict",
                format!("customer {id} is at version {current}, not {v}"),
            ))
        }
    }
    apply_customer(&mut c, map)?;
    let n = Kind::Customers.parse_id(id).unwrap_or(0);
    if let Some(stored) = data.customer_mut(n) {
        *stored = c;
    }
    let now = data.bump(Kind::Customers, n);
    let version = data.customers.get(n).map_or(0, |s| s.version);
    Ok((
        StatusCode::OK,
        json!({"success": true, "data": {"externalId": id, "updatedAt": timestamp(now), "version": version}}),
    ))
}

fn quantity_of(v: Option<&Value>, label: &str) -> Result<i64, ApiError> {
    let q = match v {
        Some(Value::String(s)) => parse_fixed(s, 3),
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|q| i64::try_from(q).ok()?.checked_mul(1000)),
        _ => None,
    };
    match q {
        Some(q) if q > 0 => Ok(q),
        _ => Err(ApiError::validation(
            label,
            format!("{label} must be a positive decimal string with at most 3 places"),
        )),
    }
}

fn order_item(data: &Data, i: usize, v: &Value) -> Result<Item, ApiError> {
    let at = |f: &str| format!("items[{i}].{f}");
    let Some(map) = v.as_object() else {
        return Err(ApiError::validation(
            format!("items[{i}]"),
            "an item must be an object",
        ));
    };
    let pid = text(map, "product_id")?.unwrap_or_default();
    let Some((p, _)) = Kind::Products.parse_id(&pid).and_then(|n| data.product(n)) else {
        return Err(ApiError::validation(
            at("product_id"),
            format!("no product {pid:?}"),
        ));
    };
    let quantity_milli = quantity_of(map.get("quantity"), &at("quantity"))?;
    let unit_price_fen = money(map, "unit_price", &at("unit_price"))?.unwrap_or(p.price_fen);
    let amount_fen = line_amount(quantity_milli, unit_price_fen);
    if let Some(given) = money(map, "amount", &at("amount"))? {
        if given != amount_fen {
            return Err(ApiError::validation(
                at("amount"),
                format!(
                    "amount {} is not quantity × unit_price = {}",
                    yuan(given),
                    yuan(amount_fen)
                ),
            ));
        }
    }
    Ok(Item {
        product_id: pid,
        sku: text(map, "sku")?.unwrap_or(p.sku),
        name: text(map, "name")?.unwrap_or(p.name),
        quantity_milli,
        unit_price_fen,
        amount_fen,
    })
}

/// `POST /orders`: a new pending sales (or purchase) order.
pub(crate) fn create_order(data: &mut Data, map: &Map<String, Value>) -> Reply {
    let cid = text(map, "customer_id")?.unwrap_or_default();
    let Some((customer, _)) = Kind::Customers
        .parse_id(&cid)
        .and_then(|n| data.customer(n))
    else {
        return Err(ApiError::validation(
            "customer_id",
            format!("no customer {cid:?}"),
        ));
    };
    let kind = text(map, "type")?.unwrap_or_else(|| "sales".to_owned());
    if kind != "sales" && kind != "purchase" {
        return Err(ApiError::validation(
            "type",
            "type must be sales or purchase",
        ));
    }
    let currency = text(map, "currency")?.unwrap_or_else(|| "CNY".to_owned());
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ApiError::validation(
            "currency",
            "currency must be an ISO 4217 code",
        ));
    }
    let lines = match map.get("items") {
        Some(Value::Array(a)) if !a.is_empty() && a.len() <= 500 => a,
        _ => {
            return Err(ApiError::validation(
                "items",
                "items must be a list of 1 to 500 lines",
            ))
        }
    };
    let items = lines
        .iter()
        .enumerate()
        .map(|(i, v)| order_item(data, i, v))
        .collect::<Result<Vec<Item>, ApiError>>()?;
    let total: i64 = items.iter().map(|i| i.amount_fen).sum();
    if let Some(given) = money(map, "total", "total")? {
        if given != total {
            return Err(ApiError::validation(
                "total",
                format!(
                    "total {} is not the sum of the amounts {}",
                    yuan(given),
                    yuan(total)
                ),
            ));
        }
    }
    let now = data.now();
    let n = data.orders.len() as u32 + 1;
    let order_number = format!("SO-{n:06}");
    let order = Order {
        order_number: order_number.clone(),
        kind,
        customer_id: cid,
        customer_name: text(map, "customer_name")?.unwrap_or(customer.name),
        status: Status::Pending,
        currency,
        items,
        created_ms: now,
        timeline: Step::created(now),
        reference: text(map, "reference")?,
    };
    let n = data.orders.insert(now, order);
    Ok((
        StatusCode::CREATED,
        json!({"success": true, "data": {
            "externalId": Kind::Orders.id(n),
            "orderNumber": order_number,
            "status": "pending",
        }}),
    ))
}

/// `PUT /orders/{id}/status`: pending → confirmed → shipped → delivered, or cancelled from
/// any non-final status; anything else is 409 `invalid_transition`.
pub(crate) fn set_status(data: &mut Data, id: &str, map: &Map<String, Value>) -> Reply {
    let Some((order, _)) = Kind::Orders.parse_id(id).and_then(|n| data.order(n)) else {
        return Err(ApiError::not_found("order", id));
    };
    let code = text(map, "status")?.unwrap_or_default();
    let Some(next) = Status::parse(&code) else {
        return Err(ApiError::validation(
            "status",
            format!(
                "status {code:?} is not one of pending, confirmed, shipped, delivered, cancelled"
            ),
        ));
    };
    if !order.status.can_move_to(next) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "invalid_transition",
            format!(
                "order {id} cannot go from {} to {}",
                order.status.code(),
                next.code()
            ),
        ));
    }
    let notes = text(map, "notes")?.unwrap_or_else(|| step_note(next).to_owned());
    let n = Kind::Orders.parse_id(id).unwrap_or(0);
    let now = data.now();
    if let Some(stored) = data.order_mut(n) {
        stored.status = next;
        stored.timeline.push(Step {
            status: next,
            at_ms: now,
            notes,
        });
    }
    data.touch_at(Kind::Orders, n, now);
    Ok((
        StatusCode::OK,
        json!({"success": true, "data": {"externalId": id, "status": next.code(), "updatedAt": timestamp(now)}}),
    ))
}
