//! POS transactions (seed 000 "POSTransaction" and its create body).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use uuid::Uuid;

use crate::error::{AppError, Rule, Violations};
use crate::money::Money;
use crate::validate;

string_enum!(TransactionType { Sale => "sale", Refund => "refund", Void => "void" });
string_enum!(PaymentMethod {
    WechatPay => "wechat_pay",
    Alipay => "alipay",
    Cash => "cash",
    Card => "card",
});
string_enum!(RecordSyncStatus { Pending => "pending", Success => "success", Failed => "failed" });

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PosItem {
    pub name: String,
    pub quantity: i64,
    pub price: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PosTransaction {
    pub id: Uuid,
    pub system_id: Uuid,
    pub store_id: Option<String>,
    pub pos_transaction_id: String,
    pub pos_order_number: Option<String>,
    pub transaction_type: TransactionType,
    pub subtotal: Money,
    pub tax: Money,
    pub discount: Money,
    pub total: Money,
    pub payment_method: PaymentMethod,
    pub items: Vec<PosItem>,
    pub customer_info: Value,
    pub sync_status: RecordSyncStatus,
    pub transaction_time: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// The body a terminal or POS vendor sends (seed 000 "创建POS交易").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct PosTransactionInput {
    pub transaction_id: String,
    #[serde(default)]
    pub order_number: Option<String>,
    #[serde(rename = "type")]
    pub transaction_type: String,
    pub subtotal: Money,
    #[serde(default)]
    pub tax: Money,
    #[serde(default)]
    pub discount: Money,
    pub total: Money,
    pub payment_method: String,
    #[serde(default)]
    pub items: Vec<PosItem>,
    #[serde(default)]
    pub customer: Option<Customer>,
    #[serde(default)]
    pub transaction_time: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct Customer {
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// `total` must equal `subtotal + tax − discount`, to the fen.
pub fn check_total(
    v: &mut Violations,
    subtotal: Money,
    additions: &[Money],
    discount: Money,
    total: Money,
) {
    let expected = additions
        .iter()
        .try_fold(subtotal, |acc, m| acc.checked_add(*m))
        .and_then(|m| m.checked_sub(discount));
    match expected {
        Some(expected) if expected == total => {}
        Some(expected) => v.push(
            "total",
            Rule::SumMismatch {
                expected: expected.to_yuan_string(),
                actual: total.to_yuan_string(),
            },
            format!("total must equal subtotal + tax - discount = {expected} (got {total})"),
        ),
        None => v.push("total", Rule::MoneyFormat, "amounts are too large"),
    }
}

impl PosTransactionInput {
    pub fn validate(&self) -> Result<(TransactionType, PaymentMethod), AppError> {
        let mut v = Violations::new();
        validate::required_text(&mut v, "transaction_id", &self.transaction_id, 64);
        if let Some(n) = &self.order_number {
            validate::max_len(&mut v, "order_number", n, 64);
        }
        validate::one_of(
            &mut v,
            "type",
            &self.transaction_type,
            TransactionType::NAMES,
        );
        validate::one_of(
            &mut v,
            "payment_method",
            &self.payment_method,
            PaymentMethod::NAMES,
        );
        for (field, m) in [
            ("subtotal", self.subtotal),
            ("tax", self.tax),
            ("discount", self.discount),
        ] {
            if m.is_negative() {
                v.push(
                    field,
                    Rule::OutOfRange {
                        min: 0,
                        max: i64::MAX,
                    },
                    format!("{field} must not be negative"),
                );
            }
        }
        check_total(
            &mut v,
            self.subtotal,
            &[self.tax],
            self.discount,
            self.total,
        );
        for (i, item) in self.items.iter().enumerate() {
            validate::required_text(&mut v, &format!("items[{i}].name"), &item.name, 200);
            validate::range(
                &mut v,
                &format!("items[{i}].quantity"),
                item.quantity,
                1,
                100_000,
                "",
            );
        }
        if let Some(phone) = self.customer.as_ref().and_then(|c| c.phone.as_deref()) {
            validate::cn_mobile(&mut v, "customer.phone", phone);
        }
        v.into_result()?;
        match (
            TransactionType::parse(&self.transaction_type),
            PaymentMethod::parse(&self.payment_method),
        ) {
            (Some(t), Some(p)) => Ok((t, p)),
            _ => Err(AppError::internal("enums checked above")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn seed_body() -> serde_json::Value {
        json!({
            "transaction_id": "TXN-2024-001", "order_number": "ORD-2024-001", "type": "sale",
            "subtotal": 288.00, "tax": 28.80, "discount": 20.00, "total": 296.80,
            "payment_method": "wechat_pay",
            "items": [{"name": "宫保鸡丁", "quantity": 2, "price": 68.00}],
            "customer": {"phone": "13800138000", "name": "张三"}
        })
    }

    #[test]
    fn seed_example_is_valid_to_the_fen() {
        let input: PosTransactionInput = serde_json::from_value(seed_body()).expect("parses");
        assert_eq!(input.total, Money::from_fen(29680));
        assert_eq!(
            input.validate(),
            Ok((TransactionType::Sale, PaymentMethod::WechatPay))
        );
    }

    #[test]
    fn total_off_by_one_fen_is_refused() {
        let mut body = seed_body();
        body["total"] = json!(296.79);
        let input: PosTransactionInput = serde_json::from_value(body).expect("parses");
        let Err(AppError::Validation { errors }) = input.validate() else {
            panic!("must fail")
        };
        assert_eq!(errors[0].field, "total");
        assert_eq!(
            errors[0].rule,
            Rule::SumMismatch {
                expected: "296.80".into(),
                actual: "296.79".into()
            }
        );
    }

    #[test]
    fn bad_fields_are_named() {
        let mut body = seed_body();
        body["payment_method"] = json!("bitcoin");
        body["type"] = json!("gift");
        body["customer"]["phone"] = json!("12345");
        body["items"][0]["quantity"] = json!(0);
        let input: PosTransactionInput = serde_json::from_value(body).expect("parses");
        let Err(AppError::Validation { errors }) = input.validate() else {
            panic!("must fail")
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "type",
                "payment_method",
                "items[0].quantity",
                "customer.phone"
            ]
        );
    }
}
