//! The custom ERP dataset in Yonyou's field names, and Yonyou write bodies back into it.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use serde_json::{json, Map, Value};

use super::Variant;
use crate::erp::data::{Data, Kind};
use crate::erp::model::{Customer, Item, Order, Status, Step};
use crate::erp::money::{line_amount, parse_fixed, quantity, yuan};

fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| unreachable!("a valid offset"))
}

/// `2026-01-02 10:11:12.345`, China Standard Time, as both products write times.
pub(crate) fn local(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&cst())
        .format("%Y-%m-%d %H:%M:%S%.3f")
        .to_string()
}

/// The inverse of [`local`] (also without a fraction, or a bare date).
pub(crate) fn parse_local(text: &str) -> Option<i64> {
    let text = text.trim();
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()?
                .and_hms_opt(0, 0, 0)
        })?;
    cst()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.timestamp_millis())
}

/// One record in the variant's shape.
pub(crate) fn render(data: &Data, variant: Variant, kind: Kind, n: u32) -> Option<Value> {
    let id = kind.id(n);
    match kind {
        Kind::Customers => {
            let (c, slot) = data.customer(n)?;
            let t = local(slot.updated_ms);
            Some(match variant {
                Variant::U8 => json!({
                    "cCusCode": id, "cCusName": c.name, "cCusAbbName": c.code,
                    "cCusDefine1": c.contact_name, "cCusDefine2": c.contact_phone,
                    "cCusDefine3": c.email, "cCusAddress": c.address, "cCusCity": c.city,
                    "cCusProvince": c.province, "cTaxNumber": c.tax_number,
                    "iCreditLimit": yuan(c.credit_limit_fen), "bCusState": c.status == "active",
                    "dCreateDate": t, "dModifyDate": t,
                }),
                Variant::YonSuite => json!({
                    "id": id, "code": c.code, "name": c.name, "customerType": c.kind,
                    "contactName": c.contact_name, "contactTel": c.contact_phone,
                    "email": c.email, "address": c.address, "city": c.city,
                    "province": c.province, "taxPayingNo": c.tax_number,
                    "creditLimit": yuan(c.credit_limit_fen), "stopstatus": c.status != "active",
                    "pubts": t,
                }),
            })
        }
        Kind::Products => {
            let (p, slot) = data.product(n)?;
            let t = local(slot.updated_ms);
            Some(match variant {
                Variant::U8 => json!({
                    "cInvCode": id, "cInvName": p.name, "cInvAddCode": p.sku,
                    "cInvStd": p.description, "cInvCCode": p.category_id,
                    "cInvCName": p.category_name, "iInvSPrice": yuan(p.price_fen),
                    "iInvSCost": yuan(p.cost_fen), "cComUnitName": p.unit,
                    "iTaxRate": p.tax_rate, "cInvState": p.status, "dModifyDate": t,
                }),
                Variant::YonSuite => json!({
                    "id": id, "code": p.sku, "name": p.name, "modelDescription": p.description,
                    "manageClass": p.category_id, "manageClass_name": p.category_name,
                    "salePrice": yuan(p.price_fen), "costPrice": yuan(p.cost_fen),
                    "currency": p.currency, "unit_name": p.unit, "taxRate": p.tax_rate,
                    "currentStock": quantity(p.quantity_milli), "warehouse_name": p.warehouse,
                    "productStatus": p.status, "pubts": t,
                }),
            })
        }
        Kind::Orders => {
            let (o, slot) = data.order(n)?;
            Some(render_order(variant, &id, &o, slot.updated_ms))
        }
    }
}

fn render_order(variant: Variant, id: &str, o: &Order, updated_ms: i64) -> Value {
    let lines = |names: [&str; 6]| -> Vec<Value> {
        o.items
            .iter()
            .enumerate()
            .map(|(i, it)| {
                json!({
                    names[0]: i + 1, names[1]: it.product_id, names[2]: it.name,
                    names[3]: quantity(it.quantity_milli), names[4]: yuan(it.unit_price_fen),
                    names[5]: yuan(it.amount_fen),
                })
            })
            .collect()
    };
    match variant {
        Variant::U8 => json!({
            "id": id, "code": o.order_number, "businesstype": o.kind,
            "custcode": o.customer_id, "cusname": o.customer_name,
            "statuscode": o.status.code(), "state": o.status.name(),
            "sum": yuan(o.total_fen()), "currency": o.currency,
            "createsystime": local(o.created_ms), "modifysystime": local(updated_ms),
            "entry": lines(["rowno", "inventorycode", "inventoryname", "quantity", "taxunitprice", "sum"]),
        }),
        Variant::YonSuite => {
            let mut details = lines([
                "lineno",
                "productId",
                "productName",
                "qty",
                "oriTaxUnitPrice",
                "oriSum",
            ]);
            for (d, it) in details.iter_mut().zip(&o.items) {
                d["productCode"] = json!(it.sku);
            }
            json!({
                "id": id, "code": o.order_number, "transactionTypeCode": o.kind,
                "agentId": o.customer_id, "agentId_name": o.customer_name,
                "nextStatus": o.status.code(), "statusName": o.status.name(),
                "payMoney": yuan(o.total_fen()), "currency": o.currency,
                "vouchdate": local(o.created_ms), "pubts": local(updated_ms),
                "orderDetails": details,
            })
        }
    }
}

/// Why a write was refused: the message for the vendor's error reply.
pub(crate) type Refused = String;

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// Money as a decimal string or a number with at most two places (Yonyou accepts both).
fn money(map: &Map<String, Value>, key: &str) -> Result<Option<i64>, Refused> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => {
            let s = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            parse_fixed(&s, 2)
                .map(Some)
                .ok_or_else(|| format!("参数错误: {key} 不是金额"))
        }
    }
}

/// The customer fields of a write body: (our field, U8 name, YonSuite name).
const CUSTOMER_FIELDS: &[(&str, &str, &str)] = &[
    ("name", "cCusName", "name"),
    ("contact_name", "cCusDefine1", "contactName"),
    ("contact_phone", "cCusDefine2", "contactTel"),
    ("email", "cCusDefine3", "email"),
    ("address", "cCusAddress", "address"),
    ("city", "cCusCity", "city"),
    ("province", "cCusProvince", "province"),
    ("tax_number", "cTaxNumber", "taxPayingNo"),
];

/// Applies the fields present in a write body to a customer.
pub(crate) fn apply_customer(
    c: &mut Customer,
    variant: Variant,
    map: &Map<String, Value>,
) -> Result<(), Refused> {
    for (ours, u8_name, ys_name) in CUSTOMER_FIELDS {
        let key = if variant == Variant::U8 {
            u8_name
        } else {
            ys_name
        };
        if let Some(v) = text(map, key) {
            match *ours {
                "name" if v.trim().is_empty() => return Err("参数错误: 客户名称必填".into()),
                "name" => c.name = v,
                "contact_name" => c.contact_name = v,
                "contact_phone" => c.contact_phone = v,
                "email" => c.email = v,
                "address" => c.address = v,
                "city" => c.city = v,
                "province" => c.province = v,
                _ => c.tax_number = v,
            }
        }
    }
    let (limit, state) = match variant {
        Variant::U8 => (
            "iCreditLimit",
            map.get("bCusState").and_then(Value::as_bool),
        ),
        Variant::YonSuite => (
            "creditLimit",
            map.get("stopstatus").and_then(Value::as_bool).map(|s| !s),
        ),
    };
    if let Some(fen) = money(map, limit)? {
        c.credit_limit_fen = fen;
    }
    if let Some(active) = state {
        c.status = (if active { "active" } else { "inactive" }).to_owned();
    }
    if let Some(kind) = text(map, "customerType") {
        c.kind = kind;
    }
    Ok(())
}

pub(crate) fn create_customer(
    data: &mut Data,
    variant: Variant,
    map: &Map<String, Value>,
) -> Result<(String, String), Refused> {
    let n = data.customers.len() as u32 + 1;
    let mut c = Customer::blank(
        text(map, "code").unwrap_or_else(|| format!("CUST-{n:06}")),
        "company",
    );
    apply_customer(&mut c, variant, map)?;
    if c.name.is_empty() {
        return Err("参数错误: 客户名称必填".into());
    }
    let code = c.code.clone();
    let now = data.now();
    let n = data.customers.insert(now, c);
    Ok((Kind::Customers.id(n), code))
}

pub(crate) fn update_customer(
    data: &mut Data,
    variant: Variant,
    id: &str,
    map: &Map<String, Value>,
) -> Result<(), Refused> {
    let n = Kind::Customers
        .parse_id(id)
        .filter(|n| data.customer(*n).is_some());
    let Some(n) = n else {
        return Err(format!("客户 {id} 不存在"));
    };
    let mut c = data.customer(n).map(|(c, _)| c).ok_or("客户不存在")?;
    apply_customer(&mut c, variant, map)?;
    if let Some(stored) = data.customer_mut(n) {
        *stored = c;
    }
    data.bump(Kind::Customers, n);
    Ok(())
}

/// A new pending sales order; its (id, order number).
pub(crate) fn create_order(
    data: &mut Data,
    variant: Variant,
    map: &Map<String, Value>,
) -> Result<(String, String), Refused> {
    let (cust, lines_key, [pid, qty, price]) = match variant {
        Variant::U8 => (
            "custcode",
            "entry",
            ["inventorycode", "quantity", "taxunitprice"],
        ),
        Variant::YonSuite => (
            "agentId",
            "orderDetails",
            ["productId", "qty", "oriTaxUnitPrice"],
        ),
    };
    let cid = text(map, cust).unwrap_or_default();
    let Some((customer, _)) = Kind::Customers
        .parse_id(&cid)
        .and_then(|n| data.customer(n))
    else {
        return Err(format!("客户 {cid} 不存在"));
    };
    let Some(lines) = map
        .get(lines_key)
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty())
    else {
        return Err(format!("参数错误: {lines_key} 必填"));
    };
    let mut items = Vec::new();
    for line in lines {
        let line = line.as_object().ok_or("参数错误: 订单行")?;
        let product_id = text(line, pid).unwrap_or_default();
        let Some((p, _)) = Kind::Products
            .parse_id(&product_id)
            .and_then(|n| data.product(n))
        else {
            return Err(format!("存货 {product_id} 不存在"));
        };
        let q = match line.get(qty) {
            Some(Value::String(s)) => parse_fixed(s, 3),
            Some(Value::Number(n)) => parse_fixed(&n.to_string(), 3),
            _ => None,
        }
        .filter(|q| *q > 0)
        .ok_or("参数错误: 数量")?;
        let unit = money(line, price)?.unwrap_or(p.price_fen);
        items.push(Item {
            product_id,
            sku: p.sku,
            name: p.name,
            quantity_milli: q,
            unit_price_fen: unit,
            amount_fen: line_amount(q, unit),
        });
    }
    let now = data.now();
    let number = format!("SO-{:06}", data.orders.len() + 1);
    let order = Order {
        order_number: number.clone(),
        kind: "sales".to_owned(),
        customer_id: cid,
        customer_name: customer.name,
        status: Status::Pending,
        currency: "CNY".to_owned(),
        items,
        created_ms: now,
        timeline: Step::created(now),
        reference: None,
    };
    let n = data.orders.insert(now, order);
    Ok((Kind::Orders.id(n), number))
}
