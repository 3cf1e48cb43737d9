//! Shipped example records for the field-mapping preview, used when nothing was received
//! from a system yet. One small record per entity in Storelink's model; a connector's
//! example of a stream is that record turned into the vendor's shape by the stream's
//! shipped mapping, so every vendor field the default mapping reads is present and the
//! example can never drift from the mapping (the test below holds that for every stream).

use serde_json::{json, Value};

use crate::connector::{Entity, StreamSpec};
use crate::mapping::FieldMapping;

/// The example of a stream as the vendor would send it (its fields, its names).
pub fn vendor_example(stream: &StreamSpec, default: &FieldMapping) -> Value {
    default
        .compile()
        .reverse(&model_example(stream.entity), &[])
}

/// One record of an entity in Storelink's model: a superset of the fields every shipped
/// mapping of that entity fills.
pub fn model_example(entity: Entity) -> Value {
    match entity {
        Entity::Customers => customer(),
        Entity::Products => product(),
        Entity::Orders => order(),
        Entity::MarketplaceOrders => marketplace_order(),
        Entity::Logistics => logistics(),
        Entity::Reservations => reservation(),
        Entity::SupplierOrders => supplier_order(),
        Entity::Members => member(),
    }
}

const CHANGED: &str = "2026-03-15T14:30:00+08:00";
const CREATED: &str = "2026-01-08T09:00:00+08:00";

fn customer() -> Value {
    json!({
        "externalId": "C0001", "code": "C0001", "name": "上海示例餐饮管理有限公司",
        "type": "company",
        "contacts": [{"name": "张伟", "title": "采购经理", "phone": "13800138000",
            "email": "zhangwei@example.com"}],
        "addresses": [{"address": "南京西路 1266 号", "city": "上海市", "province": "上海",
            "postalCode": "200040", "country": "CN"}],
        "companyInfo": {"legalName": "上海示例餐饮管理有限公司",
            "taxNumber": "91310000MA1FL0000X", "industry": "餐饮"},
        "financialInfo": {"creditLimit": "50000.00", "paymentTerms": "月结 30 天",
            "currency": "CNY"},
        "metadata": {"status": "active", "createdAt": CREATED, "updatedAt": CHANGED,
            "version": 3}
    })
}

fn product() -> Value {
    json!({
        "externalId": "P0001", "sku": "P0001", "code": "P0001", "name": "冷冻牛腩 1kg",
        "description": "谷饲牛腩，冷冻保存", "status": "active", "subStatus": "on_sale",
        "category": {"id": "FROZEN", "name": "冻品", "path": ["冻品"]},
        "brand": {"id": "B01", "name": "示例品牌"},
        "media": {"images": ["https://img.example.com/p0001.jpg"], "documents": []},
        "imageUrl": "https://img.example.com/p0001.jpg",
        "pricing": {"standardPrice": "89.00", "costPrice": "62.50", "currency": "CNY",
            "priceUnit": "袋", "taxRate": "0.09", "rebate": "2.00", "note": "季度价"},
        "inventory": {"quantity": "120", "unit": "袋", "warehouse": "WH01",
            "countyCode": "310106"},
        "supplier": {"id": "S001"},
        "skus": [{"sku": "P0001", "quantity": 120}],
        "metadata": {"status": "active", "statusReason": "", "createdAt": CREATED,
            "updatedAt": CHANGED, "version": 2}
    })
}

fn order() -> Value {
    json!({
        "externalId": "SO-20260315-001", "orderNumber": "SO-20260315-001", "type": "sales",
        "customer": {"id": "C0001", "code": "C0001", "name": "上海示例餐饮管理有限公司"},
        "items": [{"sku": "P0001", "name": "冷冻牛腩 1kg", "quantity": 10,
            "unitPrice": "89.00", "amount": "890.00"}],
        "amounts": {"subtotal": "890.00", "taxAmount": "80.10", "discountAmount": "0.00",
            "totalAmount": "970.10", "currency": "CNY"},
        "status": {"code": "confirmed", "name": "已确认", "updatedAt": CHANGED},
        "delivery": {"address": "南京西路 1266 号", "expectedDate": "2026-03-18"},
        "payment": {"dueDate": "2026-04-14"},
        "references": {"contractId": "HT-2026-009", "proposalId": "BJ-2026-031"},
        "metadata": {"createdAt": CREATED, "updatedAt": CHANGED, "version": 1,
            "notes": "工作日上午送货"}
    })
}

fn marketplace_order() -> Value {
    json!({
        "orderSn": "PO-211-00001", "externalId": "PO-211-00001", "status": 2,
        "statusName": "待发货", "totalAmount": "59.90", "currency": "CNY",
        "orderTime": CREATED, "updatedAt": CHANGED, "buyerName": "J. Smith",
        "items": [{"orderSn": "211-00001", "goodsName": "陶瓷咖啡杯", "quantity": 1}],
        "labels": ["normal"], "regionId": 211, "siteId": 100,
        "expectShipLatestTime": "2026-03-17T23:59:59+08:00", "fulfillmentWarning": []
    })
}

fn logistics() -> Value {
    json!({
        "orderCode": "YLH-20260315-001", "trackingNumber": "SF1234567890",
        "carrier": "顺丰速运", "status": "shipped", "snCodes": ["SN00001"],
        "deliveryRecordCode": "DR-0001", "shippedAt": CREATED, "deliveredAt": CHANGED,
        "updatedAt": CHANGED, "source": "vendor"
    })
}

fn reservation() -> Value {
    json!({
        "reservation_id": "RES-000001", "external_id": "YD-88001",
        "reservation_number": "A0001", "customer_name": "李女士",
        "customer_phone": "13900139000", "customer_count": 4,
        "reservation_date": "2026-03-16T18:00:00", "reservation_time": "18:00",
        "table_type": "包间", "table_number": "A3", "area": "二楼",
        "status": "confirmed", "special_requirements": "需要儿童座椅",
        "notes": "生日聚餐", "deposit_required": true, "deposit_amount": "100.00",
        "deposit_paid": true, "source": "yiding", "channel": "wechat"
    })
}

fn supplier_order() -> Value {
    json!({
        "order_number": "PO-00001", "supplier_id": "S001", "supplier_name": "蜀海供应链",
        "type": "purchase", "status": "delivered", "subtotal": "1200.00", "tax": "156.00",
        "shipping": "20.00", "total": "1376.00",
        "items": [{"sku": "P0001", "name": "冷冻牛腩 1kg", "quantity": 10,
            "unit_price": "120.00", "total": "1200.00"}],
        "delivery": {"address": "南京西路 1266 号", "contact": "王师傅",
            "phone": "13700137000"},
        "order_date": "2026-03-15", "expected_delivery": "2026-03-17",
        "actual_delivery": "2026-03-17", "updated_at": CHANGED
    })
}

fn member() -> Value {
    json!({
        "member_id": "M0001", "external_id": "wx-openid-0001", "phone": "13600136000",
        "name": "赵先生", "email": "zhao@example.com", "level": "gold", "points": 1280,
        "balance": "88.00", "updated_at": CHANGED
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{mapping_streams, providers};
    use storelink_core::system::SystemType;

    /// Whether a mapped record has a value at a target path (`contacts[0].name`).
    fn has(record: &Value, target: &str) -> bool {
        let mut at = record;
        for part in target.split('.') {
            let (key, index) = match part.split_once('[') {
                Some((k, i)) => (k, i.trim_end_matches(']').parse::<usize>().ok()),
                None => (part, None),
            };
            at = &at[key];
            if let Some(i) = index {
                at = &at[i];
            }
        }
        !at.is_null()
    }

    #[test]
    fn every_shipped_mapping_fills_all_its_fields_from_its_example() {
        let mut streams = 0;
        for system_type in SystemType::ALL {
            for provider in providers(*system_type) {
                for (stream, default, _) in mapping_streams(*system_type, provider) {
                    let example = vendor_example(stream, &default);
                    let mapped = default.apply(&example);
                    for target in default.fields.keys() {
                        assert!(
                            has(&mapped, target),
                            "{provider} {}: `{target}` is empty in {mapped}",
                            stream.name
                        );
                    }
                    streams += 1;
                }
            }
        }
        assert!(streams >= 20, "only {streams} streams looked at");
    }

    #[test]
    fn the_example_is_in_the_vendor_shape() {
        let (stream, default, _) = mapping_streams(SystemType::Erp, "yonyou_u8")
            .into_iter()
            .find(|(s, _, _)| s.name == "customers")
            .expect("u8 customers");
        let example = vendor_example(stream, &default);
        assert_eq!(example["cCusCode"], "C0001");
        assert_eq!(example["cCusDefine2"], "13800138000");
        assert!(example.get("externalId").is_none(), "{example}");
    }
}
