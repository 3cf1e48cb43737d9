//! Haier's field names → Storelink's, in one place. A product record is the product info
//! entry with its price (`price.*`) and stock (`stock.*`) merged in, plus a few fields the
//! connector derives (`categoryId`, `brandId`, `salesStatus`, `supplierCode`); a logistics
//! record is the order code with the first entry of the first non-empty logistics list
//! (`logistics.*`). The shipped mappings read those; `config.field_mapping.products` and
//! `.logistics` change them.

use std::collections::HashMap;

use serde_json::{json, Map, Value};
use storelink_core::money::parse_fixed;
use storelink_core::Money;

use crate::connector::{Entity, PageStyle, StreamSpec};
use crate::mapping::{mappable_with, FieldMapping};

/// No change time is recorded for Haier data, so every sync reads everything it covers
/// (an incremental sync is a full one); unchanged records are recognised by content.
const fn stream(name: &'static str, entity: Entity) -> StreamSpec {
    StreamSpec::new(name, entity, "", PageStyle::PageLimit)
}

pub const STREAMS: &[StreamSpec] = &[
    stream("products", Entity::Products),
    stream("prices", Entity::Products),
    stream("stock", Entity::Products),
    stream("logistics", Entity::Logistics),
];

const PRODUCT_PAIRS: &[(&str, &str)] = &[
    ("externalId", "productCode"),
    ("sku", "productCode"),
    ("name", "productModel"),
    ("category.id", "categoryId"),
    ("category.name", "productGroupNamd"),
    ("category.path[0]", "productGroupNamd"),
    ("brand.id", "brandId"),
    ("brand.name", "productBrandName"),
    ("media.images[0]", "productImageUrl"),
    ("media.documents", "productLageUrls"),
    ("pricing.standardPrice", "price.supplyPrice"),
    ("pricing.costPrice", "price.invoicePrice"),
    ("pricing.currency", "price.currency"),
    ("pricing.rebate", "price.rebateMoney"),
    ("pricing.note", "price.reason"),
    ("inventory.quantity", "stock.quantity"),
    ("inventory.warehouse", "stock.warehouse"),
    ("inventory.countyCode", "stock.countyCode"),
    ("supplier.id", "supplierCode"),
    ("status", "salesStatus"),
    ("metadata.status", "salesStatus"),
    ("metadata.statusReason", "noSalesReason"),
];

const LOGISTICS_PAIRS: &[(&str, &str)] = &[
    ("orderCode", "orderCode"),
    ("trackingNumber", "logistics.expressNo"),
    ("carrier", "logistics.expressCompany"),
    ("status", "logistics.status"),
    ("snCodes", "logistics.snCodes"),
    ("deliveryRecordCode", "logistics.deliveryRecordCode"),
    ("updatedAt", "logistics.updateTime"),
    ("source", "source"),
];

/// The shipped mapping of a stream. `prices` and `stock` store the same merged product
/// records as `products` (so the three never undo each other), with its mapping.
pub fn default_mapping(stream: &str) -> FieldMapping {
    match stream {
        "products" | "prices" | "stock" => FieldMapping::from_pairs(PRODUCT_PAIRS),
        "logistics" => FieldMapping::from_pairs(LOGISTICS_PAIRS),
        _ => FieldMapping::default(),
    }
}

/// Fields a system may remap. `prices` and `stock` take none of their own: they use the
/// `products` mapping, so their records stay identical.
pub fn mappable_fields(stream: &str) -> Vec<&'static str> {
    match stream {
        "products" => mappable_with(PRODUCT_PAIRS, &["description", "pricing.taxRate"]),
        "logistics" => mappable_with(LOGISTICS_PAIRS, &[]),
        _ => Vec::new(),
    }
}

/// Text of a value the vendor may send as a string or a number.
pub fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Money as decimal text with two places (`2999.00`); text that is not an exact amount
/// (a notice such as "价格未生效") is left out.
pub fn money_text(v: &Value) -> Option<String> {
    Money::parse_yuan(&text_of(v)?)
        .ok()
        .map(Money::to_yuan_string)
}

/// A quantity in thousandths → the shortest exact decimal text.
fn quantity_text(milli: i64) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let abs = milli.unsigned_abs();
    let frac = format!("{:03}", abs % 1000);
    let frac = frac.trim_end_matches('0');
    match frac.is_empty() {
        true => format!("{sign}{}", abs / 1000),
        false => format!("{sign}{}.{frac}", abs / 1000),
    }
}

/// An answer's list: the value itself, one object as a list of one, nothing for null.
pub fn rows(data: &Value) -> Vec<&Value> {
    match data {
        Value::Array(list) => list.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// The available stock of one product in one county: the rows (this warehouse and the one
/// above it, `warehouseGrade` 0/1) added up. `quantity` is left out when a row's `stock` is
/// not a number, rather than stored wrong.
pub fn stock_summary(data: &Value, county: &str) -> Value {
    let rows = rows(data);
    let total = rows.iter().try_fold(0i64, |sum, r| {
        let milli = text_of(&r["stock"]).map_or(Ok(0), |t| parse_fixed(&t, 3));
        milli.ok().and_then(|m| sum.checked_add(m))
    });
    let first = rows.first().copied().unwrap_or(&Value::Null);
    let mut out = json!({
        "countyCode": county,
        "rows": rows.len(),
        "warehouse": first["secCode"],
        "warehouseGrade": first["warehouseGrade"],
        "timeliness": first["timelinessData"],
    });
    if let (Some(total), Some(map)) = (total, out.as_object_mut()) {
        map.insert("quantity".to_owned(), Value::String(quantity_text(total)));
    }
    out
}

/// A price entry with its amounts as exact decimal text and the currency (always yuan).
pub fn price_entry(entry: &Value) -> Value {
    let mut out = entry.clone();
    if let Some(map) = out.as_object_mut() {
        for key in ["supplyPrice", "invoicePrice", "rebateMoney"] {
            match map.get(key).and_then(money_text) {
                Some(t) => map.insert(key.to_owned(), Value::String(t)),
                None => map.remove(key),
            };
        }
        map.insert("currency".to_owned(), Value::String("CNY".to_owned()));
    }
    out
}

/// Category and brand codes by name, from the configured endpoints (empty otherwise).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lookups {
    pub categories: HashMap<String, String>,
    pub brands: HashMap<String, String>,
}

/// `{code, name}` entries of a lookup answer (`id` is taken when there is no `code`).
pub fn lookup_table(data: &Value) -> HashMap<String, String> {
    rows(data)
        .into_iter()
        .filter_map(|e| {
            let name = text_of(&e["name"])?;
            let code = text_of(&e["code"]).or_else(|| text_of(&e["id"]))?;
            Some((name, code))
        })
        .collect()
}

/// One product info entry with its price and stock merged in (each only when synced).
pub fn merge_product(
    info: &Value,
    price: Option<&Value>,
    stock: Option<Value>,
    lookups: &Lookups,
    supplier_code: &str,
) -> Value {
    let mut raw = match info {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    let name_in = |table: &HashMap<String, String>, key: &str| {
        let name = text_of(&info[key])?;
        Some(table.get(&name).cloned().unwrap_or(name))
    };
    let derived = [
        (
            "categoryId",
            name_in(&lookups.categories, "productGroupNamd"),
        ),
        ("brandId", name_in(&lookups.brands, "productBrandName")),
        ("supplierCode", Some(supplier_code.to_owned())),
        (
            "salesStatus",
            text_of(&info["isSales"]).map(|s| match s.as_str() {
                "1" => "active".to_owned(),
                _ => "inactive".to_owned(),
            }),
        ),
    ];
    for (key, value) in derived {
        if let Some(v) = value {
            raw.insert(key.to_owned(), Value::String(v));
        }
    }
    if let Some(p) = price {
        raw.insert("price".to_owned(), price_entry(p));
    }
    if let Some(s) = stock {
        raw.insert("stock".to_owned(), s);
    }
    Value::Object(raw)
}

/// The logistics record of an order: the first entry of the first non-empty list (in
/// `lists` order), or `None` when Haier has nothing for it yet.
pub fn logistics_record(order_code: &str, data: &Value, lists: &[String]) -> Option<Value> {
    lists.iter().find_map(|list| {
        let entry = data.get(list)?.as_array()?.first()?;
        Some(json!({"orderCode": order_code, "source": list, "logistics": entry}))
    })
}
