//! The seeded catalogue: every product, price, stock row and logistics entry is a pure
//! function of (seed, number[, county]), so nothing is stored and a replay stays a replay.
//! Product `n` (1-based) has code `GA0{n:05}U`; every 13th is not procurable (不可采) and
//! every 17th procurable one has no price yet (价格未生效). Order `n` is
//! `SO.20250106.{n:06}`; its logistics sit in one of the three lists by `n % 3`.

use serde_json::{json, Value};

use crate::erp::gen::SimRng;
use crate::erp::money::yuan;

/// Product groups (the categories of the optional category endpoint): code, name, model prefix.
pub(crate) const GROUPS: &[(&str, &str, &str)] = &[
    ("C01", "电热水器", "EC"),
    ("C02", "冰箱", "BCD-"),
    ("C03", "洗衣机", "EG"),
    ("C04", "空调", "KFR-"),
    ("C05", "燃气热水器", "JSQ"),
    ("C06", "吸油烟机", "CXW-"),
];
pub(crate) const BRANDS: &[(&str, &str)] = &[("B01", "海尔"), ("B02", "卡萨帝"), ("B03", "统帅")];
const CARRIERS: &[&str] = &["日日顺物流", "顺丰速运", "京东物流"];
const STATES: &[&str] = &["已发货", "运输中", "已签收"];
pub(crate) const LISTS: [&str; 3] = [
    "getStockDeliveryLogisticsRecordThirdparty",
    "getStockDeliveryLogisticsRecord",
    "getAllLogisticsInfoByOrderCode",
];

fn rng(seed: u64, salt: u64, n: u64) -> SimRng {
    let mut r = SimRng::new(seed ^ salt.rotate_left(32) ^ n.wrapping_mul(0x9E37_79B9));
    r.next_u64();
    r
}

pub(crate) fn product_code(n: usize) -> String {
    format!("GA0{n:05}U")
}

/// The number of a product code, if it is one of the first `count`.
pub(crate) fn product_number(code: &str, count: usize) -> Option<usize> {
    let digits = code.strip_prefix("GA0")?.strip_suffix('U')?;
    let n: usize = digits.parse().ok()?;
    (digits.len() == 5 && (1..=count).contains(&n)).then_some(n)
}

pub(crate) fn order_code(n: usize) -> String {
    format!("SO.20250106.{n:06}")
}

pub(crate) fn order_number(code: &str, count: usize) -> Option<usize> {
    let n: usize = code.strip_prefix("SO.20250106.")?.parse().ok()?;
    (1..=count).contains(&n).then_some(n)
}

pub(crate) fn procurable(n: usize) -> bool {
    !n.is_multiple_of(13)
}

/// A number with exact decimals in a reply, as Haier's Java services send BigDecimal
/// (`1299.50`, not `"1299.50"`): the marker is unquoted when the body is written.
pub(crate) const NUMBER_MARK: &str = "#num#";

/// The reply text with every `"#num#…"` string written as a bare number.
pub(crate) fn unquote_numbers(text: &str) -> String {
    let quoted = format!("\"{NUMBER_MARK}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(&quoted) {
        out.push_str(&rest[..i]);
        let after = &rest[i + quoted.len()..];
        let end = after.find('"').unwrap_or(after.len());
        out.push_str(&after[..end]);
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// The product info entry of product `n`.
pub(crate) fn product(seed: u64, n: usize) -> Value {
    let mut r = rng(seed, 1, n as u64);
    let (_, group, prefix) = GROUPS[r.below(GROUPS.len() as u64) as usize];
    let (_, brand) = BRANDS[r.below(BRANDS.len() as u64) as usize];
    let code = product_code(n);
    let mut entry = json!({
        "productCode": code,
        "productModel": format!("{prefix}{}-{}", 50 + r.below(950), ["HT3", "U1", "PRO", "MAX"][r.below(4) as usize]),
        "productGroupNamd": group,
        "productBrandName": brand,
        "productImageUrl": format!("https://img.haier.example/{code}/main.jpg"),
        "productLageUrls": [format!("https://img.haier.example/{code}/p1.jpg"), format!("https://img.haier.example/{code}/p2.jpg")],
        "isSales": if procurable(n) { "1" } else { "0" },
        "noSalesReason": if procurable(n) { "" } else { "产品未投放该客户" },
    });
    if let Some(map) = entry.as_object_mut() {
        map.retain(|_, v| v.as_str() != Some(""));
    }
    entry
}

/// The unknown-code answer of product info (the vendor names the code and why).
pub(crate) fn unknown_product(code: &str) -> Value {
    json!({"productCode": code, "isSales": "0", "noSalesReason": "产品编码不存在"})
}

/// The ordinary supply price of product `n` in fen, when it has one.
pub(crate) fn supply_fen(seed: u64, n: usize) -> Option<i64> {
    if !procurable(n) || n.is_multiple_of(17) {
        return None;
    }
    let mut r = rng(seed, 2, n as u64);
    Some(99_900 + r.below(1_900_000) as i64)
}

/// The price entry of product `n` (`supplyPrice` etc. as exact numbers).
pub(crate) fn price(seed: u64, n: usize) -> Value {
    let code = product_code(n);
    if !procurable(n) {
        return json!({"productCode": code, "isSales": "0", "reason": "商品暂不可采"});
    }
    let Some(supply) = supply_fen(seed, n) else {
        return json!({"productCode": code, "isSales": "1", "reason": "价格未生效"});
    };
    let mut r = rng(seed, 3, n as u64);
    let rebate = r.below(5) as i64 * 1000;
    // 开票价 = 普投供价 × (1 − 直扣 2 %) − 台返, in whole fen.
    let invoice = supply * 98 / 100 - rebate;
    let num = |fen: i64| format!("{NUMBER_MARK}{}", yuan(fen));
    json!({"productCode": code, "supplyPrice": num(supply), "invoicePrice": num(invoice),
        "rebateMoney": num(rebate), "stockRebatePolicy": "COM", "reason": "", "isSales": "1"})
}

/// The stock rows of product `n` in a county: this county's warehouse, and for every third
/// product the warehouse above it too.
pub(crate) fn stock_rows(seed: u64, n: usize, county: &str) -> Vec<(String, u64, &'static str)> {
    let salt = county
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let mut r = rng(seed ^ salt, 4, n as u64);
    let mut rows = vec![(format!("{county}-L1"), r.below(50), "0")];
    if n.is_multiple_of(3) {
        rows.push((
            format!("{}-C1", &county[..2.min(county.len())]),
            r.below(80),
            "1",
        ));
    }
    rows
}

pub(crate) fn stock(seed: u64, n: usize, county: &str) -> Value {
    let rows: Vec<Value> = stock_rows(seed, n, county)
        .into_iter()
        .map(|(sec, qty, grade)| {
            json!({"secCode": sec, "stock": qty.to_string(), "warehouseGrade": grade,
                "timelinessData": {"cutTime": "16:00", "achieveUserOrderCut": "T+2",
                    "hour": "48", "isTranfer": grade}})
        })
        .collect();
    Value::Array(rows)
}

/// The logistics answer for order `n`: one entry in the list `n % 3` picks.
pub(crate) fn logistics(seed: u64, n: usize) -> Value {
    let mut r = rng(seed, 5, n as u64);
    let code = order_code(n);
    let entry = json!({
        "deliveryRecordCode": format!("{code}.F1"),
        "expressNo": format!("HR{:010}", r.below(10_000_000_000)),
        "expressCompany": CARRIERS[r.below(CARRIERS.len() as u64) as usize],
        "status": STATES[r.below(STATES.len() as u64) as usize],
        "snCodes": [format!("SN{:012}", r.below(1_000_000_000_000))],
        "updateTime": format!("2025-01-{:02} {:02}:00:00", 7 + r.below(20), r.below(24)),
    });
    let mut answer = serde_json::Map::new();
    for (i, list) in LISTS.iter().enumerate() {
        let entries = if i == n % 3 {
            vec![entry.clone()]
        } else {
            Vec::new()
        };
        answer.insert((*list).to_owned(), Value::Array(entries));
    }
    Value::Object(answer)
}

/// A logistics answer with nothing in it (an order Haier does not know).
pub(crate) fn no_logistics() -> Value {
    Value::Object(
        LISTS
            .iter()
            .map(|l| ((*l).to_owned(), Value::Array(Vec::new())))
            .collect(),
    )
}
