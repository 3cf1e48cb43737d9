//! The seeds' example bodies (seeds 000 and 002), the starting points of mutated inputs;
//! shared with the other crates' fuzz tests through `#[path]`.
#![allow(dead_code)]

use serde_json::{json, Value};

pub fn pos_seed() -> Value {
    json!({"transaction_id": "TXN-2024-001", "order_number": "ORD-2024-001", "type": "sale",
        "subtotal": 288.00, "tax": 28.80, "discount": 20.00, "total": 296.80,
        "payment_method": "wechat_pay",
        "items": [{"name": "宫保鸡丁", "quantity": 2, "price": 68.00}],
        "customer": {"phone": "13800138000", "name": "张三"},
        "transaction_time": "2024-02-14T12:00:00"})
}

pub fn supplier_seed() -> Value {
    json!({"order_number": "PO-2024-001", "supplier_id": "SUP-001", "supplier_name": "蜀海供应链",
        "type": "purchase", "status": "pending", "subtotal": 5000.00, "tax": 500.00,
        "shipping": 200.00, "total": 5700.00,
        "items": [{"name": "鸡肉", "quantity": 50, "unit": "kg", "price": 30.00}],
        "delivery": {"address": "北京市朝阳区xxx路xxx号", "contact": "李四", "phone": "13900139000"},
        "expected_delivery": "2024-02-15T10:00:00"})
}

pub fn member_seed() -> Value {
    json!({"member_id": "MEM-001", "external_id": "wx_openid_123", "phone": "13800138000",
        "name": "张三", "email": "zhangsan@example.com", "level": "gold", "points": 1500,
        "balance": 200.00})
}

pub fn reservation_seed() -> Value {
    json!({"reservation_id": "RES-2024-001", "external_id": "yiding_res_001",
        "reservation_number": "YD20240214001", "customer_name": "张三",
        "customer_phone": "13800138000", "customer_count": 4,
        "reservation_date": "2024-02-15T00:00:00", "reservation_time": "18:00-20:00",
        "table_type": "圆桌", "area": "大厅", "status": "confirmed",
        "special_requirements": "靠窗位置", "notes": "VIP", "deposit_required": true,
        "deposit_amount": 200.00, "deposit_paid": true, "source": "yiding", "channel": "微信小程序"})
}
