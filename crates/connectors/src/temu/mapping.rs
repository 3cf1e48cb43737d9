//! Temu's field names → Storelink's, in one place per stream (the shipped defaults; a system
//! overrides entries under `config.field_mapping.<stream>`).
//!
//! Before mapping, the connector adds a `storelink` object to each Temu record holding what
//! is derived from Temu's fields: the order status's name, times as RFC 3339 text, and the
//! product's code (`outGoodsSn`, or `goodsId` when the seller set none). Mapping sources may
//! name those (`storelink.sku`) like any Temu field.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::connector::{Entity, PageStyle, StreamSpec};
use crate::mapping::{mappable_with, FieldMapping};

pub const STREAMS: &[StreamSpec] = &[
    // Parent orders by `updateTime` (bg.order.list.v2.get), one record per parent order.
    StreamSpec::new(
        "orders",
        Entity::MarketplaceOrders,
        "updateTime",
        PageStyle::PageLimit,
    ),
    // Goods (bg.local.goods.list.query) by page; the list has no change time to follow.
    StreamSpec::new(
        "products",
        Entity::Products,
        "goodsId",
        PageStyle::PageLimit,
    ),
];

const ORDERS: &[(&str, &str)] = &[
    ("externalId", "parentOrderMap.parentOrderSn"),
    ("orderSn", "parentOrderMap.parentOrderSn"),
    ("status", "parentOrderMap.parentOrderStatus"),
    ("statusName", "storelink.statusName"),
    ("orderTime", "storelink.orderTime"),
    ("updatedAt", "storelink.updatedAt"),
    (
        "expectShipLatestTime",
        "parentOrderMap.expectShipLatestTime",
    ),
    ("regionId", "parentOrderMap.regionId"),
    ("siteId", "parentOrderMap.siteId"),
    ("labels", "parentOrderMap.parentOrderLabel"),
    ("fulfillmentWarning", "parentOrderMap.fulfillmentWarning"),
    ("items", "orderList"),
];

const PRODUCTS: &[(&str, &str)] = &[
    ("externalId", "goodsId"),
    ("sku", "storelink.sku"),
    ("code", "outGoodsSn"),
    ("name", "goodsName"),
    ("status", "status"),
    ("subStatus", "subStatus"),
    ("category.id", "catId"),
    ("pricing.standardPrice", "price"),
    ("pricing.currency", "currency"),
    ("inventory.quantity", "quantity"),
    ("imageUrl", "thumbUrl"),
    ("skus", "skuInfoList"),
];

pub fn default_mapping(stream: &str) -> FieldMapping {
    match stream {
        "orders" => FieldMapping::from_pairs(ORDERS),
        "products" => FieldMapping::from_pairs(PRODUCTS),
        _ => FieldMapping::default(),
    }
}

/// The fields a stream's mapping may fill. Temu's order list carries no amounts (they come
/// from a separate amount query, in minor units), so `totalAmount` and `currency` are only
/// filled when a system maps them to a field its region does send.
pub fn mappable_fields(stream: &str) -> Vec<&'static str> {
    match stream {
        "orders" => mappable_with(ORDERS, &["totalAmount", "currency", "buyerName"]),
        "products" => mappable_with(PRODUCTS, &["description", "pricing.costPrice"]),
        _ => Vec::new(),
    }
}

/// `parentOrderStatus` / `orderStatus` names, as Temu documents them.
pub fn status_name(code: i64) -> Option<&'static str> {
    Some(match code {
        1 => "PENDING",
        2 => "UN_SHIPPING",
        3 => "CANCELED",
        4 => "SHIPPED",
        5 => "RECEIPTED",
        41 => "PARTIALLY_SHIPPED",
        51 => "PARTIALLY_RECEIPTED",
        _ => return None,
    })
}

/// A number of seconds (number or numeric text).
pub fn seconds(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn instant(secs: i64) -> Option<DateTime<Utc>> {
    // Only times that can be stored (years 1 to 9999) are taken.
    DateTime::from_timestamp(secs, 0).filter(|t| storelink_core::vendor_time::storable(*t))
}

fn rfc3339(v: &Value) -> Value {
    seconds(v)
        .and_then(instant)
        .map_or(Value::Null, |t| Value::String(t.to_rfc3339()))
}

/// A page item of the order list (or the detail's result): `storelink` added.
pub fn enrich_order(item: &mut Value) {
    let parent = &item["parentOrderMap"];
    let derived = json!({
        "statusName": seconds(&parent["parentOrderStatus"]).and_then(status_name),
        "orderTime": rfc3339(&parent["parentOrderTime"]),
        "updatedAt": rfc3339(&parent["updateTime"]),
    });
    if let Some(map) = item.as_object_mut() {
        map.insert("storelink".into(), derived);
    }
}

/// A goods item: `storelink.sku` is the seller's code, or Temu's goods id without one.
pub fn enrich_goods(item: &mut Value) {
    let code = item["outGoodsSn"]
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let sku = code.or_else(|| match &item["goodsId"] {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    });
    if let Some(map) = item.as_object_mut() {
        map.insert("storelink".into(), json!({ "sku": sku }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_list_item_maps_to_a_marketplace_order() {
        // The shape of ORDER_LIST_FIELDS' example page item.
        let mut item = json!({
            "parentOrderMap": {"parentOrderSn": "PO-211-02066072965752676", "parentOrderStatus": 4,
                "parentOrderTime": 1763622700, "updateTime": 1763622776, "regionId": 211, "siteId": 100,
                "parentOrderLabel": [{"name": "past_due", "value": 0}]},
            "orderList": [{"orderSn": "211-02066112942712676", "goodsId": 601104248302027_i64,
                "skuId": 17613836106883_i64, "quantity": 1, "orderStatus": 4}]
        });
        enrich_order(&mut item);
        let out = default_mapping("orders").apply(&item);
        assert_eq!(out["orderSn"], "PO-211-02066072965752676");
        assert_eq!(out["status"], 4);
        assert_eq!(out["statusName"], "SHIPPED");
        assert_eq!(out["updatedAt"], "2025-11-20T07:12:56+00:00");
        assert_eq!(out["items"][0]["orderSn"], "211-02066112942712676");
        assert_eq!(out["regionId"], 211);
    }

    #[test]
    fn goods_fall_back_to_the_goods_id_for_their_sku() {
        let mut with_code = json!({"goodsId": 601099500000001_i64, "goodsName": "Mug",
            "outGoodsSn": "MUG-01", "price": "12.99", "currency": "USD", "quantity": 5});
        enrich_goods(&mut with_code);
        let out = default_mapping("products").apply(&with_code);
        assert_eq!(out["sku"], "MUG-01");
        assert_eq!(out["pricing"]["standardPrice"], "12.99");
        assert_eq!(out["inventory"]["quantity"], 5);
        let mut without =
            json!({"goodsId": 601099500000002_i64, "goodsName": "Cup", "outGoodsSn": ""});
        enrich_goods(&mut without);
        assert_eq!(
            default_mapping("products").apply(&without)["sku"],
            "601099500000002"
        );
    }

    #[test]
    fn amounts_are_mappable_but_not_guessed() {
        assert!(mappable_fields("orders").contains(&"totalAmount"));
        assert!(!default_mapping("orders").fields.contains_key("totalAmount"));
        assert!(mappable_fields("products").contains(&"sku"));
    }
}
