//! POS transactions (seed 000 "POSTransaction" and its create body).

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use specta::Type;
use uuid::Uuid;

use crate::error::{AppError, Rule, Violations};
use crate::money::Money;
use crate::validate;
use crate::vendor_time;

string_enum!(TransactionType { Sale => "sale", Refund => "refund", Void => "void" });
string_enum!(PaymentMethod {
    WechatPay => "wechat_pay",
    Alipay => "alipay",
    Cash => "cash",
    Card => "card",
});
string_enum!(RecordSyncStatus { Pending => "pending", Success => "success", Failed => "failed" });

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct PosItem {
    pub name: String,
    pub quantity: i64,
    pub price: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct PosTransaction {
    pub id: Uuid,
    pub system_id: Uuid,
    pub store_id: Option<String>,
    pub pos_transaction_id: String,
    pub pos_order_number: Option<String>,
    pub transaction_type: TransactionType,
    /// The sale a refund or void reverses.
    pub original_transaction_id: Option<String>,
    pub subtotal: Money,
    pub tax: Money,
    pub discount: Money,
    pub total: Money,
    pub payment_method: Option<PaymentMethod>,
    pub items: Vec<PosItem>,
    #[schema(value_type = Object)]
    pub customer_info: Value,
    pub sync_status: RecordSyncStatus,
    pub transaction_time: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// The body a terminal or POS vendor sends (seed 000 "创建POS交易"). The webhook's
/// `transaction.created` data uses the same fields and may leave out what the seed's
/// example leaves out: the type (a sale), the subtotal (derived from the total) and the
/// payment method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct PosTransactionInput {
    pub transaction_id: String,
    #[serde(default)]
    pub order_number: Option<String>,
    #[serde(rename = "type", default = "sale")]
    #[schema(default = "sale")]
    pub transaction_type: String,
    /// Required for refunds and voids: the `transaction_id` of the sale they reverse.
    #[serde(default)]
    pub original_transaction_id: Option<String>,
    #[serde(default)]
    pub subtotal: Option<Money>,
    #[serde(default)]
    pub tax: Money,
    #[serde(default)]
    pub discount: Money,
    pub total: Money,
    #[serde(default)]
    pub payment_method: Option<String>,
    #[serde(default)]
    pub items: Vec<PosItem>,
    #[serde(default)]
    pub customer: Option<Customer>,
    /// ISO 8601; without an offset it is the store's local time. Defaults to receipt time.
    #[serde(default)]
    pub transaction_time: Option<String>,
}

fn sale() -> String {
    "sale".to_owned()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type, utoipa::ToSchema)]
pub struct Customer {
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// A transaction that passed every rule, ready to store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidPosTransaction {
    pub transaction_id: String,
    pub order_number: Option<String>,
    pub transaction_type: TransactionType,
    pub original_transaction_id: Option<String>,
    pub subtotal: Money,
    pub tax: Money,
    pub discount: Money,
    pub total: Money,
    pub payment_method: Option<PaymentMethod>,
    pub items: Vec<PosItem>,
    pub customer: Option<Customer>,
    pub transaction_time: Option<DateTime<Utc>>,
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
    /// Checks every rule and names each field that breaks one. Times without an offset are
    /// read at `offset` (the store's zone).
    pub fn validate(self, offset: FixedOffset) -> Result<ValidPosTransaction, AppError> {
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
        let transaction_type = TransactionType::parse(&self.transaction_type);
        match (&transaction_type, &self.original_transaction_id) {
            (Some(TransactionType::Refund | TransactionType::Void), None) => v.push(
                "original_transaction_id",
                Rule::Required,
                "a refund or void must name the sale it reverses in original_transaction_id",
            ),
            (Some(TransactionType::Sale), Some(_)) => v.push(
                "original_transaction_id",
                Rule::Format {
                    expected: "absent for a sale".into(),
                },
                "original_transaction_id is only for refunds and voids",
            ),
            (_, Some(original)) => {
                validate::required_text(&mut v, "original_transaction_id", original, 64);
                if *original == self.transaction_id {
                    v.push(
                        "original_transaction_id",
                        Rule::Format {
                            expected: "another transaction's id".into(),
                        },
                        "a transaction cannot reverse itself",
                    );
                }
            }
            _ => {}
        }
        let payment_method = self.payment_method.as_deref().and_then(|p| {
            validate::one_of(&mut v, "payment_method", p, PaymentMethod::NAMES);
            PaymentMethod::parse(p)
        });
        let subtotal = self
            .subtotal
            .or_else(|| self.total.checked_sub(self.tax)?.checked_add(self.discount))
            .unwrap_or(self.total);
        for (field, m) in [
            ("subtotal", subtotal),
            ("tax", self.tax),
            ("discount", self.discount),
            ("total", self.total),
        ] {
            validate::non_negative(&mut v, field, m);
        }
        check_total(&mut v, subtotal, &[self.tax], self.discount, self.total);
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
            validate::non_negative(&mut v, &format!("items[{i}].price"), item.price);
        }
        if let Some(phone) = self.customer.as_ref().and_then(|c| c.phone.as_deref()) {
            validate::cn_mobile(&mut v, "customer.phone", phone);
        }
        let transaction_time = vendor_time::field(
            &mut v,
            "transaction_time",
            self.transaction_time.as_deref(),
            offset,
        );
        v.into_result()?;
        let transaction_type =
            transaction_type.ok_or_else(|| AppError::internal("type checked above"))?;
        Ok(ValidPosTransaction {
            transaction_id: self.transaction_id,
            order_number: self.order_number,
            transaction_type,
            original_transaction_id: self.original_transaction_id,
            subtotal,
            tax: self.tax,
            discount: self.discount,
            total: self.total,
            payment_method,
            items: self.items,
            customer: self.customer,
            transaction_time,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vendor_time::china_offset;
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
        let valid = input.validate(china_offset()).expect("valid");
        assert_eq!(valid.transaction_type, TransactionType::Sale);
        assert_eq!(valid.payment_method, Some(PaymentMethod::WechatPay));
    }

    #[test]
    fn total_off_by_one_fen_is_refused() {
        let mut body = seed_body();
        body["total"] = json!(296.79);
        let input: PosTransactionInput = serde_json::from_value(body).expect("parses");
        let Err(AppError::Validation { errors }) = input.validate(china_offset()) else {
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
    fn seed_webhook_data_is_a_sale_with_a_derived_subtotal() {
        let input: PosTransactionInput =
            serde_json::from_value(json!({"transaction_id": "TXN-2024-002", "total": 150.00}))
                .expect("parses");
        let valid = input.validate(china_offset()).expect("valid");
        assert_eq!(valid.subtotal, Money::from_fen(15000));
        assert_eq!(valid.payment_method, None);
    }

    #[test]
    fn refunds_name_their_sale() {
        let mut body = seed_body();
        body["type"] = json!("refund");
        let input: PosTransactionInput = serde_json::from_value(body.clone()).expect("parses");
        let Err(AppError::Validation { errors }) = input.validate(china_offset()) else {
            panic!("must fail")
        };
        assert_eq!(errors[0].field, "original_transaction_id");
        body["original_transaction_id"] = json!("TXN-2024-000");
        body["transaction_time"] = json!("2024-02-15T18:05:00");
        let input: PosTransactionInput = serde_json::from_value(body).expect("parses");
        let valid = input.validate(china_offset()).expect("valid");
        assert_eq!(
            valid.transaction_time.map(|t| t.to_rfc3339()),
            Some("2024-02-15T10:05:00+00:00".into())
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
        let Err(AppError::Validation { errors }) = input.validate(china_offset()) else {
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
