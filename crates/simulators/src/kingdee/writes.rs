//! Save (BD_Customer create/update, SAL_SaleOrder create), Submit, Audit and View, over
//! the shared dataset. Each validates first, so a refused write changes nothing.

use chrono::FixedOffset;
use serde_json::{json, Map, Value};

use super::query::{number_of, Refusal};
use super::render::{self, form_kind, Books, ID_BASE};
use crate::erp::data::{Data, Kind};
use crate::erp::model::{Customer, Item, Order, Status, Step};
use crate::erp::money::{line_amount, parse_fixed};

fn get<'v>(m: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    m.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn text(m: &Map<String, Value>, key: &str) -> Option<String> {
    get(m, key).and_then(Value::as_str).map(str::to_owned)
}

/// `{"FNumber": "X"}` of a base-data reference.
fn reference(m: &Map<String, Value>, key: &str) -> Option<String> {
    get(m, key)?.as_object().and_then(|r| text(r, "FNumber"))
}

/// A decimal sent as text or as a JSON number (its text, never a float).
fn fixed(m: &Map<String, Value>, key: &str, scale: u32) -> Result<Option<i64>, Refusal> {
    let t = match get(m, key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => return Err((8, format!("{key} 不是数值"))),
    };
    parse_fixed(t.trim(), scale)
        .map(Some)
        .ok_or_else(|| (8, format!("{key} 的值 {t:?} 不是有效数值")))
}

pub(crate) fn saved(id: i64, number: &str) -> Value {
    json!({"Result": {"ResponseStatus": {"ErrorCode": 0, "IsSuccess": true, "Errors": [],
        "SuccessEntitys": [{"Id": id, "Number": number, "DIndex": 0}], "SuccessMessages": [],
        "MsgCode": 0}, "Id": id, "Number": number, "NeedReturnData": [{}]}})
}

fn model(data: &Map<String, Value>) -> Result<&Map<String, Value>, Refusal> {
    get(data, "Model")
        .and_then(Value::as_object)
        .ok_or_else(|| (8, "Model 不能为空".to_owned()))
}

pub(crate) fn save(
    d: &mut Data,
    books: &mut Books,
    form: &str,
    data: &Map<String, Value>,
    offset: FixedOffset,
) -> Result<(Value, &'static str), Refusal> {
    let m = model(data)?;
    match form_kind(form) {
        Some(Kind::Customers) => {
            let id = get(m, "FCUSTID").and_then(Value::as_i64).unwrap_or(0);
            if id == 0 {
                create_customer(d, books, m).map(|v| (v, "customers_created"))
            } else {
                update_customer(d, books, id, m).map(|v| (v, "customers_updated"))
            }
        }
        Some(Kind::Orders) => create_order(d, books, m, offset).map(|v| (v, "orders_created")),
        _ => Err((5, format!("模拟器不支持保存 {form}"))),
    }
}

fn apply_customer(c: &mut Customer, m: &Map<String, Value>) -> Result<(), Refusal> {
    if let Some(name) = text(m, "FName") {
        if name.trim().is_empty() {
            return Err((11, "字段“客户名称”是必填项".to_owned()));
        }
        c.name = name;
    }
    if let Some(kind) = reference(m, "FCustTypeId") {
        c.kind = kind;
    }
    for (key, slot) in [
        ("FContact", &mut c.contact_name),
        ("FPhone", &mut c.contact_phone),
        ("FEMail", &mut c.email),
        ("FAddress", &mut c.address),
        ("FCity", &mut c.city),
        ("FProvince", &mut c.province),
        ("FTaxNo", &mut c.tax_number),
    ] {
        if let Some(v) = text(m, key) {
            *slot = v;
        }
    }
    if let Some(fen) = fixed(m, "FCreditAmount", 2)? {
        c.credit_limit_fen = fen;
    }
    Ok(())
}

fn create_customer(
    d: &mut Data,
    books: &mut Books,
    m: &Map<String, Value>,
) -> Result<Value, Refusal> {
    if text(m, "FName").is_none_or(|n| n.trim().is_empty()) {
        return Err((11, "字段“客户名称”是必填项".to_owned()));
    }
    let number = text(m, "FNumber").filter(|n| !n.trim().is_empty());
    if let Some(n) = &number {
        if books.resolve(d, Kind::Customers, n).is_some() {
            return Err((11, format!("编码唯一性验证失败：客户编码 {n} 已经存在")));
        }
    }
    let mut c = Customer::blank(String::new(), "company");
    apply_customer(&mut c, m)?;
    let now = d.now();
    let n = d.customers.insert(now, c);
    let number = number.unwrap_or_else(|| Kind::Customers.id(n));
    books.name(Kind::Customers, n, &number);
    if let Some(c) = d.customer_mut(n) {
        c.code = number.clone();
    }
    Ok(saved(ID_BASE + i64::from(n), &number))
}

fn update_customer(
    d: &mut Data,
    books: &Books,
    id: i64,
    m: &Map<String, Value>,
) -> Result<Value, Refusal> {
    let n = number_of(id)
        .filter(|n| (*n as usize) <= d.len(Kind::Customers))
        .ok_or_else(|| (10, format!("客户内码 {id} 不存在")))?;
    let mut c = d
        .customer(n)
        .map(|(c, _)| c)
        .ok_or_else(|| (10, "客户不存在".to_owned()))?;
    apply_customer(&mut c, m)?;
    if let Some(slot) = d.customer_mut(n) {
        *slot = c;
    }
    d.bump(Kind::Customers, n);
    Ok(saved(id, &books.number(Kind::Customers, n)))
}

fn create_order(
    d: &mut Data,
    books: &mut Books,
    m: &Map<String, Value>,
    offset: FixedOffset,
) -> Result<Value, Refusal> {
    let cust = reference(m, "FCustId").ok_or_else(|| (11, "字段“客户”是必填项".to_owned()))?;
    let cn = books
        .resolve(d, Kind::Customers, &cust)
        .ok_or_else(|| (11, format!("客户 {cust} 不存在或未审核")))?;
    let customer = d
        .customer(cn)
        .map(|(c, _)| c)
        .ok_or_else(|| (11, "客户不存在".to_owned()))?;
    let bill_no = text(m, "FBillNo").filter(|n| !n.trim().is_empty());
    if let Some(b) = &bill_no {
        if books.resolve(d, Kind::Orders, b).is_some() {
            return Err((11, format!("单据编号 {b} 已经存在")));
        }
    }
    let entries = get(m, "FSaleOrderEntry")
        .and_then(Value::as_array)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| (11, "订单明细不能为空".to_owned()))?;
    let mut items = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let e = e
            .as_object()
            .ok_or_else(|| (8, format!("第{}行明细格式错误", i + 1)))?;
        let mat = reference(e, "FMaterialId")
            .ok_or_else(|| (11, format!("第{}行物料是必填项", i + 1)))?;
        let pn = books
            .resolve(d, Kind::Products, &mat)
            .ok_or_else(|| (11, format!("第{}行物料 {mat} 不存在", i + 1)))?;
        let product = d
            .product(pn)
            .map(|(p, _)| p)
            .ok_or_else(|| (11, "物料不存在".to_owned()))?;
        let qty = fixed(e, "FQty", 3)?
            .filter(|q| *q > 0)
            .ok_or_else(|| (11, format!("第{}行数量必须大于0", i + 1)))?;
        let price = fixed(e, "FTaxPrice", 2)?.unwrap_or(product.price_fen);
        items.push(Item {
            product_id: books.number(Kind::Products, pn),
            sku: product.sku.clone(),
            name: product.name.clone(),
            quantity_milli: qty,
            unit_price_fen: price,
            amount_fen: line_amount(qty, price),
        });
    }
    let now = d.now();
    let created_ms = text(m, "FDate")
        .and_then(|t| render::parse_local(&t, offset))
        .unwrap_or(now);
    let currency = get(m, "FSaleOrderFinance")
        .and_then(Value::as_object)
        .and_then(|f| reference(f, "FSettleCurrId"))
        .unwrap_or_else(|| "CNY".to_owned());
    let order = Order {
        order_number: bill_no.clone().unwrap_or_default(),
        kind: "sales".to_owned(),
        customer_id: books.number(Kind::Customers, cn),
        customer_name: customer.name,
        status: Status::Pending,
        currency,
        items,
        created_ms,
        timeline: Step::created(now),
        reference: None,
    };
    let n = d.orders.insert(now, order);
    let number = bill_no.unwrap_or_else(|| Kind::Orders.id(n));
    books.name(Kind::Orders, n, &number);
    books.doc_status.insert(n, "A");
    Ok(saved(ID_BASE + i64::from(n), &number))
}

/// The orders a Submit/Audit names (`Ids` "1,2" or `Numbers` […]).
fn targets(
    d: &Data,
    books: &Books,
    data: &Map<String, Value>,
) -> Result<Vec<(u32, String)>, Refusal> {
    let mut out = Vec::new();
    if let Some(ids) = get(data, "Ids") {
        let text = match ids {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            _ => String::new(),
        };
        for id in text.split(',').filter(|s| !s.trim().is_empty()) {
            let n = id
                .trim()
                .parse()
                .ok()
                .and_then(number_of)
                .filter(|n| (*n as usize) <= d.len(Kind::Orders));
            let n = n.ok_or_else(|| (10, format!("单据内码 {id} 不存在")))?;
            out.push((n, books.number(Kind::Orders, n)));
        }
    }
    for number in get(data, "Numbers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let number = number.as_str().unwrap_or_default();
        let n = books
            .resolve(d, Kind::Orders, number)
            .ok_or_else(|| (10, format!("单据编号 {number} 不存在")))?;
        out.push((n, number.to_owned()));
    }
    if out.is_empty() {
        return Err((8, "Ids 或 Numbers 不能为空".to_owned()));
    }
    Ok(out)
}

/// Submit (A → B) or Audit (B → C) of sales orders.
pub(crate) fn operate(
    d: &Data,
    books: &mut Books,
    form: &str,
    audit: bool,
    data: &Map<String, Value>,
) -> Result<Value, Refusal> {
    if form_kind(form) != Some(Kind::Orders) {
        return Err((5, format!("模拟器只支持销售订单的提交/审核，不支持 {form}")));
    }
    let list = targets(d, books, data)?;
    let (from, to) = if audit { ("B", "C") } else { ("A", "B") };
    for (n, number) in &list {
        let now = books.doc_status.get(n).copied().unwrap_or("C");
        if now != from {
            return Err((12, format!("单据 {number} 的状态不允许此操作")));
        }
    }
    let entities: Vec<Value> = list
        .iter()
        .map(|(n, number)| {
            books.doc_status.insert(*n, to);
            json!({"Id": ID_BASE + i64::from(*n), "Number": number, "DIndex": 0})
        })
        .collect();
    Ok(
        json!({"Result": {"ResponseStatus": {"ErrorCode": 0, "IsSuccess": true, "Errors": [],
        "SuccessEntitys": entities, "SuccessMessages": [], "MsgCode": 0}}}),
    )
}

/// View by `Number` or `Id`: the header fields (and order lines) of one record.
pub(crate) fn view(
    d: &Data,
    books: &Books,
    form: &str,
    data: &Map<String, Value>,
    offset: FixedOffset,
) -> Result<Value, Refusal> {
    let kind = form_kind(form).ok_or_else(|| (5, format!("业务对象 {form:?} 不存在")))?;
    let n = match (text(data, "Number"), get(data, "Id")) {
        (Some(number), _) if !number.is_empty() => books.resolve(d, kind, &number),
        (_, Some(id)) => id
            .as_i64()
            .or_else(|| id.as_str().and_then(|s| s.parse().ok()))
            .and_then(number_of)
            .filter(|n| (*n as usize) <= d.len(kind)),
        _ => None,
    };
    let n = n.ok_or_else(|| (10, "数据不存在或已被删除".to_owned()))?;
    let mut rec =
        render::record(d, books, kind, n, offset).ok_or_else(|| (10, "数据不存在".to_owned()))?;
    rec.insert("Id".into(), json!(ID_BASE + i64::from(n)));
    rec.insert("Number".into(), json!(books.number(kind, n)));
    if kind == Kind::Orders {
        let lines: Vec<Value> = render::lines(&Map::new(), d, n)
            .into_iter()
            .map(Value::Object)
            .collect();
        rec.insert("FSaleOrderEntry".into(), Value::Array(lines));
    }
    Ok(json!({"Result": {"ResponseStatus": null, "Result": rec}}))
}
