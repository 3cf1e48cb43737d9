//! The shipped Yonyou field mappings (vendor field → seed 004 §2.1 model field) and the
//! few value conversions a mapping cannot express: U8's boolean `bCusState`, YonSuite's
//! `stopstatus`, and order lines.
//!
//! U8 customers follow seed 004 §3.1.2 exactly (`cCusCode` → `externalId` and `code`,
//! `cCusName`, `cCusDefine1/2/3`, `cCusAddress`, `cTaxNumber`, `iCreditLimit`, `bCusState`)
//! plus the fields its `mapToStandardCustomer` reads (`cCusCity`, `cCusProvince`,
//! `dCreateDate`, `dModifyDate`). Some U8 OpenAPI versions answer lower-case names
//! (`code`, `name`, `contact`...); those are a `config.field_mapping` override away.

use serde_json::{json, Map, Value};

use crate::mapping::FieldMapping;

/// Which Yonyou product a mapping is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    U8,
    YonSuite,
}

/// The shipped mapping of a stream.
pub fn default_mapping(variant: Variant, stream: &str) -> FieldMapping {
    let pairs: &[(&str, &str)] = match (variant, stream) {
        (Variant::U8, "customers") => &[
            ("externalId", "cCusCode"),
            ("code", "cCusCode"),
            ("name", "cCusName"),
            ("contacts[0].name", "cCusDefine1"),
            ("contacts[0].phone", "cCusDefine2"),
            ("contacts[0].email", "cCusDefine3"),
            ("addresses[0].address", "cCusAddress"),
            ("addresses[0].city", "cCusCity"),
            ("addresses[0].province", "cCusProvince"),
            ("companyInfo.legalName", "cCusName"),
            ("companyInfo.taxNumber", "cTaxNumber"),
            ("financialInfo.creditLimit", "iCreditLimit"),
            ("metadata.status", "bCusState"),
            ("metadata.createdAt", "dCreateDate"),
            ("metadata.updatedAt", "dModifyDate"),
        ],
        (Variant::U8, "products") => &[
            ("externalId", "cInvCode"),
            ("sku", "cInvCode"),
            ("name", "cInvName"),
            ("description", "cInvStd"),
            ("category.id", "cInvCCode"),
            ("category.name", "cInvCName"),
            ("pricing.standardPrice", "iInvSPrice"),
            ("pricing.costPrice", "iInvSCost"),
            ("pricing.priceUnit", "cComUnitName"),
            ("pricing.taxRate", "iTaxRate"),
            ("inventory.quantity", "stock.iQuantity"),
            ("inventory.unit", "cComUnitName"),
            ("inventory.warehouse", "stock.cWhCode"),
            ("status", "cInvState"),
            ("metadata.updatedAt", "dModifyDate"),
        ],
        (Variant::U8, "orders") => &[
            ("externalId", "id"),
            ("orderNumber", "code"),
            ("type", "businesstype"),
            ("customer.id", "custcode"),
            ("customer.name", "cusname"),
            ("items", "entry"),
            ("amounts.totalAmount", "sum"),
            ("amounts.currency", "currency"),
            ("status.code", "statuscode"),
            ("status.name", "state"),
            ("metadata.createdAt", "createsystime"),
            ("metadata.updatedAt", "modifysystime"),
        ],
        (Variant::YonSuite, "customers") => &[
            ("externalId", "id"),
            ("code", "code"),
            ("name", "name"),
            ("type", "customerType"),
            ("contacts[0].name", "contactName"),
            ("contacts[0].phone", "contactTel"),
            ("contacts[0].email", "email"),
            ("addresses[0].address", "address"),
            ("addresses[0].city", "city"),
            ("addresses[0].province", "province"),
            ("companyInfo.taxNumber", "taxPayingNo"),
            ("financialInfo.creditLimit", "creditLimit"),
            ("metadata.status", "stopstatus"),
            ("metadata.updatedAt", "pubts"),
        ],
        (Variant::YonSuite, "products") => &[
            ("externalId", "id"),
            ("sku", "code"),
            ("name", "name"),
            ("description", "modelDescription"),
            ("category.id", "manageClass"),
            ("category.name", "manageClass_name"),
            ("pricing.standardPrice", "salePrice"),
            ("pricing.costPrice", "costPrice"),
            ("pricing.currency", "currency"),
            ("pricing.priceUnit", "unit_name"),
            ("pricing.taxRate", "taxRate"),
            ("inventory.quantity", "currentStock"),
            ("inventory.unit", "unit_name"),
            ("inventory.warehouse", "warehouse_name"),
            ("status", "productStatus"),
            ("metadata.updatedAt", "pubts"),
        ],
        (Variant::YonSuite, "orders") => &[
            ("externalId", "id"),
            ("orderNumber", "code"),
            ("type", "transactionTypeCode"),
            ("customer.id", "agentId"),
            ("customer.name", "agentId_name"),
            ("items", "orderDetails"),
            ("amounts.totalAmount", "payMoney"),
            ("amounts.currency", "currency"),
            ("status.code", "nextStatus"),
            ("status.name", "statusName"),
            ("metadata.createdAt", "vouchdate"),
            ("metadata.updatedAt", "pubts"),
        ],
        _ => &[],
    };
    FieldMapping::from_pairs(pairs)
}

/// The model fields a mapping may fill: the same as every ERP connector's.
pub fn mappable_fields(stream: &str) -> Vec<&'static str> {
    let mut fields = crate::custom_erp::mappable_fields(stream);
    if stream == "customers" {
        fields.push("metadata.createdAt");
    }
    fields
}

/// Vendor fields the vendor sets itself; never sent back.
pub(crate) fn vendor_owned(variant: Variant) -> &'static [&'static str] {
    match variant {
        Variant::U8 => &[
            "dModifyDate",
            "dCreateDate",
            "modifysystime",
            "createsystime",
        ],
        Variant::YonSuite => &["id", "pubts", "vouchdate"],
    }
}

/// The names of one order line's fields: product id, code, name, quantity, unit price
/// (tax included), amount, line number.
fn line_fields(variant: Variant) -> [&'static str; 7] {
    match variant {
        Variant::U8 => [
            "inventorycode",
            "inventorycode",
            "inventoryname",
            "quantity",
            "taxunitprice",
            "sum",
            "rowno",
        ],
        Variant::YonSuite => [
            "productId",
            "productCode",
            "productName",
            "qty",
            "oriTaxUnitPrice",
            "oriSum",
            "lineno",
        ],
    }
}

/// After mapping a row: vendor booleans to our status words, order lines to our items.
pub(crate) fn fix_pulled(variant: Variant, stream: &str, data: &mut Value) {
    if stream == "customers" {
        if let Some(status) = data.pointer_mut("/metadata/status") {
            if let Some(b) = status.as_bool() {
                // U8 `bCusState` true = active; YonSuite `stopstatus` true = stopped.
                let active = if variant == Variant::U8 { b } else { !b };
                *status = json!(if active { "active" } else { "inactive" });
            }
        }
    }
    if stream == "orders" {
        if let Some(Value::Array(lines)) = data.get_mut("items") {
            let [pid, code, name, qty, price, sum, no] = line_fields(variant);
            for (i, line) in lines.iter_mut().enumerate() {
                let v = line.take();
                *line = json!({
                    "lineNumber": v.get(no).cloned().unwrap_or(json!(i + 1)),
                    "product": {"id": v[pid], "sku": v[code], "name": v[name]},
                    "quantity": v[qty],
                    "unitPrice": v[price],
                    "subtotal": v[sum],
                });
            }
        }
    }
}

/// Before pushing one of our records: the vendor's shape (`reverse`), with our status
/// words back to the vendor's booleans and our items back to the vendor's lines.
pub(crate) fn vendor_body(
    variant: Variant,
    stream: &str,
    mapping: &FieldMapping,
    ours: &Value,
) -> Value {
    let mut body = mapping.compile().reverse(ours, vendor_owned(variant));
    let Some(map) = body.as_object_mut() else {
        return body;
    };
    if stream == "customers" {
        if let Some(source) = mapping.fields.get("metadata.status") {
            if let Some(word) = map.get(source).and_then(Value::as_str) {
                let active = word == "active";
                let value = if variant == Variant::U8 {
                    active
                } else {
                    !active
                };
                map.insert(source.clone(), json!(value));
            }
        }
    }
    if stream == "orders" {
        if let Some(source) = mapping.fields.get("items") {
            if let Some(Value::Array(items)) = map.get(source).cloned() {
                let [pid, code, name, qty, price, sum, no] = line_fields(variant);
                let lines: Vec<Value> = items
                    .iter()
                    .enumerate()
                    .map(|(i, it)| {
                        let mut line = Map::new();
                        let mut put = |k: &str, v: &Value| {
                            if !v.is_null() {
                                line.insert(k.to_owned(), v.clone());
                            }
                        };
                        let id = &it["product"]["id"];
                        put(pid, id);
                        put(
                            code,
                            if it["product"]["sku"].is_null() {
                                id
                            } else {
                                &it["product"]["sku"]
                            },
                        );
                        put(name, &it["product"]["name"]);
                        put(qty, &it["quantity"]);
                        put(price, &it["unitPrice"]);
                        put(sum, &it["subtotal"]);
                        put(no, &json!(i + 1));
                        Value::Object(line)
                    })
                    .collect();
                map.insert(source.clone(), Value::Array(lines));
            }
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u8_customers_follow_the_seed_table() {
        let m = default_mapping(Variant::U8, "customers");
        for (target, source) in [
            ("externalId", "cCusCode"),
            ("code", "cCusCode"),
            ("name", "cCusName"),
            ("contacts[0].name", "cCusDefine1"),
            ("contacts[0].phone", "cCusDefine2"),
            ("addresses[0].address", "cCusAddress"),
            ("companyInfo.taxNumber", "cTaxNumber"),
            ("financialInfo.creditLimit", "iCreditLimit"),
            ("metadata.status", "bCusState"),
        ] {
            assert_eq!(
                m.fields.get(target).map(String::as_str),
                Some(source),
                "{target}"
            );
        }
        let fields = mappable_fields("customers");
        for v in [Variant::U8, Variant::YonSuite] {
            for s in ["customers", "products", "orders"] {
                let m = default_mapping(v, s);
                assert!(m.fields.contains_key("externalId"));
                for t in m.fields.keys() {
                    assert!(mappable_fields(s).contains(&t.as_str()), "{v:?} {s} {t}");
                }
            }
        }
        assert!(fields.contains(&"metadata.status"));
    }

    #[test]
    fn status_and_lines_round_trip() {
        let m = default_mapping(Variant::U8, "customers");
        let mut data = m.apply(&json!({"cCusCode": "C1", "cCusName": "甲", "bCusState": false}));
        fix_pulled(Variant::U8, "customers", &mut data);
        assert_eq!(data["metadata"]["status"], "inactive");
        let body = vendor_body(Variant::U8, "customers", &m, &data);
        assert_eq!(body["bCusState"], false);
        assert_eq!(body["cCusName"], "甲");

        let m = default_mapping(Variant::YonSuite, "orders");
        let raw = json!({"id": "O1", "orderDetails": [{"productId": "P1", "productCode": "SKU-1",
            "productName": "米", "qty": "2", "oriTaxUnitPrice": "3.50", "oriSum": "7.00", "lineno": 1}]});
        let mut data = m.apply(&raw);
        fix_pulled(Variant::YonSuite, "orders", &mut data);
        assert_eq!(data["items"][0]["product"]["sku"], "SKU-1");
        assert_eq!(data["items"][0]["subtotal"], "7.00");
        let back = vendor_body(Variant::YonSuite, "orders", &m, &data);
        assert_eq!(back["orderDetails"], raw["orderDetails"]);
        assert!(back.get("id").is_none(), "vendor-owned id is not sent");
    }
}
