//! What each call answers, once its token and faults are through: the parameter checks
//! the transcription records (required fields, 20 codes at most, the two passwords) and
//! the data from the catalogue. A refusal is `(code, message)`.

use serde_json::{Map, Value};

use super::catalogue::{self, BRANDS, GROUPS};
use super::Shared;
use crate::erp::lock;

pub(crate) type Refusal = (&'static str, String);
type Body = Map<String, Value>;

pub(crate) const MAX_CODES: usize = 20;

fn text(body: &Body, key: &str) -> String {
    match body.get(key) {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn refuse(code: &'static str, message: &str) -> Refusal {
    (code, message.to_owned())
}

/// `customerCode` (or the stock call's `salesCode`) and the agreed password.
fn check_customer(s: &Shared, body: &Body, customer_key: &str) -> Result<(), Refusal> {
    let customer = text(body, customer_key);
    if customer.is_empty() {
        return Err(refuse("400", &format!("{customer_key}不能为空")));
    }
    if customer != s.config.customer_code {
        return Err(refuse("10001", "售达方编码不存在或未开通"));
    }
    Ok(())
}

fn check_password(expected: &str, given: &str) -> Result<(), Refusal> {
    match given == expected {
        true => Ok(()),
        false => Err(refuse("403", "密码错误，无权查询")),
    }
}

fn check_send_to(s: &Shared, body: &Body, key: &str) -> Result<(), Refusal> {
    match text(body, key) {
        t if t.is_empty() => Err(refuse("400", &format!("{key}不能为空"))),
        t if t != s.config.send_to_code => Err(refuse("10001", "送达方编码与售达方不匹配")),
        _ => Ok(()),
    }
}

/// The `productCodes` list, counted for the stats; more than 20 is refused.
fn product_codes(s: &Shared, body: &Body) -> Result<Vec<String>, Refusal> {
    let codes: Vec<String> = match body.get("productCodes") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .map(|c| c.as_str().map(str::to_owned))
            .collect::<Option<_>>()
            .ok_or_else(|| refuse("400", "productCodes必须为字符串列表"))?,
        Some(_) => return Err(refuse("400", "productCodes必须为字符串列表")),
    };
    let mut stats = lock(&s.stats);
    let n = codes.len() as u64;
    stats.product_codes_asked += n;
    stats.max_codes_per_call = stats.max_codes_per_call.max(n);
    if codes.len() > MAX_CODES {
        stats.oversized_requests += 1;
        return Err(refuse("400", "产品编码一次最多查询20个"));
    }
    Ok(codes)
}

/// Product info: the named products (an unknown code answers with a notice), or every
/// procurable product when no code is named.
pub(crate) fn products(s: &Shared, body: &Body) -> Result<Value, Refusal> {
    let c = &s.config;
    check_customer(s, body, "customerCode")?;
    if text(body, "supplierCode").is_empty() {
        return Err(refuse("400", "供货方编码不能为空"));
    }
    if text(body, "searchType") != "PTJSH" {
        return Err(refuse("400", "查询类型错误，仅支持PTJSH"));
    }
    check_password(&c.password, &text(body, "passWord"))?;
    let codes = product_codes(s, body)?;
    if codes.is_empty() {
        let all = (1..=c.products)
            .filter(|n| catalogue::procurable(*n))
            .map(|n| catalogue::product(c.seed, n))
            .collect();
        return Ok(Value::Array(all));
    }
    let entries = codes
        .iter()
        .map(|code| match catalogue::product_number(code, c.products) {
            Some(n) => catalogue::product(c.seed, n),
            None => catalogue::unknown_product(code),
        })
        .collect();
    Ok(Value::Array(entries))
}

/// Daily sales prices of the named products (`priceType` PT only).
pub(crate) fn prices(s: &Shared, body: &Body) -> Result<Value, Refusal> {
    let c = &s.config;
    check_customer(s, body, "customerCode")?;
    check_send_to(s, body, "sendToCode")?;
    if text(body, "priceType") != "PT" {
        return Err(refuse("400", "价格业务类型不支持，仅支持PT"));
    }
    check_password(&c.password, &text(body, "passWord"))?;
    let codes = product_codes(s, body)?;
    if codes.is_empty() {
        return Err(refuse("400", "产品编码不能为空"));
    }
    let entries = codes
        .iter()
        .map(|code| match catalogue::product_number(code, c.products) {
            Some(n) => catalogue::price(c.seed, n),
            None => {
                serde_json::json!({"productCode": code, "isSales": "0", "reason": "商品暂不可采"})
            }
        })
        .collect();
    Ok(Value::Array(entries))
}

/// The available stock of one product in one county.
pub(crate) fn stock(s: &Shared, body: &Body) -> Result<Value, Refusal> {
    let c = &s.config;
    check_customer(s, body, "salesCode")?;
    check_send_to(s, body, "senderCode")?;
    check_password(&c.seller_password, &text(body, "sellerPassword"))?;
    let county = text(body, "countyCode");
    if county.len() != 6 || !county.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refuse("400", "区域编码须为6位国标码"));
    }
    if text(body, "source") != "JSH-B" {
        return Err(refuse("400", "供货方标识错误"));
    }
    let code = text(body, "productCode");
    let n = catalogue::product_number(&code, c.products)
        .ok_or_else(|| refuse("10002", "商品编码不存在"))?;
    Ok(catalogue::stock(c.seed, n, &county))
}

/// The logistics of one order (three empty lists for an order Haier does not know).
pub(crate) fn logistics(s: &Shared, body: &Body) -> Result<Value, Refusal> {
    let c = &s.config;
    check_customer(s, body, "sellerCode")?;
    check_password(&c.seller_password, &text(body, "sellerPassword"))?;
    let code = text(body, "orderCode");
    if code.is_empty() {
        return Err(refuse("400", "订单编码不能为空"));
    }
    Ok(match catalogue::order_number(&code, c.orders) {
        Some(n) => catalogue::logistics(c.seed, n),
        None => catalogue::no_logistics(),
    })
}

/// The category or brand list of the (unrecorded) lookup endpoints.
pub(crate) fn lookup(s: &Shared, body: &Body, brands: bool) -> Result<Value, Refusal> {
    check_customer(s, body, "customerCode")?;
    check_password(&s.config.password, &text(body, "passWord"))?;
    let pairs: Vec<(&str, &str)> = match brands {
        true => BRANDS.to_vec(),
        false => GROUPS
            .iter()
            .map(|(code, name, _)| (*code, *name))
            .collect(),
    };
    Ok(Value::Array(
        pairs
            .into_iter()
            .map(|(code, name)| serde_json::json!({"code": code, "name": name}))
            .collect(),
    ))
}
